"""Compiling the message catalogues while other processes read them (parallel test workers do)."""

from __future__ import annotations

import os

from babel.messages.catalog import Catalog
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import write_po

from competition.i18n import compile_catalogues


def test_a_catalogue_is_replaced_whole_under_a_reader_that_has_the_old_one_open(tmp_path):
    folder = tmp_path / "id" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    old, new = Catalog(locale="id"), Catalog(locale="id")
    old.add("Save", "Simpan")
    new.add("Save", "Simpan sekarang")
    with (folder / "messages.mo").open("wb") as handle:
        write_mo(handle, old)
    with (folder / "messages.po").open("wb") as handle:
        write_po(handle, new)
    os.utime(folder / "messages.mo", (0, 0))   # older than the .po: compiled again

    with (folder / "messages.mo").open("rb") as reader:   # a process that opened the old one
        assert compile_catalogues(tmp_path) == [folder / "messages.mo"]
        assert read_mo(reader)["Save"].string == "Simpan"   # not emptied or rewritten under it
    with (folder / "messages.mo").open("rb") as handle:
        assert read_mo(handle)["Save"].string == "Simpan sekarang"
    assert sorted(p.name for p in folder.iterdir()) == ["messages.mo", "messages.po"]

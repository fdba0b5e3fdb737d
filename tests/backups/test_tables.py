"""Every table of the models is either in a competition's archive or left out with a reason, and
every column of the archived tables has a form in the archive."""

from __future__ import annotations

import pytest
from sqlalchemy import Column, LargeBinary, MetaData, Table

from competition.backups.archive import column_kind, encode
from competition.backups.queries import EXCLUDED, OWNED, SHARED, WITHHELD
from competition.extensions import db


def test_every_table_is_archived_or_left_out_with_a_reason(app):
    tables = set(db.metadata.tables)
    named = [*OWNED, *SHARED, *EXCLUDED]
    assert len(named) == len(set(named)), "a table is named twice"
    unaccounted = tables - set(named)
    assert not unaccounted, (f"{sorted(unaccounted)}: export their rows in competition/backups/queries.py "
                             "(OWNED or SHARED) or name them in EXCLUDED with the reason")
    assert set(named) <= tables
    assert all(len(reason) > 20 for reason in EXCLUDED.values())
    for table, columns in WITHHELD.items():
        assert set(columns) <= set(db.metadata.tables[table].c.keys())


def test_every_archived_column_has_an_archive_form(app):
    for name in [*OWNED, *SHARED]:
        for column in db.metadata.tables[name].columns:
            column_kind(column)   # raises, naming the column, for a type the archive has no form for
    strange = Table("strange", MetaData(), Column("lasts", LargeBinary))
    with pytest.raises(TypeError, match="strange.lasts"):
        encode(strange.c.lasts, b"\x00")

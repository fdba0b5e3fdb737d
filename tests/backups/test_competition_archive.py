"""``flask export-competition`` and ``import-competition``: the demo's competitions go into an
archive and come back into an empty database with every row, every file and their hashes; the
audit chains and the sealed results verify there; a damaged, tampered-with, unknown or colliding
archive is refused with a message and nothing stored."""

from __future__ import annotations

import json
import zipfile
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from competition.backups.archive import ArchiveRefused, decode
from competition.backups.operations import import_competition
from competition.extensions import db
from competition.models import Category, Competition, Entry, Evidence, User
from tests.backups.helpers import PDF, add_evidence_to_demo, archive_contents, run, typed_values


def rewrite(source: Path, target: Path, change: dict[str, bytes | None]) -> None:
    """A copy of an archive with members replaced (or left out, for None)."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            if info.filename in change:
                data = change[info.filename]
                if data is not None:
                    new.writestr(info.filename, data)
            else:
                new.writestr(info, old.read(info.filename))


@pytest.fixture
def target(app):
    """An empty database to import into, with an evidence folder of its own."""
    return app


def test_a_round_trip_keeps_every_row_and_file_and_the_chains_and_seals_verify(exported, target, tmp_path):
    first, second, sha256 = exported.first, exported.second, exported.sha256
    for path in (first, second):
        result = run(target, "import-competition", str(path))
        assert result.exit_code == 0, result.output
    assert "already here: 1 region" in result.output   # the second shares the first's region
    assert (tmp_path / "evidence" / sha256[:2] / sha256).read_bytes() == PDF
    for competition_id, path in ((1, first), (2, second)):
        again = tmp_path / f"again-{competition_id}.zip"
        assert run(target, "export-competition", str(competition_id), str(again)).exit_code == 0
        assert archive_contents(again) == archive_contents(path)
    tables, files = archive_contents(second)
    assert files == [{"sha256": sha256, "size": len(PDF)}]
    assert len(tables["entry"]) == db.session.scalar(select(func.count()).select_from(Entry)
                                                     .where(Entry.competition_id == 2)) > 0
    audit = run(target, "audit", "verify")
    assert audit.exit_code == 0 and audit.output.endswith("OK\n"), audit.output
    db.session.add(Category(competition_id=2, name="Baru setelah impor"))   # the ids go on after the imported
    db.session.commit()
    sealed = run(target, "results", "verify", "1")
    assert sealed.exit_code == 0 and "Version 1 verifies" in sealed.output, sealed.output


def test_types_come_back_exactly(exported, target):
    first = exported.first
    with zipfile.ZipFile(first) as archive:
        competition = json.loads(archive.read("tables/competition.json"))
    row = dict(zip(competition["columns"], competition["rows"][0], strict=True))
    assert row["submission_opens_at"].endswith("+00:00")   # a moment keeps its time zone
    source = exported.typed
    assert run(target, "import-competition", str(first)).exit_code == 0
    imported = typed_values()
    assert imported == source
    assert [type(v) for v in imported] == [type(v) for v in source]
    assert imported[0].tzinfo is not None and imported[5].tzinfo is not None
    assert len(imported[6]) > 0 and all(isinstance(value, float) for _, value, _ in imported[6])


def test_decimals_dates_and_json_are_written_one_exact_way():
    from sqlalchemy import JSON, Column, Date, MetaData, Numeric, Table

    from competition.backups.archive import encode
    from competition.models.types import UTCDateTime

    table = Table("t", MetaData(), Column("money", Numeric(20, 4)), Column("on", Date),
                  Column("at", UTCDateTime), Column("data", JSON))
    assert encode(table.c.money, Decimal("70.0250")) == "70.0250"
    assert decode(table.c.money, "70.0250") == Decimal("70.0250")
    moment = datetime(2026, 3, 2, 2, 0, 0, 123456, tzinfo=UTC)
    assert decode(table.c.at, encode(table.c.at, moment)) == moment
    with pytest.raises(ArchiveRefused, match="t.at"):
        decode(table.c.at, "2026-03-02T02:00:00")   # no time zone
    assert decode(table.c.data, {"a": [1, "2.50"]}) == {"a": [1, "2.50"]}


def count_rows() -> int:
    return sum(db.session.scalar(select(func.count()).select_from(model)) or 0
               for model in (Competition, Entry, Evidence, User))


def refused(app, path: Path, *words: str) -> None:
    """The import is refused with a message holding ``words``, no traceback, and nothing stored."""
    with app.app_context():
        before = count_rows()
        result = run(app, "import-competition", str(path))
        assert result.exit_code == 1, result.output
        assert isinstance(result.exception, SystemExit) and "Traceback" not in result.output, result.output
        for word in words:
            assert word in result.output, result.output
        assert count_rows() == before


def test_a_damaged_archive_is_refused(exported, target, tmp_path):
    first = exported.first
    cut = tmp_path / "cut.zip"
    cut.write_bytes(first.read_bytes()[: first.stat().st_size // 2])
    refused(target, cut, "not a readable zip archive")
    refused(target, tmp_path / "nowhere.zip", "no such file")
    flipped = bytearray(first.read_bytes())
    with zipfile.ZipFile(first) as archive:
        info = archive.getinfo("tables/entry.json")
    flipped[info.header_offset + 30 + len(info.filename) + 10] ^= 0xFF   # inside the deflated data
    damaged = tmp_path / "damaged.zip"
    damaged.write_bytes(bytes(flipped))
    refused(target, damaged, "entry.json")
    incomplete = tmp_path / "incomplete.zip"
    rewrite(first, incomplete, {"manifest.json": None})
    refused(target, incomplete, "no manifest.json")


def test_a_file_or_table_that_does_not_match_its_hash_is_refused(exported, target, tmp_path):
    second, sha256 = exported.second, exported.sha256
    swapped = tmp_path / "swapped.zip"
    rewrite(second, swapped, {f"evidence/{sha256}": PDF + b"changed"})
    refused(target, swapped, f"evidence/{sha256}", "SHA-256")
    assert not (tmp_path / "evidence" / sha256[:2] / sha256).exists()
    with zipfile.ZipFile(second) as archive:
        entries = json.loads(archive.read("tables/entry.json"))
    entries["rows"][0][entries["columns"].index("title")] = "Judul lain"
    edited = tmp_path / "edited.zip"
    rewrite(second, edited, {"tables/entry.json": json.dumps(entries).encode()})
    refused(target, edited, "tables/entry.json does not have the SHA-256")


def test_an_edited_audit_row_is_refused_even_with_the_tables_hash_updated(exported, target, tmp_path):
    import hashlib

    first = exported.first
    with zipfile.ZipFile(first) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        events = json.loads(archive.read("tables/entry_event.json"))
    events["rows"][0][events["columns"].index("comment")] = "diubah"
    data = json.dumps(events).encode()
    manifest["tables"]["entry_event"]["sha256"] = hashlib.sha256(data).hexdigest()
    edited = tmp_path / "edited.zip"
    rewrite(first, edited, {"tables/entry_event.json": data, "manifest.json": json.dumps(manifest).encode()})
    refused(target, edited, "entry_event row", "does not match its own hash")


def test_an_unknown_format_version_is_refused(exported, target, tmp_path):
    first = exported.first
    with zipfile.ZipFile(first) as archive:
        manifest = json.loads(archive.read("manifest.json"))
    manifest["format_version"] = 99
    future = tmp_path / "future.zip"
    rewrite(first, future, {"manifest.json": json.dumps(manifest).encode()})
    refused(target, future, "format version 99")


def test_rows_that_would_collide_are_refused(exported, target):
    first = exported.first
    assert run(target, "import-competition", str(first)).exit_code == 0
    refused(target, first, "collide", "competition: 1 id(s) taken")


def test_an_account_with_the_id_of_another_is_refused(exported, target):
    db.session.add(User(id=1, email="lain@contoh.id", name="Lain", password_hash="!"))
    db.session.commit()
    refused(target, exported.first, "collide", "user_account 1 is lain@contoh.id here")


def test_an_import_that_fails_late_leaves_nothing(exported, target, monkeypatch):
    second = exported.second

    def broken_copy(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("competition.backups.archive.ArchiveReader.copy_file", broken_copy)
    with pytest.raises(OSError):
        from competition.unit_of_work import unit_of_work

        with unit_of_work():
            import_competition(second)
    assert count_rows() == 0


def test_an_export_is_written_whole_or_not_at_all(demo_app, tmp_path):
    sha256 = add_evidence_to_demo()
    target = tmp_path / "export.zip"
    target.write_bytes(b"the archive of last week")
    (Path(demo_app.config["EVIDENCE_DIR"]) / sha256[:2] / sha256).unlink()
    result = run(demo_app, "export-competition", "2", str(target))
    assert result.exit_code == 1 and "evidence file(s) are missing" in result.output
    assert target.read_bytes() == b"the archive of last week"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".export.zip")] == []


def test_an_evidence_file_damaged_in_the_destination_is_replaced(exported, target, tmp_path):
    sha256 = exported.sha256
    damaged = tmp_path / "evidence" / sha256[:2] / sha256
    damaged.parent.mkdir(parents=True)
    damaged.write_bytes(b"not the file")
    result = run(target, "import-competition", str(exported.second))
    assert result.exit_code == 0, result.output
    assert damaged.read_bytes() == PDF

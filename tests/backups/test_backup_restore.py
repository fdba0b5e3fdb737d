"""``flask backup`` and ``flask restore``: the whole database (pg_dump / pg_restore on PostgreSQL,
SQLite's online backup API) and the evidence folder in one file; a restore gives back every row
of every table and every file, refuses a database with rows unless forced and a damaged backup
before touching anything, and checks the audit chains, the sealed results and the files."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, select, text

from competition.extensions import db
from competition.models import Category
from tests.backups.helpers import PDF, add_evidence_to_demo, other_app, run
from tests.conftest import audit_guards_lifted, create_database, drop_database, on_postgres


def every_row() -> dict[str, list[Any]]:
    return {table.name: [tuple(row) for row in db.session.execute(
        select(table).order_by(*table.primary_key.columns))] for table in db.metadata.sorted_tables}


def back_up(app, folder: Path) -> Path:
    result = run(app, "backup", str(folder) + "/")
    assert result.exit_code == 0, result.output
    [path] = list(folder.glob("anugerah-backup-*.zip"))
    return path


@pytest.fixture
def empty(tmp_path):
    """An empty database of the kind under test (no tables at all), with its own evidence folder."""
    url = create_database("restored", tmp_path)
    with other_app(url, tmp_path / "restored-evidence", create=False) as app:
        yield app
    drop_database(url)


def test_a_restore_gives_back_every_row_and_file_and_reports_its_checks(demo_app, empty, tmp_path):
    with demo_app.app_context():
        sha256 = add_evidence_to_demo()
        before = every_row()
    path = back_up(demo_app, tmp_path / "backups")
    with zipfile.ZipFile(path) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        member = manifest["database_file"]["name"]
        assert archive.getinfo(member).file_size == manifest["database_file"]["size"] > 0
    assert manifest["format"] == "anugerah-backup" and manifest["format_version"] == 1
    assert manifest["created_at"].endswith("+00:00") and manifest["app_version"]
    assert "migration_head" in manifest   # None: the test databases are made without migrations
    assert manifest["evidence"] == [{"name": f"{sha256[:2]}/{sha256}", "sha256": sha256, "size": len(PDF)}]

    result = run(empty, "restore", str(path))
    assert result.exit_code == 0, result.output
    for line in ("database and 1 evidence file(s) match their SHA-256", "audit entry_event:",
                 "the chain holds", "competition 1 results version 1: verifies",
                 "evidence: all 1 file(s) named by the database are present", "Restored and verified."):
        assert line in result.output, result.output
    with empty.app_context():
        assert every_row() == before
    assert (tmp_path / "restored-evidence" / sha256[:2] / sha256).read_bytes() == PDF


def test_a_database_with_rows_is_replaced_only_when_forced(demo_app, tmp_path):
    path = back_up(demo_app, tmp_path / "backups")
    added = select(Category).where(Category.name == "Ditambahkan setelah cadangan")
    db.session.add(Category(competition_id=2, name="Ditambahkan setelah cadangan"))
    db.session.commit()
    result = run(demo_app, "restore", str(path))
    assert result.exit_code == 1 and "not empty" in result.output and "--force" in result.output
    assert db.session.scalar(added)
    db.session.close()   # as the web processes must be stopped before a restore
    result = run(demo_app, "restore", "--force", str(path))
    assert result.exit_code == 0, result.output
    assert db.session.scalar(added) is None


def test_a_damaged_or_foreign_backup_is_refused_before_anything_is_touched(demo_app, empty, tmp_path):
    with demo_app.app_context():
        add_evidence_to_demo()
    path = back_up(demo_app, tmp_path / "backups")
    with zipfile.ZipFile(path) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        members = {info.filename: archive.read(info.filename) for info in archive.infolist()}
    evidence = "evidence/" + manifest["evidence"][0]["name"]
    swapped = tmp_path / "swapped.zip"
    with zipfile.ZipFile(swapped, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data + b"!" if name == evidence else data)
    result = run(empty, "restore", str(swapped))
    assert result.exit_code == 1 and "SHA-256" in result.output and evidence in result.output, result.output
    foreign = tmp_path / "foreign.zip"
    other = "sqlite" if manifest["database"] == "postgresql" else "postgresql"
    with zipfile.ZipFile(foreign, "w") as archive:
        for name, data in members.items():
            changed = json.dumps(manifest | {"database": other}).encode()
            archive.writestr(name, changed if name == "manifest.json" else data)
    result = run(empty, "restore", str(foreign))
    assert result.exit_code == 1 and f"a backup of a {other} database" in result.output, result.output
    cut = tmp_path / "cut.zip"
    cut.write_bytes(path.read_bytes()[:1000])
    result = run(empty, "restore", str(cut))
    assert result.exit_code == 1 and "not a readable zip archive" in result.output, result.output
    with empty.app_context(), db.engine.connect() as connection:
        assert not db.inspect(connection).get_table_names()
    assert not (tmp_path / "restored-evidence").exists()


def test_a_restored_database_that_does_not_verify_exits_1_saying_what(demo_app, empty, tmp_path):
    with demo_app.app_context(), db.engine.begin() as connection, \
            audit_guards_lifted(connection, ["entry_event"]):
        connection.execute(text("UPDATE entry_event SET comment = 'diubah' WHERE id = 3"))
    path = back_up(demo_app, tmp_path / "backups")
    result = run(empty, "restore", str(path))
    assert result.exit_code == 1, result.output
    assert "FAILED  audit entry_event:" in result.output and "3" in result.output, result.output
    assert "does not verify: 1 problem(s)" in result.output


@pytest.mark.skipif(not on_postgres(), reason="pg_restore waits for ever on a table in use: PostgreSQL only "
                                              "(SQLite's restore waits on its busy timeout)")
def test_a_restore_over_a_database_in_use_is_refused(demo_app, tmp_path):
    path = back_up(demo_app, tmp_path / "backups")
    web = create_engine(db.engine.url)   # a web process still reading
    try:
        with web.connect() as reader:
            reader.execute(select(Category.id).limit(1))
            result = run(demo_app, "restore", "--force", str(path))
    finally:
        web.dispose()
    assert result.exit_code == 1 and "other connection(s) to this database are open" in result.output, \
        result.output

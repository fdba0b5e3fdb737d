"""The demo moves from PostgreSQL to SQLite and back to PostgreSQL through archives and loses
nothing: each export after an import holds the same rows and the same files as the first, and
the audit chains and sealed results verify on each database."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

from tests.backups.helpers import archive_contents, other_app, run
from tests.conftest import create_database, drop_database, on_postgres

pytestmark = pytest.mark.skipif(
    not on_postgres(), reason="moves the demo between PostgreSQL and SQLite: run with "
                              "ANUGERAH_TEST_DATABASE_URL set to a PostgreSQL server")


def import_and_export_again(app: Flask, archives: list[Path], out: Path) -> list[Path]:
    again = []
    for number, path in enumerate(archives, start=1):
        result = run(app, "import-competition", str(path))
        assert result.exit_code == 0, result.output
        again.append(out / f"{number}.zip")
        assert run(app, "export-competition", str(number), str(again[-1])).exit_code == 0
    audit = run(app, "audit", "verify")
    assert audit.exit_code == 0 and audit.output.endswith("OK\n"), audit.output
    sealed = run(app, "results", "verify", "1")
    assert sealed.exit_code == 0, sealed.output
    return again


def test_postgresql_to_sqlite_to_postgresql_loses_nothing(exported, tmp_path):
    first = [exported.first, exported.second]
    (tmp_path / "sqlite").mkdir()
    with other_app(f"sqlite:///{tmp_path / 'moved.db'}", tmp_path / "sqlite-evidence") as on_sqlite:
        assert on_sqlite.extensions["sqlalchemy"].engine.dialect.name == "sqlite"
        from_sqlite = import_and_export_again(on_sqlite, first, tmp_path / "sqlite")
    url = create_database("moved_back", tmp_path)
    (tmp_path / "postgresql").mkdir()
    try:
        with other_app(url, tmp_path / "postgresql-evidence") as on_postgresql:
            from_postgresql = import_and_export_again(on_postgresql, from_sqlite, tmp_path / "postgresql")
    finally:
        drop_database(url)
    for original, via_sqlite, back in zip(first, from_sqlite, from_postgresql, strict=True):
        assert archive_contents(via_sqlite) == archive_contents(original)
        assert archive_contents(back) == archive_contents(original)
    assert (tmp_path / "postgresql-evidence" / exported.sha256[:2] / exported.sha256).is_file()

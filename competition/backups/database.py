"""The whole database and the evidence folder in one backup file, and restoring it.

A backup is a zip archive (see :mod:`competition.backups.archive`, written atomically) holding the
database — ``pg_dump -Fc`` of PostgreSQL, or a copy of SQLite's file made by its online backup
API, both taken while the app serves — every evidence file, and a manifest with the time, the
app's version, the migration the database is at and the SHA-256 of every member.

Restoring checks every member against the manifest before it touches anything, refuses a
database that holds rows unless forced, loads the database (``pg_restore``, or SQLite's backup
API the other way), puts the evidence files back, and then checks what it restored with the code
behind ``flask audit verify`` and ``flask results verify``.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import inspect, select, text
from sqlalchemy.engine import URL

from competition.audit.queries import verify_chains
from competition.backups.archive import (
    MANIFEST,
    ArchiveRefused,
    dumps,
    read_archive,
    sha256_of_file,
    write_archive,
)
from competition.backups.queries import app_version, migration_head
from competition.entries.evidence import evidence_path
from competition.extensions import db
from competition.models import Evidence, ResultSet
from competition.results.operations import verify_result_set

FORMAT = "anugerah-backup"
FORMAT_VERSION = 1
DATABASE_MEMBER = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}
EVIDENCE_NAME = re.compile(r"^[0-9a-f]{2}/[0-9a-f]{64}$")
NOT_DATA = {"alembic_version"}


@dataclass(frozen=True)
class BackupSummary:
    path: Path
    database: str
    database_bytes: int
    files: int
    file_bytes: int
    damaged: list[str] = field(default_factory=list)   # evidence files whose content is not their name


@dataclass(frozen=True)
class RestoreReport:
    checks: list[str]
    problems: list[str]


def _dialect() -> str:
    return db.engine.dialect.name


def _sqlite_file() -> Path:
    name = db.engine.url.database
    if not name or name == ":memory:":
        raise ArchiveRefused("this SQLite database lives in memory; there is no file to back up or restore")
    return Path(name)


def _pg_tool(name: str) -> str:
    """The PostgreSQL client tool of the server's major version (the Debian layout first)."""
    with db.engine.connect() as connection:
        major = int(connection.execute(text("SHOW server_version_num")).scalar_one()) // 10000
    for candidate in (f"/usr/lib/postgresql/{major}/bin/{name}", shutil.which(name)):
        if candidate and Path(candidate).is_file():
            return candidate
    raise ArchiveRefused(f"{name} (PostgreSQL {major}) was not found: install postgresql-client-{major}")


def _pg_target() -> tuple[str, dict[str, str]]:
    """The database's address for libpq, and the environment carrying its password."""
    url: URL = db.engine.url
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    address = URL.create("postgresql", username=url.username, host=url.host, port=url.port,
                         database=url.database, query=url.query).render_as_string(hide_password=False)
    return address, env


def _run(command: list[str], env: dict[str, str] | None = None) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise ArchiveRefused(f"{Path(command[0]).name} failed ({done.returncode}): "
                             f"{(done.stderr or done.stdout).strip()[:2000]}")


def _dump_database(target: Path) -> None:
    if _dialect() == "postgresql":
        address, env = _pg_target()
        _run([_pg_tool("pg_dump"), "--format=custom", "--file", str(target), "--dbname", address], env)
        return
    with closing(sqlite3.connect(_sqlite_file())) as source, closing(sqlite3.connect(target)) as copy:
        source.backup(copy)


def _evidence_files() -> list[tuple[str, Path]]:
    folder = Path(current_app.config["EVIDENCE_DIR"])
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.glob("??/*")):
        name = path.relative_to(folder).as_posix()
        if path.is_file() and EVIDENCE_NAME.match(name):
            found.append((name, path))
    return found


def backup_path(target: str, now: datetime) -> Path:
    """``target`` itself, or a file named by the time in it when it is a folder (one that exists,
    or a path ending with a slash)."""
    if Path(target).is_dir() or target.endswith(os.sep):
        return Path(target) / f"anugerah-backup-{now:%Y%m%dT%H%M%SZ}.zip"
    return Path(target)


def backup(target: str) -> BackupSummary:
    """Write the database and the evidence folder to one file (whole or not at all)."""
    now = datetime.now(UTC)
    path = backup_path(target, now)
    dialect = _dialect()
    member = DATABASE_MEMBER.get(dialect)
    if member is None:
        raise ArchiveRefused(f"backing up a {dialect} database is not supported")
    head = migration_head()
    db.session.close()   # nothing of this command holds the database while it is copied
    evidence: list[dict[str, Any]] = []
    damaged: list[str] = []
    sizes: list[tuple[str, int]] = []
    with write_archive(path) as archive, tempfile.TemporaryDirectory(dir=path.parent) as work:
        dump = Path(work) / member
        _dump_database(dump)
        database_sha256, database_size = archive.add_file(member, dump)
        for name, file in _evidence_files():
            sha256, size = archive.add_file(f"evidence/{name}", file)
            if sha256 != name[3:]:
                damaged.append(name)
            evidence.append({"name": name, "sha256": sha256, "size": size})
            sizes.append((name, size))
        archive.add_bytes(MANIFEST, dumps({
            "format": FORMAT, "format_version": FORMAT_VERSION, "created_at": now.isoformat(),
            "app_version": app_version(), "migration_head": head, "database": dialect,
            "database_file": {"name": member, "sha256": database_sha256, "size": database_size},
            "evidence": evidence, "damaged_evidence": damaged,
        }))
    return BackupSummary(path, dialect, database_size, len(evidence), sum(size for _, size in sizes), damaged)


def database_has_rows() -> list[str]:
    """The tables of this database that hold rows (the migrations' own table aside)."""
    with db.engine.connect() as connection:
        names = [name for name in inspect(connection).get_table_names() if name not in NOT_DATA]
        preparer = connection.dialect.identifier_preparer
        return [name for name in sorted(names)
                if connection.execute(text(f"SELECT 1 FROM {preparer.quote(name)} LIMIT 1")).first()]


def _check_manifest(manifest: dict[str, Any]) -> None:
    dialect = _dialect()
    if manifest.get("database") != dialect:
        raise ArchiveRefused(f"this is a backup of a {manifest.get('database')} database and this database "
                             f"is {dialect}; move competitions between the two with export-competition and "
                             "import-competition")


def restore(source: Path, *, force: bool) -> RestoreReport:
    """Replace this database and add to the evidence folder what the backup at ``source`` holds,
    then check it. Refuses a damaged backup before touching anything, and a database with rows
    unless ``force``."""
    with read_archive(source, FORMAT, (FORMAT_VERSION,), _check_manifest) as reader:
        manifest = reader.manifest
        database_file = manifest["database_file"]
        files = manifest.get("evidence", [])
        reader.check_file(database_file["name"], database_file["sha256"], database_file["size"])
        for item in files:
            if not EVIDENCE_NAME.match(str(item.get("name"))):
                raise ArchiveRefused(f"{source}: {item.get('name')!r} is not the name of an evidence file")
            reader.check_file(f"evidence/{item['name']}", item["sha256"], item["size"])
        holding = database_has_rows()
        if holding and not force:
            raise ArchiveRefused(f"this database is not empty ({len(holding)} tables hold rows, e.g. "
                                 f"{', '.join(holding[:3])}); restore over it with --force")
        db.session.close()
        _refuse_other_connections()
        db.engine.dispose()
        with tempfile.TemporaryDirectory() as work:
            dump = Path(work) / database_file["name"]
            reader.copy_file(database_file["name"], database_file["sha256"], database_file["size"], dump)
            _load_database(dump)
        db.engine.dispose()
        folder = Path(current_app.config["EVIDENCE_DIR"])
        for item in files:
            target = folder / item["name"]
            if not (target.is_file() and sha256_of_file(target) == item["sha256"]):
                reader.copy_file(f"evidence/{item['name']}", item["sha256"], item["size"], target)
    report = verify_restored()
    checks = [f"backup of {manifest['created_at']} (Anugerah {manifest.get('app_version')}, migration "
              f"{manifest.get('migration_head') or 'none'}): database and {len(files)} evidence file(s) "
              "match their SHA-256", *report.checks]
    return RestoreReport(checks, report.problems)


def _refuse_other_connections() -> None:
    """PostgreSQL: pg_restore would wait for ever on a table another connection holds (its dump
    turns lock timeouts off), so a database still in use (web processes, jobs) is refused."""
    if _dialect() != "postgresql":
        return
    db.engine.dispose()
    with db.engine.connect() as connection:
        others = connection.execute(text(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()")).scalar_one()
    db.engine.dispose()
    if others:
        raise ArchiveRefused(f"{others} other connection(s) to this database are open: stop the web "
                             "processes and jobs before restoring")


def _load_database(dump: Path) -> None:
    if _dialect() == "postgresql":
        address, env = _pg_target()
        _run([_pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges",
              "--single-transaction", "--exit-on-error", "--dbname", address, str(dump)], env)
        return
    with closing(sqlite3.connect(dump)) as copy, closing(sqlite3.connect(_sqlite_file())) as target:
        copy.backup(target)


def verify_restored() -> RestoreReport:
    """Check a database: every audit chain (as ``flask audit verify``), every sealed version of the
    results (as ``flask results verify``) and every evidence file named by a row."""
    checks, problems = [], []
    chains = verify_chains()
    for chain in chains:
        if chain.problem is None:
            checks.append(f"audit {chain.table}: {chain.rows} rows, the chain holds (last hash {chain.head})")
        else:
            problems.append(f"audit {chain.table}: {chain.problem}")
    versions = select(ResultSet).order_by(ResultSet.competition_id, ResultSet.version)
    for result_set in db.session.scalars(versions):
        found = verify_result_set(result_set)
        label = f"competition {result_set.competition_id} results version {result_set.version}"
        if found:
            problems += [f"{label}: {problem}" for problem in found]
        else:
            checks.append(f"{label}: verifies (SHA-256 {result_set.sha256})")
    hashes = set(db.session.scalars(select(Evidence.sha256).where(Evidence.sha256.is_not(None)).distinct()))
    missing = sorted(name for name in hashes if name is not None and not evidence_path(name).is_file())
    if missing:
        problems.append(f"{len(missing)} evidence file(s) named by the database are missing: "
                        + ", ".join(missing[:5]))
    else:
        checks.append(f"evidence: all {len(hashes)} file(s) named by the database are present")
    return RestoreReport(checks, problems)

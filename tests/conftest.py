"""Fixtures: one database per test run (SQLite, or PostgreSQL when ANUGERAH_TEST_DATABASE_URL
is set), tables created once, every row removed after each test."""

from __future__ import annotations

import os
import sqlite3
import uuid
from collections.abc import Iterable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from hypothesis import settings
from sqlalchemy import Connection, create_engine, text
from sqlalchemy.engine import make_url

from competition import create_app
from competition.config import database_url
from competition.demo import DemoSummary, load_demo
from competition.extensions import db
from competition.i18n import compile_catalogues
from competition.people.throttling import limiter_of

SERVER_URL = os.environ.get("ANUGERAH_TEST_DATABASE_URL")
# Property tests check what holds, not how fast: on a shared CI machine Hypothesis's default
# 200 ms deadline per example fails tests whose code is correct (a busy core, not a slow path).
# Timings are measured by the benchmarks, against their baseline.
settings.register_profile("anugerah", deadline=None)
settings.load_profile("anugerah")
# Jobs run at once, in the thread that asked, once its unit of work commits; no tick thread runs
# unless a test starts one (tests/jobs/ runs jobs on RQ and threads on purpose).
os.environ.setdefault("ANUGERAH_JOBS_RUN", "sync")
os.environ.setdefault("ANUGERAH_JOBS_TICK_SECONDS", "0")


def on_postgres() -> bool:
    return SERVER_URL is not None


def pdf_available() -> bool:
    """WeasyPrint can load the system's Pango library (a system package, not a Python one)."""
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError):
        return False
    return True


needs_pdf = pytest.mark.skipif(
    not pdf_available(),
    reason="WeasyPrint cannot load Pango: apt-get install libpango-1.0-0 libpangoft2-1.0-0 (.ci/run does)")


def server_database_name(name_hint: str) -> str:
    """A new database name on the test server, unique and naming the pytest-xdist worker (gw0,
    gw1, ...; "main" without workers), so parallel runs never meet and leftovers tell whose they are."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    return f"anugerah_test_{name_hint}_{worker}_{uuid.uuid4().hex[:10]}"


def create_database(name_hint: str, tmp_dir: Path) -> str:
    """An empty database of the kind under test; returns its URL. (``tmp_dir`` is the test's or
    the worker's own folder, so SQLite files of parallel workers never meet either.)"""
    if SERVER_URL is None:
        return f"sqlite:///{tmp_dir / (name_hint + '.db')}"
    server = make_url(database_url(SERVER_URL))
    name = server_database_name(name_hint)
    engine = create_engine(server, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return server.set(database=name).render_as_string(hide_password=False)


def drop_database(url: str) -> None:
    if SERVER_URL is None:
        return
    name = make_url(url).database
    engine = create_engine(make_url(database_url(SERVER_URL)), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


@pytest.fixture(scope="session", autouse=True)
def _catalogues() -> None:
    """The message catalogues, compiled as the build does, so pytest alone works too."""
    compile_catalogues()


@pytest.fixture(scope="session")
def database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The run's database, with every table created from the models."""
    url = create_database("run", tmp_path_factory.mktemp("db"))
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    yield url
    drop_database(url)


@pytest.fixture
def fresh_database(tmp_path: Path) -> Iterator[str]:
    """An empty database of its own, for tests that build the schema themselves."""
    url = create_database("fresh", tmp_path)
    yield url
    drop_database(url)


@pytest.fixture(autouse=True)
def _instance(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANUGERAH_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("ANUGERAH_SECRET_KEY", "test-secret")


@pytest.fixture(scope="session")
def _shared_app(database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """One app on the run's database, built once; each test gets it with its settings as built
    (see ``app``). Building an app per test cost about a fifth of the suite's time."""
    with pytest.MonkeyPatch.context() as env:
        env.setenv("ANUGERAH_INSTANCE_PATH", str(tmp_path_factory.mktemp("instance")))
        env.setenv("ANUGERAH_SECRET_KEY", "test-secret")
        app = create_app({
            "SQLALCHEMY_DATABASE_URI": database,
            "TESTING": True,
            "WTF_CSRF_ENABLED": False,  # tests/people/test_auth_views.py checks CSRF with it on
        })
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def app(_shared_app: Flask, tmp_path: Path) -> Iterator[Flask]:
    """The app, with its own evidence folder, inside its context; afterwards every row is removed,
    the sign-in counts are forgotten and any setting the test changed is put back."""
    app = _shared_app
    settings = dict(app.config)
    app.config["EVIDENCE_DIR"] = tmp_path / "evidence"
    try:
        with app.app_context():
            yield app
            empty_tables(dispose=False)
    finally:
        limiter_of(app).reset()
        app.config.clear()
        app.config.update(settings)


# Every sequence of the schema back to its start, as TRUNCATE ... RESTART IDENTITY would.
RESTART_SEQUENCES = text(
    "SELECT setval(format('%I.%I', schemaname, sequencename)::regclass, start_value, false) "
    "FROM pg_sequences WHERE schemaname = current_schema()")


def empty_tables(*, dispose: bool = True) -> None:
    """Remove every row of the current app's database and (unless told not to) close its
    connections; ids start at 1 again. The audit tables refuse that (competition.audit.models):
    their triggers are taken away meanwhile, in the same transaction. DELETE rather than TRUNCATE
    on PostgreSQL too: a test leaves few rows, and TRUNCATE of every table (new files for each) took
    about 0.5 s after each test on a busy machine, DELETE of them about 0.02 s."""
    db.session.remove()
    tables = list(reversed(db.metadata.sorted_tables))
    with db.engine.begin() as connection, audit_guards_lifted(connection):
        for table in tables:
            connection.execute(table.delete())
        if connection.dialect.name == "postgresql":
            connection.execute(RESTART_SEQUENCES)
    if dispose:
        db.engine.dispose()


@contextmanager
def audit_guards_lifted(connection: Connection, tables: Iterable[str] | None = None) -> Iterator[None]:
    """Inside the block (and ``connection``'s transaction) the audit tables (or ``tables``) accept
    ``UPDATE``, ``DELETE`` and ``TRUNCATE``, as for someone with the rights to drop their triggers;
    afterwards their triggers are exactly as they were."""
    names = list(tables) if tables is not None else [
        t.name for t in db.metadata.sorted_tables if "row_hash" in t.c]
    if connection.dialect.name == "postgresql":
        for name in names:
            connection.exec_driver_sql(f"ALTER TABLE {name} DISABLE TRIGGER USER")
        yield
        for name in names:
            connection.exec_driver_sql(f"ALTER TABLE {name} ENABLE TRIGGER USER")
        return
    kept = connection.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")).all()
    triggers = [(name, sql) for name, sql in kept
                if any(sql.split(" ON ", 1)[1].split()[0] == table for table in names)]
    for name, _ in triggers:
        connection.exec_driver_sql(f"DROP TRIGGER {name}")
    yield
    for _, sql in triggers:
        connection.exec_driver_sql(sql)


@pytest.fixture
def client(app: Flask):
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


# -- The demo, loaded once per session into a template that each test using it copies ------------

DEMO_NOW = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)


@dataclass(frozen=True)
class DemoTemplate:
    url: str
    now: datetime  # the moment the demo was loaded for
    summary: DemoSummary


def copy_database(template_url: str, name_hint: str, tmp_dir: Path) -> str:
    """A new database of the kind under test holding what ``template_url`` holds; returns its
    URL. On PostgreSQL nobody may be connected to the template meanwhile."""
    if SERVER_URL is None:
        target = tmp_dir / (name_hint + ".db")
        with closing(sqlite3.connect(make_url(template_url).database or "")) as source, \
                closing(sqlite3.connect(target)) as copy:
            source.backup(copy)
        return f"sqlite:///{target}"
    server = make_url(database_url(SERVER_URL))
    name = server_database_name(name_hint)
    engine = create_engine(server, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{make_url(template_url).database}"'))
    engine.dispose()
    return server.set(database=name).render_as_string(hide_password=False)


# Every sequence of the schema with where it stands (NULL before its first use).
SEQUENCES = text("SELECT format('%I.%I', schemaname, sequencename), last_value, start_value "
                 "FROM pg_sequences WHERE schemaname = current_schema()")


@dataclass(frozen=True)
class Snapshot:
    """What a database (made by :func:`copy_database` or its template) holds in the models'
    tables, to put back into a copy of it with :meth:`restore`: far cheaper than a new copy and an
    app for it. On SQLite the file is copied over; on PostgreSQL, where making a database anew took
    about 2 s on a busy machine, the rows are kept here and put back: every row deleted and these
    inserted with no trigger run meanwhile (neither the audit tables' guards nor the foreign keys'
    checks, as when a dump is restored), and every sequence set where it stood."""

    url: str
    rows: dict[str, list[dict]]
    sequences: list[tuple[str, int | None, int]]

    @classmethod
    def of(cls, url: str) -> Snapshot:
        if SERVER_URL is None:
            return cls(url, {}, [])
        engine = create_engine(make_url(url))
        try:
            with engine.connect() as reading:
                rows = {table.name: [dict(row._mapping) for row in reading.execute(table.select())]
                        for table in db.metadata.sorted_tables}
                sequences = [(name, last, start) for name, last, start in reading.execute(SEQUENCES)]
        finally:
            engine.dispose()
        return cls(url, rows, sequences)

    def restore(self, url: str) -> None:
        """Make the copy at ``url`` hold what this holds again; nobody may be connected to it."""
        if SERVER_URL is None:
            with closing(sqlite3.connect(make_url(self.url).database or "")) as source, \
                    closing(sqlite3.connect(make_url(url).database or "")) as copy:
                source.backup(copy)
            return
        tables = db.metadata.sorted_tables
        engine = create_engine(make_url(url))
        try:
            with engine.begin() as writing:
                writing.exec_driver_sql("SET LOCAL session_replication_role = replica")
                for table in reversed(tables):
                    writing.execute(table.delete())
                for table in tables:
                    if self.rows[table.name]:
                        writing.execute(table.insert(), self.rows[table.name])
                for name, last_value, start_value in self.sequences:
                    writing.execute(text("SELECT setval(CAST(:name AS regclass), :value, :called)"), {
                        "name": name, "value": start_value if last_value is None else last_value,
                        "called": last_value is not None})
        finally:
            engine.dispose()


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoTemplate]:
    """A database with the demo loaded for DEMO_NOW, built once; tests get copies (demo_app)."""
    tmp_dir = tmp_path_factory.mktemp("demo")
    url = create_database("demo_template", tmp_dir)
    with pytest.MonkeyPatch.context() as env:
        env.setenv("ANUGERAH_INSTANCE_PATH", str(tmp_dir / "instance"))
        env.setenv("ANUGERAH_SECRET_KEY", "test-secret")
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
        with app.app_context():
            db.create_all()
            summary = load_demo(DEMO_NOW)  # an operation outside a unit: committed on its own
            db.session.remove()
            db.engine.dispose()
    yield DemoTemplate(url=url, now=DEMO_NOW, summary=summary)
    drop_database(url)


@pytest.fixture
def demo_app(demo_template: DemoTemplate, tmp_path: Path) -> Iterator[Flask]:
    """As ``app``, on a copy of the demo of its own: what one test changes, no other sees."""
    url = copy_database(demo_template.url, "demo", tmp_path)
    app = create_app({
        "SQLALCHEMY_DATABASE_URI": url,
        "TESTING": True,
        "EVIDENCE_DIR": tmp_path / "evidence",
        "WTF_CSRF_ENABLED": False,
    })
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()
    drop_database(url)

"""Anugerah: award competitions for Indonesian regional governments."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix

from competition import unit_of_work
from competition.config import load_config
from competition.extensions import babel, bootstrap, csrf, db, login_manager, migrate
from competition.i18n import reader_language, select_locale, select_timezone, translate
from competition.links import IdConverter, refuse_untrusted_hosts
from workflows.messages import set_translator

ROOT = Path(__file__).resolve().parent.parent


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection: Any, connection_record: Any) -> None:
    """SQLite enforces foreign keys only when asked, on every connection; write-ahead logging
    lets pages be read while an entry is being changed."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA busy_timeout = 5000")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()


@event.listens_for(Engine, "before_cursor_execute")
def _sqlite_savepoint_inside_a_transaction(connection: Any, cursor: Any, statement: str, parameters: Any,
                                           context: Any, executemany: bool) -> None:
    """Python's sqlite3 opens a transaction before INSERT, UPDATE and DELETE but not before
    SAVEPOINT; a savepoint opened outside a transaction would then commit on release. Open the
    transaction first, so an operation's savepoint nests in its unit of work
    (:mod:`competition.unit_of_work`). An operation is about to write, so it takes the write
    lock at once (IMMEDIATE): a second writer waits for the first to finish (``busy_timeout``),
    where a read snapshot taken first could only fail once the other writer had committed."""
    if (connection.dialect.name == "sqlite" and statement.startswith("SAVEPOINT")
            and not connection.connection.dbapi_connection.in_transaction):
        cursor.execute("BEGIN IMMEDIATE")


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    instance_path = os.environ.get("ANUGERAH_INSTANCE_PATH", str(ROOT / "instance"))
    app = Flask(__name__, instance_path=instance_path, instance_relative_config=True,
                template_folder=str(ROOT / "templates"))
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(load_config(Path(app.instance_path)))
    if test_config:
        app.config.from_mapping(test_config)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True,
                     compare_type=True)
    bootstrap.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone,
                   default_translation_directories=str(ROOT / "competition" / "translations"))
    login_manager.init_app(app)
    set_translator(translate, reader_language)

    app.url_map.converters["int"] = IdConverter   # before any route is added
    from competition import models  # noqa: F401  (registers the tables)
    from competition.cli import register_commands
    from competition.people import throttling
    from competition.web import headers as security_headers
    from competition.web import register_blueprints

    register_blueprints(app)
    register_commands(app)
    unit_of_work.init_app(app)
    throttling.init_app(app)  # outside the unit of work: a refused request never opens one
    _tick_in_the_background(app)
    app.wsgi_app = refuse_untrusted_hosts(app.wsgi_app,  # type: ignore[method-assign]
                                          lambda: app.config["TRUSTED_HOSTS"])
    if app.config["PROXY_COUNT"]:
        # The client's address and scheme as the trusted proxies saw them (X-Forwarded-For and
        # -Proto); without proxies those headers are the client's own claim and are ignored.
        proxies = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]
    security_headers.init_app(app)  # outermost: the refusal of an unknown host gets them too
    return app


def _tick_in_the_background(app: Flask) -> None:
    """With JOBS_TICK_SECONDS above 0 (by default without Redis), the first request of each web
    process starts the thread that runs the periodic tick (competition.jobs.schedule): the outbox
    and the schedule. Not at start-up: a server that forks workers would lose it."""
    lock = threading.Lock()

    @app.before_request
    def start_tick_thread_once() -> None:
        interval = app.config["JOBS_TICK_SECONDS"]
        if interval <= 0 or "anugerah.tick_thread" in app.extensions:
            return
        with lock:
            if "anugerah.tick_thread" not in app.extensions:
                from competition.jobs.schedule import TickThread

                thread = TickThread(app, interval)
                thread.start()
                app.extensions["anugerah.tick_thread"] = thread

"""``/healthz`` and ``/readyz`` for a load balancer or an orchestrator.

- ``/healthz``: the process answers (nothing else is asked, so a slow database never gets a
  healthy process restarted).
- ``/readyz``: the database answers and its schema is at the migrations' head; 503 with the
  failing check otherwise. Redis, when ``ANUGERAH_REDIS_URL`` is set, is checked too, but a Redis
  that does not answer leaves the process ready ("degraded", 200): the app keeps serving and counts
  sign-in attempts in each process's memory until Redis is back, so a load balancer should keep
  sending people to it. The answer names no address, user or password.
"""

from __future__ import annotations

from typing import Any

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Blueprint, current_app, jsonify
from flask.wrappers import Response
from sqlalchemy import text

from competition.extensions import db

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> Response:
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz() -> tuple[Response, int]:
    checks = {"database": _database(), "migrations": _migrations(), "redis": _redis()}
    if not (checks["database"] == checks["migrations"] == "ok"):
        return jsonify(status="not ready", checks=checks), 503
    degraded = checks["redis"] not in ("ok", "not configured")
    return jsonify(status="degraded" if degraded else "ready", checks=checks), 200


def _database() -> str:
    """On a connection of its own, outside the request's unit of work: a failure here is an
    answer, not a transaction to roll back."""
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as error:  # any failure to reach it is the answer
        return f"unreachable ({type(error).__name__})"
    return "ok"


def _migrations() -> str:
    try:
        migrate = current_app.extensions["migrate"]
        heads = set(ScriptDirectory.from_config(migrate.migrate.get_config(migrate.directory)).get_heads())
        with db.engine.connect() as connection:
            current = set(MigrationContext.configure(connection).get_current_heads())
    except Exception as error:
        return f"unknown ({type(error).__name__})"
    if current == heads:
        return "ok"
    return f"behind: the database is at {', '.join(sorted(current)) or 'no revision'}, " \
           f"the code at {', '.join(sorted(heads))}"


def _redis() -> str:
    url = str(current_app.config.get("RATELIMIT_STORAGE_URI", ""))
    if not url.startswith(("redis://", "rediss://")):
        return "not configured"
    from redis import Redis

    client: Any = Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
    try:
        client.ping()
    except Exception as error:
        return f"unreachable ({type(error).__name__}); counts fall back to each process's memory"
    finally:
        client.close()
    return "ok"

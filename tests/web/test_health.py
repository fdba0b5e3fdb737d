"""/healthz and /readyz, and the app under gunicorn as `make serve` runs it."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from flask_migrate import upgrade

from competition import create_app
from competition.extensions import db

ROOT = Path(__file__).resolve().parents[2]


def test_healthz_answers_without_asking_anything(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}


def test_readyz_is_not_ready_when_the_schema_was_not_migrated(client):
    """The test database is made by create_all, so it carries no migration at all."""
    response = client.get("/readyz")
    assert response.status_code == 503
    checks = response.get_json()["checks"]
    assert checks["database"] == "ok" and checks["redis"] == "not configured"
    assert checks["migrations"].startswith("behind: the database is at no revision, the code at ")


def test_readyz_is_ready_on_a_migrated_database_and_says_when_redis_is_away(fresh_database, tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": fresh_database, "TESTING": True})
    with app.app_context():
        upgrade()
        client = app.test_client()
        ready = client.get("/readyz")
        assert ready.status_code == 200, ready.get_json()
        assert ready.get_json() == {"status": "ready", "checks": {
            "database": "ok", "migrations": "ok", "redis": "not configured"}}
        app.config["RATELIMIT_STORAGE_URI"] = "redis://127.0.0.1:1/0"   # nothing listens there
        away = client.get("/readyz")
        assert away.status_code == 200 and away.get_json()["status"] == "degraded"
        assert away.get_json()["checks"]["redis"].startswith("unreachable")
        assert "127.0.0.1" not in away.get_data(as_text=True)
        db.session.remove()
        db.engine.dispose()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_gunicorn_serves_the_app_with_json_access_logs_and_one_server_header(fresh_database, tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": fresh_database, "TESTING": True})
    with app.app_context():
        upgrade()
        db.engine.dispose()
    port = free_port()
    environment = {**os.environ, "ANUGERAH_DATABASE_URL": fresh_database, "PORT": str(port),
                   "HOST": "127.0.0.1", "WEB_CONCURRENCY": "2",
                   "ANUGERAH_INSTANCE_PATH": str(tmp_path / "instance"),
                   "ANUGERAH_SECRET_KEY": "test-secret"}
    server = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "-c", "gunicorn.conf.py",
                               "wsgi:app"], cwd=ROOT, env=environment,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as response:
                    assert response.status == 200
                    assert response.headers.get_all("Server") == ["Anugerah"]
                    assert response.headers["X-Frame-Options"] == "DENY"
                    assert json.load(response)["status"] == "ready"
                    break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.3)
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)
    lines = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    assert any(line["path"] == "/readyz" and line["status"] == 200 and line["method"] == "GET"
               for line in lines), output
    assert "Booting worker" in output and output.count("Booting worker") == 2


@pytest.mark.parametrize("url", ["/healthz", "/readyz"])
def test_the_health_routes_carry_the_security_headers(client, url):
    assert client.get(url).headers["X-Content-Type-Options"] == "nosniff"


def test_readyz_says_when_the_database_is_away(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/missing/dir/x.db", "TESTING": True})
    with app.app_context():
        response = app.test_client().get("/readyz")
        assert response.status_code == 503
        assert response.get_json()["checks"]["database"].startswith("unreachable")
        db.engine.dispose()

"""A database that cannot be reached (restarting, a connection cut, the pool exhausted) gets a 503
page of the app's own, in the visitor's language, with Retry-After and no traceback; and the
engine tests pooled connections before use, so the app recovers once the database is back."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_login.utils import _create_identifier

from competition import create_app
from competition.extensions import db

# Nothing listens on port 1: every connection is refused at once, as while PostgreSQL restarts.
UNREACHABLE = "postgresql+psycopg://postgres:postgres@127.0.0.1:1/anugerah"


@pytest.fixture
def away_app() -> Iterator[Flask]:
    app = create_app({"SQLALCHEMY_DATABASE_URI": UNREACHABLE, "TESTING": True})
    yield app
    with app.app_context():
        db.engine.dispose()


def _page(client: FlaskClient, path: str = "/") -> tuple[int, str, dict[str, str]]:
    response = client.get(path)
    return response.status_code, response.get_data(as_text=True), dict(response.headers)


def test_a_page_needing_the_database_answers_503_in_indonesian(away_app):
    status, page, headers = _page(away_app.test_client())
    assert status == 503
    assert headers["Retry-After"] == "30"
    assert headers["Content-Type"].startswith("text/html")
    assert "Sementara tidak tersedia" in page
    assert "Tidak ada yang tersimpan dari permintaan ini" in page
    assert "Traceback" not in page and "OperationalError" not in page and "127.0.0.1:1" not in page


def test_the_503_page_speaks_english_when_chosen(away_app):
    client = away_app.test_client()
    with client.session_transaction() as session:
        session["language"] = "en"
    status, page, headers = _page(client)
    assert status == 503 and headers["Retry-After"] == "30"
    assert "Temporarily unavailable" in page
    assert "The database cannot be reached for a moment. Nothing from this request was saved." in page
    assert "Traceback" not in page


def test_a_signed_in_visitor_gets_the_503_page_too(away_app):
    """Loading the signed-in user asks the database first; the page is then made as for someone
    signed out, without asking it again."""
    client = away_app.test_client()
    with away_app.test_request_context(environ_base={"REMOTE_ADDR": "127.0.0.1"},
                                       headers={"User-Agent": client.environ_base["HTTP_USER_AGENT"]}):
        identifier = _create_identifier()   # what Flask-Login's strong session protection checks
    with client.session_transaction() as session:
        session["_user_id"] = "1"
        session["_id"] = identifier
        session["_session_token"] = "token"
    status, page, _headers = _page(client, "/scoring")
    assert status == 503
    assert "Sementara tidak tersedia" in page


def test_pooled_connections_are_tested_before_use(tmp_path):
    """The default settings: a database restart costs a reconnect, not a failed request."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'ping.db'}"})
    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"]["pool_pre_ping"] is True
    with app.app_context():
        assert db.engine.pool._pre_ping is True
        db.engine.dispose()


def test_the_api_answers_a_database_away_with_problem_details(away_app):
    response = away_app.test_client().get("/api/v1/competitions",
                                          headers={"Authorization": "Bearer anugerah_x"})
    assert response.status_code == 503 and response.headers["Retry-After"] == "30"
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == 503 and body["title"] == "Service Unavailable"
    assert "127.0.0.1:1" not in body["detail"]

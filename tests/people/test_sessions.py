"""Sessions end on the server: signing out, a new password and deactivation end them, and so do
idleness and age. The cookie carries a random session token, checked on every request."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, select

from competition import create_app
from competition.config import load_config
from competition.extensions import db
from competition.models import OutboxMessage
from competition.people.models import UserSession
from tests.conftest import empty_tables
from tests.factories import PASSWORD, make_competition, make_organisation, make_user

NEW_PASSWORD = "sandi-baru-yang-kuat"


class Clock:
    """The sessions' clock, moved by hand."""

    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def move(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch):
    clock = Clock(datetime(2026, 11, 26, 1, 0, tzinfo=UTC))
    monkeypatch.setattr("competition.people.sessions.utcnow", clock)
    return clock


@pytest.fixture
def user(app):
    return make_user(name="Sari Wulandari")


def signed_in(app, user, password=PASSWORD):
    client = app.test_client()
    assert client.post("/login", data={"email": user.email, "password": password}).status_code == 302
    return client


def is_signed_in(client) -> bool:
    """The password page answers signed-in users and sends everyone else to sign in."""
    status = client.get("/password").status_code
    assert status in (200, 302)
    return status == 200


def test_a_copied_cookie_stops_working_once_its_owner_signs_out(app, user):
    mine = signed_in(app, user)
    thief = app.test_client()
    thief.set_cookie("session", mine.get_cookie("session").value)
    assert is_signed_in(thief)
    mine.post("/logout")
    assert not is_signed_in(thief)
    assert not is_signed_in(mine)
    [row] = db.session.scalars(select(UserSession)).all()
    assert row.ended_at is not None and row.end_reason == "signed_out"


def test_each_sign_in_is_a_session_of_its_own(app, user):
    laptop, phone = signed_in(app, user), signed_in(app, user)
    laptop.post("/logout")
    assert not is_signed_in(laptop)
    assert is_signed_in(phone)


def test_a_new_password_ends_the_other_sessions_not_this_one(app, user):
    laptop, phone = signed_in(app, user), signed_in(app, user)
    response = laptop.post("/password", data={"current": PASSWORD, "new": NEW_PASSWORD,
                                              "repeat": NEW_PASSWORD})
    assert response.status_code == 302
    assert is_signed_in(laptop)
    assert not is_signed_in(phone)
    ended = db.session.scalars(select(UserSession.end_reason).where(UserSession.ended_at.is_not(None))).all()
    assert ended == ["password_changed"]


def test_a_password_reset_ends_every_session(app, user):
    laptop = signed_in(app, user)
    visitor = app.test_client()
    visitor.post("/password/forgot", data={"email": user.email})
    body = db.session.scalar(select(OutboxMessage.body))
    link = re.search(r"(/password/reset/\S+)", body).group(1)
    assert visitor.post(link, data={"new": NEW_PASSWORD, "repeat": NEW_PASSWORD}).status_code == 302
    assert not is_signed_in(laptop)


def test_a_deactivated_verifier_is_signed_out_at_the_next_request(app):
    competition = make_competition()
    organiser = make_user(competition, "organiser",
                          organisation=make_organisation(competition.region, "Bappeda"))
    verifier = make_user(competition, "verifier", name="Verifikator")
    desk = signed_in(app, verifier)
    assert desk.get("/verification").status_code == 200
    admin = signed_in(app, organiser)
    assert admin.post(f"/people/{verifier.id}/active", data={"active": "0"}).status_code == 302
    queue = desk.get("/verification")
    assert queue.status_code == 302 and queue.headers["Location"].startswith("/login")
    assert db.session.scalars(select(UserSession.end_reason).where(
        UserSession.user_id == verifier.id)).all() == ["deactivated"]


def test_a_deactivated_user_is_signed_out_even_with_a_live_session_row(app, user):
    client = signed_in(app, user)
    user.active = False          # as if changed behind the application's back
    db.session.commit()
    assert not is_signed_in(client)


def test_idle_sessions_end_after_30_minutes(app, user, clock):
    client = signed_in(app, user)
    for _ in range(3):
        clock.move(minutes=29)
        assert is_signed_in(client)
    clock.move(minutes=31)
    assert not is_signed_in(client)
    assert db.session.scalar(select(UserSession.end_reason)) == "idle"
    clock.move(minutes=1)
    assert not is_signed_in(client)   # and it stays ended


def test_sessions_end_after_12_hours_however_busy(app, user, clock):
    client = signed_in(app, user)
    for _ in range(35):               # a request every 20 minutes for 11 h 40 min
        clock.move(minutes=20)
        assert is_signed_in(client)
    clock.move(minutes=19)            # 11 h 59 min
    assert is_signed_in(client)
    clock.move(minutes=2)             # 12 h 1 min
    assert not is_signed_in(client)
    assert db.session.scalar(select(UserSession.end_reason)) == "expired"


def test_the_timeouts_are_settings(app, user, clock, tmp_path):
    defaults = load_config(tmp_path, environ={})
    assert (defaults["SESSION_IDLE_MINUTES"], defaults["SESSION_MAX_HOURS"]) == (30, 12)
    chosen = load_config(tmp_path, environ={"ANUGERAH_SESSION_IDLE_MINUTES": "5",
                                            "ANUGERAH_SESSION_MAX_HOURS": "1"})
    assert (chosen["SESSION_IDLE_MINUTES"], chosen["SESSION_MAX_HOURS"]) == (5, 1)
    app.config["SESSION_IDLE_MINUTES"] = 5
    client = signed_in(app, user)
    clock.move(minutes=6)
    assert not is_signed_in(client)


def statements_for(client, url: str) -> list[str]:
    statements: list[str] = []

    def listener(*args) -> None:
        statements.append(args[2])

    db.session.expire_all()
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    return statements


def test_the_last_request_is_written_at_most_once_a_minute(app, user, clock):
    """Each request reads the session with its user in one statement (as it read the user
    before); the time of the last request is written only when a minute has passed."""
    client = signed_in(app, user)
    first = statements_for(client, "/password")
    clock.move(seconds=59)
    assert len(statements_for(client, "/password")) == len(first)
    clock.move(seconds=2)
    later = statements_for(client, "/password")
    assert len(later) == len(first) + 1
    assert [s for s in later if s.startswith("UPDATE")] == [
        s for s in later if s.startswith("UPDATE user_session SET last_seen_at")]
    assert db.session.scalar(select(UserSession.last_seen_at)) == clock.now


def csrf_token(page: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


@pytest.fixture
def csrf_app(database):
    app = create_app({"SQLALCHEMY_DATABASE_URI": database, "TESTING": True, "WTF_CSRF_ENABLED": True})
    with app.app_context():
        yield app
        empty_tables()


def test_signing_in_replaces_the_csrf_token(csrf_app):
    user = make_user()
    client = csrf_app.test_client()
    before = csrf_token(client.get("/login").get_data(as_text=True))
    assert client.post("/login", data={"email": user.email, "password": PASSWORD,
                                       "csrf_token": before}).status_code == 302
    stale = client.post("/logout", data={"csrf_token": before})
    assert stale.status_code == 400
    after = csrf_token(client.get("/password").get_data(as_text=True))
    assert after != before
    assert client.post("/logout", data={"csrf_token": after}).status_code == 302


def test_signing_in_keeps_the_chosen_language(client, user):
    client.post("/language", data={"language": "en", "next": "/"})
    response = client.post("/login", data={"email": user.email, "password": PASSWORD}, follow_redirects=True)
    assert "Welcome, Sari Wulandari." in response.get_data(as_text=True)


def session_cookie(response) -> str:
    [cookie] = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    return cookie


@pytest.mark.parametrize(("base_url", "secure"), [("https://anugerah.kedirikota.go.id", True),
                                                   ("http://127.0.0.1:5000", False)])
def test_the_session_cookie_is_http_only_same_site_and_secure_on_https(database, monkeypatch, base_url,
                                                                       secure):
    monkeypatch.setenv("ANUGERAH_BASE_URL", base_url)
    app = create_app({"SQLALCHEMY_DATABASE_URI": database, "TESTING": True, "WTF_CSRF_ENABLED": False})
    with app.app_context():
        try:
            user = make_user()
            response = app.test_client().post("/login", data={"email": user.email, "password": PASSWORD})
            attributes = [part.strip() for part in session_cookie(response).split(";")]
            assert "HttpOnly" in attributes and "SameSite=Lax" in attributes
            assert ("Secure" in attributes) is secure
        finally:
            empty_tables()

"""Every list page and the dashboard run the same number of SQL queries for 10 innovations as
for 1,000: nothing is loaded one row at a time (no N+1)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import event

from competition.extensions import db
from competition.models.types import utcnow
from tests.factories import PASSWORD, Crowd, force_status


def signed_in_client(app, user):
    client = app.test_client()
    assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    return client


def queries_for(client, url: str) -> int:
    statements: list[str] = []

    def listener(*args) -> None:
        statements.append(args[2])

    db.session.expire_all()  # requests share the test's session: start each count from nothing cached
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        response = client.get(url)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert response.status_code == 200, url
    return len(statements)


PAGES: dict[str, tuple[str, Callable[[Crowd], str]]] = {
    "public competition": ("anonymous", lambda c: f"/competitions/{c.competition.id}"),
    "Inovasi kami": ("operator", lambda c: "/innovations"),
    "verification queue": ("verifier", lambda c: "/verification"),
    "verification queue, verified": ("verifier", lambda c: "/verification?status=verified"),
    "Penilaian saya": ("judge", lambda c: "/scoring"),
    "set-up": ("organiser", lambda c: f"/manage/{c.competition.id}/setup"),
    "panels": ("organiser", lambda c: f"/manage/{c.competition.id}/panels"),
    "assignments": ("organiser",
                    lambda c: f"/manage/{c.competition.id}/panels/rounds/{c.round.id}/assignments"),
    "dashboard": ("organiser", lambda c: f"/manage/{c.competition.id}/dashboard"),
    "results preview": ("organiser", lambda c: f"/manage/{c.competition.id}/results"),
    "users": ("organiser", lambda c: "/people"),
}


@pytest.fixture
def crowd(app) -> Crowd:
    crowd = Crowd()
    force_status(crowd.competition, "judging")
    return crowd


def test_list_pages_and_the_dashboard_keep_their_queries_from_10_to_1000_innovations(app, crowd, monkeypatch):
    # The sessions' clock stands still: however long growing the crowd takes, no request is the
    # one a minute later that records the session's last request (one UPDATE more).
    moment = utcnow()
    monkeypatch.setattr("competition.people.sessions.utcnow", lambda: moment)
    people = {"operator": crowd.operator, "verifier": crowd.verifier, "judge": crowd.judge,
              "organiser": crowd.organiser}
    clients = {who: signed_in_client(app, user) for who, user in people.items()}
    clients["anonymous"] = app.test_client()
    crowd.grow(10)
    few = {name: queries_for(clients[who], url(crowd)) for name, (who, url) in PAGES.items()}
    crowd.grow(990)
    many = {name: queries_for(clients[who], url(crowd)) for name, (who, url) in PAGES.items()}
    assert many == few

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
    "audit trail": ("organiser", lambda c: f"/manage/{c.competition.id}/audit"),
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


def test_an_autosave_records_its_audit_row_in_two_statements_three_on_postgresql(app):
    """A judge's draft save writes one audit row: reading the head of the audit log's chain and
    inserting the row (and on PostgreSQL first taking the chain's lock); each save the same. Before
    the audit log an autosave ran 25 statements; with it 27 on SQLite, 28 on PostgreSQL; since the
    sheet is read with its round, rubric and the judge's declared conflict in one statement (and
    again, locked, in one), 11 and 12. (Three of them are this test's own: reading the criteria's
    ids again for the form; tests/judging/test_judge_path_statements.py counts requests alone.)"""
    from tests.judging.test_scoring_views import Jury

    jury = Jury()
    client = signed_in_client(app, jury.judge)
    counts, audit = [], []
    for novelty in ("70", "75", "80"):
        statements: list[str] = []

        def listener(*args, seen=statements) -> None:
            seen.append(args[2])

        db.session.expire_all()
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            response = client.post(f"/scoring/{jury.first.id}/draft", data=jury.values(novelty=novelty),
                                   headers={"Accept": "application/json"})
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        assert response.status_code == 200
        counts.append(len(statements))
        audit.append([s.split()[0] for s in statements if "audit_event" in s or "advisory" in s])
    postgres = db.engine.dialect.name == "postgresql"
    assert audit == [["SELECT", "SELECT", "INSERT"] if postgres else ["SELECT", "INSERT"]] * 3
    assert counts == [12 if postgres else 11] * 3

"""The organisers' audit trail page: only the competition's organisers open it; it shows every
audit table's rows of the competition, newest first, fifty a page, in Bahasa Indonesia or
English, filtered by person, innovation and kind; the organiser's pages link to it."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from competition.audit.operations import record
from competition.entries.operations import change_entry_status
from competition.extensions import db
from competition.judging.operations import assign_judge, remove_assignment
from competition.judging.rounds import open_round
from competition.unit_of_work import unit_of_work
from tests.factories import force_status, make_competition, make_entry, make_organisation, make_user
from tests.judging.test_operations import Judging
from tests.web.pages import page, sign_in

START = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


def kinds_shown(html: str) -> list[str]:
    return re.findall(r'<tr data-kind="([^"]+)"', html)


@pytest.fixture
def judging(app):
    return Judging()


def test_only_the_competition_s_organisers_open_it(app, judging):
    url = f"/manage/{judging.competition.id}/audit"
    assert app.test_client().get(url).status_code == 302   # to sign in
    elsewhere = make_user(make_competition(), "organiser")
    for user, status in ((judging.judges[0], 403), (elsewhere, 403), (judging.organiser, 200)):
        client = app.test_client()
        sign_in(client, user)
        assert client.get(url).status_code == status, user.name
    assert client.get("/manage/999999/audit").status_code == 404


def test_it_shows_every_audit_table_newest_first_in_both_languages(app, judging):
    """An innovation returned for revision (its event), a judge assigned then taken off (a
    general row and a sheet event), in that order."""
    verifier = make_user(judging.competition, "verifier",
                         organisation=make_organisation(judging.competition.region, "Inspektorat"))
    entry = make_entry(judging.competition, judging.dinkes, status="submitted", title="Si-Sehat")
    force_status(judging.competition, "verification")
    change_entry_status(entry, "return_for_revision", verifier, comment="Lengkapi SK", now=START)
    force_status(judging.competition, "judging")
    round_ = judging.round()
    sheet = assign_judge(round_, judging.entries[0], judging.judges[0], judging.organiser)
    open_round(round_, judging.organiser)
    remove_assignment(sheet, judging.organiser, reason="Salah pilih juri")
    client = app.test_client()
    sign_in(client, judging.organiser)
    url = f"/manage/{judging.competition.id}/audit"
    english = page(client.get(url))
    shown = kinds_shown(english)
    assert shown[:3] == ["sheet.remove", "round.open", "assignment.added"]
    assert shown[-1] == "entry.return_for_revision"
    assert "Take the judge off" in english and "Salah pilih juri" in english
    assert "Return for revision" in english and "Lengkapi SK" in english and "Submitted → Returned" in english
    assert "Judge assigned" in english
    client.post("/language", data={"language": "id", "next": "/"})
    indonesian = page(client.get(url))
    assert "Jejak audit" in indonesian and "Lepaskan juri" in indonesian and "Juri ditugaskan" in indonesian
    assert "Diajukan → Dikembalikan" in indonesian


def test_fifty_a_page_and_the_filters(app, judging):
    """65 draft saves: 5 by Juri 1 on Inovasi 1, 60 by Juri 2 on Inovasi 2, a minute apart."""
    first, second = judging.entries[:2]
    with unit_of_work():
        for n in range(65):
            judge, entry = (judging.judges[0], first) if n < 5 else (judging.judges[1], second)
            record("scores.draft_saved", judge, entry=entry, details={"saved": [n], "cleared": []},
                   now=START + timedelta(minutes=n))
    client = app.test_client()
    sign_in(client, judging.organiser)
    base = f"/manage/{judging.competition.id}/audit"

    one = page(client.get(base))
    assert "65 rows" in one and len(kinds_shown(one)) == 50
    ids = [int(i) for i in re.findall(r'data-id="(\d+)"', one)]
    assert ids == sorted(ids, reverse=True)   # newest first
    two = page(client.get(f"{base}?page=2"))
    assert len(kinds_shown(two)) == 15 and "Page 2 of 2" in two

    mine = page(client.get(f"{base}?person={judging.judges[0].id}"))
    assert "5 rows" in mine and len(kinds_shown(mine)) == 5
    theirs = page(client.get(f"{base}?entry={second.id}&page=2"))
    assert "60 rows" in theirs and len(kinds_shown(theirs)) == 10
    assert "0 rows" in page(client.get(f"{base}?kind=role.granted"))
    assert "65 rows" in page(client.get(f"{base}?kind=scores.draft_saved"))


def test_the_organiser_s_pages_link_to_it(app, judging):
    client = app.test_client()
    sign_in(client, judging.organiser)
    for url in (f"/manage/{judging.competition.id}/setup", f"/manage/{judging.competition.id}/dashboard"):
        assert f'href="/manage/{judging.competition.id}/audit"' in page(client.get(url)), url
    db.session.remove()

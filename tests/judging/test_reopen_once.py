"""A confirmed sheet is reopened once: a second organiser reopening it from the page they had
open is told who reopened it first (a message on the page, not an error), and no second reopen
is recorded. The two at the same moment: tests/test_concurrency.py."""

from __future__ import annotations

from sqlalchemy import select

from competition.extensions import db
from competition.models import ScoringEvent
from tests.factories import make_user
from tests.judging.test_panel_views import Judging, confirmed_assignment
from tests.web.pages import page, sign_in


def test_the_second_organiser_to_reopen_a_sheet_is_told_who_did_it_first(app):
    judging = Judging()
    judging.panel()
    sheet = confirmed_assignment(judging, 1, judging.judge_a)
    second = make_user(judging.competition, "organiser", name="Panitia Kedua")
    first_client, second_client = app.test_client(), app.test_client()
    sign_in(first_client, judging.organiser)
    sign_in(second_client, second)
    url = f"{judging.base}/assignments/{sheet.id}/reopen"
    assert second_client.get(url).status_code == 200          # the form, while it is still confirmed
    assert first_client.post(url, data={"reason": "Salah ketik"}).status_code == 302

    response = second_client.post(url, data={"reason": "Juri minta dibuka"}, follow_redirects=True)

    assert response.status_code == 200
    assert ("Panitia Bappeda has already reopened the scores of Juri A for &#39;Inovasi 2&#39;; they are "
            "open") in page(response)
    assert [(e.action, e.reason) for e in db.session.scalars(
        select(ScoringEvent).where(ScoringEvent.assignment_id == sheet.id).order_by(ScoringEvent.id))] == [
        ("confirm", None), ("reopen", "Salah ketik")]

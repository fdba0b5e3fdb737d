"""A judge on a slow connection: scores typed before the autosave script has arrived are saved
as soon as it runs, not lost when the judge moves on."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect
from sqlalchemy import select

from competition.extensions import db
from competition.models import Score
from tests.e2e.conftest import LiveServer, sign_in
from tests.judging.test_scoring_views import Jury


def test_scores_typed_before_the_autosave_script_runs_are_saved(live_server: LiveServer, browser_page: Page):
    jury = Jury()
    page = browser_page
    page.route("**/static/scoring/scoring.js", lambda route: route.abort())  # not arrived yet
    sign_in(page, jury.judge)
    page.goto(f"/scoring/{jury.first.id}")
    novelty = page.get_by_label("Nilai (0–100): Kebaharuan", exact=True)
    novelty.fill("75")
    novelty.blur()  # typed and left while nothing listened
    page.unroute("**/static/scoring/scoring.js")
    page.add_script_tag(url="/static/scoring/scoring.js")  # the script arrives (not inline: the policy)
    expect(page.locator("#save-status")).to_have_text(re.compile(r"^Tersimpan \d"), timeout=5000)
    db.session.expire_all()
    saved = db.session.scalars(select(Score.value).where(Score.assignment_id == jury.first.id)).all()
    assert saved == [75]

"""A judge taken off an innovation, by the organiser or by declaring a conflict of interest: the
sheet stays, marked removed, with its scores and its whole audit trail; nothing counts it any
more, and the same judge can be assigned to the same innovation again."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from competition.errors import InvalidInput
from competition.extensions import db
from competition.judging.operations import assign_judge, declare_conflict, remove_assignment
from competition.judging.queries import RoundView, judge_rounds
from competition.judging.rounds import close_round, open_round
from competition.judging.scoring import confirm_scores, reopen_scores, save_scores
from competition.models import Assignment, Entry, RoundOutcome, Score, ScoringEvent
from competition.monitoring.queries import judge_progress
from competition.policy import can_score, can_see_evidence
from tests.judging.test_operations import Judging
from tests.web.pages import page, sign_in


@pytest.fixture
def judging(app):
    return Judging()


def events_of(sheet: Assignment) -> list[tuple[str, int | None, str | None]]:
    return [(e.action, e.actor_id, e.reason) for e in db.session.scalars(
        select(ScoringEvent).where(ScoringEvent.assignment_id == sheet.id).order_by(ScoringEvent.id))]


def scores_of(sheet: Assignment) -> dict[int, float]:
    return dict(db.session.execute(select(Score.criterion_id, Score.value)
                                   .where(Score.assignment_id == sheet.id)).all())


def test_removing_a_judge_keeps_the_sheet_its_scores_and_its_events(judging):
    """Confirmed at 70 on every criterion, reopened with a reason, then taken off: the three
    events and the five scores stay; the sheet is marked removed and no longer in the round."""
    round_ = judging.round()
    judge, entry = judging.judges[0], judging.entries[2]
    sheet = assign_judge(round_, entry, judge, judging.organiser)
    open_round(round_, judging.organiser)
    save_scores(sheet, judge, dict.fromkeys(judging.criteria(round_), 70))
    confirm_scores(sheet, judge)
    reopen_scores(sheet, judging.organiser, "Nilai kebaharuan salah ketik")
    remove_assignment(sheet, judging.organiser)

    db.session.expire_all()
    stored = db.session.get(Assignment, sheet.id)
    assert stored is not None and stored.status == "removed"
    assert events_of(stored) == [("confirm", judge.id, None),
                                 ("reopen", judging.organiser.id, "Nilai kebaharuan salah ketik"),
                                 ("remove", judging.organiser.id, None)]
    assert scores_of(stored) == dict.fromkeys(judging.criteria(round_), 70.0)
    assert round_.assignments == []


def test_the_same_judge_can_be_assigned_to_the_same_innovation_again(judging):
    round_ = judging.round()
    judge, entry = judging.judges[0], judging.entries[2]
    first = assign_judge(round_, entry, judge, judging.organiser)
    open_round(round_, judging.organiser)
    save_scores(first, judge, {judging.criteria(round_)[0]: 40})
    remove_assignment(first, judging.organiser)

    again = assign_judge(round_, entry, judge, judging.organiser)

    assert again.id != first.id and again.status == "open" and scores_of(again) == {}
    assert [a.id for a in round_.assignments] == [again.id]
    assert scores_of(db.session.get(Assignment, first.id)) == {judging.criteria(round_)[0]: 40.0}
    with pytest.raises(InvalidInput, match="already assigned"):
        assign_judge(round_, entry, judge, judging.organiser)


def test_a_conflict_declared_after_a_reopen_keeps_the_sheet_and_its_events(judging):
    round_ = judging.round()
    judge, entry = judging.judges[1], judging.entries[4]
    sheet = assign_judge(round_, entry, judge, judging.organiser)
    open_round(round_, judging.organiser)
    save_scores(sheet, judge, dict.fromkeys(judging.criteria(round_), 65))
    confirm_scores(sheet, judge)
    reopen_scores(sheet, judging.organiser, "Juri minta dibuka")

    declare_conflict(entry, judge, "Pernah menjadi konsultan inovasi ini")

    db.session.expire_all()
    stored = db.session.get(Assignment, sheet.id)
    assert stored.status == "removed"
    assert events_of(stored) == [("confirm", judge.id, None),
                                 ("reopen", judging.organiser.id, "Juri minta dibuka"),
                                 ("declare_conflict", judge.id, "Pernah menjadi konsultan inovasi ini")]
    assert scores_of(stored) == dict.fromkeys(judging.criteria(round_), 65.0)


def test_a_removed_sheet_counts_nowhere(judging):
    """Inovasi 3 has two judges; Juri 2 is taken off with a draft of 10. Juri 1 confirms 80 on
    every criterion: the innovation's judging ends with 80 (the removed draft neither keeps it
    open nor counts), the round closes without forcing, and Juri 2 has no sheet anywhere."""
    round_ = judging.round(judges_per_entry=2)
    entry = judging.entries[2]
    kept = assign_judge(round_, entry, judging.judges[0], judging.organiser)
    removed = assign_judge(round_, entry, judging.judges[1], judging.organiser)
    open_round(round_, judging.organiser)
    save_scores(removed, judging.judges[1], dict.fromkeys(judging.criteria(round_), 10))
    remove_assignment(removed, judging.organiser)
    save_scores(kept, judging.judges[0], dict.fromkeys(judging.criteria(round_), 80))
    confirm_scores(kept, judging.judges[0])

    outcome = db.session.scalar(select(RoundOutcome).where(RoundOutcome.entry_id == entry.id))
    assert outcome is not None and outcome.score == pytest.approx(80.0)
    assert db.session.get(Entry, entry.id).status == "scored"
    assert [a.id for a in RoundView.load(round_).assignments] == [kept.id]
    progress = {p.name: (p.assigned, p.draft, p.confirmed) for p in judge_progress(judging.competition)}
    assert progress["Juri 1"] == (1, 0, 1) and progress["Juri 2"] == (0, 0, 0)
    listing = judge_rounds(judging.judges[1], {judging.competition.id}, lambda a: lambda text: text or "")
    assert listing.current == [] and listing.done == []
    stored = db.session.get(Assignment, removed.id)
    assert not can_score(judging.judges[1], stored)
    assert not can_see_evidence(judging.judges[1], entry)
    close_round(round_, judging.organiser)
    assert round_.status == "closed"


def test_the_judge_taken_off_cannot_open_the_sheet_and_the_organiser_can_add_them_again(app, judging):
    round_ = judging.round()
    entry = judging.entries[2]
    sheet = assign_judge(round_, entry, judging.judges[0], judging.organiser)
    open_round(round_, judging.organiser)
    organiser, judge = app.test_client(), app.test_client()
    sign_in(organiser, judging.organiser)
    sign_in(judge, judging.judges[0])
    base = f"/manage/{judging.competition.id}/panels"
    text = page(organiser.post(f"{base}/assignments/{sheet.id}/remove", follow_redirects=True))
    assert "Juri 1 no longer judges &#39;Inovasi 3&#39;." in text

    assert judge.get(f"/scoring/{sheet.id}").status_code == 403
    assert "Inovasi 3" not in page(judge.get("/scoring"))
    table = page(organiser.get(f"{base}/rounds/{round_.id}/assignments"))
    assert f"/assignments/{sheet.id}/remove" not in table
    text = page(organiser.post(f"{base}/rounds/{round_.id}/assignments", follow_redirects=True,
                               data={"entry": entry.id, "judge": judging.judges[0].id}))
    assert "Juri 1 now judges &#39;Inovasi 3&#39;." in text
    assert db.session.scalar(select(func.count()).select_from(Assignment)
                             .where(Assignment.entry_id == entry.id)) == 2

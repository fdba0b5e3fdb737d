"""One door for every state change: each stateful row changes state only through its service
function, which fires the workflow and writes the audit row; assigning the state anywhere else
raises. Reopening a round undoes what closing it decided."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from competition.competitions.operations import change_competition_phase
from competition.extensions import db
from competition.judging.operations import assign_automatically
from competition.judging.rounds import change_round_status, close_round, open_round, reopen_round
from competition.judging.scoring import change_sheet_status, confirm_scores, reopen_scores, save_scores
from competition.models import (
    Assignment,
    Competition,
    Entry,
    EntryEvent,
    ResultSet,
    ResultSetEvent,
    Round,
    RoundEvent,
    RoundOutcome,
    ScoringEvent,
)
from competition.models.state import StateChangeOutsideWorkflow
from competition.results.operations import change_result_set_status, publish_results, seal_results
from tests.factories import force_status, make_competition, make_entry, make_organisation
from tests.judging.test_operations import Judging
from tests.results.test_operations import Scored
from workflows import TriggerRefused

T0 = datetime(2026, 6, 1, 2, 0, tzinfo=UTC)


@pytest.fixture
def judging(app):
    return Judging()


def round_events(round_: Round) -> list[tuple]:
    return [(e.trigger, e.from_status, e.to_status, e.actor_id, e.comment, e.created_at)
            for e in db.session.scalars(select(RoundEvent).where(RoundEvent.round_id == round_.id)
                                        .order_by(RoundEvent.id))]


def get_round_status(round_: Round) -> str:
    """As another connection reads it."""
    with db.engine.connect() as connection:
        return connection.scalar(select(Round.status).where(Round.id == round_.id))


def score_and_confirm(judging: Judging, assignment: Assignment, value: float, now: datetime) -> None:
    save_scores(assignment, assignment.judge, dict.fromkeys(judging.criteria(assignment.round), value))
    confirm_scores(assignment, assignment.judge, now=now)


# -- the doors write their audit rows --------------------------------------------------------------

def test_opening_closing_and_reopening_a_round_are_audited(judging):
    round_ = judging.round(judges_per_entry=1)
    assign_automatically(round_, judging.organiser)
    organiser = judging.organiser.id
    open_round(round_, judging.organiser, now=T0)
    close_round(round_, judging.organiser, force=True, now=T0 + timedelta(days=1))
    assert (round_.opened_at, round_.closed_at, round_.closed_by_id) == (
        T0, T0 + timedelta(days=1), organiser)
    reopen_round(round_, judging.organiser, "Nilai juri 2 salah masuk", now=T0 + timedelta(days=2))
    assert round_events(round_) == [
        ("open", "setup", "open", organiser, None, T0),
        ("close", "open", "closed", organiser, None, T0 + timedelta(days=1)),
        ("reopen", "closed", "open", organiser, "Nilai juri 2 salah masuk", T0 + timedelta(days=2))]
    assert (round_.status, round_.opened_at, round_.closed_at, round_.closed_by_id) == (
        "open", T0, None, None)
    assert get_round_status(round_) == "open"


def test_the_round_door_refuses_with_the_workflow_s_reasons_and_writes_nothing(judging):
    round_ = judging.round()
    with pytest.raises(TriggerRefused) as refused:
        change_round_status(round_, "close", judging.judges[0])
    assert refused.value.reasons == ["not possible from status 'setup' (only from open)",
                                     "needs the role organiser; Juri 1 has judge here"]
    force_status(judging.competition, "results")
    with pytest.raises(TriggerRefused, match="not allowed while the competition is in phase 'results'"):
        change_round_status(round_, "open", judging.organiser)
    assert (round_.status, round_events(round_)) == ("setup", [])


def test_confirming_and_reopening_a_sheet_are_audited_with_its_status_and_time(judging):
    round_ = judging.round(judges_per_entry=1)
    assign_automatically(round_, judging.organiser)
    open_round(round_, judging.organiser)
    assignment = round_.assignments[0]
    assert (assignment.status, assignment.confirmed_at) == ("open", None)
    score_and_confirm(judging, assignment, 70, T0)
    assert (assignment.status, assignment.confirmed_at) == ("confirmed", T0)
    reopen_scores(assignment, judging.organiser, "Salah ketik", now=T0 + timedelta(hours=1))
    assert (assignment.status, assignment.confirmed_at) == ("open", None)
    assert [(e.action, e.actor_id, e.reason, e.created_at) for e in assignment.events] == [
        ("confirm", assignment.judge_id, None, T0),
        ("reopen", judging.organiser.id, "Salah ketik", T0 + timedelta(hours=1))]


def test_the_sheet_door_refuses_another_judge_and_a_closed_round(judging):
    round_ = judging.round(judges_per_entry=1)
    assign_automatically(round_, judging.organiser)
    open_round(round_, judging.organiser)
    assignment = round_.assignments[0]
    other = next(j for j in judging.judges if j.id != assignment.judge_id)
    with pytest.raises(TriggerRefused, match=f"{other.name} is not assigned to"):
        change_sheet_status(assignment, "confirm", other)
    with pytest.raises(TriggerRefused, match="needs the role organiser"):
        change_sheet_status(assignment, "reopen", other, comment="alasan")
    close_round(round_, judging.organiser, force=True)
    with pytest.raises(TriggerRefused, match="scores change only while their round is open"):
        change_sheet_status(assignment, "confirm", assignment.judge)
    assert assignment.status == "open"
    assert db.session.scalar(select(func.count()).select_from(ScoringEvent)) == 0


def test_publishing_is_audited_and_stamps_who_and_when(app):
    scored = Scored()
    scored.finish()
    result_set = seal_results(scored.competition, scored.organiser)
    with pytest.raises(TriggerRefused, match="needs the role organiser"):
        change_result_set_status(result_set, "publish", scored.judges[0])
    publish_results(result_set, scored.organiser, now=T0)
    assert (result_set.status, result_set.published_at, result_set.published_by_id) == (
        "published", T0, scored.organiser.id)
    assert [(e.trigger, e.from_status, e.to_status, e.actor_id, e.created_at) for e in result_set.events] == [
        ("publish", "sealed", "published", scored.organiser.id, T0)]
    with pytest.raises(TriggerRefused, match="not possible from status 'published'"):
        change_result_set_status(result_set, "publish", scored.organiser)
    assert db.session.scalar(select(func.count()).select_from(ResultSetEvent)) == 1


# -- reopening a round ------------------------------------------------------------------------------

def test_reopening_the_last_round_undoes_what_closing_decided_and_keeps_the_rest(judging):
    round_ = judging.round(judges_per_entry=1)
    assign_automatically(round_, judging.organiser)
    open_round(round_, judging.organiser)
    first_three = judging.entries[:3]
    for assignment in round_.assignments:
        if assignment.entry in first_three:   # judged: decided as the last sheet is confirmed
            score_and_confirm(judging, assignment, 80, T0)
    closure = close_round(round_, judging.organiser, force=True, now=T0 + timedelta(days=1))
    assert len(closure.not_judged) == 3
    assert {e.status for e in judging.entries} == {"scored"}

    reopening = reopen_round(round_, judging.organiser, "Tiga inovasi belum dinilai",
                             now=T0 + timedelta(days=2))

    rest = [e.title for e in judging.entries[3:]]
    assert (reopening.undecided, reopening.back_to_verified) == (rest, rest)
    statuses = {e.title: e.status for e in db.session.scalars(select(Entry))}
    assert statuses == {"Inovasi 1": "scored", "Inovasi 2": "scored", "Inovasi 3": "scored",
                        "Inovasi 4": "verified", "Inovasi 5": "verified", "Inovasi 6": "verified"}
    outcomes = db.session.execute(select(RoundOutcome.entry_id, RoundOutcome.decided_at_close)).all()
    assert sorted(outcomes) == sorted((e.id, False) for e in first_three)
    back = db.session.scalars(select(EntryEvent).where(EntryEvent.trigger == "reopen_scoring")
                              .order_by(EntryEvent.entry_id)).all()
    assert [(e.entry_id, e.actor_id, e.comment) for e in back] == [
        (e.id, judging.organiser.id, "Tiga inovasi belum dinilai") for e in judging.entries[3:]]
    # Judged again, the round closes as before.
    for assignment in round_.assignments:
        if assignment.entry not in first_three:
            score_and_confirm(judging, assignment, 60, T0 + timedelta(days=3))
    assert {e.status for e in judging.entries} == {"scored"}
    assert close_round(round_, judging.organiser).not_judged == []
    assert db.session.scalar(select(func.count()).select_from(RoundOutcome)) == 6


def test_reopening_a_top_n_round_sends_the_stopped_entries_back_while_the_next_is_set_up(judging):
    desk = judging.round(name="Penilaian dokumen", advancement="top_n", advancement_count=3,
                         judges_per_entry=1)
    presentation = judging.round(name="Presentasi", judges_per_entry=1)
    assign_automatically(desk, judging.organiser)
    open_round(desk, judging.organiser)
    for number, assignment in enumerate(sorted(desk.assignments, key=lambda a: a.entry_id)):
        score_and_confirm(judging, assignment, 90 - 10 * number, T0)
    assert {e.status for e in judging.entries} == {"verified"}   # top N waits for the close
    closure = close_round(desk, judging.organiser)
    assert sorted(closure.stopped) == ["Inovasi 4", "Inovasi 5", "Inovasi 6"]

    reopening = reopen_round(desk, judging.organiser, "Urutan diperiksa ulang")
    assert sorted(reopening.back_to_verified) == ["Inovasi 4", "Inovasi 5", "Inovasi 6"]
    assert len(reopening.undecided) == 6
    assert {e.status for e in judging.entries} == {"verified"}
    assert db.session.scalar(select(func.count()).select_from(RoundOutcome)) == 0

    close_round(desk, judging.organiser)
    assign_automatically(presentation, judging.organiser)
    open_round(presentation, judging.organiser)
    with pytest.raises(TriggerRefused) as refused:
        reopen_round(desk, judging.organiser, "Terlambat")
    assert refused.value.reasons == [
        "round 'Presentasi' has already been opened, so an earlier round can no longer be reopened",
        "judges are already assigned in round 'Presentasi'; remove those assignments before reopening an "
        "earlier round"]
    assert desk.status == "closed"
    assert db.session.scalar(select(func.count()).select_from(RoundOutcome)) == 6


def test_reopening_a_round_needs_a_reason_a_closed_round_and_the_judging_phase(judging):
    round_ = judging.round(judges_per_entry=1)
    assign_automatically(round_, judging.organiser)
    open_round(round_, judging.organiser)
    with pytest.raises(TriggerRefused, match="not possible from status 'open'"):
        reopen_round(round_, judging.organiser, "alasan")
    close_round(round_, judging.organiser, force=True)
    with pytest.raises(TriggerRefused) as refused:
        reopen_round(round_, judging.organiser, "  ")
    assert refused.value.reasons == ["a comment giving the reason is required"]
    change_competition_phase(judging.competition, "close_judging", judging.organiser)
    with pytest.raises(TriggerRefused, match="not allowed while the competition is in phase 'results'"):
        reopen_round(round_, judging.organiser, "alasan")
    assert round_.status == "closed" and [e[0] for e in round_events(round_)] == ["open", "close"]


# -- the state is assigned nowhere else -------------------------------------------------------------

def stored_rows(judging: Judging) -> dict[str, tuple[object, str, str]]:
    """One stored row of each stateful model, its state attribute and the door named."""
    round_ = judging.round(judges_per_entry=1)
    assign_automatically(round_, judging.organiser)
    result_set = ResultSet(competition=judging.competition, version=1, status="sealed", sha256="0" * 64,
                           inputs={}, results={})
    db.session.add(result_set)
    db.session.commit()
    return {
        "entry": (judging.entries[0], "status", "competition.entries.operations.change_entry_status"),
        "competition": (judging.competition, "phase",
                        "competition.competitions.operations.change_competition_phase"),
        "competition alias": (judging.competition, "status",
                              "competition.competitions.operations.change_competition_phase"),
        "round": (round_, "status", "competition.judging.rounds (open_round, close_round, reopen_round)"),
        "result set": (result_set, "status", "competition.results.operations.publish_results"),
        "assignment": (round_.assignments[0], "status",
                       "competition.judging.scoring (confirm_scores, reopen_scores)"),
    }


@pytest.mark.parametrize("kind", ["entry", "competition", "competition alias", "round", "result set",
                                  "assignment"])
def test_assigning_a_stored_row_s_state_outside_its_workflow_raises_naming_the_door(judging, kind):
    row, attribute, door = stored_rows(judging)[kind]
    before = getattr(row, attribute)
    other = "closed" if before != "closed" else "open"
    with pytest.raises(StateChangeOutsideWorkflow, match=re.escape(door)):
        setattr(row, attribute, other)
    assert getattr(row, attribute) == before
    db.session.commit()
    db.session.expire_all()
    assert getattr(row, attribute) == before


def test_new_rows_take_any_state_until_they_are_stored(judging):
    entry = Entry(competition=judging.competition, organisation=judging.dinkes, title="Baru",
                  status="draft")
    entry.status, entry.submitted_at = "verified", T0     # a starting point, as factories write
    db.session.add(entry)
    entry.status = "scored"                               # pending: not stored yet
    db.session.flush()
    with pytest.raises(StateChangeOutsideWorkflow):
        entry.status = "awarded"
    db.session.rollback()


def test_force_status_is_the_tests_explicit_way_past_the_door(app):
    competition = make_competition(phase="open")
    entry = make_entry(competition, make_organisation(competition.region), status="submitted")
    force_status(competition, "judging")
    force_status(entry, "verified")
    db.session.expire_all()
    assert (db.session.get(Competition, competition.id).phase, db.session.get(Entry, entry.id).status) == (
        "judging", "verified")
    assert db.session.scalar(select(func.count()).select_from(EntryEvent)) == 0
    with pytest.raises(StateChangeOutsideWorkflow):
        db.session.get(Entry, entry.id).status = "scored"

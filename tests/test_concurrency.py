"""Two people acting on one entry at the same moment: exactly one wins; and two judges
confirming an entry's last two sheets at the same moment end its judging once."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import select, text

from competition.entries.operations import change_entry_status
from competition.errors import ConcurrentChange, InvalidInput
from competition.extensions import db
from competition.judging import scoring
from competition.judging.operations import (
    add_criterion,
    add_round,
    assign_automatically,
    move_criterion,
    remove_criterion,
)
from competition.judging.rounds import open_round
from competition.models import Assignment, Criterion, Entry, EntryEvent, RoundOutcome, ScoringEvent, User
from tests.conftest import on_postgres
from tests.factories import make_competition, make_entry, make_organisation, make_user
from tests.judging.test_operations import Judging
from workflows import TriggerRefused


@pytest.mark.parametrize("version_seen", [1, None], ids=["with the version the page showed", "without"])
def test_two_threads_firing_on_one_entry(app, version_seen):
    """Exactly one wins. The other is told someone else changed the innovation (the pages send
    the version they showed); without it, the workflow refuses it from the state the winner left,
    or the version check does, whichever the timing gives."""
    competition = make_competition()
    region = competition.region
    entry = make_entry(competition, make_organisation(region), status="submitted")
    inspektorat = make_organisation(region, "Inspektorat")
    first = make_user(competition, "verifier", organisation=inspektorat)
    second = make_user(competition, "verifier", organisation=inspektorat)
    entry_id, user_ids = entry.id, {"verify": first.id, "reject": second.id}
    db.session.remove()

    both_loaded = threading.Barrier(2, timeout=10)
    outcomes: dict[str, str] = {}

    def act(trigger: str) -> None:
        with app.app_context():
            loaded = db.session.get(Entry, entry_id)
            user = db.session.get(User, user_ids[trigger])
            assert loaded is not None and user is not None
            loaded.competition.categories  # noqa: B018  (load everything before racing)
            loaded.evidence  # noqa: B018
            both_loaded.wait()
            try:
                change_entry_status(loaded, trigger, user, comment="Data dukung tidak sesuai",
                                    expected_version=version_seen)
                outcomes[trigger] = "won"
            except ConcurrentChange:
                outcomes[trigger] = "conflict"
            except TriggerRefused:
                outcomes[trigger] = "refused"
            finally:
                db.session.remove()

    threads = [threading.Thread(target=act, args=(t,)) for t in ("verify", "reject")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    if version_seen is None:
        assert sorted(outcomes.values()) in (["conflict", "won"], ["refused", "won"])
    else:
        assert sorted(outcomes.values()) == ["conflict", "won"]
    winner = next(t for t, outcome in outcomes.items() if outcome == "won")
    stored = db.session.get(Entry, entry_id)
    events = db.session.scalars(select(EntryEvent).where(EntryEvent.entry_id == entry_id)).all()
    assert stored.status == {"verify": "verified", "reject": "rejected"}[winner]
    assert stored.version == 2
    assert [e.trigger for e in events] == [winner]


@pytest.mark.skipif(not on_postgres(), reason="SQLite lets one writer in at a time, so two confirmations "
                    "cannot interleave; CI runs this on PostgreSQL")
def test_two_last_confirmations_at_the_same_moment_end_the_entry_s_judging(app, monkeypatch):
    """Two judges confirm the last two sheets of one entry at the same moment.

    The race is made as close as the locks allow: each confirmation writes its sheet, then waits
    until the other has written too, or is waiting for a lock, before counting the entry's sheets;
    after counting it keeps its transaction open until the other has counted as well, or is
    waiting for a lock. Counting without a lock, both count while the other's sheet is written but
    not committed, each sees it still open, and neither ends the entry's judging: it stays
    verified with no outcome. With the entry's row locked before counting, the second waits for
    the first to commit, then counts both sheets and moves the entry to scored with its outcome.
    (Writing a sheet's audit row takes the scoring events' chain lock too, so the second now
    waits there already.)"""
    judging = Judging()
    round_ = judging.round(judges_per_entry=2)
    assign_automatically(round_, judging.organiser)
    open_round(round_, judging.organiser)
    entry = judging.entries[4]
    sheets = [a for a in round_.assignments if a.entry_id == entry.id]
    assert len(sheets) == 2
    for sheet in sheets:
        scoring.save_scores(sheet, sheet.judge, dict.fromkeys(judging.criteria(round_), 80))
    entry_id, pairs = entry.id, [(sheet.id, sheet.judge_id) for sheet in sheets]
    db.session.remove()

    written: list[int] = []
    counted: list[int] = []
    finish = scoring._finish_entry_if_complete

    def someone_waits_for_a_lock() -> bool:
        with db.engine.connect() as connection:
            return bool(connection.scalar(text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock'")))

    def count_when_both_have_written(*args, **kwargs):
        written.append(1)
        deadline = time.monotonic() + 10
        while len(written) < 2 and not someone_waits_for_a_lock():
            assert time.monotonic() < deadline, "the other confirmation neither wrote nor waited"
            time.sleep(0.005)
        finish(*args, **kwargs)
        counted.append(1)
        deadline = time.monotonic() + 10
        while len(counted) < 2 and not someone_waits_for_a_lock():
            assert time.monotonic() < deadline, "the other confirmation neither counted nor waited"
            time.sleep(0.005)

    monkeypatch.setattr(scoring, "_finish_entry_if_complete", count_when_both_have_written)
    errors: list[BaseException] = []

    def confirm(assignment_id: int, judge_id: int) -> None:
        with app.app_context():
            try:
                sheet, judge = db.session.get(Assignment, assignment_id), db.session.get(User, judge_id)
                scoring.confirm_scores(sheet, judge)
            except BaseException as error:  # reported by the assertion below
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=confirm, args=pair) for pair in pairs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert len(counted) == 2
    assert {db.session.get(Assignment, a).status for a, _ in pairs} == {"confirmed"}
    assert db.session.get(Entry, entry_id).status == "scored"
    outcome = db.session.scalar(select(RoundOutcome).where(RoundOutcome.entry_id == entry_id))
    assert outcome is not None and (outcome.score, outcome.advanced) == (pytest.approx(80), False)
    assert [e.trigger for e in db.session.scalars(select(EntryEvent).where(
        EntryEvent.entry_id == entry_id))] == ["complete_scoring"]


@pytest.mark.skipif(not on_postgres(), reason="SQLite lets one writer in at a time, so two reopenings "
                    "cannot interleave; CI runs this on PostgreSQL")
def test_two_organisers_reopening_one_sheet_at_the_same_moment(app):
    """Both have the confirmed sheet loaded and reopen it at once: exactly one reopens it (one
    reopen event, with its reason); the other is told who reopened it first, as a refusal the
    page shows, not an error."""
    judging = Judging()
    round_ = judging.round(judges_per_entry=1)
    assign_automatically(round_, judging.organiser)
    open_round(round_, judging.organiser)
    sheet = next(a for a in round_.assignments if a.entry_id == judging.entries[2].id)
    scoring.save_scores(sheet, sheet.judge, dict.fromkeys(judging.criteria(round_), 80))
    scoring.confirm_scores(sheet, sheet.judge)
    second = make_user(judging.competition, "organiser", name="Panitia Kedua")
    sheet_id, judge_name = sheet.id, sheet.judge.name
    organisers = {judging.organiser.id: "Salah ketik nilai", second.id: "Juri minta dibuka"}
    db.session.remove()

    both_loaded = threading.Barrier(2, timeout=10)
    outcomes: dict[int, str] = {}

    def reopen(user_id: int) -> None:
        with app.app_context():
            try:
                loaded, user = db.session.get(Assignment, sheet_id), db.session.get(User, user_id)
                loaded.round.competition  # noqa: B018  (load everything before racing)
                loaded.entry, loaded.judge  # noqa: B018
                both_loaded.wait()
                scoring.reopen_scores(loaded, user, organisers[user_id])
                outcomes[user_id] = "won"
            except InvalidInput as refusal:
                outcomes[user_id] = str(refusal)
            except BaseException as error:  # reported by the assertion below
                outcomes[user_id] = repr(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=reopen, args=(user_id,)) for user_id in organisers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    winner = next(user_id for user_id, outcome in outcomes.items() if outcome == "won")
    loser = next(user_id for user_id in organisers if user_id != winner)
    winner_name = "Panitia Bappeda" if winner == judging.organiser.id else "Panitia Kedua"
    assert outcomes[loser] == (f"{winner_name} has already reopened the scores of {judge_name} for "
                               "'Inovasi 3'; they are open")
    events = db.session.scalars(select(ScoringEvent).where(ScoringEvent.assignment_id == sheet_id)
                                .order_by(ScoringEvent.id)).all()
    assert [(e.action, e.actor_id, e.reason) for e in events] == [
        ("confirm", events[0].actor_id, None), ("reopen", winner, organisers[winner])]
    assert db.session.get(Assignment, sheet_id).status == "open"


def _one_sheet_scored(judges_per_entry: int = 2) -> tuple[int, int, list[int]]:
    """A judge's sheet with every criterion scored 80 in an open round (another judge still open
    on the same innovation): its id, the judge's id and the criteria ids."""
    judging = Judging()
    round_ = judging.round(judges_per_entry=judges_per_entry)
    assign_automatically(round_, judging.organiser)
    open_round(round_, judging.organiser)
    sheet = next(a for a in round_.assignments if a.entry_id == judging.entries[1].id)
    criteria = judging.criteria(round_)
    scoring.save_scores(sheet, sheet.judge, dict.fromkeys(criteria, 80))
    ids = sheet.id, sheet.judge_id, list(criteria)
    db.session.remove()
    return ids


def _race(app, actions: dict[str, object]) -> dict[str, str]:
    """Run each action (a function of the loaded sheet's id) in a thread of its own, all starting
    at once; returns what each gave: "done", "refused: <why>" or the error."""
    start = threading.Barrier(len(actions), timeout=10)
    outcomes: dict[str, str] = {}

    def run(name: str) -> None:
        with app.app_context():
            try:
                start.wait()
                result = actions[name]()  # type: ignore[operator]
                outcomes[name] = "done" if result is not None else "nothing"
            except InvalidInput as refusal:
                outcomes[name] = f"refused: {refusal}"
            except BaseException as error:  # reported by the assertions of the test
                outcomes[name] = repr(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(name,)) for name in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


@pytest.mark.skipif(not on_postgres(), reason="SQLite lets one writer in at a time, so two confirmations "
                    "cannot interleave; CI runs this on PostgreSQL")
def test_two_confirmations_of_one_sheet_at_the_same_moment_confirm_it_once(app):
    """The same judge confirms from two tabs at once: the sheet is confirmed once (one event); the
    second confirmation waits for the first and then changes nothing."""
    sheet_id, judge_id, _criteria = _one_sheet_scored()

    def confirm() -> object:
        return scoring.confirm_scores(sheet_id, db.session.get(User, judge_id))

    outcomes = _race(app, {"first tab": confirm, "second tab": confirm})
    assert sorted(outcomes.values()) == ["done", "nothing"], outcomes
    events = db.session.scalars(select(ScoringEvent).where(ScoringEvent.assignment_id == sheet_id)).all()
    assert [e.action for e in events] == ["confirm"]
    assert db.session.get(Assignment, sheet_id).status == "confirmed"


@pytest.mark.skipif(not on_postgres(), reason="SQLite lets one writer in at a time, so a draft and a "
                    "confirmation cannot interleave; CI runs this on PostgreSQL")
def test_a_draft_saved_while_the_sheet_is_confirmed_goes_first_or_is_refused(app):
    """An autosave (every criterion now 60) and the confirmation of the same sheet at once: either
    the draft is saved first and confirmed with it, or it waits for the confirmation and is
    refused; never a score changed after the sheet was confirmed (its stored summary is that of
    the scores it holds)."""
    from competition.models import Score

    sheet_id, judge_id, criteria = _one_sheet_scored()

    def save() -> object:
        return scoring.save_scores(sheet_id, db.session.get(User, judge_id), dict.fromkeys(criteria, 60))

    def confirm() -> object:
        return scoring.confirm_scores(sheet_id, db.session.get(User, judge_id))

    outcomes = _race(app, {"autosave": save, "confirm": confirm})
    assert outcomes["confirm"] == "done", outcomes
    values = set(db.session.scalars(select(Score.value).where(Score.assignment_id == sheet_id)))
    if outcomes["autosave"] == "done":
        assert values == {60}
    else:
        refusal = "refused: the scores for 'Inovasi 2' are confirmed and locked"
        assert outcomes["autosave"] == refusal, outcomes
        assert values == {80}
    sheet = db.session.get(Assignment, sheet_id)
    events = db.session.scalars(select(ScoringEvent).where(ScoringEvent.assignment_id == sheet_id)).all()
    assert [e.action for e in events] == ["confirm"] and sheet.status == "confirmed"
    # Every criterion at the same mark: the marks at the top of the scale are none (80 and 60 are
    # below 100), and the points are those of that one mark on every criterion.
    assert sheet.top_marks == 0 and sheet.heaviest_mark == values.pop() * 10_000


@pytest.mark.skipif(not on_postgres(), reason="SQLite lets one writer in at a time, so two moves of a "
                    "criterion cannot interleave; CI runs this on PostgreSQL")
def test_two_criteria_moved_at_the_same_moment_both_move(app):
    """Two organisers each press a criterion's arrow on the same rubric page: both moves count,
    whichever comes first (the second starts from the order the first left)."""
    competition = make_competition(phase="setup")
    organiser = make_user(competition, "organiser")
    second = make_user(competition, "organiser")
    round_ = add_round(competition, organiser, name="Penilaian")
    names = ("Kebaruan", "Kemanfaatan", "Keberlanjutan", "Replikasi")
    ids = [add_criterion(round_, organiser, name=name, weight=25).id for name in names]
    db.session.commit()
    round_id, first_id, last_id = round_.id, ids[0], ids[-1]
    user_ids = {first_id: organiser.id, last_id: second.id}
    db.session.remove()

    both_loaded = threading.Barrier(2, timeout=10)
    failures: list[BaseException] = []

    def press(criterion_id: int, step: int) -> None:
        with app.app_context():
            try:
                criterion = db.session.get(Criterion, criterion_id)
                user = db.session.get(User, user_ids[criterion_id])
                assert criterion is not None and user is not None
                criterion.round.criteria  # noqa: B018  (the page showed this order)
                criterion.round.competition.memberships  # noqa: B018
                both_loaded.wait()
                move_criterion(criterion, user, step)
                db.session.commit()
            except BaseException as error:  # noqa: BLE001  (reported by the main thread)
                failures.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=press, args=args) for args in ((first_id, 1), (last_id, -1))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert failures == []
    order = db.session.scalars(select(Criterion.name).where(Criterion.round_id == round_id)
                               .order_by(Criterion.position)).all()
    assert order == ["Kemanfaatan", "Kebaruan", "Replikasi", "Keberlanjutan"]


@pytest.mark.skipif(not on_postgres(), reason="SQLite lets one writer in at a time, so an addition and a "
                    "move cannot interleave; CI runs this on PostgreSQL")
@pytest.mark.parametrize("change", ["add", "remove"])
def test_a_criterion_added_or_removed_while_another_moves(app, change):
    """One organiser adds (or removes) a criterion while another moves one: both happen, in
    either order, and the positions stay 1, 2, … (each took the round's lock first)."""
    competition = make_competition(phase="setup")
    organiser, second = make_user(competition, "organiser"), make_user(competition, "organiser")
    round_ = add_round(competition, organiser, name="Penilaian")
    ids = [add_criterion(round_, organiser, name=name, weight=25).id
           for name in ("Kebaruan", "Kemanfaatan", "Keberlanjutan", "Replikasi")]
    db.session.commit()
    round_id, organiser_id, second_id = round_.id, organiser.id, second.id
    db.session.remove()
    both_loaded = threading.Barrier(2, timeout=10)
    failures: list[BaseException] = []

    def act(which: str) -> None:
        with app.app_context():
            try:
                moved = db.session.get(Criterion, ids[0])
                removed = db.session.get(Criterion, ids[2])
                user = db.session.get(User, organiser_id if which == "move" else second_id)
                assert moved is not None and removed is not None and user is not None
                moved.round.criteria  # noqa: B018  (the page showed this rubric)
                moved.round.competition.memberships  # noqa: B018
                both_loaded.wait()
                if which == "move":
                    move_criterion(moved, user, 1)
                elif change == "add":
                    add_criterion(moved.round, user, name="Video", weight=10)
                else:
                    remove_criterion(removed, user)
                db.session.commit()
            except BaseException as error:  # noqa: BLE001  (reported by the main thread)
                failures.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=act, args=(which,)) for which in ("move", change)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert failures == []
    stored = db.session.execute(select(Criterion.position, Criterion.name)
                                .where(Criterion.round_id == round_id).order_by(Criterion.position)).all()
    assert [position for position, _ in stored] == list(range(1, len(stored) + 1))
    names = [name for _, name in stored]
    assert names[:2] == ["Kemanfaatan", "Kebaruan"]
    assert names[2:] == (["Keberlanjutan", "Replikasi", "Video"] if change == "add" else ["Replikasi"])

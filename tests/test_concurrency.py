"""Two people acting on one entry at the same moment: exactly one wins; and two judges
confirming an entry's last two sheets at the same moment end its judging once."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import select, text

from competition.entries.operations import change_entry_status
from competition.errors import ConcurrentChange
from competition.extensions import db
from competition.judging import scoring
from competition.judging.operations import assign_automatically
from competition.judging.rounds import open_round
from competition.models import Assignment, Entry, EntryEvent, RoundOutcome, User
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

    The race is made certain: each confirmation writes its sheet, then waits (a barrier) until
    the other has written too before counting the entry's sheets; after counting it keeps its
    transaction open until the other has counted as well, or is waiting for a lock. Counting
    without a lock, both count while the other's sheet is written but not committed, each sees it
    still open, and neither ends the entry's judging: it stays verified with no outcome. With the
    entry's row locked before counting, the second waits for the first to commit, then counts both
    sheets and moves the entry to scored with its outcome."""
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

    both_written = threading.Barrier(2, timeout=10)
    counted: list[int] = []
    finish = scoring._finish_entry_if_complete

    def someone_waits_for_a_lock() -> bool:
        with db.engine.connect() as connection:
            return bool(connection.scalar(text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock'")))

    def count_when_both_have_written(*args, **kwargs):
        both_written.wait()
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

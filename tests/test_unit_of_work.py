"""One transaction per request, command or job: a failure anywhere leaves the database exactly as
it was; operations only flush; a refused operation inside a request undoes only itself."""

from __future__ import annotations

import ast
import threading
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text

from competition.errors import InvalidInput
from competition.extensions import db
from competition.judging import scoring
from competition.judging.scoring import save_scores
from competition.models import Assignment, Competition, Entry, Score, ScoringEvent, User
from competition.unit_of_work import after_rollback, atomic, unit_of_work
from tests.conftest import on_postgres
from tests.factories import PASSWORD
from tests.judging.test_scoring_views import Jury
from tests.web.pages import sign_in

SOURCE = Path(__file__).resolve().parent.parent / "competition"


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every table, read on a connection of its own (what another request sees)."""
    with db.engine.connect() as connection:
        return {table.name: sorted(tuple(map(repr, row)) for row in connection.execute(table.select()))
                for table in db.metadata.sorted_tables}


@pytest.fixture
def jury(app):
    return Jury()


def ready_to_confirm(client, jury: Jury) -> None:
    """The other judge has confirmed Si-Sehat; the judge's own sheet for it is filled in, so their
    confirmation is the entry's last and also ends its judging (verified → scored)."""
    for assignment in (jury.first, jury.others):
        save_scores(assignment, assignment.judge, {jury.novelty.id: 80, jury.regulation.id: 2})
    scoring.confirm_scores(jury.others, jury.other_judge)
    sign_in(client, jury.judge)


def test_a_failure_after_the_first_flush_of_a_request_leaves_the_database_as_it_was(
        client, jury, monkeypatch):
    ready_to_confirm(client, jury)
    before = snapshot()

    def fail_after_the_confirmation_was_flushed(*args, **kwargs):
        assert db.session.execute(select(Assignment.confirmed_at).where(
            Assignment.id == jury.first.id)).scalar() is not None   # written, not committed
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(scoring, "change_entry_status", fail_after_the_confirmation_was_flushed)
    client.application.config["PROPAGATE_EXCEPTIONS"] = False
    response = client.post(f"/scoring/{jury.first.id}/confirm")
    assert response.status_code == 500
    assert snapshot() == before
    db.session.expire_all()
    assert db.session.get(Entry, jury.sehat.id).status == "verified"
    assert db.session.get(Assignment, jury.first.id).confirmed_at is None


def test_the_same_request_without_the_failure_commits_everything_once(client, jury):
    ready_to_confirm(client, jury)
    response = client.post(f"/scoring/{jury.first.id}/confirm")
    assert response.status_code == 302
    with db.engine.connect() as connection:  # committed: another connection sees it
        assert connection.scalar(select(Entry.status).where(Entry.id == jury.sehat.id)) == "scored"
        assert connection.scalar(select(ScoringEvent.action).where(
            ScoringEvent.assignment_id == jury.first.id)) == "confirm"


def test_a_refused_operation_undoes_only_itself_and_the_unit_commits_the_rest(jury):
    criteria = jury.novelty.id, jury.regulation.id
    with unit_of_work():
        save_scores(jury.first, jury.judge, {criteria[0]: 70})
        with pytest.raises(InvalidInput):
            save_scores(jury.second, jury.judge, {criteria[0]: 60, criteria[1]: 9})   # 9: no such level
        save_scores(jury.third, jury.judge, {criteria[0]: 50})
    with db.engine.connect() as connection:
        stored = dict(connection.execute(select(Score.assignment_id, Score.value)).all())
    assert stored == {jury.first.id: 70, jury.third.id: 50}


def test_operations_that_belong_together_are_undone_together(jury):
    with pytest.raises(InvalidInput), atomic():
        save_scores(jury.first, jury.judge, {jury.novelty.id: 70})
        save_scores(jury.second, jury.judge, {jury.novelty.id: 700})
    assert snapshot()["score"] == []


def test_a_failing_command_writes_nothing(runner, jury):
    """``create-user`` creates the account, then grants each role: a refused role (an operator
    needs an OPD) leaves no account and no other role."""
    before = snapshot()
    result = runner.invoke(args=["create-user", "--email", "baru@kota.go.id", "--name", "Pengguna Baru",
                                 "--password", PASSWORD, "--competition", str(jury.competition.id),
                                 "--role", "judge", "--role", "submitter"])
    assert result.exit_code != 0, result.output
    assert snapshot() == before
    assert db.session.scalar(select(User).where(User.email == "baru@kota.go.id")) is None


def test_a_page_that_creates_a_competition_and_its_organiser_role_does_both_or_neither(
        client, jury, monkeypatch):
    from competition.competitions import views as setup
    from competition.people import operations as users

    def refuse(*args, **kwargs):
        raise InvalidInput("role: refused for the test")

    monkeypatch.setattr(setup, "grant_role", refuse)
    assert users.grant_role is not refuse
    sign_in(client, jury.organiser)
    count = len(snapshot()["competition"])
    response = client.post("/manage/new", data={
        "region": jury.competition.region_id, "name": "Lomba Baru", "year": 2027, "categories": "",
        "submission_opens_at": "2027-01-10T08:00", "submission_closes_at": "2027-02-10T16:00",
        "verification_closes_at": "2027-03-10T16:00", "judging_closes_at": "2027-04-10T16:00"})
    assert response.status_code in (200, 422)
    assert len(snapshot()["competition"]) == count
    assert db.session.scalar(select(Competition).where(Competition.name == "Lomba Baru")) is None


@pytest.mark.parametrize("tabs", [
    pytest.param("one after the other", marks=pytest.mark.skipif(
        not on_postgres(), reason="SQLite lets one writer in at a time, so the other tab cannot commit "
                                  "in the middle of a save; CI runs this on PostgreSQL")),
    "at once"])
def test_a_concurrent_save_never_loses_a_cleared_value(jury, app, tabs):
    """The judge empties Kebaharuan and sets Regulasi in one tab while another tab saved a
    Regulasi of its own a moment earlier, committing between this save's checks and its writes:
    Kebaharuan stays empty whichever save lands last. (Saves used to retry without the cleared
    criteria when they lost that race.)"""
    novelty, regulation = jury.novelty.id, jury.regulation.id
    save_scores(jury.first, jury.judge, {novelty: 70})
    assignment_id, judge_id = jury.first.id, jury.judge.id
    url = db.engine.url.render_as_string(hide_password=False)
    check = scoring._check_judge_may_score

    def the_other_tab_saves_first(assignment, judge, *rest):
        check(assignment, judge, *rest)
        other = create_engine(url)
        with other.begin() as connection:   # commits before this save writes
            connection.execute(text(
                "INSERT INTO score (assignment_id, criterion_id, value, comment, updated_at) "
                "VALUES (:a, :c, 1, '', CURRENT_TIMESTAMP)"), {"a": assignment_id, "c": regulation})
        other.dispose()

    if tabs == "one after the other":
        scoring._check_judge_may_score = the_other_tab_saves_first  # type: ignore[assignment]
        try:
            save_scores(jury.first, jury.judge, {regulation: 3}, cleared=[novelty])
        finally:
            scoring._check_judge_may_score = check  # type: ignore[assignment]
    else:
        db.session.remove()
        start = threading.Barrier(2, timeout=10)
        errors: list[Exception] = []

        def save(values, cleared):
            with app.app_context():
                judge = db.session.get(User, judge_id)
                assignment = db.session.get(Assignment, assignment_id)
                assignment.round.criteria  # noqa: B018  (load before racing)
                assignment.entry.organisation.lineage_ids()
                start.wait()
                try:
                    save_scores(assignment, judge, values, cleared)
                except Exception as error:  # noqa: BLE001
                    errors.append(error)
                finally:
                    db.session.remove()

        threads = [threading.Thread(target=save, args=args)
                   for args in (({regulation: 3}, [novelty]), ({regulation: 1}, []))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert errors == []
    with db.engine.connect() as connection:
        stored = dict(connection.execute(select(Score.criterion_id, Score.value)).all())
    assert novelty not in stored
    assert stored[regulation] in (1, 3)


def test_no_commit_or_rollback_outside_the_unit_of_work():
    """Operations and views flush; only competition/unit_of_work.py commits or rolls back."""
    found = []
    for path in sorted(SOURCE.rglob("*.py")):
        if path.name == "unit_of_work.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in ("commit", "rollback")):
                found.append(f"{path.relative_to(SOURCE.parent)}:{node.lineno} {node.func.attr}()")
    assert found == []


def in_another_request(app, change) -> None:
    """Run ``change`` as another person's request would: in a thread, with a session and a unit
    of work of its own, committed before this returns."""
    errors: list[Exception] = []

    def run() -> None:
        with app.app_context():
            try:
                with unit_of_work():
                    change()
            except Exception as error:  # noqa: BLE001
                errors.append(error)
            finally:
                db.session.remove()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=30)
    assert errors == []


def test_an_operation_decides_on_what_is_stored_not_on_what_the_page_read_before(app, jury):
    """The phase page has read every round as closed; meanwhile another organiser reopens one.
    Closing judging must see the reopened round and refuse, not strand the competition in the
    results phase with a round still open."""
    from competition.competitions.operations import change_competition_phase
    from competition.judging.rounds import close_round, reopen_round
    from competition.models import Round
    from workflows import TriggerRefused

    for sheet in (jury.first, jury.second, jury.third, jury.others):
        save_scores(sheet, sheet.judge, {jury.novelty.id: 80, jury.regulation.id: 2})
        scoring.confirm_scores(sheet, sheet.judge)
    close_round(jury.round, jury.organiser)
    competition, round_id, organiser_id = jury.competition, jury.round.id, jury.organiser.id
    assert competition.open_round_names() == []                    # what the page read
    in_another_request(app, lambda: reopen_round(db.session.get(Round, round_id),
                                                 db.session.get(User, organiser_id), "nilai salah"))
    with pytest.raises(TriggerRefused, match="Penilaian dokumen"):
        change_competition_phase(competition, "close_judging", jury.organiser)
    with db.engine.connect() as connection:
        phase = connection.scalar(select(Competition.phase).where(Competition.id == competition.id))
    assert phase == "judging"


def test_a_sheet_confirmed_meanwhile_is_not_removed_with_its_scores(app, jury):
    from competition.judging.operations import remove_assignment

    save_scores(jury.second, jury.judge, {jury.novelty.id: 80, jury.regulation.id: 2})
    sheet, judge_id = jury.second, jury.judge.id
    assert sheet.status == "open"                                   # what the organiser's page read
    in_another_request(app, lambda: scoring.confirm_scores(db.session.get(Assignment, sheet.id),
                                                           db.session.get(User, judge_id)))
    with pytest.raises(InvalidInput, match="reopen them first"):
        remove_assignment(sheet, jury.organiser)
    with db.engine.connect() as connection:
        assert connection.scalar(select(Assignment.status).where(Assignment.id == sheet.id)) == "confirmed"


def test_a_refused_operation_inside_another_undoes_only_its_own_writes(jury):
    """An operation that has written, then is refused, inside another one whose caller goes on:
    its writes are undone, the others' stay."""
    from competition.unit_of_work import operation

    @operation
    def clear_then_refuse(sheet):
        save_scores(sheet, sheet.judge, {}, cleared=[jury.novelty.id])   # writes (a DELETE)
        raise InvalidInput("refused after writing")

    with unit_of_work(), atomic():
        save_scores(jury.first, jury.judge, {jury.novelty.id: 70})
        with pytest.raises(InvalidInput):
            clear_then_refuse(jury.first)
        save_scores(jury.third, jury.judge, {jury.novelty.id: 50})
    with db.engine.connect() as connection:
        stored = dict(connection.execute(select(Score.assignment_id, Score.value)).all())
    assert stored == {jury.first.id: 70, jury.third.id: 50}


def test_a_removed_evidence_file_stays_until_the_removal_is_committed(app, jury):
    from competition.entries.evidence import evidence_path, remove_evidence
    from competition.models import Evidence
    from tests.factories import force_status

    force_status(jury.competition, "open")
    force_status(jury.sehat, "draft")
    path = evidence_path(jury.evidence.sha256)
    assert path.exists()
    with pytest.raises(RuntimeError), unit_of_work():
        remove_evidence(jury.evidence.id, jury.operator)
        raise RuntimeError("something later in the request fails")
    assert db.session.get(Evidence, jury.evidence.id) is not None and path.exists()
    remove_evidence(jury.evidence.id, jury.operator)
    assert db.session.get(Evidence, jury.evidence.id) is None and not path.exists()


def test_what_is_undone_outside_the_database_follows_the_rollback(app):
    """after_rollback: run when the unit rolls back or the operation that asked is undone, latest
    first; never once the unit has committed."""
    undone: list[str] = []
    with unit_of_work():
        after_rollback(lambda: undone.append("committed"))
    assert undone == []
    with unit_of_work():
        with pytest.raises(InvalidInput), atomic():
            after_rollback(lambda: undone.append("refused operation"))
            raise InvalidInput("refused")
        after_rollback(lambda: undone.append("kept"))
    assert undone == ["refused operation"]
    with pytest.raises(RuntimeError), unit_of_work():
        after_rollback(lambda: undone.append("first"))
        after_rollback(lambda: undone.append("second"))
        raise RuntimeError("the request fails")
    assert undone == ["refused operation", "second", "first"]

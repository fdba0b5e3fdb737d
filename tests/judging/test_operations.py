"""Judging set-up, assignment, conflicts, scoring and rounds against the database."""

from __future__ import annotations

import threading
from collections import Counter
from fractions import Fraction

import pytest
from sqlalchemy import func, select

from competition.errors import InvalidInput, NotPermitted
from competition.extensions import db
from competition.judging.operations import (
    add_criterion,
    add_round,
    apply_rubric_template,
    assign_automatically,
    assign_judge,
    create_panel,
    declare_conflict,
    update_round,
)
from competition.judging.rounds import close_round, open_round
from competition.judging.scoring import confirm_scores, reopen_scores, save_scores
from competition.judging.sheets import round_spec
from competition.models import (
    Assignment,
    Entry,
    EntryEvent,
    RoundOutcome,
    Score,
    ScoringEvent,
)
from tests.factories import make_competition, make_entry, make_organisation, make_user


class Judging:
    """A competition in its judging phase: six verified entries from four OPDs (one a
    puskesmas under Dinas Kesehatan), an organiser, and four judges, one of them from Dinas
    Kesehatan."""

    def __init__(self, phase: str = "judging"):
        self.competition = make_competition(phase=phase)
        region = self.competition.region
        self.dinkes = make_organisation(region, "Dinas Kesehatan")
        self.puskesmas = make_organisation(region, "Puskesmas Ngletih", parent=self.dinkes)
        self.kominfo = make_organisation(region, "Dinas Komunikasi dan Informatika")
        self.dpmptsp = make_organisation(region, "DPMPTSP")
        self.organiser = make_user(self.competition, "organiser", name="Panitia Bappeda")
        self.judges = [make_user(self.competition, "judge", name=f"Juri {i}") for i in (1, 2, 3)]
        self.dinkes_judge = make_user(self.competition, "judge", organisation=self.dinkes,
                                      name="Juri Dinkes")
        owners = [self.dinkes, self.puskesmas, self.kominfo, self.kominfo, self.dpmptsp, self.dpmptsp]
        self.entries = [make_entry(self.competition, org, status="verified", title=f"Inovasi {i}")
                        for i, org in enumerate(owners, start=1)]

    def round(self, **options):
        round_ = add_round(self.competition, self.organiser, name=options.pop("name", "Penilaian"),
                           **options)
        apply_rubric_template(round_, self.organiser)
        create_panel(round_, self.organiser, name="Tim penilai",
                     judges=[*self.judges, self.dinkes_judge])
        return round_

    def criteria(self, round_):
        return [c.id for c in round_.criteria]

    def score_all(self, round_, values_by_entry):
        """Every assigned judge scores each entry with the same values and confirms."""
        for assignment in list(round_.assignments):
            values = values_by_entry[assignment.entry_id]
            save_scores(assignment, assignment.judge, dict(zip(self.criteria(round_), values, strict=True)))
            confirm_scores(assignment, assignment.judge)


@pytest.fixture
def judging(app):
    return Judging()


def test_round_setup_validates_every_field(judging):
    with pytest.raises(InvalidInput) as invalid:
        add_round(judging.competition, judging.organiser, name=" ", aggregation="mode",
                  advancement="top_n", weight=0, judges_per_entry=0)
    assert invalid.value.problems == [
        "name: must not be empty",
        "aggregation: 'mode' is not one of mean, median, trimmed_mean",
        "advancement_count: top N needs a number of entries above zero",
        "weight: must be above zero",
        "judges_per_entry: at least one",
    ]
    with pytest.raises(NotPermitted):
        add_round(judging.competition, judging.judges[0], name="Presentasi")


def test_refusals_are_in_the_reader_s_language_in_a_request_and_in_english_elsewhere(app, judging):
    from flask import session
    from flask_babel import refresh

    round_ = add_round(judging.competition, judging.organiser, name="Presentasi")
    with app.test_request_context():
        session["language"] = "id"
        refresh()
        with pytest.raises(InvalidInput) as invalid:
            create_panel(round_, judging.organiser, name=" ", judges=[])
        assert invalid.value.problems == ["nama: tidak boleh kosong",
                                          "juri: panel memerlukan sedikitnya satu juri"]
        with pytest.raises(InvalidInput, match="^tahap 'Presentasi' belum punya panel juri$"):
            assign_automatically(round_, judging.organiser)
    refresh()  # the request shared the test's application context, where Flask-Babel keeps its choice
    with pytest.raises(InvalidInput) as invalid:
        create_panel(round_, judging.organiser, name=" ", judges=[])
    assert invalid.value.problems == ["name: must not be empty", "judges: a panel needs at least one judge"]


def test_iga_template_and_criteria_scales(judging):
    round_ = add_round(judging.competition, judging.organiser, name="Presentasi")
    criteria = apply_rubric_template(round_, judging.organiser)
    assert [(c.name, c.weight, c.min_value, c.max_value) for c in criteria] == [
        ("Kebaharuan", 30, 0, 100), ("Kemanfaatan", 25, 0, 100), ("Replikasi dan aplikatif", 20, 0, 100),
        ("Kewenangan daerah dan kolaborasi", 15, 0, 100), ("Penguasaan materi dan penyajian", 10, 0, 100)]
    levels = add_criterion(round_, judging.organiser, name="Regulasi inovasi", weight=3, scale="levels",
                           levels=[(1, "Peraturan kepala perangkat daerah"), (2, "Peraturan kepala daerah"),
                                   (3, "Peraturan daerah")])
    assert (levels.min_value, levels.max_value, [lv.label for lv in levels.levels][-1]) == (
        1, 3, "Peraturan daerah")
    independent = add_criterion(round_, judging.organiser, name="Catatan umum", weight=0, independent=True)
    assert independent.independent
    with pytest.raises(InvalidInput) as invalid:
        add_criterion(round_, judging.organiser, name="Kebaharuan", weight=0, min_value=10, max_value=5)
    assert invalid.value.problems == [
        "name: the rubric already has a criterion called 'Kebaharuan'",
        "weight: must be above zero (only an independent criterion weighs nothing)",
        "range: needs 0 ≤ min < max (got 10 to 5)"]


def test_panels_take_only_judges(judging):
    round_ = add_round(judging.competition, judging.organiser, name="Presentasi")
    with pytest.raises(InvalidInput, match="Panitia Bappeda is not a judge"):
        create_panel(round_, judging.organiser, name="Tim A", judges=[judging.organiser])


def test_automatic_assignment_avoids_conflicts_and_balances_load(judging):
    round_ = judging.round(judges_per_entry=3)
    declare_conflict(judging.entries[2], judging.judges[0], "Saudara kandung operator OPD")
    report = assign_automatically(round_, judging.organiser)
    pairs = {(a.entry_id, a.judge_id) for a in db.session.scalars(select(Assignment))}
    dinkes_entries = {judging.entries[0].id, judging.entries[1].id}   # Dinkes and its puskesmas
    assert not {(e, judging.dinkes_judge.id) for e in dinkes_entries} & pairs
    assert (judging.entries[2].id, judging.judges[0].id) not in pairs
    assert Counter(e for e, _ in pairs) == {e.id: 3 for e in judging.entries}
    assert sorted(report.load.values()) == [4, 4, 5, 5]   # 18 assignments over four judges
    assert (report.added, report.short, report.conflicts_avoided) == (18, {}, 3)


def test_the_cap_is_respected_and_shortfalls_named(judging):
    round_ = judging.round(judges_per_entry=3, judge_cap=4)
    report = assign_automatically(round_, judging.organiser)
    assert max(report.load.values()) <= 4
    assert sum(report.short.values()) == 18 - 16
    assert report.added == 16


def test_manual_assignment_refuses_conflicts_and_duplicates(judging):
    round_ = judging.round()
    with pytest.raises(InvalidInput, match="Juri Dinkes has a conflict of interest with 'Inovasi 2'"):
        assign_judge(round_, judging.entries[1], judging.dinkes_judge, judging.organiser)
    assign_judge(round_, judging.entries[1], judging.judges[0], judging.organiser)
    with pytest.raises(InvalidInput, match="already assigned"):
        assign_judge(round_, judging.entries[1], judging.judges[0], judging.organiser)
    assert db.session.scalar(select(func.count()).select_from(Assignment)) == 1


def test_declaring_a_conflict_takes_the_judge_off_the_assignment(judging):
    round_ = judging.round()
    assignment = assign_judge(round_, judging.entries[4], judging.judges[1], judging.organiser)
    open_round(round_, judging.organiser)
    save_scores(assignment, judging.judges[1], {judging.criteria(round_)[0]: 70})
    declare_conflict(judging.entries[4], judging.judges[1], "Pernah menjadi konsultan inovasi ini")
    assert round_.assignments == []
    assert db.session.get(Assignment, assignment.id).status == "removed"
    assert db.session.scalar(select(func.count()).select_from(Score)) == 1  # kept, counting nowhere
    with pytest.raises(InvalidInput, match="already declared"):
        declare_conflict(judging.entries[4], judging.judges[1], "lagi")


def test_scores_off_the_scale_are_refused_and_nothing_is_stored(judging):
    round_ = judging.round()
    add_criterion(round_, judging.organiser, name="Tingkat regulasi", weight=5, scale="levels",
                  levels=[(1, "Perkada"), (2, "Perbup"), (3, "Perda")])
    add_criterion(round_, judging.organiser, name="Skala setengah", weight=5, step=0.5, max_value=10)
    assignment = assign_judge(round_, judging.entries[4], judging.judges[0], judging.organiser)
    open_round(round_, judging.organiser)
    c = judging.criteria(round_)
    with pytest.raises(InvalidInput) as invalid:
        save_scores(assignment, judging.judges[0], {c[0]: 101, c[1]: -1, c[5]: 2.5, c[6]: 7.25,
                                                    99999: 5, c[2]: float("nan")})
    assert invalid.value.problems == [
        "Kebaharuan: 101 is off the scale 0–100",
        "Kemanfaatan: -1 is off the scale 0–100",
        "Tingkat regulasi: 2.5 is not one of the levels 1, 2, 3",
        "Skala setengah: 7.25 is not on a step of 0.5 from 0",
        f"criterion 99999 is not in the rubric of round '{round_.name}'",
        "Replikasi dan aplikatif: nan is not a number",
    ]
    assert db.session.scalar(select(func.count()).select_from(Score)) == 0
    save_scores(assignment, judging.judges[0], {c[5]: 3, c[6]: 7.5})
    assert db.session.scalar(select(func.count()).select_from(Score)) == 2


def test_saving_twice_stores_one_score_per_criterion(judging):
    round_ = judging.round()
    assignment = assign_judge(round_, judging.entries[4], judging.judges[0], judging.organiser)
    open_round(round_, judging.organiser)
    first = judging.criteria(round_)[0]
    save_scores(assignment, judging.judges[0], {first: (70, "Cukup baru")})
    save_scores(assignment, judging.judges[0], {first: (75, "Lebih baru dari dugaan")})
    [score] = db.session.scalars(select(Score)).all()
    assert (score.value, score.comment) == (75, "Lebih baru dari dugaan")


def test_two_tabs_saving_at_once_store_one_row(judging, app):
    round_ = judging.round()
    assignment = assign_judge(round_, judging.entries[4], judging.judges[0], judging.organiser)
    open_round(round_, judging.organiser)
    assignment_id, judge_id, criterion_id = assignment.id, judging.judges[0].id, judging.criteria(round_)[0]
    db.session.remove()
    start = threading.Barrier(2, timeout=10)
    errors: list[Exception] = []

    def save(value: int) -> None:
        with app.app_context():
            from competition.models import User

            judge = db.session.get(User, judge_id)
            loaded = db.session.get(Assignment, assignment_id)
            loaded.round.criteria  # noqa: B018  (load before racing)
            loaded.entry.organisation.lineage_ids()
            judge.organisation  # noqa: B018
            start.wait()
            try:
                save_scores(loaded, judge, {criterion_id: value})
            except Exception as error:  # noqa: BLE001
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=save, args=(v,)) for v in (60, 65)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    values = db.session.scalars(select(Score.value)).all()
    assert len(values) == 1 and values[0] in (60, 65)


def test_only_the_assigned_judge_scores_and_only_while_open(judging):
    round_ = judging.round()
    assignment = assign_judge(round_, judging.entries[4], judging.judges[0], judging.organiser)
    first = judging.criteria(round_)[0]
    with pytest.raises(InvalidInput,
                       match="round 'Penilaian' is setup; scores can only be given while it is open"):
        save_scores(assignment, judging.judges[0], {first: 70})
    open_round(round_, judging.organiser)
    with pytest.raises(NotPermitted, match="Juri 2 is not assigned to 'Inovasi 5'"):
        save_scores(assignment, judging.judges[1], {first: 70})


def test_confirming_locks_and_is_idempotent(judging):
    round_ = judging.round()
    assignment = assign_judge(round_, judging.entries[4], judging.judges[0], judging.organiser)
    open_round(round_, judging.organiser)
    c = judging.criteria(round_)
    save_scores(assignment, judging.judges[0], {c[0]: 80})
    with pytest.raises(InvalidInput, match="Kemanfaatan, Replikasi dan aplikatif, .* still empty"):
        confirm_scores(assignment, judging.judges[0])
    save_scores(assignment, judging.judges[0], dict(zip(c, [80, 70, 90, 60, 100], strict=True)))
    assert confirm_scores(assignment, judging.judges[0]) is not None
    assert confirm_scores(assignment, judging.judges[0]) is None
    assert db.session.scalar(select(func.count()).select_from(ScoringEvent)) == 1
    with pytest.raises(InvalidInput, match="confirmed and locked"):
        save_scores(assignment, judging.judges[0], {c[0]: 10})


def test_last_round_entry_is_scored_when_every_judge_confirmed(judging):
    round_ = judging.round(judges_per_entry=2)
    assign_automatically(round_, judging.organiser)
    open_round(round_, judging.organiser)
    entry = judging.entries[4]
    first, second = [a for a in round_.assignments if a.entry_id == entry.id]
    c = judging.criteria(round_)
    for assignment in (first, second):
        save_scores(assignment, assignment.judge, dict(zip(c, [80, 70, 90, 60, 100], strict=True)))
    confirm_scores(first, first.judge)
    assert db.session.get(Entry, entry.id).status == "verified"
    confirm_scores(second, second.judge)
    assert db.session.get(Entry, entry.id).status == "scored"
    outcome = db.session.scalar(select(RoundOutcome).where(RoundOutcome.entry_id == entry.id))
    assert (outcome.score, outcome.advanced) == (pytest.approx(78.5), False)
    last_event = db.session.scalars(select(EntryEvent).where(EntryEvent.entry_id == entry.id)
                                    .order_by(EntryEvent.id.desc())).first()
    assert (last_event.trigger, last_event.actor_id) == ("complete_scoring", None)


def test_reopening_with_a_reason_sends_the_entry_back(judging):
    round_ = judging.round(judges_per_entry=1)
    assignment = assign_judge(round_, judging.entries[4], judging.judges[0], judging.organiser)
    open_round(round_, judging.organiser)
    save_scores(assignment, judging.judges[0],
                dict(zip(judging.criteria(round_), [80, 70, 90, 60, 100], strict=True)))
    confirm_scores(assignment, judging.judges[0])
    assert assignment.entry.status == "scored"
    # The confirmed sheet keeps its summary in whole numbers: 78.5 as points over the round's
    # unit, the heaviest criterion's 80 in ten-thousandths, one top mark of five.
    spec = round_spec(round_)
    assert spec.scale.total(assignment.points) == Fraction(157, 2)
    assert (assignment.heaviest_mark, assignment.top_marks, assignment.marks) == (800_000, 1, 5)
    with pytest.raises(InvalidInput, match="say why"):
        reopen_scores(assignment, judging.organiser, " ")
    reopen_scores(assignment, judging.organiser, "Salah ketik nilai kemanfaatan")
    assert assignment.confirmed_at is None and assignment.entry.status == "verified"
    assert (assignment.points, assignment.heaviest_mark, assignment.top_marks, assignment.marks) == (
        None, None, None, None)
    assert [(e.action, e.reason) for e in assignment.events] == [
        ("confirm", None), ("reopen", "Salah ketik nilai kemanfaatan")]
    assert db.session.scalar(select(func.count()).select_from(RoundOutcome)) == 0
    save_scores(assignment, judging.judges[0], {judging.criteria(round_)[1]: 90})


def test_two_rounds_top_n_with_ties_at_the_cut_off(judging):
    desk = judging.round(name="Penilaian dokumen", advancement="top_n", advancement_count=2,
                         judges_per_entry=2)
    presentation = judging.round(name="Presentasi", judges_per_entry=2)
    assign_automatically(desk, judging.organiser)
    open_round(desk, judging.organiser)
    e = [x.id for x in judging.entries]
    # Totals: e1 78.5, e2 60, e3 78.5 (tied second), e4 50, e5 90, e6 40.
    judging.score_all(desk, {e[0]: [80, 70, 90, 60, 100], e[1]: [60] * 5, e[2]: [80, 70, 90, 60, 100],
                             e[3]: [50] * 5, e[4]: [90] * 5, e[5]: [40] * 5})
    assert {x.status for x in judging.entries} == {"verified"}   # top N waits for the close
    closure = close_round(desk, judging.organiser)
    assert sorted(closure.advanced) == ["Inovasi 1", "Inovasi 3", "Inovasi 5"]
    assert sorted(closure.stopped) == ["Inovasi 2", "Inovasi 4", "Inovasi 6"]
    statuses = {x.title: x.status for x in db.session.scalars(select(Entry))}
    assert statuses == {"Inovasi 1": "verified", "Inovasi 2": "scored", "Inovasi 3": "verified",
                        "Inovasi 4": "scored", "Inovasi 5": "verified", "Inovasi 6": "scored"}
    report = assign_automatically(presentation, judging.organiser)
    assert report.added == 6
    assert {a.entry_id for a in presentation.assignments} == {e[0], e[2], e[4]}


def test_min_score_decides_each_entry_as_it_completes(judging):
    desk = judging.round(name="Penilaian dokumen", advancement="min_score", advancement_min_score=60,
                         judges_per_entry=1)
    judging.round(name="Presentasi")
    assign_automatically(desk, judging.organiser)
    open_round(desk, judging.organiser)
    e = [x.id for x in judging.entries]
    judging.score_all(desk, {e[0]: [60] * 5, e[1]: [59] * 5, e[2]: [70] * 5, e[3]: [10] * 5,
                             e[4]: [100] * 5, e[5]: [61] * 5})
    outcomes = dict(db.session.execute(select(RoundOutcome.entry_id, RoundOutcome.advanced)).all())
    assert outcomes == {e[0]: True, e[1]: False, e[2]: True, e[3]: False, e[4]: True, e[5]: True}
    assert db.session.get(Entry, e[1]).status == "scored"


def test_closing_waits_for_confirmations_unless_forced(judging):
    round_ = judging.round(judges_per_entry=1)
    assign_automatically(round_, judging.organiser)
    open_round(round_, judging.organiser)
    with pytest.raises(InvalidInput, match="6 assignment\\(s\\) in round 'Penilaian' are not confirmed"):
        close_round(round_, judging.organiser)
    closure = close_round(round_, judging.organiser, force=True)
    assert len(closure.not_judged) == 6 and round_.status == "closed"
    with pytest.raises(InvalidInput, match="scores can only be given while it is open"):
        save_scores(round_.assignments[0], round_.assignments[0].judge, {judging.criteria(round_)[0]: 1})


def test_rounds_open_in_order_and_only_while_judging(app):
    judging = Judging(phase="verification")
    first = judging.round(name="Dokumen")
    second = judging.round(name="Presentasi")
    with pytest.raises(InvalidInput) as invalid:
        open_round(second, judging.organiser)
    assert invalid.value.problems == [
        f"{judging.competition.name} is in phase 'verification', not judging",
        "round 'Dokumen' must be closed first"]
    assert first.status == "setup"


def test_judging_closes_only_when_every_round_is_closed(judging):
    from competition.competitions.operations import change_competition_phase
    from workflows import TriggerRefused

    round_ = judging.round(judges_per_entry=1)
    with pytest.raises(TriggerRefused, match="judging round\\(s\\) Penilaian are not closed yet"):
        change_competition_phase(judging.competition, "close_judging", judging.organiser)
    assign_automatically(round_, judging.organiser)
    open_round(round_, judging.organiser)
    close_round(round_, judging.organiser, force=True)
    change_competition_phase(judging.competition, "close_judging", judging.organiser)
    assert judging.competition.phase == "results"


def test_a_round_s_settings_change_only_while_it_is_set_up(judging):
    round_ = judging.round(name="Presentasi")
    settings = {"name": "Presentasi", "blind": True, "aggregation": "trimmed_mean", "normalise": True,
                "advancement": "top_n", "advancement_count": 5, "advancement_min_score": 70.0, "weight": 2.0,
                "judges_per_entry": 4, "judge_cap": None}
    update_round(round_, judging.organiser, **settings)
    # A minimum score only belongs to the min_score rule, so it is not kept for a top N.
    assert (round_.blind, round_.aggregation, round_.advancement_count, round_.advancement_min_score,
            round_.judges_per_entry) == (True, "trimmed_mean", 5, None, 4)
    with pytest.raises(InvalidInput) as invalid:
        update_round(round_, judging.organiser, **{**settings, "advancement_count": 0, "weight": 0})
    assert invalid.value.problems == ["advancement_count: top N needs a number of entries above zero",
                                      "weight: must be above zero"]
    open_round(round_, judging.organiser)
    with pytest.raises(InvalidInput, match="round 'Presentasi' is open; its set-up can no longer change"):
        update_round(round_, judging.organiser, **{**settings, "judges_per_entry": 2})
    db.session.refresh(round_)
    assert round_.judges_per_entry == 4 and round_.weight == 2.0


def test_rubrics_and_marks_are_decimals_of_at_most_four_places_that_add_up_exactly(judging):
    """A weight of 0.00004 counted as nothing, a mark of 85.12345 was read as 85.1234, and maxima
    such as 99.9999, 99.9997 and 99.9993 made a sheet's points overflow 64 bits: refused, each
    with the field named."""
    round_ = judging.round(name="Uji", judges_per_entry=1)
    with pytest.raises(InvalidInput, match="weight: at most 4 decimal places"):
        add_criterion(round_, judging.organiser, name="Sangat ringan", weight=0.00004)
    add_criterion(round_, judging.organiser, name="K1", weight=1, max_value=99.9999, step=None)
    with pytest.raises(InvalidInput, match="cannot be added up exactly"):
        add_criterion(round_, judging.organiser, name="K2", weight=1, max_value=99.9997, step=None)
    add_criterion(round_, judging.organiser, name="K2", weight=1, max_value=100, step=None)
    from competition.judging.scoring import value_problem

    free = add_criterion(round_, judging.organiser, name="Nilai bebas", weight=1, step=0.0001)
    assert value_problem(free, 85.12345) == "Nilai bebas: 85.1235 has more than 4 decimal places"
    assert value_problem(free, 85.1234) is None

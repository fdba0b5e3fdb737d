"""Results against the database: preview, seal, verify, publish, versions and tie decisions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select, update

from competition.competitions.operations import change_competition_phase
from competition.errors import InvalidInput
from competition.extensions import db
from competition.judging.operations import (
    add_criterion,
    add_round,
    apply_rubric_template,
    assign_judge,
    create_panel,
)
from competition.judging.rounds import close_round, open_round
from competition.judging.scoring import confirm_scores, save_scores
from competition.judging.sheets import round_spec
from competition.models import Entry, ResultSet, Score
from competition.ranking.agreement import sealed_annex
from competition.ranking.awards import AwardSpec
from competition.ranking.bands import IID_BANDS
from competition.ranking.exact import exact, text
from competition.ranking.results import (
    CompetitionInputs,
    EntryFacts,
    ScoreSheet,
    compute_results,
    inputs_to_data,
    results_to_data,
    seal_hash,
    summarise,
)
from competition.results.operations import (
    add_award,
    build_inputs,
    preview_results,
    publish_results,
    record_tie_decision,
    seal_results,
    verify_result_set,
)
from competition.results.queries import entry_result
from competition.results.standings import award_standings
from tests.factories import make_competition, make_entry, make_organisation, make_user
from tests.judging.test_operations import Judging

SUBMITTED = datetime(2026, 5, 4, 2, 30, tzinfo=UTC)


class Scored(Judging):
    """Judging with one IGA round; each entry is scored by judges 1 and 2 with these values."""

    VALUES = {  # entry number -> (judge 1's values, judge 2's values); totals in comments
        1: ([80, 70, 90, 60, 100], [90, 80, 80, 70, 90]),   # 78.5, 82.5 -> 80.5
        2: ([60] * 5, [70] * 5),                            # 65
        3: ([85] * 5, [85] * 5),                            # 85
        4: ([50] * 5, [60] * 5),                            # 55
        5: ([95] * 5, [85] * 5),                            # 90
        6: ([40] * 5, [30] * 5),                            # 35
    }

    def __init__(self):
        super().__init__()
        for number, entry in enumerate(self.entries, start=1):
            entry.submitted_at = entry.first_submitted_at = SUBMITTED + timedelta(hours=number)
        db.session.commit()
        self.presentation = self.round(name="Presentasi", judges_per_entry=2)
        for entry in self.entries:
            for judge in self.judges[:2]:
                assign_judge(self.presentation, entry, judge, self.organiser)
        open_round(self.presentation, self.organiser)

    def score(self, numbers=VALUES):
        for assignment in list(self.presentation.assignments):
            number = self.entries.index(assignment.entry) + 1
            if number not in numbers:
                continue
            values = self.VALUES[number][self.judges.index(assignment.judge)]
            save_scores(assignment, assignment.judge,
                        dict(zip(self.criteria(self.presentation), values, strict=True)))
            confirm_scores(assignment, assignment.judge)

    def finish(self):
        self.score()
        close_round(self.presentation, self.organiser)
        change_competition_phase(self.competition, "close_judging", self.organiser)


@pytest.fixture
def scored(app):
    return Scored()


def table(results):
    return [(r.entry_id, str(r.score), r.place, r.band) for r in results.entries]


def test_preview_follows_the_scores_as_they_come(scored):
    scored.score({1: None, 2: None})
    e = [x.id for x in scored.entries]
    assert table(preview_results(scored.competition)) == [
        (e[0], "80.50", 1, "Sangat Inovatif"), (e[1], "65.00", 2, "Inovatif")]   # IID 2026: above 65.00
    scored.score({3: None})
    assert [r.entry_id for r in preview_results(scored.competition).entries] == [e[2], e[0], e[1]]


def test_the_default_award_ranks_opds(scored):
    scored.finish()
    [award] = preview_results(scored.competition).awards
    # Index policy: Σ/max(3, n) + 1 per innovation.
    # Kominfo 85 + 55 -> 140/3 + 2 = 48.67; DPMPTSP 90 + 35 -> 125/3 + 2 = 43.67;
    # Dinkes 80.5 -> 80.5/3 + 1 = 27.83; Puskesmas 65 -> 65/3 + 1 = 22.67.
    assert [(r.subject_id, str(r.score), r.position) for r in award.rows] == [
        (scored.kominfo.id, "48.67", 1), (scored.dpmptsp.id, "43.67", 2), (scored.dinkes.id, "27.83", 3),
        (scored.puskesmas.id, "22.67", 4)]


def test_sealing_waits_for_the_results_phase_and_finished_judging(scored):
    with pytest.raises(InvalidInput, match="phase 'judging'"):
        seal_results(scored.competition, scored.organiser)
    scored.score({1: None})
    close_round(scored.presentation, scored.organiser, force=True)
    change_competition_phase(scored.competition, "close_judging", scored.organiser)
    assert seal_results(scored.competition, scored.organiser).version == 1


def expected_inputs(scored: Scored) -> tuple[CompetitionInputs, list[ScoreSheet]]:
    """The same inputs written out in Python, with no database involved, and the raw scores."""
    criteria = scored.criteria(scored.presentation)
    sheets = []
    for number, entry in enumerate(scored.entries, start=1):
        for index, judge in enumerate(scored.judges[:2]):
            sheets.append(ScoreSheet(round_id=scored.presentation.id, entry_id=entry.id, judge_id=judge.id,
                                     values=dict(zip(criteria, map(float, Scored.VALUES[number][index]),
                                                     strict=True))))
    return CompetitionInputs(
        rounds=(round_spec(scored.presentation),),
        sheets=summarise(sheets, (round_spec(scored.presentation),)),
        entries=tuple(EntryFacts(id=e.id, organisation_id=e.organisation_id,
                                 region_id=scored.competition.region_id, category_id=None,
                                 submitted_at=(SUBMITTED + timedelta(hours=n)).timestamp())
                      for n, e in enumerate(scored.entries, start=1)),
        awards=(AwardSpec(id=scored.competition.awards[0].id, name="OPD Terinovatif"),),
        bands=IID_BANDS,
    ), sheets


def test_sealed_hash_is_the_hash_of_the_inputs_whatever_the_database(scored):
    scored.finish()
    result_set = seal_results(scored.competition, scored.organiser)
    inputs, raw = expected_inputs(scored)
    data = inputs_to_data(inputs)
    data["scores"] = [[s.round_id, s.entry_id, s.judge_id,
                       {str(c): text(exact(v)) for c, v in s.values.items()}]
                      for s in sorted(raw, key=lambda s: (s.round_id, s.entry_id, s.judge_id))]
    sealed = {"competition_id": scored.competition.id, "version": 1, "sealed_by_id": scored.organiser.id,
              "sealed_at": result_set.sealed_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")}
    # The rows, and the judge-agreement annex worked out from the same stored inputs.
    results = {**results_to_data(compute_results(inputs)), "agreement": sealed_annex(data)}
    assert result_set.sha256 == seal_hash(data, results, sealed)
    assert (result_set.version, result_set.status, result_set.sealed_by_id) == (
        1, "sealed", scored.organiser.id)
    assert verify_result_set(result_set) == []


def test_verify_finds_scores_that_do_not_match_their_summaries(scored):
    scored.finish()
    result_set = seal_results(scored.competition, scored.organiser)
    inputs = dict(result_set.inputs)
    first = inputs["scores"][0]
    criterion = next(iter(first[3]))
    inputs["scores"] = [[*first[:3], dict(first[3], **{criterion: text(exact(first[3][criterion]) - 10)})],
                        *inputs["scores"][1:]]
    db.session.execute(update(ResultSet).where(ResultSet.id == result_set.id).values(inputs=inputs))
    db.session.commit()
    db.session.expire_all()
    problems = verify_result_set(db.session.get(ResultSet, result_set.id))
    assert problems[1] == (f"the summary of judge {first[2]} for innovation {first[1]} in round {first[0]} "
                           "does not follow from the stored scores")


def test_verify_names_tampered_rows_and_inputs(scored):
    scored.finish()
    result_set = seal_results(scored.competition, scored.organiser)
    results = result_set.results
    first = results["entries"][0]
    tampered = dict(results, entries=[dict(first, score="99.00"), *results["entries"][1:]])
    db.session.execute(update(ResultSet).where(ResultSet.id == result_set.id).values(results=tampered))
    db.session.commit()
    db.session.expire_all()
    problems = verify_result_set(db.session.get(ResultSet, result_set.id))
    assert problems[0].startswith("the stored version (its inputs, rows, competition, number, who sealed it "
                                  "and when) hashes to ")
    assert problems[1] == (f"innovation {first['entry_id']}: sealed place 1 score 99.00, "
                           f"recomputed place 1 score {first['score']}")


def test_a_change_after_sealing_is_a_new_version_and_the_old_one_stays(scored):
    scored.finish()
    first = seal_results(scored.competition, scored.organiser)
    add_award(scored.competition, scored.organiser, name="Inovasi Terbaik", subject="innovation", positions=3)
    second = seal_results(scored.competition, scored.organiser)
    assert (first.version, second.version) == (1, 2)
    assert first.sha256 != second.sha256
    assert len(db.session.get(ResultSet, first.id).results["awards"]) == 1
    with pytest.raises(InvalidInput, match="version 1 is not the latest sealed version; publish version 2"):
        publish_results(first, scored.organiser)


def test_publishing_awards_the_winning_innovations(scored):
    scored.finish()
    add_award(scored.competition, scored.organiser, name="Inovasi Terbaik", subject="innovation", positions=1)
    result_set = seal_results(scored.competition, scored.organiser)
    winners = publish_results(result_set, scored.organiser)
    statuses = {e.title: e.status for e in db.session.scalars(select(Entry))}
    # OPD Terinovatif: Kominfo, DPMPTSP, Dinkes, Puskesmas all within positions 1–5, so all their
    # innovations; the best innovation (Inovasi 5, DPMPTSP) is then passed over in the second award
    # since DPMPTSP already holds a position, and Inovasi 3 (Kominfo) likewise: no second winner.
    assert sorted(statuses.values()) == ["awarded"] * 6
    assert len(winners) == 6
    assert result_set.status == "published" and result_set.published_by_id == scored.organiser.id
    with pytest.raises(InvalidInput, match="already published"):
        publish_results(result_set, scored.organiser)


def test_award_standings_name_the_opds_and_every_innovation_that_counted(scored):
    """An OPD's place comes from all its innovations: each is listed with its score, best first,
    and no single innovation is named as if it alone had won."""
    scored.finish()
    result_set = seal_results(scored.competition, scored.organiser)
    standings = award_standings(result_set, scored.competition.awards[0].id)
    assert [(s.position, s.subject, s.innovation, [(i.title, str(i.score)) for i in s.innovations])
            for s in standings] == [
        (1, "Dinas Komunikasi dan Informatika", "", [("Inovasi 3", "85.00"), ("Inovasi 4", "55.00")]),
        (2, "DPMPTSP", "", [("Inovasi 5", "90.00"), ("Inovasi 6", "35.00")]),
        (3, "Dinas Kesehatan", "", [("Inovasi 1", "80.50")]),
        (4, "Puskesmas Ngletih", "", [("Inovasi 2", "65.00")])]


def test_the_organiser_settles_a_tie_no_rule_can(app):
    competition = make_competition(phase="judging")
    organiser = make_user(competition, "organiser")
    judge = make_user(competition, "judge")
    a, b = make_organisation(competition.region, "Dinas A"), make_organisation(competition.region, "Dinas B")
    entries = [make_entry(competition, org, status="verified", submitted_at=SUBMITTED) for org in (a, b)]
    round_ = add_round(competition, organiser, name="Presentasi", judges_per_entry=1)
    apply_rubric_template(round_, organiser)
    create_panel(round_, organiser, name="Tim", judges=[judge])
    for entry in entries:
        assignment = assign_judge(round_, entry, judge, organiser)
        if round_.status == "setup":
            open_round(round_, organiser)
        save_scores(assignment, judge, {c.id: 70 for c in round_.criteria})
        confirm_scores(assignment, judge)
    [award] = competition.awards
    rows = preview_results(competition).awards[0].rows
    assert [(r.place, r.shared) for r in rows] == [(1, True), (1, True)]
    record_tie_decision(award, organiser, [b.id, a.id], "Keputusan rapat pleno dewan juri 12 Desember")
    rows = preview_results(competition).awards[0].rows
    assert [(r.subject_id, r.place, r.separated_by) for r in rows] == [
        (b.id, 1, "organiser_decision"), (a.id, 2, "organiser_decision")]
    with pytest.raises(InvalidInput, match="reason: record why"):
        record_tie_decision(award, organiser, [a.id, b.id], "")


class SmallRubric:
    """Two OPDs' innovations, Si-Sehat (Dinas Kesehatan) and Sekolah Pintar (Dinas Pendidikan),
    judged by two judges on a rubric of two criteria, Kebaharuan (weight 3) and Kemanfaatan
    (weight 1), both 0–100. The competition's one award, OPD Terinovatif, has one position."""

    def __init__(self):
        self.competition = make_competition(phase="judging")
        region = self.competition.region
        self.dinkes = make_organisation(region, "Dinas Kesehatan")
        self.disdik = make_organisation(region, "Dinas Pendidikan")
        self.organiser = make_user(self.competition, "organiser", name="Panitia Bappeda")
        self.judges = [make_user(self.competition, "judge", name=f"Juri {i}") for i in (1, 2)]
        self.operator = make_user(self.competition, "submitter", organisation=self.dinkes,
                                  name="Operator Dinkes")
        self.si_sehat = make_entry(self.competition, self.dinkes, status="verified", title="Si-Sehat",
                                   submitted_at=SUBMITTED)
        self.pintar = make_entry(self.competition, self.disdik, status="verified", title="Sekolah Pintar",
                                 submitted_at=SUBMITTED + timedelta(hours=1))
        self.competition.awards[0].positions = 1
        db.session.commit()

    def round(self, name, weight=1.0):
        round_ = add_round(self.competition, self.organiser, name=name, weight=weight, judges_per_entry=2)
        add_criterion(round_, self.organiser, name="Kebaharuan", weight=3)
        add_criterion(round_, self.organiser, name="Kemanfaatan", weight=1)
        create_panel(round_, self.organiser, name="Tim penilai", judges=self.judges)
        return round_

    def judge(self, round_, values):
        """``values``: entry -> (judge 1's values, judge 2's values), in criterion order."""
        for entry in values:
            for judge in self.judges:
                assign_judge(round_, entry, judge, self.organiser)
        open_round(round_, self.organiser)
        criteria = [c.id for c in round_.criteria]
        for assignment in list(round_.assignments):
            given = values[assignment.entry][self.judges.index(assignment.judge)]
            save_scores(assignment, assignment.judge, dict(zip(criteria, given, strict=True)))
            confirm_scores(assignment, assignment.judge)
        close_round(round_, self.organiser)

    def one_round(self):
        """Si-Sehat: judge 1 gives 80 and 60, judge 2 gives 70 and 100. Sekolah Pintar: judge 1
        gives 50 and 50, judge 2 gives 60 and 40."""
        self.judge(self.round("Presentasi"), {self.si_sehat: ([80, 60], [70, 100]),
                                              self.pintar: ([50, 50], [60, 40])})

    def seal(self, *, publish=True):
        change_competition_phase(self.competition, "close_judging", self.organiser)
        result_set = seal_results(self.competition, self.organiser)
        if publish:
            publish_results(result_set, self.organiser)
        return result_set


@pytest.fixture
def rubric(app):
    return SmallRubric()


def test_an_innovations_result_with_its_score_per_criterion(rubric):
    rubric.one_round()
    result_set = rubric.seal()
    result = entry_result(result_set, rubric.si_sehat.id)
    # Kebaharuan: (80 + 70) / 2 = 75; Kemanfaatan: (60 + 100) / 2 = 80.
    # Weighted: 100 × (3 × 75/100 + 1 × 80/100) / 4 = 76.25, the mean of the judges' totals
    # (3 × 80 + 60) / 4 = 75 and (3 × 70 + 100) / 4 = 77.5.
    [round_] = result.rounds
    assert [(c.name, c.weight, c.mean, c.judges, c.counts) for c in round_.criteria] == [
        ("Kebaharuan", 3, 75.0, 2, True), ("Kemanfaatan", 1, 80.0, 2, True)]
    assert (round_.name, round_.score, round_.judges) == ("Presentasi", 76.25, 2)
    assert round_.weighted_mean == Decimal("76.25")
    assert (result.score, result.place, result.ranked, result.shared) == (76.25, 1, 2, False)
    assert (result.band, result.won, result.version) == ("Sangat Inovatif", True, 1)
    # OPD Terinovatif (index): Dinkes 76.25 / 3 + 1 = 26.42, first of two and its one position.
    [award] = result.awards
    assert (award.name, award.subject, award.place, award.position, award.ranked) == (
        "OPD Terinovatif", "organisation", 1, 1, 2)
    assert award.score == Decimal("26.42")   # 76.25 / 3 + 1 = 26.4166…, shown half-up


def test_the_runner_up_did_not_win_and_its_band_follows_its_score(rubric):
    rubric.one_round()
    result = entry_result(rubric.seal(), rubric.pintar.id)
    # Kebaharuan (50 + 60) / 2 = 55, Kemanfaatan (50 + 40) / 2 = 45; 100 × (3 × .55 + .45) / 4 = 52.5.
    assert [c.mean for c in result.rounds[0].criteria] == [55.0, 45.0]
    assert (result.score, result.place, result.band, result.won) == (52.5, 2, "Inovatif", False)
    [award] = result.awards
    assert (award.place, award.position) == (2, None)


def test_several_rounds_are_broken_down_one_by_one(rubric):
    desk = rubric.round("Penilaian dokumen", weight=1)
    presentation = rubric.round("Presentasi", weight=3)
    rubric.judge(desk, {rubric.si_sehat: ([80, 60], [70, 100]), rubric.pintar: ([50, 50], [60, 40])})
    rubric.judge(presentation, {rubric.si_sehat: ([90, 90], [100, 80]),
                                rubric.pintar: ([50, 50], [50, 50])})
    result = entry_result(rubric.seal(), rubric.si_sehat.id)
    # Desk 76.25 as above. Presentation: Kebaharuan (90 + 100) / 2 = 95, Kemanfaatan (90 + 80) / 2
    # = 85; 100 × (3 × .95 + .85) / 4 = 92.5. Final: (1 × 76.25 + 3 × 92.5) / 4 = 88.4375.
    assert [(r.name, r.weight, r.score, [c.mean for c in r.criteria]) for r in result.rounds] == [
        ("Penilaian dokumen", 1, 76.25, [75.0, 80.0]), ("Presentasi", 3, 92.5, [95.0, 85.0])]
    assert result.score == Decimal("88.44")   # 88.4375, shown half-up


def test_the_breakdown_is_what_was_sealed_not_what_the_tables_say_now(rubric):
    rubric.one_round()
    result_set = rubric.seal()
    db.session.execute(update(Score).values(value=0))
    db.session.commit()
    result = entry_result(result_set, rubric.si_sehat.id)
    assert [c.mean for c in result.rounds[0].criteria] == [75.0, 80.0] and result.score == 76.25


def test_an_innovation_without_a_score_has_no_result(rubric):
    rubric.one_round()
    late = make_entry(rubric.competition, rubric.dinkes, status="submitted", title="Terlambat")
    assert entry_result(rubric.seal(), late.id) is None


def test_earlier_submission_means_the_first_submission_not_the_last(app):
    """An innovation the verifier returned for revision keeps the moment it was first submitted:
    the tie-break "earlier submission" must not put it behind one submitted later but never
    returned (it used the last resubmission)."""
    from competition.entries.operations import change_entry_status

    first = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
    competition = make_competition(
        phase="open", submission_opens_at=first - timedelta(days=1),
        submission_closes_at=first + timedelta(days=10), verification_closes_at=first + timedelta(days=20),
        judging_closes_at=first + timedelta(days=30))
    region = competition.region
    dinkes, kominfo = make_organisation(region, "Dinas Kesehatan"), make_organisation(region, "Kominfo")
    operators = {org.id: make_user(competition, "submitter", organisation=org) for org in (dinkes, kominfo)}
    verifier = make_user(competition, "verifier", organisation=make_organisation(region, "Inspektorat"))
    returned, straight = make_entry(competition, dinkes), make_entry(competition, kominfo)
    change_entry_status(returned, "submit", operators[dinkes.id], now=first)
    change_entry_status(straight, "submit", operators[kominfo.id], now=first + timedelta(days=1))
    change_entry_status(returned, "return_for_revision", verifier, comment="Lengkapi SK.",
                        now=first + timedelta(days=2))
    change_entry_status(returned, "resubmit", operators[dinkes.id], now=first + timedelta(days=3))
    for entry in (returned, straight):
        change_entry_status(entry, "verify", verifier, now=first + timedelta(days=4))

    submitted = {facts.id: facts.submitted_at for facts in build_inputs(competition).entries}
    assert submitted == {returned.id: first.timestamp(),
                         straight.id: (first + timedelta(days=1)).timestamp()}
    assert returned.submitted_at == first + timedelta(days=3)      # the last submission, as shown


def test_a_category_award_names_the_opds_innovation_in_that_category(app):
    """An OPD award limited to one category is won with that category's innovations; the
    run-sheet and certificates named the OPD's best innovation of any category ("Inovasi 3"
    of another category instead of "Inovasi 4")."""
    from types import SimpleNamespace

    from competition.results.standings import award_standings

    competition = make_competition(categories=("Tata Kelola", "Pelayanan Publik"))
    governance, service = competition.categories
    dinkes = make_organisation(competition.region, "Dinas Kesehatan")
    three = make_entry(competition, dinkes, title="Inovasi 3", category_id=governance.id, status="scored")
    four = make_entry(competition, dinkes, title="Inovasi 4", category_id=service.id, status="scored")
    facts = [{"id": e.id, "organisation_id": dinkes.id, "region_id": competition.region_id,
              "category_id": e.category_id} for e in (three, four)]
    sealed = SimpleNamespace(version=1, summary=None, inputs={
        "entries": facts,
        "awards": [{"id": 7, "name": "OPD Terinovatif Pelayanan Publik", "subject": "organisation",
                    "category_id": service.id}]}, results={
        "entries": [{"entry_id": three.id, "score": 90.0}, {"entry_id": four.id, "score": 70.0}],
        "awards": [{"award_id": 7, "rows": [{"subject_id": dinkes.id, "position": 1, "place": 1,
                                             "score": 70.0, "shared": False, "separated_by": None,
                                             "passed_over": False}]}]})
    [row] = award_standings(sealed, 7)
    assert (row.subject, [i.title for i in row.innovations]) == ("Dinas Kesehatan", ["Inovasi 4"])


def test_units_count_for_their_opd_when_the_competition_says_so(scored):
    """Puskesmas Ngletih is a unit under Dinas Kesehatan. By default (as Kota Kediri did in 2022)
    it is an entrant of its own in OPD Terinovatif (see the standings test above). With units
    rolled into their OPD its innovation counts for Dinas Kesehatan, and the sealed version
    records the rule."""
    from competition.competitions.operations import set_units_compete

    set_units_compete(scored.competition, scored.organiser, "parent")
    scored.finish()
    result_set = seal_results(scored.competition, scored.organiser)
    rolled = award_standings(result_set, scored.competition.awards[0].id)
    # Dinkes: (80.50 + 65.00) / 3 + 2 = 50.50, now first; Kominfo (85 + 55) / 3 + 2 = 48.67.
    assert [(s.position, s.subject, str(s.score), [i.title for i in s.innovations]) for s in rolled][:2] == [
        (1, "Dinas Kesehatan", "50.50", ["Inovasi 1", "Inovasi 2"]),
        (2, "Dinas Komunikasi dan Informatika", "48.67", ["Inovasi 3", "Inovasi 4"])]
    assert "Puskesmas Ngletih" not in [s.subject for s in rolled]
    assert result_set.inputs["units_compete"] == "parent"
    assert verify_result_set(result_set) == []

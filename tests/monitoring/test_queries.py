"""The organiser's monitoring figures against a small competition worked out by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from competition.extensions import db
from competition.models import (
    Assignment,
    Competition,
    Criterion,
    CriterionLevel,
    Entry,
    Membership,
    Organisation,
    Round,
    Score,
    User,
)
from competition.monitoring import queries as monitoring
from tests.factories import make_competition, make_entry, make_organisation, make_region, make_user

# 26 November 2026, 10.00 WIB.
NOW = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)
SUBMITTED = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)


class Kota:
    """Five active OPDs (A–E), a unit under A, an inactive OPD F, and in another region an OPD
    whose innovations never count here. Units count for their OPD ("parent") unless told
    otherwise; the last column is where they compete as entrants of their own ("own").

    =========  ==========================  ================  ====================  ===============
    OPD        innovations                 category          counts as ("parent")  ("own")
    =========  ==========================  ================  ====================  ===============
    A          returned                    Pelayanan Publik  submitted             submitted
    A1 (of A)  submitted                   Pelayanan Publik  submitted (for A)     submitted (A1)
    B          verified, rejected          Tata Kelola, PP   submitted ×2          submitted ×2
    C          withdrawn after submitting  Tata Kelola       none                  none
    D          draft                       —                 none, 1 in progress   the same
    E          —                                             none                  none
    F          submitted (F is inactive)   Tata Kelola       not an OPD here       the same
    =========  ==========================  ================  ====================  ===============

    Judging, one round: K1 0–100 (weight 3), K2 0–10 (weight 1), K3 levels 1–3 (independent).
    Judge totals = 100 × (3·K1/100 + 1·K2/10) / 4:

    ============  ===============================  ==============================
    innovation    judge 1                          judge 2
    ============  ===============================  ==============================
    B verified    90, 8, 3 → 87.5 (confirmed)      50, 5, 1 → 50.0 (confirmed)   spread 37.5
    A1 submitted  70, 7, 2 → 70.0 (confirmed)      60, 9, 2 → 67.5 (confirmed)   spread 2.5
    F submitted   30 saved, not confirmed (draft)  assigned, nothing saved
    A returned    —                                100, 10, 3 → 100 (confirmed)  one judge only
    ============  ===============================  ==============================

    Judge 3 holds the judge's role and has nothing assigned.
    """

    def __init__(self, units_compete: str = "parent") -> None:
        region = make_region("Kota Monitor")
        self.competition = make_competition(
            region, categories=("Tata Kelola", "Pelayanan Publik"), units_compete=units_compete,
            submission_opens_at=datetime(2026, 10, 1, 1, 0, tzinfo=UTC),
            submission_closes_at=datetime(2026, 11, 20, 9, 59, tzinfo=UTC),     # 20 Nov 16.59 WIB
            verification_closes_at=datetime(2026, 11, 26, 16, 30, tzinfo=UTC),  # 26 Nov 23.30 WIB
            judging_closes_at=datetime(2026, 11, 26, 17, 30, tzinfo=UTC),       # 27 Nov 00.30 WIB
            disagreement_threshold=20.0)
        categories = {c.name: c for c in self.competition.categories}
        tata, pelayanan = categories["Tata Kelola"], categories["Pelayanan Publik"]
        self.a = make_organisation(region, "Dinas A")
        self.a1 = make_organisation(region, "UPT A1", parent=self.a)
        self.b = make_organisation(region, "Dinas B")
        self.c = make_organisation(region, "Dinas C")
        self.d = make_organisation(region, "Dinas D")
        self.e = make_organisation(region, "Dinas E")
        self.f = make_organisation(region, "Dinas F")
        self.f.active = False
        db.session.commit()
        elsewhere = make_competition(categories=())
        make_entry(elsewhere, make_organisation(elsewhere.region, "Dinas Tetangga"), status="submitted")

        def entry(organisation: Organisation, status: str, category) -> Entry:
            return make_entry(self.competition, organisation, status=status, category=category,
                              submitted_at=None if status == "draft" else SUBMITTED)

        self.a_returned = entry(self.a, "returned", pelayanan)
        self.a1_submitted = entry(self.a1, "submitted", pelayanan)
        self.b_verified = entry(self.b, "verified", tata)
        self.b_rejected = entry(self.b, "rejected", pelayanan)
        self.c_withdrawn = entry(self.c, "withdrawn", tata)
        self.d_draft = entry(self.d, "draft", None)
        self.f_submitted = entry(self.f, "submitted", tata)

        self.judge1 = make_user(self.competition, "judge", name="Juri Satu")
        self.judge2 = make_user(self.competition, "judge", name="Juri Dua")
        self.judge3 = make_user(self.competition, "judge", name="Juri Tiga")
        self.round = Round(competition=self.competition, position=1, name="Presentasi", status="open")
        self.k1 = Criterion(round=self.round, position=1, name="Kebaharuan", weight=3, min_value=0,
                            max_value=100, step=1)
        self.k2 = Criterion(round=self.round, position=2, name="Kemanfaatan", weight=1, min_value=0,
                            max_value=10, step=1)
        self.k3 = Criterion(round=self.round, position=3, name="Video", weight=0, independent=True,
                            scale="levels", min_value=1, max_value=3, step=None)
        self.k3.levels = [CriterionLevel(value=1, label="Tidak ada"), CriterionLevel(value=2, label="Ada"),
                          CriterionLevel(value=3, label="Lengkap")]
        db.session.add(self.round)
        db.session.commit()
        self.sheet(self.b_verified, self.judge1, (90, 8, 3), confirmed=True)
        self.sheet(self.b_verified, self.judge2, (50, 5, 1), confirmed=True)
        self.sheet(self.a1_submitted, self.judge1, (70, 7, 2), confirmed=True)
        self.sheet(self.a1_submitted, self.judge2, (60, 9, 2), confirmed=True)
        self.sheet(self.f_submitted, self.judge1, (30,), confirmed=False)
        self.sheet(self.f_submitted, self.judge2, (), confirmed=False)
        self.sheet(self.a_returned, self.judge2, (100, 10, 3), confirmed=True)

    def sheet(self, entry: Entry, judge: User, values: tuple[float, ...], *, confirmed: bool) -> None:
        assignment = Assignment(round=self.round, entry=entry, judge=judge,
                                status="confirmed" if confirmed else "open",
                                confirmed_at=NOW - timedelta(days=1) if confirmed else None)
        criteria = (self.k1, self.k2, self.k3)[:len(values)]
        assignment.scores = [Score(criterion=c, value=v) for c, v in zip(criteria, values, strict=True)]
        db.session.add(assignment)
        db.session.commit()


@pytest.fixture
def kota(app) -> Kota:
    return Kota()


@pytest.fixture
def kota_own(app) -> Kota:
    """The same competition, where units compete as entrants of their own."""
    return Kota(units_compete="own")


def test_innovations_by_category_and_status(kota):
    figure = monitoring.entries_by_category_and_status(kota.competition)
    assert [r.category for r in figure.rows] == ["Pelayanan Publik", "Tata Kelola", None]
    counts = [{s: n for s, n in r.counts.items() if n} for r in figure.rows]
    assert counts == [{"submitted": 1, "returned": 1, "rejected": 1},
                      {"verified": 1, "withdrawn": 1, "submitted": 1},
                      {"draft": 1}]
    assert [r.total for r in figure.rows] == [3, 3, 1]
    assert figure.total == 7
    assert figure.totals["submitted"] == 2 and figure.totals["awarded"] == 0
    assert list(figure.rows[0].counts) == list(figure.statuses)  # every status, in workflow order


def test_a_competition_without_categories_shows_one_row_even_when_empty(app):
    competition = make_competition()
    figure = monitoring.entries_by_category_and_status(competition)
    assert [(r.category, r.total) for r in figure.rows] == [(None, 0)]


def test_opd_participation_counts_units_under_an_opd_and_not_withdrawn_or_drafts(kota):
    figure = monitoring.opd_participation(kota.competition)
    assert figure.units_compete == "parent" and figure.units_entered == 0
    assert [(o.name, o.submitted, o.in_progress, o.withdrawn) for o in figure.opds] == [
        ("Dinas A", 2, 0, 0),   # its own returned innovation and its UPT's
        ("Dinas B", 2, 0, 0),
        ("Dinas C", 0, 0, 1),   # withdrawn only: none
        ("Dinas D", 0, 1, 0),   # a draft only: none
        ("Dinas E", 0, 0, 0),
    ]                           # UPT A1 is no OPD of its own; Dinas F is inactive
    assert figure.total == 5
    assert [o.name for o in figure.taking_part] == ["Dinas A", "Dinas B"]
    assert [o.name for o in figure.without_innovation] == ["Dinas C", "Dinas D", "Dinas E"]
    assert figure.without_but_started == 1
    assert figure.share == pytest.approx(0.4)


def test_where_units_compete_on_their_own_a_unit_that_entered_is_an_entrant_not_its_opds(kota_own):
    figure = monitoring.opd_participation(kota_own.competition)
    assert figure.units_compete == "own"
    assert [(o.name, o.part_of, o.submitted, o.in_progress, o.withdrawn) for o in figure.opds] == [
        ("Dinas A", None, 1, 0, 0),        # its own returned innovation only
        ("UPT A1", "Dinas A", 1, 0, 0),    # an entrant of its own, shown under its OPD
        ("Dinas B", None, 2, 0, 0),
        ("Dinas C", None, 0, 0, 1),
        ("Dinas D", None, 0, 1, 0),
        ("Dinas E", None, 0, 0, 0),
    ]
    assert figure.total == 6 and figure.units_entered == 1
    assert [o.name for o in figure.taking_part] == ["Dinas A", "UPT A1", "Dinas B"]
    assert [o.name for o in figure.without_innovation] == ["Dinas C", "Dinas D", "Dinas E"]
    assert figure.share == pytest.approx(0.5)


def test_the_rule_decides_where_deep_units_and_units_without_a_submission_count(kota):
    """Pustu A1a sits two levels below Dinas A and has submitted; UPT E1 has a draft only and
    Bidang B1 a withdrawn innovation only: units that never entered."""
    region = kota.competition.region
    a1a = make_organisation(region, "Pustu A1a", parent=kota.a1)
    e1 = make_organisation(region, "UPT E1", parent=kota.e)
    b1 = make_organisation(region, "Bidang B1", parent=kota.b)
    make_entry(kota.competition, a1a, status="submitted", submitted_at=SUBMITTED)
    make_entry(kota.competition, e1, status="draft")
    make_entry(kota.competition, b1, status="withdrawn", submitted_at=SUBMITTED)

    rolled = monitoring.opd_participation(kota.competition)
    assert [(o.name, o.part_of, o.submitted, o.in_progress, o.withdrawn) for o in rolled.opds] == [
        ("Dinas A", None, 3, 0, 0), ("Dinas B", None, 2, 0, 1), ("Dinas C", None, 0, 0, 1),
        ("Dinas D", None, 0, 1, 0), ("Dinas E", None, 0, 1, 0)]
    assert rolled.without_but_started == 2 and rolled.units_entered == 0

    kota.competition.units_compete = "own"
    db.session.commit()
    own = monitoring.opd_participation(kota.competition)
    assert [(o.name, o.part_of, o.submitted, o.in_progress, o.withdrawn) for o in own.opds] == [
        ("Dinas A", None, 1, 0, 0), ("Pustu A1a", "Dinas A", 1, 0, 0), ("UPT A1", "Dinas A", 1, 0, 0),
        ("Dinas B", None, 2, 0, 0), ("Dinas C", None, 0, 0, 1), ("Dinas D", None, 0, 1, 0),
        ("Dinas E", None, 0, 0, 0)]   # UPT E1 and Bidang B1 never entered; not their OPD's either
    assert [o.name for o in own.without_innovation] == ["Dinas C", "Dinas D", "Dinas E"]
    assert own.without_but_started == 1 and own.units_entered == 2
    target = monitoring.target_progress(kota.competition, own)
    assert (target.opds, target.opds_taking_part, target.submitted_innovations) == (7, 4, 6)


def test_target_counts_every_entrant_where_units_compete_on_their_own(kota_own):
    target = monitoring.target_progress(kota_own.competition,
                                        monitoring.opd_participation(kota_own.competition))
    assert (target.opds, target.opds_taking_part, target.submitted_innovations) == (6, 3, 5)
    assert target.opd_share == pytest.approx(0.5)
    assert target.innovations_per_opd == pytest.approx(5 / 6)
    assert not target.reached


def test_target_one_opd_one_innovation(kota):
    target = monitoring.target_progress(kota.competition, monitoring.opd_participation(kota.competition))
    # Submitted: A returned, A1, B verified, B rejected, F (inactive OPD, still an innovation) = 5.
    assert (target.opds, target.opds_taking_part, target.submitted_innovations) == (5, 2, 5)
    assert target.opd_share == pytest.approx(0.4)
    assert target.innovations_per_opd == pytest.approx(1.0)
    assert not target.reached


def test_judge_progress(kota):
    progress = monitoring.judge_progress(kota.competition)
    assert [(j.name, j.assigned, j.confirmed, j.draft, j.not_started) for j in progress] == [
        ("Juri Dua", 4, 3, 0, 1),
        ("Juri Satu", 3, 2, 1, 0),
        ("Juri Tiga", 0, 0, 0, 0),
    ]
    assert progress[0].share_confirmed == pytest.approx(0.75)
    assert progress[2].share_confirmed == 0


def test_score_distribution_per_criterion_counts_confirmed_scores_in_bins(kota):
    histograms = monitoring.score_distributions(kota.competition)
    assert [h.name for h in histograms] == ["Kebaharuan", "Kemanfaatan", "Video"]
    k1, k2, k3 = histograms
    # K1 confirmed: 90, 50, 70, 60, 100 (the draft's 30 is left out); 100 falls in the last bin.
    assert [b.count for b in k1.bins] == [0, 0, 0, 0, 0, 1, 1, 1, 0, 2]
    assert [(b.low, b.high) for b in k1.bins][:2] == [(0, 10), (10, 20)]
    assert k1.bins[-1].high == 100
    # K2 confirmed: 8, 5, 7, 9, 10 on 0–10.
    assert [b.count for b in k2.bins] == [0, 0, 0, 0, 0, 1, 0, 1, 1, 2]
    # K3 is levelled: one bin per level, 3, 1, 2, 2, 3.
    assert [(b.label, b.count) for b in k3.bins] == [("Tidak ada", 1), ("Ada", 2), ("Lengkap", 2)]
    assert (k1.count, k2.count, k3.count) == (5, 5, 5)


@pytest.mark.parametrize(("value", "low", "high", "expected"), [
    (0, 0, 100, 0), (9.99, 0, 100, 0), (10, 0, 100, 1), (30, 0, 100, 3), (100, 0, 100, 9),
    (0.3, 0, 1, 3), (0.7, 0, 1, 7), (1, 1, 3, 0), (2, 1, 3, 5), (3, 1, 3, 9),
])
def test_bins_take_a_value_on_an_edge_into_the_bin_above(value, low, high, expected):
    assert monitoring._bin_index(value, low, high, 10) == expected


def test_disagreements_above_the_threshold_with_each_judges_total(kota):
    figure = monitoring.disagreements(kota.competition)
    assert (figure.threshold, figure.compared, figure.above_threshold) == (20.0, 2, 1)
    [row] = figure.rows
    assert (row.title, row.organisation, row.round_name) == (kota.b_verified.title, "Dinas B", "Presentasi")
    assert [(t.name, t.total) for t in row.totals] == [("Juri Satu", 87.5), ("Juri Dua", 50.0)]
    assert row.spread == pytest.approx(37.5)


def test_a_lower_threshold_lists_more_largest_spread_first_and_only_the_top(kota):
    kota.competition.disagreement_threshold = 2.0
    db.session.commit()
    figure = monitoring.disagreements(kota.competition)
    assert [round(r.spread, 2) for r in figure.rows] == [37.5, 2.5]
    assert len(monitoring.disagreements(kota.competition, limit=1).rows) == 1
    kota.competition.disagreement_threshold = 37.5  # "above" the threshold: equal is not enough
    db.session.commit()
    assert monitoring.disagreements(kota.competition).rows == []


def test_days_left_are_counted_between_dates_in_wib(kota):
    deadlines = monitoring.deadlines(kota.competition, NOW, "Asia/Jakarta")
    assert [(d.key, d.days_left) for d in deadlines] == [
        ("submission_closes_at", -6),     # 20 November, passed
        ("verification_closes_at", 0),    # today, 23.30 WIB
        ("judging_closes_at", 1),         # 27 November 00.30 WIB, still the 26th in UTC
    ]
    # Late in the evening in WIB it is already the next day.
    late = datetime(2026, 11, 26, 17, 0, tzinfo=UTC)   # 27 November 00.00 WIB
    assert [d.days_left for d in monitoring.deadlines(kota.competition, late)] == [-7, -1, 0]


def test_the_dashboard_holds_every_figure(kota):
    figures = monitoring.dashboard(kota.competition, now=NOW)
    assert figures.target.opds_taking_part == 2
    assert len(figures.scores) == 3 and len(figures.disagreements.rows) == 1
    assert [d.days_left for d in figures.deadlines] == [-6, 0, 1]
    assert [r.name for r in figures.rounds] == ["Presentasi"]


def test_judges_who_lost_their_role_still_show_their_assignments(kota):
    db.session.query(Membership).filter(Membership.user_id == kota.judge1.id).delete()
    db.session.commit()
    names = [j.name for j in monitoring.judge_progress(kota.competition)]
    assert names == ["Juri Dua", "Juri Satu", "Juri Tiga"]


def test_an_empty_competition(app):
    competition: Competition = make_competition()
    figures = monitoring.dashboard(competition, now=NOW)
    assert figures.participation.total == 0 and figures.participation.share == 0
    assert figures.target.opd_share == 0 and figures.target.innovations_per_opd == 0
    assert figures.judges == [] and figures.scores == []
    assert figures.disagreements.rows == [] and figures.disagreements.compared == 0

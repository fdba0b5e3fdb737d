"""Competitions: set-up and phase changes through the competition workflow."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from competition.competitions.operations import change_competition_phase, create_competition
from competition.errors import InvalidInput
from competition.extensions import db
from competition.models import Competition, CompetitionEvent
from tests.factories import (
    force_status,
    make_competition,
    make_entry,
    make_organisation,
    make_region,
    make_user,
)
from workflows import TriggerRefused

T0 = datetime(2026, 3, 1, 1, 0, tzinfo=UTC)


def timeline(**overrides):
    values = {"submission_opens_at": T0, "submission_closes_at": T0 + timedelta(days=30),
              "verification_closes_at": T0 + timedelta(days=45), "judging_closes_at": T0 + timedelta(days=60)}
    values.update(overrides)
    return values


def test_create_competition_starts_in_setup(app):
    region = make_region("Kota Kediri")
    competition = create_competition(name="Lomba Inovasi Daerah", year=2026, region=region,
                                     categories=["Pelayanan Publik", "Tata Kelola"], **timeline())
    assert competition.phase == "setup"
    assert [c.name for c in competition.categories] == ["Pelayanan Publik", "Tata Kelola"]


def test_bad_timeline_is_refused_with_each_problem(app):
    region = make_region()
    with pytest.raises(InvalidInput) as invalid:
        create_competition(name=" ", year=1990, region=region, categories=["A", "A"], **timeline(
            submission_closes_at=T0 - timedelta(days=1), judging_closes_at=T0))
    assert invalid.value.problems == [
        "name: must not be empty",
        "year: 1990 is not a plausible competition year",
        "submission_closes_at: must be after submission opens",
        "judging_closes_at: must not be before verification closes",
        "categories: names must be non-empty and different",
    ]
    assert db.session.scalar(select(func.count()).select_from(Competition)) == 0


def test_same_name_and_year_in_one_region_is_refused(app):
    region = make_region()
    create_competition(name="Lomba", year=2026, region=region, **timeline())
    with pytest.raises(InvalidInput, match="already has a competition called 'Lomba' in 2026"):
        create_competition(name="Lomba", year=2026, region=region, **timeline())


def test_phases_move_in_order_with_audit(app):
    competition = make_competition(phase="setup")
    organiser = make_user(competition, "organiser")
    for trigger, phase in [("open_submissions", "open"), ("close_submissions", "verification"),
                           ("start_judging", "judging"), ("close_judging", "results"),
                           ("close_competition", "closed")]:
        change_competition_phase(competition, trigger, organiser)
        assert competition.phase == phase
    events = db.session.scalars(select(CompetitionEvent).order_by(CompetitionEvent.id)).all()
    assert [(e.from_phase, e.to_phase, e.actor_id) for e in events] == [
        ("setup", "open", organiser.id), ("open", "verification", organiser.id),
        ("verification", "judging", organiser.id), ("judging", "results", organiser.id),
        ("results", "closed", organiser.id)]


def test_only_organisers_change_phases(app):
    competition = make_competition(phase="setup")
    verifier = make_user(competition, "verifier")
    with pytest.raises(TriggerRefused, match="needs the role organiser"):
        change_competition_phase(competition, "open_submissions", verifier)
    assert competition.phase == "setup"


def test_judging_waits_for_verification(app):
    competition = make_competition(phase="verification")
    organiser = make_user(competition, "organiser")
    organisation = make_organisation(competition.region)
    make_entry(competition, organisation, status="submitted")
    make_entry(competition, organisation, status="submitted")
    with pytest.raises(TriggerRefused, match="2 innovation\\(s\\) are still submitted"):
        change_competition_phase(competition, "start_judging", organiser)
    assert competition.phase == "verification"
    assert db.session.scalar(select(func.count()).select_from(CompetitionEvent)) == 0


# -- changing the set-up ----------------------------------------------------------------------------

def moments(**overrides):
    """The timeline as update_timeline takes it: T0, +30, +45 and +60 days."""
    return timeline(**overrides)


def test_the_timeline_changes_in_order_only(app):
    from competition.competitions.operations import update_timeline

    competition = make_competition(phase="setup", **timeline())
    organiser = make_user(competition, "organiser")
    with pytest.raises(InvalidInput) as invalid:
        update_timeline(competition, organiser, **moments(
            submission_closes_at=T0, verification_closes_at=T0 + timedelta(days=70)))
    assert invalid.value.problems == [
        "Submission closes must come after submission opens",
        "Judging closes must come after verification closes",
    ]
    db.session.expire_all()
    assert db.session.get(Competition, competition.id).submission_closes_at == T0 + timedelta(days=30)
    update_timeline(competition, organiser, **moments(judging_closes_at=T0 + timedelta(days=90)))
    db.session.expire_all()
    assert db.session.get(Competition, competition.id).judging_closes_at == T0 + timedelta(days=90)
    with pytest.raises(InvalidInput, match="give a date and time with its time zone"):
        update_timeline(competition, organiser, **moments(submission_opens_at=datetime(2026, 3, 1)))


def test_a_moment_whose_phase_is_over_stays_and_none_moves_into_the_past(app):
    from competition.competitions.operations import update_timeline

    competition = make_competition(phase="verification", **timeline())
    organiser = make_user(competition, "organiser")
    now = T0 + timedelta(days=40)  # submissions closed ten days ago; verification closes in five
    with pytest.raises(InvalidInput) as invalid:
        update_timeline(competition, organiser, now=now, **moments(
            submission_opens_at=T0 - timedelta(days=1), submission_closes_at=T0 + timedelta(days=31),
            verification_closes_at=T0 + timedelta(days=39)))
    assert invalid.value.problems == [
        "Submissions are already open; the opening can no longer change.",
        "Submissions are closed; their deadline can no longer change.",
        "Verification closes cannot be moved into the past while the competition runs",
    ]
    update_timeline(competition, organiser, now=now,
                    **moments(verification_closes_at=T0 + timedelta(days=50)))
    db.session.expire_all()
    assert db.session.get(Competition, competition.id).verification_closes_at == T0 + timedelta(days=50)


def test_only_organisers_change_the_timeline_and_categories(app):
    from competition.competitions.operations import add_category, update_timeline
    from competition.errors import NotPermitted

    competition = make_competition(phase="setup", **timeline())
    verifier = make_user(competition, "verifier")
    with pytest.raises(NotPermitted):
        update_timeline(competition, verifier, **moments())
    with pytest.raises(NotPermitted):
        add_category(competition, verifier, "Kesehatan")


def test_categories_change_while_innovations_can_choose_them(app):
    from competition.competitions.operations import add_category, remove_category, rename_category

    competition = make_competition(phase="open", categories=("Pelayanan Publik",))
    organiser = make_user(competition, "organiser")
    tata_kelola = add_category(competition, organiser, "  Tata Kelola ")
    assert tata_kelola.name == "Tata Kelola"
    with pytest.raises(InvalidInput, match="already has a category called 'tata kelola'"):
        add_category(competition, organiser, "tata kelola")
    with pytest.raises(InvalidInput, match="The category needs a name."):
        rename_category(tata_kelola, organiser, " ")
    used = competition.categories[0]
    make_entry(competition, make_organisation(competition.region), category=used)
    with pytest.raises(InvalidInput) as invalid:
        remove_category(used, organiser)
    assert invalid.value.problems == ["'Pelayanan Publik' is the category of 1 innovation(s)."]
    rename_category(used, organiser, "Layanan Publik")
    remove_category(tata_kelola, organiser)
    db.session.expire_all()
    assert [c.name for c in db.session.get(Competition, competition.id).categories] == ["Layanan Publik"]
    force_status(competition, "verification")
    with pytest.raises(InvalidInput, match="only be added before submissions close"):
        add_category(competition, organiser, "Kesehatan")


def test_removing_a_criterion_moves_the_later_ones_up(app):
    from competition.judging.operations import (
        add_criterion,
        add_round,
        apply_rubric_template,
        remove_criterion,
    )

    competition = make_competition(phase="setup")
    organiser = make_user(competition, "organiser")
    round_ = add_round(competition, organiser, name="Presentasi")
    criteria = apply_rubric_template(round_, organiser)
    remove_criterion(criteria[1], organiser)  # Kemanfaatan, 25
    add_criterion(round_, organiser, name="Dampak", weight=25)
    db.session.expire_all()
    assert [(c.position, c.name, c.weight) for c in db.session.get(type(round_), round_.id).criteria] == [
        (1, "Kebaharuan", 30), (2, "Replikasi dan aplikatif", 20),
        (3, "Kewenangan daerah dan kolaborasi", 15), (4, "Penguasaan materi dan penyajian", 10),
        (5, "Dampak", 25)]
    round_ = db.session.get(type(round_), round_.id)
    force_status(round_, "open")
    with pytest.raises(InvalidInput, match="its set-up can no longer change"):
        remove_criterion(round_.criteria[0], organiser)


def test_removing_an_award_moves_the_later_ones_up(app):
    from competition.models import Award
    from competition.results.operations import add_award, remove_award

    competition = make_competition(phase="setup")
    organiser = make_user(competition, "organiser")
    add_award(competition, organiser, name="Inovasi Terbaik", subject="innovation", positions=3)
    add_award(competition, organiser, name="Kecamatan Terinovatif")
    remove_award(competition.awards[0], organiser)  # OPD Terinovatif
    add_award(competition, organiser, name="Inovasi Digital", subject="innovation")
    db.session.expire_all()
    assert [(a.position, a.name) for a in db.session.scalars(
        select(Award).where(Award.competition_id == competition.id).order_by(Award.position))] == [
        (1, "Inovasi Terbaik"), (2, "Kecamatan Terinovatif"), (3, "Inovasi Digital")]
    competition = db.session.get(Competition, competition.id)
    force_status(competition, "results")
    with pytest.raises(InvalidInput, match="once judging is closed"):
        remove_award(competition.awards[0], organiser)

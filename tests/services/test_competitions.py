"""Competitions: set-up and phase changes through the competition workflow."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from competition.errors import InvalidInput
from competition.extensions import db
from competition.models import Competition, CompetitionEvent
from competition.services.competitions import change_competition_phase, create_competition
from tests.factories import make_competition, make_entry, make_organisation, make_region, make_user
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

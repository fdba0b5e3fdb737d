"""Entries against the database: creating, editing and every kind of status change."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from competition.entries.operations import (
    change_entry_status,
    create_entry,
    refusal_reasons,
    triggers_for,
    update_entry,
)
from competition.errors import ConcurrentChange, InvalidInput, NotFound, NotPermitted
from competition.extensions import db
from competition.models import Entry, EntryEvent
from competition.models.state import bypass_state_guard_for_tests
from competition.models.types import utcnow
from tests.factories import force_status, make_competition, make_entry, make_organisation, make_user, words
from workflows import Actor, TriggerRefused, UnknownTrigger


@pytest.fixture
def world(app):
    """A competition open for submissions, two OPDs, and one user per role."""
    competition = make_competition(phase="open")
    region = competition.region
    dinkes = make_organisation(region, "Dinas Kesehatan")
    kominfo = make_organisation(region, "Dinas Komunikasi dan Informatika")
    inspektorat = make_organisation(region, "Inspektorat")

    w = SimpleNamespace()
    w.competition, w.dinkes, w.kominfo = competition, dinkes, kominfo
    w.operator = make_user(competition, "submitter", organisation=dinkes, name="Operator Dinkes")
    w.other_operator = make_user(competition, "submitter", organisation=kominfo, name="Operator Kominfo")
    w.verifier = make_user(competition, "verifier", organisation=inspektorat, name="Verifikator")
    w.organiser = make_user(competition, "organiser", name="Panitia")
    return w


def events_of(entry: Entry) -> list[EntryEvent]:
    return list(db.session.scalars(select(EntryEvent).where(EntryEvent.entry_id == entry.id)
                                   .order_by(EntryEvent.id)))


def test_create_entry_makes_a_draft(world):
    entry = create_entry(world.competition, world.dinkes, world.operator, title="Posyandu Digital",
                         tahapan="uji_coba", anggaran_rupiah="1.250.000")
    assert (entry.status, entry.version, entry.anggaran_rupiah) == ("draft", 1, 1_250_000)
    assert entry.created_by_id == world.operator.id


@pytest.mark.parametrize("who", ["other_operator", "verifier", "organiser"])
def test_only_the_organisation_operator_creates_entries(world, who):
    with pytest.raises(NotPermitted, match="may not enter innovations for Dinas Kesehatan"):
        create_entry(world.competition, world.dinkes, getattr(world, who), title="X")
    assert db.session.scalar(select(func.count()).select_from(Entry)) == 0


def test_no_entries_outside_the_open_phase(world):
    force_status(world.competition, "verification")
    with pytest.raises(NotPermitted, match="phase 'verification'"):
        create_entry(world.competition, world.dinkes, world.operator, title="Terlambat")


def test_bad_fields_are_all_named_and_nothing_is_stored(world):
    with pytest.raises(InvalidInput) as invalid:
        create_entry(world.competition, world.dinkes, world.operator, title="  ", tahapan="selesai",
                     anggaran_rupiah="-5", trial_started_on="2024-13-01", warna="merah")
    assert invalid.value.problems == [
        "unknown field(s): warna",
        "title: must not be empty",
        "tahapan: 'selesai' is not one of inisiatif, uji_coba, penerapan",
        "anggaran_rupiah: must not be negative",
        "trial_started_on: '2024-13-01' is not a date (YYYY-MM-DD)",
    ]
    assert db.session.scalar(select(func.count()).select_from(Entry)) == 0


def test_implementation_before_trial_is_refused(world):
    with pytest.raises(InvalidInput, match="implemented_on: the implementation date is before the trial"):
        create_entry(world.competition, world.dinkes, world.operator, title="X",
                     trial_started_on="2025-03-01", implemented_on="2025-02-01")


def test_duplicate_title_in_one_organisation_is_refused(world):
    create_entry(world.competition, world.dinkes, world.operator, title="Lapor Mas Wali")
    with pytest.raises(InvalidInput, match="already has an innovation called 'Lapor Mas Wali'"):
        create_entry(world.competition, world.dinkes, world.operator, title="Lapor Mas Wali")
    assert db.session.scalar(select(func.count()).select_from(Entry)) == 1


def test_update_bumps_the_version_and_checks_it(world):
    entry = create_entry(world.competition, world.dinkes, world.operator, title="Si-Cantik")
    update_entry(entry, world.operator, expected_version=1, tujuan="Izin lebih cepat")
    assert (entry.version, entry.tujuan) == (2, "Izin lebih cepat")
    with pytest.raises(ConcurrentChange, match="version 2, you had 1"):
        update_entry(entry, world.operator, expected_version=1, tujuan="Versi lama")
    db.session.expire_all()
    assert db.session.get(Entry, entry.id).tujuan == "Izin lebih cepat"


def test_submit_records_everything_in_one_event(world):
    entry = make_entry(world.competition, world.dinkes)
    now = utcnow()
    event = change_entry_status(entry.id, "submit", world.operator, expected_version=1, now=now)
    db.session.expire_all()
    entry = db.session.get(Entry, entry.id)
    assert (entry.status, entry.version, entry.submitted_at) == ("submitted", 2, now)
    [stored] = events_of(entry)
    assert stored.id == event.id
    assert (stored.trigger, stored.from_status, stored.to_status, stored.actor_id) == (
        "submit", "draft", "submitted", world.operator.id)
    assert (stored.entry_version, stored.comment, stored.created_at) == (2, None, now)


def test_incomplete_submission_is_refused_with_reasons_and_changes_nothing(world):
    entry = make_entry(world.competition, world.dinkes, complete=False, rancang_bangun=words(120),
                       tahapan="penerapan")
    with pytest.raises(TriggerRefused) as refused:
        change_entry_status(entry, "submit", world.operator)
    assert refused.value.reasons == [
        "incomplete: urusan pemerintahan is empty; waktu uji coba (trial date) is empty; "
        "waktu penerapan (implementation date) is empty; rancang bangun has 120 words; "
        "at least 300 are needed; tujuan is empty; manfaat is empty; hasil is empty; "
        "no evidence (data dukung) attached"]
    db.session.expire_all()
    entry = db.session.get(Entry, entry.id)
    assert (entry.status, entry.version, entry.submitted_at, events_of(entry)) == ("draft", 1, None, [])


def test_category_is_required_when_the_competition_has_categories(app):
    competition = make_competition(categories=("Pelayanan Publik", "Tata Kelola"))
    organisation = make_organisation(competition.region)
    operator = make_user(competition, "submitter", organisation=organisation)
    entry = make_entry(competition, organisation)
    with pytest.raises(TriggerRefused, match="choose a category"):
        change_entry_status(entry, "submit", operator)
    update_entry(entry, operator, category_id=competition.categories[0].id)
    change_entry_status(entry, "submit", operator)
    assert entry.status == "submitted"


def test_submission_after_the_deadline_is_refused(world):
    entry = make_entry(world.competition, world.dinkes)
    late = world.competition.submission_closes_at + timedelta(minutes=1)
    with pytest.raises(TriggerRefused, match="submission closed at"):
        change_entry_status(entry, "submit", world.operator, now=late)
    assert events_of(entry) == []


def test_another_opd_cannot_submit(world):
    entry = make_entry(world.competition, world.dinkes)
    with pytest.raises(TriggerRefused, match="does not belong to the organisation"):
        change_entry_status(entry, "submit", world.other_operator)


def test_return_needs_notes_then_revise_and_resubmit(world):
    entry = make_entry(world.competition, world.dinkes)
    change_entry_status(entry, "submit", world.operator)
    with pytest.raises(TriggerRefused, match="a comment giving the reason is required"):
        change_entry_status(entry, "return_for_revision", world.verifier, comment="  ")
    change_entry_status(entry, "return_for_revision", world.verifier,
                        comment="SK inovasi belum ditandatangani")
    assert entry.status == "returned"
    update_entry(entry, world.operator, hasil="Waktu tunggu turun 55%.")
    change_entry_status(entry, "resubmit", world.operator)
    change_entry_status(entry, "verify", world.verifier)
    assert [(e.trigger, e.to_status, e.comment) for e in events_of(entry)] == [
        ("submit", "submitted", None),
        ("return_for_revision", "returned", "SK inovasi belum ditandatangani"),
        ("resubmit", "submitted", None),
        ("verify", "verified", None),
    ]
    assert entry.version == 6  # four transitions and one edit


def test_submitted_entries_cannot_be_edited(world):
    entry = make_entry(world.competition, world.dinkes)
    change_entry_status(entry, "submit", world.operator)
    with pytest.raises(NotPermitted, match="may not edit"):
        update_entry(entry, world.operator, hasil="diam-diam diubah")


def test_reject_with_reason(world):
    entry = make_entry(world.competition, world.dinkes, status="submitted")
    change_entry_status(entry, "reject", world.verifier, comment="Bukan inovasi baru")
    assert entry.status == "rejected"
    assert triggers_for(entry, world.operator) == []


def test_verifier_cannot_act_on_own_organisation(world):
    entry = make_entry(world.competition, world.dinkes, status="submitted")
    colleague = make_user(world.competition, "verifier", organisation=world.dinkes)
    with pytest.raises(TriggerRefused, match="conflict of interest"):
        change_entry_status(entry, "verify", colleague)


def test_withdraw_before_verification_only(world):
    entry = make_entry(world.competition, world.dinkes, status="submitted")
    change_entry_status(entry, "withdraw", world.operator, comment="Digabung dengan inovasi lain")
    assert entry.status == "withdrawn"
    verified = make_entry(world.competition, world.dinkes, status="verified")
    with pytest.raises(TriggerRefused, match="not possible from status 'verified'"):
        change_entry_status(verified, "withdraw", world.operator)


def test_scoring_and_award_follow_the_competition_phase(world):
    entry = make_entry(world.competition, world.dinkes, status="verified")
    with pytest.raises(TriggerRefused, match="phase 'open'"):
        change_entry_status(entry, "complete_scoring", Actor.system())
    force_status(world.competition, "judging")
    change_entry_status(entry, "complete_scoring", Actor.system())
    force_status(world.competition, "results")
    event = change_entry_status(entry, "award", world.organiser)
    assert (entry.status, event.actor_id) == ("awarded", world.organiser.id)
    assert [(e.trigger, e.actor_id) for e in events_of(entry)] == [
        ("complete_scoring", None), ("award", world.organiser.id)]


def test_unknown_trigger_and_unknown_entry(world):
    entry = make_entry(world.competition, world.dinkes)
    with pytest.raises(UnknownTrigger, match="'approve' is not an action"):
        change_entry_status(entry, "approve", world.verifier)
    with pytest.raises(NotFound, match="no innovation with id 999999"):
        change_entry_status(999999, "submit", world.operator)
    assert events_of(entry) == []


def test_stale_version_is_a_conflict(world):
    entry = make_entry(world.competition, world.dinkes)
    with pytest.raises(ConcurrentChange, match="you saw version 3"):
        change_entry_status(entry, "submit", world.operator, expected_version=3)
    assert entry.status == "draft"


def test_available_triggers_and_refusal_reasons_per_user(world):
    entry = make_entry(world.competition, world.dinkes)
    assert triggers_for(entry, world.operator) == ["submit", "withdraw"]
    assert triggers_for(entry, world.other_operator) == []
    assert refusal_reasons(entry, "verify", world.verifier) == [
        "not possible from status 'draft' (only from submitted)"]


def test_inactive_user_has_no_roles(world):
    entry = make_entry(world.competition, world.dinkes)
    world.operator.active = False
    db.session.commit()
    with pytest.raises(TriggerRefused, match="has no role here"):
        change_entry_status(entry, "submit", world.operator)


def test_database_refuses_a_return_without_reason(world):
    entry = make_entry(world.competition, world.dinkes, status="submitted")
    db.session.add(EntryEvent(entry=entry, entry_version=2, trigger="return_for_revision",
                              from_status="submitted", to_status="returned", comment=" "))
    with pytest.raises(IntegrityError, match="return_and_reject_have_reason"):
        db.session.commit()
    db.session.rollback()


@pytest.mark.parametrize(("field", "value", "constraint"), [
    ("status", "approved", "status_known"),
    ("anggaran_rupiah", -1, "anggaran_not_negative"),
    ("tahapan", "selesai", "tahapan_known"),
])
def test_database_guards_entry_values(world, field, value, constraint):
    entry = make_entry(world.competition, world.dinkes)
    with bypass_state_guard_for_tests():  # the database's own check, behind the door
        setattr(entry, field, value)
    with pytest.raises(IntegrityError, match=constraint):
        db.session.commit()
    db.session.rollback()


def test_database_refuses_a_second_event_for_one_version(world):
    entry = make_entry(world.competition, world.dinkes)
    change_entry_status(entry, "submit", world.operator)
    db.session.add(EntryEvent(entry=entry, entry_version=2, trigger="withdraw",
                              from_status="submitted", to_status="withdrawn"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()

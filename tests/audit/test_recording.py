"""The general audit log records who did what and when, through the paths people take: signing
in (and failing to), passwords, accounts and roles, innovations and their evidence, the
competition's set-up, and the judges' drafts (one row per save)."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, text

from competition.competitions.operations import (
    add_category,
    remove_category,
    rename_category,
    update_timeline,
)
from competition.extensions import db
from competition.judging.operations import (
    add_criterion,
    assign_automatically,
    assign_judge,
    declare_conflict,
    remove_criterion,
    update_round,
)
from competition.judging.rounds import open_round
from competition.models import AuditEvent, Evidence, Membership
from competition.people.operations import password_reset_token
from competition.results.operations import add_award, record_tie_decision, remove_award, update_result_rules
from tests.factories import PASSWORD, make_competition, make_entry, make_organisation, make_user
from tests.judging.test_operations import Judging
from tests.web.pages import sign_in


def rows() -> list[tuple[str, int | None, str | None, int | None, dict]]:
    """Every audit row as (kind, actor id, subject table, subject id, details), oldest first."""
    return [(e.kind, e.actor_id, e.subject_type, e.subject_id, e.details)
            for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def kinds() -> list[str]:
    return [row[0] for row in rows()]


def minute(moment: datetime) -> str:
    """A moment as the log writes it: UTC, to the minute."""
    return moment.astimezone(UTC).isoformat(timespec="minutes")


def fingerprint(email: str) -> str:
    return hmac.new(b"test-secret", email.encode(), hashlib.sha256).hexdigest()


# -- signing in and passwords ---------------------------------------------------------------------

def test_sign_ins_and_failed_sign_ins_are_recorded_without_the_password(app, client):
    user = make_user(name="Sari")
    client.post("/login", data={"email": "tidak.ada@example.go.id", "password": "rahasia-salah-1"})
    client.post("/login", data={"email": user.email, "password": "rahasia-salah-2"})
    client.post("/login", data={"email": user.email.upper(), "password": PASSWORD})
    assert rows() == [
        ("sign_in.failed", None, None, None, {"email_hmac": fingerprint("tidak.ada@example.go.id")}),
        ("sign_in.failed", None, "user_account", user.id, {"email_hmac": fingerprint(user.email)}),
        ("sign_in", user.id, "user_account", user.id, {}),
    ]
    stored = " ".join(db.session.scalars(text("SELECT CAST(details AS TEXT) FROM audit_event")))
    assert "rahasia" not in stored and "tidak.ada" not in stored


def test_a_deactivated_account_signing_in_is_a_failed_sign_in(app, client):
    user = make_user()
    user.active = False
    db.session.commit()
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert rows() == [("sign_in.failed", None, "user_account", user.id,
                       {"email_hmac": fingerprint(user.email), "reason": "deactivated"})]


def test_password_changes_and_resets_are_recorded(app, client):
    user = make_user()
    sign_in(client, user)
    client.post("/password", data={"current": PASSWORD, "new": "sandi-baru-123", "repeat": "sandi-baru-123"})
    client.post("/logout")
    anonymous = app.test_client()
    token = password_reset_token(user)
    anonymous.post(f"/password/reset/{token}", data={"new": "sandi-lain-456", "repeat": "sandi-lain-456"})
    invitation = password_reset_token(user, purpose="invitation")
    anonymous.post(f"/welcome/{invitation}", data={"new": "sandi-ketiga-789", "repeat": "sandi-ketiga-789"})
    assert [(kind, actor, subject) for kind, actor, _, subject, _ in rows()] == [
        ("sign_in", user.id, user.id), ("password.changed", user.id, user.id),
        ("password.reset", user.id, user.id), ("password.chosen", user.id, user.id)]
    assert "sandi" not in " ".join(db.session.scalars(text("SELECT CAST(details AS TEXT) FROM audit_event")))


# -- accounts and roles ---------------------------------------------------------------------------

def test_roles_granted_and_revoked_and_accounts_deactivated_are_recorded(app, client):
    competition = make_competition()
    organiser = make_user(competition, "organiser", name="Panitia")
    judge = make_user(competition, "verifier", name="Calon Juri")
    sign_in(client, organiser)
    client.post(f"/people/{judge.id}/roles", data={"competition": competition.id, "role": "judge"})
    membership = db.session.scalar(select(Membership).where(Membership.user_id == judge.id,
                                                            Membership.role == "judge"))
    client.post(f"/people/{judge.id}/roles/{membership.id}/revoke")
    client.post(f"/people/{judge.id}/active", data={"active": "0"})
    client.post(f"/people/{judge.id}/active", data={"active": "1"})
    recorded = [(k, a, t, s, d) for k, a, t, s, d in rows() if k != "sign_in"]
    assert recorded == [
        ("role.granted", organiser.id, "user_account", judge.id, {"role": "judge"}),
        ("role.revoked", organiser.id, "user_account", judge.id, {"role": "judge"}),
        ("user.deactivated", organiser.id, "user_account", judge.id, {}),
        ("user.activated", organiser.id, "user_account", judge.id, {}),
    ]
    # The revoked role is gone; its trace stays, in the competition.
    assert db.session.get(Membership, membership.id) is None
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.kind.like("role.%"))).all()
    assert {e.competition_id for e in events} == {competition.id}


def test_accounts_created_by_an_organiser_are_recorded(app, client):
    competition = make_competition()
    organiser = make_user(competition, "organiser")
    sign_in(client, organiser)
    client.post("/people/new", data={"name": "Juri Baru", "email": "juri.baru@example.go.id",
                                     "organisation": 0, "competition": competition.id, "roles": ["judge"],
                                     "password": "sandi-juri-123"})
    created = db.session.scalar(text("SELECT id FROM user_account WHERE email = 'juri.baru@example.go.id'"))
    assert [(k, a, s, d) for k, a, _, s, d in rows() if k != "sign_in"] == [
        ("user.created", organiser.id, created, {}),
        ("role.granted", organiser.id, created, {"role": "judge"})]


# -- innovations and evidence ---------------------------------------------------------------------

def test_an_edit_records_the_fields_it_changed_and_evidence_removed(app, client):
    competition = make_competition()
    opd = make_organisation(competition.region, "Dinas Kesehatan")
    operator = make_user(competition, "submitter", organisation=opd)
    entry = make_entry(competition, opd, title="Si-Sehat")
    evidence = db.session.scalar(select(Evidence).where(Evidence.entry_id == entry.id))
    sign_in(client, operator)
    form = client.get(f"/innovations/{entry.id}/edit")
    assert form.status_code == 200
    fields = {"title": "Si-Sehat", "category_id": "", "inisiator": entry.inisiator, "tahapan": entry.tahapan,
              "jenis": entry.jenis, "bentuk": entry.bentuk, "urusan": "Kesehatan dan Sosial",
              "urusan_terkait": entry.urusan_terkait, "trial_started_on": entry.trial_started_on.isoformat(),
              "implemented_on": entry.implemented_on.isoformat(), "rancang_bangun": entry.rancang_bangun,
              "tujuan": "Antrean puskesmas lebih pendek.", "manfaat": entry.manfaat, "hasil": entry.hasil,
              "anggaran_rupiah": "", "version": entry.version}
    assert client.post(f"/innovations/{entry.id}/edit", data=fields).status_code == 302
    client.post(f"/innovations/{entry.id}/evidence/{evidence.id}/delete")
    recorded = [(k, a, t, s, d) for k, a, t, s, d in rows() if k != "sign_in"]
    assert recorded == [
        ("entry.edited", operator.id, None, None, {"fields": ["tujuan", "urusan"]}),
        ("evidence.removed", operator.id, "evidence", evidence.id,
         {"kind": "link", "title": "SK Inovasi", "url": "https://example.go.id/sk.pdf"}),
    ]
    assert {e.entry_id for e in db.session.scalars(select(AuditEvent).where(
        AuditEvent.kind != "sign_in"))} == {entry.id}


# -- the competition's set-up ----------------------------------------------------------------------

def test_set_up_changes_are_recorded_with_who_made_them(app):
    judging = Judging(phase="setup")
    competition, organiser = judging.competition, judging.organiser
    before = competition.submission_closes_at
    closes = before + timedelta(days=2)
    update_timeline(competition, organiser, submission_opens_at=competition.submission_opens_at,
                    submission_closes_at=closes, verification_closes_at=competition.verification_closes_at,
                    judging_closes_at=competition.judging_closes_at)
    category = add_category(competition, organiser, "Tata Kelola")
    rename_category(category, organiser, "Tata Kelola Pemerintahan")
    remove_category(category, organiser)
    round_ = judging.round()   # a round, the IGA rubric (five criteria) and a panel of four
    update_round(round_, organiser, name="Presentasi", blind=True, aggregation="mean", normalise=False,
                 advancement="all", advancement_count=None, advancement_min_score=None, weight=1.0,
                 judges_per_entry=3, judge_cap=None)
    extra = add_criterion(round_, organiser, name="Video", weight=5)
    remove_criterion(extra, organiser)
    award = add_award(competition, organiser, name="Inovasi Terbaik", subject="innovation", positions=3)
    update_result_rules(competition, organiser, bands=[("Sangat Inovatif", 70), ("Inovatif", 40)],
                        disagreement_threshold=15)
    record_tie_decision(award, organiser, [judging.entries[0].id, judging.entries[1].id], "Undian")
    remove_award(competition.awards[0], organiser)
    recorded = [(k, a, d) for k, a, _, _, d in rows()]
    assert {a for _, a, _ in recorded} == {organiser.id}
    assert [(k, d) for k, _, d in recorded] == [
        ("schedule.changed", {"submission_closes_at": [minute(before), minute(closes)]}),
        ("category.added", {"name": "Tata Kelola"}),
        ("category.renamed", {"from": "Tata Kelola", "to": "Tata Kelola Pemerintahan"}),
        ("category.removed", {"name": "Tata Kelola Pemerintahan"}),
        ("round.added", {"name": "Penilaian", "position": 1}),
        *[("criterion.added", {"name": name, "weight": weight}) for name, weight in (
            ("Kebaharuan", 30), ("Kemanfaatan", 25), ("Replikasi dan aplikatif", 20),
            ("Kewenangan daerah dan kolaborasi", 15), ("Penguasaan materi dan penyajian", 10))],
        ("panel.created", {"name": "Tim penilai", "judges": sorted(j.id for j in [*judging.judges,
                                                                              judging.dinkes_judge])}),
        ("round.changed", {"fields": ["blind", "name"]}),
        ("criterion.added", {"name": "Video", "weight": 5}),
        ("criterion.removed", {"name": "Video"}),
        ("award.added", {"name": "Inovasi Terbaik", "subject": "innovation", "positions": 3}),
        ("rules.changed", {"bands": [["Sangat Inovatif", 70.0], ["Inovatif", 40.0]],
                           "disagreement_threshold": 15}),
        ("tie.decided", {"award": "Inovasi Terbaik", "order": [judging.entries[0].id, judging.entries[1].id],
                         "reason": "Undian"}),
        ("award.removed", {"name": "OPD Terinovatif"}),
    ]


def test_assignments_and_conflicts_are_recorded(app):
    judging = Judging()
    round_ = judging.round(judges_per_entry=1)
    by_hand = assign_judge(round_, judging.entries[0], judging.judges[0], judging.organiser)
    report = assign_automatically(round_, judging.organiser)
    open_round(round_, judging.organiser)
    declare_conflict(judging.entries[0], judging.judges[0], "Saudara kandung kepala dinas")
    recorded = [(k, a, t, s, d) for k, a, t, s, d in rows() if k.startswith(("assign", "conflict"))]
    assert recorded == [
        ("assignment.added", judging.organiser.id, "assignment", by_hand.id, {"judge": judging.judges[0].id}),
        ("assignments.planned", judging.organiser.id, "judging_round", round_.id, {"added": report.added}),
        ("conflict.declared", judging.judges[0].id, None, None, {"judge": judging.judges[0].id}),
    ]
    assert report.added == 5


# -- the judges' drafts ---------------------------------------------------------------------------

@pytest.fixture
def jury(app):
    from tests.judging.test_scoring_views import Jury
    return Jury()


def test_each_draft_save_is_one_row_naming_the_criteria_saved_and_cleared(app, client, jury):
    sign_in(client, jury.judge)
    headers = {"Accept": "application/json"}
    client.post(f"/scoring/{jury.first.id}/draft", data=jury.values(), headers=headers)
    client.post(f"/scoring/{jury.first.id}/draft", data=jury.values(novelty="85", regulation=""),
                headers=headers)
    drafts = [(k, a, t, s, d) for k, a, t, s, d in rows() if k == "scores.draft_saved"]
    assert drafts == [
        ("scores.draft_saved", jury.judge.id, "assignment", jury.first.id,
         {"saved": sorted([jury.novelty.id, jury.regulation.id]), "cleared": []}),
        ("scores.draft_saved", jury.judge.id, "assignment", jury.first.id,
         {"saved": [jury.novelty.id], "cleared": [jury.regulation.id]}),
    ]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.kind == "scores.draft_saved"))
    assert (event.entry_id, event.competition_id) == (jury.first.entry_id, jury.competition.id)

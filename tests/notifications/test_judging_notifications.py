"""Judges hear of their panels, assignments, rounds opening and reopening and of their scores
reopened; organisers of conflicts of interest. Each message: an e-mail in the outbox and an
in-app line leading to where it is about, once per judge and event."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from competition.extensions import db
from competition.judging.operations import (
    add_criterion,
    add_round,
    assign_automatically,
    assign_judge,
    create_panel,
    declare_conflict,
)
from competition.judging.rounds import close_round, open_round, reopen_round
from competition.judging.scoring import confirm_scores, reopen_scores, save_scores
from competition.models import Assignment, Notification, OutboxMessage
from competition.models.types import utcnow
from competition.notifications.operations import notify_round_opened
from tests.factories import force_status, make_competition, make_entry, make_organisation, make_user
from tests.judging.test_scoring_views import Jury

BASE = "https://anugerah.kedirikota.go.id"


@pytest.fixture
def jury(app):
    app.config["BASE_URL"] = BASE
    return Jury()


def notes(user, containing: str = "") -> list[Notification]:
    return list(db.session.scalars(select(Notification).where(
        Notification.user_id == user.id, Notification.message.contains(containing))
        .order_by(Notification.id)))


def mails(user, containing: str = "") -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.recipient == user.email, OutboxMessage.subject.contains(containing))
        .order_by(OutboxMessage.id)))


def confirmed(jury: Jury, assignment: Assignment) -> Assignment:
    save_scores(assignment, jury.judge, {jury.novelty.id: 80, jury.regulation.id: 2})
    confirm_scores(assignment, jury.judge)
    return assignment


# -- panels and assignments -------------------------------------------------------------------------

def test_the_judges_of_a_new_panel_hear_they_sit_on_it_and_nobody_else_does(jury):
    subject = 'Anda anggota panel juri "Tim penilai A" (Penilaian dokumen)'
    for judge in (jury.judge, jury.other_judge, jury.idle_judge):
        assert [(n.message, n.link) for n in notes(judge, "panel")] == [(subject, "/scoring")]
        [mail] = mails(judge, "panel")
        assert mail.subject == f"[Anugerah] {subject}"
        assert mail.dedupe_key == f"panel:{jury.round.panels[0].id}:{judge.id}"
        assert f"{BASE}/scoring\n" in mail.body
    for someone in (jury.organiser, jury.operator, jury.verifier):
        assert notes(someone, "panel") == [] and mails(someone, "panel") == []


def test_each_assignment_by_hand_is_one_message_leading_to_its_sheet(jury):
    messages = notes(jury.judge, "Penugasan penilaian")
    one = 'Penugasan penilaian: 1 inovasi pada tahap "Penilaian dokumen"'
    assert [n.message for n in messages] == [one] * 3
    assert [n.link for n in messages] == [f"/scoring/{a.id}" for a in (jury.first, jury.second, jury.third)]
    body = mails(jury.judge, "Penugasan")[1].body
    assert "- Lapor Mas Wali\n" in body and "Anda akan diberi tahu saat tahap ini dibuka" in body
    assert [n.link for n in notes(jury.other_judge, "Penugasan")] == [f"/scoring/{jury.others.id}"]
    assert notes(jury.idle_judge, "Penugasan") == []


def test_an_automatic_assignment_is_one_message_per_judge_naming_how_many(app):
    competition = make_competition(phase="judging", name="Lomba 2026")
    region = competition.region
    organiser = make_user(competition, "organiser")
    judges = [make_user(competition, "judge", name=f"Juri {n}") for n in (1, 2)]
    elsewhere = make_competition(phase="judging")
    stranger = make_user(elsewhere, "judge", name="Juri lomba lain")
    for n in range(25):
        make_entry(competition, make_organisation(region), title=f"Inovasi {n:02d}", status="verified")
    round_ = add_round(competition, organiser, name="Seleksi", judges_per_entry=2)
    add_criterion(round_, organiser, name="Kebaharuan", weight=1)
    create_panel(round_, organiser, name="Panel", judges=judges)
    open_round(round_, organiser)
    report = assign_automatically(round_, organiser)
    assert report.added == 50
    for judge in judges:
        [note] = notes(judge, "Penugasan")
        assert note.message == 'Penugasan penilaian: 25 inovasi pada tahap "Seleksi"'
        assert note.link == "/scoring"
        [mail] = mails(judge, "Penugasan")
        assert mail.body.count("\n- Inovasi ") == 20 and "- … dan 5 inovasi lainnya" in mail.body
        assert "Tahap ini sudah dibuka: Anda dapat mulai menilai." in mail.body
        last = max(a.id for a in round_.assignments if a.judge_id == judge.id)
        assert mail.dedupe_key == f"assigned:{round_.id}:{judge.id}:{last}"
    assert notes(stranger) == [] and notes(organiser) == []
    assert assign_automatically(round_, organiser).added == 0      # nothing new, nothing said
    assert all(len(notes(judge, "Penugasan")) == 1 for judge in judges)


def test_a_blind_rounds_messages_mask_the_opd_in_the_title(app):
    jury = Jury(blind=True)
    named = make_entry(jury.competition, jury.puskesmas, title="Posyandu Puskesmas Ngletih",
                       submitted_at=utcnow() - timedelta(days=5))
    force_status(named, "verified")
    assignment = assign_judge(jury.round, named, jury.judge, jury.organiser)
    [mail] = [m for m in mails(jury.judge, "Penugasan") if str(assignment.id) in (m.dedupe_key or "")]
    assert "- Posyandu [OPD]\n" in mail.body and "Ngletih" not in mail.body


# -- rounds -------------------------------------------------------------------------------------------

def test_opening_a_round_tells_each_of_its_judges_once(jury):
    outsider = make_user(jury.competition, "judge", name="Juri bukan anggota panel")
    subject = 'Tahap penilaian "Penilaian dokumen" dibuka'
    for judge, work in ((jury.judge, "Anda ditugaskan menilai 3 inovasi pada tahap ini."),
                        (jury.other_judge, "Anda ditugaskan menilai 1 inovasi pada tahap ini."),
                        (jury.idle_judge, "Penugasan inovasi untuk Anda akan menyusul.")):
        assert [(n.message, n.link) for n in notes(judge, "dibuka")] == [(subject, "/scoring")]
        [mail] = mails(judge, "dibuka")
        assert work in mail.body and mail.dedupe_key == f"round-opened:{jury.round.id}:{judge.id}"
    assert notes(outsider) == [] and notes(jury.organiser, "dibuka") == []
    assert notify_round_opened(jury.round) == 0                        # once per judge and round
    assert len(notes(jury.judge, "dibuka")) == 1


def test_a_deactivated_judge_hears_nothing_more(jury):
    jury.idle_judge.active = False
    db.session.commit()
    close_round(jury.round, jury.organiser, force=True)
    reopen_round(jury.round, jury.organiser, "Diulang.")
    assert notes(jury.idle_judge, "dibuka kembali") == [] and len(notes(jury.judge, "dibuka kembali")) == 1


def test_reopening_a_round_tells_its_judges_why(jury):
    close_round(jury.round, jury.organiser, force=True)
    reopen_round(jury.round, jury.organiser, "Satu juri belum menilai semua inovasi.")
    subject = 'Tahap penilaian "Penilaian dokumen" dibuka kembali'
    for judge in (jury.judge, jury.other_judge, jury.idle_judge):
        assert [(n.message, n.link) for n in notes(judge, "dibuka kembali")] == [(subject, "/scoring")]
        [mail] = mails(judge, "dibuka kembali")
        assert "Alasan:\nSatu juri belum menilai semua inovasi." in mail.body
    assert notes(jury.organiser, "dibuka kembali") == []


# -- scores reopened ----------------------------------------------------------------------------------

def test_reopened_scores_reach_their_judge_alone_with_the_reason_and_a_link_to_the_sheet(jury):
    confirmed(jury, jury.first)
    reopen_scores(jury.first, jury.organiser, "Nilai Kebaharuan tidak sesuai catatan.")
    subject = 'Nilai Anda untuk "Si-Sehat" dibuka kembali'
    assert [(n.message, n.link) for n in notes(jury.judge, "Nilai Anda")] == [
        (subject, f"/scoring/{jury.first.id}")]
    [mail] = mails(jury.judge, "Nilai Anda")
    assert "Alasan:\nNilai Kebaharuan tidak sesuai catatan." in mail.body
    assert f"Buka lembar penilaian: {BASE}/scoring/{jury.first.id}\n" in mail.body
    for someone in (jury.other_judge, jury.idle_judge, jury.organiser):
        assert notes(someone, "Nilai Anda") == []
    # Confirmed and reopened again: a second message, with the second reason.
    confirm_scores(jury.first, jury.judge)
    reopen_scores(jury.first, jury.organiser, "Periksa Regulasi.")
    assert [m.body.count("Periksa Regulasi.") for m in mails(jury.judge, "Nilai Anda")] == [0, 1]


# -- conflicts of interest ----------------------------------------------------------------------------

def test_the_organisers_hear_of_a_declared_conflict_with_a_link_to_reassign(jury):
    co_organiser = make_user(jury.competition, "organiser", name="Panitia Dua")
    elsewhere = make_competition()
    other_organiser = make_user(elsewhere, "organiser", name="Panitia lomba lain")
    declare_conflict(jury.lapor, jury.judge, "Saya pernah menjadi konsultan inovasi ini.")
    link = f"/manage/{jury.competition.id}/panels/rounds/{jury.round.id}/assignments#entry-{jury.lapor.id}"
    subject = 'Konflik kepentingan: Prof. Juri Satu untuk "Lapor Mas Wali"'
    for organiser in (jury.organiser, co_organiser):
        assert [(n.message, n.link) for n in notes(organiser, "Konflik")] == [(subject, link)]
        [mail] = mails(organiser, "Konflik")
        assert "Alasan:\nSaya pernah menjadi konsultan inovasi ini." in mail.body
        assert "1 penugasan juri ini untuk inovasi tersebut dilepas" in mail.body
        assert f"{BASE}{link}\n" in mail.body
    for someone in (other_organiser, jury.judge, jury.other_judge, jury.verifier):
        assert notes(someone, "Konflik") == []


def test_a_conflict_without_a_sheet_leads_to_the_judging_page(jury):
    declare_conflict(jury.antrean, jury.idle_judge, "Keluarga saya bekerja di sana.")
    [note] = notes(jury.organiser, "Konflik")
    assert note.link == f"/manage/{jury.competition.id}/panels"

"""The verifiers' daily digest: from 07.00 WIB (00.00 UTC) each verifier of a competition gets one
e-mail and one in-app line naming the innovations submitted or resubmitted since their last
digest that still wait for verification and that they may verify (never their own OPD's, nor a
unit's below it); nothing when there is nothing new; one per verifier and day."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from competition.entries.operations import change_entry_status
from competition.extensions import db
from competition.jobs.schedule import tick
from competition.models import Notification, OutboxMessage
from competition.models.types import utcnow
from competition.notifications.operations import queue_verifier_digests
from tests.factories import force_status, make_competition, make_entry, make_organisation, make_user

WIB = ZoneInfo("Asia/Jakarta")
BASE = "https://anugerah.kedirikota.go.id"


def digests(user) -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.recipient == user.email, OutboxMessage.dedupe_key.startswith("verifier-digest:"))
        .order_by(OutboxMessage.id)))


class Desk:
    """Tomorrow (WIB) at 07.00 is ``cutoff``, by hand 00.00 UTC. Verifiers: Bappeda's (sees
    everything submitted), Dinas Kesehatan's (not its own innovations nor the Puskesmas's below
    it), a deactivated one, and one of another competition of the same region and of a competition
    elsewhere."""

    def __init__(self):
        day = (utcnow() + timedelta(days=1)).astimezone(WIB).date()
        self.day = day
        self.cutoff = datetime(day.year, day.month, day.day, 0, 0, tzinfo=UTC)   # 07.00 WIB
        self.competition = make_competition(name="Lomba Inovasi 2026")
        region = self.competition.region
        self.dinkes = make_organisation(region, "Dinas Kesehatan")
        self.puskesmas = make_organisation(region, "Puskesmas Ngletih", parent=self.dinkes)
        self.kominfo = make_organisation(region, "Dinas Kominfo")
        bappeda = make_organisation(region, "Bappeda")
        self.verifier = make_user(self.competition, "verifier", organisation=bappeda,
                                  name="Verifikator Bappeda")
        self.conflicted = make_user(self.competition, "verifier", organisation=self.dinkes,
                                    name="Verifikator Dinkes")
        self.gone = make_user(self.competition, "verifier", organisation=bappeda, name="Verifikator lama")
        self.gone.active = False
        self.organiser = make_user(self.competition, "organiser", organisation=bappeda)
        neighbour = make_competition(region, name="Lomba Pelayanan Publik")
        self.neighbour = make_user(neighbour, "verifier", organisation=bappeda, name="Verifikator tetangga")
        self.stranger = make_user(make_competition(), "verifier", name="Verifikator kota lain")
        self.operators = {org.id: make_user(self.competition, "submitter", organisation=org)
                          for org in (self.dinkes, self.puskesmas, self.kominfo)}
        db.session.commit()

    def submitted(self, organisation, title: str, at: datetime):
        entry = make_entry(self.competition, organisation, title=title)
        change_entry_status(entry, "submit", self.operators[organisation.id], now=at)
        return entry


@pytest.fixture
def desk(app):
    app.config["BASE_URL"] = BASE
    return Desk()


def test_the_first_digest_names_the_days_submissions_each_verifier_may_verify(desk):
    cutoff = desk.cutoff
    early = desk.submitted(desk.kominfo, "Lapor Mas Wali", cutoff - timedelta(hours=30))   # before the day
    resubmitted = desk.submitted(desk.kominfo, "Kios Data", cutoff - timedelta(hours=40))
    change_entry_status(resubmitted, "return_for_revision", desk.verifier, comment="Lengkapi SK.",
                        now=cutoff - timedelta(hours=35))
    change_entry_status(resubmitted, "resubmit", desk.operators[desk.kominfo.id],
                        now=cutoff - timedelta(hours=4))
    desk.submitted(desk.kominfo, "Si-Cepat", cutoff - timedelta(hours=3))
    desk.submitted(desk.puskesmas, "Antrean Daring", cutoff - timedelta(hours=2))
    done = desk.submitted(desk.kominfo, "Sudah Diperiksa", cutoff - timedelta(hours=1))
    change_entry_status(done, "verify", desk.verifier, now=cutoff - timedelta(minutes=30))
    desk.submitted(desk.kominfo, "Terlambat Sejam", cutoff + timedelta(hours=1))   # tomorrow's
    make_entry(desk.competition, desk.kominfo, title="Masih Draf")

    assert queue_verifier_digests(desk.competition, now=cutoff - timedelta(minutes=1)) == 0   # 06.59 WIB
    assert queue_verifier_digests(desk.competition, now=cutoff + timedelta(minutes=5)) == 2

    [mail] = digests(desk.verifier)
    assert mail.subject == "[Anugerah] Ringkasan harian: 3 inovasi menunggu verifikasi (Lomba Inovasi 2026)"
    assert mail.dedupe_key == (f"verifier-digest:{desk.competition.id}:{desk.verifier.id}:"
                               f"{desk.day.isoformat()}")
    assert mail.body.split("\n\n")[1] == ("- Kios Data — Dinas Kominfo (diajukan ulang)\n"
                                          "- Si-Cepat — Dinas Kominfo\n"
                                          "- Antrean Daring — Puskesmas Ngletih")
    assert f"Buka antrean verifikasi: {BASE}/verification\n" in mail.body
    assert early.title not in mail.body
    [conflicted] = digests(desk.conflicted)
    assert "Antrean Daring" not in conflicted.body                # the Puskesmas is below their OPD
    assert conflicted.subject.startswith("[Anugerah] Ringkasan harian: 2 inovasi")
    for nobody in (desk.gone, desk.neighbour, desk.stranger, desk.organiser):
        assert digests(nobody) == []
    [note] = db.session.scalars(select(Notification).where(Notification.user_id == desk.verifier.id)).all()
    assert (note.message, note.link) == (mail.subject.removeprefix("[Anugerah] "), "/verification")

    # Once a day: later ticks of the same day add nothing.
    assert queue_verifier_digests(desk.competition, now=cutoff + timedelta(hours=6)) == 0
    assert len(digests(desk.verifier)) == 1


def test_each_digest_starts_where_the_last_one_ended_and_nothing_new_sends_nothing(desk):
    cutoff = desk.cutoff
    desk.submitted(desk.kominfo, "Si-Cepat", cutoff - timedelta(hours=3))
    assert queue_verifier_digests(desk.competition, now=cutoff + timedelta(minutes=1)) == 2
    desk.submitted(desk.dinkes, "Terlambat Sejam", cutoff + timedelta(hours=1))
    # The next day: only what came after the first digest's 07.00; not for Dinas Kesehatan's verifier.
    assert queue_verifier_digests(desk.competition, now=cutoff + timedelta(days=1, minutes=1)) == 1
    second = digests(desk.verifier)[1]
    assert "Terlambat Sejam" in second.body and "Si-Cepat" not in second.body
    assert len(digests(desk.conflicted)) == 1
    # A day with nothing new: no digest at all.
    assert queue_verifier_digests(desk.competition, now=cutoff + timedelta(days=2, minutes=1)) == 0
    # After a quiet day, the window reaches back to the last digest sent.
    desk.submitted(desk.kominfo, "Di Hari Sepi", cutoff + timedelta(days=1, hours=5))
    assert queue_verifier_digests(desk.competition, now=cutoff + timedelta(days=3, minutes=1)) == 2
    third = digests(desk.verifier)[2]
    assert "- Di Hari Sepi — Dinas Kominfo\n" in third.body and "Terlambat Sejam" not in third.body


def test_the_tick_queues_the_digests_of_competitions_still_running(desk):
    desk.submitted(desk.kominfo, "Si-Cepat", desk.cutoff - timedelta(hours=3))
    assert tick(now=desk.cutoff + timedelta(minutes=1), send_mail=False).digests == 2
    assert tick(now=desk.cutoff + timedelta(minutes=2), send_mail=False).digests == 0


def test_a_closed_competition_sends_no_digest(desk):
    desk.submitted(desk.kominfo, "Si-Cepat", desk.cutoff - timedelta(hours=3))
    force_status(desk.competition, "closed")
    assert tick(now=desk.cutoff + timedelta(minutes=1), send_mail=False).digests == 0

"""The verifier's queue and review through the HTTP client."""

from __future__ import annotations

from datetime import timedelta

import pytest

from competition.extensions import db
from competition.models import Entry, EntryEvent
from competition.models.types import utcnow
from tests.factories import PASSWORD, make_competition, make_entry, make_organisation, make_user


class Desk:
    def __init__(self):
        self.competition = make_competition(name="Lomba Inovasi 2026")
        region = self.competition.region
        self.dinkes = make_organisation(region, "Dinas Kesehatan")
        self.kominfo = make_organisation(region, "Dinas Komunikasi dan Informatika")
        inspektorat = make_organisation(region, "Inspektorat")
        self.verifier = make_user(self.competition, "verifier", organisation=inspektorat, name="Verifikator")
        self.kominfo_verifier = make_user(self.competition, "verifier", organisation=self.kominfo)
        self.operator = make_user(self.competition, "submitter", organisation=self.dinkes)
        now = utcnow()
        self.newer = make_entry(self.competition, self.dinkes, status="submitted", title="Si-Sehat",
                                submitted_at=now - timedelta(days=1))
        self.older = make_entry(self.competition, self.kominfo, status="submitted", title="Lapor Mas Wali",
                                submitted_at=now - timedelta(days=3))
        self.draft = make_entry(self.competition, self.dinkes, title="Masih draf")


@pytest.fixture
def desk(app):
    return Desk()


def sign_in(client, user):
    assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302


def page(response) -> str:
    return response.get_data(as_text=True)


def test_the_queue_is_oldest_first_and_filters(client, desk):
    sign_in(client, desk.verifier)
    queue = page(client.get("/verification"))
    assert queue.index("Lapor Mas Wali") < queue.index("Si-Sehat")
    assert "Masih draf" not in queue
    only_dinkes = page(client.get("/verification", query_string={"organisation": desk.dinkes.id}))
    assert "Si-Sehat" in only_dinkes and "Lapor Mas Wali" not in only_dinkes


def test_a_verifier_never_sees_their_own_opd_in_the_queue(client, desk):
    sign_in(client, desk.kominfo_verifier)
    queue = page(client.get("/verification"))
    assert "Si-Sehat" in queue and "Lapor Mas Wali" not in queue
    review = page(client.get(f"/verification/{desk.older.id}"))
    assert "konflik kepentingan" in review and "Verifikasi</button>" not in review


def test_returning_needs_notes_and_the_opd_sees_them(client, desk):
    sign_in(client, desk.verifier)
    refused = client.post(f"/verification/{desk.newer.id}/return_for_revision", data={},
                          follow_redirects=True)
    assert "alasan wajib diisi" in page(refused)
    assert db.session.get(Entry, desk.newer.id).status == "submitted"
    client.post(f"/verification/{desk.newer.id}/return_for_revision",
                data={"comment": "Lengkapi SK.", "note-evidence": "Foto kegiatan tidak terbaca"})
    db.session.expire_all()
    entry = db.session.get(Entry, desk.newer.id)
    assert entry.status == "returned"
    [event] = db.session.query(EntryEvent).filter_by(entry_id=entry.id).all()
    assert event.comment.startswith("Lengkapi SK.\n") and "Foto kegiatan tidak terbaca" in event.comment
    client.post("/logout")
    sign_in(client, desk.operator)
    assert "Foto kegiatan tidak terbaca" in page(client.get(f"/innovations/{entry.id}"))


@pytest.mark.parametrize(("trigger", "data", "status"), [
    ("verify", {}, "verified"),
    ("reject", {"comment": "Bukan inovasi baru"}, "rejected"),
])
def test_verify_and_reject(client, desk, trigger, data, status):
    sign_in(client, desk.verifier)
    response = client.post(f"/verification/{desk.older.id}/{trigger}", data=data, follow_redirects=True)
    assert "sekarang" in page(response)
    assert db.session.get(Entry, desk.older.id).status == status


def test_the_review_shows_the_evidence_in_place(client, desk):
    sign_in(client, desk.verifier)
    review = page(client.get(f"/verification/{desk.older.id}"))
    assert "SK Inovasi" in review and "https://example.go.id/sk.pdf" in review
    assert "Daftar periksa" in review
    assert "Setiap klaim memiliki data dukung yang dapat dibuka dan sesuai" in review


@pytest.mark.parametrize("who", ["operator", None])
def test_others_are_refused(client, desk, who):
    if who:
        sign_in(client, getattr(desk, who))
        assert client.get("/verification").status_code == 403
        assert client.get(f"/verification/{desk.older.id}").status_code == 403
    else:
        assert client.get("/verification").status_code == 302


def test_drafts_are_not_reviewable(client, desk):
    sign_in(client, desk.verifier)
    assert client.get(f"/verification/{desk.draft.id}").status_code == 404

"""The verifier's queue and review through the HTTP client."""

from __future__ import annotations

import html as markup
import re
from datetime import timedelta

import pytest
from sqlalchemy import event
from werkzeug.datastructures import MultiDict

from competition import create_app
from competition.entries.operations import change_entry_status
from competition.extensions import db
from competition.models import Entry, EntryEvent, Evidence
from competition.models.types import utcnow
from tests.factories import PASSWORD, make_competition, make_entry, make_organisation, make_user, words


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
        # Each its own rancang bangun: the queue flags copies.
        self.newer = make_entry(self.competition, self.dinkes, status="submitted", title="Si-Sehat",
                                submitted_at=now - timedelta(days=1), rancang_bangun=words(320, "sehat"))
        self.older = make_entry(self.competition, self.kominfo, status="submitted", title="Lapor Mas Wali",
                                submitted_at=now - timedelta(days=3), rancang_bangun=words(320, "lapor"))
        self.draft = make_entry(self.competition, self.dinkes, title="Masih draf",
                                rancang_bangun=words(320, "draf"))


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
    assert refused.status_code == 422 and "Tulis alasan untuk OPD di kotak alasan" in page(refused)
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
    ("reject", {"comment": "Bukan inovasi baru", "confirmed": "1"}, "rejected"),
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


def in_english(client):
    """English from now on; following the redirect also shows (and clears) the welcome message."""
    client.post("/language", data={"language": "en", "next": "/"}, follow_redirects=True)


def flashed(response) -> list[str]:
    return [part.split("<button", 1)[0].strip()
            for part in page(response).split('role="alert">')[1:]]


def confirmation(client, *entries):
    response = client.get("/verification/verify-several", query_string={"entry": [e.id for e in entries]})
    assert response.status_code == 200
    return page(response)


def versions_on(confirmation_page: str) -> MultiDict:
    """The form the confirm button sends: the innovations and the versions shown."""
    fields = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', confirmation_page)
    return MultiDict([(name, value) for name, value in fields
                      if name == "entry" or name.startswith("version-")])


def test_the_queue_offers_selection_with_labels_and_select_all(client, desk):
    sign_in(client, desk.verifier)
    in_english(client)
    queue = page(client.get("/verification"))
    assert f'<label class="visually-hidden" for="pick-{desk.older.id}">Select Lapor Mas Wali</label>' in queue
    assert '<label class="form-check-label" for="select-all">Select all</label>' in queue
    assert "Returning and rejecting need notes or a reason for each innovation" in queue
    assert 'name="entry"' not in page(client.get("/verification", query_string={"status": "verified"}))


def test_bulk_verify_two_innovations(client, desk):
    sign_in(client, desk.verifier)
    in_english(client)
    shown = confirmation(client, desk.newer, desk.older)
    assert shown.index("Lapor Mas Wali") < shown.index("Si-Sehat")
    assert "Dinas Kesehatan" in shown and "Dinas Komunikasi dan Informatika" in shown
    assert "Verify 2 innovations</button>" in shown
    response = client.post("/verification/verify-several", data=versions_on(shown), follow_redirects=True)
    assert flashed(response) == ["2 innovations verified."]
    db.session.expire_all()
    for entry in (desk.newer, desk.older):
        assert db.session.get(Entry, entry.id).status == "verified"
        [event] = db.session.query(EntryEvent).filter_by(entry_id=entry.id).all()
        assert (event.trigger, event.actor_id, event.entry_version) == ("verify", desk.verifier.id, 2)


def test_an_innovation_of_the_verifiers_own_opd_is_refused(client, desk):
    sign_in(client, desk.kominfo_verifier)
    in_english(client)
    shown = confirmation(client, desk.newer, desk.older)
    own = shown.split(f'id="entry-{desk.older.id}"', 1)[1].split("</tr>", 1)[0]
    assert "conflict of interest" in own and 'type="hidden"' not in own
    assert "Verify 1 innovation</button>" in shown
    # Sent anyway, it is refused by the workflow and reported; the other is verified.
    data = versions_on(shown)
    data.add("entry", desk.older.id)
    data.add(f"version-{desk.older.id}", desk.older.version)
    response = client.post("/verification/verify-several", data=data, follow_redirects=True)
    [message] = flashed(response)
    assert message.startswith("1 verified; 1 not verified: Lapor Mas Wali — ")
    assert "conflict of interest" in message
    db.session.expire_all()
    assert db.session.get(Entry, desk.older.id).status == "submitted"
    assert db.session.get(Entry, desk.newer.id).status == "verified"


def test_an_innovation_changed_after_the_confirmation_page_is_refused_and_reported(client, desk):
    sign_in(client, desk.verifier)
    in_english(client)
    shown = confirmation(client, desk.newer, desk.older)
    change_entry_status(desk.newer, "return_for_revision", desk.kominfo_verifier, comment="Lengkapi SK.")
    response = client.post("/verification/verify-several", data=versions_on(shown), follow_redirects=True)
    assert flashed(response) == [
        "1 verified; 1 not verified: Si-Sehat — it was changed after the confirmation page was shown; "
        "open it and decide again"]
    db.session.expire_all()
    assert db.session.get(Entry, desk.newer.id).status == "returned"
    assert db.session.get(Entry, desk.older.id).status == "verified"


def test_bulk_verify_is_for_verifiers_only(client, desk):
    sign_in(client, desk.operator)
    chosen = {"entry": desk.older.id}
    assert client.get("/verification/verify-several", query_string=chosen).status_code == 403
    response = client.post("/verification/verify-several",
                           data={"entry": desk.older.id, f"version-{desk.older.id}": desk.older.version})
    assert response.status_code == 403
    assert db.session.get(Entry, desk.older.id).status == "submitted"


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_empty_selection_says_so(client, desk, method):
    sign_in(client, desk.verifier)
    in_english(client)
    response = getattr(client, method)("/verification/verify-several", follow_redirects=True)
    assert flashed(response) == ["Select at least one innovation to verify."]


def test_the_confirmation_page_needs_the_same_queries_for_2_or_6_innovations(client, desk, app):
    sign_in(client, desk.verifier)
    more = [make_entry(desk.competition, make_organisation(desk.competition.region), status="submitted")
            for _ in range(4)]
    queries: list[str] = []

    def record(conn, cursor, statement, *args):
        queries.append(statement)

    def count(entries) -> int:
        ids = [e.id for e in entries]  # read before counting: each request's commit expires them
        queries.clear()
        event.listen(db.engine, "before_cursor_execute", record)
        try:
            assert client.get("/verification/verify-several", query_string={"entry": ids}).status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", record)
        return len(queries)

    assert count([desk.newer, desk.older]) == count([desk.newer, desk.older, *more])


def test_confirming_needs_the_csrf_token(database, desk):
    chosen = {"entry": desk.older.id, f"version-{desk.older.id}": desk.older.version}
    app = create_app({"SQLALCHEMY_DATABASE_URI": database, "TESTING": True, "WTF_CSRF_ENABLED": True})
    with app.app_context():
        response = app.test_client().post("/verification/verify-several", data=chosen)
        assert response.status_code == 400
        db.engine.dispose()


def test_the_items_ticked_are_recorded_with_the_decision(client, desk):
    sign_in(client, desk.verifier)
    client.post(f"/verification/{desk.newer.id}/return_for_revision",
                data={"comment": "Lengkapi SK.", "check-identity": "on", "check-evidence": "on",
                      "note-evidence": "Foto kegiatan tidak terbaca", "note-budget": "Tanpa DPA"})
    [event] = db.session.query(EntryEvent).filter_by(entry_id=desk.newer.id).all()
    assert event.comment.split("\n") == [
        "Lengkapi SK.",
        "✓ Nama, OPD, dan kategori sudah benar",
        "✓ Setiap klaim memiliki data dukung yang dapat dibuka dan sesuai: Foto kegiatan tidak terbaca",
        "Anggaran didukung dokumen anggaran: Tanpa DPA",
    ]


def test_a_verification_with_ticks_only_records_them_in_the_verifiers_language(client, desk):
    sign_in(client, desk.verifier)
    in_english(client)
    client.post(f"/verification/{desk.older.id}/verify", data={"check-dates": "on", "check-authority": "on"})
    [event] = db.session.query(EntryEvent).filter_by(entry_id=desk.older.id).all()
    assert (event.to_status, event.comment) == (
        "verified", "✓ Trial and implementation dates are backed by a decree\n"
                    "✓ It falls within the region's authority")


def test_a_refused_decision_keeps_what_was_filled_in(client, desk):
    sign_in(client, desk.verifier)
    # Ticks alone are no reason to return it; what was filled in is shown again with the refusal.
    response = client.post(f"/verification/{desk.newer.id}/return_for_revision",
                           data={"check-identity": "on", "note-evidence": "  ", "comment": " "})
    shown = page(response)
    assert response.status_code == 422 and "Tulis alasan untuk OPD di kotak alasan" in shown
    assert 'id="check-identity" name="check-identity" checked>' in shown
    assert 'id="check-novelty" name="check-novelty">' in shown
    assert "Tulis alasan untuk OPD" not in page(client.get(f"/verification/{desk.newer.id}"))  # said once
    # Decided on a page older than the innovation: refused, with the notes kept.
    response = client.post(f"/verification/{desk.newer.id}/return_for_revision",
                           data={"version": desk.newer.version + 1, "check-budget": "on",
                                 "note-evidence": "Foto <buram>", "comment": "Lengkapi SK.\nSegera."})
    shown = page(response)
    assert response.status_code == 200 and "telah diubah orang lain" in shown
    assert 'id="check-budget" name="check-budget" checked>' in shown
    assert 'name="note-evidence"' in shown and 'value="Foto &lt;buram&gt;"' in shown
    assert 'aria-describedby="comment-help">Lengkapi SK.\nSegera.</textarea>' in shown
    assert db.session.query(EntryEvent).filter_by(entry_id=desk.newer.id).count() == 0


@pytest.mark.parametrize("trigger", ["reject", "return_for_revision"])
def test_a_checklist_note_alone_is_no_reason_to_reject_or_return(client, desk, trigger):
    # Found in use: an innovation rejected for good with "✓ Nama, OPD, dan kategori sudah benar:
    # catatan penting 1" as its only reason.
    sign_in(client, desk.verifier)
    refused = client.post(f"/verification/{desk.older.id}/{trigger}", data={
        "check-identity": "on", "note-identity": "catatan penting 1", "comment": "  ", "confirmed": "1"})
    assert refused.status_code == 422
    assert "Tulis alasan untuk OPD di kotak alasan" in page(refused)
    assert db.session.get(Entry, desk.older.id).status == "submitted"
    assert db.session.query(EntryEvent).filter_by(entry_id=desk.older.id).count() == 0


def test_rejecting_asks_for_a_confirmation_showing_the_reason_first(client, desk):
    sign_in(client, desk.verifier)
    sent = {"comment": "Bukan inovasi baru: sama dengan tahun lalu", "check-novelty": "on",
            "note-novelty": "Lihat inovasi 2024"}
    asked = client.post(f"/verification/{desk.older.id}/reject", data=sent)
    shown = page(asked)
    assert asked.status_code == 200 and 'id="confirm-reject"' in shown
    assert "Bukan inovasi baru: sama dengan tahun lalu" in shown and "Lihat inovasi 2024" in shown
    assert db.session.get(Entry, desk.older.id).status == "submitted"
    back = page(client.post(f"/verification/{desk.older.id}/reject", data={**sent, "back": "1"}))
    assert 'id="decision"' in back and 'id="check-novelty" name="check-novelty" checked>' in back
    assert db.session.get(Entry, desk.older.id).status == "submitted"
    client.post(f"/verification/{desk.older.id}/reject", data={**sent, "confirmed": "1"})
    db.session.expire_all()
    assert db.session.get(Entry, desk.older.id).status == "rejected"
    [event] = db.session.query(EntryEvent).filter_by(entry_id=desk.older.id).all()
    assert event.comment.startswith("Bukan inovasi baru: sama dengan tahun lalu\n")


def test_the_verifier_is_told_of_a_copied_rancang_bangun_in_the_queue_and_the_review(client, desk):
    # Found in use: the operator was warned "86% mirip", the verifier never, and the entry won.
    desk.older.rancang_bangun = desk.newer.rancang_bangun
    db.session.commit()
    sign_in(client, desk.verifier)
    queue = markup.unescape(page(client.get("/verification")))
    assert "Rancang bangun 100% mirip dengan 'Si-Sehat'" in queue
    assert "Rancang bangun 100% mirip dengan 'Lapor Mas Wali'" in queue
    review = page(client.get(f"/verification/{desk.older.id}"))
    assert 'id="copy-warning"' in review and f'href="/verification/{desk.newer.id}"' in review


def test_a_copy_of_an_unsubmitted_draft_is_flagged_without_naming_it(client, desk):
    desk.draft.rancang_bangun = desk.older.rancang_bangun
    db.session.commit()
    sign_in(client, desk.verifier)
    review = page(client.get(f"/verification/{desk.older.id}"))
    assert 'id="copy-warning"' in review and "Masih draf" not in review


def test_a_pdf_can_be_opened_in_a_new_tab_or_downloaded_from_the_review(client, desk):
    db.session.add(Evidence(entry=desk.older, kind="file", title="SK Kepala Dinas", sha256="a" * 64,
                            size_bytes=1000, media_type="application/pdf", original_name="sk-kadis.pdf"))
    db.session.commit()
    sign_in(client, desk.verifier)
    review = page(client.get(f"/verification/{desk.older.id}"))
    assert "Buka di tab baru" in review and 'download="sk-kadis.pdf"' in review

"""The OPD operator's pages through the HTTP client: drafting, evidence, submitting, and who may
see what."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from competition.entries.operations import change_entry_status, submission_digest
from competition.extensions import db
from competition.models import Entry, EntryEvent, Evidence
from competition.notifications.models import Notification
from competition.people.tokens import create_token
from tests.conftest import pdf_available
from tests.factories import PASSWORD, make_competition, make_entry, make_organisation, make_user, words

PDF = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


class Opd:
    def __init__(self):
        self.competition = make_competition(name="Lomba Inovasi 2026", categories=("Pelayanan Publik",))
        region = self.competition.region
        self.dinkes = make_organisation(region, "Dinas Kesehatan")
        self.kominfo = make_organisation(region, "Dinas Komunikasi dan Informatika")
        self.operator = make_user(self.competition, "submitter", organisation=self.dinkes,
                                  name="Operator Dinkes")
        self.other = make_user(self.competition, "submitter", organisation=self.kominfo,
                               name="Operator Kominfo")
        self.verifier = make_user(self.competition, "verifier",
                                  organisation=make_organisation(region, "Inspektorat"))


@pytest.fixture
def opd(app):
    return Opd()


def sign_in(client, user):
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302


def page(response) -> str:
    return response.get_data(as_text=True)


def draft_form(**overrides):
    values = {"title": "Posyandu Digital", "category_id": "", "inisiator": "perangkat_daerah",
              "tahapan": "penerapan", "jenis": "digital", "bentuk": "pelayanan_publik", "urusan": "Kesehatan",
              "urusan_terkait": "", "trial_started_on": "2025-01-06", "implemented_on": "2025-06-02",
              "rancang_bangun": words(320, "posyandu"), "tujuan": "Balita terpantau.",
              "manfaat": "Kader mencatat lebih cepat.", "hasil": "Cakupan naik 20%.",
              "anggaran_rupiah": "12.500.000"}
    values.update(overrides)
    return values


def test_our_innovations_lists_the_opds_entries_only(client, opd):
    make_entry(opd.competition, opd.dinkes, title="Si-Sehat")
    make_entry(opd.competition, opd.kominfo, title="Lapor Mas Wali")
    sign_in(client, opd.operator)
    listing = page(client.get("/innovations"))
    assert "Inovasi kami" in listing and "Si-Sehat" in listing and "Lapor Mas Wali" not in listing
    assert "Inovasi baru" in listing


def test_drafting_uploading_and_submitting(client, opd):
    sign_in(client, opd.operator)
    form = draft_form(category_id=str(opd.competition.categories[0].id))
    response = client.post(f"/innovations/new/{opd.competition.id}", data=form)
    entry = db.session.scalar(select(Entry))
    assert response.headers["Location"] == f"/innovations/{entry.id}"
    assert (entry.status, entry.anggaran_rupiah, entry.organisation_id) == (
        "draft", 12_500_000, opd.dinkes.id)

    shown = page(client.get(f"/innovations/{entry.id}"))
    assert "belum ada data dukung" in shown            # shown before the button is pressed
    assert "disabled" in shown.split("Ajukan</button>")[0].rsplit("<button", 1)[1]

    upload = client.post(f"/innovations/{entry.id}/evidence", content_type="multipart/form-data",
                         data={"files": [(io.BytesIO(PDF), "SK Inovasi.pdf"),
                                         (io.BytesIO(b"MZ"), "virus.exe")],
                               "url": "", "title": "", "indicator": "Regulasi"}, follow_redirects=True)
    assert "1 data dukung ditambahkan." in page(upload)
    assert "berkas: jenis virus.exe tidak diizinkan" in page(upload)
    [evidence] = db.session.scalars(select(Evidence)).all()
    with client.get(f"/innovations/evidence/{evidence.id}") as download:
        assert download.data == PDF and download.mimetype == "application/pdf"

    summary = client.post(f"/innovations/{entry.id}/submit", data={"version": entry.version})
    assert summary.status_code == 200 and summary.mimetype == "text/html"
    assert "Periksa sebelum mengajukan" in page(summary)
    assert "SK Inovasi" in page(summary) and 'name="confirmed" value="1"' in page(summary)
    db.session.expire_all()
    assert db.session.get(Entry, entry.id).status == "draft"   # nothing submitted yet
    submitted = client.post(f"/innovations/{entry.id}/submit",
                            data={"version": entry.version, "confirmed": "1"}, follow_redirects=True)
    assert "Selesai: inovasi sekarang diajukan." in page(submitted)
    db.session.expire_all()
    assert db.session.get(Entry, entry.id).status == "submitted"
    assert client.get(f"/innovations/{entry.id}/edit").status_code == 403


def test_returned_notes_are_shown_and_the_entry_can_be_revised(client, opd):
    entry = make_entry(opd.competition, opd.dinkes, title="Si-Sehat",
                       category_id=opd.competition.categories[0].id)
    change_entry_status(entry, "submit", opd.operator)
    change_entry_status(entry, "return_for_revision", opd.verifier,
                        comment="SK belum ditandatangani kepala dinas")
    sign_in(client, opd.operator)
    shown = page(client.get(f"/innovations/{entry.id}"))
    assert "SK belum ditandatangani kepala dinas" in shown and "Dikembalikan" in shown
    edited = client.post(f"/innovations/{entry.id}/edit",
                         data=draft_form(title="Si-Sehat", category_id=str(entry.category_id),
                                         version=entry.version, hasil="Cakupan naik 35%."))
    assert edited.status_code == 302
    resubmitted = client.post(f"/innovations/{entry.id}/resubmit", data={"confirmed": "1"},
                              follow_redirects=True)
    assert "sekarang diajukan" in page(resubmitted)


def test_a_refused_action_names_every_reason(client, opd):
    entry = make_entry(opd.competition, opd.dinkes, complete=False, title="Setengah jadi")
    sign_in(client, opd.operator)
    response = client.post(f"/innovations/{entry.id}/submit", data={}, follow_redirects=True)
    assert "belum lengkap:" in page(response) and "pilih kategori" in page(response)
    assert db.session.get(Entry, entry.id).status == "draft"


def test_a_stale_form_is_a_conflict_not_an_overwrite(client, opd):
    entry = make_entry(opd.competition, opd.dinkes, title="Si-Sehat")
    sign_in(client, opd.operator)
    response = client.post(f"/innovations/{entry.id}/edit",
                           data=draft_form(title="Versi lama", version=entry.version + 5),
                           follow_redirects=True)
    assert "telah diubah orang lain" in page(response)
    db.session.expire_all()
    assert db.session.get(Entry, entry.id).title == "Si-Sehat"


@pytest.mark.parametrize("path", ["/innovations/{id}", "/innovations/{id}/edit"])
def test_another_opd_never_sees_a_draft(client, opd, path):
    entry = make_entry(opd.competition, opd.dinkes, title="Rahasia Dinkes")
    sign_in(client, opd.other)
    response = client.get(path.format(id=entry.id))
    assert response.status_code == 404
    assert "Rahasia Dinkes" not in page(response)


def test_verifiers_see_submitted_entries_but_cannot_edit_or_act_for_the_opd(client, opd):
    entry = make_entry(opd.competition, opd.dinkes, title="Si-Sehat",
                       category_id=opd.competition.categories[0].id)
    sign_in(client, opd.verifier)
    assert client.get(f"/innovations/{entry.id}").status_code == 404       # still a draft
    change_entry_status(entry, "submit", opd.operator)
    assert client.get(f"/innovations/{entry.id}").status_code == 200
    assert client.get(f"/innovations/{entry.id}/edit").status_code == 403
    response = client.post(f"/innovations/{entry.id}/withdraw", data={}, follow_redirects=True)
    assert "memerlukan peran Operator OPD" in page(response)   # the role by its name, not its code
    assert client.post(f"/innovations/new/{opd.competition.id}", data=draft_form()).status_code == 403


@pytest.mark.parametrize("path", ["/innovations", "/innovations/1", "/innovations/new/1"])
def test_visitors_are_sent_to_sign_in(client, app, path):
    response = client.get(path)
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_the_form_in_english(client, opd):
    sign_in(client, opd.operator)
    client.post("/language", data={"language": "en", "next": "/"})
    form = page(client.get(f"/innovations/new/{opd.competition.id}"))
    assert "Name of the innovation" in form and "Save draft" in form
    assert "At least 300 words" in form


@pytest.fixture
def rubric(app):
    from tests.results.test_operations import SmallRubric

    rubric = SmallRubric()
    rubric.one_round()
    return rubric


def result_card(response) -> str:
    shown = page(response)
    assert response.status_code == 200
    return shown.split('id="result"', 1)[1].split("</section>", 1)[0] if 'id="result"' in shown else ""


def test_after_publication_the_opd_sees_its_score_per_criterion(client, rubric):
    rubric.seal()
    sign_in(client, rubric.operator)
    card = result_card(client.get(f"/innovations/{rubric.si_sehat.id}"))
    # Final score 76.25; Kebaharuan (80 + 70) / 2 = 75, Kemanfaatan (60 + 100) / 2 = 80; weights 3 and 1.
    assert "<strong class=\"fs-5\" data-score>76,25</strong>" in card
    assert "Kebaharuan" in card and "Kemanfaatan" in card
    assert ">75,00 <" in card and ">80,00 <" in card
    assert "Sangat Inovatif" in card and "OPD Terinovatif" in card
    client.post("/language", data={"language": "en", "next": "/"})
    card = result_card(client.get(f"/innovations/{rubric.si_sehat.id}"))
    assert "Published result" in card and "Final score" in card and "Winner" in card
    assert "data-score>76.25<" in card and ">75.00 <" in card and "1 of 2" in card
    assert "Each value is the average of 2 judges' scores." in card


def test_before_publication_the_opd_sees_no_score(client, rubric):
    rubric.seal(publish=False)
    sign_in(client, rubric.operator)
    response = client.get(f"/innovations/{rubric.si_sehat.id}")
    assert result_card(response) == ""
    assert "76,25" not in page(response) and "Kebaharuan" not in page(response)


def test_the_published_breakdown_is_for_the_opd_itself(client, rubric):
    rubric.seal()
    verifier = make_user(rubric.competition, "verifier",
                         organisation=make_organisation(rubric.competition.region, "Inspektorat"))
    sign_in(client, verifier)
    assert result_card(client.get(f"/innovations/{rubric.si_sehat.id}")) == ""
    other = make_user(rubric.competition, "submitter", organisation=rubric.disdik)
    client.post("/logout")
    sign_in(client, other)
    assert client.get(f"/innovations/{rubric.si_sehat.id}").status_code == 404
    card = result_card(client.get(f"/innovations/{rubric.pintar.id}"))
    assert "data-score>52,50<" in card and "76,25" not in card


def in_english(client):
    client.post("/language", data={"language": "en", "next": "/"}, follow_redirects=True)


def returned_entry(opd, comment="SK belum ditandatangani kepala dinas"):
    entry = make_entry(opd.competition, opd.dinkes, title="Si-Sehat",
                       category_id=opd.competition.categories[0].id)
    change_entry_status(entry, "submit", opd.operator)
    change_entry_status(entry, "return_for_revision", opd.verifier, comment=comment)
    return entry


def part(shown: str, start: str, end: str) -> str:
    """The page from ``start`` to the next ``end``."""
    assert start in shown, start
    return shown.split(start, 1)[1].split(end, 1)[0]


def test_the_timeline_keeps_the_lines_of_the_verifiers_notes(client, opd):
    entry = returned_entry(opd, comment="Lengkapi SK.\nSetiap klaim ...: Foto kegiatan tidak terbaca")
    sign_in(client, opd.operator)
    shown = page(client.get(f"/innovations/{entry.id}"))
    assert ('<div class="border-start border-3 ps-2 mt-1 pre-line">'
            "Lengkapi SK.\nSetiap klaim ...: Foto kegiatan tidak terbaca</div>") in shown


def test_the_reason_scoring_was_reopened_stays_with_the_organisers(client, app):
    competition = make_competition(phase="judging")
    dinkes = make_organisation(competition.region, "Dinas Kesehatan")
    operator = make_user(competition, "submitter", organisation=dinkes)
    verifier = make_user(competition, "verifier", organisation=make_organisation(competition.region))
    organiser = make_user(competition, "organiser")
    entry = make_entry(competition, dinkes, status="scored")
    change_entry_status(entry, "reopen_scoring", organiser, comment="Juri 2 salah memasukkan nilai")
    reason = "Juri 2 salah memasukkan nilai"
    for reader, reads in ((operator, False), (verifier, False), (organiser, True)):
        sign_in(client, reader)
        shown = page(client.get(f"/innovations/{entry.id}"))
        assert 'class="badge status-verified"' in shown                   # the change itself shows
        assert (reason in shown) is reads, reader.name
        if reader is verifier:                                             # the review's timeline too
            review = client.get(f"/verification/{entry.id}")
            assert review.status_code == 200 and 'class="badge status-verified"' in page(review)
            assert reason not in page(review)
        secret = create_token(reader, name="skrip", scopes=("read",), days=30).secret
        db.session.commit()
        history = client.get(f"/api/v1/innovations/{entry.id}/history",
                             headers={"Authorization": f"Bearer {secret}"}).get_json()
        assert history[-1]["trigger"] == "reopen_scoring"
        assert history[-1]["comment"] == (reason if reads else None), reader.name
        client.post("/logout")


def test_each_action_keeps_its_own_inputs(client, opd):
    entry = returned_entry(opd)
    sign_in(client, opd.operator)
    in_english(client)
    shown = page(client.get(f"/innovations/{entry.id}"))
    resubmit = part(shown, 'id="action-resubmit"', "</form>")
    assert "Note to the verifier (optional)" in resubmit and 'name="comment"' in resubmit
    assert "Revise and resubmit</button>" in resubmit and "Reason (optional)" not in resubmit
    withdraw = part(shown, 'class="border border-danger-subtle rounded p-2 mt-3" id="action-withdraw">',
                    "</details>")
    assert "<summary" in withdraw and "Reason (optional)" in withdraw and "Withdraw</button>" in withdraw
    assert "cannot be submitted again" in withdraw


def test_resubmitting_with_a_note_to_the_verifier(client, opd):
    entry = returned_entry(opd)
    sign_in(client, opd.operator)
    response = client.post(f"/innovations/{entry.id}/resubmit",
                           data={"version": entry.version, "confirmed": "1",
                                 "comment": "  SK sudah ditandatangani.\nLihat lampiran. "},
                           follow_redirects=True)
    assert "sekarang diajukan" in page(response)
    last = db.session.scalars(select(EntryEvent).where(EntryEvent.entry_id == entry.id)
                              .order_by(EntryEvent.id.desc())).first()
    assert (last.trigger, last.comment) == ("resubmit", "SK sudah ditandatangani.\nLihat lampiran.")
    assert "SK sudah ditandatangani." in page(client.get(f"/innovations/{entry.id}"))


def test_resubmitting_without_a_note_records_none(client, opd):
    entry = returned_entry(opd)
    sign_in(client, opd.operator)
    client.post(f"/innovations/{entry.id}/resubmit", data={"version": entry.version, "comment": "",
                                                           "confirmed": "1"})
    last = db.session.scalars(select(EntryEvent).where(EntryEvent.entry_id == entry.id)
                              .order_by(EntryEvent.id.desc())).first()
    assert (last.trigger, last.comment) == ("resubmit", None)


def test_each_delete_button_names_its_evidence(client, opd):
    entry = make_entry(opd.competition, opd.dinkes, title="Si-Sehat")
    db.session.add(Evidence(entry=entry, kind="link", url="https://example.go.id/foto",
                            title='Foto "kegiatan"'))
    db.session.commit()
    sign_in(client, opd.operator)
    in_english(client)
    shown = page(client.get(f"/innovations/{entry.id}"))
    assert 'aria-label="Delete evidence SK Inovasi">Delete</button>' in shown
    assert 'aria-label="Delete evidence Foto &#34;kegiatan&#34;">Delete</button>' in shown


def test_the_status_page_shows_the_whole_innovation(client, opd):
    entry = make_entry(opd.competition, opd.dinkes, title="Si-Sehat", urusan_terkait="Kependudukan",
                       category_id=opd.competition.categories[0].id,
                       rancang_bangun=words(320, "posyandu") + "\n\nLangkah kedua.",
                       tujuan="Balita terpantau.",
                       manfaat="Kader mencatat lebih cepat.", hasil="Cakupan naik 20%.",
                       anggaran_rupiah=150_000_000, trial_started_on=date(2025, 1, 6),
                       implemented_on=date(2025, 6, 2))
    change_entry_status(entry, "submit", opd.operator)
    sign_in(client, opd.operator)
    in_english(client)
    shown = page(client.get(f"/innovations/{entry.id}"))
    facts = part(shown, "<dl", "</dl>")
    for text in ("Regional work unit", "Implemented", "Digital", "Public service innovation", "Kesehatan",
                 "Kependudukan", "6 January 2025", "2 June 2025", "Rp 150,000,000", "322 words"):
        assert text in facts, text
    content = part(shown, '<details class="mt-3" id="content">', "</details>")
    assert "Content of the innovation</summary>" in content
    for label, text in (("Design (rancang bangun)", entry.rancang_bangun), ("Goals", "Balita terpantau."),
                        ("Benefits", "Kader mencatat lebih cepat."), ("Results", "Cakupan naik 20%.")):
        text_block = f'<p class="small mb-0 pre-line">{text}</p>'
        assert f"{label}</h3>\n            {text_block}" in content


def test_the_edit_form_shows_the_verifiers_latest_return(client, opd):
    entry = returned_entry(opd, comment="Lengkapi SK.")
    change_entry_status(entry, "resubmit", opd.operator)
    change_entry_status(entry, "return_for_revision", opd.verifier, comment="Foto kegiatan\ntidak terbaca.")
    sign_in(client, opd.operator)
    in_english(client)
    form = page(client.get(f"/innovations/{entry.id}/edit"))
    notes = part(form, '<section class="alert alert-warning" id="return-notes"', "</section>")
    assert "The verifier's notes" in notes and opd.verifier.name in notes
    assert '<div class="pre-line">Foto kegiatan\ntidak terbaca.</div>' in notes
    assert "Lengkapi SK." not in notes
    assert form.index('id="return-notes"') < form.index('<form method="post" novalidate')


def test_a_draft_has_no_return_notes(client, opd):
    entry = make_entry(opd.competition, opd.dinkes, title="Si-Sehat")
    sign_in(client, opd.operator)
    assert 'id="return-notes"' not in page(client.get(f"/innovations/{entry.id}/edit"))


def test_the_form_describes_fields_only_by_what_is_on_the_page(client, opd):
    sign_in(client, opd.operator)
    for response in (client.get(f"/innovations/new/{opd.competition.id}"),
                     client.post(f"/innovations/new/{opd.competition.id}", data=draft_form(title=""))):
        form = page(response)
        described = re.findall(r'aria-describedby="([^"]+)"', form)
        assert described
        for ids in described:
            for id_ in ids.split():
                assert f'id="{id_}"' in form, id_
        assert 'id="inisiator"' in form and 'aria-describedby="inisiator-help"' not in form
    assert 'aria-describedby="title-help title-error"' in form and 'id="title-error"' in form


@pytest.mark.parametrize("typed", ["150.000.000", "150000000"])
def test_the_budget_is_edited_with_thousands_dots(client, opd, typed):
    sign_in(client, opd.operator)
    client.post(f"/innovations/new/{opd.competition.id}", data=draft_form(anggaran_rupiah=typed))
    entry = db.session.scalar(select(Entry))
    assert entry.anggaran_rupiah == 150_000_000
    for language in ("id", "en"):
        client.post("/language", data={"language": language, "next": "/"})
        form = page(client.get(f"/innovations/{entry.id}/edit"))
        assert 'name="anggaran_rupiah" type="text" value="150.000.000"' in form
    # Saved again as shown, it is the same amount.
    response = client.post(f"/innovations/{entry.id}/edit",
                           data=draft_form(version=entry.version, anggaran_rupiah="150.000.000"))
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Entry, entry.id).anggaran_rupiah == 150_000_000


def test_opening_a_notification_reads_the_innovations_notifications_and_viewing_it_writes_nothing(
        client, opd):
    colleague = make_user(opd.competition, "submitter", organisation=opd.dinkes)
    entry = returned_entry(opd)
    other = make_entry(opd.competition, opd.dinkes, title="Lain", status="submitted")
    change_entry_status(other, "return_for_revision", opd.verifier, comment="Lengkapi.")

    def unread(user, about):
        return db.session.scalars(select(Notification).where(
            Notification.user_id == user.id, Notification.entry_id == about.id,
            Notification.read_at.is_(None))).all()

    assert len(unread(opd.operator, entry)) == 1 and len(unread(opd.operator, other)) == 1
    assert len(unread(colleague, entry)) == 1
    sign_in(client, opd.operator)
    assert '2<span class="visually-hidden"> belum dibaca</span>' in page(client.get("/innovations"))
    unread_count = '2<span class="visually-hidden"> belum dibaca</span>'
    assert unread_count in page(client.get(f"/innovations/{entry.id}"))
    notification = unread(opd.operator, entry)[0]
    listed = page(client.get("/notifications"))
    assert (f'<a href="/innovations/{entry.id}" class="list-group-item list-group-item-action fw-semibold"\n'
            f'     data-read-url="/notifications/{notification.id}/open">') in listed
    opened = client.post(f"/notifications/{notification.id}/open")
    assert opened.status_code == 302 and opened.location == f"/innovations/{entry.id}"
    shown = page(client.get(opened.location))
    assert '1<span class="visually-hidden"> belum dibaca</span>' in shown   # only the other one is left
    db.session.expire_all()
    assert unread(opd.operator, entry) == [] and len(unread(opd.operator, other)) == 1
    assert len(unread(colleague, entry)) == 1                          # someone else's stay unread
    assert client.post(f"/notifications/{unread(colleague, entry)[0].id}/open").status_code == 404


def test_every_page_has_the_apps_own_icon(client, opd):
    sign_in(client, opd.operator)
    shown = page(client.get("/innovations"))
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in shown
    with client.get("/static/favicon.svg") as icon:
        assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
        assert icon.data.startswith(b"<svg")


def test_the_classification_is_never_chosen_for_the_operator(client, opd):
    # Found in use: a "Pelayanan Publik" innovation saved as bentuk "tata kelola", the first option.
    sign_in(client, opd.operator)
    blank = page(client.get(f"/innovations/new/{opd.competition.id}"))
    for name in ("inisiator", "tahapan", "jenis", "bentuk"):
        select_html = blank.split(f'name="{name}"')[1].split("</select>")[0]
        first = select_html.split("<option", 2)[1]
        assert first.startswith(' value="">') and "selected" not in select_html, name
    refused = client.post(f"/innovations/new/{opd.competition.id}",
                          data=draft_form(inisiator="", tahapan="", jenis="", bentuk=""))
    assert refused.status_code == 422
    assert page(refused).count("Pilih salah satu.") == 4
    assert db.session.scalar(select(func.count()).select_from(Entry)) == 0


def test_a_receipt_of_what_was_submitted(client, opd):
    entry = make_entry(opd.competition, opd.dinkes, title="Si-Sehat",
                       category_id=opd.competition.categories[0].id)
    sign_in(client, opd.operator)
    assert client.get(f"/innovations/{entry.id}/receipt.pdf").status_code == 404   # not submitted yet
    client.post(f"/innovations/{entry.id}/submit", data={"version": entry.version, "confirmed": "1"})
    shown = page(client.get(f"/innovations/{entry.id}"))
    assert f'href="/innovations/{entry.id}/receipt.pdf"' in shown
    if not pdf_available():
        pytest.skip("PDF needs the Pango system library; .ci/run installs it")
    receipt = client.get(f"/innovations/{entry.id}/receipt.pdf")
    assert receipt.status_code == 200 and receipt.mimetype == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(receipt.data)).pages)
    assert "Tanda terima pengajuan" in text and "Si-Sehat" in text
    assert submission_digest(db.session.get(Entry, entry.id)) in text.replace("\n", "")
    client.post("/logout")
    sign_in(client, opd.other)
    assert client.get(f"/innovations/{entry.id}/receipt.pdf").status_code == 404   # another OPD's


def test_the_receipt_keeps_what_was_submitted_after_a_return(client, opd):
    """Edited after a return, the innovation's receipt still shows the submission it stands for,
    with that submission's digest; resubmitted, the new receipt shows the new content."""
    entry = returned_entry(opd)
    submitted_digest = submission_digest(entry)
    sign_in(client, opd.operator)
    edited = client.post(f"/innovations/{entry.id}/edit",
                         data=draft_form(title="Si-Sehat Plus", version=entry.version,
                                         category_id=opd.competition.categories[0].id))
    assert edited.status_code == 302
    entry = db.session.get(Entry, entry.id)
    assert entry.title == "Si-Sehat Plus" and submission_digest(entry) != submitted_digest
    if not pdf_available():
        pytest.skip("PDF needs the Pango system library; .ci/run installs it")

    def receipt_text() -> str:
        answer = client.get(f"/innovations/{entry.id}/receipt.pdf")
        assert answer.status_code == 200
        return "".join(p.extract_text() for p in PdfReader(io.BytesIO(answer.data)).pages).replace("\n", "")

    text = receipt_text()
    assert "Si-Sehat" in text and "Si-Sehat Plus" not in text
    assert submitted_digest in text and "diubah sejak pengajuan ini" in text
    assert "Dinas Kesehatan" in text and "SK Inovasi" in text and "320 kata" in text
    change_entry_status(entry, "resubmit", opd.operator)
    text = receipt_text()
    assert "Si-Sehat Plus" in text and submission_digest(entry) in text and "diubah" not in text

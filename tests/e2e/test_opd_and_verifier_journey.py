"""An OPD operator and a verifier take one innovation from draft to verified in the browser, in
Bahasa Indonesia: draft, evidence, submit, returned with notes, revised, resubmitted, verified;
then the outbox reaches the operator by e-mail, and the in-app list shows the same news."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from playwright.sync_api import Page, expect
from sqlalchemy import select

from competition.entries.models import RANCANG_BANGUN_MIN_WORDS
from competition.extensions import db
from competition.models import Entry, EntryEvent
from competition.models.types import utcnow
from competition.notifications.operations import SendReport, send_outbox
from tests.e2e.conftest import MAIL_FROM, Inbox, LiveServer, flash, sign_in, sign_out
from tests.factories import make_competition, make_entry, make_organisation, make_user

TITLE = "Antrean Puskesmas Daring"
RANCANG_BANGUN = " ".join(
    f"Langkah {n}: petugas puskesmas mencatat antrean pasien di aplikasi, warga menerima pesan singkat "
    "ketika gilirannya tiba, dan kepala puskesmas memantau waktu tunggu setiap hari."
    for n in range(1, 16))
RETURN_NOTES = "Lengkapi SK penetapan inovasi."
EVIDENCE_CHECK = "Setiap klaim memiliki data dukung yang dapat dibuka dan sesuai"
IDENTITY_CHECK = "Nama, OPD, dan kategori sudah benar"
EVIDENCE_NOTE = "Foto kegiatan belum dilampirkan."
REVISED_HASIL = "Waktu tunggu turun dari 95 menjadi 40 menit; foto kegiatan dilampirkan sebagai tautan."
# A one-page PDF, enough for the type check on upload and for the browser's viewer.
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
       b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
       b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
       b"trailer<</Root 1 0 R>>\n%%EOF\n")


def timeline(page: Page):
    return page.locator("section").filter(has=page.get_by_role("heading", name="Riwayat", exact=True))


def open_from_queue(page: Page) -> None:
    page.get_by_role("link", name="Verifikasi", exact=True).click()
    expect(page.get_by_role("heading", name="Verifikasi", level=1)).to_be_visible()
    row = page.get_by_role("row").filter(has_text=TITLE)
    expect(row).to_contain_text("Dinas Kesehatan")
    row.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", name=TITLE, level=1)).to_be_visible()
    expect(page.locator("main .badge").first).to_have_text("Diajukan")


def test_an_innovation_goes_from_draft_to_verified_through_a_return(
        live_server: LiveServer, browser_page: Page, smtp_inbox: Inbox, tmp_path: Path):
    assert len(RANCANG_BANGUN.split()) >= RANCANG_BANGUN_MIN_WORDS
    competition = make_competition(name="Lomba Inovasi Daerah 2026",
                                   categories=("Tata kelola pemerintahan", "Pelayanan publik"))
    dinkes = make_organisation(competition.region, "Dinas Kesehatan")
    inspektorat = make_organisation(competition.region, "Inspektorat")
    operator = make_user(competition, "submitter", organisation=dinkes, name="Operator Dinkes")
    verifier = make_user(competition, "verifier", organisation=inspektorat, name="Verifikator Inspektorat")
    operator_email = operator.email
    page = browser_page
    today = utcnow().date()

    # The operator drafts the innovation.
    sign_in(page, operator)
    page.get_by_role("link", name="Inovasi kami", exact=True).click()
    expect(page.get_by_role("heading", name="Lomba Inovasi Daerah 2026")).to_be_visible()
    page.get_by_role("link", name="Inovasi baru", exact=True).click()
    expect(page.get_by_role("heading", name="Inovasi baru", level=1)).to_be_visible()
    page.get_by_label("Nama inovasi", exact=True).fill(TITLE)
    page.get_by_label("Kategori", exact=True).select_option(label="Pelayanan publik")
    page.get_by_label("Inisiator", exact=True).select_option(label="Perangkat daerah")
    page.get_by_label("Tahapan", exact=True).select_option(label="Penerapan")
    page.get_by_label("Jenis", exact=True).select_option(label="Digital")
    page.get_by_label("Bentuk", exact=True).select_option(label="Inovasi pelayanan publik")
    page.get_by_label("Urusan pemerintahan", exact=True).fill("Kesehatan")
    page.get_by_label("Urusan terkait", exact=True).fill("Komunikasi dan Informatika")
    page.get_by_label("Waktu uji coba", exact=True).fill((today - timedelta(days=400)).isoformat())
    page.get_by_label("Waktu penerapan", exact=True).fill((today - timedelta(days=200)).isoformat())
    page.get_by_label("Rancang bangun", exact=True).fill(RANCANG_BANGUN)
    page.get_by_label("Tujuan", exact=True).fill("Memangkas waktu tunggu pasien puskesmas.")
    page.get_by_label("Manfaat", exact=True).fill("Warga tidak perlu antre sejak subuh.")
    page.get_by_label("Hasil", exact=True).fill("Waktu tunggu turun dari 95 menjadi 60 menit.")
    page.get_by_label("Anggaran (Rp)", exact=True).fill("150.000.000")
    page.get_by_role("button", name="Simpan draf").click()
    expect(flash(page, "Draf tersimpan. Lampirkan data dukung berikutnya.")).to_be_visible()
    expect(page.get_by_role("heading", name=TITLE, level=1)).to_be_visible()
    expect(page.get_by_text("Rp 150.000.000", exact=True)).to_be_visible()
    expect(page.get_by_text(f"{len(RANCANG_BANGUN.split())} kata")).to_be_visible()

    # Without evidence it cannot be submitted, and the button says why.
    submit = page.get_by_role("button", name="Ajukan", exact=True)
    expect(submit).to_be_disabled()
    expect(submit).to_have_accessible_description("belum lengkap: belum ada data dukung")

    pdf = tmp_path / "sk-penerapan.pdf"
    pdf.write_bytes(PDF)
    page.get_by_label("Berkas", exact=True).set_input_files(pdf)
    page.get_by_label("Indikator yang didukung", exact=True).fill("SK penerapan inovasi")
    page.get_by_role("button", name="Unggah").click()
    expect(flash(page, "1 data dukung ditambahkan.")).to_be_visible()
    expect(page.get_by_role("link", name="sk-penerapan.pdf")).to_be_visible()
    expect(page.get_by_role("progressbar", name="Kelengkapan")).to_have_attribute("aria-valuenow", "100")
    expect(page.get_by_text("Semua yang dibutuhkan verifikator sudah terisi.")).to_be_visible()
    submit.click()
    # What goes to the verifier, to read before it goes.
    expect(page.get_by_role("heading", name="Periksa sebelum mengajukan", level=1)).to_be_visible()
    expect(page.locator("#summary")).to_contain_text("sk-penerapan.pdf")
    page.get_by_role("button", name="Ya, ajukan", exact=True).click()
    expect(flash(page, "Selesai: inovasi sekarang diajukan.")).to_be_visible()
    expect(page.get_by_role("link", name="Tanda terima pengajuan (PDF)", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Ajukan", exact=True)).to_have_count(0)
    sign_out(page, operator)

    # The verifier returns it: first without a reason (refused), then with notes.
    sign_in(page, verifier)
    open_from_queue(page)
    expect(page.get_by_title("sk-penerapan.pdf")).to_be_visible()   # the PDF shown in place
    give_back = page.get_by_role("button", name="Kembalikan untuk perbaikan")
    page.get_by_label(IDENTITY_CHECK, exact=True).check()
    page.get_by_label(f"Catatan: {EVIDENCE_CHECK}", exact=True).fill(EVIDENCE_NOTE)
    give_back.click()   # a checklist note is no reason: the reason box is
    expect(flash(page, "Tulis alasan untuk OPD di kotak alasan")).to_be_visible()
    expect(page.get_by_label(IDENTITY_CHECK, exact=True)).to_be_checked()   # kept for the second try
    expect(page.get_by_label(f"Catatan: {EVIDENCE_CHECK}", exact=True)).to_have_value(EVIDENCE_NOTE)
    page.get_by_label("Alasan / catatan untuk OPD", exact=True).fill(RETURN_NOTES)
    give_back.click()
    expect(flash(page, f"'{TITLE}' sekarang dikembalikan.")).to_be_visible()
    expect(page.get_by_role("heading", name="Verifikasi", level=1)).to_be_visible()
    expect(page.get_by_role("link", name=TITLE)).to_have_count(0)    # no longer waiting
    sign_out(page, verifier)

    # The operator reads the notes, revises and resubmits.
    sign_in(page, operator)
    expect(page.get_by_role("link", name="Notifikasi 1 belum dibaca", exact=True)).to_be_visible()
    page.get_by_role("link", name="Inovasi kami", exact=True).click()
    listed = page.get_by_role("link").filter(has_text=TITLE)
    expect(listed).to_contain_text("Dikembalikan")
    listed.click()
    expect(page.get_by_role("heading", name=TITLE, level=1)).to_be_visible()
    notifications = page.get_by_role("link", name="Notifikasi 1 belum dibaca", exact=True)
    expect(notifications).to_be_visible()                         # viewing changes nothing
    notifications.click()
    page.locator("#notifications").get_by_role("link").filter(has_text=TITLE).click()   # and reads it
    expect(page.get_by_role("heading", name=TITLE, level=1)).to_be_visible()
    expect(page.get_by_role("link", name="Notifikasi", exact=True)).to_be_visible()
    expect(timeline(page)).to_contain_text(RETURN_NOTES)
    expect(timeline(page)).to_contain_text(f"✓ {IDENTITY_CHECK}")
    expect(timeline(page)).to_contain_text(f"{EVIDENCE_CHECK}: {EVIDENCE_NOTE}")
    expect(timeline(page)).to_contain_text("Verifikator Inspektorat")
    page.get_by_role("link", name="Ubah", exact=True).click()
    expect(page.get_by_role("heading", name="Ubah draf", level=1)).to_be_visible()
    return_notes = page.locator("#return-notes")          # the verifier's notes above the form
    expect(return_notes).to_contain_text(RETURN_NOTES)
    expect(return_notes).to_contain_text(f"{EVIDENCE_CHECK}: {EVIDENCE_NOTE}")
    expect(return_notes).to_contain_text("Verifikator Inspektorat")
    expect(page.get_by_label("Rancang bangun", exact=True)).to_have_value(RANCANG_BANGUN)
    page.get_by_label("Hasil", exact=True).fill(REVISED_HASIL)
    page.get_by_role("button", name="Simpan draf").click()
    expect(flash(page, "Draf tersimpan.")).to_be_visible()
    page.get_by_label("Atau tautan (video, halaman terbit)", exact=True).fill(
        "https://dinkes.example.go.id/foto-kegiatan")
    page.get_by_label("Judul tautan", exact=True).fill("Foto kegiatan")
    page.get_by_role("button", name="Unggah").click()
    expect(flash(page, "1 data dukung ditambahkan.")).to_be_visible()
    page.get_by_role("button", name="Perbaiki dan ajukan ulang").click()
    page.get_by_role("button", name="Ya, ajukan ulang", exact=True).click()
    expect(flash(page, "Selesai: inovasi sekarang diajukan.")).to_be_visible()
    sign_out(page, operator)

    # The verifier sees the revision and verifies.
    sign_in(page, verifier)
    open_from_queue(page)
    expect(page.get_by_text(REVISED_HASIL)).to_be_visible()
    expect(page.get_by_role("link", name="https://dinkes.example.go.id/foto-kegiatan")).to_be_visible()
    page.get_by_role("button", name="Verifikasi", exact=True).click()
    expect(flash(page, f"'{TITLE}' sekarang terverifikasi.")).to_be_visible()
    sign_out(page, verifier)

    db.session.expire_all()
    entry = db.session.scalars(select(Entry).where(Entry.title == TITLE)).one()
    assert (entry.status, entry.hasil, entry.anggaran_rupiah) == ("verified", REVISED_HASIL, 150_000_000)
    assert [e.kind for e in entry.evidence] == ["file", "link"]
    events = db.session.scalars(select(EntryEvent).where(EntryEvent.entry_id == entry.id)
                                .order_by(EntryEvent.id)).all()
    assert [e.trigger for e in events] == ["submit", "return_for_revision", "resubmit", "verify"]

    # The outbox goes to the SMTP server: the return and the verification, to the operator.
    assert smtp_inbox.messages == []                  # the requests only queued them
    assert send_outbox() == SendReport(sent=2, failed=0)
    returned, verified = smtp_inbox.to(operator_email)
    assert len(smtp_inbox.messages) == 2
    # A long subject is folded onto a continuation line, which Python reads back with its space.
    assert returned["Subject"].strip() == f'[Anugerah] Inovasi "{TITLE}" dikembalikan untuk perbaikan'
    assert verified["Subject"].strip() == f'[Anugerah] Inovasi "{TITLE}" terverifikasi'
    assert returned["From"] == verified["From"] == MAIL_FROM
    link = f"{live_server.url}/innovations/{entry.id}"
    returned_body = returned.get_content()
    assert f'Verifikator mengembalikan inovasi "{TITLE}" untuk diperbaiki.' in returned_body
    assert RETURN_NOTES in returned_body and f"{EVIDENCE_CHECK}: {EVIDENCE_NOTE}" in returned_body
    assert f"✓ {IDENTITY_CHECK}" in returned_body
    assert f"Buka inovasi: {link}" in returned_body
    verified_body = verified.get_content()
    assert f'Inovasi "{TITLE}" telah diverifikasi.' in verified_body
    assert f"Buka inovasi: {link}" in verified_body

    # The link in the e-mail opens the innovation (reading a page changes nothing, so its news
    # stays unread until opened from the list); the in-app list has both.
    sign_in(page, operator)
    expect(page.get_by_role("link", name="Notifikasi 1 belum dibaca", exact=True)).to_be_visible()
    page.goto(link)
    expect(page.get_by_role("heading", name=TITLE, level=1)).to_be_visible()
    expect(page.locator("main .badge").first).to_have_text("Terverifikasi")
    page.get_by_role("link", name="Notifikasi 1 belum dibaca", exact=True).click()
    expect(page.get_by_role("heading", name="Notifikasi", level=1)).to_be_visible()
    expect(page.locator("main .list-group-item")).to_contain_text([
        f'Inovasi "{TITLE}" terverifikasi', f'Inovasi "{TITLE}" dikembalikan untuk perbaikan'])
    unread = page.locator("main .list-group-item.fw-semibold")             # the unread one stands out
    expect(unread).to_have_count(1)
    expect(unread).to_contain_text(f'Inovasi "{TITLE}" terverifikasi')
    page.get_by_role("button", name="Tandai semua sudah dibaca").click()
    expect(page.locator("main .list-group-item.fw-semibold")).to_have_count(0)
    expect(page.get_by_role("link", name="Notifikasi", exact=True)).to_be_visible()


REJECT_REASON = "Inovasi ini sama dengan inovasi tahun lalu yang sudah dinilai; tidak ada pembaruan."


def test_a_verifier_rejects_only_with_a_reason_and_after_confirming(live_server: LiveServer,
                                                                     browser_page: Page):
    """Found in use: a checklist note alone counted as the reason, and "Tolak" rejected for good at
    once. The reason box is required, and a confirmation page shows the reason first."""
    competition = make_competition(name="Lomba Inovasi Daerah 2026", phase="verification")
    dinkes = make_organisation(competition.region, "Dinas Kesehatan")
    inspektorat = make_organisation(competition.region, "Inspektorat")
    verifier = make_user(competition, "verifier", organisation=inspektorat, name="Verifikator Inspektorat")
    entry = make_entry(competition, dinkes, status="submitted", title=TITLE, submitted_at=utcnow())
    db.session.commit()
    page = browser_page
    sign_in(page, verifier)
    open_from_queue(page)
    reject = page.get_by_role("button", name="Tolak", exact=True)

    page.get_by_label(IDENTITY_CHECK, exact=True).check()
    page.get_by_label(f"Catatan: {IDENTITY_CHECK}", exact=True).fill("catatan penting 1")
    reject.click()   # a checklist note is no reason
    expect(flash(page, "Tulis alasan untuk OPD di kotak alasan")).to_be_visible()
    expect(page.get_by_label(f"Catatan: {IDENTITY_CHECK}", exact=True)).to_have_value("catatan penting 1")

    page.get_by_label("Alasan / catatan untuk OPD", exact=True).fill(REJECT_REASON)
    reject.click()
    expect(page.get_by_role("heading", name=f"Tolak '{TITLE}' secara permanen?", level=1)).to_be_visible()
    expect(page.locator("#reason")).to_contain_text(REJECT_REASON)
    db.session.expire_all()
    assert db.session.get(Entry, entry.id).status == "submitted"   # nothing happened yet

    page.get_by_role("button", name="Kembali ke pemeriksaan", exact=True).click()   # second thoughts
    expect(page.get_by_role("heading", name=TITLE, level=1)).to_be_visible()
    expect(page.get_by_label("Alasan / catatan untuk OPD", exact=True)).to_have_value(REJECT_REASON)
    expect(page.get_by_label(IDENTITY_CHECK, exact=True)).to_be_checked()
    reject.click()
    page.get_by_role("button", name="Ya, tolak", exact=True).click()
    expect(flash(page, f"'{TITLE}' sekarang ditolak.")).to_be_visible()
    expect(page.get_by_role("heading", name="Verifikasi", level=1)).to_be_visible()

    db.session.expire_all()
    rejected = db.session.get(Entry, entry.id)
    event = db.session.scalars(select(EntryEvent).where(EntryEvent.entry_id == entry.id)
                               .order_by(EntryEvent.id.desc())).first()
    assert (rejected.status, event.trigger) == ("rejected", "reject")
    assert event.comment.startswith(REJECT_REASON)
    assert f"✓ {IDENTITY_CHECK}: catatan penting 1" in event.comment

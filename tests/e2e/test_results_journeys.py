"""Two organiser journeys around the results, in Chromium:

- a tie settled by the organiser, then changed before sealing (the form used to disappear once a
  decision was recorded), and locked once the results are sealed with it;
- the certificate settings: a wrong NIP refused by name with nothing saved, then the signatories,
  place, date and a logo saved, and the preview PDF carrying them.

The competition is that of tests/results/test_views.py: three OPDs level at 75 on OPD
Terinovatif, the heaviest criterion putting Dinas Kesehatan first and nothing separating Dinas
Pendidikan (Sekolah Pintar) from Dinas Kominfo (Lapor Cepat) at place 2.
"""

from __future__ import annotations

import io
import subprocess

import pytest
from PIL import Image
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from competition.extensions import db
from competition.models import AuditEvent, TieDecision
from tests.e2e.conftest import LiveServer, flash, sign_in
from tests.results.test_views import Contest

pytestmark = pytest.mark.usefixtures("live_server")


@pytest.fixture
def contest(live_server: LiveServer) -> Contest:
    made = Contest(name="Lomba Inovasi Daerah Kota Kediri 2026")
    db.session.commit()
    return made


def decide(page: Page, contest: Contest, first: str, reason: str) -> None:
    """Fill the tie form at place 2, putting the OPD of ``first`` first."""
    group = page.locator(f"#tie-{contest.award.id}-2")
    for title in ("Sekolah Pintar", "Lapor Cepat"):
        group.locator(f"input[name='order-{contest.opd(title).id}']").fill("1" if title == first else "2")
    group.get_by_label("Alasan (wajib)").fill(reason)
    group.get_by_role("button", name="Catat keputusan", exact=True).click()


def ranking(page: Page, contest: Contest) -> list[str]:
    rows = page.locator(f"#award-{contest.award.id} li[id^='award-{contest.award.id}-subject-']")
    return [row.get_attribute("id").rsplit("-", 1)[1] for row in rows.all()]


def test_the_organiser_changes_a_tie_decision_until_the_results_are_sealed(browser_page: Page,
                                                                          contest: Contest):
    page = browser_page
    kesehatan, pintar, lapor = (str(contest.opd(t).id) for t in ("Si-Sehat", "Sekolah Pintar", "Lapor Cepat"))
    sign_in(page, contest.organiser)
    page.goto(f"/manage/{contest.competition.id}/results")
    group = page.locator(f"#tie-{contest.award.id}-2")
    expect(group).to_contain_text("Nilai sama di peringkat 2")

    decide(page, contest, "Lapor Cepat", "Rapat pleno dewan juri, 12 Desember")
    expect(flash(page, "Keputusan dicatat")).to_be_visible()
    expect(group).to_contain_text("Diurutkan panitia mulai peringkat 2")
    expect(group).to_contain_text("Rapat pleno dewan juri, 12 Desember")
    assert ranking(page, contest) == [kesehatan, lapor, pintar]

    # Still changeable: the form is behind "Ubah keputusan" until the results are sealed.
    group.get_by_text("Ubah keputusan (sampai hasil dikunci)").click()
    decide(page, contest, "Sekolah Pintar", "Rapat pleno kedua, 14 Desember")
    expect(flash(page, "Keputusan dicatat")).to_be_visible()
    expect(group).to_contain_text("Rapat pleno kedua, 14 Desember")
    assert ranking(page, contest) == [kesehatan, pintar, lapor]
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)
                             .where(AuditEvent.kind == "tie.decided")) == 2

    contest.close_judging()
    db.session.commit()
    page.goto(f"/manage/{contest.competition.id}/results/seal")
    page.get_by_role("button", name="Tetapkan hasil sebagai versi 1", exact=True).click()
    page.goto(f"/manage/{contest.competition.id}/results")
    expect(group).to_contain_text("Sudah dikunci dengan keputusan ini: tidak dapat diubah lagi.")
    expect(group.get_by_role("button", name="Catat keputusan")).to_have_count(0)
    db.session.expire_all()
    assert {d.subject_id: d.rank for d in db.session.scalars(select(TieDecision))} == {
        int(pintar): 1, int(lapor): 2}


def logo_png() -> bytes:
    image = Image.new("RGB", (120, 120), (180, 30, 40))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def test_the_organiser_sets_up_the_certificates_and_previews_one(browser_page: Page, contest: Contest,
                                                                 live_server: LiveServer, tmp_path):
    page = browser_page
    contest.close_judging()
    db.session.commit()
    sign_in(page, contest.organiser)
    page.goto(f"/manage/{contest.competition.id}/ceremony")
    page.get_by_role("link", name="Pengaturan piagam").first.click()
    expect(page.get_by_role("status")).to_contain_text("Penanda tangan belum diatur")

    page.locator("#signatory_name").fill("H. Abdullah Abu Bakar, S.E.")
    page.locator("#signatory_title").fill("Wali Kota Kediri")
    page.locator("#second_name").fill("Dr. Ir. Siti Rahmawati, M.T.")
    page.locator("#second_title").fill("Kepala Bappeda Kota Kediri")
    page.locator("#second_nip").fill("19700101 199003 2 00")   # 17 digits
    page.locator("#place").fill("Kediri")
    page.locator("#ceremony_date").fill("2026-12-17")
    logo = tmp_path / "logo-kediri.png"
    logo.write_bytes(logo_png())
    page.locator("#logo").set_input_files(str(logo))
    page.get_by_role("button", name="Simpan", exact=True).click()
    alert = page.get_by_role("alert").filter(has_text="Tidak ada yang tersimpan")
    expect(alert).to_contain_text("NIP penanda tangan kedua")
    expect(page.locator("#second_nip")).to_have_class("form-control is-invalid")
    expect(page.locator("#signatory_name")).to_have_value("H. Abdullah Abu Bakar, S.E.")   # kept to correct

    page.locator("#second_nip").fill("19700101 199003 2 001")
    page.locator("#logo").set_input_files(str(logo))
    page.get_by_role("button", name="Simpan", exact=True).click()
    expect(flash(page, "Pengaturan piagam tersimpan")).to_be_visible()
    expect(page.locator("#logo-current")).to_contain_text("logo-kediri.png")

    preview = page.get_by_role("link", name="Lihat contoh piagam (PDF)")
    assert preview.get_attribute("target") == "_blank"
    answer = page.request.get(preview.get_attribute("href"))
    assert answer.status == 200 and answer.headers["content-type"] == "application/pdf"
    pdf = tmp_path / "contoh.pdf"
    pdf.write_bytes(answer.body())
    text = " ".join(subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())
    for printed in ("H. Abdullah Abu Bakar, S.E.", "Wali Kota Kediri", "Dr. Ir. Siti Rahmawati, M.T.",
                    "NIP. 19700101 199003 2 001", "Kediri, 17 Desember 2026"):
        assert printed in text, (printed, text)
    images = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True,
                            check=True).stdout.splitlines()[2:]
    assert len(images) == 1   # the logo

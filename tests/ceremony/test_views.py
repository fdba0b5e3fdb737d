"""The ceremony pages through the HTTP client: the run-sheet per award of the latest sealed
version, its downloads (CSV, XLSX, PDF, certificates), and the projector's reveal."""

from __future__ import annotations

import csv
import io
import re
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from competition.extensions import db
from competition.results.models import DEFAULT_AWARD_CITATION
from competition.results.operations import publish_results, seal_results
from tests.conftest import needs_pdf
from tests.factories import make_competition, make_user
from tests.results.test_views import Contest
from tests.web.pages import page, sign_in

CHROMIUM = Path("/usr/bin/chromium")

# Six OPDs, one innovation each; both judges give the same value on both criteria, so each
# innovation's score is that value and each OPD's OPD Terinovatif score is value / 3 + 1.
SIX = {
    ("Sapa Warga", "Dinas Komunikasi dan Informatika"): ([90, 90], [90, 90]),   # 31.00, Juara I
    ("Posyandu Digital", "Puskesmas Ngletih"): ([85, 85], [85, 85]),            # 29.33, Juara II
    ("Izin Kilat", "DPMPTSP"): ([80, 80], [80, 80]),                            # 27.67, Juara III
    ("Satu Data", "Bappeda"): ([75, 75], [75, 75]),                             # 26.00, Juara IV
    ("Sekolah Pintar", "Dinas Pendidikan"): ([70, 70], [70, 70]),               # 24.33, Juara V
    ("Bansos Tepat", "Dinas Sosial"): ([65, 65], [65, 65]),                     # 22.67, no position
}
REVEALED = [("Juara V", "Dinas Pendidikan", "Sekolah Pintar", "24.33"),
            ("Juara IV", "Bappeda", "Satu Data", "26.00"),
            ("Juara III", "DPMPTSP", "Izin Kilat", "27.67"),
            ("Juara II", "Puskesmas Ngletih", "Posyandu Digital", "29.33"),
            ("Juara I", "Dinas Komunikasi dan Informatika", "Sapa Warga", "31.00")]
INNOVATION_SCORE = {"Sekolah Pintar": "70.00", "Satu Data": "75.00", "Izin Kilat": "80.00",
                    "Posyandu Digital": "85.00", "Sapa Warga": "90.00"}


@pytest.fixture
def sealed(app):
    contest = Contest(SIX, name="Lomba Inovasi Daerah Kota Kediri 2026")
    contest.award.citation = DEFAULT_AWARD_CITATION
    db.session.commit()
    contest.close_judging()
    contest.result_set = seal_results(contest.competition, contest.organiser)
    return contest


def url(contest, path=""):
    return f"/manage/{contest.competition.id}/ceremony{path}"


def test_the_run_sheet_lists_winners_in_reveal_order(client, sealed):
    sign_in(client, sealed.organiser)
    html = page(client.get(url(sealed)))
    assert "From version 1 of the results" in html and "not published yet" in html
    rows = re.findall(r'<tr data-reveal="(\d)" data-position="(\d)">\s*<td>\d</td>\s*<td[^>]*><span[^>]*>'
                      r"(Juara [IV]+)</span></td>\s*<td>([^<]+)</td>\s*<td[^>]*>(.*?)</td>\s*"
                      r"<td[^>]*>([^<]+)</td>", html, re.S)
    # An OPD's place is the OPD's: the row names the OPD and the innovations that counted, each
    # with its own score, next to the OPD's score.
    assert [(reveal, position, juara, opd, re.findall(r'data-counted="\d+">([^<]+)</span>', counted), score)
            for reveal, position, juara, opd, counted, score in rows] == [
        (str(n), str(6 - n), juara, opd, [f"{innovation} ({INNOVATION_SCORE[innovation]})"], score)
        for n, (juara, opd, innovation, score) in enumerate(REVEALED, start=1)]
    assert ("Juara I OPD Terinovatif: Dinas Komunikasi dan Informatika, dengan 1 inovasi: Sapa Warga. "
            + DEFAULT_AWARD_CITATION) in html
    assert "dengan inovasi Sapa Warga" not in html
    assert "Dinas Sosial" not in html
    award = sealed.award.id
    for link in ("run-sheet.csv", "run-sheet.xlsx"):
        assert f'href="{url(sealed, f"/awards/{award}/{link}")}"' in html
    for document in ("run_sheet", "certificates"):  # made in the background, followed on the job's page
        assert f'action="{url(sealed, f"/awards/{award}/{document}/job")}"' in html
    assert f'href="{url(sealed, "/reveal")}"' in html


def test_the_run_sheet_downloads(client, sealed):
    sign_in(client, sealed.organiser)
    base = url(sealed, f"/awards/{sealed.award.id}")
    name = "lomba-inovasi-daerah-kota-kediri-2026-opd-terinovatif-v1"

    response = client.get(f"{base}/run-sheet.csv")
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == f"attachment; filename=susunan-acara-{name}.csv"
    text = response.get_data(as_text=True)
    assert not text.startswith("\ufeff")   # for machines: plain UTF-8 with a header row
    table = list(csv.reader(io.StringIO(text)))
    assert table[0] == ["Urutan", "Peringkat", "Penerima", "OPD", "Inovasi", "Jumlah inovasi", "Nilai",
                        "Kutipan", "Nomor piagam"]
    year = sealed.competition.year
    assert [row[:7] + row[8:] for row in table[1:]] == [
        [str(n), position, opd, opd, f"{innovation} ({INNOVATION_SCORE[innovation]})", "1", score,
         f"{year}/01/0{6 - n}/V1"]
        for n, (position, opd, innovation, score) in enumerate(REVEALED, start=1)]

    response = client.get(f"{base}/run-sheet.xlsx")
    assert response.headers["Content-Disposition"] == f"attachment; filename=susunan-acara-{name}.xlsx"
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert sheet.title == "Susunan acara"
    assert sheet["A1"].value == f"OPD Terinovatif – {sealed.competition.name}"
    assert [cell.value for cell in sheet[3]][:7] == [1, "Juara V", "Dinas Pendidikan", "Dinas Pendidikan",
                                                     "Sekolah Pintar (70.00)", 1, 24.33]
    assert [cell.value for cell in sheet[7]][:7] == [5, "Juara I", "Dinas Komunikasi dan Informatika",
                                                     "Dinas Komunikasi dan Informatika", "Sapa Warga (90.00)",
                                                     1, 31]
    assert {sheet.cell(row=r, column=7).number_format for r in range(3, 8)} == {"0.00"}


@needs_pdf
def test_the_run_sheet_and_certificates_download_as_pdf(client, sealed):
    sign_in(client, sealed.organiser)
    base = url(sealed, f"/awards/{sealed.award.id}")
    name = "lomba-inovasi-daerah-kota-kediri-2026-opd-terinovatif-v1"
    response = client.get(f"{base}/run-sheet.pdf")
    assert response.mimetype == "application/pdf" and response.data.startswith(b"%PDF")
    assert response.headers["Content-Disposition"] == f"attachment; filename=susunan-acara-{name}.pdf"
    response = client.get(f"{base}/certificates.pdf")
    assert response.mimetype == "application/pdf" and response.data.startswith(b"%PDF")
    assert response.headers["Content-Disposition"] == f"attachment; filename=piagam-{name}.pdf"


def test_without_pango_a_pdf_is_refused_naming_the_system_package(client, sealed, monkeypatch, runner,
                                                                   tmp_path):
    """WeasyPrint needs Pango from the system; without it every page still works and a PDF asked
    for says which package to install, in the page's language and on the command line."""
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # as if it could not be imported
    sign_in(client, sealed.organiser)
    base = url(sealed, f"/awards/{sealed.award.id}")
    for link in ("run-sheet.pdf", "certificates.pdf"):
        response = client.get(f"{base}/{link}")
        assert response.status_code == 503
        assert "libpango-1.0-0" in page(response) and "Pango" in page(response)
    assert client.get(f"{base}/run-sheet.csv").status_code == 200
    assert client.get(url(sealed, "")).status_code == 200
    result = runner.invoke(args=["results", "export", str(sealed.competition.id), "--format", "pdf",
                                 "--output", str(tmp_path / "acara.pdf")])
    assert result.exit_code == 1 and "apt-get install libpango-1.0-0" in result.output
    assert not (tmp_path / "acara.pdf").exists()


def test_the_reveal_holds_every_position_from_last_to_first_hidden(client, sealed):
    publish_results(sealed.result_set, sealed.organiser)
    sign_in(client, sealed.organiser)
    html = page(client.get(url(sealed, "/reveal")))
    assert "navbar" not in html and "bootstrap" not in html  # its own layout
    assert "http://" not in html and "https://" not in html  # nothing from elsewhere
    slides = re.findall(r"<section class=\"slide ([\w-]+)[^\"]*\"[^>]*?(hidden)?\s*"
                        r"data-announce=\"([^\"]*)\"", html)
    assert [kind for kind, _, _ in slides] == ["slide-cover", "slide-award", *["slide-winner"] * 5,
                                               "slide-cover"]
    assert [hidden for _, hidden, _ in slides] == ["", *["hidden"] * 7]
    assert slides[1][2] == "OPD Terinovatif"
    assert [announce for _, _, announce in slides[2:7]] == [
        f"{position}: {opd}" for position, opd, _, _ in REVEALED]
    assert re.findall(r'data-position="(\d)"', html) == ["5", "4", "3", "2", "1"]
    for _, opd, innovation, _ in REVEALED:
        assert f'<h2 class="winner">{opd}</h2>' in html and innovation in html
    assert "Dinas Sosial" not in html
    assert 'aria-live="assertive"' in html and 'id="fullscreen"' in html
    assert '<script src="/static/ceremony/reveal.js"></script>' in html


def static(client, path: str) -> str:
    with client.get(f"/static/{path}") as response:
        assert response.status_code == 200, path
        return page(response)


def test_the_reveal_script_answers_the_presenters_keys(client, sealed):
    script = static(client, "ceremony/reveal.js")
    for key in ('"ArrowRight"', '"PageDown"', '" "', '"Enter"', '"ArrowLeft"', '"PageUp"'):
        assert key in script
    assert "requestFullscreen" in script and "fetch(" not in script and "XMLHttpRequest" not in script
    assert ".slide[hidden]" in static(client, "ceremony/reveal.css")


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's Chromium at /usr/bin/chromium")
def test_the_reveal_moves_with_the_keys_in_a_browser(client, sealed):
    from playwright.sync_api import sync_playwright

    sign_in(client, sealed.organiser)
    html = page(client.get(url(sealed, "/reveal")))
    script = static(client, "ceremony/reveal.js")
    html = html.replace('<script src="/static/ceremony/reveal.js"></script>', f"<script>{script}</script>")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                             args=["--headless", "--no-sandbox", "--disable-gpu"])
        try:
            view = browser.new_page()
            view.set_content(html)

            def showing() -> str:
                return view.locator("[data-slide]:not([hidden])").inner_text()

            assert "Awards ceremony" in showing()
            view.keyboard.press("PageDown")
            assert "OPD Terinovatif" in showing()
            seen = []
            for key in ("ArrowRight", "Space", "Enter", "PageDown", "ArrowRight"):
                view.keyboard.press(key)
                seen.append(view.locator("[data-slide]:not([hidden]) .position").inner_text())
            assert seen == ["Juara V", "Juara IV", "Juara III", "Juara II", "Juara I"]
            assert view.locator("#announcer").inner_text() == "Juara I: Dinas Komunikasi dan Informatika"
            view.keyboard.press("PageUp")
            view.keyboard.press("ArrowLeft")
            assert view.locator("[data-slide]:not([hidden]) .position").inner_text() == "Juara III"
            assert view.locator("[data-slide]:not([hidden])").count() == 1
        finally:
            browser.close()


def test_without_a_sealed_version_there_is_nothing_to_announce(client, app):
    contest = Contest(SIX)
    sign_in(client, contest.organiser)
    assert "There is no sealed version of the results yet." in page(client.get(url(contest)))
    reveal = page(client.get(url(contest, "/reveal")))
    assert "Nothing to reveal yet" in reveal and "data-position" not in reveal
    assert client.get(url(contest, f"/awards/{contest.award.id}/run-sheet.csv")).status_code == 404
    assert client.get(url(contest, f"/awards/{contest.award.id}/certificates.pdf")).status_code == 404


def test_only_the_competitions_organisers_reach_the_ceremony(client, sealed):
    award = sealed.award.id
    urls = [url(sealed), url(sealed, "/reveal"), url(sealed, f"/awards/{award}/run-sheet.csv"),
            url(sealed, f"/awards/{award}/run-sheet.xlsx"), url(sealed, f"/awards/{award}/certificates.pdf")]
    for address in urls:
        response = client.get(address)
        assert response.status_code == 302 and "/login" in response.headers["Location"], address
    elsewhere = make_competition(name="Lomba Kabupaten Tetangga")
    stranger = make_user(elsewhere, "organiser", name="Panitia Tetangga")
    for user in (sealed.judges[0], sealed.verifier, sealed.operator, stranger):
        client.post("/logout")
        sign_in(client, user)
        for address in urls:
            assert client.get(address).status_code == 403, (user.name, address)
    client.post("/logout")
    sign_in(client, sealed.organiser)
    assert client.get("/manage/999999/ceremony").status_code == 404
    assert client.get(url(sealed, f"/awards/{elsewhere.awards[0].id}/run-sheet.csv")).status_code == 404
    assert client.get(url(sealed, f"/awards/{award}/run-sheet.doc")).status_code == 404


def test_a_title_that_looks_like_a_formula_stays_text_in_the_run_sheet(client, app):
    """An innovation titled =HYPERLINK(…) became a live formula in the run-sheet's XLSX and a raw
    field in its CSV."""
    formula = '=HYPERLINK("http://evil.example","Klik")'
    contest = Contest({(formula, "Dinas Komunikasi dan Informatika"): ([90, 90], [90, 90]),
                       ("Posyandu Digital", "Puskesmas Ngletih"): ([80, 80], [80, 80])})
    contest.close_judging()
    seal_results(contest.competition, contest.organiser)
    sign_in(client, contest.organiser)
    base = f"/manage/{contest.competition.id}/ceremony/awards/{contest.award.id}"
    table = list(csv.reader(io.StringIO(page(client.get(f"{base}/run-sheet.csv")))))
    cells = [cell for row in table[1:] for cell in row]
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)
    assert any(cell.startswith("'=HYPERLINK") or "=HYPERLINK" in cell for cell in cells)
    sheet = load_workbook(io.BytesIO(client.get(f"{base}/run-sheet.xlsx").data)).active
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)

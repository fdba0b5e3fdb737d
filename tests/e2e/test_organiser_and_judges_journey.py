"""An organiser and two judges take a competition from set-up to the ceremony in the browser, in
Bahasa Indonesia: the organiser creates it with two judging rounds, opens submissions, moves it
through verification into judging, sets up panels with automatic assignment; the judges score,
move on, confirm and one declares a conflict of interest; the organiser closes both rounds,
decides the tie no rule separates, seals, publishes and runs the reveal; the public sees the
winners without signing in.

The innovations themselves are entered and verified through the services (the OPD's and the
verifier's pages have a journey of their own).

The scores, worked out by hand. Round 1 "Penilaian administrasi": Kebaruan (weight 60) and
Kemanfaatan (weight 40), both 0–100, so a judge's total is 0,6 × Kebaruan + 0,4 × Kemanfaatan;
the top 4 move on. Round 2 "Presentasi": one criterion, 0–100, so the total is the value. Both
rounds weigh 1 and combine the judges by the mean; an innovation's final score is the mean of the
rounds it was scored in. Ratna judges everything but Parkir Nontunai (she declares a conflict);
Bambang works at the Dinas Lingkungan Hidup, so never judges its Bank Sampah Kelurahan.

  innovation (OPD)                 round 1: Ratna / Bambang            round 2: Ratna / Bambang  final
  Antrean Puskesmas (Kesehatan)    (90,80)=86 / (80,90)=84 → 85        90 / 88 → 89              87
  Rapor Digital (Pendidikan)       (55,60)=57 / (55,60)=57 → 57        stops                     57
  Akta Sekali Jalan (Dukcapil)     (80,70)=76 / (70,80)=74 → 75        88 / 86 → 87              81
  Bansos Tepat Sasaran (Sosial)    (55,60)=57 / (55,60)=57 → 57        stops                     57
  Parkir Nontunai (Perhubungan)         – / (70,70)=70 → 70             – / 62 → 62               66
  Bank Sampah (Lingkungan Hidup)   (80,80)=80 / –      → 80            70 / –  → 70              75

Round 1 ranks 85, 80, 75, 70, 57, 57: the four above 57 move on. "OPD Terinovatif" (OPDs, 5
positions) scores an OPD with one innovation as score ÷ max(k=3, 1) + 1 bonus point:
Kesehatan 87/3+1 = 30, Dukcapil 81/3+1 = 28, Lingkungan Hidup 75/3+1 = 26, Perhubungan
66/3+1 = 23, Pendidikan and Sosial 57/3+1 = 20 each. Those two are level on every rule of the
chain: the same values from the same judges (so the same share on the heaviest criterion, no top
marks) and the same moment of submission. The organiser places Dinas Sosial first: Juara V.
"""

from __future__ import annotations

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import Page, expect
from sqlalchemy import select

from competition.entries.models import RANCANG_BANGUN_MIN_WORDS
from competition.entries.operations import change_entry_status
from competition.extensions import db
from competition.models import Award, Competition, Entry, ResultSet
from competition.models.types import utcnow
from competition.people.operations import grant_role
from tests.e2e.conftest import LiveServer, flash, open_menu, sign_in, sign_out, snapshot
from tests.factories import make_competition, make_entry, make_organisation, make_region, make_user

WIB = ZoneInfo("Asia/Jakarta")
REVEAL_KEYS = ("PageDown", "ArrowRight")

KESEHATAN, PENDIDIKAN, DUKCAPIL = ("Dinas Kesehatan", "Dinas Pendidikan",
                                   "Dinas Kependudukan dan Pencatatan Sipil")
SOSIAL, PERHUBUNGAN, LINGKUNGAN = "Dinas Sosial", "Dinas Perhubungan", "Dinas Lingkungan Hidup"
INSPEKTORAT = "Inspektorat"
# (OPD, innovation), in the order they are entered.
INNOVATIONS = (
    (KESEHATAN, "Antrean Puskesmas Daring"),
    (PENDIDIKAN, "Rapor Digital Sekolah"),
    (DUKCAPIL, "Akta Lahir Sekali Jalan"),
    (SOSIAL, "Bansos Tepat Sasaran"),
    (PERHUBUNGAN, "Parkir Nontunai"),
    (LINGKUNGAN, "Bank Sampah Kelurahan"),
)
TITLE = dict(INNOVATIONS)
ROUND_1, ROUND_2 = "Penilaian administrasi", "Presentasi"
KEBARUAN, KEMANFAATAN, PRESENTASI = "Kebaruan", "Kemanfaatan", "Presentasi dan tanya jawab"
CONFLICT_REASON = "Adik kandung saya Kepala Bidang Perparkiran di Dinas Perhubungan."
TIE_REASON = "Rapat pleno dewan juri: Bansos Tepat Sasaran sudah direplikasi di dua kecamatan."
# The order of the award, Juara I first, with each OPD's innovation and score.
WINNERS = (
    (KESEHATAN, TITLE[KESEHATAN], "30,00"),
    (DUKCAPIL, TITLE[DUKCAPIL], "28,00"),
    (LINGKUNGAN, TITLE[LINGKUNGAN], "26,00"),
    (PERHUBUNGAN, TITLE[PERHUBUNGAN], "23,00"),
    (SOSIAL, TITLE[SOSIAL], "20,00"),
)
ROMAN = ("I", "II", "III", "IV", "V")


def wib_input(moment) -> str:
    """A moment as a datetime-local box takes it, in WIB."""
    return moment.astimezone(WIB).strftime("%Y-%m-%dT%H:%M")


def heading(page: Page, text: str, level: int = 1):
    return page.get_by_role("heading", name=text, exact=True, level=level)


def tab(page: Page, name: str) -> None:
    """One of the organiser's tabs of the competition."""
    tabs = page.get_by_role("navigation", name="Halaman kompetisi")
    tabs.get_by_role("link", name=name, exact=True).click()


def manage(page: Page, competition: str, name: str) -> None:
    """A tab of a competition the signed-in organiser runs, from the main menu."""
    menu = page.get_by_role("navigation", name="Menu utama")
    link = menu.get_by_role("link", name=competition, exact=True)
    open_menu(page, menu.get_by_role("button", name="Kelola", exact=True), link)
    link.click()
    tab(page, name)


def change_phase(page: Page, label: str, phase: str, competition_name: str) -> None:
    """From the set-up overview: the phase change's page, then the change itself."""
    page.get_by_role("link", name=f"{label} →", exact=True).click()
    expect(heading(page, label, level=2)).to_be_visible()
    page.get_by_role("button", name=label, exact=True).click()
    expect(flash(page, f"{competition_name} kini berada pada tahapan '{phase}'.")).to_be_visible()


def add_criterion(page: Page, name: str, weight: int) -> None:
    page.get_by_label("Kriteria", exact=True).fill(name)
    page.get_by_label("Bobot", exact=True).fill(str(weight))
    page.get_by_role("button", name="Tambahkan kriteria", exact=True).click()
    expect(flash(page, f"Kriteria '{name}' telah ditambahkan.")).to_be_visible()


def add_round(page: Page, name: str, *, top_n: int | None = None) -> None:
    """A round of two judges per innovation with an empty rubric, from the set-up overview."""
    page.get_by_role("link", name="Tambah tahap penilaian", exact=True).click()
    page.get_by_label("Nama", exact=True).fill(name)
    page.get_by_label("Isi rubrik dengan rubrik presentasi IGA 2023", exact=True).uncheck()
    if top_n is not None:
        page.get_by_label("Yang lanjut ke tahap berikutnya", exact=True).select_option(
            label="N teratas secara keseluruhan")
        page.get_by_label("N, untuk N teratas", exact=True).fill(str(top_n))
    page.get_by_label("Juri per inovasi", exact=True).fill("2")
    page.get_by_role("button", name="Tambahkan tahap", exact=True).click()
    expect(flash(page, f"Tahap penilaian '{name}' telah ditambahkan.")).to_be_visible()
    expect(page.get_by_text("Rubrik masih kosong.")).to_be_visible()


def set_up_panel(page: Page, round_name: str, panel: str, judges: list[str], added: int) -> None:
    """On the panels page of a round: a panel of both judges, the round opened, the automatic
    assignment run."""
    page.get_by_label("Nama panel", exact=True).fill(panel)
    for label in judges:
        page.get_by_label(label, exact=True).check()
    page.get_by_role("button", name="Buat panel", exact=True).click()
    expect(flash(page, f"Panel '{panel}' dibuat dengan 2 juri.")).to_be_visible()
    page.get_by_role("button", name="Dibuka untuk penilaian", exact=True).click()
    expect(flash(page, f"Tahap '{round_name}' dibuka: juri dapat menilai sekarang.")).to_be_visible()
    page.get_by_role("button", name="Tugaskan otomatis", exact=True).click()
    expect(flash(page, f"{added} penugasan ditambahkan.")).to_be_visible()


def expect_load(page: Page, loads: dict[str, int]) -> None:
    for judge, load in loads.items():
        expect(page.locator("#load").get_by_role("listitem").filter(has_text=judge)).to_contain_text(
            f"{load} inovasi")


def fill_scores(page: Page, title: str, values: dict[str, int], total: str) -> None:
    """On an innovation's scoring page: type the values and wait until the page has saved them
    (the running total comes back from the server)."""
    expect(heading(page, title)).to_be_visible()
    page.wait_for_load_state()   # the autosave script, at the end of the page, listens from here on
    for criterion, value in values.items():
        page.get_by_label(f"Nilai (0–100): {criterion}", exact=True).fill(str(value))
    expect(page.locator("#running-total")).to_have_text(total)
    expect(page.locator("#save-status")).to_have_text(re.compile(r"^Tersimpan \d"))


def confirm(page: Page, title: str, total: str) -> None:
    """From an innovation's scoring page, through the summary, to confirmed and locked."""
    page.get_by_role("button", name="Konfirmasi dan kunci nilai", exact=True).click()
    expect(heading(page, "Konfirmasi dan kunci nilai")).to_be_visible()
    expect(page.locator("#summary [data-total]")).to_have_text(total)
    page.get_by_role("button", name="Konfirmasi dan kunci nilai", exact=True).click()
    expect(flash(page, f"Nilai Anda untuk '{title}' sudah dikonfirmasi dan dikunci.")).to_be_visible()


def score(page: Page, opd: str, values: dict[str, int], total: str) -> None:
    fill_scores(page, TITLE[opd], values, total)
    confirm(page, TITLE[opd], total)


def round_1(kebaruan: int, kemanfaatan: int) -> dict[str, int]:
    return {KEBARUAN: kebaruan, KEMANFAATAN: kemanfaatan}


def round_2(value: int) -> dict[str, int]:
    return {PRESENTASI: value}


def rancang_bangun(title: str, opd: str) -> str:
    """A design of the length submission asks for, readable as a page a judge would see."""
    paragraphs = [
        f"{title} lahir dari keluhan warga yang berulang dalam laporan pengaduan {opd}. Tim inovasi "
        "memetakan alur layanan lama, mencatat waktu tunggu di setiap langkah, dan menemukan bahwa "
        "sebagian besar waktu habis untuk antre dan mengisi formulir yang sama berkali-kali.",
        "Inovasi ini menyatukan pendaftaran, verifikasi berkas, dan pemberitahuan hasil dalam satu "
        "alur. Petugas melihat antrean secara langsung, warga menerima kabar lewat pesan singkat, dan "
        "kepala perangkat daerah memantau capaian setiap minggu melalui dasbor sederhana.",
        "Uji coba berjalan tiga bulan di dua lokasi sebelum diterapkan penuh. Keberhasilan diukur "
        "dengan waktu layanan rata-rata, jumlah pengaduan, dan survei kepuasan masyarakat yang "
        "dilakukan setiap triwulan bersama perguruan tinggi setempat.",
    ]
    text = "\n\n".join(paragraphs)
    while len(text.split()) < RANCANG_BANGUN_MIN_WORDS:
        text += "\n\n" + "\n\n".join(paragraphs)
    return text


def open_my_scoring(page: Page, round_name: str, progress: str) -> None:
    page.get_by_role("link", name="Penilaian saya", exact=True).click()
    expect(heading(page, "Penilaian saya")).to_be_visible()
    card = page.locator("section").filter(has=heading(page, round_name, level=2))
    expect(card).to_contain_text(progress)
    card.get_by_role("link", name="Nilai inovasi berikutnya", exact=True).click()


def all_confirmed(page: Page, round_name: str, progress: str) -> None:
    expect(flash(page, f"Semua inovasi yang ditugaskan kepada Anda di tahap '{round_name}' sudah "
                       "dikonfirmasi.")).to_be_visible()
    expect(page.locator("section").filter(has=heading(page, round_name, level=2))).to_contain_text(progress)


def test_a_competition_goes_from_set_up_to_the_ceremony(live_server: LiveServer, browser_page: Page):
    page = browser_page
    now = utcnow()
    year = now.astimezone(WIB).year
    name = f"Lomba Inovasi Daerah Kota Kediri {year}"
    region = make_region("Kota Kediri")
    previous = make_competition(region, phase="closed", name=f"Lomba Inovasi Daerah Kota Kediri {year - 1}",
                                year=year - 1)
    opds = {n: make_organisation(region, n) for n, _title in INNOVATIONS}
    opds[INSPEKTORAT] = make_organisation(region, INSPEKTORAT)
    organiser = make_user(previous, "organiser", name="Sri Rahayu")
    ratna = make_user(name="Dr. Ratna Wulandari")                                  # an academic
    bambang = make_user(organisation=opds[LINGKUNGAN], name="Ir. Bambang Susilo")   # works at the DLH
    verifier = make_user(organisation=opds[INSPEKTORAT], name="Verifikator Inspektorat")
    operators = {n: make_user(organisation=opds[n], name=f"Operator {n}") for n, _title in INNOVATIONS}

    # 1. The organiser creates the competition from the one they organised last year.
    sign_in(page, organiser)
    manage(page, previous.name, "Persiapan")
    page.get_by_role("link", name="Kompetisi baru", exact=True).click()
    expect(heading(page, "Kompetisi baru")).to_be_visible()
    page.get_by_label("Nama", exact=True).fill(name)
    expect(page.get_by_label("Tahun", exact=True)).to_have_value(str(year))
    page.get_by_label("Pengajuan dibuka", exact=True).fill(wib_input(now - timedelta(days=1)))
    page.get_by_label("Pengajuan ditutup", exact=True).fill(wib_input(now + timedelta(days=5)))
    page.get_by_label("Verifikasi ditutup", exact=True).fill(wib_input(now + timedelta(days=10)))
    page.get_by_label("Penilaian ditutup", exact=True).fill(wib_input(now + timedelta(days=20)))
    page.get_by_role("button", name="Buat kompetisi", exact=True).click()
    expect(flash(page, f"{name} telah dibuat.")).to_be_visible()
    expect(page.locator("#phase-title")).to_have_text("Tahapan: Persiapan")

    competition = db.session.scalars(select(Competition).where(Competition.name == name)).one()
    for judge in (ratna, bambang):
        grant_role(judge, competition, "judge")
    grant_role(verifier, competition, "verifier")
    for operator in operators.values():
        grant_role(operator, competition, "submitter")

    # Two rounds with their rubrics.
    add_round(page, ROUND_1, top_n=4)
    add_criterion(page, KEBARUAN, 60)
    add_criterion(page, KEMANFAATAN, 40)
    expect(page.locator("#total-weight")).to_have_text("100")
    expect(page.get_by_role("row").filter(has_text=KEBARUAN)).to_contain_text("60,0%")
    page.get_by_role("link", name="← Kembali ke persiapan", exact=True).click()
    add_round(page, ROUND_2)
    add_criterion(page, PRESENTASI, 100)
    page.get_by_role("link", name="← Kembali ke persiapan", exact=True).click()
    rounds = page.locator("#rounds").get_by_role("listitem")
    expect(rounds).to_have_count(2)
    expect(rounds.first).to_contain_text(f"1. {ROUND_1}")
    expect(rounds.first).to_contain_text("2 kriteria")
    expect(rounds.last).to_contain_text(f"2. {ROUND_2}")

    # The award every competition starts with has the five positions the ceremony needs.
    page.get_by_role("link", name="Penghargaan", exact=True).click()
    award = page.locator("#award-list").get_by_role("listitem")
    expect(award).to_have_count(1)
    expect(award).to_contain_text("OPD Terinovatif")
    expect(award).to_contain_text("5 peringkat")
    page.get_by_role("link", name="Ringkasan", exact=True).click()
    change_phase(page, "Buka pengajuan", "Pengajuan dibuka", name)

    # 2. The OPDs submit their innovations and the verifier verifies them, through the services.
    # All at the same moment, so that "earlier submission" cannot separate a tie.
    submitted_at = (now - timedelta(hours=1)).replace(microsecond=0)
    db.session.expire_all()
    entries = {opd: make_entry(competition, opds[opd], status="submitted", title=title,
                               submitted_at=submitted_at, created_by=operators[opd],
                               rancang_bangun=rancang_bangun(title, opd))
               for opd, title in INNOVATIONS}
    for entry in entries.values():
        change_entry_status(entry, "verify", verifier)
    change_phase(page, "Tutup pengajuan", "Verifikasi", name)
    change_phase(page, "Mulai penilaian", "Penilaian", name)

    # 3. Round 1: a panel of both judges, opened, assigned automatically. Bambang is kept off
    # the DLH's innovation, which is one judge short.
    judge_labels = [ratna.name, f"{bambang.name} · {LINGKUNGAN}"]
    tab(page, "Panel juri")
    expect(heading(page, f"Tahap 1: {ROUND_1}", level=2)).to_be_visible()
    set_up_panel(page, ROUND_1, "Panel administrasi", judge_labels, added=11)
    expect_load(page, {ratna.name: 6, bambang.name: 5})
    expect(page.locator("#complete")).to_have_text("5")
    expect(page.locator("#report")).to_contain_text("dari 6 inovasi sudah punya 2 juri")
    expect(page.locator("#short").get_by_role("listitem")).to_have_text(
        re.compile(rf"^{TITLE[LINGKUNGAN]}: 1 dari 2 juri"))
    expect(page.locator("#conflicts-avoided")).to_have_text("1")
    expect(page.locator("#conflicts").get_by_role("listitem")).to_contain_text(
        f"{bambang.name} × {TITLE[LINGKUNGAN]}")
    sign_out(page, organiser)

    # 4. Ratna scores round 1: the first innovation saved and left with "Berikutnya", the next
    # ones confirmed one after the other, a conflict declared, then back to the one left.
    sign_in(page, ratna)
    open_my_scoring(page, ROUND_1, "0 dari 6 dikonfirmasi")
    fill_scores(page, TITLE[KESEHATAN], round_1(90, 80), "86,00")
    page.get_by_role("link", name=re.compile(rf"^Berikutnya →\s*: {TITLE[PENDIDIKAN]}$")).first.click()
    score(page, PENDIDIKAN, round_1(55, 60), "57,00")
    score(page, DUKCAPIL, round_1(80, 70), "76,00")
    score(page, SOSIAL, round_1(55, 60), "57,00")
    expect(heading(page, TITLE[PERHUBUNGAN])).to_be_visible()
    page.get_by_text("Nyatakan konflik kepentingan", exact=True).click()
    page.get_by_label("Alasan", exact=True).fill(CONFLICT_REASON)
    page.get_by_role("button", name="Nyatakan konflik kepentingan ini", exact=True).click()
    expect(flash(page, f"Konflik kepentingan dicatat: '{TITLE[PERHUBUNGAN]}' sudah keluar dari daftar Anda"))\
        .to_be_visible()
    expect(page.get_by_text(f"Alasan: {CONFLICT_REASON}")).to_be_visible()
    card = page.locator("section").filter(has=heading(page, ROUND_1, level=2))
    expect(card).to_contain_text("3 dari 5 dikonfirmasi")
    card.get_by_role("link", name="Nilai inovasi berikutnya", exact=True).click()
    expect(heading(page, TITLE[KESEHATAN])).to_be_visible()
    expect(page.get_by_label(f"Nilai (0–100): {KEBARUAN}", exact=True)).to_have_value("90")
    snapshot(page, "scoring-in-progress")
    confirm(page, TITLE[KESEHATAN], "86,00")
    score(page, LINGKUNGAN, round_1(80, 80), "80,00")
    all_confirmed(page, ROUND_1, "5 dari 5 dikonfirmasi")
    sign_out(page, ratna)

    sign_in(page, bambang)
    open_my_scoring(page, ROUND_1, "0 dari 5 dikonfirmasi")
    score(page, KESEHATAN, round_1(80, 90), "84,00")
    score(page, PENDIDIKAN, round_1(55, 60), "57,00")
    score(page, DUKCAPIL, round_1(70, 80), "74,00")
    score(page, SOSIAL, round_1(55, 60), "57,00")
    score(page, PERHUBUNGAN, round_1(70, 70), "70,00")
    all_confirmed(page, ROUND_1, "5 dari 5 dikonfirmasi")
    sign_out(page, bambang)

    # The organiser closes round 1 (the top 4 move on) and sets round 2 up the same way. Both
    # judges are now kept off one innovation each.
    sign_in(page, organiser)
    manage(page, name, "Panel juri")
    page.once("dialog", lambda dialog: dialog.accept())   # closing a round asks first
    page.get_by_role("button", name="Tutup tahap", exact=True).click()
    expect(flash(page, f"Tahap '{ROUND_1}' ditutup: 4 lanjut, 2 berhenti di sini, 0 tidak dinilai."))\
        .to_be_visible()
    page.get_by_role("link", name=f"2. {ROUND_2}").click()
    expect(heading(page, f"Tahap 2: {ROUND_2}", level=2)).to_be_visible()
    set_up_panel(page, ROUND_2, "Panel presentasi", judge_labels, added=6)
    expect_load(page, {ratna.name: 3, bambang.name: 3})
    expect(page.locator("#complete")).to_have_text("2")
    expect(page.locator("#report")).to_contain_text("dari 4 inovasi sudah punya 2 juri")
    expect(page.locator("#conflicts-avoided")).to_have_text("2")
    sign_out(page, organiser)

    sign_in(page, ratna)
    open_my_scoring(page, ROUND_2, "0 dari 3 dikonfirmasi")
    score(page, KESEHATAN, round_2(90), "90,00")
    score(page, DUKCAPIL, round_2(88), "88,00")
    score(page, LINGKUNGAN, round_2(70), "70,00")
    all_confirmed(page, ROUND_2, "3 dari 3 dikonfirmasi")
    sign_out(page, ratna)

    sign_in(page, bambang)
    open_my_scoring(page, ROUND_2, "0 dari 3 dikonfirmasi")
    score(page, KESEHATAN, round_2(88), "88,00")
    score(page, DUKCAPIL, round_2(86), "86,00")
    score(page, PERHUBUNGAN, round_2(62), "62,00")
    all_confirmed(page, ROUND_2, "3 dari 3 dikonfirmasi")
    sign_out(page, bambang)

    # The organiser closes round 2; the dashboard shows every judge done; judging closes.
    sign_in(page, organiser)
    manage(page, name, "Panel juri")
    page.get_by_role("link", name=f"2. {ROUND_2}").click()
    page.once("dialog", lambda dialog: dialog.accept())   # closing a round asks first
    page.get_by_role("button", name="Tutup tahap", exact=True).click()
    # (In the last round an innovation's judging is over as soon as its judges confirm, so closing
    # has nothing left to decide and its message counts nothing.)
    expect(flash(page, f"Tahap '{ROUND_2}' ditutup. Ini tahap terakhir: penilaian setiap inovasi selesai "
                       "saat nilainya dikonfirmasi; 0 tidak dinilai.")).to_be_visible()
    expect(page.locator("#round-status")).to_have_text("Ditutup")
    tab(page, "Dasbor")
    progress = page.locator("section").filter(has=heading(page, "Kemajuan penilaian juri", level=2))
    progress.get_by_text("Tampilkan angka", exact=True).click()
    for judge in (ratna, bambang):   # assigned, confirmed, draft, not started, confirmed (%)
        expect(progress.get_by_role("row").filter(has_text=judge.name).get_by_role("cell")).to_have_text(
            ["8", "8", "0", "0", "100,00"])
    tab(page, "Persiapan")
    change_phase(page, "Tutup penilaian", "Penetapan hasil", name)

    # 5. The results: Pendidikan and Sosial are level after every rule; the organiser decides.
    tab(page, "Hasil")
    expect(heading(page, "Draf hasil", level=2)).to_be_visible()
    tie = page.locator(".alert-warning").filter(has_text="Nilai sama di peringkat 5 setelah semua aturan")
    expect(tie).to_have_count(1)
    snapshot(page, "results-tie")
    tie.get_by_label(f"{SOSIAL} (20,00)", exact=True).fill("1")
    tie.get_by_label(f"{PENDIDIKAN} (20,00)", exact=True).fill("2")
    tie.get_by_label("Alasan (wajib)", exact=True).fill(TIE_REASON)
    tie.get_by_role("button", name="Catat keputusan", exact=True).click()
    expect(flash(page, "Keputusan dicatat; peringkat di bawah sudah mengikutinya.")).to_be_visible()
    expect(page.get_by_text("Nilai sama di peringkat 5")).to_have_count(0)
    award_rows = page.locator("section").filter(has=heading(page, "OPD Terinovatif", level=3)) \
        .locator("[data-award-row]")
    expect(award_rows).to_have_count(6)
    for row, (opd, _title, points) in zip(award_rows.all(), WINNERS, strict=False):
        expect(row).to_contain_text(opd)
        expect(row).to_contain_text(points)
    expect(award_rows.nth(4)).to_contain_text("Juara V")
    expect(award_rows.nth(4).locator("[data-separated-by]")).to_have_text(
        re.compile(rf"^\s*Nilai sama, dipisahkan oleh keputusan panitia:\s+{re.escape(TIE_REASON)}\s*$"))
    expect(award_rows.nth(5)).to_contain_text(PENDIDIKAN)
    expect(award_rows.nth(5)).to_contain_text("Peringkat 6")
    # Every innovation by rounds reached, then final score (the organiser's decision is the award's).
    expect(page.locator("#innovations [data-entry-row]")).to_contain_text(
        [TITLE[opd] for opd in (KESEHATAN, DUKCAPIL, LINGKUNGAN, PERHUBUNGAN, PENDIDIKAN, SOSIAL)])
    expect(page.locator("#innovations [data-entry-row] [data-score]")).to_have_text(
        ["87,00", "81,00", "75,00", "66,00", "57,00", "57,00"])

    # Sealed: the confirmation shows the hash stored with the version.
    page.get_by_role("link", name="Tetapkan hasil", exact=True).click()
    page.get_by_role("button", name="Tetapkan hasil sebagai versi 1", exact=True).click()
    sealed = flash(page, "Versi 1 sudah ditetapkan.")
    expect(sealed).to_be_visible()
    db.session.expire_all()
    result_set = db.session.scalars(select(ResultSet).where(ResultSet.competition_id == competition.id)).one()
    assert re.fullmatch(r"[0-9a-f]{64}", result_set.sha256)
    expect(sealed).to_have_text(f"Versi 1 sudah ditetapkan. Hash SHA-256-nya {result_set.sha256}.")
    expect(page.locator("#sha256")).to_have_text(result_set.sha256)

    page.get_by_role("link", name="Umumkan", exact=True).click()
    page.get_by_role("button", name="Umumkan versi 1", exact=True).click()
    expect(flash(page, "Versi 1 sudah diumumkan; 5 inovasi kini Meraih penghargaan.")).to_be_visible()

    # 6. The reveal, from the fifth position to the first, one key press at a time.
    tab(page, "Penganugerahan")
    with page.context.expect_page() as opened:
        page.get_by_role("link", name="Buka pengumuman pemenang untuk proyektor", exact=True).click()
    reveal = opened.value
    reveal.wait_for_load_state()   # the keys work once the reveal's script has run
    slide = reveal.locator("[data-slide]:not([hidden])")
    expect(slide.get_by_role("heading", level=1)).to_have_text(name)
    reveal.keyboard.press("PageDown")
    expect(slide.get_by_role("heading", level=2)).to_have_text("OPD Terinovatif")
    for number, (opd, title, _points) in enumerate(reversed(WINNERS)):
        reveal.keyboard.press(REVEAL_KEYS[number % 2])
        expect(slide.locator(".position")).to_have_text(f"Juara {ROMAN[4 - number]}")
        expect(slide.get_by_role("heading", level=2)).to_have_text(opd)
        # The OPD's place is the OPD's: the slide lists the innovations that counted.
        counted = re.compile(rf"^\s*1 inovasi:\s+{re.escape(title)}\s*$")
        expect(slide.locator(".innovation")).to_have_text(counted)
    reveal.keyboard.press("ArrowRight")
    expect(slide.get_by_role("heading", level=2)).to_have_text("Selamat kepada seluruh pemenang")
    reveal.close()

    # 7. Signed out, anyone reads the winners in order.
    sign_out(page, organiser)
    page.goto(f"/competitions/{competition.id}/results")
    expect(heading(page, f"Hasil: {name}")).to_be_visible()
    award_id = db.session.scalars(select(Award.id).where(Award.competition_id == competition.id)).one()
    winners = page.locator(f"#award-{award_id} [data-position]")
    expect(winners).to_have_count(5)
    for position, row in enumerate(winners.all()):
        opd, title, points = WINNERS[position]
        expect(row).to_contain_text(f"Juara {ROMAN[position]}")
        expect(row.locator("[data-winner]")).to_have_text(opd)
        expect(row.locator("[data-counted]")).to_have_text(re.compile(rf"^{re.escape(title)} \(\d+,\d\d\)$"))
        expect(row.locator("[data-score]")).to_have_text(points)
    expect(page.get_by_text(result_set.sha256)).to_be_visible()

    db.session.expire_all()
    statuses = {e.organisation.name: e.status for e in db.session.scalars(
        select(Entry).where(Entry.competition_id == competition.id))}
    assert statuses == {KESEHATAN: "awarded", DUKCAPIL: "awarded", LINGKUNGAN: "awarded",
                        PERHUBUNGAN: "awarded", SOSIAL: "awarded", PENDIDIKAN: "scored"}

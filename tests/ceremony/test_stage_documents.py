"""The ceremony's printed documents as they come out of the printer: the run-sheet keeps each
title whole on its line(s), and the certificates carry the signatory, place and date the
organiser set, and name an innovation's OPD."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from competition.ceremony.documents import run_sheet, run_sheet_pdf
from competition.documents.formatting import juara
from competition.extensions import db
from competition.results.awards import add_award
from competition.results.operations import seal_results
from tests.conftest import needs_pdf
from tests.results.test_views import Contest

# The demo's longest names: the longest OPD (DP3AP2KB) and innovation titles whose first word is short.
LONGEST = {
    ("Aksi Laris: Akta Kelahiran Langsung dari Rumah Sakit", "Dinas Kependudukan dan Pencatatan Sipil"):
        ([90, 90], [90, 90]),
    ("Katana Brantas: Kelurahan Tangguh Bencana Tepi Sungai Brantas", "Badan Penanggulangan Bencana Daerah"):
        ([85, 85], [85, 85]),
    ("Si-Cantik: Sistem Cepat Antar Izin Terpadu", "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu"):
        ([80, 80], [80, 80]),
    ("Ruang Aman: Layanan Terpadu Perempuan dan Anak",
     "Dinas Pemberdayaan Perempuan, Perlindungan Anak, Pengendalian Penduduk dan Keluarga Berencana"):
        ([75, 75], [75, 75]),
    ("IKD Pelajar: Identitas Kependudukan Digital untuk Pelajar", "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia"):
        ([70, 70], [70, 70]),
}


@pytest.fixture
def longest(app):
    contest = Contest(LONGEST, name="Lomba Inovasi Daerah Kota Kediri 2026")
    contest.innovation_award = add_award(contest.competition, contest.organiser, name="Inovasi Terbaik",
                                         subject="innovation", positions=5)
    contest.competition.one_award_per_organisation = False
    db.session.commit()
    contest.close_judging()
    contest.result_set = seal_results(contest.competition, contest.organiser)
    return contest


MANY = {
    (title, opd): ([90 - i, 90 - i], [90 - i, 90 - i]) for i, (title, opd) in enumerate([
        ("Aksi Laris: Akta Kelahiran Langsung dari Rumah Sakit", "Dinas Kependudukan dan Pencatatan Sipil"),
        ("IKD Pelajar: Identitas Kependudukan Digital untuk Pelajar", "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia"),
        ("Si Jebol: Jemput Bola Adminduk Lansia dan Disabilitas", "Dinas Kebudayaan, Pariwisata, Kepemudaan dan Olahraga"),
        ("Katana Brantas: Kelurahan Tangguh Bencana Tepi Sungai Brantas", "Badan Penanggulangan Bencana Daerah"),
        ("Ruang Aman: Layanan Terpadu Perempuan dan Anak",
         "Dinas Pemberdayaan Perempuan, Perlindungan Anak, Pengendalian Penduduk dan Keluarga Berencana"),
        ("Si-Cantik: Sistem Cepat Antar Izin Terpadu", "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu"),
        ("Pak Tertib: Patroli Ketertiban Berbasis Laporan Warga", "Satuan Polisi Pamong Praja"),
        ("Si-Rutilahu: Sistem Informasi Rumah Tidak Layak Huni", "Dinas Perumahan dan Kawasan Permukiman"),
        ("E-Musrenbang Spasial: Usulan Pembangunan Berbasis Peta", "Badan Perencanaan Pembangunan Daerah"),
        ("Si-Paten Drone: Pemutakhiran Objek PBB dengan Foto Udara", "Badan Pendapatan Daerah"),
        ("Klik Keliling: Klinik Administrasi Kelurahan Keliling", "Kecamatan Mojoroto"),
        ("Lapor Mas Wali: Kanal Pengaduan Warga Terpadu", "Dinas Komunikasi dan Informatika"),
    ])}


def words(text: str) -> str:
    return " ".join(text.split())


@needs_pdf
def test_the_run_sheet_keeps_each_title_whole_with_its_place(app):
    """Twelve winners with the demo's longest names fill two pages: no row is split between them
    (its place on one page and its title on the next), and no title breaks after its first word."""
    from pypdf import PdfReader

    contest = Contest(MANY, name="Lomba Inovasi Daerah Kota Kediri 2026")
    award = add_award(contest.competition, contest.organiser, name="Inovasi Terbaik", subject="innovation",
                      positions=12)
    contest.competition.one_award_per_organisation = False
    db.session.commit()
    contest.close_judging()
    result_set = seal_results(contest.competition, contest.organiser)
    rows = run_sheet(result_set, award)
    pdf = run_sheet_pdf(result_set, award, rows)
    if os.environ.get("ANUGERAH_KEEP_DOCUMENTS"):
        Path(os.environ["ANUGERAH_KEEP_DOCUMENTS"], "susunan-acara.pdf").write_bytes(pdf)
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]
    assert len(pages) == 2
    for row in rows:
        title = row.subject
        first, second = title.split()[:2]
        holding = [number for number, text in enumerate(pages) if words(title) in words(text)]
        assert len(holding) >= 1, f"{title!r} is split between pages"
        lines = pages[holding[0]].splitlines()
        # The row starts with its order, place and the title's first words together on one line.
        assert any(line.startswith(f"{row.reveal} {juara(row.position)} ") and f"{first} {second}" in line for line in lines), \
            f"row {row.reveal}: {title!r} is not on the line of its place, or breaks after its first word"

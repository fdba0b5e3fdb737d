"""The ceremony's printed documents as they come out of the printer: the run-sheet keeps each
title whole on its line(s), and the certificates carry the signatory, place and date the
organiser set, and name an innovation's OPD."""

from __future__ import annotations

import io
import os
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from competition.ceremony.documents import certificates_pdf, run_sheet, run_sheet_pdf
from competition.ceremony.operations import LOGO_MAX_BYTES, Logo, change_ceremony_settings, settings_of
from competition.documents.formatting import juara
from competition.entries.evidence import evidence_path
from competition.errors import InvalidInput, NotPermitted
from competition.extensions import db
from competition.models import AuditEvent
from competition.results.awards import add_award
from competition.results.operations import seal_results
from tests.conftest import needs_pdf, pdf_available
from tests.results.test_views import Contest
from tests.web.pages import page, sign_in

# The demo's longest names: the longest OPD (DP3AP2KB) and innovation titles whose first word is short.
LONGEST = {
    ("Aksi Laris: Akta Kelahiran Langsung dari Rumah Sakit", "Dinas Kependudukan dan Pencatatan Sipil"):
        ([90, 90], [90, 90]),
    ("Katana Brantas: Kelurahan Tangguh Bencana Tepi Sungai Brantas",
     "Badan Penanggulangan Bencana Daerah"): ([85, 85], [85, 85]),
    ("Si-Cantik: Sistem Cepat Antar Izin Terpadu",
     "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu"): ([80, 80], [80, 80]),
    ("Ruang Aman: Layanan Terpadu Perempuan dan Anak",
     "Dinas Pemberdayaan Perempuan, Perlindungan Anak, Pengendalian Penduduk dan Keluarga Berencana"):
        ([75, 75], [75, 75]),
    ("IKD Pelajar: Identitas Kependudukan Digital untuk Pelajar",
     "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia"): ([70, 70], [70, 70]),
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
        ("IKD Pelajar: Identitas Kependudukan Digital untuk Pelajar",
         "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia"),
        ("Si Jebol: Jemput Bola Adminduk Lansia dan Disabilitas",
         "Dinas Kebudayaan, Pariwisata, Kepemudaan dan Olahraga"),
        ("Katana Brantas: Kelurahan Tangguh Bencana Tepi Sungai Brantas",
         "Badan Penanggulangan Bencana Daerah"),
        ("Ruang Aman: Layanan Terpadu Perempuan dan Anak",
         "Dinas Pemberdayaan Perempuan, Perlindungan Anak, Pengendalian Penduduk dan Keluarga Berencana"),
        ("Si-Cantik: Sistem Cepat Antar Izin Terpadu",
         "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu"),
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
        starts = f"{row.reveal} {juara(row.position)} "
        assert any(line.startswith(starts) and f"{first} {second}" in line for line in lines), \
            f"row {row.reveal}: {title!r} is not on the line of its place, or breaks after its first word"


# -- certificates: signatories, place, date, logo ---------------------------------------------------

SIGNED = {"signatory_name": "Vinanda Prameswati, S.H., M.Kn.", "signatory_title": "Wali Kota Kediri",
          "signatory_nip": "", "second_name": "Dr. Ir. Bambang Priyambodo, M.T.",
          "second_title": "Kepala Bappeda Kota Kediri", "second_nip": "19700101 199003 1 001",
          "place": "Kediri", "ceremony_date": "2026-08-17"}
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
       b"\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82")
SVG = (b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">'
       b'<circle cx="5" cy="5" r="4" fill="green"/></svg>')


def pdf_text(pdf: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def audit_rows(kind: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.kind == kind)))


@needs_pdf
def test_certificates_carry_the_signatories_place_and_date_the_organiser_set(longest):
    change_ceremony_settings(longest.competition, longest.organiser, SIGNED, logo=Logo("lambang.png", PNG))
    db.session.commit()
    stored = settings_of(longest.competition)
    assert stored.second_nip == "197001011990031001" and stored.ceremony_date == date(2026, 8, 17)
    assert stored.logo_media_type == "image/png" and evidence_path(stored.logo_sha256).read_bytes() == PNG
    rows = run_sheet(longest.result_set, longest.award)
    pdf = certificates_pdf(longest.result_set, longest.award, rows)
    text = words(pdf_text(pdf))
    assert text.count("Kediri, 17 Agustus 2026") == len(rows)
    for expected in ("Vinanda Prameswati, S.H., M.Kn.", "Wali Kota Kediri", "Kepala Bappeda Kota Kediri",
                     "Dr. Ir. Bambang Priyambodo, M.T.", "NIP. 19700101 199003 1 001"):
        assert text.count(expected) == len(rows), expected
    assert "Kepala Daerah" not in text
    from pypdf import PdfReader
    assert all(len(page.images) == 1 for page in PdfReader(io.BytesIO(pdf)).pages)   # the logo
    [row] = audit_rows("ceremony.settings_changed")
    assert row.competition_id == longest.competition.id and row.actor_id == longest.organiser.id
    assert row.details["fields"] == [*[f for f in SIGNED if SIGNED[f]], "logo"]
    # Saving the same again changes nothing and records nothing.
    change_ceremony_settings(longest.competition, longest.organiser, SIGNED)
    assert len(audit_rows("ceremony.settings_changed")) == 1


@needs_pdf
def test_innovation_certificates_name_the_opd(longest):
    rows = run_sheet(longest.result_set, longest.innovation_award)
    text = words(pdf_text(certificates_pdf(longest.result_set, longest.innovation_award, rows)))
    for row in rows:
        assert words(f"diberikan kepada {row.organisation} atas inovasi {row.innovation}") in text


@pytest.mark.parametrize(("values", "logo", "field"), [
    ({"signatory_nip": "1970 0101 1990"}, None, "signatory_nip"),
    ({"second_nip": "19700101199003100A"}, None, "second_nip"),
    ({"ceremony_date": "2026-02-30"}, None, "ceremony_date"),
    ({"ceremony_date": "17/08/2026"}, None, "ceremony_date"),
    ({"signatory_name": "Vinanda\nPrameswati"}, None, "signatory_name"),
    ({"signatory_title": "W" * 161}, None, "signatory_title"),
    ({"place": "K" * 81}, None, "place"),
    ({"second_title": ""}, None, "second_title"),
    ({}, Logo("lambang.png", b"GIF89a not a png"), "logo"),
    ({}, Logo("lambang.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
     "logo"),
    ({}, Logo("lambang.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'), "logo"),
    ({}, Logo("lambang.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><image href="file:///etc/passwd"/></svg>'),
     "logo"),
    ({}, Logo("lambang.png", PNG + b"\x00" * LOGO_MAX_BYTES), "logo"),
])
def test_bad_settings_name_the_field_and_store_nothing(app, values, logo, field):
    contest = Contest()
    db.session.commit()
    given = {**SIGNED, **values} if field != "logo" else SIGNED
    with pytest.raises(InvalidInput) as refused:
        change_ceremony_settings(contest.competition, contest.organiser, given, logo=logo)
    assert any(problem.startswith(f"{field}: ") for problem in refused.value.problems), refused.value.problems
    db.session.rollback()
    assert settings_of(contest.competition) is None and audit_rows("ceremony.settings_changed") == []


def test_an_svg_logo_is_taken_by_its_content_and_only_organisers_change_settings(app):
    contest = Contest()
    db.session.commit()
    change_ceremony_settings(contest.competition, contest.organiser, {}, logo=Logo("logo.png", SVG))
    assert settings_of(contest.competition).logo_media_type == "image/svg+xml"
    assert settings_of(contest.competition).logo_name == "logo.svg"
    with pytest.raises(NotPermitted):
        change_ceremony_settings(contest.competition, contest.judges[0], {"place": "Kediri"})


def test_the_settings_page_saves_refuses_and_previews(client, longest):
    sign_in(client, longest.organiser)
    address = f"/manage/{longest.competition.id}/ceremony/certificates"
    assert "No signatory is set yet" in page(client.get(address))
    refused = client.post(address, data={**SIGNED, "signatory_nip": "123"})
    assert refused.status_code == 422
    body = page(refused)
    assert 'href="#signatory_nip"' in body and 'id="signatory_nip-error">a NIP is 18 digits' in body
    assert settings_of(longest.competition) is None
    saved = client.post(address, data={**SIGNED, "logo": (io.BytesIO(SVG), "lambang.svg")},
                        content_type="multipart/form-data")
    assert saved.status_code == 302
    shown = page(client.get(address))
    assert "19700101 199003 1 001" in shown and "lambang.svg" in shown
    removed = client.post(address, data={**SIGNED, "remove_logo": "1"})
    assert removed.status_code == 302 and settings_of(longest.competition).logo_sha256 is None
    if pdf_available():
        preview = client.get(f"{address}/preview.pdf")
        assert preview.mimetype == "application/pdf"
        assert preview.headers["Content-Disposition"].startswith("inline")
        text = words(pdf_text(preview.data))
        assert "Juara I OPD Terinovatif" in text and "Vinanda Prameswati" in text
    client.post("/logout")
    sign_in(client, longest.judges[0])
    assert client.get(address).status_code == 403
    assert client.post(address, data=SIGNED).status_code == 403


def test_the_settings_through_api_v1_and_the_command_line(app, client, runner, tmp_path):
    from competition.people.tokens import create_token

    contest = Contest()
    db.session.commit()
    token = create_token(contest.organiser, name="Panitia", scopes=["read", "write"], days=30)
    db.session.commit()
    headers = {"Authorization": f"Bearer {token.secret}"}
    address = f"/api/v1/competitions/{contest.competition.id}/ceremony/certificate-settings"
    read = client.get(address, headers=headers)
    assert read.status_code == 200 and read.json["signatory_name"] == "" and read.json["logo"] is None
    assert client.patch(address, json={"place": "Kediri"}, headers=headers).status_code == 428
    refused = client.patch(address, json={"signatory_name": "Vinanda", "signatory_title": "Wali Kota Kediri",
                                          "signatory_nip": "12 34"},
                           headers={**headers, "If-Match": read.headers["ETag"]})
    assert refused.status_code == 422 and "signatory_nip" in refused.get_data(as_text=True)
    assert settings_of(contest.competition) is None
    sent = {"signatory_name": "Vinanda", "signatory_title": "Wali Kota Kediri",
            "signatory_nip": "19700101 199003 1 001", "ceremony_date": "2026-08-17"}
    changed = client.patch(address, json=sent, headers={**headers, "If-Match": read.headers["ETag"]})
    assert changed.status_code == 200, changed.json
    assert changed.json["signatory_nip"] == "197001011990031001"
    assert changed.json["ceremony_date"] == "2026-08-17"
    stale = client.patch(address, json={"place": "Kediri"},
                         headers={**headers, "If-Match": read.headers["ETag"]})
    assert stale.status_code == 412
    logo = tmp_path / "lambang.svg"
    logo.write_bytes(SVG)
    result = runner.invoke(args=["results", "certificate-settings", str(contest.competition.id), "--place",
                                 "Kediri", "--logo", str(logo), "--as", contest.organiser.email])
    assert result.exit_code == 0, result.output
    assert "signed by Vinanda, Wali Kota Kediri, NIP 19700101 199003 1 001" in result.output
    assert "at Kediri, 2026-08-17" in result.output and "logo: lambang.svg" in result.output
    result = runner.invoke(args=["results", "certificate-settings", str(contest.competition.id),
                                 "--ceremony-date", "2026-13-01", "--as", contest.organiser.email])
    assert result.exit_code != 0 and "ceremony_date" in result.output
    assert len(audit_rows("ceremony.settings_changed")) == 2

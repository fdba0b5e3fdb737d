"""Evidence files as the browser receives them: PDFs and photos shown in place with their own type,
everything else (SVG included: it can carry script) downloaded as plain bytes, never sniffed,
always under a file name that is safe in a header."""

from __future__ import annotations

import hashlib
import io

import pytest

from competition.entries.evidence import add_evidence_file, evidence_path, safe_file_name
from competition.extensions import db
from competition.models import Evidence
from tests.factories import make_competition, make_entry, make_organisation, make_user
from tests.web.pages import sign_in

PDF = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 40
DOCX = b"PK\x03\x04" + b"\x00" * 40
MP4 = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 40
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>'
HTML = b"<html><script>alert(document.cookie)</script></html>"


@pytest.fixture
def own(app):
    """A draft of Dinas Kesehatan and its operator, signed in to see their own evidence."""
    competition = make_competition()
    dinkes = make_organisation(competition.region, "Dinas Kesehatan")
    operator = make_user(competition, "submitter", organisation=dinkes, name="Operator Dinkes")
    entry = make_entry(competition, dinkes, complete=False, title="Si-Sehat")
    return entry, operator


def stored(entry, name: str, data: bytes, media_type: str) -> Evidence:
    """An evidence row as an older version or a bad import might have left it: any name, any type."""
    sha256 = hashlib.sha256(data).hexdigest()
    path = evidence_path(sha256)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    evidence = Evidence(entry=entry, kind="file", title=name, sha256=sha256, size_bytes=len(data),
                        media_type=media_type, original_name=name)
    db.session.add(evidence)
    db.session.commit()
    return evidence


@pytest.mark.parametrize(("name", "data", "content_type", "disposition"), [
    ("SK Inovasi.pdf", PDF, "application/pdf", 'inline; filename="SK Inovasi.pdf"'),
    ("foto kegiatan.png", PNG, "image/png", 'inline; filename="foto kegiatan.png"'),
    ("Foto.JPEG", JPEG, "image/jpeg", 'inline; filename=Foto.JPEG'),
    ("laporan.docx", DOCX, "application/octet-stream", "attachment; filename=laporan.docx"),
    ("video.mp4", MP4, "application/octet-stream", "attachment; filename=video.mp4"),
], ids=["pdf", "png", "jpeg", "docx", "mp4"])
def test_uploads_are_shown_in_place_only_when_pdf_or_photo(client, own, name, data, content_type,
                                                           disposition):
    entry, operator = own
    evidence = add_evidence_file(entry, operator, filename=name, stream=io.BytesIO(data))
    db.session.commit()
    sign_in(client, operator)
    with client.get(f"/innovations/evidence/{evidence.id}") as response:
        assert response.status_code == 200 and response.data == data
        assert response.headers["Content-Type"] == content_type
        assert response.headers["Content-Disposition"] == disposition
        assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(("name", "data", "media_type", "file_name"), [
    ("logo.svg", SVG, "image/svg+xml", "logo.svg"),
    ("halaman.html", HTML, "text/html", "halaman.html"),
    ("catatan", HTML, "text/plain", "catatan"),
], ids=["svg", "html", "text"])
def test_anything_else_is_downloaded_as_bytes_whatever_type_it_was_given(client, own, name, data, media_type,
                                                                          file_name):
    entry, operator = own
    evidence = stored(entry, name, data, media_type)
    sign_in(client, operator)
    with client.get(f"/innovations/evidence/{evidence.id}") as response:
        assert response.status_code == 200 and response.data == data
        assert response.headers["Content-Type"] == "application/octet-stream"
        assert response.headers["Content-Disposition"] == f"attachment; filename={file_name}"
        assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_a_file_may_be_framed_by_the_application_only_and_runs_nothing(client, own):
    """The scoring and review pages show a PDF in place; no other site may frame it, and the file
    itself may load nothing."""
    entry, operator = own
    evidence = add_evidence_file(entry, operator, filename="SK.pdf", stream=io.BytesIO(PDF))
    db.session.commit()
    sign_in(client, operator)
    with client.get(f"/innovations/evidence/{evidence.id}") as response:
        assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
        assert response.headers["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'self'"
        assert "private" in response.headers["Cache-Control"]


def test_a_file_name_that_would_break_the_header_is_made_safe(client, own):
    entry, operator = own
    evidence = stored(entry, 'SK "Kepala"\r\nSet-Cookie: x=1; é.pdf', PDF, "application/pdf")
    sign_in(client, operator)
    with client.get(f"/innovations/evidence/{evidence.id}") as response:
        assert response.status_code == 200
        disposition = response.headers["Content-Disposition"]
        assert disposition == 'inline; filename="SK _Kepala_Set-Cookie_ x_1_ e.pdf"'
        assert "Set-Cookie" not in response.headers


@pytest.mark.parametrize(("name", "media_type", "expected"), [
    ("SK Inovasi.pdf", "application/pdf", "SK Inovasi.pdf"),
    ("SK Inovasi", "application/pdf", "SK Inovasi.pdf"),              # the type's extension added
    ("foto.png.exe", "image/png", "foto.png.exe.png"),
    ("../../etc/passwd", "application/pdf", "passwd.pdf"),            # no folders
    ("Laporan Dinas Pariwisata – 2025.docx", "application/vnd.openxmlformats-officedocument"
     ".wordprocessingml.document", "Laporan Dinas Pariwisata _ 2025.docx"),
    ("...", "image/jpeg", ""),                                        # nothing left
    ("", "application/pdf", ""),
])
def test_safe_file_names(name, media_type, expected):
    assert safe_file_name(name, media_type) == expected

"""Evidence uploads: stored by SHA-256, type and size checked, nothing kept when refused."""

from __future__ import annotations

import hashlib
import io

import pytest
from sqlalchemy import func, select

from competition.entries.evidence import (
    add_evidence_file,
    add_evidence_link,
    evidence_path,
    remove_evidence,
)
from competition.entries.operations import change_entry_status
from competition.errors import InvalidInput, NotPermitted
from competition.extensions import db
from competition.models import Evidence
from tests.factories import make_competition, make_entry, make_organisation, make_user

PDF = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40


@pytest.fixture
def draft(app):
    competition = make_competition()
    organisation = make_organisation(competition.region)
    operator = make_user(competition, "submitter", organisation=organisation)
    entry = make_entry(competition, organisation, complete=False, title="Posyandu Digital")
    return entry, operator


def evidence_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Evidence))


def test_pdf_is_stored_under_its_sha256(draft):
    entry, operator = draft
    evidence = add_evidence_file(entry, operator, filename="SK Inovasi.PDF", stream=io.BytesIO(PDF),
                                 indicator="Regulasi inovasi daerah")
    sha = hashlib.sha256(PDF).hexdigest()
    assert (evidence.kind, evidence.sha256, evidence.size_bytes, evidence.media_type) == (
        "file", sha, len(PDF), "application/pdf")
    assert (evidence.original_name, evidence.title, evidence.indicator) == (
        "SK Inovasi.PDF", "SK Inovasi.PDF", "Regulasi inovasi daerah")
    path = evidence_path(sha)
    assert path.parent.name == sha[:2]
    assert path.read_bytes() == PDF


def test_file_over_the_limit_is_refused_and_not_stored(draft, app):
    app.config["EVIDENCE_MAX_BYTES"] = 1024
    entry, operator = draft
    big = b"%PDF-" + b"x" * 2000
    with pytest.raises(InvalidInput, match=r"video.pdf is larger than the limit of 1.0 KB"):
        add_evidence_file(entry, operator, filename="video.pdf", stream=io.BytesIO(big))
    assert evidence_count() == 0
    assert not evidence_path(hashlib.sha256(big).hexdigest()).exists()


@pytest.mark.parametrize(("filename", "content", "message"), [
    ("setup.exe", b"MZ\x90\x00", "setup.exe is not an allowed type; allowed: PDF, JPG"),
    ("catatan", PDF, "catatan is not an allowed type"),
    ("foto.pdf", PNG, "foto.pdf does not look like a PDF file"),
    ("kosong.png", b"", "kosong.png is empty"),
    ("", PDF, "no file name given"),
])
def test_bad_files_are_refused_with_the_reason(draft, filename, content, message):
    entry, operator = draft
    with pytest.raises(InvalidInput, match=message):
        add_evidence_file(entry, operator, filename=filename, stream=io.BytesIO(content))
    assert evidence_count() == 0


def test_links_must_be_web_addresses(draft):
    entry, operator = draft
    with pytest.raises(InvalidInput) as invalid:
        add_evidence_link(entry, operator, url="javascript:alert(1)", title=" ")
    assert invalid.value.problems == ["url: 'javascript:alert(1)' is not an http(s) address",
                                      "title: must not be empty"]
    link = add_evidence_link(entry, operator, url="https://youtu.be/abc", title="Video inovasi")
    assert (link.kind, link.url, link.sha256) == ("link", "https://youtu.be/abc", None)


def test_removing_the_last_reference_deletes_the_file(draft):
    entry, operator = draft
    first = add_evidence_file(entry, operator, filename="a.png", stream=io.BytesIO(PNG))
    second = add_evidence_file(entry, operator, filename="b.png", stream=io.BytesIO(PNG))
    path = evidence_path(first.sha256)
    remove_evidence(first.id, operator)
    assert path.exists()
    remove_evidence(second.id, operator)
    assert not path.exists()
    assert evidence_count() == 0


def test_evidence_is_frozen_once_submitted(draft):
    entry, operator = draft
    complete = make_entry(entry.competition, entry.organisation)
    change_entry_status(complete, "submit", operator)
    with pytest.raises(NotPermitted, match="may not change the evidence"):
        add_evidence_file(complete, operator, filename="a.pdf", stream=io.BytesIO(PDF))
    with pytest.raises(NotPermitted):
        remove_evidence(complete.evidence[0].id, operator)
    assert evidence_count() == 1


def test_other_organisations_cannot_add_evidence(draft):
    entry, _ = draft
    outsider = make_user(entry.competition, "submitter",
                         organisation=make_organisation(entry.competition.region))
    with pytest.raises(NotPermitted):
        add_evidence_link(entry, outsider, url="https://example.go.id", title="x")

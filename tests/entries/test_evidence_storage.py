"""Evidence files on a full disk, a failed write, an upload that is not committed, and an upload cut
off half way: a clear message, and neither a row nor a file (whole or partial) left behind."""

from __future__ import annotations

import errno
import hashlib
import io
import os
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import func, select

from competition.entries import evidence as evidence_module
from competition.entries.evidence import add_evidence_file, evidence_path
from competition.errors import StorageFailed
from competition.extensions import db
from competition.models import AuditEvent, Evidence
from competition.unit_of_work import unit_of_work
from tests.entries.test_views import PDF, Opd, page, sign_in
from tests.factories import make_entry

BIG_PDF = b"%PDF-1.7\n" + b"0" * 200_000 + b"\n%%EOF\n"


@pytest.fixture
def opd(app):
    return Opd()


def stored_files(app) -> list[str]:
    """Every file in the evidence folder but the lock, temporary files included."""
    folder = Path(app.config["EVIDENCE_DIR"])
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*")
                  if path.is_file() and path.name != ".lock")


def evidence_rows() -> int:
    return db.session.scalar(select(func.count()).select_from(Evidence))


def upload(client, entry, data: bytes, name: str = "SK Inovasi.pdf"):
    return client.post(f"/innovations/{entry.id}/evidence", content_type="multipart/form-data",
                       data={"files": [(io.BytesIO(data), name)], "url": "", "title": "",
                             "indicator": ""}, follow_redirects=True)


@pytest.fixture
def tiny_disk(tmp_path):
    """A real file system of 64 KiB (tmpfs), so the disk really fills up."""
    mount_point = tmp_path / "tiny"
    mount_point.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount_point)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"a small tmpfs cannot be mounted here (needs root): {mounted.stderr.strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", str(mount_point)], check=True)


def test_a_full_disk_gives_a_clear_error_and_keeps_nothing(client, app, opd, tiny_disk):
    app.config["EVIDENCE_DIR"] = tiny_disk
    entry = make_entry(opd.competition, opd.dinkes, complete=False)
    sign_in(client, opd.operator)
    answer = upload(client, entry, BIG_PDF)
    assert answer.status_code == 200
    assert "SK Inovasi.pdf tidak tersimpan: penyimpanan server penuh" in page(answer)
    assert evidence_rows() == 0 and stored_files(app) == []
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)
                             .where(AuditEvent.kind == "evidence.added")) == 0
    # A small file still fits, and is kept whole.
    assert "1 data dukung ditambahkan." in page(upload(client, entry, PDF))
    assert stored_files(app) == [f"{hashlib.sha256(PDF).hexdigest()[:2]}/{hashlib.sha256(PDF).hexdigest()}"]


def test_a_failed_write_is_reported_and_leaves_no_partial_file(app, opd, monkeypatch):
    entry = make_entry(opd.competition, opd.dinkes, complete=False)

    def broken_disk(descriptor: int) -> None:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(evidence_module.os, "fsync", broken_disk)
    with pytest.raises(StorageFailed, match="SK Inovasi.pdf was not saved: the server could not write it"):
        add_evidence_file(entry, opd.operator, filename="SK Inovasi.pdf", stream=io.BytesIO(PDF))
    assert evidence_rows() == 0 and stored_files(app) == []


def test_an_upload_that_is_not_committed_leaves_no_file(app, opd):
    """The file is written before the request commits; when the request fails afterwards, the row
    is rolled back and the file it wrote is taken away again (before, it stayed as an orphan)."""
    entry = make_entry(opd.competition, opd.dinkes, complete=False)
    with pytest.raises(RuntimeError), unit_of_work():
        add_evidence_file(entry, opd.operator, filename="SK Inovasi.pdf", stream=io.BytesIO(PDF))
        assert stored_files(app)                     # written while the request runs
        raise RuntimeError("the request fails after the upload")
    assert evidence_rows() == 0 and stored_files(app) == []


def test_a_file_another_upload_wrote_meanwhile_stays(app, opd):
    """Two operators upload the same document at once; one request fails. The file the other one
    wrote (and is about to commit a row for) is not taken away."""
    entry = make_entry(opd.competition, opd.dinkes, complete=False)
    path = evidence_path(hashlib.sha256(PDF).hexdigest())
    with pytest.raises(RuntimeError), unit_of_work():
        add_evidence_file(entry, opd.operator, filename="SK Inovasi.pdf", stream=io.BytesIO(PDF))
        again = path.with_name(".upload-other")
        again.write_bytes(PDF)
        os.replace(again, path)                      # the other upload, writing the same content
        raise RuntimeError("this request fails")
    assert path.read_bytes() == PDF


def test_a_committed_upload_keeps_its_file(app, opd):
    entry = make_entry(opd.competition, opd.dinkes, complete=False)
    with unit_of_work():
        add_evidence_file(entry, opd.operator, filename="SK Inovasi.pdf", stream=io.BytesIO(PDF))
    assert evidence_rows() == 1
    assert evidence_path(hashlib.sha256(PDF).hexdigest()).read_bytes() == PDF


# werkzeug drops the spooled file of the unfinished part without closing it; that is its own
# temporary file, gone with the request.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_an_upload_cut_off_half_way_stores_nothing(client, app, opd):
    """The browser sent fewer bytes than it announced (a dropped connection): the part that was
    cut off is not taken for a file."""
    entry = make_entry(opd.competition, opd.dinkes, complete=False)
    sign_in(client, opd.operator)
    form = client.get(f"/innovations/{entry.id}")
    assert form.status_code == 200
    boundary = "batas"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"SK.pdf\"\r\n"
            f"Content-Type: application/pdf\r\n\r\n").encode() + BIG_PDF[:50_000]
    cut = client.post(f"/innovations/{entry.id}/evidence", input_stream=io.BytesIO(body),
                      content_type=f"multipart/form-data; boundary={boundary}",
                      headers={"Content-Length": str(len(body) + 150_000)})
    assert cut.status_code == 302                   # back to the innovation, nothing added
    assert evidence_rows() == 0 and stored_files(app) == []

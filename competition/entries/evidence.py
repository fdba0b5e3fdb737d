"""Evidence (data dukung): uploaded files kept by their SHA-256, and links."""

from __future__ import annotations

import errno
import fcntl
import hashlib
import logging
import os
import re
import tempfile
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlparse

from flask import current_app
from flask_babel import get_locale
from sqlalchemy import func, select

from competition.audit.operations import record
from competition.documents.formatting import format_file_size
from competition.documents.inputs import URL, text_problem
from competition.errors import InvalidInput, NotFound, NotPermitted, StorageFailed
from competition.extensions import db
from competition.models import Entry, Evidence, User
from competition.policy import ENTRY_WORKFLOW, can_edit_entry
from competition.unit_of_work import after_commit, after_rollback, operation
from workflows import get_workflow
from workflows.messages import t

# Extension -> (media type, check of the file's first bytes).
FILE_TYPES: dict[str, tuple[str, bytes | None]] = {
    "pdf": ("application/pdf", b"%PDF-"),
    "png": ("image/png", b"\x89PNG\r\n\x1a\n"),
    "jpg": ("image/jpeg", b"\xff\xd8\xff"),
    "jpeg": ("image/jpeg", b"\xff\xd8\xff"),
    "mp4": ("video/mp4", None),  # checked by its "ftyp" box below
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", b"PK\x03\x04"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK\x03\x04"),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", b"PK\x03\x04"),
}


# Shown in the browser: PDFs and photos. Anything else is downloaded as plain bytes, whatever type
# it was stored with; SVG above all, which can carry script.
SHOWN_IN_PLACE = frozenset({"application/pdf", "image/png", "image/jpeg"})
DOWNLOADED_AS = "application/octet-stream"
# Evidence may be framed by the application's own pages (a PDF opened in place) and loads nothing.
FILE_SECURITY_HEADERS = {"Content-Security-Policy": "default-src 'none'; frame-ancestors 'self'",
                         "X-Frame-Options": "SAMEORIGIN"}
_NOT_SAFE = re.compile(r"[^A-Za-z0-9 ._()-]+")


def _megabytes(size: int) -> str:
    return format_file_size(size, str(get_locale() or "en"))


def _content_matches(extension: str, head: bytes) -> bool:
    if extension == "mp4":
        return head[4:8] == b"ftyp"
    magic = FILE_TYPES[extension][1]
    return magic is not None and head.startswith(magic)


def safe_file_name(name: str | None, media_type: str) -> str:
    """``name`` as a download may carry it: no folders, ASCII letters, digits, spaces and
    ``._()-`` only (each run of anything else becomes "_"), at most 120 characters, ending in an
    extension of ``media_type`` when it is one of the allowed types; "" when nothing is left."""
    base = re.split(r"[/\\]", name or "")[-1]
    plain = "".join(c for c in unicodedata.normalize("NFKD", base) if not unicodedata.combining(c))
    safe = _NOT_SAFE.sub("_", plain).strip(" ._")
    if not safe:
        return ""
    extensions = [ext for ext, (media, _) in FILE_TYPES.items() if media == media_type]
    stem, _dot, extension = safe.rpartition(".")
    if extensions and (not stem or extension.lower() not in extensions):
        stem, extension = safe, extensions[0]
    if not stem:
        return safe[:120]
    return f"{stem[:120 - len(extension) - 1]}.{extension}"


@dataclass(frozen=True)
class Delivery:
    """How an evidence file is sent: its Content-Type, shown in place or downloaded, and its name."""

    media_type: str
    inline: bool
    file_name: str


def delivery(evidence: Evidence, *, neutral_name: bool) -> Delivery:
    """PDFs and photos in place with their type; anything else as bytes to download. The name is
    the uploaded one made safe, or with ``neutral_name`` (or when nothing of it is safe)
    "data-dukung-<id>.<extension>", which names no OPD."""
    media_type = evidence.media_type or ""
    inline = media_type in SHOWN_IN_PLACE
    name = "" if neutral_name else safe_file_name(evidence.original_name, media_type)
    if not name:
        name = safe_file_name(f"data-dukung-{evidence.id}", media_type)
        if media_type not in {media for media, _ in FILE_TYPES.values()}:
            name += ".bin"
    return Delivery(media_type if inline else DOWNLOADED_AS, inline, name)


def evidence_path(sha256: str) -> Path:
    return Path(current_app.config["EVIDENCE_DIR"]) / sha256[:2] / sha256


@contextmanager
def _files_locked() -> Iterator[None]:
    """Held while a stored file is put in place or taken away, by every process sharing the
    evidence folder, so a file another upload has just written is never taken away."""
    folder = Path(current_app.config["EVIDENCE_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def _store(data: bytes, sha256: str, name: str) -> None:
    """Write the file whole (a temporary file, synced, then renamed into place), or nothing: a
    full disk or a failed write leaves no partial file and raises :class:`StorageFailed`. Should
    the upload not be committed after all, the file it wrote is taken away again; a file an upload
    of the same content wrote meanwhile stays."""
    path = evidence_path(sha256)
    temporary: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=".upload-", delete=False) as handle:
            temporary = handle.name
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        with _files_locked():
            os.replace(temporary, path)
            written = path.stat().st_ino
    except OSError as error:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
        logging.getLogger(__name__).error("evidence %s not stored: %s", sha256, error)
        full = error.errno in (errno.ENOSPC, errno.EDQUOT)
        raise StorageFailed(
            t("file: %(name)s was not saved: the server's storage is full; tell the administrator",
              name=name) if full else
            t("file: %(name)s was not saved: the server could not write it; tell the administrator",
              name=name)) from error
    after_rollback(lambda: _take_back(path, written))


def _take_back(path: Path, written: int) -> None:
    """The upload that wrote ``path`` was not committed: remove the file it wrote, unless another
    upload has written it again since."""
    with _files_locked():
        try:
            if path.stat().st_ino == written:
                path.unlink()
        except FileNotFoundError:
            pass


def _check_editable(entry: Entry, user: User) -> None:
    if not can_edit_entry(user, entry):
        raise NotPermitted(t("%(user)s may not change the evidence of '%(title)s' in status '%(status)s'",
                             user=user.name, title=entry.title,
                             status=get_workflow(ENTRY_WORKFLOW).shown(entry.status)))


@operation
def add_evidence_file(entry: Entry, user: User, *, filename: str, stream: BinaryIO,
                      title: str = "", indicator: str = "") -> Evidence:
    """Attach an uploaded file to a draft or returned entry.

    The type is taken from the file name and must match the file's content; files over the
    configured size limit are refused without being stored.
    """
    _check_editable(entry, user)
    allowed = current_app.config["EVIDENCE_TYPES"]
    limit = current_app.config["EVIDENCE_MAX_BYTES"]
    name = os.path.basename(filename or "").strip()
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if not name:
        raise InvalidInput(t("file: no file name given"))
    problems = [problem for problem in (text_problem("file", name, None, one_line=True),
                                        text_problem("title", title.strip(), 200, one_line=True),
                                        text_problem("indicator", indicator.strip(), 120, one_line=True))
                if problem]
    if problems:
        raise InvalidInput(problems)
    if extension not in allowed or extension not in FILE_TYPES:
        raise InvalidInput(t("file: %(name)s is not an allowed type; allowed: %(types)s", name=name,
                             types=", ".join(kind.upper() for kind in allowed)))
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise InvalidInput(t("file: %(name)s is larger than the limit of %(limit)s", name=name,
                             limit=_megabytes(limit)))
    if not data:
        raise InvalidInput(t("file: %(name)s is empty", name=name))
    if not _content_matches(extension, data[:16]):
        raise InvalidInput(t("file: %(name)s does not look like a %(type)s file", name=name,
                             type=extension.upper()))
    sha256 = hashlib.sha256(data).hexdigest()
    # A title taken from a long file name is shortened to fit; a title or claim typed in is checked above.
    evidence = Evidence(entry=entry, kind="file", title=(title.strip() or name)[:200],
                        indicator=indicator.strip(), sha256=sha256, size_bytes=len(data),
                        media_type=FILE_TYPES[extension][0], original_name=name[:255],
                        uploaded_by=user)
    db.session.add(evidence)
    db.session.flush()
    _store(data, sha256, name)
    record("evidence.added", user, entry=entry, subject=evidence, details=_described(evidence))
    return evidence


def _web_address(url: str) -> bool:
    try:
        parsed = urlparse(url)
    except ValueError:  # such as an unclosed "[" of an IPv6 address
        return False
    return parsed.scheme in ("http", "https") and bool(parsed.netloc)


@operation
def add_evidence_link(entry: Entry, user: User, *, url: str, title: str,
                      indicator: str = "") -> Evidence:
    """Attach a link (a video, a published page, a shared folder) to a draft or returned entry."""
    _check_editable(entry, user)
    url = url.strip()
    problems = [problem for problem in (text_problem("url", url, URL, one_line=True),
                                        text_problem("title", title.strip(), 200, one_line=True),
                                        text_problem("indicator", indicator.strip(), 120, one_line=True))
                if problem]
    if not problems and not _web_address(url):
        problems.append(t("url: %(url)r is not an http(s) address", url=url))
    if not title.strip():
        problems.append(t("title: must not be empty"))
    if problems:
        raise InvalidInput(problems)
    evidence = Evidence(entry=entry, kind="link", url=url, title=title.strip(),
                        indicator=indicator.strip(), uploaded_by=user)
    db.session.add(evidence)
    db.session.flush()
    record("evidence.added", user, entry=entry, subject=evidence, details=_described(evidence))
    return evidence


@operation
def remove_evidence(evidence_id: int, user: User) -> None:
    """Remove evidence from a draft or returned entry; the file goes once the removal is committed
    and nothing refers to it any more."""
    evidence = db.session.get(Evidence, evidence_id)
    if evidence is None:
        raise NotFound(t("there is no evidence with id %(id)s", id=evidence_id))
    _check_editable(evidence.entry, user)
    sha256 = evidence.sha256
    record("evidence.removed", user, entry=evidence.entry, subject=evidence, details=_described(evidence))
    db.session.delete(evidence)
    db.session.flush()
    if sha256 is not None:
        after_commit(lambda: _remove_file_if_unused(sha256))


def _described(evidence: Evidence) -> dict[str, str]:
    """What the audit log keeps of a piece of evidence: its kind and title, and its file's hash
    or its link."""
    kept = {"kind": evidence.kind, "title": evidence.title}
    if evidence.kind == "file":
        return {**kept, "sha256": evidence.sha256 or ""}
    return {**kept, "url": evidence.url or ""}


def _remove_file_if_unused(sha256: str) -> None:
    with _files_locked():
        still_used = db.session.scalar(select(func.count()).select_from(Evidence)
                                       .where(Evidence.sha256 == sha256))
        if not still_used:
            evidence_path(sha256).unlink(missing_ok=True)

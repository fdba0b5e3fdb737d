"""The files backups are kept in: a zip archive with a ``manifest.json`` written last, members
written atomically (a temporary file in the same folder, renamed into place), and every value of
a row written as JSON in one exact form for its column's type.

Zip rather than tar: a member can be read without reading the ones before it (the manifest
first, then one table or one file at a time), every member carries a CRC-32 that ``zipfile``
checks as it reads, the standard library writes and reads it on every system, and an office
that is sent an archive can open it with the tools it has. Evidence (PDFs, photos, videos) is
compressed already, so it is stored as it is; the JSON is deflated.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Any

from sqlalchemy import JSON, Boolean, Column, Date, DateTime, Float, Integer, Numeric, String, Text
from sqlalchemy.types import TypeDecorator

from competition.errors import InvalidInput

MANIFEST = "manifest.json"
CHUNK = 1 << 20


class ArchiveRefused(InvalidInput):
    """An archive that cannot be read or used; the message says why."""


# -- values ------------------------------------------------------------------------------------------

def column_kind(column: Column[Any]) -> type:
    column_type = column.type
    if isinstance(column_type, TypeDecorator):
        column_type = column_type.impl_instance
    for kind in (JSON, Boolean, DateTime, Date, Float, Numeric, Integer, String, Text):
        if isinstance(column_type, kind):
            return kind
    raise TypeError(f"{column.table.name}.{column.name}: no archive form for {column.type!r}")


def encode(column: Column[Any], value: Any) -> Any:
    """``value`` of ``column`` as JSON: moments in ISO form with their offset, dates in ISO form,
    decimals as text, JSON columns as they are."""
    if value is None:
        return None
    kind = column_kind(column)
    if kind in (DateTime, Date):
        return value.isoformat()
    if kind is Numeric:
        return str(value)
    return value


def decode(column: Column[Any], value: Any) -> Any:
    """The value :func:`encode` wrote, back as the column's type; refuses anything else."""
    if value is None:
        return None
    kind = column_kind(column)
    try:
        if kind is DateTime:
            moment = datetime.fromisoformat(value)
            if moment.tzinfo is None and getattr(column.type, "impl_instance", None) is not None:
                raise ValueError("a moment without its time zone")
            return moment
        if kind is Date:
            return date.fromisoformat(value)
        if kind is Numeric:
            return Decimal(value)
        if kind is Float and isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        if kind is Integer and isinstance(value, int) and not isinstance(value, bool):
            return value
        if kind is Boolean and isinstance(value, bool):
            return value
        if kind in (String, Text) and isinstance(value, str):
            return value
        if kind is JSON:
            return value
    except (TypeError, ValueError, InvalidOperation) as error:
        raise ArchiveRefused(f"{column.table.name}.{column.name}: {value!r} is not a valid value "
                             f"({error})") from error
    raise ArchiveRefused(f"{column.table.name}.{column.name}: {value!r} is not a valid value")


def dumps(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                      allow_nan=False).encode("utf-8")


def sha256_of_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


# -- writing -----------------------------------------------------------------------------------------

@contextmanager
def atomic_file(target: Path, suffix: str = "") -> Iterator[Path]:
    """A temporary path beside ``target``, renamed to it when the block ends without an error and
    removed otherwise: ``target`` is either the whole new file or what it was before."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=suffix or ".partial", dir=target.parent)
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        with temporary.open("rb") as written:
            os.fsync(written.fileno())
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


class ArchiveWriter:
    """Members added one by one; the manifest is written last (an archive without one is refused)."""

    def __init__(self, archive: zipfile.ZipFile):
        self.archive = archive

    def add_bytes(self, name: str, data: bytes) -> str:
        self.archive.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), data,
                              compress_type=zipfile.ZIP_DEFLATED)
        return hashlib.sha256(data).hexdigest()

    def add_file(self, name: str, path: Path) -> tuple[str, int]:
        """Copy ``path`` in as it is; its SHA-256 and size."""
        digest, size = hashlib.sha256(), 0
        info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_STORED
        with path.open("rb") as source, self.archive.open(info, "w", force_zip64=True) as member:
            for chunk in iter(lambda: source.read(CHUNK), b""):
                digest.update(chunk)
                size += len(chunk)
                member.write(chunk)
        return digest.hexdigest(), size


@contextmanager
def write_archive(target: Path) -> Iterator[ArchiveWriter]:
    with atomic_file(target) as temporary, zipfile.ZipFile(temporary, "w", allowZip64=True) as archive:
        yield ArchiveWriter(archive)


# -- reading -----------------------------------------------------------------------------------------

class ArchiveReader:
    """Reads what the manifest lists, checking each member against the hash the manifest gives."""

    def __init__(self, archive: zipfile.ZipFile, path: Path, manifest: dict[str, Any]):
        self.archive, self.path, self.manifest = archive, path, manifest

    def _member(self, name: str) -> IO[bytes]:
        try:
            return self.archive.open(name)
        except KeyError:
            raise ArchiveRefused(f"{self.path}: the archive has no {name}, which its manifest lists") \
                from None

    def read_json(self, name: str, sha256: str) -> Any:
        with self._member(name) as member:
            data = _read_checked(member, name, self.path)
        if hashlib.sha256(data).hexdigest() != sha256:
            raise ArchiveRefused(f"{self.path}: {name} does not have the SHA-256 its manifest gives "
                                 f"({sha256})")
        try:
            return json.loads(data)
        except ValueError as error:
            raise ArchiveRefused(f"{self.path}: {name} is not JSON ({error})") from error

    def copy_file(self, name: str, sha256: str, size: int, target: Path) -> None:
        """Write member ``name`` to ``target`` (atomically) if its SHA-256 and size are those given."""
        with self._member(name) as member, atomic_file(target) as temporary:
            digest, written = hashlib.sha256(), 0
            with temporary.open("wb") as out:
                for chunk in iter(lambda: _read_chunk(member, name, self.path), b""):
                    digest.update(chunk)
                    written += len(chunk)
                    out.write(chunk)
            if digest.hexdigest() != sha256 or written != size:
                raise ArchiveRefused(f"{self.path}: {name} has SHA-256 {digest.hexdigest()} and {written} "
                                     f"bytes; the manifest gives {sha256} and {size} bytes")

    def check_file(self, name: str, sha256: str, size: int) -> None:
        """Read member ``name`` through, refusing it unless its SHA-256 and size are those given."""
        digest, read = hashlib.sha256(), 0
        with self._member(name) as member:
            for chunk in iter(lambda: _read_chunk(member, name, self.path), b""):
                digest.update(chunk)
                read += len(chunk)
        if digest.hexdigest() != sha256 or read != size:
            raise ArchiveRefused(f"{self.path}: {name} has SHA-256 {digest.hexdigest()} and {read} bytes; "
                                 f"the manifest gives {sha256} and {size} bytes")


def _read_chunk(member: IO[bytes], name: str, path: Path) -> bytes:
    try:
        return member.read(CHUNK)
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError) as error:
        raise ArchiveRefused(f"{path}: {name} is damaged ({error})") from error


def _read_checked(member: IO[bytes], name: str, path: Path) -> bytes:
    return b"".join(iter(lambda: _read_chunk(member, name, path), b""))


@contextmanager
def read_archive(path: Path, kind: str, versions: tuple[int, ...],
                 check: Callable[[dict[str, Any]], None] | None = None) -> Iterator[ArchiveReader]:
    """Open an archive of ``kind`` in one of the format ``versions`` this code reads, or refuse it."""
    try:
        archive = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise ArchiveRefused(f"{path}: no such file") from None
    except (zipfile.BadZipFile, OSError) as error:
        raise ArchiveRefused(f"{path}: not a readable zip archive ({error})") from error
    with archive:
        try:
            raw = archive.read(MANIFEST)
        except KeyError:
            raise ArchiveRefused(f"{path}: the archive has no {MANIFEST}; it is incomplete") from None
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError) as error:
            raise ArchiveRefused(f"{path}: {MANIFEST} is damaged ({error})") from error
        try:
            manifest = json.loads(raw)
        except ValueError as error:
            raise ArchiveRefused(f"{path}: {MANIFEST} is not JSON ({error})") from error
        if not isinstance(manifest, dict) or manifest.get("format") != kind:
            raise ArchiveRefused(f"{path}: not {kind} (its manifest says "
                                 f"{manifest.get('format') if isinstance(manifest, dict) else manifest!r})")
        if manifest.get("format_version") not in versions:
            raise ArchiveRefused(f"{path}: format version {manifest.get('format_version')!r} is not one this "
                                 f"version of Anugerah reads ({', '.join(map(str, versions))})")
        if check is not None:
            check(manifest)
        yield ArchiveReader(archive, path, manifest)

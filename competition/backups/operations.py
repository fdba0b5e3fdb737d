"""Exporting one competition to an archive and importing it into another database.

Ids are kept: every row goes in with the id it had, so the sealed results (whose hash covers the
competition's id, who sealed them and every entry, judge and criterion id in their inputs) verify
where they arrive exactly as they did where they were sealed. An import therefore refuses an id
already taken by a row of a competition's own table; a region, organisation or user whose id is
taken by the same region (name), organisation (region and name) or account (e-mail) is taken as
that one and left as it is, and by anything else is refused.

The audit rows are the exception: each audit table is one hash chain across every competition of
the database, so a competition's rows cannot keep their places in another database's chain. They
are checked against their own hashes as archived, then appended to the destination's chains in
their original order, with the fields they had and new ids and hashes, so ``flask audit verify``
holds after the import. Nothing refers to an audit row by its id.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Table, inspect, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapper

from competition.audit.chain import CHAIN_COLUMNS, row_digest
from competition.backups.archive import (
    MANIFEST,
    ArchiveReader,
    ArchiveRefused,
    decode,
    dumps,
    encode,
    read_archive,
    sha256_of_file,
    write_archive,
)
from competition.backups.queries import (
    EXCLUDED,
    OWNED,
    SHARED,
    WITHHELD,
    app_version,
    competition_rows,
    migration_head,
    table_order,
)
from competition.entries.evidence import evidence_path
from competition.extensions import db
from competition.models import AUDIT_MODELS
from competition.unit_of_work import operation

FORMAT = "anugerah-competition"
FORMAT_VERSION = 1
# The audit chains' locks, taken in the order the operations take them (competition.audit.models).
AUDIT_ORDER = ("audit_event", "scoring_event", "round_event", "result_set_event", "competition_event",
               "entry_event")
AT_ONCE = 5_000
COLLIDE = "the archive's rows collide with rows of this database (ids are kept):"


@dataclass(frozen=True)
class ArchiveSummary:
    competition_id: int
    name: str
    rows: dict[str, int]
    files: int
    file_bytes: int
    reused: dict[str, int] = field(default_factory=dict)   # shared rows that were there already

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


def _columns(table: Table) -> list[str]:
    withheld = WITHHELD.get(table.name, {})
    return [column.name for column in table.columns if column.name not in withheld]


# -- export ------------------------------------------------------------------------------------------

def export_competition(competition_id: int, target: Path) -> ArchiveSummary:
    """Write the competition's archive to ``target``, whole or not at all."""
    rows = competition_rows(competition_id)
    if not rows["competition"]:
        raise ArchiveRefused(f"there is no competition with id {competition_id}")
    competition = rows["competition"][0]
    files = sorted({row["sha256"] for row in rows["evidence"] if row["sha256"] is not None})
    missing = [sha256 for sha256 in files if not evidence_path(sha256).is_file()]
    if missing:
        raise ArchiveRefused(f"{len(missing)} evidence file(s) are missing from the evidence folder "
                             f"({evidence_path(missing[0]).parent.parent}): " + ", ".join(missing[:5]))
    tables: dict[str, Any] = {}
    evidence: list[dict[str, Any]] = []
    with write_archive(target) as archive:
        for table in table_order():
            names = _columns(table)
            encoded = [[encode(table.c[name], row[name]) for name in names] for row in rows[table.name]]
            data = {"columns": names, "rows": encoded}
            sha256 = archive.add_bytes(f"tables/{table.name}.json", dumps(data))
            tables[table.name] = {"rows": len(rows[table.name]), "sha256": sha256}
        for name in files:
            digest, size = archive.add_file(f"evidence/{name}", evidence_path(name))
            if digest != name:
                raise ArchiveRefused(f"evidence file {name} has changed on disk: its SHA-256 is now {digest}")
            evidence.append({"sha256": digest, "size": size})
        archive.add_bytes(MANIFEST, dumps({
            "format": FORMAT, "format_version": FORMAT_VERSION,
            "created_at": datetime.now(UTC).isoformat(), "app_version": app_version(),
            "migration_head": migration_head(), "database": db.engine.dialect.name,
            "competition": {key: competition[key] for key in ("id", "name", "year")},
            "tables": tables, "evidence": evidence, "excluded": EXCLUDED,
            "withheld": {name: sorted(columns) for name, columns in WITHHELD.items()},
            "audit": _audit_heads(rows),
        }))
    return ArchiveSummary(competition["id"], competition["name"],
                          {name: len(table_rows) for name, table_rows in rows.items()},
                          len(evidence), sum(item["size"] for item in evidence))


def _audit_heads(rows: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """What the source's chains held for the competition: rows, and the first and last row's ids
    and hashes (kept in the manifest, so the original chain can be compared later)."""
    heads = {}
    for name in AUDIT_ORDER:
        chain = rows[name]
        heads[name] = {"rows": len(chain)} | ({
            "first_id": chain[0]["id"], "last_id": chain[-1]["id"], "last_hash": chain[-1]["row_hash"]}
            if chain else {})
    return heads


# -- import ------------------------------------------------------------------------------------------

def _check_manifest(manifest: dict[str, Any]) -> None:
    known = set(OWNED) | set(SHARED)
    tables = manifest.get("tables")
    if not isinstance(tables, dict) or set(tables) != known:
        listed = set(tables) if isinstance(tables, dict) else set()
        unknown, missing = sorted(listed - known) or "none", sorted(known - listed) or "none"
        raise ArchiveRefused(f"the archive has tables this version does not know ({unknown}) or lacks some "
                             f"({missing})")


def read_competition_archive(reader: ArchiveReader) -> dict[str, list[dict[str, Any]]]:
    """Every row of the archive, decoded, by table; refuses a table whose columns differ from
    this database's or whose audit rows do not match their own hashes."""
    rows: dict[str, list[dict[str, Any]]] = {}
    for table in table_order():
        listed = reader.manifest["tables"][table.name]
        data = reader.read_json(f"tables/{table.name}.json", str(listed.get("sha256")))
        names = _columns(table)
        if not isinstance(data, dict) or data.get("columns") != names:
            raise ArchiveRefused(f"{reader.path}: table {table.name} has columns "
                                 f"{data.get('columns') if isinstance(data, dict) else '?'}; "
                                 f"this database has {names}")
        decoded = []
        for values in data.get("rows", []):
            if not isinstance(values, list) or len(values) != len(names):
                raise ArchiveRefused(f"{reader.path}: table {table.name} has a row of the wrong shape")
            decoded.append({name: decode(table.c[name], value)
                            for name, value in zip(names, values, strict=True)})
        if len(decoded) != listed.get("rows"):
            raise ArchiveRefused(f"{reader.path}: table {table.name} has {len(decoded)} rows; "
                                 f"its manifest says {listed.get('rows')}")
        rows[table.name] = decoded
    for name in AUDIT_ORDER:
        for row in rows[name]:
            values = {key: value for key, value in row.items() if key not in CHAIN_COLUMNS}
            if row_digest(name, row["prev_hash"], values) != row["row_hash"]:
                raise ArchiveRefused(f"{reader.path}: {name} row {row['id']} does not match its own hash: "
                                     "the audit trail in the archive was changed")
    return rows


def _existing(table: Table, ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    found: dict[int, dict[str, Any]] = {}
    for start in range(0, len(ids), AT_ONCE):
        query = select(table).where(table.c.id.in_(ids[start:start + AT_ONCE]))
        found.update({row["id"]: dict(row) for row in db.session.execute(query).mappings()})
    return found


def _new_shared_rows(table: Table, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The shared rows the database does not have yet; refuses ids or identities taken by others."""
    identity = SHARED[table.name]
    existing = _existing(table, [row["id"] for row in rows])
    new, clashes = [], []
    for row in rows:
        there = existing.get(row["id"])
        if there is None:
            new.append(row)
        elif any(there[key] != row[key] for key in identity):
            clashes.append(f"{table.name} {row['id']} is {', '.join(str(there[k]) for k in identity)} here, "
                           f"{', '.join(str(row[k]) for k in identity)} in the archive")
    for row in new:
        match = select(table.c.id).where(*(table.c[key] == row[key] for key in identity)).limit(1)
        other = db.session.scalar(match)
        if other is not None:
            clashes.append(f"{table.name} {', '.join(str(row[k]) for k in identity)} has id {other} here, "
                           f"{row['id']} in the archive")
    if clashes:
        raise ArchiveRefused([COLLIDE, *clashes[:10]])
    return new


def _refuse_taken_ids(rows: dict[str, list[dict[str, Any]]]) -> None:
    taken = []
    for name in OWNED:
        if name in AUDIT_ORDER:
            continue   # audit rows get new ids
        ids = [row["id"] for row in rows[name]]
        clash = sorted(_existing(db.metadata.tables[name], ids))
        if clash:
            taken.append(f"{name}: {len(clash)} id(s) taken, first {clash[0]}")
    if taken:
        raise ArchiveRefused([COLLIDE, *taken])


def _parents_first(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows of a table that points at itself (``parent_id``), each after its parent."""
    if not rows or "parent_id" not in rows[0]:
        return rows
    placed: set[int] = set()
    ids = {row["id"] for row in rows}
    ordered: list[dict[str, Any]] = []
    waiting = list(rows)
    while waiting:
        ready = [row for row in waiting if row["parent_id"] is None or row["parent_id"] not in ids
                 or row["parent_id"] in placed]
        if not ready:
            raise ArchiveRefused(f"rows {sorted(row['id'] for row in waiting)[:5]} are their own ancestors")
        ordered += ready
        placed |= {row["id"] for row in ready}
        waiting = [row for row in waiting if row["id"] not in placed]
    return ordered


def _insert(table: Table, rows: list[dict[str, Any]]) -> None:
    filled = [WITHHELD.get(table.name, {}) | row for row in _parents_first(rows)]
    for start in range(0, len(filled), AT_ONCE):
        try:
            db.session.execute(table.insert(), filled[start:start + AT_ONCE])
        except IntegrityError as error:
            raise ArchiveRefused(f"the rows of {table.name} cannot be added to this database: "
                                 f"{str(error.orig).splitlines()[0]}") from error


def _append_audit_rows(name: str, rows: Iterable[dict[str, Any]]) -> None:
    """Add the rows to the end of ``name``'s chain through the model, which chains them."""
    model: Any = next(m for m in AUDIT_MODELS if m.__tablename__ == name)
    mapper: Mapper[Any] = inspect(model)
    for row in rows:
        entity = model()
        for column in mapper.local_table.columns:
            if column.name not in CHAIN_COLUMNS and column.name != "id":
                setattr(entity, mapper.get_property_by_column(column).key, row[column.name])
        db.session.add(entity)
    db.session.flush()


def _move_sequences(tables: Iterable[Table]) -> None:
    """PostgreSQL: each table's id sequence past the ids inserted with the rows."""
    if db.engine.dialect.name != "postgresql":
        return
    for table in tables:
        db.session.execute(text(
            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
            f"GREATEST((SELECT MAX(id) FROM {table.name}), 1))"))


def _evidence_list(manifest: dict[str, Any], rows: dict[str, list[dict[str, Any]]]) -> list[tuple[str, int]]:
    listed = [(str(item.get("sha256")), int(item.get("size", -1))) for item in manifest.get("evidence", [])]
    needed = {row["sha256"] for row in rows["evidence"] if row["sha256"] is not None}
    if needed - {sha256 for sha256, _ in listed}:
        raise ArchiveRefused(f"evidence file(s) missing from the archive: {', '.join(sorted(needed)[:5])}")
    return listed


@operation
def import_competition(path: Path) -> ArchiveSummary:
    """Add the competition in the archive at ``path`` to this database and its evidence files to
    the evidence folder: all of it, or (refused with the reason) nothing."""
    with read_archive(path, FORMAT, (FORMAT_VERSION,), _check_manifest) as reader:
        rows = read_competition_archive(reader)
        if len(rows["competition"]) != 1:
            raise ArchiveRefused(f"{path}: the archive holds {len(rows['competition'])} competitions, "
                                 "not one")
        files = _evidence_list(reader.manifest, rows)
        for sha256, size in files:
            reader.check_file(f"evidence/{sha256}", sha256, size)
        _refuse_taken_ids(rows)
        reused: dict[str, int] = {}
        inserted: list[Table] = []
        for table in table_order():
            if table.name in AUDIT_ORDER:
                continue
            new = _new_shared_rows(table, rows[table.name]) if table.name in SHARED else rows[table.name]
            reused[table.name] = len(rows[table.name]) - len(new)
            _insert(table, new)
            inserted.append(table)
        db.session.flush()
        _move_sequences(inserted)
        for name in AUDIT_ORDER:
            _append_audit_rows(name, rows[name])
        for sha256, size in files:
            target = evidence_path(sha256)
            if not (target.is_file() and sha256_of_file(target) == sha256):   # absent, or damaged here
                reader.copy_file(f"evidence/{sha256}", sha256, size, target)
    competition = rows["competition"][0]
    return ArchiveSummary(competition["id"], competition["name"],
                          {name: len(table_rows) for name, table_rows in rows.items()},
                          len(files), sum(size for _, size in files),
                          {name: count for name, count in reused.items() if count and name in SHARED})

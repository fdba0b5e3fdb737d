"""Reading the audit trail: checking every chain (``flask audit verify``), and a competition's
trail from all its audit tables at once, for the organisers' page."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Integer,
    Result,
    Select,
    String,
    Table,
    Text,
    cast,
    func,
    literal,
    null,
    select,
    union_all,
)

from competition.audit.chain import CHAIN_COLUMNS, GENESIS, Break, ChainRow, walk
from competition.extensions import db
from competition.models import (
    AUDIT_MODELS,
    Assignment,
    AuditEvent,
    Competition,
    CompetitionEvent,
    Entry,
    EntryEvent,
    ResultSet,
    ResultSetEvent,
    Round,
    RoundEvent,
    ScoringEvent,
    User,
)

READ_AT_ONCE = 2_000


@dataclass(frozen=True)
class ChainReport:
    table: str
    rows: int            # rows read, up to and with the first that breaks the chain
    head: str            # the last good row's hash
    problem: str | None  # the first row that breaks the chain and how, or None


def chained_tables() -> list[Table]:
    """Every audit table, by name."""
    tables: list[Table] = [model.__table__ for model in AUDIT_MODELS]  # type: ignore[misc]
    return sorted(tables, key=lambda table: table.name)


def _rows(result: Result[Any]) -> Iterator[ChainRow]:
    for row in result.mappings():
        values = {name: value for name, value in row.items() if name not in CHAIN_COLUMNS}
        yield ChainRow(id=row["id"], prev_hash=row["prev_hash"], row_hash=row["row_hash"], values=values)


def verify_chain(table: Table) -> ChainReport:
    """Walk ``table``'s chain in id order and name the first row that does not hold."""
    rows = db.session.execute(select(table).order_by(table.c.id).execution_options(yield_per=READ_AT_ONCE))
    try:   # read in batches (a server-side cursor on PostgreSQL), closed however far the walk goes
        walked = walk(table.name, _rows(rows))
    finally:
        rows.close()
    problem = None if walked.broken is None else describe_break(table, walked.broken)
    return ChainReport(table=table.name, rows=walked.rows, head=walked.head, problem=problem)


def verify_chains() -> list[ChainReport]:
    """Every audit table's chain, by table name."""
    return [verify_chain(table) for table in chained_tables()]


def _id_with_hash(table: Table, digest: str | None) -> int | None:
    return db.session.scalar(select(func.min(table.c.id)).where(table.c.row_hash == digest))


def _has_successor(table: Table, digest: str | None) -> bool:
    return bool(db.session.scalar(select(func.count()).select_from(table).where(table.c.prev_hash == digest)))


def describe_break(table: Table, broken: Break) -> str:
    """What is wrong with the row where the chain stops holding, in words."""
    row, before = broken.row, broken.before
    if broken.edited:
        if not row.row_hash or not row.prev_hash:
            return f"row {row.id} has no hash: it was inserted past the application, out of the chain"
        return f"row {row.id} was edited: its fields no longer give its hash"
    if row.prev_hash == GENESIS:
        return (f"row {row.id} was inserted out of order: it chains to the start of the table, "
                f"not to row {before.id if before else '-'} before it")
    target = _id_with_hash(table, row.prev_hash)
    if target is None:
        if before is None:
            return f"row {row.id} chains to a row that is not there: a row before it was deleted"
        return (f"row {row.id} chains to a row that is not there: a row between {before.id} and {row.id} "
                f"was deleted, or row {before.id} was edited and its hash made again")
    if before is None or target >= row.id:
        return f"row {row.id} was inserted out of order: it chains to row {target}, which comes after it"
    if before.prev_hash == row.prev_hash and _has_successor(table, row.row_hash):
        # Both chain to the same row, and the chain goes on from this one: the other is the intruder.
        return (f"row {before.id} was inserted out of order: it chains to row {target}, as row {row.id} "
                "after it does")
    return (f"row {row.id} was inserted out of order: it chains to row {target}, "
            f"not to row {before.id} before it")


# -- a competition's audit trail, for its organisers ------------------------------------------------

PER_PAGE = 50


@dataclass(frozen=True)
class TrailRow:
    """One row of a competition's audit trail, from whichever audit table it comes."""

    source: str                  # the table
    row_id: int
    at: datetime
    actor_id: int | None
    kind: str                    # "entry.submit", "sheet.reopen", "role.granted"...
    entry_id: int | None
    subject_type: str | None
    subject_id: int | None
    from_state: str | None       # for status changes
    to_state: str | None
    note: str | None             # the comment or reason given
    details: dict[str, Any]


@dataclass(frozen=True)
class TrailPage:
    rows: list[TrailRow]
    total: int
    page: int
    pages: int
    people: dict[int, str]       # every person in the trail (as actor or subject): id -> name
    entries: dict[int, str]      # every innovation in the trail: id -> title
    rounds: dict[int, str]       # every round of the competition: id -> name
    kinds: list[str]             # every kind in the trail


def _typed_null(kind: Any) -> Any:
    return cast(null(), kind)


def _status_changes(table: Any, competition_id: int, prefix: str, trigger: Any, source: Any, dest: Any,
                    note: Any, *, entry_id: Any = None, subject: tuple[str, Any] | None = None,
                    joins: tuple[tuple[Any, Any], ...] = (), owner: Any) -> Select[Any]:
    query = select(
        literal(table.__tablename__, String).label("source"), table.id.label("row_id"),
        table.created_at.label("at"), table.actor_id.label("actor_id"),
        (literal(prefix, String) + trigger).label("kind"),
        (entry_id if entry_id is not None else _typed_null(Integer)).label("entry_id"),
        (literal(subject[0], String) if subject else _typed_null(String)).label("subject_type"),
        (subject[1] if subject else _typed_null(Integer)).label("subject_id"),
        source.label("from_state"), dest.label("to_state"), cast(note, Text).label("note"),
        _typed_null(Text).label("details"))
    for target, on in joins:
        query = query.join(target, on)
    return query.where(owner == competition_id)


def _trail(competition_id: int) -> Any:
    """Every audit row of the competition, from all the audit tables, as one union."""
    return union_all(
        _status_changes(EntryEvent, competition_id, "entry.", EntryEvent.trigger, EntryEvent.from_status,
                        EntryEvent.to_status, EntryEvent.comment, entry_id=EntryEvent.entry_id,
                        joins=((Entry, Entry.id == EntryEvent.entry_id),), owner=Entry.competition_id),
        _status_changes(CompetitionEvent, competition_id, "competition.", CompetitionEvent.trigger,
                        CompetitionEvent.from_phase, CompetitionEvent.to_phase, CompetitionEvent.comment,
                        owner=CompetitionEvent.competition_id),
        _status_changes(RoundEvent, competition_id, "round.", RoundEvent.trigger, RoundEvent.from_status,
                        RoundEvent.to_status, RoundEvent.comment,
                        subject=(Round.__tablename__, RoundEvent.round_id),
                        joins=((Round, Round.id == RoundEvent.round_id),), owner=Round.competition_id),
        _status_changes(ScoringEvent, competition_id, "sheet.", ScoringEvent.action, _typed_null(String),
                        _typed_null(String), ScoringEvent.reason, entry_id=Assignment.entry_id,
                        subject=(User.__tablename__, Assignment.judge_id),
                        joins=((Assignment, Assignment.id == ScoringEvent.assignment_id),
                               (Round, Round.id == Assignment.round_id)), owner=Round.competition_id),
        _status_changes(ResultSetEvent, competition_id, "results.", ResultSetEvent.trigger,
                        ResultSetEvent.from_status, ResultSetEvent.to_status, ResultSetEvent.comment,
                        subject=(ResultSet.__tablename__, ResultSetEvent.result_set_id),
                        joins=((ResultSet, ResultSet.id == ResultSetEvent.result_set_id),),
                        owner=ResultSet.competition_id),
        select(literal(AuditEvent.__tablename__, String).label("source"), AuditEvent.id.label("row_id"),
               AuditEvent.at.label("at"), AuditEvent.actor_id.label("actor_id"),
               AuditEvent.kind.label("kind"), AuditEvent.entry_id.label("entry_id"),
               AuditEvent.subject_type.label("subject_type"), AuditEvent.subject_id.label("subject_id"),
               _typed_null(String).label("from_state"), _typed_null(String).label("to_state"),
               _typed_null(Text).label("note"), cast(AuditEvent.details, Text).label("details"))
        .where(AuditEvent.competition_id == competition_id),
    ).subquery("trail")


def audit_trail(competition: Competition, *, actor_id: int | None = None, entry_id: int | None = None,
                kind: str | None = None, page: int = 1, per_page: int | None = None,
                clamp: bool = True) -> TrailPage:
    """A page of the competition's audit trail, newest first, filtered by who acted, the
    innovation and the kind; with every person, innovation and kind in the whole trail, for
    the filters. A handful of queries, whatever the length of the trail. A page past the last
    is the last one, or (``clamp`` false, for the API) empty."""
    trail = _trail(competition.id)
    conditions = [condition for given, condition in (
        (actor_id, trail.c.actor_id == actor_id), (entry_id, trail.c.entry_id == entry_id),
        (kind, trail.c.kind == kind)) if given is not None]
    total = db.session.scalar(select(func.count()).select_from(trail).where(*conditions)) or 0
    per_page = per_page or PER_PAGE
    pages = max(1, -(-total // per_page))
    page = min(max(page, 1), pages) if clamp else max(page, 1)
    found = db.session.execute(
        select(trail).where(*conditions)
        .order_by(trail.c.at.desc(), trail.c.row_id.desc(), trail.c.source)
        .limit(per_page).offset((page - 1) * per_page)).mappings().all()
    rows = [TrailRow(**{**row, "details": json.loads(row["details"]) if row["details"] else {}})
            for row in found]
    people_ids = set(db.session.scalars(select(trail.c.actor_id).distinct()))
    people_ids |= set(db.session.scalars(select(trail.c.subject_id).where(
        trail.c.subject_type == User.__tablename__).distinct()))
    people_ids |= {judge for row in rows if isinstance(judge := row.details.get("judge"), int)}
    entry_ids = set(db.session.scalars(select(trail.c.entry_id).distinct()))
    return TrailPage(
        rows=rows, total=total, page=page, pages=pages,
        people={user_id: name for user_id, name in db.session.execute(
            select(User.id, User.name).where(User.id.in_(people_ids - {None})))},
        entries={found_id: title for found_id, title in db.session.execute(
            select(Entry.id, Entry.title).where(Entry.id.in_(entry_ids - {None})))},
        rounds={round_id: name for round_id, name in db.session.execute(
            select(Round.id, Round.name).where(Round.competition_id == competition.id))},
        kinds=sorted(db.session.scalars(select(trail.c.kind).distinct())))

"""Audit rows: the general audit log (:class:`AuditEvent`), and what every audit table shares
(:class:`HashChained`): its rows are only ever added, the database refuses to change or delete
them, and each carries the hash of the row before it and its own (:mod:`competition.audit.chain`).

The hashes are written as a row is inserted (a ``before_insert`` hook): on PostgreSQL the
inserting transaction first takes an advisory lock for the table, held until it ends, so that
two transactions never both chain to the same row; SQLite lets one writer in at a time. The row
gets its id there too (the next of the table's sequence, or the last id + 1 on SQLite), so that
the chain's order is the order of the ids.

Two transactions that each wait for a lock the other holds would stop each other, so the
operations take the chains' locks in one order: the general log (``audit_event``) before a
sheet's events (``scoring_event``), and the innovations' (``entry_event``) last, after those of
sheets, rounds and result sets. A new operation that writes to several keeps that order.

The database refuses ``UPDATE`` and ``DELETE`` (and on PostgreSQL ``TRUNCATE``) of audit rows with
triggers, created with the tables (``db.create_all()``) and by migration 0011.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, CheckConstraint, Connection, ForeignKey, Index, String, event, text
from sqlalchemy.orm import Mapped, Mapper, Session, mapped_column, object_session, relationship
from sqlalchemy.schema import DDL, Table

from competition.audit.chain import CHAIN_COLUMNS, GENESIS, row_digest
from competition.audit.guards import guard_statements
from competition.extensions import Model
from competition.models.types import UTCDateTime, utcnow

if TYPE_CHECKING:
    from competition.people.models import User



class HashChained:
    """An audit row: never changed or deleted, chained to the row before it in its table."""

    prev_hash: Mapped[str] = mapped_column(String(64))
    row_hash: Mapped[str] = mapped_column(String(64))


class AuditEvent(HashChained, Model):
    """One thing someone did that has no event table of its own: who (``actor``, none for the
    application itself or a failed sign-in), when (``at``), in which competition and about which
    innovation when it concerns one, what (``kind``, one of :data:`competition.audit.kinds.KINDS`), on what
    (``subject_type`` is the table, ``subject_id`` the row) and the particulars (``details``:
    which fields changed, the role granted...; never a password)."""

    __tablename__ = "audit_event"
    __table_args__ = (
        CheckConstraint("length(kind) > 0", name="kind_given"),
        Index("ix_audit_event_competition_id_at", "competition_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    competition_id: Mapped[int | None] = mapped_column(ForeignKey("competition.id"))
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("entry.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    subject_type: Mapped[str | None] = mapped_column(String(40))
    subject_id: Mapped[int | None]
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    actor: Mapped[User | None] = relationship()


# -- every audit table -------------------------------------------------------------------------------

def keep_audit_rows(models: Iterable[type[HashChained]]) -> None:
    """Make ``models`` audit tables: their rows chained as they are inserted, and the database's
    triggers created with their tables."""
    for model in models:
        table: Table = model.__table__  # type: ignore[attr-defined]
        for dialect in ("postgresql", "sqlite"):
            for statement in guard_statements(table.name, dialect):
                event.listen(table, "after_create", DDL(statement).execute_if(dialect=dialect))


def advisory_key(table: str) -> int:
    """The PostgreSQL advisory lock that guards the head of ``table``'s chain."""
    return int.from_bytes(hashlib.sha256(f"anugerah.audit.{table}".encode()).digest()[:8], "big",
                          signed=True)


_HEADS = "anugerah.audit.heads"


@event.listens_for(Session, "before_flush")
@event.listens_for(Session, "after_flush")
def _forget_heads(session: Session, *args: Any) -> None:
    session.info.pop(_HEADS, None)


def _head(connection: Connection, table: str) -> tuple[int, str, int]:
    """The id and hash of the table's last row, and the id for the next, under the table's lock
    (PostgreSQL: the lock is held until the transaction ends)."""
    if connection.dialect.name != "postgresql":
        # SQLite: the write lock first, unless this transaction has written already (and so holds
        # it): otherwise two requests could read the same last row before either inserts.
        driver = connection.connection.dbapi_connection
        if driver is not None and not driver.in_transaction:
            driver.execute("BEGIN IMMEDIATE")
        last = connection.execute(text(f"SELECT id, row_hash FROM {table} ORDER BY id DESC LIMIT 1")).first()
        return (last[0], last[1], last[0] + 1) if last else (0, GENESIS, 1)
    connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": advisory_key(table)})
    last_id, last_hash, following = connection.execute(text(
        f"SELECT last.id, last.row_hash, nextval({_sequence(table)}) FROM (SELECT 1) AS one "
        f"LEFT JOIN (SELECT id, row_hash FROM {table} ORDER BY id DESC LIMIT 1) AS last ON TRUE")).one()
    last_id, last_hash = (last_id, last_hash) if last_id is not None else (0, GENESIS)
    return last_id, last_hash, _after(connection, table, last_id, int(following))


def _next_id(connection: Connection, table: str, last_id: int) -> int:
    if connection.dialect.name != "postgresql":
        return last_id + 1
    following = connection.execute(text(f"SELECT nextval({_sequence(table)})")).scalar_one()
    return _after(connection, table, last_id, int(following))


def _after(connection: Connection, table: str, last_id: int, following: int) -> int:
    """The sequence's next id, moved past the last row when rows were inserted with ids of their own."""
    if following > last_id:
        return following
    return int(connection.execute(text(f"SELECT setval({_sequence(table)}, :id)"),
                                  {"id": last_id + 1}).scalar_one())


def _sequence(table: str) -> str:
    return f"pg_get_serial_sequence('{table}', 'id')"


def _fill_defaults(mapper: Mapper[Any], row: Any) -> None:
    """The column defaults the INSERT would apply, applied now so that they are hashed."""
    for column in mapper.local_table.columns:
        default = column.default
        if column.primary_key or default is None or getattr(row, column.key) is not None:
            continue
        if default.is_scalar:
            setattr(row, column.key, default.arg)
        elif default.is_callable:
            setattr(row, column.key, default.arg(None))


@event.listens_for(HashChained, "before_insert", propagate=True)
def _chain_row(mapper: Mapper[Any], connection: Connection, row: Any) -> None:
    table = str(mapper.persist_selectable.name)  # type: ignore[attr-defined]
    session = object_session(row)
    heads: dict[str, tuple[int, str]] = session.info.setdefault(_HEADS, {}) if session else {}
    if table in heads:   # a row of this flush before this one: the lock is held already
        last_id, last_hash = heads[table]
        row.id = _next_id(connection, table, last_id)
    else:
        last_id, last_hash, row.id = _head(connection, table)
    _fill_defaults(mapper, row)
    row.prev_hash = last_hash
    row.row_hash = row_digest(table, last_hash, chain_values(mapper, row))
    heads[table] = (row.id, row.row_hash)


def chain_values(mapper: Mapper[Any], row: Any) -> dict[str, Any]:
    """The row's columns other than its hashes, by column name, as they are hashed."""
    return {column.name: getattr(row, column.key) for column in mapper.local_table.columns
            if column.name not in CHAIN_COLUMNS}

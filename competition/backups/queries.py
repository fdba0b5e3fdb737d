"""Which rows of the database belong to one competition, table by table, and reading them.

Every table of the models is named here exactly once: in :data:`OWNED` (rows that hang off the
competition, with the condition that picks them), in :data:`SHARED` (regions, organisations and
user accounts, of which the competition's archive carries the rows it needs), or in
:data:`EXCLUDED` with the reason it is left out. ``tests/backups/test_tables.py`` fails on a table
that is in none of them, so a new table cannot be forgotten by the archive.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from sqlalchemy import ColumnElement, Select, Table, or_, select

from competition.extensions import db

# A condition on a table's rows, given the competition's id.
Condition = Callable[[int], ColumnElement[bool]]


def _table(name: str) -> Table:
    return db.metadata.tables[name]


def _of_competition(name: str) -> Condition:
    return lambda competition_id: _table(name).c.competition_id == competition_id


def _under(name: str, column: str, parent: str) -> Condition:
    """Rows of ``name`` whose ``column`` points at a row of ``parent`` that belongs."""
    def condition(competition_id: int) -> ColumnElement[bool]:
        parent_table = _table(parent)
        return _table(name).c[column].in_(
            select(parent_table.c.id).where(OWNED[parent](competition_id)).scalar_subquery())
    return condition


def _audit_event(competition_id: int) -> ColumnElement[bool]:
    table = _table("audit_event")
    return or_(table.c.competition_id == competition_id,
               _under("audit_event", "entry_id", "entry")(competition_id))


# Rows that belong to the competition, table by table.
OWNED: dict[str, Condition] = {
    "competition": lambda competition_id: _table("competition").c.id == competition_id,
    "category": _of_competition("category"),
    "competition_event": _of_competition("competition_event"),
    "scheduled_phase_change": _of_competition("scheduled_phase_change"),
    "membership": _of_competition("membership"),
    "entry": _of_competition("entry"),
    "evidence": _under("evidence", "entry_id", "entry"),
    "entry_event": _under("entry_event", "entry_id", "entry"),
    "submitted_content": _under("submitted_content", "entry_id", "entry"),
    "judging_round": _of_competition("judging_round"),
    "round_event": _under("round_event", "round_id", "judging_round"),
    "criterion": _under("criterion", "round_id", "judging_round"),
    "criterion_level": _under("criterion_level", "criterion_id", "criterion"),
    "panel": _under("panel", "round_id", "judging_round"),
    "panel_member": _under("panel_member", "panel_id", "panel"),
    "assignment": _under("assignment", "round_id", "judging_round"),
    "score": _under("score", "assignment_id", "assignment"),
    "scoring_event": _under("scoring_event", "assignment_id", "assignment"),
    "conflict_of_interest": _under("conflict_of_interest", "entry_id", "entry"),
    "round_outcome": _under("round_outcome", "round_id", "judging_round"),
    "award": _of_competition("award"),
    "ceremony_settings": _of_competition("ceremony_settings"),
    "tie_decision": _under("tie_decision", "award_id", "award"),
    "result_set": _of_competition("result_set"),
    "result_set_event": _under("result_set_event", "result_set_id", "result_set"),
    "result_verification": _under("result_verification", "result_set_id", "result_set"),
    "result_row": _under("result_row", "result_set_id", "result_set"),
    "notification": _under("notification", "entry_id", "entry"),
    "iid_indicator_level": _under("iid_indicator_level", "entry_id", "entry"),
    "iid_region_level": _of_competition("iid_region_level"),
    "audit_event": _audit_event,
}

# Shared tables: the archive holds the rows the competition's rows point at (and the whole
# organisation tree of its region); ``identity`` is what must match for an existing row with
# the same id to be taken as the same one on import.
SHARED: dict[str, tuple[str, ...]] = {
    "region": ("name",),
    "organisation": ("region_id", "name"),
    "user_account": ("email",),
}

# Columns that never leave the database, and what an imported new row gets instead.
UNUSABLE_PASSWORD = "!"   # no hash: check_password_hash refuses every password for it
WITHHELD: dict[str, dict[str, Any]] = {"user_account": {"password_hash": UNUSABLE_PASSWORD}}

EXCLUDED: dict[str, str] = {
    "user_session": "sign-ins end with the database they were made on; a session copied elsewhere "
                    "would sign someone in without a password",
    "outbox_message": "the e-mail queue has no link to a competition (recipient, subject, body) and "
                      "belongs to the server that sends it; an import must not send a competition's "
                      "mail again",
    "api_token": "a personal API token is a credential of its owner on this server, like a password; "
                 "on another server its owner makes a new one",
    "agreement_figures": "the judge-agreement figures are worked out from the sheets and rubrics the "
                         "archive holds; the dashboard works them out again on the other server",
    "job": "a background job is work this server did or is doing, with its files in this server's "
           "instance folder; what a finished job changed is in the rows it wrote",
}


def owned_rows(table: Table, competition_id: int) -> Select[Any]:
    return select(table).where(OWNED[table.name](competition_id)).order_by(*table.primary_key.columns)


def referenced_ids(rows: dict[str, list[dict[str, Any]]], target: str) -> set[int]:
    """Ids of ``target`` that the rows read so far point at through a foreign key."""
    ids: set[int] = set()
    for name, table_rows in rows.items():
        for foreign_key in _table(name).foreign_keys:
            if foreign_key.column.table.name != target:
                continue
            column = foreign_key.parent.name
            ids.update(row[column] for row in table_rows if row[column] is not None)
    return ids


def _read(table: Table, condition: ColumnElement[bool]) -> list[dict[str, Any]]:
    query = select(table).where(condition).order_by(*table.primary_key.columns)
    return [dict(row) for row in db.session.execute(query).mappings()]


def _with_parents(table: Table, ids: set[int]) -> list[dict[str, Any]]:
    """The rows with ``ids`` and every row above them (``parent_id``), in id order."""
    found: dict[int, dict[str, Any]] = {}
    wanted = set(ids)
    while wanted:
        for row in _read(table, table.c.id.in_(sorted(wanted))):
            found[row["id"]] = row
        wanted = {row["parent_id"] for row in found.values()
                  if row["parent_id"] is not None and row["parent_id"] not in found}
    return [found[key] for key in sorted(found)]


def competition_rows(competition_id: int) -> dict[str, list[dict[str, Any]]]:
    """Every row the competition's archive holds, by table (the owned tables, then the shared
    rows they need: its users, the organisations of its region and those its rows name, and
    their regions), each in id order."""
    rows = {name: _read(_table(name), condition(competition_id)) for name, condition in OWNED.items()}
    users = _read(_table("user_account"), _table("user_account").c.id.in_(
        sorted(referenced_ids(rows, "user_account"))))
    rows["user_account"] = users
    organisations = _table("organisation")
    region_id = rows["competition"][0]["region_id"] if rows["competition"] else None
    in_region = {row["id"] for row in _read(organisations, organisations.c.region_id == region_id)}
    rows["organisation"] = _with_parents(organisations, in_region | referenced_ids(rows, "organisation"))
    rows["region"] = _with_parents(_table("region"), referenced_ids(rows, "region"))
    return rows


def table_order() -> Iterator[Table]:
    """The archived tables in the order their rows can be inserted (parents first)."""
    for table in db.metadata.sorted_tables:
        if table.name in OWNED or table.name in SHARED:
            yield table


def migration_head() -> str | None:
    """The migration the database is at (None for a schema made without migrations)."""
    from alembic.runtime.migration import MigrationContext

    heads = MigrationContext.configure(db.session.connection()).get_current_heads()
    return ", ".join(sorted(heads)) or None


def app_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("anugerah")
    except PackageNotFoundError:
        return "unknown"

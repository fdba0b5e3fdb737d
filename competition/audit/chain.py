"""The hash chain of an audit table, as pure functions: the canonical form of a row, its hash,
and the walk that finds the first row that does not follow.

Each audit row stores ``prev_hash``, the ``row_hash`` of the row before it in its table (by id;
:data:`GENESIS` for the first), and its own ``row_hash``: the SHA-256 of the canonical JSON of
``{"table": ..., "previous": prev_hash, "row": {column: value}}`` over every other column, id
included. Editing a row's fields breaks its own hash; deleting a row, or inserting one out of
order, breaks the link of the row after it (or of the row inserted).

Values are written one way whatever the database returns: moments as naive UTC with
microseconds ("2026-03-02 02:00:00.000000"), dates in ISO form, JSON as its parsed value.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

GENESIS = "0" * 64
# The columns that hold the chain; every other column of the row is hashed.
CHAIN_COLUMNS = ("prev_hash", "row_hash")


def canonical_value(value: Any) -> Any:
    """``value`` as it is hashed: the same for what was written and what the database returns."""
    if isinstance(value, datetime):
        moment = value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value
        return moment.strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict | list | tuple):
        return json.loads(json.dumps(value))   # as stored: string keys, lists
    return value


def canonical_json(data: Any) -> str:
    """The one text form of ``data``: sorted keys, no spaces, UTF-8 text, no NaN."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def row_digest(table: str, previous: str, values: Mapping[str, Any]) -> str:
    """The hash of a row of ``table`` chained to ``previous``; ``values`` are its columns other
    than the two hashes."""
    row = {name: canonical_value(value) for name, value in values.items()}
    text = canonical_json({"table": table, "previous": previous, "row": row})
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ChainRow:
    id: int
    prev_hash: str | None
    row_hash: str | None
    values: Mapping[str, Any]


@dataclass(frozen=True)
class Break:
    """Where a chain stops holding: ``row`` is edited (its hash no longer follows from its fields)
    or does not link to ``before`` (the row before it by id; None for the first row)."""

    row: ChainRow
    edited: bool
    before: ChainRow | None


@dataclass(frozen=True)
class Walk:
    rows: int
    head: str            # the last row's hash (GENESIS for an empty table)
    broken: Break | None


def walk(table: str, rows: Iterable[ChainRow]) -> Walk:
    """Follow a table's rows in id order up to the first one that does not hold."""
    count, before, expected = 0, None, GENESIS
    for row in rows:
        count += 1
        if row_digest(table, row.prev_hash or "", row.values) != row.row_hash:
            return Walk(count, expected, Break(row, edited=True, before=before))
        if row.prev_hash != expected:
            return Walk(count, expected, Break(row, edited=False, before=before))
        before, expected = row, row.row_hash
    return Walk(count, expected, None)

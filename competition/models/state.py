"""One door for every state change: a stored row's status moves only through its workflow.

Each stateful model has one service function that changes its state (fires the workflow, writes
the audit row, flushes). :func:`guard_state` makes assigning the state attribute anywhere else
raise :class:`StateChangeOutsideWorkflow` naming that function. A row not yet flushed (a new
``Entry(status="draft")``) may be given any state; once it is stored, only the workflow engine,
while it fires a trigger on that very row, may change it.

Bulk ``UPDATE`` statements do not go through attribute events; the services do not use them for
states.

Tests that need a row in a given state without playing its whole history set it inside
:func:`bypass_state_guard_for_tests` (``tests.factories.force_status`` does).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import InstrumentedAttribute, object_session

from workflows import firing_on

_BYPASSED: ContextVar[bool] = ContextVar("state_guard_bypassed_for_tests", default=False)


class StateChangeOutsideWorkflow(RuntimeError):
    """A stored row's state was assigned outside its workflow; the message names the door."""


@contextmanager
def bypass_state_guard_for_tests() -> Iterator[None]:
    """For tests only: inside the block, stored rows' states may be assigned directly (no
    workflow, no audit row). Application code never uses it."""
    token = _BYPASSED.set(True)
    try:
        yield
    finally:
        _BYPASSED.reset(token)


def guard_state(attribute: InstrumentedAttribute[Any], door: str) -> None:
    """Make assigning ``attribute`` on a stored row raise unless the workflow engine is firing on
    that row; ``door`` names the function to use instead."""
    name = f"{attribute.class_.__name__}.{attribute.key}"

    @event.listens_for(attribute, "set")
    def refuse_outside_workflow(target: Any, value: Any, old_value: Any, initiator: Any) -> None:
        if not inspect(target).has_identity or firing_on(target) or _BYPASSED.get():
            return
        raise StateChangeOutsideWorkflow(
            f"{name} of a stored row changes only through {door}, which fires its workflow and "
            f"writes the audit row (tried to set {value!r})")


def lock_and_reread_state(row: Any, *attributes: str, share: bool = False) -> None:
    """Lock a stored ``row`` until the transaction ends (``SELECT ... FOR UPDATE``; SQLite, which
    lets one writer at a time, has no such lock and needs none) and read its state (``status``, or
    ``attributes``) again: of two people changing one row at the same moment, the second waits
    for the first to commit and then sees the state the first one left.

    With ``share`` the lock is shared (``FOR SHARE``): a change that only depends on the row's
    state (a sheet confirmed while its round is open) waits for a change of the row itself
    (closing the round), but not for other changes that depend on it.

    Rows are locked in one order, so two changes never wait for each other: competition, round,
    sheet, entry.
    """
    session = object_session(row)
    if session is not None and inspect(row).has_identity:
        session.refresh(row, list(attributes or ["status"]),
                        with_for_update={"read": True} if share else True)

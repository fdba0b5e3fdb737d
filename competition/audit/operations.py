"""Recording into the general audit log: :func:`record`, the one way a row gets there.

The operations that change what has no event table of its own call it: editing an innovation and
its evidence, granting and revoking roles, (de)activating accounts, passwords, signing in, the
competition's set-up and the judges' drafts. Each call adds one row (its hash chained as it is
inserted, see :mod:`competition.audit.models`) in the caller's transaction: when the change is
undone, so is its row.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from typing import Any

from flask import current_app, has_request_context
from flask_login import current_user

from competition.audit.kinds import KINDS
from competition.extensions import db
from competition.models import AuditEvent, Competition, Entry, User
from competition.models.types import utcnow
from workflows import Actor

_CLOCK: ContextVar[datetime | None] = ContextVar("audit_clock", default=None)


@contextmanager
def recording_at(moment: datetime) -> Iterator[None]:
    """Rows recorded inside the block are stamped ``moment`` rather than the clock's time (the
    demo plays a year's story through the services)."""
    token = _CLOCK.set(moment)
    try:
        yield
    finally:
        _CLOCK.reset(token)


def recording_moment() -> datetime:
    """The moment rows made now are stamped with: the clock's, or that of :func:`recording_at`."""
    return _CLOCK.get() or utcnow()


def signed_in_user_id() -> int | None:
    """The id of the user signed in to this request, if any."""
    if has_request_context() and current_user.is_authenticated:
        return int(current_user.id)
    return None


def email_fingerprint(email: str) -> str:
    """An e-mail address tried at sign-in as the log keeps it when nobody has it: a keyed hash
    (HMAC-SHA-256 with the secret key), the same for the same address, which cannot be read
    back, since people sometimes type their password into the e-mail field."""
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, email.strip().lower().encode(), hashlib.sha256).hexdigest()


def _id(row: Any) -> int | None:
    return None if row is None else row if isinstance(row, int) else int(row.id)


def record(kind: str, actor: User | Actor | None = None, *, competition: Competition | int | None = None,
           entry: Entry | int | None = None, subject: Any = None,
           details: Mapping[str, Any] | None = None, now: datetime | None = None) -> AuditEvent:
    """Add one row to the audit log and flush it.

    :param kind: what happened, one of :data:`competition.audit.kinds.KINDS`.
    :param actor: who did it; by default the user signed in to the request (none on the command
        line, or for someone not signed in).
    :param competition: the competition it concerns; by default the innovation's.
    :param entry: the innovation it concerns, if any.
    :param subject: the row it was done to (its table and id are kept), if another than these.
    :param details: the particulars, as JSON; never a password.
    """
    if kind not in KINDS:
        raise ValueError(f"{kind!r} is not a kind of audit event: {', '.join(KINDS)}")
    if isinstance(actor, Actor):
        actor_id = actor.user_id
    else:
        actor_id = actor.id if actor is not None else signed_in_user_id()
    if competition is None and isinstance(entry, Entry):
        competition = entry.competition_id
    event = AuditEvent(at=now or _CLOCK.get() or utcnow(), actor_id=actor_id, competition_id=_id(competition),
                       entry_id=_id(entry), kind=kind, details=dict(details or {}),
                       subject_type=None if subject is None else str(subject.__tablename__),
                       subject_id=_id(subject))
    db.session.add(event)
    db.session.flush()
    return event

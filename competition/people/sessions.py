"""Sessions kept on the server: one :class:`~competition.people.models.UserSession` row per
sign-in, named in Flask's session cookie by a random token.

A row per sign-in rather than a per-user session version, because a version can only end every
session of a user at once, while signing out must end only the session that signs out, and a new
password must end the *other* sessions and keep the one it was chosen in. The rows also show when
each session was last used and why it ended.

Every request of a signed-in user reads its row together with the user in one statement
(:func:`signed_in_user`, called by Flask-Login's user loader, as the user alone was read before),
with the user's roles and organisation.
The time of the last request is written only once a minute has passed since the one recorded
(``LAST_SEEN_PRECISION``), so most page views write nothing; the idle timeout is therefore up to a
minute longer than configured.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from competition.extensions import db
from competition.models import Organisation, User, UserSession
from competition.models.types import utcnow
from competition.unit_of_work import operation

LAST_SEEN_PRECISION = timedelta(minutes=1)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@operation
def start_session(user: User) -> str:
    """A new session for ``user``; returns the token for the cookie (kept nowhere else)."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    db.session.add(UserSession(user_id=user.id, token_digest=_digest(token), created_at=now,
                               last_seen_at=now))
    db.session.flush()
    return token


@operation
def end_session(token: str | None, reason: str = "signed_out") -> None:
    """End the session of ``token`` (nothing happens when it has ended already)."""
    if token:
        db.session.execute(update(UserSession).where(
            UserSession.token_digest == _digest(token), UserSession.ended_at.is_(None)).values(
            ended_at=utcnow(), end_reason=reason))


@operation
def end_sessions(user: User, reason: str, *, keep: str | None = None) -> int:
    """End every live session of ``user`` but the one of ``keep``; returns how many ended."""
    query = update(UserSession).where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
    if keep:
        query = query.where(UserSession.token_digest != _digest(keep))
    result = db.session.execute(query.values(ended_at=utcnow(), end_reason=reason))
    return int(getattr(result, "rowcount", 0) or 0)


def signed_in_user(token: str, user_id: int, *, idle: timedelta, lifetime: timedelta) -> User | None:
    """The active user whose live session ``token`` names, or None. A session unused for ``idle``
    or older than ``lifetime`` is ended here.

    Not an :func:`~competition.unit_of_work.operation`: it runs inside whatever request asks for
    the user, and its rare write is flushed into that request's unit of work (which commits it
    with the rest; a request that fails loses it, which costs nothing but a minute's precision).
    """
    # The user's roles and organisation (with the one above it) come in the same statement: every
    # page asks for them (the menu, the policy, conflicts of interest).
    row = db.session.execute(select(UserSession, User).join(User, UserSession.user_id == User.id).where(
        UserSession.token_digest == _digest(token), UserSession.ended_at.is_(None))
        .options(joinedload(User.memberships),
                 joinedload(User.organisation).joinedload(Organisation.parent))).unique().first()
    if row is None:
        return None
    live, user = row
    if user.id != user_id or not user.active:
        return None
    now = utcnow()
    ended = "idle" if now - live.last_seen_at >= idle else "expired" if now - live.created_at >= lifetime \
        else None
    if ended:
        live.ended_at, live.end_reason = now, ended
        db.session.flush()
        return None
    if now - live.last_seen_at >= LAST_SEEN_PRECISION:
        live.last_seen_at = now
        db.session.flush()
    return user

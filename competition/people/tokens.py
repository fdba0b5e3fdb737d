"""Personal API tokens (:class:`~competition.people.models.ApiToken`): made and revoked by their
owner in the browser or on the command line, shown once, kept as a SHA-256 digest.

A token reads ``anugerah_`` followed by 43 random URL-safe characters (256 bits), so a digest
without a salt or a slow hash is enough: nobody can guess one, and a stolen table names none.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select, update

from competition.audit.operations import record
from competition.documents.inputs import text_problem
from competition.errors import InvalidInput, NotFound
from competition.extensions import db
from competition.models import ApiToken, User
from competition.models.types import utcnow
from competition.people.models import TOKEN_SCOPES
from competition.policy import can_revoke_token
from competition.unit_of_work import operation
from workflows.messages import t

TOKEN_PREFIX = "anugerah_"
MAX_DAYS = 366
LAST_USED_PRECISION = timedelta(minutes=1)


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    secret: str   # shown once, kept nowhere


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def token_problems(name: str, scopes: Iterable[str], days: int | None) -> list[str]:
    problems = [problem for problem in [text_problem("name", name, 80, one_line=True)] if problem]
    if not name:
        problems.append(t("name: must not be empty"))
    chosen = list(scopes)
    if not chosen:
        problems.append(t("scopes: choose at least one of %(scopes)s", scopes=", ".join(TOKEN_SCOPES)))
    unknown = [scope for scope in chosen if scope not in TOKEN_SCOPES]
    if unknown:
        problems.append(t("scopes: %(unknown)s is not one of %(scopes)s", unknown=", ".join(unknown),
                          scopes=", ".join(TOKEN_SCOPES)))
    if days is None or not 1 <= days <= MAX_DAYS:
        problems.append(t("days: a whole number from 1 to %(most)s", most=MAX_DAYS))
    return problems


@operation
def create_token(user: User, *, name: str, scopes: Iterable[str], days: int | None) -> NewToken:
    """A new token for ``user``, valid for ``days`` days; its secret is in the answer only."""
    name = name.strip()
    chosen = sorted(set(scopes), key=lambda scope: TOKEN_SCOPES.index(scope)
                    if scope in TOKEN_SCOPES else len(TOKEN_SCOPES))
    problems = token_problems(name, chosen, days)
    if problems:
        raise InvalidInput(problems)
    assert days is not None
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = utcnow()
    token = ApiToken(user_id=user.id, name=name, scopes=",".join(chosen), digest=digest(secret),
                     prefix=secret[:len(TOKEN_PREFIX) + 4], created_at=now,
                     expires_at=now + timedelta(days=days))
    db.session.add(token)
    db.session.flush()
    record("api_token.created", user, subject=token,
           details={"name": name, "scopes": token.scopes, "expires_at": token.expires_at.isoformat()})
    return NewToken(token, secret)


def tokens_of(user: User) -> list[ApiToken]:
    return list(db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)
                                   .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))


@operation
def revoke_token(user: User, token_id: int) -> ApiToken:
    """``user`` revokes one of their own tokens (another's is not found)."""
    token = db.session.get(ApiToken, token_id)
    if token is None or not can_revoke_token(user, token):
        raise NotFound(t("there is no API token with id %(id)s", id=token_id))
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        db.session.flush()
        record("api_token.revoked", user, subject=token, details={"name": token.name})
    return token


def token_owner(secret: str) -> tuple[User, ApiToken] | None:
    """The active owner of a live token, with the token; None for anything else. The time of
    use is written at most once a minute, flushed into the request's unit of work."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 100:
        return None
    row = db.session.execute(select(ApiToken, User).join(User, ApiToken.user_id == User.id).where(
        ApiToken.digest == digest(secret))).first()
    if row is None:
        return None
    token, user = row
    now = utcnow()
    if token.revoked_at is not None or token.expires_at <= now or not user.active:
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        db.session.execute(update(ApiToken).where(ApiToken.id == token.id).values(last_used_at=now))
    return user, token

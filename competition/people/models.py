"""Regions (pemda) and their organisations (OPD, with bidang and UPT below them); the people who
sign in, and the roles they hold in each competition."""

from __future__ import annotations

import secrets
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from competition.extensions import Model
from competition.models.types import UTCDateTime, one_of, utcnow

if TYPE_CHECKING:
    from competition.competitions.models import Competition

REGION_KINDS = ("provinsi", "kabupaten", "kota")


class Region(Model):
    """A regional government: a provinsi, kabupaten or kota."""

    __tablename__ = "region"
    __table_args__ = (
        CheckConstraint(one_of("kind", REGION_KINDS), name="kind_known"),
        CheckConstraint("kind <> 'provinsi' OR parent_id IS NULL", name="provinsi_has_no_parent"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"))

    parent: Mapped[Region | None] = relationship(remote_side=[id])
    organisations: Mapped[list[Organisation]] = relationship(back_populates="region")

    def __repr__(self) -> str:
        return f"<Region {self.name}>"


class Organisation(Model):
    """An OPD, or a bidang or UPT under one (``parent``)."""

    __tablename__ = "organisation"
    __table_args__ = (
        UniqueConstraint("region_id", "name"),
        CheckConstraint("parent_id IS NULL OR parent_id <> id", name="not_own_parent"),
        CheckConstraint("length(trim(name)) > 0", name="name_not_blank"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    short_name: Mapped[str | None] = mapped_column(String(40))
    active: Mapped[bool] = mapped_column(default=True)

    region: Mapped[Region] = relationship(back_populates="organisations")
    parent: Mapped[Organisation | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Organisation]] = relationship(back_populates="parent")
    users: Mapped[list[User]] = relationship(back_populates="organisation")

    def lineage_ids(self) -> list[int]:
        """This organisation's id and those of every organisation above it."""
        ids: list[int] = []
        current: Organisation | None = self
        while current is not None and current.id not in ids:
            ids.append(current.id)
            current = current.parent
        return ids

    def __repr__(self) -> str:
        return f"<Organisation {self.name}>"


MEMBERSHIP_ROLES = ("organiser", "verifier", "judge", "submitter")


class User(Model):
    __tablename__ = "user_account"
    __table_args__ = (
        CheckConstraint("email = lower(email)", name="email_lowercase"),
        CheckConstraint("email LIKE '%_@_%'", name="email_has_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(256))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    # The region the account belongs to: its OPD's, or the one whose organiser made it. Only that
    # region's organisers manage it (competition.policy.can_manage_user). None: an account made
    # on the command line for no region (e.g. a national judge), which no organiser manages.
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation: Mapped[Organisation | None] = relationship(back_populates="users")
    region: Mapped[Region | None] = relationship()
    memberships: Mapped[list[Membership]] = relationship(back_populates="user")

    # Flask-Login's view of a user: deactivated users cannot sign in or stay signed in.
    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return str(self.id)

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def __repr__(self) -> str:
        return f"<User {self.email}>"


@cache
def _nobody() -> str:
    """A hash made like every user's, checked when no user has the e-mail given: signing in with an
    unknown e-mail then takes as long as with a known one, so timing doesn't tell which exist. Made
    on first use, not on import (scrypt costs every command a quarter of a second)."""
    return generate_password_hash(secrets.token_hex(16))


def password_matches(user: User | None, password: str) -> bool:
    """Whether ``password`` is ``user``'s, taking the same time when there is no such user (the
    first call in a process makes the stand-in hash whichever it is, so it tells nothing either)."""
    nobody = _nobody()
    if user is None:
        check_password_hash(nobody, password)
        return False
    return user.check_password(password)


SESSION_END_REASONS = ("signed_out", "password_changed", "deactivated", "idle", "expired")


class UserSession(Model):
    """One sign-in, from signing in until it ends: the browser's cookie holds a random token and
    this row its SHA-256 digest (a copy of the table signs nobody in). Every request checks it
    (:mod:`competition.people.sessions`), so a session ended here is over wherever its cookie is."""

    __tablename__ = "user_session"
    __table_args__ = (
        CheckConstraint(one_of("end_reason", SESSION_END_REASONS), name="end_reason_known"),
        CheckConstraint("(ended_at IS NULL AND end_reason IS NULL) OR "
                        "(ended_at IS NOT NULL AND end_reason IS NOT NULL)", name="ended_with_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Written at most once a minute, so most page views cost no write.
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    end_reason: Mapped[str | None] = mapped_column(String(20))

    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<UserSession {self.id} of user {self.user_id}>"


TOKEN_SCOPES = ("read", "write", "judge")


class ApiToken(Model):
    """A personal API token: a script acting as its owner, within the scopes it was given, until
    it expires or is revoked. The secret is shown once when it is made; this row keeps its SHA-256
    digest (a copy of the table authenticates nobody) and the first characters to recognise it."""

    __tablename__ = "api_token"
    __table_args__ = (
        CheckConstraint("scopes <> ''", name="has_scopes"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    # Comma-separated, from TOKEN_SCOPES.
    scopes: Mapped[str] = mapped_column(String(40))
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Written at most once a minute.
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

    @property
    def scope_set(self) -> frozenset[str]:
        return frozenset(self.scopes.split(","))

    def __repr__(self) -> str:
        return f"<ApiToken {self.id} {self.prefix}… of user {self.user_id}>"


class Membership(Model):
    """A user's role in one competition."""

    __tablename__ = "membership"
    __table_args__ = (
        UniqueConstraint("user_id", "competition_id", "role"),
        CheckConstraint(one_of("role", MEMBERSHIP_ROLES), name="role_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    competition_id: Mapped[int] = mapped_column(ForeignKey("competition.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(back_populates="memberships")
    competition: Mapped[Competition] = relationship(back_populates="memberships")

"""Creating users and granting them roles in competitions."""

from __future__ import annotations

import re

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import select

from competition.errors import InvalidInput
from competition.extensions import db
from competition.models import MEMBERSHIP_ROLES, Competition, Membership, Organisation, User

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD_LENGTH = 8


def create_user(*, email: str, name: str, password: str,
                organisation: Organisation | None = None) -> User:
    problems = []
    email = email.strip().lower()
    if not EMAIL.match(email):
        problems.append(f"email: {email!r} is not an e-mail address")
    elif db.session.scalar(select(User.id).where(User.email == email)):
        problems.append(f"email: {email} is already registered")
    if not name.strip():
        problems.append("name: must not be empty")
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(f"password: at least {MIN_PASSWORD_LENGTH} characters")
    if problems:
        raise InvalidInput(problems)
    try:
        user = User(email=email, name=name.strip(), organisation=organisation)
        user.set_password(password)
        db.session.add(user)
        db.session.commit()
        return user
    except BaseException:
        db.session.rollback()
        raise


def grant_role(user: User, competition: Competition, role: str) -> Membership:
    """Give ``user`` ``role`` in ``competition``; granting a role held already changes nothing."""
    if role not in MEMBERSHIP_ROLES:
        raise InvalidInput(f"role: {role!r} is not one of {', '.join(MEMBERSHIP_ROLES)}")
    if role == "submitter" and user.organisation_id is None:
        raise InvalidInput(f"role: {user.email} has no organisation, so cannot submit for one")
    existing = db.session.scalar(select(Membership).where(
        Membership.user_id == user.id, Membership.competition_id == competition.id,
        Membership.role == role))
    if existing:
        return existing
    try:
        membership = Membership(user=user, competition=competition, role=role)
        db.session.add(membership)
        db.session.commit()
        return membership
    except BaseException:
        db.session.rollback()
        raise


def change_password(user: User, new_password: str) -> None:
    """Set a new password (the caller has checked the current one)."""
    if len(new_password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(f"password: at least {MIN_PASSWORD_LENGTH} characters")
    try:
        user.set_password(new_password)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise


RESET_MAX_AGE_SECONDS = 3600
_RESET_SALT = "anugerah-password-reset"


def _reset_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_RESET_SALT)


def password_reset_token(user: User) -> str:
    """A signed token for one password reset: it names the user and the password hash it
    was made for, so it stops working once the password changes, and it expires in an hour."""
    return _reset_serializer().dumps({"user": user.id, "hash": user.password_hash[-16:]})


def user_for_reset_token(token: str, max_age: int = RESET_MAX_AGE_SECONDS) -> User | None:
    try:
        data = _reset_serializer().loads(token, max_age=max_age)
    except BadSignature:  # also SignatureExpired
        return None
    user = db.session.get(User, data.get("user")) if isinstance(data, dict) else None
    if user is None or not user.active or user.password_hash[-16:] != data.get("hash"):
        return None
    return user

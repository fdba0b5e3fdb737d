"""Creating, importing and deactivating users, and granting or revoking their roles in competitions."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import select

from competition.audit.operations import record
from competition.documents.inputs import EMAIL as EMAIL_LENGTH
from competition.documents.inputs import PERSON_NAME, text_problem
from competition.documents.spreadsheets import RowProblems, read_table
from competition.errors import InvalidInput, NotPermitted
from competition.extensions import db
from competition.i18n import LANGUAGES
from competition.models import MEMBERSHIP_ROLES, Competition, Membership, Organisation, Region, User
from competition.people.passwords import MIN_PASSWORD_LENGTH as MIN_PASSWORD_LENGTH  # the user pages' form
from competition.people.passwords import password_problems
from competition.people.sessions import end_sessions
from competition.policy import activation_refusal, can_manage_user, can_see_user, role_revocation_refusal
from competition.unit_of_work import operation
from workflows.messages import t

# Each role as the pages name it; an import file may name a role so, in either language, or by its code.
ROLE_LABELS = {"organiser": _l("Organiser"), "verifier": _l("Verifier"), "judge": _l("Judge"),
               "submitter": _l("OPD operator")}


def role_named(name: str) -> str | None:
    """The role called ``name`` (any case): its code, or its label in any of the languages."""
    wanted = name.strip().casefold()
    if wanted in MEMBERSHIP_ROLES:
        return wanted
    for language in LANGUAGES:
        with force_locale(language):
            for role, label in ROLE_LABELS.items():
                if str(label).casefold() == wanted:
                    return role
    return None

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@operation
def create_user(*, email: str, name: str, password: str, organisation: Organisation | None = None,
                region: Region | None = None, by: User | None = None) -> User:
    """Create an account of ``organisation``'s region, or of ``region`` when it has no OPD.
    ``by`` is the organiser making it (None: an administrator on the command line): an address
    they may not manage is refused without saying whether it is registered."""
    email = email.strip().lower()
    problems = _email_and_name_problems(email, name, by) + password_problems(password)
    if organisation is not None and region is not None and organisation.region_id != region.id:
        problems.append(t("organisation: %(name)s is not an OPD of %(region)s", name=organisation.name,
                          region=region.name))
    if problems:
        raise InvalidInput(problems)
    user = User(email=email, name=name.strip(), organisation=organisation,
                region=organisation.region if organisation is not None else region)
    db.session.add(user)
    user.set_password(password)
    db.session.flush()
    record("user.created", subject=user)
    return user


def cannot_be_added(email: str) -> str:
    """The refusal of an address that belongs to an account someone may not manage. It reads the
    same whatever the reason, so it does not tell whether, or where, the address is registered."""
    return t("email: %(email)s cannot be added here; an administrator can add them", email=email)


def _email_and_name_problems(email: str, name: str, by: User | None) -> list[str]:
    problems = [problem for problem in (text_problem("email", email, EMAIL_LENGTH, one_line=True),
                                        text_problem("name", name.strip(), PERSON_NAME, one_line=True))
                if problem]
    if problems:
        return problems
    if not EMAIL.match(email):
        problems.append(t("email: %(email)r is not an e-mail address", email=email))
    else:
        existing = db.session.scalar(select(User).where(User.email == email))
        if existing is not None:
            problems.append(t("email: %(email)s is already registered", email=email)
                            if by is None or can_see_user(by, existing) else cannot_be_added(email))
    if not name.strip():
        problems.append(t("name: must not be empty"))
    return problems


def unguessable_password() -> str:
    """A password nobody knows, for accounts whose owner chooses one through an invitation link."""
    return secrets.token_urlsafe(24)


@operation
def grant_role(user: User, competition: Competition, role: str) -> Membership:
    """Give ``user`` ``role`` in ``competition``; granting a role held already changes nothing."""
    if role not in MEMBERSHIP_ROLES:
        raise InvalidInput(t("role: %(role)r is not one of %(roles)s", role=role,
                             roles=", ".join(MEMBERSHIP_ROLES)))
    if role == "submitter" and user.organisation_id is None:
        raise InvalidInput(t("role: %(email)s has no organisation, so cannot submit for one",
                             email=user.email))
    existing = db.session.scalar(select(Membership).where(
        Membership.user_id == user.id, Membership.competition_id == competition.id,
        Membership.role == role))
    if existing:
        return existing
    membership = Membership(user=user, competition=competition, role=role)
    db.session.add(membership)
    db.session.flush()
    record("role.granted", competition=competition, subject=user, details={"role": role})
    return membership


@operation
def change_password(user: User, new_password: str, *, keep_session: str | None = None,
                    how: str = "changed") -> None:
    """Set a new password (the caller has checked the current one, or the link's token) and end
    every session of ``user`` but ``keep_session`` (the token of the session it was chosen in, if
    any): the user ``how`` "changed" it, "reset" it by a link, or "chosen" it on an invitation."""
    problems = password_problems(new_password)
    if problems:
        raise InvalidInput(problems)
    user.set_password(new_password)
    end_sessions(user, "password_changed", keep=keep_session)
    db.session.flush()
    record(f"password.{how}", user, subject=user)


@operation
def revoke_role(membership: Membership, by: User) -> None:
    """Take a role away, as the policy allows (:func:`~competition.policy.role_revocation_refusal`)."""
    refusal = role_revocation_refusal(by, membership)
    if refusal:
        raise InvalidInput(refusal)
    # The role goes; the audit log keeps who held it, and who took it away.
    record("role.revoked", by, competition=membership.competition_id, subject=membership.user,
           details={"role": membership.role})
    db.session.delete(membership)
    db.session.flush()


@operation
def set_user_active(user: User, active: bool, by: User) -> None:
    """Deactivate (they can no longer sign in; their work and history stay) or reactivate a user,
    as the policy allows (:func:`~competition.policy.activation_refusal`)."""
    refusal = activation_refusal(by, user, active)
    if refusal:
        raise (InvalidInput if user.id == by.id else NotPermitted)(refusal)
    if user.active != active:
        record("user.activated" if active else "user.deactivated", by, subject=user)
    user.active = active
    if not active:
        end_sessions(user, "deactivated")
    db.session.flush()


USER_IMPORT_COLUMNS = ("email", "name", "organisation", "role")


@dataclass
class UserImportReport:
    created: list[User] = field(default_factory=list)
    roles_granted: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


@operation
def import_users(path: Path, competition: Competition, *, by: User | None = None,
                 display_name: str | None = None,
                 invite: Callable[[User], None] | None = None,
                 progress: Callable[[int, int], None] | None = None) -> UserImportReport:
    """Import users from a CSV or XLSX file with columns email, name, organisation (an OPD of the
    competition's region, by name or short name) and role (in ``competition``; may be empty).

    All or nothing: when any row is bad, nothing changes and :class:`InvalidInput` lists every bad
    row by its number. A known e-mail address is not created again; a role it lacks is granted.
    New users belong to the competition's region, with a password nobody knows; ``invite`` is
    called for each once all are saved. ``by`` is the organiser importing (None: an administrator
    on the command line): a known address whose account they may not manage is refused, in words
    that do not tell whether it is registered. ``progress(done, total)`` hears of each row saved.
    """
    file_name = display_name or path.name
    rows = read_table(path, USER_IMPORT_COLUMNS, ("email", "name"), display_name=file_name)
    organisations = list(db.session.scalars(select(Organisation).where(
        Organisation.region_id == competition.region_id)))
    by_name = {o.name.casefold(): o for o in organisations}
    by_name.update({o.short_name.casefold(): o for o in organisations if o.short_name})
    emails = [row.get("email", "").strip().lower() for _, row in rows]
    known = {u.email: u for u in db.session.scalars(select(User).where(User.email.in_(emails)))}
    problems = RowProblems(file_name)
    seen: dict[str, int] = {}
    plan: list[tuple[str, str, Organisation | None, str]] = []
    for number, row in rows:
        email, name = row.get("email", "").strip().lower(), row.get("name", "").strip()
        organisation_name, role_name = row.get("organisation", "").strip(), row.get("role", "").strip()
        role = (role_named(role_name) or role_name) if role_name else ""
        organisation = by_name.get(organisation_name.casefold()) if organisation_name else None
        if problem := text_problem("email", email, EMAIL_LENGTH, one_line=True):
            problems.add(number, problem)
        elif not EMAIL.match(email):
            problems.add(number, t("email: %(email)r is not an e-mail address", email=email))
        elif email in seen:
            problems.add(number, t("%(email)s already appears in row %(row)s", email=email, row=seen[email]))
        seen.setdefault(email, number)
        if not name:
            problems.add(number, t("name: must not be empty"))
        elif problem := text_problem("name", name, PERSON_NAME, one_line=True):
            problems.add(number, problem)
        if organisation_name and organisation is None:
            problems.add(number, t("organisation: %(name)r is not an OPD of %(region)s",
                                   name=organisation_name, region=competition.region.name))
        if role and role not in MEMBERSHIP_ROLES:
            problems.add(number, t("role: %(role)r is not one of %(roles)s", role=role,
                                   roles=", ".join(str(label) for label in ROLE_LABELS.values())))
        existing = known.get(email)
        if existing is not None and by is not None and not can_manage_user(by, existing):
            problems.add(number, cannot_be_added(email))
            existing = None
        elif existing is not None and organisation_name and organisation is not None \
                and existing.organisation_id != organisation.id:
            problems.add(number, t("%(email)s is registered already with another organisation",
                                   email=email))
        has_organisation = organisation is not None or (existing is not None and existing.organisation_id)
        if role == "submitter" and not has_organisation:
            problems.add(number, t("role: a submitter needs an organisation"))
        plan.append((email, name, organisation, role))
    problems.raise_if_any()

    report = _save_users(plan, competition, known, progress)
    db.session.flush()
    if invite is not None:
        for user in report.created:
            invite(user)
    if progress is not None:
        progress(len(plan), len(plan))
    return report


def _save_users(plan: list[tuple[str, str, Organisation | None, str]], competition: Competition,
                known: dict[str, User], progress: Callable[[int, int], None] | None) -> UserImportReport:
    """The checked rows of a user import, saved; ``known`` gains the users created."""
    report = UserImportReport()
    held = {(m.user_id, m.role) for m in db.session.scalars(select(Membership).where(
        Membership.competition_id == competition.id))}
    for done, (email, name, organisation, role) in enumerate(plan, start=1):
        if progress is not None and done > 1:
            progress(done - 1, len(plan))
        user = known.get(email)
        if user is None:
            user = User(email=email, name=name, organisation=organisation, region=competition.region)
            user.set_password(unguessable_password())
            db.session.add(user)
            db.session.flush()
            record("user.created", subject=user)
            known[email] = user
            report.created.append(user)
        elif not role or (user.id, role) in held:
            report.unchanged.append(email)
        if role and (user.id, role) not in held:
            db.session.add(Membership(user=user, competition=competition, role=role))
            record("role.granted", competition=competition, subject=user, details={"role": role})
            held.add((user.id, role))
            if user not in report.created:
                report.roles_granted.append(f"{email}: {role}")
    return report


RESET_MAX_AGE_SECONDS = 3600
INVITATION_MAX_AGE_SECONDS = 7 * 24 * 3600
# A token for one purpose does not work for the other.
_SALTS = {"reset": "anugerah-password-reset", "invitation": "anugerah-invitation"}
_MAX_AGES = {"reset": RESET_MAX_AGE_SECONDS, "invitation": INVITATION_MAX_AGE_SECONDS}


def _reset_serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_SALTS[purpose])


def password_reset_token(user: User, purpose: str = "reset") -> str:
    """A signed token for choosing a password once: it names the user and the password hash it
    was made for, so it stops working once the password changes. A reset link expires in an
    hour, an invitation to a new account in a week."""
    return _reset_serializer(purpose).dumps({"user": user.id, "hash": user.password_hash[-16:]})


def user_for_reset_token(token: str, max_age: int | None = None, purpose: str = "reset") -> User | None:
    try:
        data = _reset_serializer(purpose).loads(token, max_age=max_age or _MAX_AGES[purpose])
    except BadSignature:  # also SignatureExpired
        return None
    user = db.session.get(User, data.get("user")) if isinstance(data, dict) else None
    if user is None or not user.active or user.password_hash[-16:] != data.get("hash"):
        return None
    return user

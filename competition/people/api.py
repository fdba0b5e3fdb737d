"""API v1: people and organisations. The token's owner (``/me``); for organisers, the users of
their region (listing, creating and inviting them, granting and revoking roles, switching
accounts off and on, importing them from CSV or XLSX); and the OPDs of a region. Exactly as the
people pages allow (:func:`~competition.policy.can_see_user`, :func:`~competition.policy.can_manage_user`,
:func:`~competition.policy.can_run_account`)."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any

from flask import g, request
from flask_login import current_user
from marshmallow import RAISE, Schema, ValidationError, fields, validate
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload
from werkzeug.utils import secure_filename
from werkzeug.wrappers import Response

from competition.api import blueprint, content_tag, expected_version, needs, with_etag
from competition.api.problems import problem
from competition.api.schemas import AN_ID, PageArgs, page_of
from competition.competitions.api import competition_for
from competition.documents.inputs import EMAIL, PERSON_NAME
from competition.errors import InvalidInput, NotFound, NotPermitted
from competition.extensions import db
from competition.links import absolute_url
from competition.models import MEMBERSHIP_ROLES, Competition, Membership, Organisation, User
from competition.notifications.operations import queue_invitation
from competition.people.operations import (
    MIN_PASSWORD_LENGTH,
    create_user,
    grant_role,
    import_users,
    password_reset_token,
    revoke_role,
    set_user_active,
    unguessable_password,
)
from competition.people.organisations import import_organisations
from competition.people.views import import_in_the_background, is_large_import
from competition.policy import (
    can_manage_user,
    can_run_account,
    can_see_user,
    organised_competitions,
    seeing_organisations,
    seen_users,
    sees_organisations,
)
from competition.unit_of_work import atomic
from workflows.messages import t

bp = blueprint("api_people", __name__, "People and organisations: the user's own account; for "
               "organisers, the users of their region and their roles.")


class RoleOut(Schema):
    id = fields.Integer(required=True, metadata={"description": "The membership's id, to revoke it."})
    competition_id = fields.Integer(required=True)
    competition = fields.Function(lambda membership: membership.competition.name, required=True)
    role = fields.String(required=True)


class UserOut(Schema):
    id = fields.Integer(required=True)
    email = fields.String(required=True)
    name = fields.String(required=True)
    organisation_id = fields.Integer(allow_none=True)
    organisation = fields.Function(lambda user: user.organisation.name if user.organisation else None,
                                   allow_none=True)
    region = fields.Function(lambda user: user.region.name if user.region else None, allow_none=True)
    active = fields.Boolean(required=True)
    roles = fields.Function(lambda user: RoleOut(many=True).dump(
        sorted(user.memberships, key=lambda m: m.id)),
        metadata={"description": "Every role held, by competition."})


class MeOut(UserOut):
    scopes = fields.Function(lambda user: sorted(g.get("anugerah_api_scopes", ())),
                             metadata={"description": "What this token (or session) may do."})


class UserFilter(PageArgs):
    q = fields.String(validate=validate.Length(min=1, max=EMAIL),
                      metadata={"description": "Part of the name or e-mail address."})
    role = fields.String(validate=validate.OneOf(MEMBERSHIP_ROLES),
                         metadata={"description": "Holds this role in one of the user's competitions."})
    organisation_id = fields.Integer(validate=AN_ID)
    active = fields.Boolean()


class UserNew(Schema):
    class Meta:
        unknown = RAISE

    name = fields.String(required=True, validate=validate.Length(max=PERSON_NAME))
    email = fields.String(required=True, validate=validate.Length(max=EMAIL))
    competition_id = fields.Integer(required=True, validate=AN_ID,
                                    metadata={"description": "One of the user's competitions."})
    organisation_id = fields.Integer(load_default=None, allow_none=True, validate=AN_ID, metadata={
        "description": "An OPD of its region; none for, say, a judge."})
    roles = fields.List(fields.String(validate=validate.OneOf(MEMBERSHIP_ROLES)), load_default=list,
                        metadata={"description": "The roles to grant in that competition."})
    password = fields.String(load_default=None, allow_none=True,
                             validate=validate.Length(min=MIN_PASSWORD_LENGTH, max=200),
                             metadata={"description": "Without one, an invitation to choose one is sent."})


class RoleIn(Schema):
    class Meta:
        unknown = RAISE

    competition_id = fields.Integer(required=True, validate=AN_ID)
    role = fields.String(required=True, validate=validate.OneOf(MEMBERSHIP_ROLES))


class ActiveIn(Schema):
    class Meta:
        unknown = RAISE

    active = fields.Boolean(required=True)


class ImportIn(Schema):
    """An upload of users or OPDs as multipart/form-data, a .csv or .xlsx, for one of the user's
    competitions."""

    class Meta:
        unknown = RAISE

    file = fields.Raw(required=True, metadata={"type": "string", "format": "binary"})
    competition_id = fields.Integer(required=True)
    kind = fields.String(load_default="users", validate=validate.OneOf(("users", "organisations")),
                         metadata={"description": "users (email, name, organisation, role) or "
                                                  "organisations (name, short_name, parent)."})


class ImportOut(Schema):
    created = fields.List(fields.String(), required=True, metadata={"description": "Users' e-mail "
                                                                    "addresses, or OPDs' names."})
    roles_granted = fields.List(fields.String(), required=True)
    unchanged = fields.List(fields.String(), required=True)


class ImportStarted(Schema):
    job_id = fields.Integer(required=True)
    url = fields.String(required=True, metadata={"description": "The job's page, with its progress."})


class OrganisationOut(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    short_name = fields.String(allow_none=True)
    parent_id = fields.Integer(allow_none=True)
    region = fields.Function(lambda organisation: organisation.region.name, required=True)
    active = fields.Boolean(required=True)


# -- who may do what: as competition.people.views ------------------------------------------------------

def _my_competitions() -> list[Competition]:
    competitions = organised_competitions(current_user)
    if not competitions:
        raise NotPermitted(t("%(user)s is not an organiser of any competition", user=current_user.name))
    return competitions


def _my_competition(competition_id: int) -> Competition:
    found = next((c for c in _my_competitions() if c.id == competition_id), None)
    if found is None:
        raise InvalidInput(t("competition_id: choose one of your competitions"))
    return found


def _seen_user(user_id: int) -> User:
    _my_competitions()
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(t("there is no user with id %(id)s", id=user_id))
    if not can_see_user(current_user, user):
        raise NotPermitted(t("%(user)s may not manage the account of %(other)s", user=current_user.name,
                             other=user.name))
    return user


def _managed_user(user_id: int, *, account: bool = False) -> User:
    user = _seen_user(user_id)
    if not (can_run_account if account else can_manage_user)(current_user, user):
        raise NotPermitted(t("%(user)s may not manage the account of %(other)s", user=current_user.name,
                             other=user.name))
    return user


def _invite(user: User) -> None:
    link = absolute_url("auth.welcome", token=password_reset_token(user, purpose="invitation"))
    queue_invitation(user, link, invited_by=current_user)


def _user_answer(user: User, status: int = 200) -> Response:
    return with_etag(UserOut(), user, content_tag(UserOut(), user), status)


# -- the user's own account --------------------------------------------------------------------------

@bp.route("/me")
@bp.response(200, MeOut)
@needs("read")
def me() -> User:
    """The token's owner (or the signed-in user), with their roles and the token's scopes."""
    return current_user._get_current_object()


# -- organisers: users ---------------------------------------------------------------------------------

@bp.route("/users")
@bp.arguments(UserFilter, location="query")
@bp.response(200, page_of(UserOut, "UserPage"))
@needs("read")
def users(query: dict[str, Any]) -> dict[str, Any]:
    """The people the organiser looks after, in id order; search by name or e-mail (``q``), filter
    by role (in their competitions), OPD and whether the account is active."""
    competition_ids = [c.id for c in _my_competitions()]
    where = [seen_users(current_user)]
    if "role" in query:
        where.append(User.id.in_(select(Membership.user_id).where(
            Membership.role == query["role"], Membership.competition_id.in_(competition_ids))))
    if "q" in query:
        pattern = f"%{query['q'].strip().lower()}%"
        where.append(or_(User.email.like(pattern), User.name.ilike(pattern)))
    if "organisation_id" in query:
        where.append(User.organisation_id == query["organisation_id"])
    if "active" in query:
        where.append(User.active.is_(query["active"]))
    total = db.session.scalar(select(func.count()).select_from(User).where(*where))
    items = db.session.scalars(
        select(User).where(*where)
        .options(selectinload(User.organisation), selectinload(User.region),
                 selectinload(User.memberships).selectinload(Membership.competition))
        .order_by(User.id).limit(query["per_page"]).offset((query["page"] - 1) * query["per_page"]))
    return {"items": list(items), "total": total, "page": query["page"], "per_page": query["per_page"]}


@bp.route("/users/<int:user_id>")
@bp.response(200, UserOut, headers={"ETag": {"schema": {"type": "string"}}})
@needs("read")
def user(user_id: int) -> Response:
    """One of the organiser's people, with every role they hold."""
    return _user_answer(_seen_user(user_id))


@bp.route("/users", methods=["POST"])
@bp.arguments(UserNew)
@bp.response(201, UserOut)
@needs("write")
def create(body: dict[str, Any]) -> Response:
    """Create an account in one of the organiser's competitions' regions, with roles there; without
    a password, an invitation to choose one is sent."""
    competition = _my_competition(body["competition_id"])
    organisation = None
    if body["organisation_id"] is not None:
        regions = {c.region_id for c in _my_competitions()}
        organisation = db.session.get(Organisation, body["organisation_id"])
        if organisation is None or organisation.region_id not in regions:
            raise InvalidInput(t("organisation_id: choose one of the OPDs of your region"))
    roles = list(dict.fromkeys(body["roles"]))
    if organisation is None and not roles:
        raise InvalidInput(t("roles: choose an OPD or at least one role, so the account belongs somewhere"))
    if "submitter" in roles and organisation is None:
        raise InvalidInput(t("organisation_id: an OPD operator needs an OPD"))
    with atomic():
        made = create_user(email=body["email"], name=body["name"],
                           password=body["password"] or unguessable_password(),
                           organisation=organisation, region=competition.region, by=current_user)
        for role in roles:
            grant_role(made, competition, role)
    if not body["password"]:
        _invite(made)
    return _user_answer(made, 201)


@bp.route("/users/<int:user_id>/invite", methods=["POST"])
@bp.response(204)
@bp.alt_response(409, description="The account is switched off: reactivate it first.")
@needs("write")
def invite(user_id: int) -> Response:
    """Send the user a new link to choose their password (an invitation)."""
    found = _managed_user(user_id, account=True)
    if not found.active:
        return problem(409, "Conflict", t("Reactivate %(name)s first.", name=found.name))
    _invite(found)
    return Response(status=204)


@bp.route("/users/<int:user_id>/roles", methods=["POST"])
@bp.arguments(RoleIn)
@bp.response(201, RoleOut)
@needs("write")
def grant(body: dict[str, Any], user_id: int) -> Membership:
    """Grant the user a role in one of the organiser's competitions (held already: unchanged)."""
    found = _managed_user(user_id)
    return grant_role(found, _my_competition(body["competition_id"]), body["role"])


@bp.route("/users/<int:user_id>/roles/<int:membership_id>", methods=["DELETE"])
@bp.response(204)
@needs("write")
def revoke(user_id: int, membership_id: int) -> Response:
    """Take a role in one of the organiser's competitions away."""
    found = _seen_user(user_id)
    membership = db.session.get(Membership, membership_id)
    if membership is None or membership.user_id != found.id:
        raise NotFound(t("there is no role with id %(id)s", id=membership_id))
    if membership.competition_id not in {c.id for c in _my_competitions()}:
        raise NotPermitted(t("%(user)s is not an organiser of %(competition)s", user=current_user.name,
                             competition=membership.competition.name))
    revoke_role(membership, current_user)
    return Response(status=204)


@bp.route("/users/<int:user_id>/active", methods=["PUT"])
@bp.arguments(ActiveIn)
@bp.response(200, UserOut)
@needs("write")
def set_active(body: dict[str, bool], user_id: int) -> Response:
    """Switch an account off (its work and history stay) or on again. Needs If-Match."""
    found = _managed_user(user_id, account=True)
    expected_version(content_tag(UserOut(), found), "user")
    set_user_active(found, body["active"], current_user)
    return _user_answer(found)


IMPORT_DOC = {"required": True, "content": {"multipart/form-data": {"schema": ImportIn}}}


@bp.route("/users/import", methods=["POST"])
@bp.doc(requestBody=IMPORT_DOC)
@bp.response(200, ImportOut)
@bp.alt_response(202, schema=ImportStarted, description="A large file: imported by a background job.")
@needs("write")
def import_file() -> Response | dict[str, list[str]]:
    """Import users with roles in one of the organiser's competitions, or OPDs into its region, from
    a .csv or .xlsx upload: all or nothing; each bad row is named in ``errors`` (``row N.field``).
    A large file is imported by a background job (202), as on the page."""
    competitions = _my_competitions()
    values: dict[str, Any] = dict(request.form.items())
    if request.files.get("file") and request.files["file"].filename:
        values["file"] = request.files["file"]
    try:
        sent = ImportIn().load(values)
    except ValidationError as error:
        messages = error.messages if isinstance(error.messages, dict) else {"_": error.messages}
        return problem(422, "Unprocessable Entity", "The request has invalid fields.",
                       errors={name: list(map(str, texts)) for name, texts in messages.items()})
    competition = next((c for c in competitions if c.id == sent["competition_id"]), None)
    if competition is None:
        raise InvalidInput(t("competition_id: choose one of your competitions"))
    upload = sent["file"]
    name = secure_filename(upload.filename or "") or "upload.csv"
    if Path(name).suffix.lower() not in (".csv", ".xlsx"):
        raise InvalidInput(t("file: only .csv and .xlsx files"))
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / name
        upload.save(path)
        try:
            if is_large_import(path, sent["kind"], upload.filename):
                job = import_in_the_background(path, sent["kind"], competition, upload.filename)
                started = {"job_id": job.id, "url": absolute_url("jobs.show", job_id=job.id)}
                return Response(ImportStarted().dumps(started), 202, mimetype="application/json")
            if sent["kind"] == "organisations":
                made = import_organisations(path, competition.region, display_name=upload.filename)
                return {"created": list(made.created), "roles_granted": [],
                        "unchanged": list(made.unchanged)}
            report = import_users(path, competition, by=current_user, display_name=upload.filename,
                                  invite=_invite)
        except InvalidInput as error:
            return _row_problems(error.problems, upload.filename or name)
    return {"created": [u.email for u in report.created], "roles_granted": report.roles_granted,
            "unchanged": report.unchanged}


def _row_problems(problems: list[str], file_name: str) -> Response:
    """An import's problems by row and field: ``row 3.email``, or ``row 3`` (``_`` for the file)."""
    worded = re.escape(t("%(file)s row %(row)s: %(problem)s"))
    for placeholder, pattern in (("%(file)s", re.escape(file_name)), ("%(row)s", r"(\d+)"),
                                 ("%(problem)s", r"(?:(\w+): )?(.*)")):
        worded = worded.replace(re.escape(placeholder), pattern)
    row = re.compile(worded + "$", re.DOTALL)
    errors: dict[str, list[str]] = {}
    for text in problems:
        found = row.match(text)
        key = "_" if found is None else f"row {found[1]}" + (f".{found[2]}" if found[2] else "")
        errors.setdefault(key, []).append(text if found is None else found[3])
    return problem(422, "Unprocessable Entity", "; ".join(problems), errors=errors)


# -- organisations ------------------------------------------------------------------------------------

def _organisations(region_ids: Any, page: dict[str, int]) -> dict[str, Any]:
    where = Organisation.region_id.in_(region_ids)
    total = db.session.scalar(select(func.count()).select_from(Organisation).where(where))
    items = db.session.scalars(select(Organisation).where(where).options(selectinload(Organisation.region))
                               .order_by(Organisation.id)
                               .limit(page["per_page"]).offset((page["page"] - 1) * page["per_page"]))
    return {"items": list(items), "total": total, **page}


@bp.route("/organisations")
@bp.arguments(PageArgs, location="query")
@bp.response(200, page_of(OrganisationOut, "OrganisationPage"))
@needs("read")
def organisations(page: dict[str, int]) -> dict[str, Any]:
    """The OPDs and units of the regions of the competitions the user takes part in (other than
    as a judge), in id order."""
    return _organisations(select(Competition.region_id).where(seeing_organisations(current_user)), page)


@bp.route("/competitions/<int:competition_id>/organisations")
@bp.arguments(PageArgs, location="query")
@bp.response(200, page_of(OrganisationOut, "CompetitionOrganisationPage"))
@needs("read")
def competition_organisations(page: dict[str, int], competition_id: int) -> dict[str, Any]:
    """The OPDs and units of a competition's region, in id order; a judge alone is refused (403)."""
    competition = competition_for(competition_id)
    if not sees_organisations(current_user, competition):
        raise NotPermitted(t("only the competition's organisers, verifiers and OPD operators see its OPDs"))
    return _organisations([competition.region_id], page)

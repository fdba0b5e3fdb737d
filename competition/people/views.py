"""The organiser's pages for people: the list of users, creating one, granting and revoking roles
per competition, deactivating, and importing OPDs and users from CSV or XLSX."""

from __future__ import annotations

import secrets
import shutil
import tempfile
from pathlib import Path

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf.file import FileAllowed, FileField, FileRequired
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload
from werkzeug.utils import secure_filename
from werkzeug.wrappers import Response
from wtforms import EmailField, PasswordField, RadioField, SelectField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from competition.documents.inputs import EMAIL, PERSON_NAME
from competition.documents.spreadsheets import csv_text, read_table
from competition.errors import AnugerahError
from competition.extensions import db
from competition.jobs.runner import enqueue, jobs_folder
from competition.links import absolute_url
from competition.models import MEMBERSHIP_ROLES, Competition, Job, Membership, Organisation, User
from competition.notifications.operations import queue_invitation
from competition.people.operations import (
    MIN_PASSWORD_LENGTH,
    ROLE_LABELS,
    USER_IMPORT_COLUMNS,
    UserImportReport,
    create_user,
    grant_role,
    import_users,
    password_reset_token,
    revoke_role,
    set_user_active,
    unguessable_password,
)
from competition.people.organisations import IMPORT_COLUMNS, ImportReport, import_organisations
from competition.policy import (
    can_manage_user,
    can_run_account,
    can_see_user,
    organised_competitions,
    seen_users,
)
from competition.unit_of_work import atomic
from competition.web.forms import PageForm, Text

bp = Blueprint("people", __name__, url_prefix="/people")



def role_choices() -> list[SelectChoice]:
    return [SelectChoice(role, ROLE_LABELS[role]) for role in MEMBERSHIP_ROLES]


class UserForm(PageForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Text(PERSON_NAME, one_line=True)])
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Text(EMAIL, one_line=True)])
    organisation = SelectField(_l("OPD"), coerce=int, validate_choice=False)
    competition = SelectField(_l("Competition"), coerce=int, validate_choice=False)
    roles = SelectMultipleField(_l("Roles in that competition"), choices=role_choices,
                                widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())
    password = PasswordField(_l("Password (optional)"),
                             validators=[Optional(), Length(min=MIN_PASSWORD_LENGTH)])


def role_choices_to_grant() -> list[SelectChoice]:
    """The roles with nothing chosen first: granting a role (the organiser's above all) is a choice
    made on purpose, never one left standing."""
    return [SelectChoice("", _l("Choose a role"))] + role_choices()


class RoleForm(PageForm):
    competition = SelectField(_l("Competition"), coerce=int, validate_choice=False)
    role = SelectField(_l("Role"), choices=role_choices_to_grant, validators=[DataRequired()])


class ImportForm(PageForm):
    kind = RadioField(_l("What the file holds"), default="users",
                      choices=[SelectChoice("organisations", _l("OPDs")), SelectChoice("users", _l("Users"))])
    competition = SelectField(_l("Competition"), coerce=int, validate_choice=False)
    file = FileField(_l("CSV or XLSX file"), validators=[
        FileRequired(_l("Choose a file.")), FileAllowed(["csv", "xlsx"], _l("Only .csv and .xlsx files."))])


class ConfirmForm(PageForm):
    """Only the CSRF token, for the buttons that change a user."""


def _my_competitions() -> list[Competition]:
    competitions = organised_competitions(current_user)
    if not competitions:
        abort(403)
    return competitions


def _seen_user(user_id: int) -> User:
    """A user among the organiser's people (:func:`~competition.policy.can_see_user`)."""
    _my_competitions()
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    if not can_see_user(current_user, user):
        abort(403)
    return user


def _managed_user(user_id: int, *, account: bool = False) -> User:
    """A user the organiser may grant roles (:func:`~competition.policy.can_manage_user`), or
    with ``account`` whose account they run (:func:`~competition.policy.can_run_account`)."""
    user = _seen_user(user_id)
    if not (can_run_account if account else can_manage_user)(current_user, user):
        abort(403)
    return user


def _my_competition(competitions: list[Competition], competition_id: int | None) -> Competition | None:
    return next((c for c in competitions if c.id == competition_id), None)


def _organisations(competitions: list[Competition]) -> list[Organisation]:
    return list(db.session.scalars(
        select(Organisation).where(Organisation.region_id.in_({c.region_id for c in competitions}))
        .order_by(Organisation.name)))


def _invite(user: User) -> None:
    link = absolute_url("auth.welcome", token=password_reset_token(user, purpose="invitation"))
    queue_invitation(user, link, invited_by=current_user)


@bp.get("")
@login_required
def index() -> str:
    """Everyone the organiser looks after, with their OPD and roles; searchable and filterable."""
    competitions = _my_competitions()
    competition_ids = [c.id for c in competitions]
    query = (select(User).where(seen_users(current_user))
             .options(selectinload(User.organisation),
                      selectinload(User.memberships).selectinload(Membership.competition))
             .order_by(User.active.desc(), User.name))
    search = request.args.get("q", "").strip()
    if search:
        pattern = f"%{search.lower()}%"
        query = query.where(or_(User.email.like(pattern), User.name.ilike(pattern)))
    role = request.args.get("role", "")
    if role in MEMBERSHIP_ROLES:
        query = query.where(User.id.in_(select(Membership.user_id).where(
            Membership.role == role, Membership.competition_id.in_(competition_ids))))
    status = request.args.get("status", "")
    if status in ("active", "inactive"):
        query = query.where(User.active.is_(status == "active"))
    users = db.session.scalars(query).all()
    return render_template("people/index.html", users=users, search=search, role=role, status=status,
                           roles=ROLE_LABELS, competition_ids=set(competition_ids))


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new() -> str | Response:
    competitions = _my_competitions()
    organisations = _organisations(competitions)
    form = UserForm()
    form.organisation.choices = [SelectChoice(0, _("— none (e.g. a judge from a university) —")),
                                 *(SelectChoice(o.id, o.name) for o in organisations)]
    form.competition.choices = [SelectChoice(c.id, c.name) for c in competitions]
    if form.validate_on_submit():
        organisation = next((o for o in organisations if o.id == form.organisation.data), None)
        competition = _my_competition(competitions, form.competition.data)
        roles = form.roles.data or []
        if competition is None:
            form.competition.errors = [_("Choose one of your competitions.")]
        elif organisation is None and form.organisation.data:
            form.organisation.errors = [_("Choose one of the OPDs listed.")]
        elif organisation is None and not roles:
            form.roles.errors = [_("Choose an OPD or at least one role, so the account belongs somewhere.")]
        elif "submitter" in roles and organisation is None:
            form.roles.errors = [_("An OPD operator needs an OPD.")]
        else:
            try:
                with atomic():
                    user = create_user(email=form.email.data, name=form.name.data,
                                       password=form.password.data or unguessable_password(),
                                       organisation=organisation, region=competition.region,
                                       by=current_user)
                    for role in roles:
                        grant_role(user, competition, role)
            except AnugerahError as error:
                for problem in getattr(error, "problems", [str(error)]):
                    flash(problem, "danger")
            else:
                if form.password.data:
                    flash(_("%(name)s can sign in now with the password you chose.", name=user.name),
                          "success")
                else:
                    _invite(user)
                    flash(_("%(name)s was created; an invitation to choose a password is on its way to "
                            "%(email)s.", name=user.name, email=user.email), "success")
                return redirect(url_for("people.show", user_id=user.id))
    return render_template("people/new.html", form=form)


@bp.get("/<int:user_id>")
@login_required
def show(user_id: int) -> str:
    user = _seen_user(user_id)
    competitions = _my_competitions()
    role_form = RoleForm()
    role_form.competition.choices = [SelectChoice(c.id, c.name) for c in competitions]
    memberships = sorted(user.memberships, key=lambda m: (-m.competition.year, m.competition.name,
                                                          MEMBERSHIP_ROLES.index(m.role)))
    return render_template("people/show.html", user=user, memberships=memberships, role_form=role_form,
                           form=ConfirmForm(), roles=ROLE_LABELS,
                           competition_ids={c.id for c in competitions},
                           manageable=can_manage_user(current_user, user),
                           runs_account=can_run_account(current_user, user))


@bp.post("/<int:user_id>/roles")
@login_required
def grant(user_id: int) -> Response:
    user = _managed_user(user_id)
    competitions = _my_competitions()
    form = RoleForm()
    form.competition.choices = [SelectChoice(c.id, c.name) for c in competitions]
    competition = _my_competition(competitions, form.competition.data)
    if not form.validate_on_submit() or competition is None:
        flash(_("Choose one of your competitions and a role."), "danger")
    else:
        try:
            grant_role(user, competition, form.role.data)
        except AnugerahError as error:
            flash(str(error), "danger")
            return redirect(url_for("people.show", user_id=user.id))
        if user.id == current_user.id and form.role.data in ("judge", "verifier"):
            # Allowed, as a small region may have no one else; but they check or score the
            # entries of the competition they run, so say so (the grant is on record).
            flash(_("You are now %(role)s in %(competition)s, as well as its organiser. Judging or "
                    "verifying the entries of a competition you run is recorded, and others can "
                    "see it.", role=ROLE_LABELS[form.role.data], competition=competition.name),
                  "warning")
        else:
            flash(_("%(name)s is now %(role)s in %(competition)s.", name=user.name,
                    role=ROLE_LABELS[form.role.data], competition=competition.name), "success")
    return redirect(url_for("people.show", user_id=user.id))


@bp.post("/<int:user_id>/roles/<int:membership_id>/revoke")
@login_required
def revoke(user_id: int, membership_id: int) -> Response:
    user = _seen_user(user_id)
    membership = db.session.get(Membership, membership_id)
    if membership is None or membership.user_id != user.id:
        abort(404)
    if membership.competition_id not in {c.id for c in _my_competitions()}:
        abort(403)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    role, competition = ROLE_LABELS[membership.role], membership.competition.name
    try:
        revoke_role(membership, current_user)
    except AnugerahError as error:
        flash(str(error), "danger")
    else:
        flash(_("%(name)s is no longer %(role)s in %(competition)s.", name=user.name, role=role,
                competition=competition), "success")
    return redirect(url_for("people.show", user_id=user.id))


@bp.post("/<int:user_id>/active")
@login_required
def set_active(user_id: int) -> Response:
    user = _managed_user(user_id, account=True)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    active = request.form.get("active") == "1"
    try:
        set_user_active(user, active, current_user)
    except AnugerahError as error:
        flash(str(error), "danger")
    else:
        flash(_("%(name)s can sign in again.", name=user.name) if active
              else _("%(name)s can no longer sign in; their work and history stay.", name=user.name),
              "success")
    return redirect(url_for("people.show", user_id=user.id))


@bp.post("/<int:user_id>/invite")
@login_required
def invite(user_id: int) -> Response:
    user = _managed_user(user_id, account=True)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if not user.active:
        flash(_("Reactivate %(name)s first.", name=user.name), "danger")
    else:
        _invite(user)
        flash(_("A link to choose a password is on its way to %(email)s.", email=user.email), "success")
    return redirect(url_for("people.show", user_id=user.id))


@bp.route("/import", methods=["GET", "POST"])
@login_required
def import_file() -> tuple[str, int] | Response:
    """Import OPDs into a competition's region, or users with roles in a competition. Nothing is
    saved unless every row is good; the page lists each bad row by its number. A large file is
    imported by a background job, followed on its page."""
    competitions = _my_competitions()
    form = ImportForm()
    form.competition.choices = [SelectChoice(c.id, f"{c.name} ({c.region.name})") for c in competitions]
    problems: list[str] = []
    report: ImportReport | UserImportReport | None = None
    if form.validate_on_submit():
        competition = _my_competition(competitions, form.competition.data)
        if competition is None:
            abort(403)
        upload = form.file.data
        name = secure_filename(upload.filename or "") or "upload.csv"
        with tempfile.TemporaryDirectory() as directory:
            path = Path(directory) / name
            upload.save(path)
            try:
                if is_large_import(path, form.kind.data, upload.filename):
                    job = import_in_the_background(path, form.kind.data, competition, upload.filename)
                    return redirect(url_for("jobs.show", job_id=job.id))
                if form.kind.data == "organisations":
                    report = import_organisations(path, competition.region, display_name=upload.filename)
                else:
                    report = import_users(path, competition, by=current_user,
                                          display_name=upload.filename, invite=_invite)
            except AnugerahError as error:
                problems = getattr(error, "problems", [str(error)])
    status = 422 if problems or form.errors else 200
    return render_template("people/import.html", form=form, problems=problems, report=report,
                           organisation_columns=IMPORT_COLUMNS, user_columns=USER_IMPORT_COLUMNS,
                           roles=ROLE_LABELS), status


def is_large_import(path: Path, kind: str, display_name: str | None) -> bool:
    """More rows than ``JOBS_IMPORT_INLINE_ROWS``: imported as a background job. (An unreadable
    file is refused here, as the import itself would refuse it.)"""
    columns, required = (IMPORT_COLUMNS, ("name",)) if kind == "organisations" else \
        (USER_IMPORT_COLUMNS, ("email", "name"))
    rows = read_table(path, columns, required, display_name=display_name)
    return len(rows) > current_app.config["JOBS_IMPORT_INLINE_ROWS"]


def import_in_the_background(path: Path, kind: str, competition: Competition,
                              display_name: str | None) -> Job:
    """Keep the upload for the job, which imports it all or nothing and reports on its page."""
    kept = jobs_folder() / f"upload-{secrets.token_hex(16)}{path.suffix.lower()}"
    shutil.copyfile(path, kept)
    return enqueue("people_import", competition=competition, by=current_user,
                   params={"what": kind, "upload": kept.name, "display_name": display_name or path.name})


IMPORT_EXAMPLES: dict[str, tuple[tuple[str, ...], list[tuple[str, ...]]]] = {
    "organisations": (IMPORT_COLUMNS, [("Dinas Kesehatan", "Dinkes", ""),
                                       ("UPT Puskesmas Sukorame", "", "Dinas Kesehatan")]),
    "users": (USER_IMPORT_COLUMNS, [
        ("operator.dinkes@example.go.id", "Operator Dinkes", "Dinkes", "submitter"),
        ("verifikator@example.go.id", "Verifikator Bappeda", "Bappeda", "verifier")]),
}


@bp.get("/import/example-<kind>.csv")
@login_required
def import_template(kind: str) -> Response:
    _my_competitions()
    if kind not in IMPORT_EXAMPLES:
        abort(404)
    columns, rows = IMPORT_EXAMPLES[kind]
    return Response(csv_text(columns, rows, line_end="\n"), mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename=contoh-{kind}.csv"})

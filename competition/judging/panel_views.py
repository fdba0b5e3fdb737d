"""The organiser's judging pages, per round: its status with opening and closing, its panels and
a form for a new one, automatic assignment with its figures (load per judge, judges per
innovation, conflicts of interest avoided), and the assignments table (innovation × judge) where
judges are added and removed by hand and confirmed scores are reopened with a reason.

The figures are worked out afresh from the round's assignments on every visit, so what the page
shows after an automatic assignment stays visible, and stays true after changes by hand.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response
from wtforms import SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from competition.competitions.manage import organised_competition
from competition.documents.inputs import NOTE, identifier
from competition.errors import AnugerahError
from competition.extensions import db
from competition.judging.operations import (
    assign_automatically,
    assign_judge,
    create_panel,
    remove_assignment,
)
from competition.judging.queries import RoundView
from competition.judging.rounds import close_round, open_round
from competition.judging.scoring import reopen_scores
from competition.models import (
    Assignment,
    Competition,
    Criterion,
    Entry,
    Membership,
    Round,
    Score,
    ScoringEvent,
    User,
)
from competition.web.forms import PageForm, Text, WholeNumberField, problem_for_people, problems_of
from workflows import WorkflowError

bp = Blueprint("panels", __name__, url_prefix="/manage")

ROUND_STATUS_LABELS = {"setup": _l("Being set up"), "open": _l("Open for scoring"), "closed": _l("Closed")}
SCORING_STATE_LABELS = {"not_started": _l("Not started"), "draft": _l("Draft"), "confirmed": _l("Confirmed"),
                        "conflict": _l("Conflict of interest")}
SCORING_ACTION_LABELS = {"confirm": _l("Confirmed"), "reopen": _l("Reopened"),
                         "remove": _l("Judge taken off"),
                         "declare_conflict": _l("Conflict of interest declared")}
HISTORY_LENGTH = 20
ERRORS = (AnugerahError, WorkflowError)


# -- forms ----------------------------------------------------------------------------------------

class PanelForm(PageForm):
    name = StringField(_l("Panel name"), validators=[
        DataRequired(_l("Give the panel a name.")), Text(120, one_line=True)])
    judges = SelectMultipleField(_l("Judges"), coerce=int,
                                 validators=[DataRequired(_l("Choose at least one judge."))],
                                 widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())
    category = SelectField(_l("Category"), coerce=int, validate_choice=False, default=0)


class AutoAssignForm(PageForm):
    judges_per_entry = WholeNumberField(_l("Judges per innovation"), validators=[
        Optional(), NumberRange(min=1, max=99, message=_l("Between 1 and 99."))])
    cap = WholeNumberField(_l("Most innovations per judge"), validators=[
        Optional(), NumberRange(min=1, message=_l("At least 1, or leave it empty for no cap."))])


class ReopenForm(PageForm):
    reason = TextAreaField(_l("Reason"), validators=[
        DataRequired(_l("Say why the scores are reopened: the reason is kept in the audit trail.")),
        Text(NOTE)])


class ConfirmForm(PageForm):
    """Only the CSRF token, for the buttons that change a round or an assignment."""


# -- service refusals ----------------------------------------------------------------------------

def _flash_refusal(error: Exception) -> None:
    """Each problem a service or workflow names, already in the reader's language."""
    for problem in problems_of(error):
        flash(problem_for_people(problem), "danger")


# -- finding things -------------------------------------------------------------------------------

def _round_of(competition: Competition, round_id: int) -> Round:
    round_ = db.session.get(Round, round_id)
    if round_ is None or round_.competition_id != competition.id:
        abort(404)
    return round_


def _assignment_of(competition: Competition, assignment_id: int) -> Assignment:
    assignment = db.session.get(Assignment, assignment_id)
    if assignment is None or assignment.round.competition_id != competition.id:
        abort(404)
    return assignment


def _competition_judges(competition: Competition) -> list[User]:
    """Active users holding the judge role in the competition, by name."""
    return list(db.session.scalars(
        select(User).join(Membership, Membership.user_id == User.id)
        .where(Membership.competition_id == competition.id, Membership.role == "judge", User.active.is_(True))
        .options(selectinload(User.organisation)).order_by(User.name, User.id)))


def _chosen_round(competition: Competition, round_id: int | None) -> Round | None:
    rounds = competition.rounds
    chosen = next((r for r in rounds if r.id == round_id), None)
    return chosen or next((r for r in rounds if r.status != "closed"), rounds[-1] if rounds else None)


def _setup_url(competition: Competition) -> str | None:
    if "setup.overview" in current_app.view_functions:
        return url_for("setup.overview", competition_id=competition.id)
    return None


def _positive(value: str | None) -> int | None:
    """A count sent in a query string or a form (judges per innovation, a cap, a filter's id)."""
    try:
        return identifier(value or "")
    except ValueError:
        return None


# -- the panels page ------------------------------------------------------------------------------

def _panel_form(competition: Competition) -> PanelForm:
    form = PanelForm()
    form.judges.choices = [
        SelectChoice(j.id, f"{j.name} · {j.organisation.name}" if j.organisation else j.name)
        for j in _competition_judges(competition)]
    form.category.choices = [SelectChoice(0, _("All categories")),
                             *(SelectChoice(c.id, c.name) for c in competition.categories)]
    return form


def _index_page(competition: Competition, round_: Round | None, *, panel_form: PanelForm | None = None,
                assign_form: AutoAssignForm | None = None, status: int = 200) -> tuple[str, int]:
    figures = view = None
    # The figures count with the numbers the last automatic assignment was run with, when given.
    given = {"judges_per_entry": _positive(request.args.get("per_entry")),
             "cap": _positive(request.args.get("cap"))}
    if round_ is not None:
        view = RoundView.load(round_)
        per_entry = given["judges_per_entry"] or round_.judges_per_entry
        cap = given["cap"] if "cap" in request.args else round_.judge_cap
        figures = view.figures(per_entry, cap)
    return render_template(
        "judging/panels/index.html", competition=competition, rounds=competition.rounds, round=round_,
        view=view,
        figures=figures, panel_form=panel_form or _panel_form(competition),
        assign_form=assign_form or AutoAssignForm(formdata=None, data=given), form=ConfirmForm(),
        setup_url=_setup_url(competition), status_labels=ROUND_STATUS_LABELS), status


@bp.get("/<int:competition_id>/panels")
@login_required
def index(competition_id: int) -> tuple[str, int]:
    """Each round (one at a time, chosen with ``?round=``): its status, panels and the figures
    of its assignment."""
    competition = organised_competition(competition_id)
    return _index_page(competition, _chosen_round(competition, request.args.get("round", type=identifier)))


def _to_round(round_: Round, anchor: str | None = None, **arguments: int | None) -> Response:
    given: dict[str, Any] = {k: v for k, v in arguments.items() if v is not None}
    return redirect(url_for("panels.index", competition_id=round_.competition_id, round=round_.id,
                            _anchor=anchor, **given))


@bp.post("/<int:competition_id>/panels/rounds/<int:round_id>/panels")
@login_required
def new_panel(competition_id: int, round_id: int) -> Response | tuple[str, int]:
    competition = organised_competition(competition_id)
    round_ = _round_of(competition, round_id)
    form = _panel_form(competition)
    if form.validate_on_submit():
        judges = [j for j in _competition_judges(competition) if j.id in set(form.judges.data or [])]
        category = next((c for c in competition.categories if c.id == form.category.data), None)
        if form.category.data and category is None:
            form.category.errors = [_("Choose one of the competition's categories.")]
        else:
            try:
                panel = create_panel(round_, current_user, name=form.name.data or "", judges=judges,
                                     category=category)
            except ERRORS as error:
                _flash_refusal(error)
            else:
                flash(ngettext("Panel '%(name)s' was created with %(num)s judge.",
                               "Panel '%(name)s' was created with %(num)s judges.", len(panel.members),
                               name=panel.name), "success")
                return _to_round(round_, "panels")
    return _index_page(competition, round_, panel_form=form, status=422)


@bp.post("/<int:competition_id>/panels/rounds/<int:round_id>/assign")
@login_required
def assign(competition_id: int, round_id: int) -> Response | tuple[str, int]:
    """Run the automatic assignment, then show its figures (with the numbers it was run with)."""
    competition = organised_competition(competition_id)
    round_ = _round_of(competition, round_id)
    form = AutoAssignForm()
    if not form.validate_on_submit():
        return _index_page(competition, round_, assign_form=form, status=422)
    try:
        report = assign_automatically(round_, current_user, judges_per_entry=form.judges_per_entry.data,
                                      cap=form.cap.data)
    except ERRORS as error:
        _flash_refusal(error)
        return _to_round(round_)
    flash(ngettext("%(num)s assignment added.", "%(num)s assignments added.", report.added), "success")
    return _to_round(round_, "report", per_entry=form.judges_per_entry.data, cap=form.cap.data)


@bp.post("/<int:competition_id>/panels/rounds/<int:round_id>/open")
@login_required
def open_(competition_id: int, round_id: int) -> Response:
    competition = organised_competition(competition_id)
    round_ = _round_of(competition, round_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        open_round(round_, current_user)
    except ERRORS as error:
        _flash_refusal(error)
    else:
        flash(_("Round '%(name)s' is open: judges can score now.", name=round_.name), "success")
    return _to_round(round_)


@bp.post("/<int:competition_id>/panels/rounds/<int:round_id>/close")
@login_required
def close(competition_id: int, round_id: int) -> Response | str:
    """Close a round; while assignments are unconfirmed, first a page that names them and asks
    whether to close anyway (their drafts then do not count)."""
    competition = organised_competition(competition_id)
    round_ = _round_of(competition, round_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    force = request.form.get("force") == "1"
    if round_.status == "open" and not force:
        unconfirmed = list(db.session.scalars(
            select(Assignment).where(Assignment.round_id == round_.id, Assignment.status == "open")
            .options(selectinload(Assignment.judge), selectinload(Assignment.entry))
            .order_by(Assignment.entry_id, Assignment.id)))
        if unconfirmed:
            view = RoundView(round=round_)
            view.score_counts = {assignment_id: count for assignment_id, count in db.session.execute(
                select(Score.assignment_id, func.count())
                .where(Score.assignment_id.in_([a.id for a in unconfirmed])).group_by(Score.assignment_id))}
            return render_template("judging/panels/close_confirm.html", competition=competition, round=round_,
                                   unconfirmed=unconfirmed, view=view, form=ConfirmForm(),
                                   state_labels=SCORING_STATE_LABELS)
    try:
        closure = close_round(round_, current_user, force=force)
    except ERRORS as error:
        _flash_refusal(error)
    else:
        last = round_.position == max(r.position for r in round_.competition.rounds)
        if last and not closure.advanced and not closure.stopped:
            # In the last round each innovation's judging ends as its scores are confirmed.
            flash(_("Round '%(name)s' is closed. It is the last round: each innovation's judging "
                    "ended when its scores were confirmed; %(not_judged)s not judged.",
                    name=round_.name, not_judged=len(closure.not_judged)), "success")
        else:
            flash(_("Round '%(name)s' is closed: %(advanced)s moved on, %(stopped)s stopped here, "
                    "%(not_judged)s not judged.", name=round_.name, advanced=len(closure.advanced),
                    stopped=len(closure.stopped), not_judged=len(closure.not_judged)), "success")
    return _to_round(round_)


# -- the assignments table ------------------------------------------------------------------------

@bp.get("/<int:competition_id>/panels/rounds/<int:round_id>/assignments")
@login_required
def assignments(competition_id: int, round_id: int) -> str:
    """Innovation × judge with each scoring state, filtered by panel or category; judges are added
    and removed here, and confirmed scores reopened. Below, the round's recent scoring events."""
    competition = organised_competition(competition_id)
    round_ = _round_of(competition, round_id)
    view = RoundView.load(round_)
    panel = next((p for p in view.panels if p.id == request.args.get("panel", type=identifier)), None)
    category = view.categories.get(request.args.get("category", type=identifier) or 0)
    entries = view.entries
    if panel is not None and panel.category_id is not None:
        entries = [e for e in entries if e.category_id == panel.category_id]
    if category is not None:
        entries = [e for e in entries if e.category_id == category.id]
    if panel is not None:
        judges = sorted((m.judge for m in panel.members), key=lambda j: (j.name.lower(), j.id))
    elif category is not None:
        shown = {e.id for e in entries}
        extra = {a.judge_id: a.judge for a in view.assignments if a.entry_id in shown}
        judges = sorted({**{j.id: j for j in view.members_for(category.id)}, **extra}.values(),
                        key=lambda j: (j.name.lower(), j.id))
    else:
        judges = view.judges()
    rows = view.rows(judges, entries)
    # On phones each innovation lists every judge who is assigned or may be added, whatever the columns.
    all_judges = view.judges()
    phone_rows = {entry.id: [c for c in cells if c.assignment or c.addable or c.conflict and c.on_panel]
                  for entry, cells in view.rows(all_judges, entries)}
    events = list(db.session.scalars(
        select(ScoringEvent).join(Assignment, Assignment.id == ScoringEvent.assignment_id)
        .where(Assignment.round_id == round_.id)
        .order_by(ScoringEvent.created_at.desc(), ScoringEvent.id.desc()).limit(HISTORY_LENGTH)
        .options(selectinload(ScoringEvent.actor),
                 selectinload(ScoringEvent.assignment).selectinload(Assignment.judge),
                 selectinload(ScoringEvent.assignment).selectinload(Assignment.entry))))
    confirmed = sum(1 for a in view.assignments if a.status == "confirmed")
    return render_template(
        "judging/panels/assignments.html", competition=competition, round=round_, view=view, rows=rows,
        judges=judges, phone_rows=phone_rows, panel=panel, category=category, events=events,
        confirmed=confirmed, form=ConfirmForm(), state_labels=SCORING_STATE_LABELS,
        action_labels=SCORING_ACTION_LABELS, status_labels=ROUND_STATUS_LABELS)


def _to_assignments(round_: Round, entry_id: int | None = None) -> Response:
    filters: dict[str, Any] = {key: value for key in ("panel", "category")
                               if (value := _positive(request.form.get(key))) is not None}
    return redirect(url_for("panels.assignments", competition_id=round_.competition_id, round_id=round_.id,
                            _anchor=f"entry-{entry_id}" if entry_id else None, **filters))


@bp.post("/<int:competition_id>/panels/rounds/<int:round_id>/assignments")
@login_required
def add_assignment(competition_id: int, round_id: int) -> Response:
    """Assign a judge to an innovation by hand; the service refuses conflicts and duplicates."""
    competition = organised_competition(competition_id)
    round_ = _round_of(competition, round_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    entry = db.session.get(Entry, request.form.get("entry", type=identifier) or 0)
    if entry is None or entry.competition_id != competition.id:
        abort(404)
    judge = db.session.get(User, request.form.get("judge", type=identifier) or 0)
    if judge is None:
        flash(_("Choose a judge to add to '%(title)s'.", title=entry.title), "danger")
        return _to_assignments(round_, entry.id)
    try:
        assign_judge(round_, entry, judge, current_user)
    except ERRORS as error:
        _flash_refusal(error)
    else:
        flash(_("%(judge)s now judges '%(title)s'.", judge=judge.name, title=entry.title), "success")
    return _to_assignments(round_, entry.id)


@bp.post("/<int:competition_id>/panels/assignments/<int:assignment_id>/remove")
@login_required
def remove(competition_id: int, assignment_id: int) -> Response:
    competition = organised_competition(competition_id)
    assignment = _assignment_of(competition, assignment_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    round_, entry, judge = assignment.round, assignment.entry, assignment.judge
    try:
        remove_assignment(assignment, current_user)
    except ERRORS as error:
        _flash_refusal(error)
    else:
        flash(_("%(judge)s no longer judges '%(title)s'.", judge=judge.name, title=entry.title), "success")
    return _to_assignments(round_, entry.id)


@bp.route("/<int:competition_id>/panels/assignments/<int:assignment_id>/reopen", methods=["GET", "POST"])
@login_required
def reopen(competition_id: int, assignment_id: int) -> Response | tuple[str, int]:
    """Reopen a judge's confirmed scores, with a reason that goes into the audit trail."""
    competition = organised_competition(competition_id)
    assignment = _assignment_of(competition, assignment_id)
    form = ReopenForm()
    if form.validate_on_submit():
        try:
            reopen_scores(assignment, current_user, form.reason.data or "")
        except ERRORS as error:
            _flash_refusal(error)
        else:
            flash(_("The scores of %(judge)s for '%(title)s' are open again.", judge=assignment.judge.name,
                    title=assignment.entry.title), "success")
            return _to_assignments(assignment.round, assignment.entry_id)
    scores = list(db.session.scalars(
        select(Score).where(Score.assignment_id == assignment.id)
        .options(selectinload(Score.criterion)).join(Criterion, Criterion.id == Score.criterion_id)
        .order_by(Criterion.position)))
    return render_template("judging/panels/reopen.html", competition=competition, round=assignment.round,
                           assignment=assignment, scores=scores, form=form,
                           ), 422 if form.errors else 200

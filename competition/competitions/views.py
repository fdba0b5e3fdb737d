"""The organiser's set-up pages for a competition: creating one, its phase and timeline,
categories, how units under an OPD take part, judging rounds with their rubric, awards, the
result rules (predikat bands, the tie-break chain, disagreement and one award per OPD) and the
workflow diagrams.

Every page is for the competition's organisers only (see :func:`organised_competition`); every
change goes through a service, and the service's refusals are shown as they are.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from markupsafe import Markup
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response
from wtforms import (
    DateTimeLocalField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional

from competition.competitions.cloning import clone_competition, clone_summary
from competition.competitions.diagram import workflow_svg
from competition.competitions.manage import organised_competition, units_rule
from competition.competitions.models import COMPETITION_PHASES
from competition.competitions.operations import (
    COMPETITION_WORKFLOW,
    TIMELINE,
    TIMELINE_CHANGEABLE_UNTIL,
    UNITS_FIXED_PHASES,
    add_category,
    change_competition_phase,
    create_competition,
    remove_category,
    rename_category,
    set_units_compete,
    timeline_problems,
    update_timeline,
)
from competition.competitions.queries import phase_warnings
from competition.documents.inputs import NOTE
from competition.errors import AnugerahError
from competition.extensions import db
from competition.models import UNITS_OWN, UNITS_PARENT, Award, Category, Competition, Criterion, Entry, Round
from competition.models.types import utcnow
from competition.people.operations import grant_role
from competition.people.views import ROLE_LABELS
from competition.policy import actor_for, can_clone, cloneable_competitions, organised_competitions
from competition.ranking.bands import NO_SCORE_LABEL
from competition.results.models import DEFAULT_AWARD_NAME
from competition.unit_of_work import atomic
from competition.web.forms import (
    PageForm,
    Text,
    WholeNumberField,
    place_problems,
    problem_for_people,
    problems_of,
)
from workflows import WorkflowError, get_workflow

bp = Blueprint("setup", __name__, url_prefix="/manage")

ENTRY_WORKFLOW = "innovation"
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"

TIMELINE_LABELS = {
    "submission_opens_at": _l("Submission opens"),
    "submission_closes_at": _l("Submission closes"),
    "verification_closes_at": _l("Verification closes"),
    "judging_closes_at": _l("Judging closes"),
}
# What each phase change means, shown before it is made.
PHASE_CONSEQUENCES = {
    "open_submissions": _l("OPD operators can submit their innovations from the opening until the "
                           "submission deadline."),
    "close_submissions": _l("No new innovation can be submitted. Verifiers finish checking what was "
                            "submitted; returned innovations can still be revised until verification "
                            "closes."),
    "start_judging": _l("Verification ends. Judging rounds can be opened and judges score the verified "
                        "innovations."),
    "close_judging": _l("Scoring ends. The results can be previewed, sealed and published."),
    "close_competition": _l("The competition is over: nothing in it changes any more."),
}
ROUND_STATUS_LABELS = {"setup": _l("Being set up"), "open": _l("Open for scoring"), "closed": _l("Closed")}
AGGREGATION_LABELS = {"mean": _l("Mean"), "median": _l("Median"),
                      "trimmed_mean": _l("Trimmed mean (highest and lowest dropped)")}
ADVANCEMENT_LABELS = {"all": _l("Every innovation moves on"), "top_n": _l("The top N overall"),
                      "top_n_per_category": _l("The top N of each category"),
                      "min_score": _l("Innovations with at least a minimum score")}
SUBJECT_LABELS = {"innovation": _l("Innovations"), "organisation": _l("OPDs"), "region": _l("Regions")}
POLICY_LABELS = {"index": _l("Index: the sum of scores over at least k, plus a bonus per innovation"),
                 "sum": _l("Sum of the innovations' scores"), "mean": _l("Mean of the innovations' scores")}
TIE_BREAK_LABELS = {
    "heaviest_criterion": (_l("Heaviest criterion"),
                           _l("The higher share of the score on the criterion with the largest weight.")),
    "top_marks": (_l("Top marks"), _l("A larger share of the marks on weighted criteria at the top of "
                                      "their scale (a share, so more judges or innovations don't win it).")),
    "earlier_submission": (_l("Earlier submission"), _l("The innovation first submitted earlier; a return "
                                                        "for revision doesn't make it later.")),
    "organiser_decision": (_l("The organiser's decision"),
                           _l("The order the organiser recorded, with a reason, for those still level.")),
}
TEMPLATE_LABELS = {"iga_2023": _l("2023 IGA presentation rubric")}
SYSTEM_LABEL = _l("The system")


# -- fields and forms -------------------------------------------------------------------------------

def required() -> InputRequired:
    return InputRequired(message=_l("Fill this in."))


def _moment(label: Any) -> DateTimeLocalField:
    return DateTimeLocalField(label, format=DATETIME_FORMAT, validators=[required()])


class TimelineForm(PageForm):
    submission_opens_at = _moment(TIMELINE_LABELS["submission_opens_at"])
    submission_closes_at = _moment(TIMELINE_LABELS["submission_closes_at"])
    verification_closes_at = _moment(TIMELINE_LABELS["verification_closes_at"])
    judging_closes_at = _moment(TIMELINE_LABELS["judging_closes_at"])


class CompetitionForm(TimelineForm):
    name = StringField(_l("Name"), validators=[DataRequired(message=_l("Fill this in.")),
                                               Text(200, one_line=True)])
    year = WholeNumberField(_l("Year"), validators=[required(), NumberRange(
        min=2000, max=2100, message=_l("A year between 2000 and 2100."))])
    region = SelectField(_l("Region"), coerce=int, validate_choice=False)
    categories = TextAreaField(_l("Categories (optional, one per line)"), validators=[Text(NOTE)])


class CloneForm(TimelineForm):
    """A new competition set up like an earlier one: only its name, year and schedule are asked."""

    name = StringField(_l("Name"), validators=[DataRequired(message=_l("Fill this in.")),
                                               Text(200, one_line=True)])
    year = WholeNumberField(_l("Year"), validators=[required(), NumberRange(
        min=2000, max=2100, message=_l("A year between 2000 and 2100."))])


class CategoryForm(PageForm):
    name = StringField(_l("Category name"), validators=[DataRequired(message=_l("Fill this in.")),
                                                        Text(120, one_line=True)])


class UnitsForm(PageForm):
    # Any value goes to the service, which names a wrong one.
    units_compete = RadioField(_l("How units under an OPD (bidang, UPT, puskesmas) take part"), choices=[
        SelectChoice(UNITS_OWN, _l("As entrants of their own: a unit that enters is ranked beside the OPDs")),
        SelectChoice(UNITS_PARENT, _l("For their OPD: a unit's innovations count for the OPD above it")),
    ], validate_choice=False)


class PhaseForm(PageForm):
    comment = TextAreaField(_l("Note for the record (optional)"), validators=[Text(NOTE)])


class ConfirmForm(PageForm):
    """Only the CSRF token, for buttons that change something."""


# -- helpers ----------------------------------------------------------------------------------------

def language() -> str:
    return str(get_locale() or "id")


def _zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["DISPLAY_TIMEZONE"])


def _local(moment: datetime) -> datetime:
    """A stored moment as the wall-clock time the form shows (WIB by default)."""
    return moment.astimezone(_zone()).replace(tzinfo=None, second=0, microsecond=0)


def _aware(wall_clock: datetime) -> datetime:
    return wall_clock.replace(tzinfo=_zone())


def given(value: float | None) -> float:
    """A number the form required."""
    assert value is not None
    return value


def closed(competition: Competition, endpoint: str) -> Response | None:
    """A redirect with a message when the competition is closed and its set-up no longer changes."""
    if competition.phase != "closed":
        return None
    flash(_("The competition is closed; its set-up no longer changes."), "danger")
    return back_to(endpoint, competition)


def flash_error(error: Exception) -> None:
    for problem in problems_of(error):
        flash(problem_for_people(problem), "danger")


def round_of(competition: Competition, round_id: int) -> Round:
    round_ = db.session.get(Round, round_id)
    if round_ is None or round_.competition_id != competition.id:
        abort(404)
    return round_


def _category_of(competition: Competition, category_id: int) -> Category:
    category = db.session.get(Category, category_id)
    if category is None or category.competition_id != competition.id:
        abort(404)
    return category


def panels_url(competition: Competition) -> str | None:
    if "panels.index" in current_app.view_functions:
        return url_for("panels.index", competition_id=competition.id)
    return None


def _phase_transitions(competition: Competition) -> list[dict[str, Any]]:
    """The phase changes an organiser makes from the current phase, each with the reasons it is
    refused now (empty when it may be made)."""
    workflow = get_workflow(COMPETITION_WORKFLOW)
    actor = actor_for(current_user, competition)
    now = utcnow()
    english = language() == "en"
    return [{"trigger": move.trigger, "label": move.label_en if english else move.label_id,
             "to": workflow.label(move.dest, language()),
             "refusals": workflow.refusals(competition, move.trigger, actor, comment="-", now=now)}
            for move in workflow.definition.transitions
            if competition.phase in move.sources and "organiser" in move.roles]


def _diagram(name: str, *, current: str | None = None, direction: str = "LR", compact: bool = False,
             fit: bool = True) -> Markup:
    return workflow_svg(get_workflow(name).definition, language(), direction=direction, current=current,
                        id_prefix=f"{name}-{direction.lower()}", compact=compact, fit=fit)


def rubric_total(criteria: Sequence[Criterion]) -> float:
    return sum(c.weight for c in criteria if not c.independent)


def back_to(endpoint: str, competition: Competition, anchor: str | None = None, **values: Any) -> Response:
    return redirect(url_for(endpoint, competition_id=competition.id, _anchor=anchor, **values))


# -- a new competition ------------------------------------------------------------------------------

@bp.route("/new", methods=["GET", "POST"])
@login_required
def new_competition() -> str | Response | tuple[str, int]:
    """A new competition for one of the regions whose competitions the organiser runs; they
    become its organiser."""
    organised = organised_competitions(current_user)
    if not organised:
        abort(403)
    regions = sorted({c.region_id: c.region for c in organised}.values(), key=lambda r: r.name)
    form = CompetitionForm()
    form.region.choices = [SelectChoice(r.id, r.name) for r in regions]
    if request.method == "GET":
        form.year.data = utcnow().astimezone(_zone()).year
    problems: list[str] = []
    if form.validate_on_submit():
        region = next((r for r in regions if r.id == form.region.data), None)
        moments = {field: _aware(getattr(form, field).data) for field in TIMELINE}
        categories = [line.strip() for line in (form.categories.data or "").splitlines() if line.strip()]
        if region is None:
            form.region.errors = [_("Choose one of your regions.")]
        else:
            problems = timeline_problems(moments)
            if len({c.casefold() for c in categories}) != len(categories):
                form.categories.errors = [_("Each category once.")]
            if db.session.scalar(select(Competition.id).where(
                    Competition.region_id == region.id, Competition.name == form.name.data.strip(),
                    Competition.year == form.year.data)):
                form.name.errors = [_("%(region)s already has a competition with this name in %(year)s.",
                                      region=region.name, year=form.year.data)]
            if not problems and not form.categories.errors and not form.name.errors:
                try:
                    with atomic():
                        competition = create_competition(name=form.name.data, year=form.year.data,
                                                         region=region, categories=categories,
                                                         units_compete=UNITS_OWN, **moments)
                        grant_role(current_user, competition, "organiser")
                except AnugerahError as error:
                    flash_error(error)
                else:
                    flash(_("%(name)s has been created. Set up its rounds and awards, then open submissions.",
                            name=competition.name), "success")
                    return redirect(url_for("setup.overview", competition_id=competition.id))
    status = 422 if request.method == "POST" else 200
    earlier = cloneable_competitions(current_user)
    return render_template("competitions/setup/new.html", form=form, problems=problems,
                           timezone=_timezone_name(),
                           earlier=[(region, [c for c in earlier if c.region_id == region.id])
                                    for region in regions if any(c.region_id == region.id for c in earlier)]
                           ), status


def a_year_later(moment: datetime) -> datetime:
    """The same day and time a year later (28 February for a 29th)."""
    try:
        return moment.replace(year=moment.year + 1)
    except ValueError:
        return moment.replace(year=moment.year + 1, day=28)


def next_years_name(source: Competition) -> str:
    """"Lomba Inovasi 2026" -> "Lomba Inovasi 2027"; a name without its year is kept as it is."""
    year = str(source.year)
    if year in source.name:
        return source.name.replace(year, str(source.year + 1))
    return source.name


@bp.route("/new/from/<int:source_id>", methods=["GET", "POST"])
@login_required
def clone_competition_(source_id: int) -> str | Response | tuple[str, int]:
    """A new competition set up like an earlier one of the same region that the organiser runs:
    the name, year and schedule are asked (suggested a year on); the rest comes from the earlier
    one (see :func:`competition.competitions.cloning.clone_competition`)."""
    source = db.session.get(Competition, source_id)
    if source is None:
        abort(404)
    if not can_clone(current_user, source):
        abort(403)
    if request.method == "GET":
        form = CloneForm(formdata=None, data={
            "name": next_years_name(source), "year": source.year + 1,
            **{field: a_year_later(_local(getattr(source, field))) for field in TIMELINE}})
    else:
        form = CloneForm()
    problems: list[str] = []
    if form.validate_on_submit():
        moments = {field: _aware(getattr(form, field).data) for field in TIMELINE}
        problems = timeline_problems(moments)
        if not problems:
            try:
                competition = clone_competition(source, current_user, name=form.name.data,
                                                year=form.year.data, **moments)
            except AnugerahError as error:
                problems = place_problems(form, problems_of(error))
            else:
                flash(_("%(name)s has been set up like %(source)s. Check its rounds, awards and panels, "
                        "then open submissions.", name=competition.name, source=source.name), "success")
                return redirect(url_for("setup.overview", competition_id=competition.id))
    status = 422 if request.method == "POST" else 200
    return render_template("competitions/setup/clone.html", source=source, form=form, problems=problems,
                           summary=clone_summary(source), timezone=_timezone_name(),
                           tie_break_labels=TIE_BREAK_LABELS, no_score_label=NO_SCORE_LABEL,
                           units=units_rule(source)), status


def _timezone_name() -> str:
    from competition.documents.formatting import ZONE_NAMES

    zone = current_app.config["DISPLAY_TIMEZONE"]
    return ZONE_NAMES.get(zone, zone)


# -- the overview -----------------------------------------------------------------------------------

@bp.get("/<int:competition_id>/setup")
@login_required
def overview(competition_id: int) -> str:
    competition = organised_competition(competition_id)
    categories = db.session.execute(
        select(Category, func.count(Entry.id)).outerjoin(Entry, Entry.category_id == Category.id)
        .where(Category.competition_id == competition.id).group_by(Category.id)
        .order_by(Category.name)).all()
    rounds = db.session.scalars(select(Round).where(Round.competition_id == competition.id)
                                .options(selectinload(Round.criteria)).order_by(Round.position)).all()
    awards = db.session.scalars(select(Award).where(Award.competition_id == competition.id)
                                .options(selectinload(Award.category)).order_by(Award.position)).all()
    phases = get_workflow(COMPETITION_WORKFLOW).definition.state_names
    return render_template(
        "competitions/setup/overview.html", competition=competition,
        transitions=_phase_transitions(competition),
        categories=categories, rounds=rounds, awards=awards, rubric_total=rubric_total,
        timeline=[(field, TIMELINE_LABELS[field], getattr(competition, field)) for field in TIMELINE],
        category_form=CategoryForm(formdata=None), form=ConfirmForm(), timezone=_timezone_name(),
        units_rule=units_rule(competition),
        units_form=None if competition.phase in UNITS_FIXED_PHASES else UnitsForm(
            formdata=None, data={"units_compete": competition.units_compete}),
        can_change_categories=competition.phase in ("setup", "open"),
        timeline_editable=phases.index(competition.phase) <= phases.index("judging"),
        phase_diagram=_diagram(COMPETITION_WORKFLOW, current=competition.phase, compact=True),
        phases=[(p, get_workflow(COMPETITION_WORKFLOW).label(p, language())) for p in COMPETITION_PHASES],
        round_status=ROUND_STATUS_LABELS, aggregation_labels=AGGREGATION_LABELS,
        advancement_labels=ADVANCEMENT_LABELS, subject_labels=SUBJECT_LABELS,
        tie_break_labels=TIE_BREAK_LABELS,
        default_award=DEFAULT_AWARD_NAME, no_score_label=NO_SCORE_LABEL, panels_url=panels_url(competition))


# -- phase changes ----------------------------------------------------------------------------------

@bp.route("/<int:competition_id>/setup/phase/<trigger>", methods=["GET", "POST"])
@login_required
def phase(competition_id: int, trigger: str) -> str | Response:
    """What a phase change does, and making it."""
    competition = organised_competition(competition_id)
    transition = next((move for move in _phase_transitions(competition) if move["trigger"] == trigger), None)
    if transition is None:
        if trigger not in get_workflow(COMPETITION_WORKFLOW).triggers:
            abort(404)
        flash(_("This step cannot be taken from the phase '%(phase)s'.",
                phase=get_workflow(COMPETITION_WORKFLOW).label(competition.phase, language())), "danger")
        return back_to("setup.overview", competition)
    form = PhaseForm()
    if form.validate_on_submit():
        try:
            change_competition_phase(competition, trigger, current_user, comment=form.comment.data)
        except (AnugerahError, WorkflowError) as error:
            flash_error(error)
            return back_to("setup.overview", competition, anchor="phase")
        flash(_("%(name)s is now in the phase '%(phase)s'.", name=competition.name,
                phase=get_workflow(COMPETITION_WORKFLOW).label(competition.phase, language())), "success")
        return back_to("setup.overview", competition)
    return render_template("competitions/setup/phase.html", competition=competition, transition=transition,
                           form=form,
                           consequence=PHASE_CONSEQUENCES.get(trigger, ""),
                           warnings=phase_warnings(competition, trigger, locale=language(),
                                                   timezone=current_app.config["DISPLAY_TIMEZONE"]),
                           current=get_workflow(COMPETITION_WORKFLOW).label(competition.phase, language()))


# -- timeline ---------------------------------------------------------------------------------------

@bp.route("/<int:competition_id>/setup/timeline", methods=["GET", "POST"])
@login_required
def timeline(competition_id: int) -> str | Response | tuple[str, int]:
    """The four moments of the timeline, in WIB; those whose phase is over are shown, not asked."""
    competition = organised_competition(competition_id)
    phases = get_workflow(COMPETITION_WORKFLOW).definition.state_names
    current = phases.index(competition.phase)
    locked = {field for field in TIMELINE if current > phases.index(TIMELINE_CHANGEABLE_UNTIL[field])}
    form = TimelineForm(data={field: _local(getattr(competition, field)) for field in TIMELINE})
    for field in locked:
        form[field].validators = [Optional()]
    problems: list[str] = []
    if locked == set(TIMELINE) and request.method == "POST":
        abort(400)
    if form.validate_on_submit():
        moments = {field: getattr(competition, field) if field in locked else _aware(form[field].data)
                   for field in TIMELINE}
        try:
            update_timeline(competition, current_user, **moments)
        except AnugerahError as error:
            problems = getattr(error, "problems", None) or [str(error)]
        else:
            flash(_("The schedule has been saved."), "success")
            return back_to("setup.overview", competition, anchor="schedule")
    status = 422 if request.method == "POST" else 200
    return render_template("competitions/setup/timeline.html", competition=competition, form=form,
                           locked=locked,
                           problems=problems, timezone=_timezone_name(), labels=TIMELINE_LABELS,
                           fields=TIMELINE), status


# -- categories -------------------------------------------------------------------------------------

@bp.post("/<int:competition_id>/setup/categories")
@login_required
def add_category_(competition_id: int) -> Response:
    competition = organised_competition(competition_id)
    form = CategoryForm()
    if not form.validate_on_submit():
        flash(_("Give the category a name."), "danger")
    else:
        try:
            category = add_category(competition, current_user, form.name.data)
        except AnugerahError as error:
            flash_error(error)
        else:
            flash(_("Category '%(name)s' has been added.", name=category.name), "success")
    return back_to("setup.overview", competition, anchor="categories")


@bp.post("/<int:competition_id>/setup/categories/<int:category_id>/rename")
@login_required
def rename_category_(competition_id: int, category_id: int) -> Response:
    competition = organised_competition(competition_id)
    category = _category_of(competition, category_id)
    form = CategoryForm()
    if not form.validate_on_submit():
        flash(_("Give the category a name."), "danger")
    else:
        old = category.name
        try:
            rename_category(category, current_user, form.name.data)
        except AnugerahError as error:
            flash_error(error)
        else:
            flash(_("'%(old)s' is now called '%(new)s'.", old=old, new=category.name), "success")
    return back_to("setup.overview", competition, anchor="categories")


@bp.post("/<int:competition_id>/setup/categories/<int:category_id>/remove")
@login_required
def remove_category_(competition_id: int, category_id: int) -> Response:
    competition = organised_competition(competition_id)
    category = _category_of(competition, category_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    name = category.name
    try:
        remove_category(category, current_user)
    except AnugerahError as error:
        flash_error(error)
    else:
        flash(_("Category '%(name)s' has been removed.", name=name), "success")
    return back_to("setup.overview", competition, anchor="categories")


# -- units under an OPD -----------------------------------------------------------------------------

@bp.post("/<int:competition_id>/setup/units")
@login_required
def units_(competition_id: int) -> Response:
    """Whether units under an OPD compete as entrants of their own or for their OPD."""
    competition = organised_competition(competition_id)
    form = UnitsForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        set_units_compete(competition, current_user, form.units_compete.data or "")
    except AnugerahError as error:
        flash_error(error)
    else:
        flash(_("Saved: %(rule)s", rule=units_rule(competition)), "success")
    return back_to("setup.overview", competition, anchor="units")


# -- the workflows ----------------------------------------------------------------------------------

@bp.get("/<int:competition_id>/setup/workflow")
@login_required
def workflow(competition_id: int) -> str:
    """Both workflows drawn, with a table of every transition: who, in which phase, and what else
    it needs."""
    competition = organised_competition(competition_id)
    english = language() == "en"
    phase_label = get_workflow(COMPETITION_WORKFLOW).label
    tables = {}
    for name in (COMPETITION_WORKFLOW, ENTRY_WORKFLOW):
        flow = get_workflow(name)
        tables[name] = {
            "title": flow.definition.label_en if english else flow.definition.label_id,
            "rows": [{"label": move.label_en if english else move.label_id,
                      "sources": [flow.label(s, language()) for s in move.sources],
                      "dest": flow.label(move.dest, language()),
                      "roles": [str(ROLE_LABELS.get(r, SYSTEM_LABEL if r == "system" else r))
                                for r in sorted(move.roles)],
                      "phases": [phase_label(p, language()) for p in COMPETITION_PHASES
                                 if p in (move.phases or ())],
                      "comment": move.comment_required, "guards": len(move.guards)}
                     for move in flow.definition.transitions],
            "wide": _diagram(name, current=competition.phase if name == COMPETITION_WORKFLOW else None),
            "narrow": _diagram(name, current=competition.phase if name == COMPETITION_WORKFLOW else None,
                               direction="TB"),
        }
    return render_template("competitions/setup/workflow.html", competition=competition, tables=tables)


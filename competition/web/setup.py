"""The organiser's set-up pages for a competition: creating one, its phase and timeline,
categories, judging rounds with their rubric, awards, the result rules (predikat bands, the
tie-break chain, disagreement and one award per OPD) and the workflow diagrams.

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
from flask_wtf import FlaskForm
from markupsafe import Markup
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    FloatField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import TextInput

from competition.errors import AnugerahError
from competition.extensions import db
from competition.models import Award, Category, Competition, Criterion, Entry, Round
from competition.models.competition import COMPETITION_PHASES
from competition.models.judging import ADVANCEMENT_RULES, AGGREGATIONS
from competition.models.results import AWARD_POLICIES, AWARD_SUBJECTS, DEFAULT_AWARD_NAME
from competition.models.types import utcnow
from competition.policy import actor_for, organised_competitions
from competition.ranking.bands import NO_SCORE_LABEL
from competition.ranking.tiebreaks import TIE_BREAK_RULES
from competition.services.competitions import (
    COMPETITION_WORKFLOW,
    TIMELINE,
    TIMELINE_CHANGEABLE_UNTIL,
    add_category,
    change_competition_phase,
    create_competition,
    remove_category,
    rename_category,
    timeline_problems,
    update_timeline,
)
from competition.services.judging import (
    RUBRIC_TEMPLATES,
    add_criterion,
    add_round,
    apply_rubric_template,
    remove_criterion,
    update_round,
)
from competition.services.results import add_award, remove_award, update_result_rules
from competition.services.users import grant_role
from competition.unit_of_work import atomic
from competition.web.diagram import workflow_svg
from competition.web.manage import organised_competition
from competition.web.people import ROLE_LABELS
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
    "top_marks": (_l("Top marks"), _l("More scores at the top of a criterion's scale.")),
    "earlier_submission": (_l("Earlier submission"), _l("The innovation submitted first.")),
    "organiser_decision": (_l("The organiser's decision"),
                           _l("The order the organiser recorded, with a reason, for those still level.")),
}
TEMPLATE_LABELS = {"iga_2023": _l("2023 IGA presentation rubric")}
SYSTEM_LABEL = _l("The system")


# -- fields and forms -------------------------------------------------------------------------------

class NumberField(FloatField):
    """A decimal number typed the Indonesian way (80,5) or the English way (80.5): a text box, as
    browsers' number boxes refuse one or the other."""

    widget = TextInput()

    def process_formdata(self, valuelist: list[Any]) -> None:
        if valuelist and isinstance(valuelist[0], str):
            valuelist = [valuelist[0].strip().replace(",", ".")]
            if not valuelist[0]:
                self.data = None
                return
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError(_("Write a number, such as 80 or 80,5.")) from None

    def _value(self) -> str:
        if self.raw_data:
            return str(self.raw_data[0])
        return "" if self.data is None else f"{self.data:g}"


def _required() -> InputRequired:
    return InputRequired(message=_l("Fill this in."))


def _moment(label: Any) -> DateTimeLocalField:
    return DateTimeLocalField(label, format=DATETIME_FORMAT, validators=[_required()])


class TimelineForm(FlaskForm):
    submission_opens_at = _moment(TIMELINE_LABELS["submission_opens_at"])
    submission_closes_at = _moment(TIMELINE_LABELS["submission_closes_at"])
    verification_closes_at = _moment(TIMELINE_LABELS["verification_closes_at"])
    judging_closes_at = _moment(TIMELINE_LABELS["judging_closes_at"])


class CompetitionForm(TimelineForm):
    name = StringField(_l("Name"), validators=[DataRequired(message=_l("Fill this in.")), Length(max=200)])
    year = IntegerField(_l("Year"), validators=[_required(), NumberRange(
        min=2000, max=2100, message=_l("A year between 2000 and 2100."))])
    region = SelectField(_l("Region"), coerce=int, validate_choice=False)
    categories = TextAreaField(_l("Categories (optional, one per line)"))


class CategoryForm(FlaskForm):
    name = StringField(_l("Category name"), validators=[DataRequired(message=_l("Fill this in.")),
                                                        Length(max=120)])


class PhaseForm(FlaskForm):
    comment = TextAreaField(_l("Note for the record (optional)"), validators=[Length(max=2000)])


class RoundForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(message=_l("Fill this in.")), Length(max=120)])
    template = BooleanField(_l("Fill the rubric from the 2023 IGA presentation rubric"), default=True)
    aggregation = RadioField(_l("Combining the judges' scores"), default="mean",
                             choices=[SelectChoice(a, AGGREGATION_LABELS[a]) for a in AGGREGATIONS])
    normalise = BooleanField(_l("Normalise each judge's scores (for judges who score harder or softer "
                                "than others)"))
    blind = BooleanField(_l("Blind: judges do not see which OPD an innovation comes from"))
    advancement = SelectField(_l("Who moves on to the next round"), default="all",
                              choices=[SelectChoice(a, ADVANCEMENT_LABELS[a]) for a in ADVANCEMENT_RULES])
    advancement_count = IntegerField(_l("N, for a top N"), validators=[Optional(), NumberRange(
        min=1, message=_l("At least 1."))])
    advancement_min_score = NumberField(_l("Minimum score (0–100)"), validators=[Optional(), NumberRange(
        min=0, max=100, message=_l("Between 0 and 100."))])
    weight = NumberField(_l("Weight in the final score"), default=1.0, validators=[_required(), NumberRange(
        min=0.01, message=_l("Above zero."))])
    judges_per_entry = IntegerField(_l("Judges per innovation"), default=3, validators=[
        _required(), NumberRange(min=1, message=_l("At least 1."))])
    judge_cap = IntegerField(_l("Most innovations per judge (optional)"), validators=[Optional(), NumberRange(
        min=1, message=_l("At least 1."))])

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if self.advancement.data in ("top_n", "top_n_per_category") and not self.advancement_count.data:
            self.advancement_count.errors = [*self.advancement_count.errors, _("Give N for a top N.")]
            valid = False
        if self.advancement.data == "min_score" and self.advancement_min_score.data is None:
            self.advancement_min_score.errors = [*self.advancement_min_score.errors,
                                                 _("Give the minimum score.")]
            valid = False
        return valid


class CriterionForm(FlaskForm):
    name = StringField(_l("Criterion"), validators=[DataRequired(message=_l("Fill this in.")),
                                                    Length(max=160)])
    weight = NumberField(_l("Weight"), validators=[_required(), NumberRange(
        min=0, message=_l("Not below zero."))])
    guidance = TextAreaField(_l("Guidance for judges"), validators=[Length(max=2000)])
    scale = RadioField(_l("Scale"), default="numeric", choices=[
        SelectChoice("numeric", _l("Numbers from a minimum to a maximum")),
        SelectChoice("levels", _l("Labelled levels"))])
    min_value = NumberField(_l("Minimum"), default=0.0)
    max_value = NumberField(_l("Maximum"), default=100.0)
    step = NumberField(_l("Step (optional)"), default=1.0)
    levels = TextAreaField(_l("Levels, one per line as value=label"))
    independent = BooleanField(_l("Independent: recorded, but weighs nothing in the score"))

    def parsed_levels(self) -> list[tuple[float, str]] | None:
        """The levels as (value, label), or None after noting each bad line on the field."""
        levels: list[tuple[float, str]] = []
        problems: list[str] = []
        for number, line in enumerate((self.levels.data or "").splitlines(), start=1):
            if not line.strip():
                continue
            value, separator, label = line.partition("=")
            try:
                levels.append((float(value.strip().replace(",", ".")), label.strip()))
                if not separator or not label.strip():
                    raise ValueError
            except ValueError:
                problems.append(_("Line %(number)s: write value=label, for example 3=Peraturan Daerah.",
                                  number=number))
        if problems:
            self.levels.errors = [*self.levels.errors, *problems]
            return None
        if len(levels) < 2:
            self.levels.errors = [*self.levels.errors, _("Give at least two levels.")]
            return None
        return levels

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if self.scale.data == "numeric":
            for field in (self.min_value, self.max_value):
                if field.data is None and not field.errors:
                    field.errors = [*field.errors, _("Fill this in.")]
                    valid = False
        return valid


class AwardForm(FlaskForm):
    name = StringField(_l("Name of the award"), validators=[DataRequired(message=_l("Fill this in.")),
                                                             Length(max=160)])
    subject = SelectField(_l("Who is ranked"), default="organisation",
                          choices=[SelectChoice(s, SUBJECT_LABELS[s]) for s in AWARD_SUBJECTS])
    category = SelectField(_l("Category"), coerce=int, validate_choice=False, default=0)
    positions = IntegerField(_l("Positions (winners)"), default=5, validators=[_required(), NumberRange(
        min=1, max=50, message=_l("Between 1 and 50."))])
    policy = SelectField(_l("How an OPD's or region's innovations add up"), default="index",
                         choices=[SelectChoice(p, POLICY_LABELS[p]) for p in AWARD_POLICIES])
    index_floor = IntegerField(_l("k: divide by at least this many innovations"), default=3,
                               validators=[_required(), NumberRange(min=1, message=_l("At least 1."))])
    count_bonus = NumberField(_l("Bonus points per innovation"), default=1.0,
                              validators=[_required(), NumberRange(min=0, message=_l("Not below zero."))])
    count_bonus_cap = IntegerField(_l("Bonus for at most this many innovations"), default=5, validators=[
        _required(), NumberRange(min=0, message=_l("Not below zero."))])
    citation = TextAreaField(_l("Citation on the certificate"), validators=[Length(max=1000)])


class ScoringRulesForm(FlaskForm):
    disagreement_threshold = NumberField(
        _l("Flag judges' disagreement above (points)"),
        validators=[_required(), NumberRange(min=0, max=100, message=_l("Between 0 and 100."))])
    one_award_per_organisation = BooleanField(_l("One award per OPD: an OPD holding a position is passed "
                                                 "over in later awards"))


class ConfirmForm(FlaskForm):
    """Only the CSRF token, for buttons that change something."""


# -- helpers ----------------------------------------------------------------------------------------

def _language() -> str:
    return str(get_locale() or "id")


def _zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["DISPLAY_TIMEZONE"])


def _local(moment: datetime) -> datetime:
    """A stored moment as the wall-clock time the form shows (WIB by default)."""
    return moment.astimezone(_zone()).replace(tzinfo=None, second=0, microsecond=0)


def _aware(wall_clock: datetime) -> datetime:
    return wall_clock.replace(tzinfo=_zone())


def _given(value: float | None) -> float:
    """A number the form required."""
    assert value is not None
    return value


def _closed(competition: Competition, endpoint: str) -> Response | None:
    """A redirect with a message when the competition is closed and its set-up no longer changes."""
    if competition.phase != "closed":
        return None
    flash(_("The competition is closed; its set-up no longer changes."), "danger")
    return _back_to(endpoint, competition)


def _flash_error(error: Exception) -> None:
    for problem in getattr(error, "problems", None) or getattr(error, "reasons", None) or [str(error)]:
        flash(problem, "danger")


def _round_of(competition: Competition, round_id: int) -> Round:
    round_ = db.session.get(Round, round_id)
    if round_ is None or round_.competition_id != competition.id:
        abort(404)
    return round_


def _category_of(competition: Competition, category_id: int) -> Category:
    category = db.session.get(Category, category_id)
    if category is None or category.competition_id != competition.id:
        abort(404)
    return category


def _panels_url(competition: Competition) -> str | None:
    if "panels.index" in current_app.view_functions:
        return url_for("panels.index", competition_id=competition.id)
    return None


def _phase_transitions(competition: Competition) -> list[dict[str, Any]]:
    """The phase changes an organiser makes from the current phase, each with the reasons it is
    refused now (empty when it may be made)."""
    workflow = get_workflow(COMPETITION_WORKFLOW)
    actor = actor_for(current_user, competition)
    now = utcnow()
    english = _language() == "en"
    return [{"trigger": move.trigger, "label": move.label_en if english else move.label_id,
             "to": workflow.label(move.dest, _language()),
             "refusals": workflow.refusals(competition, move.trigger, actor, comment="-", now=now)}
            for move in workflow.definition.transitions
            if competition.phase in move.sources and "organiser" in move.roles]


def _diagram(name: str, *, current: str | None = None, direction: str = "LR", compact: bool = False,
             fit: bool = True) -> Markup:
    return workflow_svg(get_workflow(name).definition, _language(), direction=direction, current=current,
                        id_prefix=f"{name}-{direction.lower()}", compact=compact, fit=fit)


def _rubric_total(criteria: Sequence[Criterion]) -> float:
    return sum(c.weight for c in criteria if not c.independent)


def _back_to(endpoint: str, competition: Competition, anchor: str | None = None, **values: Any) -> Response:
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
                                                         region=region, categories=categories, **moments)
                        grant_role(current_user, competition, "organiser")
                except AnugerahError as error:
                    _flash_error(error)
                else:
                    flash(_("%(name)s has been created. Set up its rounds and awards, then open submissions.",
                            name=competition.name), "success")
                    return redirect(url_for("setup.overview", competition_id=competition.id))
    status = 422 if request.method == "POST" else 200
    return render_template("setup/new.html", form=form, problems=problems,
                           timezone=_timezone_name()), status


def _timezone_name() -> str:
    from competition.web.formatting import ZONE_NAMES

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
        "setup/overview.html", competition=competition, transitions=_phase_transitions(competition),
        categories=categories, rounds=rounds, awards=awards, rubric_total=_rubric_total,
        timeline=[(field, TIMELINE_LABELS[field], getattr(competition, field)) for field in TIMELINE],
        category_form=CategoryForm(formdata=None), form=ConfirmForm(), timezone=_timezone_name(),
        can_change_categories=competition.phase in ("setup", "open"),
        timeline_editable=phases.index(competition.phase) <= phases.index("judging"),
        phase_diagram=_diagram(COMPETITION_WORKFLOW, current=competition.phase, compact=True),
        phases=[(p, get_workflow(COMPETITION_WORKFLOW).label(p, _language())) for p in COMPETITION_PHASES],
        round_status=ROUND_STATUS_LABELS, aggregation_labels=AGGREGATION_LABELS,
        advancement_labels=ADVANCEMENT_LABELS, subject_labels=SUBJECT_LABELS,
        tie_break_labels=TIE_BREAK_LABELS,
        default_award=DEFAULT_AWARD_NAME, no_score_label=NO_SCORE_LABEL, panels_url=_panels_url(competition))


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
                phase=get_workflow(COMPETITION_WORKFLOW).label(competition.phase, _language())), "danger")
        return _back_to("setup.overview", competition)
    form = PhaseForm()
    if form.validate_on_submit():
        try:
            change_competition_phase(competition, trigger, current_user, comment=form.comment.data)
        except (AnugerahError, WorkflowError) as error:
            _flash_error(error)
            return _back_to("setup.overview", competition, anchor="phase")
        flash(_("%(name)s is now in the phase '%(phase)s'.", name=competition.name,
                phase=get_workflow(COMPETITION_WORKFLOW).label(competition.phase, _language())), "success")
        return _back_to("setup.overview", competition)
    return render_template("setup/phase.html", competition=competition, transition=transition, form=form,
                           consequence=PHASE_CONSEQUENCES.get(trigger, ""),
                           current=get_workflow(COMPETITION_WORKFLOW).label(competition.phase, _language()))


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
            return _back_to("setup.overview", competition, anchor="schedule")
    status = 422 if request.method == "POST" else 200
    return render_template("setup/timeline.html", competition=competition, form=form, locked=locked,
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
            _flash_error(error)
        else:
            flash(_("Category '%(name)s' has been added.", name=category.name), "success")
    return _back_to("setup.overview", competition, anchor="categories")


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
            _flash_error(error)
        else:
            flash(_("'%(old)s' is now called '%(new)s'.", old=old, new=category.name), "success")
    return _back_to("setup.overview", competition, anchor="categories")


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
        _flash_error(error)
    else:
        flash(_("Category '%(name)s' has been removed.", name=name), "success")
    return _back_to("setup.overview", competition, anchor="categories")


# -- rounds and rubrics -----------------------------------------------------------------------------

@bp.route("/<int:competition_id>/setup/rounds/new", methods=["GET", "POST"])
@login_required
def new_round(competition_id: int) -> str | Response | tuple[str, int]:
    competition = organised_competition(competition_id)
    form = RoundForm()
    if form.validate_on_submit():
        try:
            round_ = add_round(
                competition, current_user, name=form.name.data, blind=form.blind.data,
                aggregation=form.aggregation.data, normalise=form.normalise.data,
                advancement=form.advancement.data,
                advancement_count=(form.advancement_count.data
                                   if form.advancement.data in ("top_n", "top_n_per_category") else None),
                advancement_min_score=(form.advancement_min_score.data
                                       if form.advancement.data == "min_score" else None),
                weight=_given(form.weight.data), judges_per_entry=form.judges_per_entry.data,
                judge_cap=form.judge_cap.data)
            if form.template.data:
                apply_rubric_template(round_, current_user, "iga_2023")
        except AnugerahError as error:
            _flash_error(error)
        else:
            flash(_("Round '%(name)s' has been added.", name=round_.name), "success")
            return redirect(url_for("setup.round_", competition_id=competition.id, round_id=round_.id))
    status = 422 if request.method == "POST" else 200
    return render_template("setup/round_new.html", competition=competition, form=form,
                           position=len(competition.rounds) + 1, template_summary=_template_summary()), status


@bp.route("/<int:competition_id>/setup/rounds/<int:round_id>/edit", methods=["GET", "POST"])
@login_required
def edit_round(competition_id: int, round_id: int) -> str | Response | tuple[str, int]:
    """Change a round's settings while it is being set up."""
    competition = organised_competition(competition_id)
    round_ = _round_of(competition, round_id)
    form = RoundForm(obj=round_) if request.method == "GET" else RoundForm()
    if form.validate_on_submit():
        try:
            update_round(
                round_, current_user, name=form.name.data, blind=form.blind.data,
                aggregation=form.aggregation.data, normalise=form.normalise.data,
                advancement=form.advancement.data, advancement_count=form.advancement_count.data,
                advancement_min_score=form.advancement_min_score.data, weight=_given(form.weight.data),
                judges_per_entry=form.judges_per_entry.data, judge_cap=form.judge_cap.data)
        except AnugerahError as error:
            _flash_error(error)
        else:
            flash(_("Round '%(name)s' has been saved.", name=round_.name), "success")
            return redirect(url_for("setup.round_", competition_id=competition.id, round_id=round_.id))
    status = 422 if request.method == "POST" else 200
    return render_template("setup/round_new.html", competition=competition, form=form, round=round_,
                           position=round_.position, template_summary=_template_summary()), status


def _template_summary(template: str = "iga_2023") -> str:
    """"Kebaharuan 30, Kemanfaatan 25, ..." """
    return ", ".join(f"{spec['name']} {spec['weight']}" for spec in RUBRIC_TEMPLATES[template])


def _round_page(competition: Competition, round_: Round, criterion_form: CriterionForm,
                status: int = 200) -> tuple[str, int]:
    criteria = list(round_.criteria)
    total = _rubric_total(criteria)
    return render_template(
        "setup/round.html", competition=competition, round=round_, criteria=criteria, total=total,
        criterion_form=criterion_form, form=ConfirmForm(), round_status=ROUND_STATUS_LABELS,
        aggregation_labels=AGGREGATION_LABELS, advancement_labels=ADVANCEMENT_LABELS,
        templates={name: TEMPLATE_LABELS.get(name, name) for name in RUBRIC_TEMPLATES},
        template_summary=_template_summary(), panels_url=_panels_url(competition)), status


@bp.get("/<int:competition_id>/setup/rounds/<int:round_id>")
@login_required
def round_(competition_id: int, round_id: int) -> tuple[str, int]:
    competition = organised_competition(competition_id)
    return _round_page(competition, _round_of(competition, round_id), CriterionForm(formdata=None))


@bp.post("/<int:competition_id>/setup/rounds/<int:round_id>/template")
@login_required
def apply_template(competition_id: int, round_id: int) -> Response:
    competition = organised_competition(competition_id)
    round_ = _round_of(competition, round_id)
    template = request.form.get("template", "iga_2023")
    if not ConfirmForm().validate_on_submit() or template not in RUBRIC_TEMPLATES:
        abort(400)
    try:
        criteria = apply_rubric_template(round_, current_user, template)
    except AnugerahError as error:
        _flash_error(error)
    else:
        flash(_("The rubric has %(count)s criteria from the template.", count=len(criteria)), "success")
    return _back_to("setup.round_", competition, anchor="rubric", round_id=round_.id)


@bp.post("/<int:competition_id>/setup/rounds/<int:round_id>/criteria")
@login_required
def add_criterion_(competition_id: int, round_id: int) -> Response | tuple[str, int]:
    competition = organised_competition(competition_id)
    round_ = _round_of(competition, round_id)
    form = CriterionForm()
    valid = form.validate_on_submit()
    levels = form.parsed_levels() if form.scale.data == "levels" else []
    if valid and levels is not None:
        try:
            criterion = add_criterion(
                round_, current_user, name=form.name.data, weight=_given(form.weight.data),
                guidance=form.guidance.data or "", scale=form.scale.data,
                min_value=form.min_value.data if form.min_value.data is not None else 0,
                max_value=form.max_value.data if form.max_value.data is not None else 100,
                step=form.step.data, independent=form.independent.data, levels=levels)
        except AnugerahError as error:
            _flash_error(error)
        else:
            flash(_("Criterion '%(name)s' has been added.", name=criterion.name), "success")
            return _back_to("setup.round_", competition, anchor="rubric", round_id=round_.id)
    return _round_page(competition, round_, form, status=422)


@bp.post("/<int:competition_id>/setup/rounds/<int:round_id>/criteria/<int:criterion_id>/remove")
@login_required
def remove_criterion_(competition_id: int, round_id: int, criterion_id: int) -> Response:
    competition = organised_competition(competition_id)
    round_ = _round_of(competition, round_id)
    criterion = db.session.get(Criterion, criterion_id)
    if criterion is None or criterion.round_id != round_.id:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    name = criterion.name
    try:
        remove_criterion(criterion, current_user)
    except AnugerahError as error:
        _flash_error(error)
    else:
        flash(_("Criterion '%(name)s' has been removed.", name=name), "success")
    return _back_to("setup.round_", competition, anchor="rubric", round_id=round_.id)


# -- awards -----------------------------------------------------------------------------------------

@bp.route("/<int:competition_id>/setup/awards", methods=["GET", "POST"])
@login_required
def awards(competition_id: int) -> str | Response | tuple[str, int]:
    competition = organised_competition(competition_id)
    form = AwardForm()
    form.category.choices = [SelectChoice(0, _("Every category")),
                             *(SelectChoice(c.id, c.name) for c in competition.categories)]
    if request.method == "POST" and (refused := _closed(competition, "setup.awards")) is not None:
        return refused
    if form.validate_on_submit():
        category = next((c for c in competition.categories if c.id == form.category.data), None)
        try:
            award = add_award(competition, current_user, name=form.name.data, subject=form.subject.data,
                              category=category, positions=form.positions.data, policy=form.policy.data,
                              index_floor=form.index_floor.data, count_bonus=_given(form.count_bonus.data),
                              count_bonus_cap=form.count_bonus_cap.data, citation=form.citation.data or "")
        except AnugerahError as error:
            _flash_error(error)
        else:
            flash(_("Award '%(name)s' has been added.", name=award.name), "success")
            return _back_to("setup.awards", competition)
    listed = db.session.scalars(select(Award).where(Award.competition_id == competition.id)
                                .options(selectinload(Award.category)).order_by(Award.position)).all()
    status = 422 if request.method == "POST" else 200
    return render_template("setup/awards.html", competition=competition, awards=listed, form=form,
                           confirm=ConfirmForm(), subject_labels=SUBJECT_LABELS, policy_labels=POLICY_LABELS,
                           default_award=DEFAULT_AWARD_NAME, editable=competition.phase != "closed",
                           can_remove=competition.phase not in ("results", "closed")), status


@bp.post("/<int:competition_id>/setup/awards/<int:award_id>/remove")
@login_required
def remove_award_(competition_id: int, award_id: int) -> Response:
    competition = organised_competition(competition_id)
    award = db.session.get(Award, award_id)
    if award is None or award.competition_id != competition.id:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    name = award.name
    try:
        remove_award(award, current_user)
    except AnugerahError as error:
        _flash_error(error)
    else:
        flash(_("Award '%(name)s' has been removed.", name=name), "success")
    return _back_to("setup.awards", competition)


# -- result rules -----------------------------------------------------------------------------------

def _rules_page(competition: Competition, *, scoring_form: ScoringRulesForm | None = None,
                band_rows: list[tuple[str, str]] | None = None, band_problems: Sequence[str] = (),
                status: int = 200) -> tuple[str, int]:
    if scoring_form is None:
        scoring_form = ScoringRulesForm(formdata=None, data={
            "disagreement_threshold": competition.disagreement_threshold,
            "one_award_per_organisation": competition.one_award_per_organisation})
    if band_rows is None:
        band_rows = [(b["label"], _decimal_text(b["minimum"])) for b in competition.bands]
    band_rows = [*band_rows, ("", ""), ("", "")]  # room for new bands
    chain = list(competition.tie_break_chain)
    return render_template(
        "setup/rules.html", competition=competition, scoring_form=scoring_form, band_rows=band_rows,
        band_problems=band_problems, chain=chain, unused=[r for r in TIE_BREAK_RULES if r not in chain],
        tie_break_labels=TIE_BREAK_LABELS, form=ConfirmForm(), no_score_label=NO_SCORE_LABEL,
        editable=competition.phase != "closed",
        band_ranges=_band_ranges(competition.bands)), status


def _decimal_text(value: float) -> str:
    text = f"{value:.2f}"
    return text.replace(".", ",") if _language() == "id" else text


def _band_ranges(bands: Sequence[dict[str, Any]]) -> list[tuple[str, float, float | None]]:
    """(label, lowest score, highest score or None for the top band), highest band first."""
    ordered = sorted(bands, key=lambda b: -b["minimum"])
    return [(b["label"], b["minimum"], None if i == 0 else round(ordered[i - 1]["minimum"] - 0.01, 2))
            for i, b in enumerate(ordered)]


@bp.get("/<int:competition_id>/setup/rules")
@login_required
def rules(competition_id: int) -> tuple[str, int]:
    return _rules_page(organised_competition(competition_id))


@bp.post("/<int:competition_id>/setup/rules/bands")
@login_required
def save_bands(competition_id: int) -> Response | tuple[str, int]:
    """The predikat bands from the rows sent (label and minimum; empty rows are left out)."""
    competition = organised_competition(competition_id)
    if (refused := _closed(competition, "setup.rules")) is not None:
        return refused
    if not ConfirmForm().validate_on_submit():
        abort(400)
    labels, minimums = request.form.getlist("band_label"), request.form.getlist("band_minimum")
    rows = list(zip(labels, minimums, strict=False))
    bands: list[tuple[str, float]] = []
    problems: list[str] = []
    for number, (label, minimum) in enumerate(rows, start=1):
        label, minimum = label.strip(), minimum.strip()
        if not label and not minimum:
            continue
        if not label:
            problems.append(_("Row %(number)s: give the band a name.", number=number))
            continue
        try:
            value = float(minimum.replace(",", "."))
        except ValueError:
            problems.append(_("Row %(number)s (%(label)s): the minimum score must be a number, such as "
                              "60,01.", number=number, label=label))
            continue
        if not 0 < value <= 100:
            problems.append(_("Row %(number)s (%(label)s): the minimum score must be above 0 and at most "
                              "100; a score of 0 is always '%(none)s'.", number=number, label=label,
                              none=NO_SCORE_LABEL))
            continue
        bands.append((label, round(value, 2)))
    if not bands and not problems:
        problems.append(_("Give at least one band."))
    names = [label.casefold() for label, _value in bands]
    for label in dict.fromkeys(label for label, _value in bands if names.count(label.casefold()) > 1):
        problems.append(_("'%(label)s' is given twice.", label=label))
    for previous, current in zip(bands, bands[1:], strict=False):
        if current[1] >= previous[1]:
            problems.append(_("'%(label)s' (%(value)s) is listed below '%(above)s' (%(minimum)s): list the "
                              "bands from the highest minimum score down, each lower than the one above.",
                              label=current[0], value=_decimal_text(current[1]), above=previous[0],
                              minimum=_decimal_text(previous[1])))
    if problems:
        return _rules_page(competition, band_rows=[(label.strip(), minimum.strip()) for label, minimum in rows
                                                   if label.strip() or minimum.strip()],
                           band_problems=problems, status=422)
    try:
        update_result_rules(competition, current_user, bands=bands)
    except AnugerahError as error:
        _flash_error(error)
    else:
        flash(_("The predikat bands have been saved."), "success")
    return _back_to("setup.rules", competition, anchor="bands")


@bp.post("/<int:competition_id>/setup/rules/chain")
@login_required
def move_tie_break(competition_id: int) -> Response:
    """One change to the tie-break chain: a rule moved up or down, left out, or put back at the
    end (the button pressed says which, as "rule:action")."""
    competition = organised_competition(competition_id)
    if (refused := _closed(competition, "setup.rules")) is not None:
        return refused
    if not ConfirmForm().validate_on_submit():
        abort(400)
    rule, _sep, action = request.form.get("move", "").partition(":")
    chain = list(competition.tie_break_chain)
    if rule not in TIE_BREAK_RULES or action not in ("up", "down", "remove", "add"):
        abort(400)
    if action == "add" and rule not in chain:
        chain.append(rule)
    elif rule in chain:
        index = chain.index(rule)
        if action == "remove":
            chain.remove(rule)
        elif action == "up" and index > 0:
            chain[index - 1], chain[index] = chain[index], chain[index - 1]
        elif action == "down" and index < len(chain) - 1:
            chain[index + 1], chain[index] = chain[index], chain[index + 1]
    try:
        update_result_rules(competition, current_user, tie_break_chain=chain)
    except AnugerahError as error:
        _flash_error(error)
    else:
        flash(_("The tie-break order has been saved."), "success")
    return _back_to("setup.rules", competition, anchor=f"rule-{rule}")


@bp.post("/<int:competition_id>/setup/rules/scoring")
@login_required
def save_scoring_rules(competition_id: int) -> Response | tuple[str, int]:
    competition = organised_competition(competition_id)
    if (refused := _closed(competition, "setup.rules")) is not None:
        return refused
    form = ScoringRulesForm()
    if not form.validate_on_submit():
        return _rules_page(competition, scoring_form=form, status=422)
    try:
        update_result_rules(competition, current_user,
                            disagreement_threshold=form.disagreement_threshold.data,
                            one_award_per_organisation=form.one_award_per_organisation.data)
    except AnugerahError as error:
        _flash_error(error)
    else:
        flash(_("The rules have been saved."), "success")
    return _back_to("setup.rules", competition, anchor="scoring")


# -- the workflows ----------------------------------------------------------------------------------

@bp.get("/<int:competition_id>/setup/workflow")
@login_required
def workflow(competition_id: int) -> str:
    """Both workflows drawn, with a table of every transition: who, in which phase, and what else
    it needs."""
    competition = organised_competition(competition_id)
    english = _language() == "en"
    phase_label = get_workflow(COMPETITION_WORKFLOW).label
    tables = {}
    for name in (COMPETITION_WORKFLOW, ENTRY_WORKFLOW):
        flow = get_workflow(name)
        tables[name] = {
            "title": flow.definition.label_en if english else flow.definition.label_id,
            "rows": [{"label": move.label_en if english else move.label_id,
                      "sources": [flow.label(s, _language()) for s in move.sources],
                      "dest": flow.label(move.dest, _language()),
                      "roles": [str(ROLE_LABELS.get(r, SYSTEM_LABEL if r == "system" else r))
                                for r in sorted(move.roles)],
                      "phases": [phase_label(p, _language()) for p in COMPETITION_PHASES
                                 if p in (move.phases or ())],
                      "comment": move.comment_required, "guards": len(move.guards)}
                     for move in flow.definition.transitions],
            "wide": _diagram(name, current=competition.phase if name == COMPETITION_WORKFLOW else None),
            "narrow": _diagram(name, current=competition.phase if name == COMPETITION_WORKFLOW else None,
                               direction="TB"),
        }
    return render_template("setup/workflow.html", competition=competition, tables=tables)


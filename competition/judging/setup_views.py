"""The organiser's set-up pages for rounds and their rubrics, on the set-up blueprint."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from werkzeug.wrappers import Response
from wtforms import (
    BooleanField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, NumberRange, Optional

from competition.competitions.manage import organised_competition
from competition.competitions.views import (
    ADVANCEMENT_LABELS,
    AGGREGATION_LABELS,
    ROUND_STATUS_LABELS,
    TEMPLATE_LABELS,
    ConfirmForm,
    back_to,
    bp,
    flash_error,
    given,
    panels_url,
    required,
    round_of,
    rubric_total,
)
from competition.documents.inputs import NOTE, decimal_problem, read_decimal
from competition.errors import AnugerahError
from competition.extensions import db
from competition.judging.models import ADVANCEMENT_RULES, AGGREGATIONS
from competition.judging.operations import (
    RUBRIC_TEMPLATES,
    add_criterion,
    add_round,
    apply_rubric_template,
    remove_criterion,
    setup_refusal,
    update_criterion,
    update_round,
)
from competition.judging.operations import (
    move_criterion as move_along_rubric,
)
from competition.models import Competition, Criterion, Round
from competition.ranking.exact import INPUT_PLACES
from competition.web.forms import (
    NumberField,
    PageForm,
    Text,
    WholeNumberField,
    field_and_message,
    place_problems,
    problems_of,
)


class RoundForm(PageForm):
    name = StringField(_l("Name"), validators=[DataRequired(message=_l("Fill this in.")),
                                               Text(120, one_line=True)])
    template = BooleanField(_l("Fill the rubric from the 2023 IGA presentation rubric"), default=True)
    aggregation = RadioField(_l("Combining the judges' scores"), default="mean",
                             choices=[SelectChoice(a, AGGREGATION_LABELS[a]) for a in AGGREGATIONS])
    normalise = BooleanField(_l("Normalise each judge's scores (for judges who score harder or softer "
                                "than others)"))
    blind = BooleanField(_l("Blind: judges do not see which OPD an innovation comes from"))
    advancement = SelectField(_l("Who moves on to the next round"), default="all",
                              choices=[SelectChoice(a, ADVANCEMENT_LABELS[a]) for a in ADVANCEMENT_RULES])
    advancement_count = WholeNumberField(_l("N, for a top N"), validators=[Optional(), NumberRange(
        min=1, message=_l("At least 1."))])
    advancement_min_score = NumberField(_l("Minimum score (0–100)"), validators=[Optional(), NumberRange(
        min=0, max=100, message=_l("Between 0 and 100."))])
    weight = NumberField(_l("Weight in the final score"), default=1.0, validators=[required(), NumberRange(
        min=0.01, message=_l("Above zero."))])
    judges_per_entry = WholeNumberField(_l("Judges per innovation"), default=3, validators=[
        required(), NumberRange(min=1, max=99, message=_l("Between 1 and 99."))])
    judge_cap = WholeNumberField(_l("Most innovations per judge (optional)"), validators=[
        Optional(), NumberRange(min=1, message=_l("At least 1."))])

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


class CriterionForm(PageForm):
    name = StringField(_l("Criterion"), validators=[DataRequired(message=_l("Fill this in.")),
                                                    Text(160, one_line=True)])
    weight = NumberField(_l("Weight"), validators=[required(), NumberRange(
        min=0, message=_l("Not below zero."))])
    guidance = TextAreaField(_l("Guidance for judges"), validators=[Text(NOTE)])
    scale = RadioField(_l("Scale"), default="numeric", choices=[
        SelectChoice("numeric", _l("Numbers from a minimum to a maximum")),
        SelectChoice("levels", _l("Labelled levels"))])
    min_value = NumberField(_l("Minimum"), default=0.0)
    max_value = NumberField(_l("Maximum"), default=100.0)
    step = NumberField(_l("Step (optional)"), default=1.0)
    levels = TextAreaField(_l("Levels, one per line as value=label"), validators=[Text(NOTE)])
    independent = BooleanField(_l("Independent: recorded, but weighs nothing in the score"))

    def parsed_levels(self) -> list[tuple[float, str]] | None:
        """The levels as (value, label), or None after noting each bad line on the field."""
        levels: list[tuple[float, str]] = []
        problems: list[str] = []
        for number, line in enumerate((self.levels.data or "").splitlines(), start=1):
            if not line.strip():
                continue
            text, separator, label = line.partition("=")
            value = read_decimal(text)
            if value is None or not separator or not label.strip():
                problems.append(_("Line %(number)s: write value=label, for example 3=Peraturan Daerah.",
                                  number=number))
            elif problem := decimal_problem(_("Line %(number)s", number=number), value, places=INPUT_PLACES):
                problems.append(problem)
            else:
                levels.append((value, label.strip()))
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
                weight=given(form.weight.data), judges_per_entry=form.judges_per_entry.data,
                judge_cap=form.judge_cap.data)
            if form.template.data:
                apply_rubric_template(round_, current_user, "iga_2023")
        except AnugerahError as error:
            flash_error(error)
        else:
            flash(_("Round '%(name)s' has been added.", name=round_.name), "success")
            return redirect(url_for("setup.round_", competition_id=competition.id, round_id=round_.id))
    status = 422 if request.method == "POST" else 200
    return render_template("competitions/setup/round_new.html", competition=competition, form=form,
                           position=len(competition.rounds) + 1, template_summary=_template_summary()), status


@bp.route("/<int:competition_id>/setup/rounds/<int:round_id>/edit", methods=["GET", "POST"])
@login_required
def edit_round(competition_id: int, round_id: int) -> str | Response | tuple[str, int]:
    """Change a round's settings while it is being set up."""
    competition = organised_competition(competition_id)
    round_ = round_of(competition, round_id)
    form = RoundForm(obj=round_) if request.method == "GET" else RoundForm()
    if form.validate_on_submit():
        try:
            update_round(
                round_, current_user, name=form.name.data, blind=form.blind.data,
                aggregation=form.aggregation.data, normalise=form.normalise.data,
                advancement=form.advancement.data, advancement_count=form.advancement_count.data,
                advancement_min_score=form.advancement_min_score.data, weight=given(form.weight.data),
                judges_per_entry=form.judges_per_entry.data, judge_cap=form.judge_cap.data)
        except AnugerahError as error:
            flash_error(error)
        else:
            flash(_("Round '%(name)s' has been saved.", name=round_.name), "success")
            return redirect(url_for("setup.round_", competition_id=competition.id, round_id=round_.id))
    status = 422 if request.method == "POST" else 200
    return render_template("competitions/setup/round_new.html", competition=competition, form=form,
                           round=round_,
                           position=round_.position, template_summary=_template_summary()), status


def _template_summary(template: str = "iga_2023") -> str:
    """"Kebaharuan 30, Kemanfaatan 25, ..." """
    return ", ".join(f"{spec['name']} {spec['weight']}" for spec in RUBRIC_TEMPLATES[template])


def _round_page(competition: Competition, round_: Round, criterion_form: CriterionForm,
                status: int = 200) -> tuple[str, int]:
    criteria = list(round_.criteria)
    total = rubric_total(criteria)
    return render_template(
        "competitions/setup/round.html", competition=competition, round=round_, criteria=criteria,
        total=total, refusal=setup_refusal(round_),
        criterion_form=criterion_form, form=ConfirmForm(), round_status=ROUND_STATUS_LABELS,
        aggregation_labels=AGGREGATION_LABELS, advancement_labels=ADVANCEMENT_LABELS,
        templates={name: TEMPLATE_LABELS.get(name, name) for name in RUBRIC_TEMPLATES},
        template_summary=_template_summary(), panels_url=panels_url(competition)), status


@bp.get("/<int:competition_id>/setup/rounds/<int:round_id>")
@login_required
def round_(competition_id: int, round_id: int) -> tuple[str, int]:
    competition = organised_competition(competition_id)
    return _round_page(competition, round_of(competition, round_id), CriterionForm(formdata=None))


@bp.post("/<int:competition_id>/setup/rounds/<int:round_id>/template")
@login_required
def apply_template(competition_id: int, round_id: int) -> Response:
    competition = organised_competition(competition_id)
    round_ = round_of(competition, round_id)
    template = request.form.get("template", "iga_2023")
    if not ConfirmForm().validate_on_submit() or template not in RUBRIC_TEMPLATES:
        abort(400)
    try:
        criteria = apply_rubric_template(round_, current_user, template)
    except AnugerahError as error:
        flash_error(error)
    else:
        flash(_("The rubric has %(count)s criteria from the template.", count=len(criteria)), "success")
    return back_to("setup.round_", competition, anchor="rubric", round_id=round_.id)


@bp.post("/<int:competition_id>/setup/rounds/<int:round_id>/criteria")
@login_required
def add_criterion_(competition_id: int, round_id: int) -> Response | tuple[str, int]:
    competition = organised_competition(competition_id)
    round_ = round_of(competition, round_id)
    form = CriterionForm()
    valid = form.validate_on_submit()
    levels = form.parsed_levels() if form.scale.data == "levels" else []
    if valid and levels is not None:
        try:
            criterion = add_criterion(
                round_, current_user, name=form.name.data, weight=given(form.weight.data),
                guidance=form.guidance.data or "", scale=form.scale.data,
                min_value=form.min_value.data if form.min_value.data is not None else 0,
                max_value=form.max_value.data if form.max_value.data is not None else 100,
                step=form.step.data, independent=form.independent.data, levels=levels)
        except AnugerahError as error:
            flash_error(error)
        else:
            flash(_("Criterion '%(name)s' has been added.", name=criterion.name), "success")
            return back_to("setup.round_", competition, anchor="rubric", round_id=round_.id)
    return _round_page(competition, round_, form, status=422)


def _criterion_of(round_: Round, criterion_id: int) -> Criterion:
    """A criterion of ``round_``'s rubric: 404 for any other (another round's too)."""
    criterion = db.session.get(Criterion, criterion_id)
    if criterion is None or criterion.round_id != round_.id:
        abort(404)
    return criterion


def _criterion_data(criterion: Criterion) -> dict[str, Any]:
    """A criterion as its form shows it, the levels one per line as value=label."""
    return {"name": criterion.name, "weight": criterion.weight, "guidance": criterion.guidance,
            "scale": criterion.scale, "min_value": criterion.min_value, "max_value": criterion.max_value,
            "step": criterion.step, "independent": criterion.independent,
            "levels": "\n".join(f"{level.value:g}={level.label}" for level in criterion.levels)}


def _placed(form: CriterionForm, problems: list[str]) -> list[str]:
    """The service's problems under the fields they name (a range's under its maximum); the
    others, to show above the form."""
    rest = []
    for problem in problems:
        code, message = field_and_message(problem)
        if code == "range":
            form.max_value.errors = [*form.max_value.errors, message]
        else:
            rest.append(problem)
    return place_problems(form, rest)


@bp.route("/<int:competition_id>/setup/rounds/<int:round_id>/criteria/<int:criterion_id>/edit",
          methods=["GET", "POST"])
@login_required
def edit_criterion(competition_id: int, round_id: int, criterion_id: int) -> Response | tuple[str, int]:
    """Change a criterion of a rubric while its round is being set up; afterwards the page says
    why it no longer can."""
    competition = organised_competition(competition_id)
    round_ = round_of(competition, round_id)
    criterion = _criterion_of(round_, criterion_id)
    refusal = setup_refusal(round_)
    if request.method == "GET" or refusal is not None:
        form = CriterionForm(formdata=None, data=_criterion_data(criterion))
    else:
        form = CriterionForm()
    problems: list[str] = []
    if refusal is None and form.validate_on_submit():
        levels = form.parsed_levels() if form.scale.data == "levels" else []
        if levels is not None:
            try:
                update_criterion(
                    criterion, current_user, name=form.name.data, weight=given(form.weight.data),
                    guidance=form.guidance.data or "", scale=form.scale.data,
                    min_value=form.min_value.data if form.min_value.data is not None else 0,
                    max_value=form.max_value.data if form.max_value.data is not None else 100,
                    step=form.step.data, independent=form.independent.data, levels=levels)
            except AnugerahError as error:
                problems = _placed(form, problems_of(error))
            else:
                flash(_("Criterion '%(name)s' has been saved.", name=criterion.name), "success")
                return back_to("setup.round_", competition, anchor=f"criterion-{criterion.id}",
                               round_id=round_.id)
    elif refusal is None and request.method == "POST" and form.scale.data == "levels":
        form.parsed_levels()   # every bad line named at once, beside the other fields' problems
    status = 422 if request.method == "POST" else 200
    return render_template("competitions/setup/criterion.html", competition=competition, round=round_,
                           criterion=criterion, form=form, refusal=refusal, problems=problems), status


@bp.post("/<int:competition_id>/setup/rounds/<int:round_id>/criteria/<int:criterion_id>/move")
@login_required
def move_criterion(competition_id: int, round_id: int, criterion_id: int) -> Response:
    """One criterion one place up or down the rubric (the button pressed says which)."""
    competition = organised_competition(competition_id)
    round_ = round_of(competition, round_id)
    criterion = _criterion_of(round_, criterion_id)
    direction = request.form.get("direction", "")
    if not ConfirmForm().validate_on_submit() or direction not in ("up", "down"):
        abort(400)
    try:
        moved = move_along_rubric(criterion, current_user, -1 if direction == "up" else 1)
    except AnugerahError as error:
        flash_error(error)
    else:
        if not moved:
            flash(_("Criterion '%(name)s' is already first.", name=criterion.name) if direction == "up"
                  else _("Criterion '%(name)s' is already last.", name=criterion.name), "info")
        else:
            flash(_("Criterion '%(name)s' is now number %(position)s of the rubric.", name=criterion.name,
                    position=criterion.position), "success")
    return back_to("setup.round_", competition, anchor=f"criterion-{criterion.id}", round_id=round_.id)


@bp.post("/<int:competition_id>/setup/rounds/<int:round_id>/criteria/<int:criterion_id>/remove")
@login_required
def remove_criterion_(competition_id: int, round_id: int, criterion_id: int) -> Response:
    competition = organised_competition(competition_id)
    round_ = round_of(competition, round_id)
    criterion = _criterion_of(round_, criterion_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    name = criterion.name
    try:
        remove_criterion(criterion, current_user)
    except AnugerahError as error:
        flash_error(error)
    else:
        flash(_("Criterion '%(name)s' has been removed.", name=name), "success")
    return back_to("setup.round_", competition, anchor="rubric", round_id=round_.id)

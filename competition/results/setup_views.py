"""The organiser's set-up pages for awards and the result rules (bands, tie-breaks, scoring), on
the set-up blueprint."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from flask import abort, flash, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response
from wtforms import (
    BooleanField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, NumberRange

from competition.competitions.manage import organised_competition
from competition.competitions.views import (
    POLICY_LABELS,
    SUBJECT_LABELS,
    TIE_BREAK_LABELS,
    ConfirmForm,
    back_to,
    bp,
    closed,
    flash_error,
    given,
    language,
    required,
)
from competition.documents.inputs import CITATION, read_decimal, text_problem
from competition.errors import AnugerahError
from competition.extensions import db
from competition.models import Award, Competition
from competition.ranking.bands import BAND_PRESETS, NO_SCORE_LABEL, Band, preset_of
from competition.ranking.exact import SCORE_PLACES, as_score, has_at_most
from competition.ranking.tiebreaks import TIE_BREAK_RULES
from competition.results.models import AWARD_POLICIES, AWARD_SUBJECTS, DEFAULT_AWARD_NAME
from competition.results.operations import add_award, remove_award, update_result_rules
from competition.web.forms import NumberField, PageForm, Text, WholeNumberField

BAND_LABEL = 120   # the longest predikat, in characters

PRESET_LABELS = {
    "iid_2026": _l("IID 2026: Sangat Inovatif above 65.00, Inovatif above 40.00, Kurang Inovatif above 0"),
    "iid_2023": _l("IID 2023: Sangat Inovatif from 60.01, Inovatif from 35.00, Kurang Inovatif from 0.01"),
}


class AwardForm(PageForm):
    name = StringField(_l("Name of the award"), validators=[DataRequired(message=_l("Fill this in.")),
                                                             Text(160, one_line=True)])
    subject = SelectField(_l("Who is ranked"), default="organisation",
                          choices=[SelectChoice(s, SUBJECT_LABELS[s]) for s in AWARD_SUBJECTS])
    category = SelectField(_l("Category"), coerce=int, validate_choice=False, default=0)
    positions = WholeNumberField(_l("Positions (winners)"), default=5, validators=[required(), NumberRange(
        min=1, max=50, message=_l("Between 1 and 50."))])
    policy = SelectField(_l("How an OPD's or region's innovations add up"), default="index",
                         choices=[SelectChoice(p, POLICY_LABELS[p]) for p in AWARD_POLICIES])
    index_floor = WholeNumberField(_l("k: divide by at least this many innovations"), default=3,
                                   validators=[required(), NumberRange(min=1, max=10_000, message=_l(
                                       "Between 1 and 10,000."))])
    count_bonus = NumberField(_l("Bonus points per innovation"), default=1.0,
                              validators=[required(), NumberRange(min=0, message=_l("Not below zero."))])
    count_bonus_cap = WholeNumberField(_l("Bonus for at most this many innovations"), default=5, validators=[
        required(), NumberRange(min=0, max=10_000, message=_l("Between 0 and 10,000."))])
    citation = TextAreaField(_l("Citation on the certificate"), validators=[Text(CITATION)])


class ScoringRulesForm(PageForm):
    disagreement_threshold = NumberField(
        _l("Flag judges' disagreement above (points)"),
        validators=[required(), NumberRange(min=0, max=100, message=_l("Between 0 and 100."))])
    one_award_per_organisation = BooleanField(_l("One award per OPD: an OPD holding a position is passed "
                                                 "over in later awards"))
    opd_feedback = BooleanField(_l("Feedback to OPDs: once the results are published, each OPD reads the "
                                   "judges' comments on its own innovations, without the judges' names"))


# -- awards -----------------------------------------------------------------------------------------

@bp.route("/<int:competition_id>/setup/awards", methods=["GET", "POST"])
@login_required
def awards(competition_id: int) -> str | Response | tuple[str, int]:
    competition = organised_competition(competition_id)
    form = AwardForm()
    form.category.choices = [SelectChoice(0, _("Every category")),
                             *(SelectChoice(c.id, c.name) for c in competition.categories)]
    if request.method == "POST" and (refused := closed(competition, "setup.awards")) is not None:
        return refused
    valid = form.validate_on_submit()
    category = next((c for c in competition.categories if c.id == form.category.data), None)
    if valid and form.category.data and category is None:
        form.category.errors = [_("Choose one of the competition's categories.")]
    elif valid:
        try:
            award = add_award(competition, current_user, name=form.name.data, subject=form.subject.data,
                              category=category, positions=form.positions.data, policy=form.policy.data,
                              index_floor=form.index_floor.data, count_bonus=given(form.count_bonus.data),
                              count_bonus_cap=form.count_bonus_cap.data, citation=form.citation.data or "")
        except AnugerahError as error:
            flash_error(error)
        else:
            flash(_("Award '%(name)s' has been added.", name=award.name), "success")
            return back_to("setup.awards", competition)
    listed = db.session.scalars(select(Award).where(Award.competition_id == competition.id)
                                .options(selectinload(Award.category)).order_by(Award.position)).all()
    status = 422 if request.method == "POST" else 200
    return render_template("competitions/setup/awards.html", competition=competition, awards=listed,
                           form=form,
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
        flash_error(error)
    else:
        flash(_("Award '%(name)s' has been removed.", name=name), "success")
    return back_to("setup.awards", competition)


# -- result rules -----------------------------------------------------------------------------------

def _rules_page(competition: Competition, *, scoring_form: ScoringRulesForm | None = None,
                band_rows: list[tuple[str, str]] | None = None, band_problems: Sequence[str] = (),
                status: int = 200) -> tuple[str, int]:
    if scoring_form is None:
        scoring_form = ScoringRulesForm(formdata=None, data={
            "disagreement_threshold": competition.disagreement_threshold,
            "one_award_per_organisation": competition.one_award_per_organisation,
            "opd_feedback": competition.opd_feedback})
    if band_rows is None:
        band_rows = [(b["label"], _decimal_text(b["minimum"])) for b in competition.bands]
    band_rows = [*band_rows, ("", ""), ("", "")]  # room for new bands
    chain = list(competition.tie_break_chain)
    return render_template(
        "competitions/setup/rules.html", competition=competition, scoring_form=scoring_form,
        band_rows=band_rows,
        band_problems=band_problems, chain=chain, unused=[r for r in TIE_BREAK_RULES if r not in chain],
        tie_break_labels=TIE_BREAK_LABELS, form=ConfirmForm(), no_score_label=NO_SCORE_LABEL,
        editable=competition.phase != "closed",
        band_ranges=_band_ranges(competition.bands), presets=PRESET_LABELS,
        preset=preset_of(tuple(Band(b["label"], as_score(b["minimum"])) for b in competition.bands))), status


def _decimal_text(value: float) -> str:
    text = f"{value:.2f}"
    return text.replace(".", ",") if language() == "id" else text


def _band_ranges(bands: Sequence[dict[str, Any]]) -> list[tuple[str, Decimal, Decimal | None]]:
    """(label, lowest score, highest score or None for the top band), highest band first."""
    ordered = sorted(bands, key=lambda b: -as_score(b["minimum"]))
    return [(b["label"], as_score(b["minimum"]),
             None if i == 0 else as_score(ordered[i - 1]["minimum"]) - Decimal("0.01"))
            for i, b in enumerate(ordered)]


@bp.post("/<int:competition_id>/setup/rules/bands/preset")
@login_required
def apply_band_preset(competition_id: int) -> Response:
    """Replace the bands with a published preset (IID 2026, IID 2023)."""
    competition = organised_competition(competition_id)
    if (refused := closed(competition, "setup.rules")) is not None:
        return refused
    if not ConfirmForm().validate_on_submit():
        abort(400)
    preset = BAND_PRESETS.get(request.form.get("preset", ""))
    if preset is None:
        flash(_("preset: choose one of the presets."), "danger")
        return back_to("setup.rules", competition, anchor="bands")
    try:
        update_result_rules(competition, current_user, bands=[(b.label, float(b.minimum)) for b in preset])
    except AnugerahError as error:
        flash_error(error)
    else:
        flash(_("The predikat bands have been saved."), "success")
    return back_to("setup.rules", competition, anchor="bands")


@bp.get("/<int:competition_id>/setup/rules")
@login_required
def rules(competition_id: int) -> tuple[str, int]:
    return _rules_page(organised_competition(competition_id))


@bp.post("/<int:competition_id>/setup/rules/bands")
@login_required
def save_bands(competition_id: int) -> Response | tuple[str, int]:
    """The predikat bands from the rows sent (label and minimum; empty rows are left out)."""
    competition = organised_competition(competition_id)
    if (refused := closed(competition, "setup.rules")) is not None:
        return refused
    if not ConfirmForm().validate_on_submit():
        abort(400)
    labels, minimums = request.form.getlist("band_label"), request.form.getlist("band_minimum")
    if len(labels) != len(minimums):
        return _rules_page(competition, band_problems=[_(
            "band_label: %(labels)s labels but %(minimums)s minimum scores; send one minimum per label.",
            labels=len(labels), minimums=len(minimums))], status=422)
    rows = list(zip(labels, minimums, strict=True))
    bands: list[tuple[str, float]] = []
    problems: list[str] = []
    for number, (label, minimum) in enumerate(rows, start=1):
        label, minimum = label.strip(), minimum.strip()
        if not label and not minimum:
            continue
        if not label:
            problems.append(_("Row %(number)s: give the band a name.", number=number))
            continue
        if problem := text_problem(_("Row %(number)s", number=number), label, BAND_LABEL, one_line=True):
            problems.append(problem)
            continue
        value = read_decimal(minimum)
        if value is None:
            problems.append(_("Row %(number)s (%(label)s): the minimum score must be a number, such as "
                              "60,01.", number=number, label=label))
            continue
        if not 0 < value <= 100:
            problems.append(_("Row %(number)s (%(label)s): the minimum score must be above 0 and at most "
                              "100; a score of 0 is always '%(none)s'.", number=number, label=label,
                              none=NO_SCORE_LABEL))
            continue
        if not has_at_most(value, SCORE_PLACES):
            problems.append(_("Row %(number)s (%(label)s): a minimum is a score as shown, with at most two "
                              "decimal places, such as 65,01.", number=number, label=label))
            continue
        bands.append((label, value))
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
        flash_error(error)
    else:
        flash(_("The predikat bands have been saved."), "success")
    return back_to("setup.rules", competition, anchor="bands")


@bp.post("/<int:competition_id>/setup/rules/chain")
@login_required
def move_tie_break(competition_id: int) -> Response:
    """One change to the tie-break chain: a rule moved up or down, left out, or put back at the
    end (the button pressed says which, as "rule:action")."""
    competition = organised_competition(competition_id)
    if (refused := closed(competition, "setup.rules")) is not None:
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
        flash_error(error)
    else:
        flash(_("The tie-break order has been saved."), "success")
    return back_to("setup.rules", competition, anchor=f"rule-{rule}")


@bp.post("/<int:competition_id>/setup/rules/scoring")
@login_required
def save_scoring_rules(competition_id: int) -> Response | tuple[str, int]:
    competition = organised_competition(competition_id)
    if (refused := closed(competition, "setup.rules")) is not None:
        return refused
    form = ScoringRulesForm()
    if not form.validate_on_submit():
        return _rules_page(competition, scoring_form=form, status=422)
    try:
        update_result_rules(competition, current_user,
                            disagreement_threshold=form.disagreement_threshold.data,
                            one_award_per_organisation=form.one_award_per_organisation.data,
                            opd_feedback=form.opd_feedback.data)
    except AnugerahError as error:
        flash_error(error)
    else:
        flash(_("The rules have been saved."), "success")
    return back_to("setup.rules", competition, anchor="scoring")

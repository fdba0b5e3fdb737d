"""API v1: the organiser's monitoring dashboard, figure by figure, with the same numbers as the
page's tables and downloads (:func:`competition.monitoring.views.figure_table`)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from flask_login import current_user
from marshmallow import Schema, fields

from competition.api import blueprint, needs
from competition.api.schemas import refusals
from competition.competitions.api import competition_for
from competition.errors import NotFound, NotPermitted
from competition.models import Competition
from competition.monitoring.queries import judge_agreement
from competition.monitoring.views import FIGURES, figure_table
from competition.policy import is_organiser
from workflows.messages import t

bp = blueprint("api_dashboard", __name__, "The organiser's monitoring dashboard: each figure's numbers.")


class FigureListOut(Schema):
    figures = fields.Dict(keys=fields.String(), values=fields.String(), required=True,
                          metadata={"description": "Each figure's name, with its title."})


class FigureOut(Schema):
    figure = fields.String(required=True)
    title = fields.String(required=True)
    columns = fields.List(fields.String(), required=True)
    rows = fields.List(fields.List(fields.Raw(allow_none=True)), required=True, metadata={
        "description": "Numbers as numbers; decimals as strings with their places; times in ISO 8601 (UTC)."})


def _organised(competition_id: int) -> Competition:
    competition = competition_for(competition_id)
    if not is_organiser(current_user, competition):
        raise NotPermitted(t("%(user)s is not an organiser of %(competition)s", user=current_user.name,
                             competition=competition.name))
    return competition


def _cell(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    return value


@bp.route("/competitions/<int:competition_id>/dashboard")
@bp.response(200, FigureListOut)
@refusals(bp, 404)
@needs("read")
def figures(competition_id: int) -> dict[str, Any]:
    """The dashboard's figures, by name."""
    _organised(competition_id)
    return {"figures": {name: str(title) for name, title in FIGURES.items()}}


class EstimateOut(Schema):
    value = fields.String(allow_none=True, required=True, metadata={
        "description": "The coefficient as decimal text rounded to three places; null when it cannot be "
                       "worked out."})
    low = fields.String(allow_none=True, required=True, metadata={"description": "95% interval, low end."})
    high = fields.String(allow_none=True, required=True, metadata={"description": "95% interval, high end."})
    reason = fields.String(allow_none=True, required=True, metadata={
        "description": "Why there is no value: few_judges, few_innovations, no_variance, no_pairs, "
                       "no_difference."})


class BlockOut(Schema):
    judge_ids = fields.List(fields.Integer(), required=True)
    innovations = fields.Integer(required=True)
    icc_single = fields.Nested(EstimateOut, required=True, metadata={"description": "ICC(2,1)."})
    icc_average = fields.Nested(EstimateOut, required=True, metadata={"description": "ICC(2,k)."})


class MeasureOut(Schema):
    criterion_id = fields.Integer(allow_none=True, required=True, metadata={
        "description": "The criterion; null for the judges' totals."})
    alpha = fields.Nested(EstimateOut, required=True,
                          metadata={"description": "Krippendorff's alpha (interval)."})
    innovations = fields.Integer(required=True)
    ratings = fields.Integer(required=True)
    left_out = fields.Integer(required=True, metadata={
        "description": "Rated innovations in no block of innovations rated by the same judges (ICC)."})
    blocks = fields.List(fields.Nested(BlockOut), required=True)


class JudgeAgreementOut(Schema):
    judge_id = fields.Integer(required=True)
    innovations = fields.Integer(required=True)
    leniency = fields.String(allow_none=True, required=True)
    spread = fields.String(allow_none=True, required=True)
    top_marks = fields.Integer(required=True)
    marks = fields.Integer(required=True)
    top_share = fields.String(allow_none=True, required=True)
    far = fields.Boolean(required=True)


class InnovationAgreementOut(Schema):
    entry_id = fields.Integer(required=True)
    totals = fields.List(fields.List(fields.Raw()), required=True, metadata={
        "description": "[judge id, total as decimal text] per judge."})
    raw_mean = fields.String(required=True)
    raw_place = fields.Integer(required=True)
    normalised_mean = fields.String(required=True)
    normalised_place = fields.Integer(required=True)
    change = fields.Integer(required=True)


class RoundAgreementOut(Schema):
    round_id = fields.Integer(required=True)
    totals = fields.Nested(MeasureOut, required=True)
    criteria = fields.List(fields.Nested(MeasureOut), required=True)
    judges = fields.List(fields.Nested(JudgeAgreementOut), required=True)
    innovations = fields.List(fields.Nested(InnovationAgreementOut), required=True)


class AgreementOut(Schema):
    format = fields.Integer(required=True)
    far_from_panel = fields.String(required=True, metadata={
        "description": "Leniency, in points either way, beyond which a judge's \"far\" is true."})
    rounds = fields.List(fields.Nested(RoundAgreementOut), required=True)


@bp.route("/competitions/<int:competition_id>/dashboard/agreement")
@bp.response(200, AgreementOut)
@refusals(bp, 404)
@needs("read")
def agreement(competition_id: int) -> dict[str, Any]:
    """How far the judges agree in each judged round, from the confirmed scores as they are now:
    ICC(2,1), ICC(2,k) and Krippendorff's alpha on the totals and each criterion, each judge against
    the others, and each innovation's place with and without per-judge normalisation. A sealed
    version keeps the same figures with its results."""
    return judge_agreement(_organised(competition_id))


@bp.route("/competitions/<int:competition_id>/dashboard/<figure>")
@bp.response(200, FigureOut)
@refusals(bp, 404)
@needs("read")
def figure(competition_id: int, figure: str) -> dict[str, Any]:
    """One figure's numbers, as the page's table and its downloads hold them."""
    competition = _organised(competition_id)
    if figure not in FIGURES:
        raise NotFound(t("there is no figure %(figure)s", figure=figure))
    table = figure_table(competition, figure)
    return {"figure": figure, "title": str(table.title), "columns": [str(c) for c in table.columns],
            "rows": [[_cell(c) for c in row] for row in table.rows]}

"""API v1: judging rounds and their rubrics, as the organiser sets them up on the set-up pages
(competition/judging/setup_views.py): through the same operations, for the organiser alone."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask_login import current_user
from marshmallow import RAISE, Schema, fields, validate
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from competition.api import blueprint, content_tag, expected_version, needs, with_etag
from competition.api.schemas import AN_ID, PageArgs, page_of, refusals
from competition.competitions.api import competition_for
from competition.errors import NotFound
from competition.extensions import db
from competition.judging.models import ADVANCEMENT_RULES, AGGREGATIONS, SCALES
from competition.judging.operations import (
    RUBRIC_TEMPLATES,
    add_criterion,
    add_round,
    apply_rubric_template,
    remove_criterion,
    reorder_criteria,
    update_criterion,
    update_round,
)
from competition.models import Competition, Criterion, Round
from competition.policy import require_organiser
from workflows.messages import t

bp = blueprint("api_rounds", __name__, "Judging rounds and their rubrics (criteria), for the organiser.")

ETAG = {"ETag": {"schema": {"type": "string"}, "description": "Send it back in If-Match."}}
F = TypeVar("F", bound=Callable[..., Any])


READ, WRITE, UPDATE = (401, 403, 404), (400, 401, 403, 404, 422), (400, 401, 403, 404, 412, 422, 428)



def organised(competition_id: int) -> Competition:
    """A competition the user organises: 404 when they take no part in it, 403 when they take
    part but do not organise it."""
    competition = competition_for(competition_id)
    require_organiser(current_user, competition)
    return competition


class LevelSchema(Schema):
    class Meta:
        unknown = RAISE

    value = fields.Float(required=True, validate=validate.Range(min=0, max=1_000_000))
    label = fields.String(required=True, validate=validate.Length(min=1, max=200))


class CriterionOut(Schema):
    id = fields.Integer(required=True)
    round_id = fields.Integer(required=True)
    position = fields.Integer(required=True, metadata={"description": "1 for the first criterion."})
    name = fields.String(required=True, metadata={"description": "As import-scores names the column."})
    guidance = fields.String(required=True)
    weight = fields.Float(required=True)
    scale = fields.String(required=True, validate=validate.OneOf(SCALES))
    min_value = fields.Float(required=True)
    max_value = fields.Float(required=True)
    step = fields.Float(required=True, allow_none=True)
    independent = fields.Boolean(required=True, metadata={"description": "Recorded, weighs nothing."})
    levels = fields.List(fields.Nested(LevelSchema), required=True)


class RoundOut(Schema):
    id = fields.Integer(required=True)
    competition_id = fields.Integer(required=True)
    position = fields.Integer(required=True)
    name = fields.String(required=True)
    status = fields.String(required=True, metadata={"description": "setup, open or closed."})
    blind = fields.Boolean(required=True)
    aggregation = fields.String(required=True)
    normalise = fields.Boolean(required=True)
    advancement = fields.String(required=True)
    advancement_count = fields.Integer(required=True, allow_none=True)
    advancement_min_score = fields.Float(required=True, allow_none=True)
    weight = fields.Float(required=True)
    judges_per_entry = fields.Integer(required=True)
    judge_cap = fields.Integer(required=True, allow_none=True)
    criteria = fields.List(fields.Nested(CriterionOut), required=True)


class RoundSettings(Schema):
    class Meta:
        unknown = RAISE

    name = fields.String(validate=validate.Length(min=1, max=120))
    blind = fields.Boolean()
    aggregation = fields.String(validate=validate.OneOf(AGGREGATIONS))
    normalise = fields.Boolean()
    advancement = fields.String(validate=validate.OneOf(ADVANCEMENT_RULES))
    advancement_count = fields.Integer(allow_none=True, validate=validate.Range(min=1, max=1_000_000))
    advancement_min_score = fields.Float(allow_none=True, validate=validate.Range(min=0, max=100))
    weight = fields.Float(validate=validate.Range(min=0, min_inclusive=False, max=1_000))
    judges_per_entry = fields.Integer(validate=validate.Range(min=1, max=99))
    judge_cap = fields.Integer(allow_none=True, validate=validate.Range(min=1, max=1_000_000))


class RoundIn(RoundSettings):
    name = fields.String(required=True, validate=validate.Length(min=1, max=120))
    template = fields.String(validate=validate.OneOf(RUBRIC_TEMPLATES),
                             metadata={"description": "Fill the rubric from this template."})


class TemplateIn(Schema):
    class Meta:
        unknown = RAISE

    template = fields.String(required=True, validate=validate.OneOf(RUBRIC_TEMPLATES))


class TemplateCriterion(Schema):
    name = fields.String(required=True)
    weight = fields.Float(required=True)
    guidance = fields.String(required=True)


class TemplateOut(Schema):
    name = fields.String(required=True)
    criteria = fields.List(fields.Nested(TemplateCriterion), required=True)


class CriterionChange(Schema):
    """A criterion's settings; on a change, any left out stay as they are."""

    class Meta:
        unknown = RAISE

    name = fields.String(validate=validate.Length(min=1, max=160))
    weight = fields.Float(validate=validate.Range(min=0, max=1_000_000))
    guidance = fields.String(validate=validate.Length(max=4000))
    scale = fields.String(validate=validate.OneOf(SCALES))
    min_value = fields.Float(validate=validate.Range(min=0, max=1_000_000))
    max_value = fields.Float(validate=validate.Range(min=0, max=1_000_000))
    step = fields.Float(allow_none=True, validate=validate.Range(min=0, min_inclusive=False, max=1_000_000))
    independent = fields.Boolean()
    levels = fields.List(fields.Nested(LevelSchema), validate=validate.Length(max=100),
                         metadata={"description": "For the levels scale: at least two."})


class CriterionIn(CriterionChange):
    name = fields.String(required=True, validate=validate.Length(min=1, max=160))
    weight = fields.Float(required=True, validate=validate.Range(min=0, max=1_000_000))


class CriterionOrder(Schema):
    class Meta:
        unknown = RAISE

    criterion_ids = fields.List(fields.Integer(validate=AN_ID), required=True,
                                validate=validate.Length(min=1, max=1_000),
                                metadata={"description": "Every criterion of the round, each once."})


def _round(round_id: int) -> Round:
    round_ = db.session.get(Round, round_id)
    if round_ is None:
        raise NotFound(t("there is no judging round with id %(id)s", id=round_id))
    organised(round_.competition_id)
    return round_


def _criterion(criterion_id: int) -> Criterion:
    criterion = db.session.get(Criterion, criterion_id)
    if criterion is None:
        raise NotFound(t("there is no criterion with id %(id)s", id=criterion_id))
    organised(criterion.round.competition_id)
    return criterion


def _round_answer(round_: Round, status: int = 200) -> Response:
    return with_etag(RoundOut(), round_, content_tag(RoundOut(), round_), status)


def _criterion_answer(criterion: Criterion, status: int = 200) -> Response:
    return with_etag(CriterionOut(), criterion, content_tag(CriterionOut(), criterion), status)


@bp.route("/competitions/<int:competition_id>/rounds")
@bp.arguments(PageArgs, location="query")
@bp.response(200, page_of(RoundOut, "RoundPage"))
@needs("read")
@refusals(bp, *READ, 422)
def rounds(page: dict[str, int], competition_id: int) -> dict[str, Any]:
    """The competition's judging rounds in their order, each with its rubric."""
    competition = organised(competition_id)
    where = Round.competition_id == competition.id
    total = db.session.scalar(select(func.count()).select_from(Round).where(where))
    items = db.session.scalars(select(Round).where(where)
                               .options(selectinload(Round.criteria).selectinload(Criterion.levels))
                               .order_by(Round.position)
                               .limit(page["per_page"]).offset((page["page"] - 1) * page["per_page"]))
    return {"items": list(items), "total": total, **page}


@bp.route("/rounds/<int:round_id>")
@bp.response(200, RoundOut, headers=ETAG)
@needs("read")
@refusals(bp, *READ)
def round_(round_id: int) -> Response:
    """One judging round with its rubric."""
    return _round_answer(_round(round_id))


@bp.route("/competitions/<int:competition_id>/rounds", methods=["POST"])
@bp.arguments(RoundIn)
@bp.response(201, RoundOut, headers=ETAG)
@needs("write")
@refusals(bp, *WRITE)
def create_round(body: dict[str, Any], competition_id: int) -> Response:
    """Add the next judging round, its rubric filled from a template if one is named."""
    competition = organised(competition_id)
    template = body.pop("template", None)
    round_ = add_round(competition, current_user, **body)
    if template is not None:
        apply_rubric_template(round_, current_user, template)
    return _round_answer(round_, 201)


@bp.route("/rounds/<int:round_id>", methods=["PATCH"])
@bp.arguments(RoundSettings)
@bp.response(200, RoundOut, headers=ETAG)
@needs("write")
@refusals(bp, *UPDATE)
def change_round(change: dict[str, Any], round_id: int) -> Response:
    """Change a round's settings while it is being set up. Needs If-Match."""
    round_ = _round(round_id)
    expected_version(content_tag(RoundOut(), round_), "round")
    settings = {name: change.get(name, getattr(round_, name)) for name in RoundSettings().fields}
    update_round(round_, current_user, **settings)
    return _round_answer(round_)


@bp.route("/rubric-templates")
@bp.response(200, TemplateOut(many=True))
@needs("read")
@refusals(bp, *(401,))
def templates() -> list[dict[str, Any]]:
    """The rubric templates a round's rubric can be filled from."""
    return [{"name": name, "criteria": criteria} for name, criteria in RUBRIC_TEMPLATES.items()]


@bp.route("/rounds/<int:round_id>/template", methods=["POST"])
@bp.arguments(TemplateIn)
@bp.response(200, RoundOut, headers=ETAG)
@needs("write")
@refusals(bp, *WRITE)
def apply_template(body: dict[str, Any], round_id: int) -> Response:
    """Fill a round's empty rubric from a template."""
    round_ = _round(round_id)
    apply_rubric_template(round_, current_user, body["template"])
    return _round_answer(round_)


def _levels(given: list[dict[str, Any]]) -> list[tuple[float, str]]:
    return [(level["value"], level["label"]) for level in given]


@bp.route("/rounds/<int:round_id>/criteria", methods=["POST"])
@bp.arguments(CriterionIn)
@bp.response(201, CriterionOut, headers=ETAG)
@needs("write")
@refusals(bp, *WRITE)
def create_criterion(body: dict[str, Any], round_id: int) -> Response:
    """Add a criterion to a round's rubric while the round is being set up."""
    round_ = _round(round_id)
    criterion = add_criterion(round_, current_user, **{**body, "levels": _levels(body.get("levels", []))})
    return _criterion_answer(criterion, 201)


@bp.route("/criteria/<int:criterion_id>")
@bp.response(200, CriterionOut, headers=ETAG)
@needs("read")
@refusals(bp, *READ)
def criterion(criterion_id: int) -> Response:
    """One criterion of a rubric."""
    return _criterion_answer(_criterion(criterion_id))


@bp.route("/criteria/<int:criterion_id>", methods=["PATCH"])
@bp.arguments(CriterionChange)
@bp.response(200, CriterionOut, headers=ETAG)
@needs("write")
@refusals(bp, *UPDATE)
def change_criterion(change: dict[str, Any], criterion_id: int) -> Response:
    """Change a criterion while its round is being set up. Needs If-Match."""
    criterion = _criterion(criterion_id)
    expected_version(content_tag(CriterionOut(), criterion), "criterion")
    settings = {name: change.get(name, getattr(criterion, name))
                for name in CriterionChange().fields if name != "levels"}
    levels = _levels(change["levels"]) if "levels" in change else [
        (level.value, level.label) for level in criterion.levels if settings["scale"] == "levels"]
    update_criterion(criterion, current_user, **settings, levels=levels)
    return _criterion_answer(criterion)


@bp.route("/rounds/<int:round_id>/criteria/order", methods=["POST"])
@bp.arguments(CriterionOrder)
@bp.response(200, RoundOut, headers=ETAG)
@needs("write")
@refusals(bp, *WRITE)
def order_criteria(body: dict[str, Any], round_id: int) -> Response:
    """Put the whole rubric in a new order: every criterion of the round, each once."""
    round_ = _round(round_id)
    reorder_criteria(round_, current_user, body["criterion_ids"])
    return _round_answer(round_)


@bp.route("/criteria/<int:criterion_id>", methods=["DELETE"])
@bp.response(204)
@needs("write")
@refusals(bp, *READ, 422)
def delete_criterion(criterion_id: int) -> Response:
    """Take a criterion out of a rubric that is still being set up."""
    remove_criterion(_criterion(criterion_id), current_user)
    return Response(status=204)

"""API v1: awards and the result rules (one award per OPD, tie-breaks, predikat bands, scoring,
units under an OPD), as the organiser sets them on the set-up pages
(competition/results/setup_views.py): through the same operations, for the organiser alone."""

from __future__ import annotations

from typing import Any

from flask_login import current_user
from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates, validates_schema
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from competition.api import blueprint, content_tag, expected_version, needs, with_etag
from competition.api.schemas import AN_ID, PageArgs, page_of
from competition.competitions.operations import set_units_compete
from competition.errors import InvalidInput, NotFound
from competition.extensions import db
from competition.judging.rounds_api import READ, UPDATE, WRITE, organised, refusals
from competition.models import UNITS_COMPETE_RULES, Award, Category, Competition
from competition.ranking.bands import BAND_PRESETS, Band, preset_of
from competition.ranking.exact import as_score
from competition.ranking.tiebreaks import TIE_BREAK_RULES
from competition.results.awards import add_award, remove_award, reorder_awards, update_award
from competition.results.models import AWARD_POLICIES, AWARD_SUBJECTS, DEFAULT_AWARD_NAME
from competition.results.operations import update_result_rules
from workflows.messages import t

bp = blueprint("api_awards", __name__, "Awards, their order, and the rules that decide the results, "
               "for the organiser.")

ETAG = {"ETag": {"schema": {"type": "string"}, "description": "Send it back in If-Match."}}


class AwardOut(Schema):
    id = fields.Integer(required=True)
    competition_id = fields.Integer(required=True)
    position = fields.Integer(required=True, metadata={"description": "Awards are filled in this order."})
    name = fields.String(required=True)
    subject = fields.String(required=True, metadata={"description": "Who is ranked."})
    category_id = fields.Integer(required=True, allow_none=True,
                                 metadata={"description": "Only this category's innovations; null for all."})
    positions = fields.Integer(required=True, metadata={"description": "Places (winners)."})
    policy = fields.String(required=True)
    index_floor = fields.Integer(required=True)
    count_bonus = fields.Float(required=True)
    count_bonus_cap = fields.Integer(required=True)
    citation = fields.String(required=True)
    default = fields.Function(lambda award: award.name == DEFAULT_AWARD_NAME, required=True, metadata={
        "type": "boolean", "description": f"The award every competition starts with ({DEFAULT_AWARD_NAME})."})


class AwardChange(Schema):
    """An award's settings; on a change, any left out stay as they are."""

    class Meta:
        unknown = RAISE

    name = fields.String(validate=validate.Length(min=1, max=160))
    subject = fields.String(validate=validate.OneOf(AWARD_SUBJECTS))
    category_id = fields.Integer(allow_none=True, validate=AN_ID)
    positions = fields.Integer(validate=validate.Range(min=1, max=50))
    policy = fields.String(validate=validate.OneOf(AWARD_POLICIES))
    index_floor = fields.Integer(validate=validate.Range(min=1, max=10_000))
    count_bonus = fields.Float(validate=validate.Range(min=0, max=1_000))
    count_bonus_cap = fields.Integer(validate=validate.Range(min=0, max=10_000))
    citation = fields.String(validate=validate.Length(max=4000))


class AwardIn(AwardChange):
    name = fields.String(required=True, validate=validate.Length(min=1, max=160))


class AwardOrder(Schema):
    class Meta:
        unknown = RAISE

    award_ids = fields.List(fields.Integer(validate=AN_ID), required=True,
                            validate=validate.Length(min=1, max=1_000),
                            metadata={"description": "Every award of the competition, each once."})


class BandSchema(Schema):
    class Meta:
        unknown = RAISE

    label = fields.String(required=True, validate=validate.Length(min=1, max=120))
    minimum = fields.Float(required=True, validate=validate.Range(min=0, min_inclusive=False, max=100),
                           metadata={"description": "The lowest shown score (two places) with this label."})


class PresetOut(Schema):
    name = fields.String(required=True)
    bands = fields.List(fields.Nested(BandSchema), required=True)


class RulesChange(Schema):
    """The rules to change; any left out stay as they are."""

    class Meta:
        unknown = RAISE

    one_award_per_organisation = fields.Boolean(metadata={
        "description": "An OPD holding a position is passed over in later awards."})
    opd_feedback = fields.Boolean(metadata={
        "description": "Once the results are published, each OPD's operators read the judges' comments "
                       "on their own innovations, the judges named only Juri 1, Juri 2…"})
    tie_break_chain = fields.List(fields.String(validate=validate.OneOf(TIE_BREAK_RULES)),
                                  validate=validate.Length(max=len(TIE_BREAK_RULES)))
    bands = fields.List(fields.Nested(BandSchema), validate=validate.Length(min=1, max=20),
                        metadata={"description": "Predikat bands, from the highest minimum down."})
    band_preset = fields.String(validate=validate.OneOf(BAND_PRESETS), load_only=True,
                                metadata={"description": "Replace the bands with a published preset."})
    disagreement_threshold = fields.Float(validate=validate.Range(min=0, max=100))
    units_compete = fields.String(validate=validate.OneOf(UNITS_COMPETE_RULES), metadata={
        "description": "own: units under an OPD compete on their own; parent: they count for their OPD."})

    @validates("tie_break_chain")
    def _once_each(self, chain: list[str], **_kwargs: Any) -> None:
        if len(set(chain)) != len(chain):
            raise ValidationError("Name each rule at most once.")

    @validates_schema
    def _bands_or_preset(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if "bands" in data and "band_preset" in data:
            raise ValidationError("Send bands or band_preset, not both.", "band_preset")


class RulesOut(Schema):
    one_award_per_organisation = fields.Boolean(required=True)
    opd_feedback = fields.Boolean(required=True)
    tie_break_chain = fields.List(fields.String(), required=True)
    bands = fields.List(fields.Nested(BandSchema), required=True)
    band_preset = fields.Method("preset", required=True, allow_none=True, metadata={
        "type": "string", "description": "The preset the bands are, if any."})
    disagreement_threshold = fields.Float(required=True)
    units_compete = fields.String(required=True)
    awards = fields.Method("award_names", required=True, metadata={
        "type": "array", "items": {"type": "string"},
        "description": "The awards' names in the order they are filled."})

    def preset(self, competition: Competition) -> str | None:
        return preset_of(tuple(Band(b["label"], as_score(b["minimum"])) for b in competition.bands))

    def award_names(self, competition: Competition) -> list[str]:
        return [award.name for award in competition.awards]


def _award(award_id: int) -> Award:
    award = db.session.get(Award, award_id)
    if award is None:
        raise NotFound(t("there is no award with id %(id)s", id=award_id))
    organised(award.competition_id)
    return award


def _category(competition: Competition, category_id: int | None) -> Category | None:
    if category_id is None:
        return None
    category = db.session.get(Category, category_id)
    if category is None or category.competition_id != competition.id:
        raise InvalidInput(t("category_id: %(competition)s has no category with id %(id)s",
                             competition=competition.name, id=category_id))
    return category


def _open(competition: Competition) -> None:
    """As the set-up pages: a closed competition's set-up no longer changes."""
    if competition.phase == "closed":
        raise InvalidInput(t("The competition is closed; its set-up no longer changes."))


def _award_answer(award: Award, status: int = 200) -> Response:
    return with_etag(AwardOut(), award, content_tag(AwardOut(), award), status)


@bp.route("/competitions/<int:competition_id>/awards")
@bp.arguments(PageArgs, location="query")
@bp.response(200, page_of(AwardOut, "AwardPage"))
@needs("read")
@refusals(bp, *READ, 422)
def awards(page: dict[str, int], competition_id: int) -> dict[str, Any]:
    """The competition's awards in the order they are filled."""
    competition = organised(competition_id)
    where = Award.competition_id == competition.id
    total = db.session.scalar(select(func.count()).select_from(Award).where(where))
    items = db.session.scalars(select(Award).where(where).options(selectinload(Award.category))
                               .order_by(Award.position)
                               .limit(page["per_page"]).offset((page["page"] - 1) * page["per_page"]))
    return {"items": list(items), "total": total, **page}


@bp.route("/awards/<int:award_id>")
@bp.response(200, AwardOut, headers=ETAG)
@needs("read")
@refusals(bp, *READ)
def award(award_id: int) -> Response:
    """One award."""
    return _award_answer(_award(award_id))


@bp.route("/competitions/<int:competition_id>/awards", methods=["POST"])
@bp.arguments(AwardIn)
@bp.response(201, AwardOut, headers=ETAG)
@needs("write")
@refusals(bp, *WRITE)
def create_award(body: dict[str, Any], competition_id: int) -> Response:
    """Define another award, filled after those defined before it."""
    competition = organised(competition_id)
    _open(competition)
    category = _category(competition, body.pop("category_id", None))
    return _award_answer(add_award(competition, current_user, category=category, **body), 201)


@bp.route("/awards/<int:award_id>", methods=["PATCH"])
@bp.arguments(AwardChange)
@bp.response(200, AwardOut, headers=ETAG)
@needs("write")
@refusals(bp, *UPDATE)
def change_award(change: dict[str, Any], award_id: int) -> Response:
    """Change an award until judging is closed. Needs If-Match."""
    award = _award(award_id)
    expected_version(content_tag(AwardOut(), award), "award")
    settings = {name: change.get(name, getattr(award, name)) for name in AwardChange().fields}
    category = _category(award.competition, settings.pop("category_id"))
    update_award(award, current_user, category=category, **settings)
    return _award_answer(award)


@bp.route("/competitions/<int:competition_id>/awards/order", methods=["POST"])
@bp.arguments(AwardOrder)
@bp.response(200, AwardOut(many=True))
@needs("write")
@refusals(bp, *WRITE)
def order_awards(body: dict[str, Any], competition_id: int) -> list[Award]:
    """Put the awards in the order they are filled: every award, each once."""
    competition = organised(competition_id)
    return reorder_awards(competition, current_user, body["award_ids"])


@bp.route("/awards/<int:award_id>", methods=["DELETE"])
@bp.response(204)
@needs("write")
@refusals(bp, *READ, 422)
def delete_award(award_id: int) -> Response:
    """Remove an award until judging is closed; the awards after it move up."""
    award = _award(award_id)
    _open(award.competition)
    remove_award(award, current_user)
    return Response(status=204)


@bp.route("/band-presets")
@bp.response(200, PresetOut(many=True))
@needs("read")
@refusals(bp, *(401,))
def band_presets() -> list[dict[str, Any]]:
    """The published predikat band presets (IID 2026, IID 2023)."""
    return [{"name": name, "bands": [{"label": b.label, "minimum": float(b.minimum)} for b in bands]}
            for name, bands in BAND_PRESETS.items()]


@bp.route("/competitions/<int:competition_id>/rules")
@bp.response(200, RulesOut, headers=ETAG)
@needs("read")
@refusals(bp, *READ)
def rules(competition_id: int) -> Response:
    """The rules that decide the results."""
    competition = organised(competition_id)
    return with_etag(RulesOut(), competition, content_tag(RulesOut(), competition))


@bp.route("/competitions/<int:competition_id>/rules", methods=["PATCH"])
@bp.arguments(RulesChange)
@bp.response(200, RulesOut, headers=ETAG)
@needs("write")
@refusals(bp, *UPDATE)
def change_rules(change: dict[str, Any], competition_id: int) -> Response:
    """Set the rules that decide the results, until the competition is closed. Needs If-Match."""
    competition = organised(competition_id)
    expected_version(content_tag(RulesOut(), competition), "rules")
    _open(competition)
    if "band_preset" in change:
        change["bands"] = [{"label": b.label, "minimum": float(b.minimum)}
                           for b in BAND_PRESETS[change.pop("band_preset")]]
    if "units_compete" in change:
        set_units_compete(competition, current_user, change.pop("units_compete"))
    if "bands" in change:
        change["bands"] = [(band["label"], band["minimum"]) for band in change["bands"]]
    if change:
        update_result_rules(competition, current_user, **change)
    return with_etag(RulesOut(), competition, content_tag(RulesOut(), competition))

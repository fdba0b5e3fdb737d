"""API v1: the IID rehearsal, as its pages (:mod:`competition.iid.views`) show and change it.

Reading: the region's (or an OPD's) index, an innovation's indicators, the regional rows. Changing
(each needs If-Match with the ETag last read, a digest of what was read): claims, verification,
the regional rows. The same operations and policy as the pages; every figure a decimal as text.
"""

from __future__ import annotations

from typing import Any

from flask_login import current_user
from marshmallow import RAISE, Schema, fields, validate
from werkzeug.wrappers import Response

from competition.api import blueprint, content_tag, expected_version, needs, with_etag
from competition.api.schemas import AN_ID, refusals
from competition.competitions.api import competition_for
from competition.documents.inputs import NOTE
from competition.errors import InvalidInput, NotFound, NotPermitted
from competition.extensions import db
from competition.iid.model import LEVELS, PRESETS, Model
from competition.iid.operations import Claimed, Verified, claim_levels, set_region_levels, verify_levels
from competition.iid.queries import (
    entry_lines,
    entry_reasons,
    iid_model,
    indicator_data,
    region_spd,
    rehearsal,
    rehearsal_data,
)
from competition.judging.rounds_api import READ, UPDATE
from competition.models import Competition, Entry
from competition.policy import can_claim_iid, can_see_iid, can_see_region_iid, can_verify_iid, can_view_entry
from workflows.messages import t

bp = blueprint("api_iid", __name__, "The IID rehearsal: the region's Indeks Inovasi Daerah claimed and "
               "verified, each innovation's indicators, and the regional rows.")
KEY = validate.Length(min=1, max=40)
A_LEVEL = validate.Range(min=0, max=LEVELS)
MOST_KEYS = validate.Length(max=60)


class ModelArgs(Schema):
    model = fields.String(load_default=PRESETS[0], validate=validate.OneOf(PRESETS),
                          metadata={"description": "The IID model (preset); the newest by default."})


class IndexOut(Schema):
    iid = fields.String(required=True, metadata={"description": "Two places, as shown."})
    predikat = fields.String(required=True)
    spd = fields.Integer(required=True)
    sid_innovations = fields.String(required=True)
    count_score = fields.String(required=True)
    divisor = fields.Integer(required=True)
    innovations_counted = fields.Integer(required=True)
    short_of_divisor = fields.Integer(required=True)
    sector_gate_met = fields.Boolean(required=True)
    covered_urusan = fields.List(fields.String(), required=True)
    missing_urusan = fields.List(fields.String(), required=True)


class UpgradeOut(Schema):
    innovation_id = fields.Integer(required=True)
    indicator = fields.String(required=True)
    from_level = fields.Integer(required=True)
    had_evidence = fields.Boolean(required=True)
    to_level = fields.Integer(required=True)
    iid_points = fields.String(required=True)


class NextPredikatOut(Schema):
    target = fields.String(allow_none=True, required=True)
    minimum = fields.String(allow_none=True, required=True)
    reachable = fields.Boolean(required=True)
    iid_after = fields.String(required=True)
    upgrades = fields.List(fields.Nested(UpgradeOut), required=True)
    upgrades_on_unseen_innovations = fields.Integer(required=True)


class ContributionOut(Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    organisation = fields.String(required=True)
    urusan = fields.String(required=True)
    counted = fields.Boolean(required=True)
    not_counted_because = fields.List(fields.String(), required=True)
    claimed_points = fields.Integer(required=True)
    verified_points = fields.Integer(required=True)
    claimed_iid_points = fields.String(required=True)
    verified_iid_points = fields.String(required=True)
    awaiting_verification = fields.Integer(required=True)
    without_evidence = fields.List(fields.String(), required=True)


class RehearsalOut(Schema):
    model = fields.String(required=True)
    competition_id = fields.Integer(required=True)
    whole_region = fields.Boolean(required=True)
    claimed = fields.Nested(IndexOut, required=True)
    verified = fields.Nested(IndexOut, required=True)
    innovations = fields.List(fields.Nested(ContributionOut), required=True)
    upgrades = fields.List(fields.Nested(UpgradeOut), required=True)
    next_predikat = fields.Nested(NextPredikatOut, required=True)


class IndicatorOut(Schema):
    indicator = fields.String(required=True)
    number = fields.String(required=True)
    name = fields.String(required=True)
    weight = fields.Integer(required=True)
    claimed_level = fields.Integer(required=True)
    evidence_id = fields.Integer(allow_none=True, required=True)
    verified_level = fields.Integer(allow_none=True, required=True)
    note = fields.String(required=True)
    claimed_points = fields.Integer(required=True)
    verified_points = fields.Integer(required=True)


class InnovationIidOut(Schema):
    innovation_id = fields.Integer(required=True)
    model = fields.String(required=True)
    counted = fields.Boolean(required=True)
    not_counted_because = fields.List(fields.String(), required=True)
    may_claim = fields.Boolean(required=True)
    may_verify = fields.Boolean(required=True)
    indicators = fields.List(fields.Nested(IndicatorOut), required=True)


class RegionRowOut(Schema):
    row = fields.String(required=True)
    number = fields.String(required=True)
    name = fields.String(required=True)
    weight = fields.Integer(required=True)
    level = fields.Integer(required=True)


class RegionOut(Schema):
    competition_id = fields.Integer(required=True)
    model = fields.String(required=True)
    rows = fields.List(fields.Nested(RegionRowOut), required=True)


class ClaimIn(Schema):
    class Meta:
        unknown = RAISE

    level = fields.Integer(required=True, validate=A_LEVEL)
    evidence_id = fields.Integer(allow_none=True, load_default=None, validate=AN_ID,
                                 metadata={"description": "The innovation's evidence backing the level; "
                                                          "without, the level scores 0."})


class DecisionIn(Schema):
    class Meta:
        unknown = RAISE

    level = fields.Integer(required=True, validate=A_LEVEL,
                           metadata={"description": "At most the claimed level."})
    note = fields.String(load_default="", validate=validate.Length(max=NOTE),
                         metadata={"description": "Why, when the level is lowered."})


def levels_in(name: str, values: fields.Field, keys: str) -> type[Schema]:
    """A PATCH body: the preset, and ``values`` by indicator or regional row key."""
    return Schema.from_dict({
        "model": fields.String(load_default=PRESETS[0], validate=validate.OneOf(PRESETS)),
        "levels": fields.Dict(keys=fields.String(validate=KEY), values=values, required=True,
                              validate=MOST_KEYS, metadata={"description": f"By {keys} key."}),
    }, name=name)


ClaimsIn = levels_in("ClaimsIn", fields.Nested(ClaimIn), "indicator")
VerificationIn = levels_in("VerificationIn", fields.Nested(DecisionIn), "indicator")
RegionIn = levels_in("RegionIn", fields.Integer(validate=A_LEVEL), "regional row")


ETAG = {"ETag": {"schema": {"type": "string"}}}


def _competition(competition_id: int) -> Competition:
    competition = competition_for(competition_id)
    if not can_see_iid(current_user, competition):
        raise NotPermitted(t("%(user)s may not see the IID rehearsal of %(competition)s",
                             user=current_user.name, competition=competition.name))
    return competition


def _region_competition(competition_id: int) -> Competition:
    competition = _competition(competition_id)
    if not can_see_region_iid(current_user, competition):
        raise NotPermitted(t("%(user)s may not set the regional IID indicators of %(competition)s",
                             user=current_user.name, competition=competition.name))
    return competition


def _entry(entry_id: int) -> Entry:
    entry = db.session.get(Entry, entry_id)
    if entry is None or not can_view_entry(current_user, entry):
        raise NotFound(t("there is no innovation with id %(id)s", id=entry_id))
    return entry


def _innovation(entry: Entry, model: Model) -> dict[str, Any]:
    reasons = entry_reasons(entry, model)
    return {"innovation_id": entry.id, "model": model.name, "counted": not reasons,
            "not_counted_because": list(reasons), "may_claim": can_claim_iid(current_user, entry),
            "may_verify": can_verify_iid(current_user, entry),
            "indicators": [indicator_data(line) for line in entry_lines(entry, model)]}


def _innovation_answer(entry: Entry, model: Model) -> Response:
    shown = _innovation(entry, model)
    return with_etag(InnovationIidOut(), shown, content_tag(InnovationIidOut(), shown))


def _region(competition: Competition, model: Model) -> dict[str, Any]:
    levels = region_spd(competition, model)
    return {"competition_id": competition.id, "model": model.name,
            "rows": [{"row": row.key, "number": row.number, "name": row.name, "weight": row.weight,
                      "level": levels.get(row.key, 0)} for row in model.spd]}


def _region_answer(competition: Competition, model: Model) -> Response:
    shown = _region(competition, model)
    return with_etag(RegionOut(), shown, content_tag(RegionOut(), shown))


@bp.route("/competitions/<int:competition_id>/iid")
@bp.arguments(ModelArgs, location="query")
@bp.response(200, RehearsalOut)
@needs("read")
@refusals(bp, *READ, 422)
def rehearsal_(args: dict[str, Any], competition_id: int) -> dict[str, Any]:
    """The region's IID claimed and verified, each innovation's contribution and what raises it most
    (an OPD: its own innovations, with the region's index)."""
    competition = _competition(competition_id)
    return rehearsal_data(rehearsal(competition, iid_model(args["model"]), current_user))


@bp.route("/innovations/<int:entry_id>/iid")
@bp.arguments(ModelArgs, location="query")
@bp.response(200, InnovationIidOut, headers=ETAG)
@needs("read")
@refusals(bp, *READ, 422)
def innovation(args: dict[str, Any], entry_id: int) -> Response:
    """An innovation's indicators: the claimed level, its evidence, the verified level and note."""
    return _innovation_answer(_entry(entry_id), iid_model(args["model"]))


@bp.route("/innovations/<int:entry_id>/iid/claims", methods=["PATCH"])
@bp.arguments(ClaimsIn)
@bp.response(200, InnovationIidOut, headers=ETAG)
@needs("write")
@refusals(bp, *UPDATE)
def claim(sent: dict[str, Any], entry_id: int) -> Response:
    """Claim the levels of the indicators given, with their evidence (the innovation's OPD, or an
    organiser). A changed claim awaits verification again. Needs If-Match."""
    entry, model = _entry(entry_id), iid_model(sent["model"])
    if not can_claim_iid(current_user, entry):
        raise NotPermitted(t("%(user)s may not claim IID levels for %(entry)s", user=current_user.name,
                             entry=entry.title))
    expected_version(content_tag(InnovationIidOut(), _innovation(entry, model)),
                                "innovation's IID")
    claim_levels(entry, current_user, model, {key: Claimed(given["level"], given["evidence_id"])
                                              for key, given in sent["levels"].items()})
    return _innovation_answer(entry, model)


@bp.route("/innovations/<int:entry_id>/iid/verification", methods=["PATCH"])
@bp.arguments(VerificationIn)
@bp.response(200, InnovationIidOut, headers=ETAG)
@needs("write")
@refusals(bp, *UPDATE)
def verify(sent: dict[str, Any], entry_id: int) -> Response:
    """Confirm or lower the claimed levels given (a verifier not of the innovation's OPD, or an
    organiser); lowering needs a note. Needs If-Match."""
    entry, model = _entry(entry_id), iid_model(sent["model"])
    if not can_verify_iid(current_user, entry):
        raise NotPermitted(t("%(user)s may not verify IID levels of %(entry)s", user=current_user.name,
                             entry=entry.title))
    expected_version(content_tag(InnovationIidOut(), _innovation(entry, model)),
                                "innovation's IID")
    verify_levels(entry, current_user, model, {key: Verified(given["level"], given["note"])
                                               for key, given in sent["levels"].items()})
    return _innovation_answer(entry, model)


@bp.route("/competitions/<int:competition_id>/iid/region")
@bp.arguments(ModelArgs, location="query")
@bp.response(200, RegionOut, headers=ETAG)
@needs("read")
@refusals(bp, *READ, 422)
def region(args: dict[str, Any], competition_id: int) -> Response:
    """The region's own (SPD) rows and their levels (the organisers)."""
    return _region_answer(_region_competition(competition_id), iid_model(args["model"]))


@bp.route("/competitions/<int:competition_id>/iid/region", methods=["PATCH"])
@bp.arguments(RegionIn)
@bp.response(200, RegionOut, headers=ETAG)
@needs("write")
@refusals(bp, *UPDATE)
def set_region(sent: dict[str, Any], competition_id: int) -> Response:
    """Set the levels of the regional rows given (the organisers, until the competition closes).
    Needs If-Match."""
    competition, model = _region_competition(competition_id), iid_model(sent["model"])
    expected_version(content_tag(RegionOut(), _region(competition, model)), "regional rows")
    if not sent["levels"]:
        raise InvalidInput(t("levels: give at least one row"))
    set_region_levels(competition, current_user, model, sent["levels"])
    return _region_answer(competition, model)

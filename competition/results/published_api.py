"""API v1: a competition's published results, for regional portals and other systems. Open to
anyone, without a token: exactly what the public results page (``public.results``) shows."""

from __future__ import annotations

from typing import Any

from flask import abort
from marshmallow import Schema, fields

from competition.api import blueprint, public
from competition.api.schemas import Score
from competition.extensions import db
from competition.models import Competition
from competition.results.operations import latest_published_result_set
from competition.results.standings import award_standings, band_groups, sealed_awards

bp = blueprint("api_published", __name__, "Published results: open to anyone, as the public results page.")


class PublicInnovationOut(Schema):
    title = fields.String(required=True)
    organisation = fields.String(required=True)


class PublicCountedOut(PublicInnovationOut):
    score = Score(required=True)


class WinnerOut(Schema):
    position = fields.Integer(required=True, metadata={"description": "1 is Juara I."})
    subject = fields.String(required=True, metadata={"description": "The innovation, OPD or region placed."})
    organisation = fields.String(required=True)
    innovation = fields.String(required=True, metadata={"description": "For an innovation award."})
    innovations = fields.List(fields.Nested(PublicCountedOut), required=True,
                              metadata={"description": "The innovations that counted, best first."})
    counted = fields.Integer(required=True)
    score = Score(required=True)
    shared = fields.Boolean(required=True, metadata={"description": "The position is shared."})


class PublishedAwardOut(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    subject = fields.String(required=True, metadata={"description": "innovation, organisation or region"})
    winners = fields.List(fields.Nested(WinnerOut), required=True)


class BandOut(Schema):
    label = fields.String(required=True)
    minimum = Score(allow_none=True, metadata={"description": "The lowest score of the band."})
    innovations = fields.List(fields.Nested(PublicInnovationOut), required=True)


class PublishedOut(Schema):
    competition_id = fields.Integer(required=True)
    competition = fields.String(required=True)
    region = fields.String(required=True)
    version = fields.Integer(required=True)
    published_at = fields.AwareDateTime(required=True)
    sha256 = fields.String(required=True, metadata={"description": "The sealed version's SHA-256 hash."})
    units_compete = fields.String(required=True, metadata={"description": "own or parent"})
    awards = fields.List(fields.Nested(PublishedAwardOut), required=True)
    bands = fields.List(fields.Nested(BandOut), required=True)


@bp.route("/competitions/<int:competition_id>/results/published")
@public
@bp.response(200, PublishedOut)
@bp.alt_response(404, description="No such competition, or its results are not published yet.")
@bp.alt_response(401, description="A token was sent and it is wrong, expired or revoked (none is needed).")
def published(competition_id: int) -> dict[str, Any]:
    """The announced winners of a competition and the predikat of its innovations (no token needed)."""
    competition = db.session.get(Competition, competition_id)
    if competition is None:
        abort(404)
    result_set = latest_published_result_set(competition)
    if result_set is None:
        abort(404, "The results of this competition have not been published yet.")
    return {
        "competition_id": competition.id, "competition": competition.name, "region": competition.region.name,
        "version": result_set.version, "published_at": result_set.published_at, "sha256": result_set.sha256,
        "units_compete": result_set.units_compete,
        "awards": [{"id": award["id"], "name": award["name"], "subject": award["subject"],
                    "winners": award_standings(result_set, award["id"], winners_only=True)}
                   for award in sealed_awards(result_set)],
        "bands": [{"label": band.label, "minimum": band.minimum,
                   "innovations": [{"title": title, "organisation": organisation}
                                   for title, organisation in band.innovations]}
                  for band in band_groups(result_set)],
    }

"""The public pages: competitions, how many innovations each has received, and the results
once published. Nothing about an innovation is public before its results are: no titles, no OPDs,
no drafts, returns, rejections or withdrawals, only the number submitted."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template
from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.orm import selectinload

from competition.extensions import db
from competition.models import Competition, Entry, ResultSet
from competition.results.operations import latest_published_result_set
from competition.results.standings import (
    AwardStanding,
    BandGroup,
    award_standings,
    band_groups,
    sealed_awards,
)
from workflows import get_workflow

bp = Blueprint("public", __name__)


@bp.get("/")
def index() -> str:
    competitions = db.session.scalars(
        select(Competition).options(selectinload(Competition.region))
        .order_by(Competition.year.desc(), Competition.name)).all()
    counts = dict(db.session.execute(
        select(Entry.competition_id, func.count()).where(_submitted()).group_by(Entry.competition_id)).all())
    return render_template("public/index.html", competitions=competitions, counts=counts,
                           phases=get_workflow("competition"))


def _submitted() -> ColumnElement[bool]:
    """An innovation counts as submitted once it has been, unless its OPD withdrew it."""
    return and_(Entry.submitted_at.is_not(None), Entry.status != "withdrawn")


@bp.get("/competitions/<int:competition_id>")
def competition(competition_id: int) -> str:
    competition = db.session.get(Competition, competition_id)
    if competition is None:
        abort(404)
    total = db.session.scalar(select(func.count()).select_from(Entry).where(
        Entry.competition_id == competition_id, _submitted())) or 0
    return render_template("public/competition.html", competition=competition,
                           phases=get_workflow("competition"), total=total)


@bp.app_template_global("published_results")
def published_results(competition: Competition) -> ResultSet | None:
    """The newest published version of a competition's results, for links to them."""
    return latest_published_result_set(competition)


@bp.get("/competitions/<int:competition_id>/results")
def results(competition_id: int) -> str:
    """The announced winners, for everyone: only what has been published, never a version that
    is sealed but not yet announced."""
    competition = db.session.get(Competition, competition_id)
    if competition is None:
        abort(404)
    result_set = latest_published_result_set(competition)
    awards: list[tuple[dict[str, Any], list[AwardStanding]]] = []
    bands: list[BandGroup] = []
    if result_set is not None:
        awards = [(award, award_standings(result_set, award["id"], winners_only=True))
                  for award in sealed_awards(result_set)]
        bands = band_groups(result_set)
    return render_template("public/results.html", competition=competition, result_set=result_set,
                           awards=awards, bands=bands)

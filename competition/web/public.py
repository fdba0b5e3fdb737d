"""The first pages: competitions, and per competition its innovations by status."""

from __future__ import annotations

from collections import defaultdict

from flask import Blueprint, abort, render_template
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from competition.extensions import db
from competition.models import Competition, Entry
from competition.permissions import ENTRY_WORKFLOW
from workflows import get_workflow

bp = Blueprint("public", __name__)


@bp.get("/")
def index() -> str:
    competitions = db.session.scalars(
        select(Competition).options(selectinload(Competition.region))
        .order_by(Competition.year.desc(), Competition.name)).all()
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for competition_id, status, count in db.session.execute(
            select(Entry.competition_id, Entry.status, func.count()).group_by(
                Entry.competition_id, Entry.status)):
        counts[competition_id][status] = count
    return render_template("public/index.html", competitions=competitions, counts=counts,
                           workflow=get_workflow(ENTRY_WORKFLOW),
                           phases=get_workflow("competition"))


@bp.get("/competitions/<int:competition_id>")
def competition(competition_id: int) -> str:
    competition = db.session.get(Competition, competition_id)
    if competition is None:
        abort(404)
    entries = db.session.scalars(
        select(Entry).where(Entry.competition_id == competition_id)
        .options(selectinload(Entry.organisation), selectinload(Entry.category))
        .order_by(Entry.title)).all()
    by_status: dict[str, list[Entry]] = defaultdict(list)
    for entry in entries:
        by_status[entry.status].append(entry)
    workflow = get_workflow(ENTRY_WORKFLOW)
    return render_template("public/competition.html", competition=competition,
                           by_status=by_status, workflow=workflow,
                           phases=get_workflow("competition"), total=len(entries))

"""API v1: the competitions a user takes part in."""

from __future__ import annotations

from typing import Any

from flask_login import current_user
from marshmallow import Schema, fields
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from competition.api import blueprint, needs, with_etag
from competition.api.schemas import PageArgs, page_of
from competition.errors import NotFound
from competition.extensions import db
from competition.models import Competition
from competition.policy import taking_part
from workflows import get_workflow, load_workflows
from workflows.messages import t

bp = blueprint("api_competitions", __name__, "Competitions the user takes part in, with their roles.")


class CompetitionOut(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    year = fields.Integer(required=True)
    region_id = fields.Integer(required=True)
    region = fields.Function(lambda competition: competition.region.name, required=True)
    phase = fields.String(required=True)
    submission_opens_at = fields.AwareDateTime(required=True)
    submission_closes_at = fields.AwareDateTime(required=True)
    verification_closes_at = fields.AwareDateTime(required=True)
    judging_closes_at = fields.AwareDateTime(required=True)
    version = fields.Integer(required=True, metadata={"description": "Send it back in If-Match."})
    units_compete = fields.String(required=True, metadata={
        "description": "How units under an OPD take part: 'own' (entrants of their own) or 'parent' "
                       "(they count for their OPD)."})
    scheduled_phase_changes = fields.List(fields.String(), required=True, attribute="scheduled_triggers",
                                          metadata={"description": "The phase changes the schedule makes by "
                                                                   "itself at their dates, in their order."})
    close_submissions_on_schedule = fields.Boolean(required=True, metadata={
        "description": "true: the schedule closes submissions at their deadline by itself."})
    reminder_days = fields.Integer(allow_none=True, required=True, metadata={
        "description": "Days before each deadline on which those with work left get a reminder; null: none."})
    roles = fields.Method("my_roles", metadata={"description": "The user's roles in it."})
    categories = fields.Method("category_list")

    def my_roles(self, competition: Competition) -> list[str]:
        return sorted(m.role for m in current_user.memberships if m.competition_id == competition.id)

    def category_list(self, competition: Competition) -> list[dict[str, Any]]:
        return [{"id": category.id, "name": category.name} for category in competition.categories]


@bp.route("/competitions")
@bp.arguments(PageArgs, location="query")
@bp.response(200, page_of(CompetitionOut, "CompetitionPage"))
@needs("read")
def competitions(page: dict[str, int]) -> dict[str, Any]:
    """The competitions in which the user holds a role, newest first."""
    total = db.session.scalar(select(func.count()).select_from(Competition).where(taking_part(current_user)))
    items = db.session.scalars(select(Competition).where(taking_part(current_user))
                               .options(selectinload(Competition.region),
                                        selectinload(Competition.categories),
                                        selectinload(Competition.scheduled_changes))
                               .order_by(Competition.year.desc(), Competition.id.desc())
                               .limit(page["per_page"]).offset((page["page"] - 1) * page["per_page"]))
    return {"items": list(items), "total": total, **page}


def competition_for(competition_id: int) -> Competition:
    """A competition the user takes part in; 404 for any other (as the pages do)."""
    competition = db.session.scalar(select(Competition).where(Competition.id == competition_id,
                                                              taking_part(current_user)))
    if competition is None:
        raise NotFound(t("there is no competition with id %(id)s", id=competition_id))
    return competition


@bp.route("/competitions/<int:competition_id>")
@bp.response(200, CompetitionOut, headers={"ETag": {"schema": {"type": "string"}}})
@needs("read")
def competition(competition_id: int) -> Response:
    """One competition the user takes part in, with its version as the ETag."""
    found = competition_for(competition_id)
    return with_etag(CompetitionOut(), found, found.version)


class StateOut(Schema):
    name = fields.String(required=True)
    kind = fields.String(required=True)
    label_id = fields.String(required=True)
    label_en = fields.String(required=True)


class TransitionOut(Schema):
    trigger = fields.String(required=True)
    sources = fields.List(fields.String(), required=True)
    dest = fields.String(required=True)
    roles = fields.Function(lambda move: sorted(move.roles), required=True)
    phases = fields.Function(lambda move: sorted(move.phases or ()), required=True)
    guards = fields.List(fields.String(), required=True)
    comment_required = fields.Boolean(required=True)


class WorkflowOut(Schema):
    name = fields.String(required=True)
    label_id = fields.String(required=True)
    label_en = fields.String(required=True)
    initial = fields.String(required=True)
    states = fields.List(fields.Nested(StateOut), required=True)
    transitions = fields.List(fields.Nested(TransitionOut), required=True)
    diagram = fields.String(required=True, metadata={"description": "The workflow drawn in Mermaid."})


@bp.route("/workflows")
@bp.response(200, WorkflowOut(many=True))
@needs("read")
def workflows() -> list[dict[str, Any]]:
    """The workflows this installation runs (innovations, competition phases, rounds, sheets,
    sealed results): their states, transitions, who may fire each, and their diagrams."""
    return [_workflow(name) for name in load_workflows()]


def _workflow(name: str) -> dict[str, Any]:
    workflow = get_workflow(name)
    definition = workflow.definition
    return {"name": name, "label_id": definition.label_id, "label_en": definition.label_en,
            "initial": definition.initial, "states": definition.states,
            "transitions": definition.transitions, "diagram": workflow.diagram()}

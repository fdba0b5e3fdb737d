"""API v1: setting competitions up, as the organiser's set-up pages do. A new competition, one set
up like an earlier one, the name and timeline with what the schedule does by itself, the phase,
the rule for units under an OPD, and the categories: through the same operations and the same
policy as the pages (a competition the user takes no part in is not found, 404; one they take
part in but do not organise is refused, 403)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any, TypeVar

from flask_login import current_user
from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema
from sqlalchemy import func, select
from werkzeug.wrappers import Response

from competition.api import blueprint, content_tag, expected_version, needs, with_etag
from competition.api.problems import problem
from competition.api.schemas import AN_ID, PageArgs, page_of
from competition.api.schemas import refusals as declared_refusals
from competition.competitions.api import CompetitionOut, competition_for
from competition.competitions.cloning import clone_competition
from competition.competitions.operations import (
    TIMELINE,
    add_category,
    change_competition_phase,
    create_competition,
    remove_category,
    rename_category,
    rename_competition,
    set_units_compete,
    timeline_fields_named,
    timeline_problems,
    update_timeline,
)
from competition.errors import ConcurrentChange, InvalidInput, NotFound, NotPermitted
from competition.extensions import db
from competition.jobs.schedule import MAX_REMINDER_DAYS, set_schedule
from competition.models import SCHEDULABLE_CHANGES, UNITS_COMPETE_RULES, UNITS_OWN, Category, Competition
from competition.people.operations import grant_role
from competition.policy import is_organiser, organised_competitions
from competition.unit_of_work import atomic
from workflows import WorkflowError
from workflows.messages import t

F = TypeVar("F", bound=Callable[..., Any])
bp = blueprint("api_setup", __name__, "Setting competitions up: creating and cloning them, their name, "
               "timeline and schedule, phase, rule for units under an OPD, and categories.")

ETAG = {"ETag": {"schema": {"type": "string"}}}




def refusals(*codes: int) -> Callable[[F], F]:
    """Declare the problem details an endpoint may answer with."""
    return declared_refusals(bp, *codes)


def _moment(required: bool = True) -> fields.AwareDateTime:
    return fields.AwareDateTime(required=required, metadata={
        "description": "ISO 8601 with its offset, e.g. 2027-03-01T08:00:00+07:00."})


class TimelineIn(Schema):
    class Meta:
        unknown = RAISE

    submission_opens_at = _moment()
    submission_closes_at = _moment()
    verification_closes_at = _moment()
    judging_closes_at = _moment()


class CloneIn(TimelineIn):
    """The new competition's name, year and timeline; everything else comes from the source."""

    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    year = fields.Integer(required=True, validate=validate.Range(min=2000, max=2100))


class CompetitionIn(CloneIn):
    """A new competition in one of the regions whose competitions the user organises."""

    region_id = fields.Integer(required=True, validate=AN_ID)
    categories = fields.List(fields.String(validate=validate.Length(min=1, max=120)), load_default=list,
                             validate=validate.Length(max=100),
                             metadata={"description": "Category names, each once (optional)."})


class CompetitionChange(Schema):
    """What to change; anything left out stays as it is. A moment whose phase is over no longer
    changes."""

    class Meta:
        unknown = RAISE

    name = fields.String(validate=validate.Length(min=1, max=200))
    submission_opens_at = _moment(False)
    submission_closes_at = _moment(False)
    verification_closes_at = _moment(False)
    judging_closes_at = _moment(False)
    scheduled_phase_changes = fields.List(
        fields.String(validate=validate.OneOf(tuple(SCHEDULABLE_CHANGES))), validate=validate.Length(max=4),
        metadata={"description": "The phase changes the schedule makes by itself at their dates, all of "
                                 "them (open_submissions, close_submissions, start_judging, close_judging)."})
    close_submissions_on_schedule = fields.Boolean(metadata={
        "description": "true: the schedule closes submissions at their deadline by itself (the same as "
                       "close_submissions in scheduled_phase_changes)."})
    reminder_days = fields.Integer(allow_none=True, validate=validate.Range(min=1, max=MAX_REMINDER_DAYS),
                                   metadata={"description": "Days before each deadline on which those "
                                                            "with work left get a reminder; null: none."})

    @validates_schema
    def _one_answer_for_closing(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if "scheduled_phase_changes" in data and "close_submissions_on_schedule" in data and (
                ("close_submissions" in data["scheduled_phase_changes"])
                != data["close_submissions_on_schedule"]):
            raise ValidationError("Disagrees with scheduled_phase_changes; send one of them.",
                                  "close_submissions_on_schedule")


class PhaseIn(Schema):
    class Meta:
        unknown = RAISE

    trigger = fields.String(required=True, validate=validate.Length(min=1, max=40), metadata={
        "description": "open_submissions, close_submissions, start_judging, close_judging, "
                       "close_competition, …"})
    comment = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=4000))


class UnitsIn(Schema):
    class Meta:
        unknown = RAISE

    rule = fields.String(required=True, validate=validate.OneOf(UNITS_COMPETE_RULES), metadata={
        "description": "'own': units under an OPD compete as entrants of their own; 'parent': they "
                       "count for their OPD."})


class CategoryOut(Schema):
    id = fields.Integer(required=True)
    competition_id = fields.Integer(required=True)
    name = fields.String(required=True)
    description = fields.String(required=True)


class CategoryIn(Schema):
    class Meta:
        unknown = RAISE

    name = fields.String(required=True, validate=validate.Length(min=1, max=120))


# -- finding things ---------------------------------------------------------------------------------

def organised(competition_id: int) -> Competition:
    """A competition the user organises: 404 when they take no part in it, 403 when they do but
    do not organise it (as the set-up pages refuse)."""
    competition = competition_for(competition_id)
    if not is_organiser(current_user, competition):
        raise NotPermitted(t("%(user)s is not an organiser of %(competition)s", user=current_user.name,
                             competition=competition.name))
    return competition


def category_of(category_id: int) -> Category:
    """A category of a competition the user takes part in; 404 for any other."""
    category = db.session.get(Category, category_id)
    if category is None:
        raise NotFound(t("there is no category with id %(id)s", id=category_id))
    competition_for(category.competition_id)
    return category


def organised_category(category_id: int) -> Category:
    category = category_of(category_id)
    organised(category.competition_id)
    return category


@contextmanager
def at_version(competition: Competition, expected: int) -> Iterator[None]:
    """All of the block or nothing, on the competition at the version the client read: a change
    made meanwhile is a conflict (412)."""
    with atomic():
        if competition.version != expected:      # read again: the block starts afresh
            raise ConcurrentChange(t("%(name)s was changed by someone else; reload it",
                                     name=competition.name))
        yield


def _answer(competition: Competition, status: int = 200) -> Response:
    return with_etag(CompetitionOut(), competition, competition.version, status)


def _timeline_refused(error: InvalidInput) -> InvalidInput:
    return InvalidInput(timeline_fields_named(error.problems))


# -- a new competition ------------------------------------------------------------------------------

@bp.route("/competitions", methods=["POST"])
@bp.arguments(CompetitionIn)
@bp.response(201, CompetitionOut, headers=ETAG)
@refusals(401, 403, 422)
@needs("write")
def create(body: dict[str, Any]) -> Response:
    """Create a competition in one of the user's regions; the user becomes its organiser."""
    mine = organised_competitions(current_user)
    if not mine:
        raise NotPermitted(t("%(user)s organises no competition", user=current_user.name))
    region = next((c.region for c in mine if c.region_id == body["region_id"]), None)
    problems = [] if region is not None else [t("region_id: choose one of the regions whose "
                                                "competitions you organise")]
    moments = {field: body[field] for field in TIMELINE}
    problems += timeline_fields_named(timeline_problems(moments))
    names = [name.strip() for name in body["categories"]]
    if len({name.casefold() for name in names}) != len(names):
        problems.append(t("categories: each category once"))
    if problems:
        raise InvalidInput(problems)
    assert region is not None
    with atomic():
        competition = create_competition(name=body["name"], year=body["year"], region=region,
                                         categories=names, units_compete=UNITS_OWN, **moments)
        grant_role(current_user, competition, "organiser")
    return _answer(competition, 201)


@bp.route("/competitions/<int:competition_id>/clone", methods=["POST"])
@bp.arguments(CloneIn)
@bp.response(201, CompetitionOut, headers=ETAG)
@refusals(401, 403, 404, 422)
@needs("write")
def clone(body: dict[str, Any], competition_id: int) -> Response:
    """A new competition in set-up, set up like this one.

    It takes the categories, rounds with their rubrics, panels with their judges (who become its
    judges), awards, bands and result rules; no innovation, sheet, score or result."""
    source = organised(competition_id)
    problems = timeline_fields_named(timeline_problems({field: body[field] for field in TIMELINE}))
    if problems:
        raise InvalidInput(problems)
    competition = clone_competition(source, current_user, **body)
    return _answer(competition, 201)


# -- name, timeline and schedule --------------------------------------------------------------------

@bp.route("/competitions/<int:competition_id>", methods=["PATCH"])
@bp.arguments(CompetitionChange)
@bp.response(200, CompetitionOut, headers=ETAG)
@refusals(401, 403, 404, 412, 422, 428)
@needs("write")
def update(change: dict[str, Any], competition_id: int) -> Response:
    """Change the name, the timeline and what the schedule does by itself. Needs If-Match."""
    competition = organised(competition_id)
    expected = expected_version(competition.version, "competition")
    try:
        with at_version(competition, expected):
            _apply(competition, change)
    except ConcurrentChange as error:
        return problem(412, "Precondition Failed", str(error))
    return _answer(competition)


def _apply(competition: Competition, change: dict[str, Any]) -> None:
    if "name" in change:
        rename_competition(competition, current_user, change["name"])
    if any(field in change for field in TIMELINE):
        moments: dict[str, datetime] = {field: change.get(field, getattr(competition, field))
                                        for field in TIMELINE}
        try:
            update_timeline(competition, current_user, **moments)
        except InvalidInput as error:
            raise _timeline_refused(error) from error
    if {"scheduled_phase_changes", "close_submissions_on_schedule", "reminder_days"} & set(change):
        triggers = set(change.get("scheduled_phase_changes", competition.scheduled_triggers))
        if "close_submissions_on_schedule" in change:
            triggers.discard("close_submissions")
            if change["close_submissions_on_schedule"]:
                triggers.add("close_submissions")
        set_schedule(competition, current_user, triggers=triggers,
                     reminder_days=change.get("reminder_days", competition.reminder_days))


# -- phase and units --------------------------------------------------------------------------------

@bp.route("/competitions/<int:competition_id>/phase", methods=["POST"])
@bp.arguments(PhaseIn)
@bp.response(200, CompetitionOut, headers=ETAG)
@refusals(401, 403, 404, 409, 412, 422, 428)
@needs("write")
def phase(body: dict[str, Any], competition_id: int) -> Response:
    """Fire a trigger of the competition's phases (open_submissions, …). Needs If-Match."""
    competition = organised(competition_id)
    expected = expected_version(competition.version, "competition")
    try:
        with at_version(competition, expected):
            change_competition_phase(competition, body["trigger"], current_user, comment=body["comment"])
    except ConcurrentChange as error:
        return problem(412, "Precondition Failed", str(error))
    except WorkflowError as error:
        reasons = list(getattr(error, "reasons", None) or [str(error)])
        return problem(409, "Conflict", "; ".join(reasons), errors={"trigger": reasons})
    return _answer(competition)


@bp.route("/competitions/<int:competition_id>/units", methods=["PUT"])
@bp.arguments(UnitsIn)
@bp.response(200, CompetitionOut, headers=ETAG)
@refusals(401, 403, 404, 412, 422, 428)
@needs("write")
def units(body: dict[str, Any], competition_id: int) -> Response:
    """Set how units under an OPD take part, until the results phase. Needs If-Match."""
    competition = organised(competition_id)
    expected = expected_version(competition.version, "competition")
    try:
        with at_version(competition, expected):
            set_units_compete(competition, current_user, body["rule"])
    except ConcurrentChange as error:
        return problem(412, "Precondition Failed", str(error))
    return _answer(competition)


# -- categories -------------------------------------------------------------------------------------

@bp.route("/competitions/<int:competition_id>/categories")
@bp.arguments(PageArgs, location="query")
@bp.response(200, page_of(CategoryOut, "CategoryPage"))
@refusals(401, 403, 404, 422)
@needs("read")
def categories(page: dict[str, int], competition_id: int) -> dict[str, Any]:
    """The competition's categories, in id order."""
    competition = competition_for(competition_id)
    where = Category.competition_id == competition.id
    total = db.session.scalar(select(func.count()).select_from(Category).where(where))
    items = db.session.scalars(select(Category).where(where).order_by(Category.id)
                               .limit(page["per_page"]).offset((page["page"] - 1) * page["per_page"]))
    return {"items": list(items), "total": total, **page}


def _category_answer(category: Category, status: int = 200) -> Response:
    return with_etag(CategoryOut(), category, content_tag(CategoryOut(), category), status)


@bp.route("/competitions/<int:competition_id>/categories", methods=["POST"])
@bp.arguments(CategoryIn)
@bp.response(201, CategoryOut, headers=ETAG)
@refusals(401, 403, 404, 422)
@needs("write")
def new_category(body: dict[str, Any], competition_id: int) -> Response:
    """Add a category, while submissions are not yet closed."""
    category = add_category(organised(competition_id), current_user, body["name"])
    return _category_answer(category, 201)


@bp.route("/categories/<int:category_id>")
@bp.response(200, CategoryOut, headers=ETAG)
@refusals(401, 403, 404)
@needs("read")
def category(category_id: int) -> Response:
    """One category, with its ETag."""
    return _category_answer(category_of(category_id))


@bp.route("/categories/<int:category_id>", methods=["PATCH"])
@bp.arguments(CategoryIn)
@bp.response(200, CategoryOut, headers=ETAG)
@refusals(401, 403, 404, 412, 422, 428)
@needs("write")
def rename(body: dict[str, Any], category_id: int) -> Response:
    """Rename a category; innovations, panels and awards keep it. Needs If-Match."""
    found = organised_category(category_id)
    expected_version(content_tag(CategoryOut(), found), "category")
    rename_category(found, current_user, body["name"])
    return _category_answer(found)


@bp.route("/categories/<int:category_id>", methods=["DELETE"])
@bp.response(204)
@refusals(401, 403, 404, 422)
@needs("write")
def remove(category_id: int) -> Response:
    """Remove a category no innovation, panel or award uses, before submissions close."""
    remove_category(organised_category(category_id), current_user)
    return Response(status=204)

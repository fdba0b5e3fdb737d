"""API v1 for the organiser's judging: a round's panels and assignments (by hand and automatic),
opening, closing and reopening a round, reopening a judge's confirmed scores, and the declared
conflicts of interest of a competition; besides, a judge declaring a conflict with an innovation
assigned to them. Through the same operations and policy as the pages
(competition/judging/panel_views.py and scoring_views.py).

A round, sheet or competition the user takes no part in is not found (404); one of a competition
they take part in but do not organise is refused (403).
"""

from __future__ import annotations

from typing import Any

from flask_login import current_user
from marshmallow import RAISE, Schema, fields, validate
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload
from werkzeug.wrappers import Response

from competition.api import blueprint, needs
from competition.api.problems import problem
from competition.api.schemas import PageArgs, page_of, refusals
from competition.competitions.api import competition_for
from competition.documents.inputs import NOTE
from competition.errors import InvalidInput, NotFound
from competition.extensions import db
from competition.judging.models import SHEET_STATUSES
from competition.judging.operations import (
    assign_automatically,
    assign_judge,
    create_panel,
    declare_conflict,
    remove_assignment,
)
from competition.judging.rounds import close_round, open_round, reopen_round
from competition.judging.scoring import reopen_scores
from competition.judging.scoring_views import redactor
from competition.judging.sheets_api import masked, my_sheet
from competition.models import (
    Assignment,
    Category,
    Competition,
    ConflictOfInterest,
    Entry,
    Membership,
    Panel,
    PanelMember,
    Round,
    Score,
    User,
)
from competition.policy import require_organiser, takes_part
from workflows import WorkflowError
from workflows.messages import t

bp = blueprint("api_judging", __name__, "Judging for organisers: panels, assignments, rounds opened and "
               "closed, scores reopened, conflicts of interest; and a judge declaring a conflict.")

ROUND_TRIGGERS = ("open", "close", "reopen")


# -- shapes ---------------------------------------------------------------------------------------

class PanelMemberOut(Schema):
    judge_id = fields.Integer(required=True)
    name = fields.String(required=True, attribute="judge.name")


class PanelOut(Schema):
    id = fields.Integer(required=True)
    round_id = fields.Integer(required=True)
    name = fields.String(required=True)
    category_id = fields.Integer(allow_none=True, required=True,
                                 metadata={"description": "None: the panel judges every category."})
    judges = fields.List(fields.Nested(PanelMemberOut), required=True, attribute="members")


class PanelIn(Schema):
    class Meta:
        unknown = RAISE

    name = fields.String(required=True, validate=validate.Length(min=1, max=120))
    judges = fields.List(fields.Integer(validate=validate.Range(min=1, max=2**31 - 1)), required=True,
                         validate=validate.Length(min=1, max=500),
                         metadata={"description": "User ids of judges of the competition."})
    category_id = fields.Integer(load_default=None, allow_none=True,
                                 validate=validate.Range(min=1, max=2**31 - 1),
                                 metadata={"description": "A category of the competition; none for all."})


class AssignmentOut(Schema):
    id = fields.Integer(required=True)
    round_id = fields.Integer(required=True)
    entry_id = fields.Integer(required=True)
    entry_title = fields.String(required=True)
    judge_id = fields.Integer(required=True)
    judge_name = fields.String(required=True)
    panel_id = fields.Integer(allow_none=True, required=True)
    source = fields.String(required=True, metadata={"description": "auto or manual"})
    status = fields.String(required=True, metadata={"description": "open, confirmed or removed"})
    scored = fields.Integer(required=True, metadata={"description": "Criteria with a score."})
    confirmed_at = fields.AwareDateTime(allow_none=True, required=True)
    created_at = fields.AwareDateTime(required=True)


class AssignmentFilter(PageArgs):
    judge_id = fields.Integer(validate=validate.Range(min=1, max=2**31 - 1))
    entry_id = fields.Integer(validate=validate.Range(min=1, max=2**31 - 1))
    status = fields.String(validate=validate.OneOf(SHEET_STATUSES))


class AssignmentIn(Schema):
    class Meta:
        unknown = RAISE

    entry_id = fields.Integer(required=True, validate=validate.Range(min=1, max=2**31 - 1))
    judge_id = fields.Integer(required=True, validate=validate.Range(min=1, max=2**31 - 1))


class AutoAssignIn(Schema):
    class Meta:
        unknown = RAISE

    judges_per_entry = fields.Integer(
        load_default=None, allow_none=True, validate=validate.Range(min=1, max=99),
        metadata={"description": "Default: the round's setting."})
    cap = fields.Integer(
        load_default=None, allow_none=True, validate=validate.Range(min=1, max=1_000_000),
        metadata={"description": "The upper limit of innovations for one judge. Default: "
                                 "the round's setting."})


class AssignmentReportOut(Schema):
    added = fields.Integer(required=True)
    judge_load = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True,
                             attribute="load", data_key="load",
                             metadata={"description": "Innovations per judge (name <e-mail>) in the round."})
    short = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True,
                        metadata={"description": "Judges still missing, per innovation title."})
    conflicts_avoided = fields.Integer(required=True)


class RemovalArgs(Schema):
    reason = fields.String(validate=validate.Length(max=NOTE))


class ReasonIn(Schema):
    class Meta:
        unknown = RAISE

    reason = fields.String(required=True, validate=validate.Length(min=1, max=NOTE))


class RoundTriggerIn(Schema):
    class Meta:
        unknown = RAISE

    trigger = fields.String(required=True, validate=validate.OneOf(ROUND_TRIGGERS))
    reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=NOTE),
                           metadata={"description": "Needed to reopen a round."})
    force = fields.Boolean(load_default=False,
                           metadata={"description": "Close although sheets are unconfirmed (their "
                                                    "drafts do not count)."})


class RoundStatusOut(Schema):
    id = fields.Integer(required=True)
    competition_id = fields.Integer(required=True)
    position = fields.Integer(required=True)
    name = fields.String(required=True)
    status = fields.String(required=True, metadata={"description": "setup, open or closed"})
    blind = fields.Boolean(required=True)
    opened_at = fields.AwareDateTime(allow_none=True, required=True)
    closed_at = fields.AwareDateTime(allow_none=True, required=True)
    advanced = fields.List(fields.String(), required=True,
                           metadata={"description": "Closing: the innovations that moved on."})
    stopped = fields.List(fields.String(), required=True,
                          metadata={"description": "Closing: the innovations that stopped here."})
    not_judged = fields.List(fields.String(), required=True,
                             metadata={"description": "Closing: the innovations without a score."})
    undecided = fields.List(fields.String(), required=True,
                            metadata={"description": "Reopening: outcomes undone."})
    back_to_verified = fields.List(fields.String(), required=True,
                                   metadata={"description": "Reopening: innovations back to verified."})


class ConflictOut(Schema):
    id = fields.Integer(required=True)
    entry_id = fields.Integer(required=True)
    judge_id = fields.Integer(required=True)
    reason = fields.String(required=True)
    declared_at = fields.AwareDateTime(required=True)


class CompetitionConflictOut(ConflictOut):
    entry_title = fields.String(required=True, attribute="entry.title")
    judge_name = fields.String(required=True, attribute="judge.name")


class ConflictFilter(PageArgs):
    judge_id = fields.Integer(validate=validate.Range(min=1, max=2**31 - 1))
    entry_id = fields.Integer(validate=validate.Range(min=1, max=2**31 - 1))


# -- finding things -------------------------------------------------------------------------------

def _organised(competition: Competition, missing: NotFound) -> None:
    """404 (``missing``) unless the user takes part in ``competition``; 403 unless they organise it."""
    if not takes_part(current_user, competition):
        raise missing
    require_organiser(current_user, competition)


def organised_round(round_id: int) -> Round:
    round_ = db.session.get(Round, round_id)
    missing = NotFound(t("there is no round with id %(id)s", id=round_id))
    if round_ is None:
        raise missing
    _organised(round_.competition, missing)
    return round_


def organised_assignment(assignment_id: int) -> Assignment:
    assignment = db.session.get(Assignment, assignment_id)
    missing = NotFound(t("there is no assignment with id %(id)s", id=assignment_id))
    if assignment is None:
        raise missing
    _organised(assignment.round.competition, missing)
    return assignment


def _page(query: dict[str, Any]) -> tuple[int, int]:
    return query["per_page"], (query["page"] - 1) * query["per_page"]


def assignment_rows(where: list[Any], limit: int | None = None, offset: int = 0) -> list[dict[str, Any]]:
    """Assignments as :class:`AssignmentOut` shows them, in id order, with the criteria scored."""
    scored = (select(func.count()).select_from(Score).where(Score.assignment_id == Assignment.id)
              .correlate(Assignment).scalar_subquery())
    rows = db.session.execute(
        select(Assignment, scored).where(*where).order_by(Assignment.id).limit(limit).offset(offset)
        .options(joinedload(Assignment.entry).load_only(Entry.id, Entry.title),
                 joinedload(Assignment.judge).load_only(User.id, User.name))).all()
    return [{"id": a.id, "round_id": a.round_id, "entry_id": a.entry_id, "entry_title": a.entry.title,
             "judge_id": a.judge_id, "judge_name": a.judge.name, "panel_id": a.panel_id, "source": a.source,
             "status": a.status, "scored": count, "confirmed_at": a.confirmed_at, "created_at": a.created_at}
            for a, count in rows]


def _assignment_out(assignment_id: int) -> dict[str, Any]:
    return assignment_rows([Assignment.id == assignment_id])[0]


# -- panels ---------------------------------------------------------------------------------------

@bp.route("/rounds/<int:round_id>/panels")
@bp.arguments(PageArgs, location="query")
@bp.response(200, page_of(PanelOut, "PanelPage"))
@refusals(bp, 404, 422)
@needs("read")
def panels(query: dict[str, Any], round_id: int) -> dict[str, Any]:
    """The round's panels with their judges, in id order."""
    round_ = organised_round(round_id)
    limit, offset = _page(query)
    total = db.session.scalar(select(func.count()).select_from(Panel).where(Panel.round_id == round_.id))
    items = db.session.scalars(select(Panel).where(Panel.round_id == round_.id).order_by(Panel.id)
                               .limit(limit).offset(offset)
                               .options(selectinload(Panel.members).joinedload(PanelMember.judge)))
    return {"items": list(items), "total": total, **query}


def _competition_judges(competition: Competition, ids: list[int]) -> dict[int, User]:
    """Those of ``ids`` who are active judges of the competition (as the page offers them)."""
    return {user.id: user for user in db.session.scalars(
        select(User).join(Membership, Membership.user_id == User.id)
        .where(Membership.competition_id == competition.id, Membership.role == "judge",
               User.active.is_(True), User.id.in_(ids)))}


@bp.route("/rounds/<int:round_id>/panels", methods=["POST"])
@bp.arguments(PanelIn)
@bp.response(201, PanelOut)
@refusals(bp, 400, 404, 422)
@needs("write")
def new_panel(body: dict[str, Any], round_id: int) -> Panel:
    """Create a panel of the competition's judges for the round, for one category or for all."""
    round_ = organised_round(round_id)
    competition = round_.competition
    judges = _competition_judges(competition, body["judges"])
    problems = [t("judges: %(id)s is not a judge of %(competition)s", id=judge_id,
                  competition=competition.name)
                for judge_id in dict.fromkeys(body["judges"]) if judge_id not in judges]
    category = None
    if body["category_id"] is not None:
        category = db.session.get(Category, body["category_id"])
        if category is None or category.competition_id != competition.id:
            problems.append(t("category_id: %(id)s is not a category of %(competition)s",
                              id=body["category_id"], competition=competition.name))
    if problems:
        raise InvalidInput(problems)
    chosen = [judges[judge_id] for judge_id in dict.fromkeys(body["judges"])]
    return create_panel(round_, current_user, name=body["name"], judges=chosen, category=category)


# -- assignments ----------------------------------------------------------------------------------

@bp.route("/rounds/<int:round_id>/assignments")
@bp.arguments(AssignmentFilter, location="query")
@bp.response(200, page_of(AssignmentOut, "AssignmentPage"))
@refusals(bp, 404, 422)
@needs("read")
def assignments(query: dict[str, Any], round_id: int) -> dict[str, Any]:
    """The round's assignments (sheets), in id order.

    Each is a judge on an innovation; those taken off judges (removed) are included. Filter by
    judge, innovation and status."""
    round_ = organised_round(round_id)
    where = [Assignment.round_id == round_.id]
    for name in ("judge_id", "entry_id", "status"):
        if name in query:
            where.append(getattr(Assignment, name) == query[name])
    total = db.session.scalar(select(func.count()).select_from(Assignment).where(*where))
    limit, offset = _page(query)
    return {"items": assignment_rows(where, limit, offset), "total": total,
            "page": query["page"], "per_page": query["per_page"]}


@bp.route("/rounds/<int:round_id>/assignments", methods=["POST"])
@bp.arguments(AssignmentIn)
@bp.response(201, AssignmentOut)
@refusals(bp, 400, 404, 422)
@needs("write")
def add_assignment(body: dict[str, Any], round_id: int) -> dict[str, Any]:
    """Assign a judge to an innovation by hand; conflicts of interest and duplicates are refused."""
    round_ = organised_round(round_id)
    competition = round_.competition
    entry = db.session.get(Entry, body["entry_id"])
    problems = []
    if entry is None or entry.competition_id != competition.id:
        problems.append(t("entry_id: %(id)s is not an innovation of %(competition)s", id=body["entry_id"],
                          competition=competition.name))
    judge = _competition_judges(competition, [body["judge_id"]]).get(body["judge_id"])
    if judge is None:
        problems.append(t("judge_id: %(id)s is not a judge of %(competition)s", id=body["judge_id"],
                          competition=competition.name))
    if problems or entry is None or judge is None:
        raise InvalidInput(problems)
    assignment = assign_judge(round_, entry, judge, current_user)
    return _assignment_out(assignment.id)


@bp.route("/rounds/<int:round_id>/assign", methods=["POST"])
@bp.arguments(AutoAssignIn)
@bp.response(200, AssignmentReportOut)
@refusals(bp, 400, 404, 422)
@needs("write")
def assign(body: dict[str, Any], round_id: int) -> Any:
    """Run the automatic assignment.

    Each innovation gets its judges from its panels, never a conflicted one, within the cap;
    assignments made before are kept and counted."""
    round_ = organised_round(round_id)
    return assign_automatically(round_, current_user, judges_per_entry=body["judges_per_entry"],
                                cap=body["cap"])


@bp.route("/assignments/<int:assignment_id>", methods=["DELETE"])
@bp.arguments(RemovalArgs, location="query")
@bp.response(204)
@refusals(bp, 404, 422)
@needs("write")
def remove(query: dict[str, Any], assignment_id: int) -> Response:
    """Take a judge off an innovation.

    ``reason`` is optional. The sheet is kept as removed, with its draft and history. A confirmed
    sheet must be reopened first."""
    assignment = organised_assignment(assignment_id)
    remove_assignment(assignment, current_user, reason=query.get("reason"))
    return Response(status=204)


@bp.route("/assignments/<int:assignment_id>/reopen", methods=["POST"])
@bp.arguments(ReasonIn)
@bp.response(200, AssignmentOut)
@refusals(bp, 400, 404, 422)
@needs("write")
def reopen(body: dict[str, Any], assignment_id: int) -> dict[str, Any]:
    """Reopen a judge's confirmed sheet, with a reason.

    The judge may change the scores again; the reason is kept in the audit trail."""
    assignment = organised_assignment(assignment_id)
    reopen_scores(assignment, current_user, body["reason"])
    return _assignment_out(assignment_id)


# -- a round's status -----------------------------------------------------------------------------

@bp.route("/rounds/<int:round_id>/status", methods=["POST"])
@bp.arguments(RoundTriggerIn)
@bp.response(200, RoundStatusOut)
@refusals(bp, 400, 404, 409, 422)
@needs("write")
def round_status(body: dict[str, Any], round_id: int) -> Response | dict[str, Any]:
    """Open, close or reopen a round, as its workflow allows.

    Closing with sheets unconfirmed needs ``force`` (their drafts do not count); reopening needs a
    ``reason``."""
    round_ = organised_round(round_id)
    decided: dict[str, list[str]] = {"advanced": [], "stopped": [], "not_judged": [], "undecided": [],
                                     "back_to_verified": []}
    try:
        if body["trigger"] == "open":
            open_round(round_, current_user)
        elif body["trigger"] == "close":
            closure = close_round(round_, current_user, force=body["force"])
            decided.update(advanced=closure.advanced, stopped=closure.stopped, not_judged=closure.not_judged)
        else:
            reopening = reopen_round(round_, current_user, body["reason"] or "")
            decided.update(undecided=reopening.undecided, back_to_verified=reopening.back_to_verified)
    except WorkflowError as error:
        reasons = [str(reason) for reason in getattr(error, "reasons", None) or [str(error)]]
        return problem(409, "Conflict", "; ".join(reasons), errors={"trigger": reasons})
    round_ = db.session.get_one(Round, round_id)
    return {**{name: getattr(round_, name) for name in (
        "id", "competition_id", "position", "name", "status", "blind", "opened_at", "closed_at")}, **decided}


# -- conflicts of interest ------------------------------------------------------------------------

@bp.route("/competitions/<int:competition_id>/conflicts")
@bp.arguments(ConflictFilter, location="query")
@bp.response(200, page_of(CompetitionConflictOut, "ConflictPage"))
@refusals(bp, 404, 422)
@needs("read")
def conflicts(query: dict[str, Any], competition_id: int) -> dict[str, Any]:
    """The conflicts of interest judges declared in the competition, in id order.

    Filter by judge and innovation. Conflicts that follow from the organisation tree are not
    stored: the automatic assignment avoids them."""
    competition = competition_for(competition_id)
    require_organiser(current_user, competition)
    where = [Entry.competition_id == competition.id]
    for name in ("judge_id", "entry_id"):
        if name in query:
            where.append(getattr(ConflictOfInterest, name) == query[name])
    found = select(ConflictOfInterest).join(Entry, Entry.id == ConflictOfInterest.entry_id).where(*where)
    total = db.session.scalar(select(func.count()).select_from(found.subquery()))
    limit, offset = _page(query)
    items = db.session.scalars(found.order_by(ConflictOfInterest.id).limit(limit).offset(offset).options(
        joinedload(ConflictOfInterest.entry).load_only(Entry.id, Entry.title),
        joinedload(ConflictOfInterest.judge).load_only(User.id, User.name)))
    return {"items": list(items), "total": total, "page": query["page"], "per_page": query["per_page"]}


@bp.route("/assignments/<int:assignment_id>/conflict", methods=["POST"])
@bp.arguments(ReasonIn)
@bp.response(201, ConflictOut)
@refusals(bp, 400, 404, 409, 422)
@needs("judge")
def conflict(body: dict[str, Any], assignment_id: int) -> Response | ConflictOfInterest:
    """The judge states a conflict of interest with the innovation of their sheet.

    The innovation leaves the judge's list, and the sheet (with any draft) is taken off them."""
    assignment = my_sheet(assignment_id, scores=False)
    redact = redactor(assignment)
    if assignment.status == "confirmed":
        return problem(409, "Conflict", redact(t(
            "you have confirmed scores for '%(title)s'; ask the organiser to reopen them before "
            "declaring a conflict", title=assignment.entry.title)))
    entry = assignment.entry
    try:
        return declare_conflict(entry, current_user, body["reason"])
    except InvalidInput as error:
        raise InvalidInput(masked(error.problems, redact)) from None

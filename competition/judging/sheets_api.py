"""API v1 for a judge's own sheets ("Penilaian saya"): the list of their assignments, one sheet
with its rubric and their scores, saving a draft and confirming, as the judge's pages
(competition/judging/scoring_views.py) allow: only the judge's own sheet, while they still judge
in its competition and have no conflict of interest with its innovation. In a blind round nothing
names the OPD: the title is masked and the organisation left out.

Reading needs the ``read`` or the ``judge`` scope; saving and confirming need ``judge`` (a token
with ``write`` alone may not score). A sheet's ETag is a digest of how it is shown
(:func:`competition.api.content_tag`): any change to it (a value, a comment, its status, its
round's status) makes an earlier one stale.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_babel import gettext as _
from flask_login import current_user
from marshmallow import RAISE, Schema, fields, validate
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response

from competition.api import blueprint, content_tag, expected_version, needs, with_etag
from competition.api.problems import problem
from competition.api.schemas import PageArgs, page_of, refusals
from competition.documents.inputs import NOTE, text_problem
from competition.errors import InvalidInput, NotFound, NotPermitted
from competition.extensions import db
from competition.judging.models import REMOVED
from competition.judging.queries import ENTRY_NAMING, judge_sheet, reopened_reason
from competition.judging.rounds_api import CriterionOut
from competition.judging.scoring import confirm_scores, save_scores, value_problem
from competition.judging.scoring_views import masking, running_total
from competition.models import Assignment, ConflictOfInterest, Criterion, Entry, Organisation, Round, Score
from competition.policy import can_score, competitions_where, hides_organisation, is_conflicted, takes_part
from workflows.messages import t

bp = blueprint("api_scoring", __name__, "A judge's own sheets: their assignments, the rubric with their "
               "scores, saving drafts and confirming.")

SHEET_STATES = ("not_started", "draft", "confirmed", "conflict")
ID_KEY = validate.Regexp(r"^[1-9][0-9]{0,9}$", error="Not a criterion id.")


# -- shapes ---------------------------------------------------------------------------------------

class MySheetOut(Schema):
    id = fields.Integer(required=True, metadata={"description": "The assignment (sheet) id."})
    competition_id = fields.Integer(required=True)
    round_id = fields.Integer(required=True)
    round_name = fields.String(required=True)
    round_status = fields.String(required=True, metadata={"description": "setup, open or closed"})
    blind = fields.Boolean(required=True)
    entry_id = fields.Integer(required=True)
    entry_title = fields.String(required=True, metadata={"description": "In a blind round, the OPD masked."})
    status = fields.String(required=True, metadata={"description": "open or confirmed"})
    state = fields.String(required=True, metadata={"description": ", ".join(SHEET_STATES)})
    scored = fields.Integer(required=True, metadata={"description": "Criteria with a score."})
    confirmed_at = fields.AwareDateTime(allow_none=True, required=True)


class MySheetFilter(PageArgs):
    status = fields.String(validate=validate.OneOf(("open", "confirmed")))


class CriterionScoreOut(CriterionOut):
    """A criterion of the rubric, as set up, with the judge's score and notes."""

    value = fields.Float(allow_none=True, required=True, metadata={"description": "The judge's score."})
    comment = fields.String(required=True)


class SheetInnovationOut(Schema):
    """The innovation as the scoring page shows it beside the rubric (in a blind round its texts
    with the OPD's names replaced by [OPD])."""

    category = fields.String(allow_none=True, required=True)
    inisiator = fields.String(required=True)
    tahapan = fields.String(required=True)
    jenis = fields.String(required=True)
    bentuk = fields.String(required=True)
    urusan = fields.String(required=True)
    urusan_terkait = fields.String(required=True)
    trial_started_on = fields.Date(allow_none=True, required=True)
    implemented_on = fields.Date(allow_none=True, required=True)
    anggaran_rupiah = fields.Integer(allow_none=True, required=True)
    rancang_bangun = fields.String(required=True)
    tujuan = fields.String(required=True)
    manfaat = fields.String(required=True)
    hasil = fields.String(required=True)


class SheetOut(Schema):
    id = fields.Integer(required=True)
    competition_id = fields.Integer(required=True)
    round_id = fields.Integer(required=True)
    round_name = fields.String(required=True)
    round_status = fields.String(required=True)
    blind = fields.Boolean(required=True)
    entry_id = fields.Integer(required=True)
    entry_title = fields.String(required=True)
    organisation = fields.String(allow_none=True, required=True,
                                 metadata={"description": "The OPD; none in a blind round."})
    status = fields.String(required=True, metadata={"description": "open or confirmed"})
    editable = fields.Boolean(required=True, metadata={"description": "Scores may be saved now."})
    innovation = fields.Nested(SheetInnovationOut, required=True, metadata={
        "description": "What is being judged; its evidence: GET /innovations/{entry_id}/evidence."})
    criteria = fields.List(fields.Nested(CriterionScoreOut), required=True)
    missing = fields.Integer(required=True, metadata={"description": "Criteria without a score yet."})
    total = fields.String(required=True, metadata={"description": "The weighted total so far, 0–100."})
    confirmed_at = fields.AwareDateTime(allow_none=True, required=True)
    reopened_reason = fields.String(allow_none=True, required=True, metadata={
        "description": "Why the organisers reopened the confirmed scores, while the sheet is open again "
                       "after that; none otherwise. In a blind round the OPD is named \"[OPD]\"."})


class SheetIn(Schema):
    """The whole sheet: a criterion left out (or null) has no score afterwards."""

    class Meta:
        unknown = RAISE

    # The values are checked per criterion (competition.judging.scoring.value_problem), so that a
    # problem is named by its criterion's field: scores.<criterion id>.
    scores = fields.Dict(keys=fields.String(validate=ID_KEY),
                         values=fields.Raw(allow_none=True, metadata={"type": "number"}),
                         required=True, metadata={"description": "Criterion id -> value."})
    comments = fields.Dict(keys=fields.String(validate=ID_KEY), values=fields.String(
        validate=validate.Length(max=NOTE)), load_default=dict,
        metadata={"description": "Criterion id -> notes (a criterion with notes needs a value)."})


# -- finding the sheet ----------------------------------------------------------------------------

def my_sheet(assignment_id: int, *, scores: bool = True) -> Assignment:
    """The user's own sheet, as the judge's pages load it: 404 when there is none or it is another
    judge's in a competition the user takes no part in; 403 when it is another's in one they take
    part in, or the user may not score it (taken off it, no longer a judge, a conflict)."""
    assignment, declared = judge_sheet(assignment_id, current_user, scores=scores, texts=True)
    if assignment is None:
        raise NotFound(t("there is no assignment with id %(id)s", id=assignment_id))
    round_ = assignment.round
    if assignment.judge_id != current_user.id and not takes_part(current_user, round_.competition):
        raise NotFound(t("there is no assignment with id %(id)s", id=assignment_id))
    if not can_score(current_user, assignment, declared):
        title = masking(assignment.entry, round_.blind)(assignment.entry.title)
        if assignment.judge_id == current_user.id and assignment.status != REMOVED and is_conflicted(
                current_user, assignment.entry, declared):
            raise NotPermitted(t("%(judge)s has a conflict of interest with '%(title)s'",
                                 judge=current_user.name, title=title))
        raise NotPermitted(t("%(judge)s is not assigned to '%(title)s' in round '%(round)s'",
                             judge=current_user.name, title=title, round=round_.name))
    return assignment


def masked(problems: list[str], redact: Callable[[str | None], str]) -> list[str]:
    """A service's problems with the OPD masked; a problem that names no OPD is kept as it came
    (the same text object, with whatever it carries besides its words)."""
    return [text if (shown := redact(text)) == text else shown for text in problems]


def _hidden(assignment: Assignment) -> bool:
    return assignment.round.blind or hides_organisation(current_user, assignment.entry)


def sheet_shown(assignment: Assignment, hidden: bool) -> dict[str, Any]:
    """The sheet as :class:`SheetOut` shows it (``hidden``: without naming the OPD)."""
    round_, entry = assignment.round, assignment.entry
    given = {score.criterion_id: score for score in assignment.scores}
    criteria = list(round_.criteria)
    return {
        "id": assignment.id, "competition_id": round_.competition_id, "round_id": round_.id,
        "round_name": round_.name, "round_status": round_.status, "blind": round_.blind,
        "entry_id": entry.id, "entry_title": masking(entry, hidden)(entry.title),
        "organisation": None if hidden else entry.organisation.name, "status": assignment.status,
        "editable": _locked(assignment) is None,
        "innovation": _innovation_shown(entry, masking(entry, hidden)),
        "criteria": [{
            "id": c.id, "round_id": c.round_id, "position": c.position, "name": c.name,
            "guidance": c.guidance, "weight": c.weight,
            "independent": c.independent, "scale": c.scale, "min_value": c.min_value,
            "max_value": c.max_value, "step": c.step,
            "levels": [{"value": level.value, "label": level.label} for level in c.levels],
            "value": given[c.id].value if c.id in given else None,
            "comment": given[c.id].comment if c.id in given else ""} for c in criteria],
        "missing": sum(1 for c in criteria if c.id not in given),
        "total": str(running_total(criteria, {k: s.value for k, s in given.items()})),
        "confirmed_at": assignment.confirmed_at,
        "reopened_reason": reopened_reason(assignment, masking(entry, hidden)),
    }


def _innovation_shown(entry: Entry, redact: Callable[[str | None], str]) -> dict[str, Any]:
    texts = {name: redact(getattr(entry, name)) for name in (
        "urusan", "urusan_terkait", "rancang_bangun", "tujuan", "manfaat", "hasil")}
    return {"category": entry.category.name if entry.category else None, "inisiator": entry.inisiator,
            "tahapan": entry.tahapan, "jenis": entry.jenis, "bentuk": entry.bentuk,
            "trial_started_on": entry.trial_started_on, "implemented_on": entry.implemented_on,
            "anggaran_rupiah": entry.anggaran_rupiah, **texts}


def _locked(assignment: Assignment) -> str | None:
    """Why no score may be saved now, as the scoring page says it, or None."""
    if assignment.status == "confirmed":
        return _("These scores are confirmed and locked.")
    if assignment.round.status != "open":
        return _("Scores can only be given while the round is open.")
    return None


def _answer(assignment_id: int, hidden: bool | None = None) -> Response:
    """The sheet with its ETag: the user's own, checked first; or (``hidden`` given) read again
    after a change the user was allowed to make, with ``hidden`` as found then."""
    if hidden is None:
        assignment = my_sheet(assignment_id)
        hidden = _hidden(assignment)
    else:
        assignment = judge_sheet(assignment_id, current_user, texts=True)[0] or my_sheet(assignment_id)
    shown = sheet_shown(assignment, hidden)
    return with_etag(SheetOut(), shown, content_tag(SheetOut(), shown))


def _expected(assignment: Assignment, hidden: bool) -> None:
    """428 or 412 unless If-Match names the sheet as it is shown now."""
    expected_version(content_tag(SheetOut(), sheet_shown(assignment, hidden)), "sheet")


# -- the list -------------------------------------------------------------------------------------

@bp.route("/scoring")
@bp.arguments(MySheetFilter, location="query")
@bp.response(200, page_of(MySheetOut, "MySheetPage"))
@refusals(bp, 422)
@needs("read", "judge")
def my_sheets(query: dict[str, Any]) -> dict[str, Any]:
    """The user's own sheets, in id order.

    Every competition they judge in; sheets taken off them are left out. Filter by status. A
    sheet whose innovation the judge has a conflict with is in the state ``conflict`` and cannot
    be opened."""
    competition_ids = competitions_where(current_user, "judge")
    if not competition_ids:
        raise NotPermitted(t("%(user)s is not a judge in any competition", user=current_user.name))
    where = [Assignment.judge_id == current_user.id, Assignment.status != REMOVED,
             Round.competition_id.in_(competition_ids)]
    if "status" in query:
        where.append(Assignment.status == query["status"])
    total = db.session.scalar(select(func.count()).select_from(Assignment)
                              .join(Round, Round.id == Assignment.round_id).where(*where))
    scored = (select(func.count()).select_from(Score).where(Score.assignment_id == Assignment.id)
              .correlate(Assignment).scalar_subquery())
    entry = joinedload(Assignment.entry)
    rows = db.session.execute(
        select(Assignment, scored).join(Round, Round.id == Assignment.round_id).where(*where)
        .order_by(Assignment.id).limit(query["per_page"]).offset((query["page"] - 1) * query["per_page"])
        .options(joinedload(Assignment.round),
                 entry.load_only(*ENTRY_NAMING).joinedload(Entry.organisation).joinedload(Organisation.parent))
    ).all()
    declared = {(entry_id, judge_id) for entry_id, judge_id in db.session.execute(
        select(ConflictOfInterest.entry_id, ConflictOfInterest.judge_id)
        .where(ConflictOfInterest.judge_id == current_user.id))}
    items = []
    for assignment, count in rows:
        round_ = assignment.round
        if assignment.status == "confirmed":
            state = "confirmed"
        elif is_conflicted(current_user, assignment.entry, declared):
            state = "conflict"
        else:
            state = "draft" if count else "not_started"
        items.append({
            "id": assignment.id, "competition_id": round_.competition_id, "round_id": round_.id,
            "round_name": round_.name, "round_status": round_.status, "blind": round_.blind,
            "entry_id": assignment.entry_id,
            "entry_title": masking(assignment.entry, round_.blind)(assignment.entry.title),
            "status": assignment.status, "state": state, "scored": count,
            "confirmed_at": assignment.confirmed_at})
    return {"items": items, "total": total, "page": query["page"], "per_page": query["per_page"]}


# -- one sheet ------------------------------------------------------------------------------------

ETAG = {"ETag": {"schema": {"type": "string"}, "description": "Send it back in If-Match."}}


@bp.route("/assignments/<int:assignment_id>/sheet")
@bp.response(200, SheetOut, headers=ETAG)
@refusals(bp, 404)
@needs("read", "judge")
def sheet(assignment_id: int) -> Response:
    """One of the judge's sheets, with its ETag.

    The rubric with its scales and levels, the judge's values and notes, the sheet's status and
    the weighted total so far."""
    return _answer(assignment_id)


def _number(value: object) -> float | None:
    """A JSON number as a float (value_problem then refuses infinity), or None for anything else."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        return float(value)
    except OverflowError:
        return None


def _read_sheet(body: dict[str, Any], criteria: list[Criterion]
                ) -> tuple[dict[int, tuple[float, str]], list[int]]:
    """The values and notes sent, checked per criterion; :raises InvalidInput: naming each field
    (``scores.<criterion id>``, ``comments.<criterion id>``)."""
    by_id = {str(c.id): c for c in criteria}
    scores, comments = body["scores"], body["comments"]
    problems = []
    for field, given in (("scores", scores), ("comments", comments)):
        problems += [f"{field}.{key}: " + t("criterion %(id)s is not in the rubric of round '%(round)s'",
                                            id=key, round=criteria[0].round.name if criteria else "")
                     for key in given if key not in by_id]
    values: dict[int, tuple[float, str]] = {}
    for key, criterion in by_id.items():
        value, comment = scores.get(key), (comments.get(key) or "").strip()
        if problem := text_problem(criterion.name, comment, NOTE):
            problems.append(f"comments.{key}: {problem}")
        elif comment and value is None:
            problems.append(f"comments.{key}: " + t("%(criterion)s: give a score to keep the notes",
                                                    criterion=criterion.name))
        if value is None:
            continue
        number = _number(value)
        if number is None:
            problems.append(f"scores.{key}: " + t("%(criterion)s: %(value)s is not a number",
                                                  criterion=criterion.name, value=str(value)[:40]))
        elif problem := value_problem(criterion, number):
            problems.append(f"scores.{key}: {problem}")
        else:
            values[criterion.id] = (number, comment)
    if problems:
        raise InvalidInput(problems)
    return values, [c.id for c in criteria if c.id not in values]


@bp.route("/assignments/<int:assignment_id>/sheet", methods=["PUT"])
@bp.arguments(SheetIn)
@bp.response(200, SheetOut, headers=ETAG)
@refusals(bp, 400, 404, 409, 412, 422, 428)
@needs("judge")
def save_sheet(body: dict[str, Any], assignment_id: int) -> Response:
    """Save the whole sheet as a draft. Needs If-Match.

    Every criterion's value (and notes); a criterion left out, or null, has no score afterwards."""
    assignment = my_sheet(assignment_id)
    hidden = _hidden(assignment)
    _expected(assignment, hidden)
    if locked := _locked(assignment):
        return problem(409, "Conflict", locked)
    redact = masking(assignment.entry, hidden)
    values, cleared = _read_sheet(body, list(assignment.round.criteria))
    try:
        save_scores(assignment, current_user, values, cleared)
    except InvalidInput as error:
        raise InvalidInput(masked(error.problems, redact)) from None
    return _answer(assignment_id, hidden)


@bp.route("/assignments/<int:assignment_id>/confirm", methods=["POST"])
@bp.response(200, SheetOut, headers=ETAG)
@refusals(bp, 404, 409, 412, 422, 428)
@needs("judge")
def confirm(assignment_id: int) -> Response:
    """Confirm the sheet and lock its scores. Needs If-Match.

    Every criterion needs a score first."""
    assignment = my_sheet(assignment_id)
    hidden = _hidden(assignment)
    _expected(assignment, hidden)
    if locked := _locked(assignment):
        return problem(409, "Conflict", locked)
    redact = masking(assignment.entry, hidden)
    try:
        confirm_scores(assignment, current_user)
    except InvalidInput as error:
        raise InvalidInput(masked(error.problems, redact)) from None
    return _answer(assignment_id, hidden)

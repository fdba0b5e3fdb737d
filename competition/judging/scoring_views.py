"""The judge's pages, "Penilaian saya": the rounds and innovations assigned to the signed-in judge,
and scoring one innovation with its evidence in view — drafts saved as they are typed, a summary
before confirming and locking the scores, moving on to the next innovation not yet confirmed, and
declaring a conflict of interest.

In a blind round nothing on these pages names the OPD or the people behind the innovation: not the
organisation, not who entered it or uploaded its evidence, not the evidence's original file names.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.wrappers import Response
from wtforms import TextAreaField
from wtforms.validators import DataRequired

from competition.documents.formatting import format_decimal
from competition.documents.inputs import NOTE, read_decimal, text_problem
from competition.entries.views import CHOICES
from competition.errors import AnugerahError, InvalidInput
from competition.extensions import db
from competition.judging.operations import declare_conflict
from competition.judging.queries import (
    judge_rounds,
    judge_sheet,
    masking,
    next_open_assignment,
    reopened_reason,
)
from competition.judging.scoring import ScoreInput, confirm_scores, save_scores, value_problem
from competition.judging.sheets import criterion_spec
from competition.models import (
    Assignment,
    Criterion,
    Evidence,
    Score,
)
from competition.models.types import utcnow
from competition.policy import can_score, competitions_where
from competition.ranking.exact import shown
from competition.ranking.totals import CriterionSpec, judge_total
from competition.web.forms import PageForm, Text

bp = Blueprint("scoring", __name__, url_prefix="/scoring")

STATE_LABELS = {
    "not_started": _l("Not started"),
    "draft": _l("Draft saved"),
    "confirmed": _l("Confirmed"),
    "conflict": _l("Conflict of interest"),
}


class ScoringForm(PageForm):
    """Only the CSRF token; the value and notes per criterion are read from the form as sent."""


class ConflictForm(PageForm):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Text(NOTE)])


def _language() -> str:
    return str(get_locale() or "id")


def _timezone() -> ZoneInfo:
    return ZoneInfo(current_app.config["DISPLAY_TIMEZONE"])


def _number(value: float) -> str:
    """A score as people read it: 70 → "70", 7.5 → "7,5" (in Indonesian)."""
    places = 0 if value == int(value) else len(f"{value:g}".partition(".")[2])
    return format_decimal(value, min(places, 4), _language())


def _clock(moment: datetime) -> str:
    local = moment.astimezone(_timezone())
    return f"{local:%H.%M}" if _language() == "id" else f"{local:%H:%M}"


# -- the list --------------------------------------------------------------------------------------

@bp.get("")
@login_required
def index() -> str:
    """Every round the judge scores in, open ones first, each with its innovations and progress."""
    competition_ids = competitions_where(current_user, "judge")
    if not competition_ids:
        abort(403)
    listing = judge_rounds(current_user, competition_ids, redactor)
    # A declared conflict took the assignment away: its title is masked when the competition
    # has a blind round.
    conflicts = [(conflict, masking(conflict.entry, any(r.blind for r in conflict.entry.competition.rounds))
                  (conflict.entry.title)) for conflict in listing.conflicts]
    return render_template("judging/scoring/index.html", current=listing.current, done=listing.done,
                           conflicts=conflicts, state_labels=STATE_LABELS)


# -- one innovation --------------------------------------------------------------------------------

def _my_assignment(assignment_id: int, *, page: bool = False, scores: bool = True) -> Assignment:
    """The signed-in judge's assignment, loaded as :func:`judge_sheet` does (``page``: with what
    the scoring page shows): 404 when there is none, 403 when it is someone else's or the judge
    may not see the innovation (no longer a judge, or a conflict of interest)."""
    assignment, declared = judge_sheet(assignment_id, current_user, page=page, scores=scores)
    if assignment is None:
        abort(404)
    if not can_score(current_user, assignment, declared):
        abort(403)
    return assignment


def _specs(criteria: list[Criterion]) -> tuple[CriterionSpec, ...]:
    return tuple(criterion_spec(c) for c in criteria)


def running_total(criteria: list[Criterion], values: Mapping[int, float]) -> Decimal:
    """The weighted total (0–100) as the ranking works it out and shows it, with the criteria
    still empty counting as nothing yet."""
    return shown(judge_total({c.id: values.get(c.id, 0.0) for c in criteria}, _specs(criteria)))


def _stored(assignment: Assignment) -> tuple[dict[int, float], dict[int, str]]:
    values = {s.criterion_id: s.value for s in assignment.scores}
    comments = {s.criterion_id: s.comment for s in assignment.scores}
    return values, comments


def redactor(assignment: Assignment) -> Callable[[str | None], str]:
    """What to show of the OPD's own texts: in a blind round with the names of the OPD and of the
    one above it (and their short names) replaced by "[OPD]"; otherwise as written."""
    return masking(assignment.entry, assignment.round.blind)


def _evidence_label(item: Evidence, number: int, redact: Callable[[str | None], str], blind: bool) -> str:
    """An evidence item's title; in a blind round a file titled by its file name (or by as much
    of it as a title holds) is numbered instead."""
    if blind and item.kind == "file" and (item.original_name or "").startswith(item.title):
        return _("Document %(number)s", number=number)
    return redact(item.title)


def _entry_page(assignment: Assignment, *, sent: Mapping[str, str] | None = None,
                errors: Mapping[int, str] | None = None, status: int = 200) -> tuple[str, int]:
    """The innovation with the rubric; ``sent`` and ``errors`` are a refused form's values and its
    problems per criterion, shown again as filled in."""
    criteria = assignment.round.criteria
    values, comments = _stored(assignment)
    shown = {c.id: f"{values[c.id]:g}" if c.id in values else "" for c in criteria}
    notes = dict(comments)
    if sent is not None:
        shown = {c.id: sent.get(f"value-{c.id}", "").strip() for c in criteria}
        notes = {c.id: sent.get(f"comment-{c.id}", "").strip() for c in criteria}
    blind = assignment.round.blind
    redact = redactor(assignment)
    editable = assignment.status == "open" and assignment.round.status == "open"
    evidence = [(item, _evidence_label(item, number, redact, blind))
                for number, item in enumerate(assignment.entry.evidence, start=1)]
    following = next_open_assignment(assignment, current_user)
    page = render_template(
        "judging/scoring/entry.html", assignment=assignment, entry=assignment.entry, round=assignment.round,
        reopened_reason=reopened_reason(assignment, redact),
        criteria=criteria, values=values, comments=comments, shown=shown, notes=notes,
        errors=errors or {}, blind=blind, editable=editable, evidence=evidence,
        total=running_total(criteria, values), missing=[c for c in criteria if c.id not in values],
        next_assignment=following, next_title=redactor(following)(following.entry.title) if following else "",
        form=ScoringForm(), conflict_form=ConflictForm(), redact=redact,
        choices={name: dict(pairs) for name, pairs in CHOICES.items()}, number=_number)
    return page, status


@bp.get("/<int:assignment_id>")
@login_required
def entry(assignment_id: int) -> tuple[str, int]:
    return _entry_page(_my_assignment(assignment_id, page=True))


# -- saving drafts ---------------------------------------------------------------------------------

@dataclass
class Sheet:
    """The scores as the form sent them."""

    values: dict[int, ScoreInput] = field(default_factory=dict)
    cleared: list[int] = field(default_factory=list)
    errors: dict[int, str] = field(default_factory=dict)


def read_sheet(criteria: list[Criterion], form: Mapping[str, str]) -> Sheet:
    """Each criterion's value (``value-<id>``) and notes (``comment-<id>``): an empty value clears
    the criterion; notes need a value; a decimal comma is read as a point."""
    sheet = Sheet()
    for criterion in criteria:
        raw = (form.get(f"value-{criterion.id}") or "").strip()
        comment = (form.get(f"comment-{criterion.id}") or "").strip()
        if problem := text_problem(criterion.name, comment, NOTE):
            sheet.errors[criterion.id] = problem
            continue
        if not raw:
            if comment:
                sheet.errors[criterion.id] = _("%(criterion)s: give a score to keep the notes",
                                               criterion=criterion.name)
            else:
                sheet.cleared.append(criterion.id)
            continue
        value = read_decimal(raw)
        if value is None:
            sheet.errors[criterion.id] = _("%(criterion)s: %(value)s is not a number",
                                           criterion=criterion.name, value=raw[:40])
            continue
        problem = value_problem(criterion, value, _number)
        if problem:
            sheet.errors[criterion.id] = problem
        else:
            sheet.values[criterion.id] = (value, comment)
    return sheet


def _missing_text(missing: int) -> str:
    if not missing:
        return _("Every criterion has a score.")
    return ngettext("%(num)s criterion has no score yet.", "%(num)s criteria have no score yet.", missing)


def _wants_json() -> bool:
    return request.accept_mimetypes.best_match(["text/html", "application/json"]) == "application/json"


def _locked_reason(assignment: Assignment) -> str | None:
    if assignment.status == "confirmed":
        return _("These scores are confirmed and locked.")
    if assignment.round.status != "open":
        return _("Scores can only be given while the round is open.")
    return None


@bp.post("/<int:assignment_id>/draft")
@login_required
def save(assignment_id: int) -> Response | tuple[str, int] | tuple[Response, int]:
    """Save the draft. Asked for JSON (by the page's script) it answers with the problems per
    criterion and the running total; from the plain form it returns to the page with a message,
    or to the summary before confirming when that button was pressed."""
    assignment = _my_assignment(assignment_id, scores=False)
    if not ScoringForm().validate_on_submit():
        abort(400)
    criteria = assignment.round.criteria
    # What the answer needs, taken now: saving reads the sheet again and forgets these objects.
    criterion_ids, specs, redact = [c.id for c in criteria], _specs(criteria), redactor(assignment)
    sheet = read_sheet(criteria, request.form)
    problems: list[str] = []
    locked = _locked_reason(assignment)
    stored: list[Score] | None = None
    if locked:
        problems.append(locked)
    elif not sheet.errors or sheet.values:
        # Every valid value is kept, even beside a value refused: typing 150 next to 85 must not
        # lose the 85 (the refused one keeps what was stored before, and is marked).
        try:
            stored = save_scores(assignment, current_user, sheet.values, sheet.cleared)
        except InvalidInput as error:
            problems.extend(redact(problem) for problem in error.problems)
        except AnugerahError as error:
            problems.append(redact(str(error)))
    saved = not problems and not sheet.errors
    partly = stored is not None and not problems   # some values kept beside a refused one
    if _wants_json():
        if stored is None:
            stored = list(db.session.scalars(select(Score).where(Score.assignment_id == assignment_id)))
        values = {s.criterion_id: s.value for s in stored}
        if saved:
            message = _("Saved %(time)s", time=_clock(utcnow()))
        elif partly:
            message = _("The other values were saved; not saved: %(problems)s",
                        problems="; ".join(sheet.errors.values()))
        else:
            message = _("Not saved: %(problems)s", problems="; ".join([*problems, *sheet.errors.values()]))
        missing = sum(1 for c in criterion_ids if c not in values)
        total = shown(judge_total({c: values.get(c, 0.0) for c in criterion_ids}, specs))
        # Some values kept beside a refused one: the sheet changed, so not a refusal (200), but
        # "saved" stays false and the refused values are named.
        return jsonify(saved=saved, message=message, errors={str(k): v for k, v in sheet.errors.items()},
                       problems=problems, missing=missing, missing_text=_missing_text(missing),
                       total=format_decimal(total, 2, _language())), (200 if saved or partly else 422)
    if saved:
        if request.form.get("then") == "confirm":
            return redirect(url_for("scoring.confirm", assignment_id=assignment_id))
        flash(_("Draft saved at %(time)s.", time=_clock(utcnow())), "success")
        return redirect(url_for("scoring.entry", assignment_id=assignment_id) + "#rubric")
    for problem in problems:
        flash(problem, "danger")
    if sheet.errors:
        flash(_("The other values were saved; correct the values marked below.") if partly
              else _("Nothing was saved: correct the values marked below."), "danger")
        return _entry_page(_my_assignment(assignment_id, page=True), sent=request.form, errors=sheet.errors,
                           status=200 if partly else 422)
    return redirect(url_for("scoring.entry", assignment_id=assignment_id))


# -- confirming ------------------------------------------------------------------------------------

@bp.get("/<int:assignment_id>/confirm")
@login_required
def confirm(assignment_id: int) -> str | Response:
    """Every criterion's value with its weight and the weighted total, before locking."""
    assignment = _my_assignment(assignment_id)
    if assignment.status == "confirmed":
        return redirect(url_for("scoring.entry", assignment_id=assignment.id))
    criteria = assignment.round.criteria
    values, comments = _stored(assignment)
    return render_template("judging/scoring/confirm.html", assignment=assignment, entry=assignment.entry,
                           round=assignment.round, criteria=criteria, values=values, comments=comments,
                           total=running_total(criteria, values),
                           missing=[c for c in criteria if c.id not in values],
                           locked=_locked_reason(assignment), form=ScoringForm(), number=_number,
                           redact=redactor(assignment))


@bp.post("/<int:assignment_id>/confirm")
@login_required
def confirm_post(assignment_id: int) -> Response:
    """Confirm and lock, then on to the next innovation not yet confirmed (or back to the list)."""
    assignment = _my_assignment(assignment_id)
    if not ScoringForm().validate_on_submit():
        abort(400)
    # Where to go next, and the names the messages need, before confirming: confirming reads the
    # sheet again and forgets the objects read before (the next sheet is another one, unchanged).
    following = next_open_assignment(assignment, current_user, titled=False)
    following_id = following.id if following is not None else None
    redact, round_name = redactor(assignment), assignment.round.name
    if assignment.status == "open":
        title = redact(assignment.entry.title)
        scored = {s.criterion_id for s in assignment.scores}
        missing = [c.name for c in assignment.round.criteria if c.id not in scored]
        problem = _locked_reason(assignment) or (
            _("Give a score for every criterion first: %(criteria)s still empty.",
              criteria=", ".join(missing)) if missing else None)
        if problem is None:
            try:
                confirm_scores(assignment, current_user)
            except AnugerahError as error:
                problem = redact(str(error))
        if problem:
            flash(problem, "danger")
            return redirect(url_for("scoring.confirm", assignment_id=assignment_id))
        flash(_("Your scores for '%(title)s' are confirmed and locked.", title=title), "success")
    if following_id is not None:
        return redirect(url_for("scoring.entry", assignment_id=following_id))
    flash(_("Every innovation assigned to you in round '%(round)s' is confirmed.", round=round_name), "info")
    return redirect(url_for("scoring.index"))


# -- conflicts of interest -------------------------------------------------------------------------

@bp.post("/<int:assignment_id>/conflict")
@login_required
def conflict(assignment_id: int) -> Response:
    """Declare a conflict of interest with the innovation: it leaves the judge's list (with any draft)."""
    assignment = _my_assignment(assignment_id)
    form = ConflictForm()
    if not form.validate_on_submit() or not (form.reason.data or "").strip():
        flash(_("Give the reason for the conflict of interest."), "danger")
        return redirect(url_for("scoring.entry", assignment_id=assignment.id) + "#conflict")
    if assignment.status == "confirmed":
        flash(_("You have confirmed scores for this innovation; ask the organiser to reopen them before "
                "declaring a conflict of interest."), "danger")
        return redirect(url_for("scoring.entry", assignment_id=assignment.id))
    redact = redactor(assignment)
    title = redact(assignment.entry.title)
    try:
        declare_conflict(assignment.entry, current_user, form.reason.data or "")
    except AnugerahError as error:
        flash(redact(str(error)), "danger")
        return redirect(url_for("scoring.entry", assignment_id=assignment_id))
    flash(_("Conflict of interest declared: '%(title)s' has left your list; the organiser assigns "
            "another judge.", title=title), "info")
    return redirect(url_for("scoring.index"))

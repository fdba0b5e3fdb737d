"""The verifier's pages: the queue of submitted innovations and the review of one, with the
evidence in place, a checklist with notes, and verify / return for revision / reject.

Several innovations may be verified at once from the queue, after a confirmation page; returning
and rejecting need notes or a reason for each innovation, so they are only done one by one."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from competition.documents.inputs import NOTE, identifier, text_problem
from competition.entries.actions import fire_from_page
from competition.entries.operations import (
    change_entry_status,
    copy_warnings,
    refusal_reasons,
    timeline_for,
    triggers_for,
)
from competition.errors import AnugerahError, ConcurrentChange
from competition.extensions import db
from competition.models import Competition, Entry, Organisation
from competition.policy import ENTRY_WORKFLOW, can_verify, competitions_where, works_for
from competition.web.forms import PageForm, sent_version
from workflows import WorkflowError, get_workflow

bp = Blueprint("verification", __name__, url_prefix="/verification")

QUEUE_STATUSES = ("submitted", "returned", "verified", "rejected")
VERIFIER_TRIGGERS = ("verify", "return_for_revision", "reject")
# What a verifier checks on every innovation; the items ticked (marked ✓) and the notes on items go
# into the comment, in the verifier's language.
CHECKLIST = (
    ("identity", _l("Name, OPD and category are right")),
    ("novelty", _l("It is new here and not another innovation's text")),
    ("design", _l("The rancang bangun describes this innovation in enough detail")),
    ("dates", _l("Trial and implementation dates are backed by a decree")),
    ("evidence", _l("Every claim has evidence that opens and matches it")),
    ("budget", _l("The budget is backed by a budget document")),
    ("authority", _l("It falls within the region's authority")),
)


class DecisionForm(PageForm):
    """Only the CSRF token; the checklist, its notes and the comment are read from the form as sent."""


def _verifier_competitions() -> list[Competition]:
    ids = competitions_where(current_user, "verifier")
    return list(db.session.scalars(select(Competition).where(Competition.id.in_(ids))
                                   .order_by(Competition.year.desc()))) if ids else []


@bp.get("")
@login_required
def queue() -> str:
    """Innovations to verify, oldest first, filtered by status, OPD and category."""
    competitions = _verifier_competitions()
    if not competitions:
        abort(403)
    status = request.args.get("status", "submitted")
    if status not in QUEUE_STATUSES:
        status = "submitted"
    organisation_id = request.args.get("organisation", type=identifier)
    category_id = request.args.get("category", type=identifier)
    competition_ids = [c.id for c in competitions]
    query = (select(Entry).where(Entry.competition_id.in_(competition_ids), Entry.status == status)
             .options(selectinload(Entry.organisation).selectinload(Organisation.parent),
                      selectinload(Entry.category), selectinload(Entry.competition),
                      selectinload(Entry.evidence))
             .order_by(Entry.submitted_at, Entry.id))
    if organisation_id:
        query = query.where(Entry.organisation_id == organisation_id)
    if category_id:
        query = query.where(Entry.category_id == category_id)
    entries = [e for e in db.session.scalars(query) if not works_for(current_user, e.organisation)]
    copies = _copies(entries)
    organisations = db.session.scalars(
        select(Organisation).join(Entry, Entry.organisation_id == Organisation.id)
        .where(Entry.competition_id.in_(competition_ids))
        .distinct().order_by(Organisation.name)).all()
    categories = [c for competition in competitions for c in competition.categories]
    return render_template("entries/verification/queue.html", entries=entries, status=status,
                           statuses=QUEUE_STATUSES, organisations=organisations, categories=categories,
                           organisation_id=organisation_id, category_id=category_id, copies=copies,
                           workflow=get_workflow(ENTRY_WORKFLOW))


def _copies(entries: list[Entry]) -> dict[int, tuple[Entry | None, int]]:
    """For each innovation whose rancang bangun is alike to another's, that other innovation (None
    when the verifier may not see it: another OPD's unsubmitted draft) and how alike, in percent."""
    return {key: (other if other.status != "draft" or other.submitted_at is not None else None,
                  round(100 * score))
            for key, (other, score) in copy_warnings(entries).items()}


def _reviewable(entry_id: int) -> Entry:
    entry = db.session.get(Entry, entry_id)
    if entry is None or (entry.status == "draft" and entry.submitted_at is None):
        abort(404)
    if not can_verify(current_user, entry):
        abort(403)
    return entry


@bp.get("/<int:entry_id>")
@login_required
def review(entry_id: int) -> str:
    return _review_page(_reviewable(entry_id))


def _review_page(entry: Entry, sent: dict[str, str] | None = None) -> str:
    """The review of ``entry``; ``sent`` is a refused decision's form, shown again as it was filled in."""
    return render_template("entries/verification/review.html", entry=entry,
                           events=timeline_for(entry, current_user),
                           workflow=get_workflow(ENTRY_WORKFLOW), checklist=CHECKLIST,
                           available=[name for name in triggers_for(entry, current_user)
                                      if name in VERIFIER_TRIGGERS],
                           conflict=works_for(current_user, entry.organisation), form=DecisionForm(),
                           copy=_copies([entry]).get(entry.id), sent=sent or {})


def checklist_lines(sent: dict[str, str]) -> list[str]:
    """One line per checklist item ticked or noted: "✓ <item>" when ticked, then ": <note>" if any."""
    lines = []
    for key, label in CHECKLIST:
        ticked = bool(sent.get("check-" + key))
        note = sent.get("note-" + key, "").strip()
        if ticked or note:
            lines.append(("✓ " if ticked else "") + (f"{label}: {note}" if note else str(label)))
    return lines


@bp.post("/<int:entry_id>/<trigger>")
@login_required
def decide(entry_id: int, trigger: str) -> str | Response | tuple[str, int]:
    entry = _reviewable(entry_id)
    if trigger not in VERIFIER_TRIGGERS:
        abort(404)
    if not DecisionForm().validate_on_submit():
        abort(400)
    sent = request.form.to_dict()
    problems = [problem for problem in (
        text_problem(str(label), sent.get(name, "").strip(), NOTE)
        for name, label in (("comment", _("Notes")), *((f"note-{key}", label) for key, label in CHECKLIST)))
        if problem]
    if problems:
        for problem in problems:
            flash(problem, "danger")
        return _review_page(entry, sent), 422
    general = sent.get("comment", "").strip()
    comment = "\n".join([*([general] if general else []), *checklist_lines(sent)]) or None
    if get_workflow(ENTRY_WORKFLOW).transition(trigger).comment_required and not general:
        # Ticks and notes on checklist items are no reason to return or reject: the reason box is.
        flash(_("Write the reason for the OPD in the reason box: ticks and notes on the checklist "
                "alone are not a reason."), "danger")
        return _review_page(entry, sent), 422
    if sent.get("back"):  # from the confirmation, back to the review as it was filled in
        return _review_page(entry, {k: v for k, v in sent.items() if k != "back"})
    if trigger == "reject" and not sent.get("confirmed"):
        # Rejection is final: the verifier confirms it first, reading the reason the OPD will get.
        return render_template("entries/verification/confirm_reject.html", entry=entry, sent=sent,
                               comment=comment, form=DecisionForm(),
                               workflow=get_workflow(ENTRY_WORKFLOW))
    status = fire_from_page(entry, trigger, comment=comment, expected_version=sent_version(request.form))
    if status is None:
        # Shown again as filled in, under the reasons it was refused.
        return _review_page(entry, sent)
    flash(_("'%(title)s' is now %(status)s.", title=entry.title, status=status), "success")
    return redirect(url_for("verification.queue"))


def _chosen_ids(values: list[str]) -> list[int]:
    """The innovation ids chosen, each once, in the order given; anything else is ignored."""
    ids: list[int] = []
    for value in values:
        try:
            chosen = identifier(value)
        except ValueError:
            continue
        if chosen not in ids:
            ids.append(chosen)
    return ids


def _chosen_entries(ids: list[int], competitions: list[Competition]) -> list[Entry]:
    """The chosen innovations the verifier may see, in queue order (oldest submission first)."""
    if not ids:
        return []
    entries = db.session.scalars(
        select(Entry).where(Entry.id.in_(ids), Entry.competition_id.in_([c.id for c in competitions]))
        .options(selectinload(Entry.organisation).selectinload(Organisation.parent),
                 selectinload(Entry.competition))
        .order_by(Entry.submitted_at, Entry.id))
    return [e for e in entries if e.status != "draft" or e.submitted_at is not None]


def _back_to_queue_empty() -> Response:
    flash(_("Select at least one innovation to verify."), "warning")
    return redirect(url_for("verification.queue"))


@bp.get("/verify-several")
@login_required
def bulk_confirm() -> str | Response:
    """The innovations chosen on the queue, each with whether it can be verified now, and one
    button to verify those that can."""
    competitions = _verifier_competitions()
    if not competitions:
        abort(403)
    ids = _chosen_ids(request.args.getlist("entry"))
    if not ids:
        return _back_to_queue_empty()
    entries = _chosen_entries(ids, competitions)
    reasons = {e.id: refusal_reasons(e, "verify", current_user) for e in entries}
    return render_template("entries/verification/bulk_confirm.html", entries=entries, reasons=reasons,
                           ready=[e for e in entries if not reasons[e.id]], unknown=len(ids) - len(entries),
                           workflow=get_workflow(ENTRY_WORKFLOW), form=DecisionForm())


@bp.post("/verify-several")
@login_required
def bulk_verify() -> Response:
    """Verify each confirmed innovation on its own, as the single action does: each is checked by
    the workflow against the version shown on the confirmation page, audited, and reported."""
    competitions = _verifier_competitions()
    if not competitions:
        abort(403)
    if not DecisionForm().validate_on_submit():
        abort(400)
    ids = _chosen_ids(request.form.getlist("entry"))
    if not ids:
        return _back_to_queue_empty()
    entries = {e.id: e for e in _chosen_entries(ids, competitions)}
    titles = {entry_id: entry.title for entry_id, entry in entries.items()}
    verified: list[str] = []
    refused: list[tuple[str, str]] = []
    for entry_id in ids:
        entry = entries.get(entry_id)
        if entry is None:
            refused.append((f"#{entry_id}", _("not found among the innovations you verify")))
            continue
        version = request.form.get(f"version-{entry_id}", type=int)
        if version is None:
            refused.append((titles[entry_id], _("it was not on the confirmation page")))
            continue
        try:
            change_entry_status(entry, "verify", current_user, expected_version=version)
        except ConcurrentChange:
            refused.append((titles[entry_id], _("it was changed after the confirmation page was shown; "
                                                "open it and decide again")))
        except (WorkflowError, AnugerahError) as error:
            refused.append((titles[entry_id], "; ".join(getattr(error, "reasons", None) or [str(error)])))
        else:
            verified.append(titles[entry_id])
    if refused:
        details = "; ".join(f"{title} — {reason}" for title, reason in refused)
        flash(_("%(verified)s verified; %(refused)s not verified: %(details)s",
                verified=len(verified), refused=len(refused), details=details),
              "warning" if verified else "danger")
    else:
        flash(ngettext("%(num)s innovation verified.", "%(num)s innovations verified.", len(verified)),
              "success")
    return redirect(url_for("verification.queue"))

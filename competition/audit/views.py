"""The organisers' page of a competition's audit trail: every status change and every recorded
action, newest first, fifty a page, filtered by person, innovation and kind."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import Blueprint, abort, render_template, request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from competition.audit.queries import TrailPage, TrailRow, audit_trail
from competition.documents.formatting import format_datetime
from competition.extensions import db
from competition.models import Competition, ResultSet, User
from competition.notifications.bulk_views import AUDIENCE_LABELS, TEMPLATE_LABELS
from competition.people.views import ROLE_LABELS
from competition.policy import can_view_audit_trail
from workflows import get_workflow

bp = Blueprint("audit", __name__, url_prefix="/manage")

# The general log's kinds; status changes are named by their workflows.
KIND_LABELS = {
    "sign_in": _l("Signed in"), "sign_in.failed": _l("Sign-in failed"), "user.created": _l("Account created"),
    "password.changed": _l("Password changed"), "password.reset": _l("Password reset by link"),
    "password.chosen": _l("Password chosen from an invitation"),
    "user.activated": _l("Account activated"), "user.deactivated": _l("Account deactivated"),
    "role.granted": _l("Role granted"), "role.revoked": _l("Role revoked"),
    "entry.created": _l("Innovation created"), "entry.edited": _l("Innovation edited"),
    "evidence.added": _l("Evidence added"), "evidence.removed": _l("Evidence removed"),
    "competition.created": _l("Competition created"),
    "competition.cloned": _l("Competition set up from an earlier one"),
    "competition.renamed": _l("Competition renamed"), "schedule.changed": _l("Schedule changed"),
    "units_rule.changed": _l("Rule for units changed"), "category.added": _l("Category added"),
    "category.renamed": _l("Category renamed"), "category.removed": _l("Category removed"),
    "round.added": _l("Round added"), "round.changed": _l("Round settings changed"),
    "criterion.added": _l("Criterion added"), "criterion.removed": _l("Criterion removed"),
    "criterion.changed": _l("Criterion changed"), "criteria.reordered": _l("Rubric reordered"),
    "award.added": _l("Award added"), "award.removed": _l("Award removed"),
    "award.changed": _l("Award changed"), "awards.reordered": _l("Awards reordered"),
    "rules.changed": _l("Result rules changed"), "tie.decided": _l("Tie decided"),
    "panel.created": _l("Panel created"), "assignment.added": _l("Judge assigned"),
    "assignments.planned": _l("Automatic assignment"),
    "conflict.declared": _l("Conflict of interest declared"),
    "scores.draft_saved": _l("Draft scores saved"), "results.sealed": _l("Results sealed"),
    "api_token.created": _l("API token created"), "api_token.revoked": _l("API token revoked"),
    "scores.imported": _l("Scores imported from a file"),
    "iid.claimed": _l("IID levels claimed"), "iid.verified": _l("IID levels verified"),
    "iid.region_set": _l("Regional IID indicators set"),
    "ceremony.settings_changed": _l("Certificate settings changed"),
    "messages.sent": _l("Message sent to many"),
}
# The workflow whose transitions name each kind of status change.
WORKFLOWS = {"entry": "innovation", "competition": "competition", "round": "round", "sheet": "scoring_sheet",
             "results": "result_set"}
DETAIL_LABELS = {
    "fields": _l("Fields"), "role": _l("Role"), "name": _l("Name"), "title": _l("Title"), "from": _l("From"),
    "to": _l("To"), "reason": _l("Reason"), "judges": _l("Judges"), "judge": _l("Judge"),
    "added": _l("Added"), "version": _l("Version"), "sha256": "SHA-256", "format": _l("Format"),
    "bands": _l("Bands"), "tie_break_chain": _l("Tie-break"),
    "disagreement_threshold": _l("Disagreement threshold"),
    "one_award_per_organisation": _l("One award per OPD"), "opd_feedback": _l("Feedback to OPDs"),
    "order": _l("Order"), "award": _l("Award"),
    "subject": _l("Subject"), "positions": _l("Positions"), "weight": _l("Weight"),
    "position": _l("Position"), "criteria": _l("Criteria"), "awards": _l("Awards"),
    "kind": _l("Kind"), "url": _l("Link"), "saved": _l("Criteria saved"), "cleared": _l("Criteria emptied"),
    "year": _l("Year"), "submission_opens_at": _l("submission opens"),
    "submission_closes_at": _l("submission closes"), "verification_closes_at": _l("verification closes"),
    "judging_closes_at": _l("judging closes"),
    "logo": _l("Logo"),
    "audience": _l("Recipients"), "template": _l("Template"), "count": _l("Number of recipients"),
}


@dataclass(frozen=True)
class Line:
    """A trail row as the page shows it."""

    row: TrailRow
    who: str
    what: str
    subject: str
    change: str
    details: list[tuple[str, str]]


def _language() -> str:
    return str(get_locale() or "id")


def kind_label(kind: str, language: str) -> str:
    if kind in KIND_LABELS:
        return str(KIND_LABELS[kind])
    prefix, _, trigger = kind.partition(".")
    if prefix in WORKFLOWS and trigger in get_workflow(WORKFLOWS[prefix]).triggers:
        transition = get_workflow(WORKFLOWS[prefix]).transition(trigger)
        return transition.label_id if language == "id" else transition.label_en
    return kind


def _value(key: str, value: Any, trail: TrailPage, language: str) -> str:
    if key == "role" and value in ROLE_LABELS:
        return str(ROLE_LABELS[value])
    if key == "audience" and value in AUDIENCE_LABELS:
        return str(AUDIENCE_LABELS[value])
    if key == "template" and value in TEMPLATE_LABELS:
        return str(TEMPLATE_LABELS[value])
    if key == "judge" and isinstance(value, int):
        return trail.people.get(value, f"#{value}")
    if key.endswith("_at") and isinstance(value, list) and len(value) == 2:
        return " → ".join(format_datetime(datetime.fromisoformat(v), locale=language) for v in value)
    if key == "bands" and isinstance(value, list):
        return "; ".join(f"{label} ≥ {minimum}" for label, minimum in value)
    if key in ("judges", "saved", "cleared") and isinstance(value, list):
        return str(len(value))
    if isinstance(value, bool):
        return str(_l("yes") if value else _l("no"))
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def describe(row: TrailRow, trail: TrailPage, language: str) -> Line:
    workflow = WORKFLOWS.get(row.kind.partition(".")[0]) if row.kind not in KIND_LABELS else None
    change = ""
    if workflow and row.from_state and row.to_state:
        states = get_workflow(workflow)
        change = f"{states.label(row.from_state, language)} → {states.label(row.to_state, language)}"
    subject = ""
    if row.subject_type == User.__tablename__ and row.subject_id not in (None, row.actor_id):
        subject = trail.people.get(row.subject_id, "")
    elif row.subject_type == "judging_round" and row.subject_id is not None:
        subject = trail.rounds.get(row.subject_id, "")
    elif row.subject_type == ResultSet.__tablename__ and "version" in row.details:
        subject = str(_l("Version %(version)s", version=row.details["version"]))
    details = [(str(DETAIL_LABELS.get(key, key)), _value(key, value, trail, language))
               for key, value in row.details.items() if key != "version" or not subject]
    if row.note:
        details.insert(0, (str(_l("Reason")), row.note))
    who = trail.people.get(row.actor_id, "") if row.actor_id is not None else str(_l("The application"))
    return Line(row=row, who=who, what=kind_label(row.kind, language), subject=subject, change=change,
                details=details)


def _number(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isdigit() and 0 < int(value) < 2**31 else None


@bp.get("/<int:competition_id>/audit")
@login_required
def index(competition_id: int) -> str:
    """The competition's audit trail, for its organisers."""
    competition = db.session.get(Competition, competition_id)
    if competition is None:
        abort(404)
    if not can_view_audit_trail(current_user, competition):
        abort(403)
    person, entry, kind = _number("person"), _number("entry"), request.args.get("kind") or None
    trail = audit_trail(competition, actor_id=person, entry_id=entry, kind=kind, page=_number("page") or 1)
    language = _language()
    filters: dict[str, Any] = {"person": person, "entry": entry, "kind": kind}
    kinds = sorted(((k, kind_label(k, language)) for k in trail.kinds), key=lambda pair: pair[1].casefold())
    return render_template(
        "audit/index.html", competition=competition, trail=trail, filters=filters, kinds=kinds,
        lines=[describe(row, trail, language) for row in trail.rows],
        args={key: value for key, value in filters.items() if value is not None})

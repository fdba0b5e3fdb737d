"""API v1: a competition's audit trail, for its organisers: every status change and recorded
action, newest first, filtered by person, innovation and kind, as the audit page
(:mod:`competition.audit.views`)."""

from __future__ import annotations

from typing import Any

from flask import abort
from flask_babel import get_locale
from flask_login import current_user
from marshmallow import Schema, fields, validate

from competition.api import blueprint, needs
from competition.api.schemas import PageArgs
from competition.audit.queries import audit_trail
from competition.audit.views import kind_label
from competition.extensions import db
from competition.models import Competition
from competition.policy import can_view_audit_trail

bp = blueprint("api_audit", __name__, "The audit trail of a competition (organisers).")
ID = validate.Range(min=1, max=2**31 - 1)


class TrailArgs(PageArgs):
    actor_id = fields.Integer(validate=ID, metadata={"description": "Only what this person did."})
    entry_id = fields.Integer(validate=ID, metadata={"description": "Only what concerns this innovation."})
    kind = fields.String(validate=validate.Length(min=1, max=80),
                         metadata={"description": "Only this kind: entry.submit, results.sealed, …"})


class TrailRowOut(Schema):
    source = fields.String(required=True, metadata={"description": "The audit table it comes from."})
    row_id = fields.Integer(required=True, metadata={"description": "Its id in that table."})
    at = fields.AwareDateTime(required=True)
    actor_id = fields.Integer(allow_none=True, metadata={"description": "None: the application itself."})
    actor = fields.String(allow_none=True)
    kind = fields.String(required=True)
    what = fields.String(required=True, metadata={"description": "The kind in the user's language."})
    entry_id = fields.Integer(allow_none=True)
    entry = fields.String(allow_none=True, metadata={"description": "The innovation's title."})
    subject_type = fields.String(allow_none=True)
    subject_id = fields.Integer(allow_none=True)
    from_state = fields.String(allow_none=True)
    to_state = fields.String(allow_none=True)
    note = fields.String(allow_none=True, metadata={"description": "The comment or reason given."})
    details = fields.Dict(required=True)


class TrailOut(Schema):
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    total = fields.Integer(required=True)
    kinds = fields.List(fields.String(), required=True, metadata={"description": "Every kind in the trail."})
    items = fields.List(fields.Nested(TrailRowOut), required=True)


@bp.route("/competitions/<int:competition_id>/audit")
@bp.arguments(TrailArgs, location="query")
@bp.response(200, TrailOut)
@bp.doc(responses={"401": {"description": "No token, or a wrong one."},
                   "403": {"description": "Not an organiser of the competition."},
                   "404": {"description": "No such competition."}})
@needs("read")
def trail(query: dict[str, Any], competition_id: int) -> dict[str, Any]:
    """The competition's audit trail, newest first; filter by actor, innovation and kind."""
    competition = db.session.get(Competition, competition_id)
    if competition is None:
        abort(404)
    if not can_view_audit_trail(current_user, competition):
        abort(403)
    found = audit_trail(competition, actor_id=query.get("actor_id"), entry_id=query.get("entry_id"),
                        kind=query.get("kind"), page=query["page"], per_page=query["per_page"], clamp=False)
    language = str(get_locale() or "id")
    items = [{**vars(row), "actor": found.people.get(row.actor_id) if row.actor_id is not None else None,
              "entry": found.entries.get(row.entry_id) if row.entry_id is not None else None,
              "what": kind_label(row.kind, language)} for row in found.rows]
    return {"page": query["page"], "per_page": query["per_page"], "total": found.total, "kinds": found.kinds,
            "items": items}

"""API v1: innovations. Lists, one innovation with its version (ETag), creating and updating a
draft, firing a workflow trigger, and the history: through the same operations and policy as the
pages."""

from __future__ import annotations

from typing import Any

from flask_login import current_user
from marshmallow import RAISE, Schema, fields, validate
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from competition.api import blueprint, expected_version, needs, with_etag
from competition.api.problems import problem
from competition.api.schemas import AN_ID, PageArgs, page_of
from competition.competitions.api import competition_for
from competition.entries.models import ENTRY_STATUSES
from competition.entries.operations import (
    change_entry_status,
    create_entry,
    timeline_for,
    triggers_for,
    update_entry,
)
from competition.errors import ConcurrentChange, InvalidInput, NotFound, NotPermitted
from competition.extensions import db
from competition.models import Entry, Organisation
from competition.policy import can_view_entry, viewable_entries
from workflows import WorkflowError
from workflows.messages import t

bp = blueprint("api_innovations", __name__, "Innovations: listing, reading, updating drafts, "
               "workflow triggers and history.")


class InnovationTexts(Schema):
    """An innovation's texts and choices, as read and as changed (the service checks each value)."""

    inisiator = fields.String()
    tahapan = fields.String()
    jenis = fields.String()
    bentuk = fields.String()
    urusan = fields.String()
    urusan_terkait = fields.String()
    rancang_bangun = fields.String()
    tujuan = fields.String()
    manfaat = fields.String()
    hasil = fields.String()


class InnovationOut(InnovationTexts):
    id = fields.Integer(required=True)
    competition_id = fields.Integer(required=True)
    organisation_id = fields.Integer(required=True)
    organisation = fields.Function(lambda entry: entry.organisation.name, required=True)
    category_id = fields.Integer(allow_none=True)
    title = fields.String(required=True)
    status = fields.String(required=True)
    version = fields.Integer(required=True, metadata={"description": "Send it back in If-Match."})
    trial_started_on = fields.Date(allow_none=True)
    implemented_on = fields.Date(allow_none=True)
    anggaran_rupiah = fields.Integer(allow_none=True)
    submitted_at = fields.AwareDateTime(allow_none=True)
    updated_at = fields.AwareDateTime()
    triggers = fields.Method("available", metadata={"description": "What the user may do to it now."})

    def available(self, entry: Entry) -> list[str]:
        return triggers_for(entry, current_user)


class InnovationFilter(PageArgs):
    status = fields.String(validate=validate.OneOf(ENTRY_STATUSES))
    organisation_id = fields.Integer(validate=AN_ID)
    category_id = fields.Integer(validate=AN_ID)


class InnovationChange(InnovationTexts):
    """The fields to change; any left out stay as they are. The service checks each value."""

    class Meta:
        unknown = RAISE

    title = fields.String()
    category_id = fields.Integer(allow_none=True, validate=AN_ID)
    trial_started_on = fields.String(allow_none=True, metadata={"description": "YYYY-MM-DD"})
    implemented_on = fields.String(allow_none=True, metadata={"description": "YYYY-MM-DD"})
    anggaran_rupiah = fields.Integer(allow_none=True, validate=validate.Range(min=0, max=2 ** 63 - 1))


class InnovationNew(InnovationChange):
    """A new draft: its title, and the OPD it is entered for (by default the user's own)."""

    title = fields.String(required=True)
    organisation_id = fields.Integer(validate=AN_ID, metadata={
        "description": "An OPD or unit the user may enter innovations for; by default the user's OPD."})


class TriggerIn(Schema):
    class Meta:
        unknown = RAISE

    trigger = fields.String(required=True, validate=validate.Length(min=1, max=40))
    comment = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=4000))


class EventOut(Schema):
    id = fields.Integer(required=True)
    trigger = fields.String(required=True)
    from_status = fields.String(required=True)
    to_status = fields.String(required=True)
    actor = fields.Function(lambda event: event.actor.name if event.actor else None, allow_none=True)
    comment = fields.String(allow_none=True)
    at = fields.AwareDateTime(required=True, attribute="created_at")
    version = fields.Integer(attribute="entry_version")


def _entry(entry_id: int) -> Entry:
    entry = db.session.get(Entry, entry_id)
    if entry is None or not can_view_entry(current_user, entry):
        raise NotFound(t("there is no innovation with id %(id)s", id=entry_id))
    return entry


def _answer(entry: Entry, status: int = 200) -> Response:
    return with_etag(InnovationOut(), entry, entry.version, status)


@bp.route("/competitions/<int:competition_id>/innovations")
@bp.arguments(InnovationFilter, location="query")
@bp.response(200, page_of(InnovationOut, "InnovationPage"))
@needs("read")
def innovations(query: dict[str, Any], competition_id: int) -> dict[str, Any]:
    """The innovations of a competition the user may see, in id order; filter by status, OPD
    (``organisation_id``) and category."""
    competition = competition_for(competition_id)
    where = [Entry.competition_id == competition.id, viewable_entries(current_user, competition)]
    for name in ("status", "organisation_id", "category_id"):
        if name in query:
            where.append(getattr(Entry, name) == query[name])
    total = db.session.scalar(select(func.count()).select_from(Entry).where(*where))
    items = db.session.scalars(select(Entry).where(*where).options(selectinload(Entry.organisation))
                               .order_by(Entry.id)
                               .limit(query["per_page"]).offset((query["page"] - 1) * query["per_page"]))
    return {"items": list(items), "total": total, "page": query["page"], "per_page": query["per_page"]}


@bp.route("/competitions/<int:competition_id>/innovations", methods=["POST"])
@bp.arguments(InnovationNew)
@bp.response(201, InnovationOut, headers={"ETag": {"schema": {"type": "string"}}})
@needs("write")
def create_innovation(body: dict[str, Any], competition_id: int) -> Response:
    """Create a draft innovation of the user's OPD (or of ``organisation_id``) while the
    competition is open."""
    competition = competition_for(competition_id)
    organisation_id = body.pop("organisation_id", None)
    if organisation_id is None:
        organisation = current_user.organisation
        if organisation is None:
            raise NotPermitted(t("%(user)s belongs to no OPD, so cannot enter innovations",
                                 user=current_user.name))
    else:
        organisation = db.session.get(Organisation, organisation_id)
        if organisation is None:
            raise InvalidInput(t("organisation_id: there is no organisation with id %(id)s",
                                 id=organisation_id))
    return _answer(create_entry(competition, organisation, current_user, **body), 201)


@bp.route("/innovations/<int:entry_id>")
@bp.response(200, InnovationOut, headers={"ETag": {"schema": {"type": "string"}}})
@needs("read")
def innovation(entry_id: int) -> Response:
    return _answer(_entry(entry_id))


@bp.route("/innovations/<int:entry_id>", methods=["PATCH"])
@bp.arguments(InnovationChange)
@bp.response(200, InnovationOut)
@needs("write")
def update_innovation(change: dict[str, Any], entry_id: int) -> Response:
    """Change a draft or returned innovation of the user's OPD. Needs If-Match."""
    entry = _entry(entry_id)
    expected = expected_version(entry.version, "innovation")
    try:
        update_entry(entry, current_user, expected_version=expected, **change)
    except ConcurrentChange as error:
        return problem(412, "Precondition Failed", str(error))
    return _answer(entry)


@bp.route("/innovations/<int:entry_id>/transitions", methods=["POST"])
@bp.arguments(TriggerIn)
@bp.response(200, InnovationOut)
@needs("write")
def fire(body: dict[str, Any], entry_id: int) -> Response:
    """Fire a workflow trigger (submit, verify, return, reject, withdraw, …) as the user, with a
    comment where the workflow asks for one. Needs If-Match."""
    entry = _entry(entry_id)
    expected = expected_version(entry.version, "innovation")
    try:
        change_entry_status(entry, body["trigger"], current_user, comment=body["comment"],
                            expected_version=expected)
    except ConcurrentChange as error:
        return problem(412, "Precondition Failed", str(error))
    except WorkflowError as error:
        reasons = list(getattr(error, "reasons", None) or [str(error)])
        return problem(409, "Conflict", "; ".join(reasons), errors={"trigger": reasons})
    return _answer(entry)


@bp.route("/innovations/<int:entry_id>/history")
@bp.response(200, EventOut(many=True))
@needs("read")
def history(entry_id: int) -> list[Any]:
    """Every change of status, oldest first (the reason scoring was reopened for organisers only)."""
    return timeline_for(_entry(entry_id), current_user)

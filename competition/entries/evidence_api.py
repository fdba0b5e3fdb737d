"""API v1: an innovation's evidence (data dukung). Listing it, uploading a file (multipart/form-data)
or adding a link (JSON), reading one, downloading its file and removing it: through the same
operations and policy as the innovation's page."""

from __future__ import annotations

import io
from typing import Any

from flask import current_app, request, send_file
from flask_login import current_user
from marshmallow import RAISE, Schema, ValidationError, fields
from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.wrappers import Response

from competition.api import blueprint, needs
from competition.api.problems import problem
from competition.entries.evidence import (
    DOWNLOADED_AS,
    FILE_SECURITY_HEADERS,
    SHOWN_IN_PLACE,
    add_evidence_file,
    add_evidence_link,
    delivery,
    evidence_path,
    remove_evidence,
)
from competition.errors import NotFound
from competition.extensions import db
from competition.judging.scoring_views import masking
from competition.models import Entry, Evidence
from competition.policy import can_see_evidence, can_view_entry, hides_organisation
from workflows.messages import t

bp = blueprint("api_evidence", __name__, "Evidence of innovations: files and links.")

MB = 1024 * 1024
CLAIM = "The claim of the innovation it backs."


class EvidenceOut(Schema):
    id = fields.Integer(required=True)
    innovation_id = fields.Integer(required=True, attribute="entry_id")
    kind = fields.String(required=True, metadata={"description": "file or link"})
    title = fields.Method("shown_title", required=True, metadata={
        "description": "Its title (in a blind round, the OPD's names replaced by [OPD] for a judge)."})
    indicator = fields.Method("shown_indicator", required=True, metadata={
        "description": "The claim it supports (masked as the title is)."})
    url = fields.Method("address", allow_none=True, metadata={
        "description": "A link's address (not shown to a judge of a blind round)."})
    file_name = fields.Method("name", allow_none=True, metadata={"description": "A file's name."})
    media_type = fields.String(allow_none=True)
    size_bytes = fields.Integer(allow_none=True)
    sha256 = fields.String(allow_none=True)
    created_at = fields.AwareDateTime(required=True)

    def shown_title(self, evidence: Evidence) -> str:
        if hides_organisation(current_user, evidence.entry):
            return masking(evidence.entry, blind=True)(evidence.title)
        return evidence.title

    def shown_indicator(self, evidence: Evidence) -> str:
        if hides_organisation(current_user, evidence.entry):
            return masking(evidence.entry, blind=True)(evidence.indicator)
        return evidence.indicator

    def address(self, evidence: Evidence) -> str | None:
        if evidence.kind != "link" or hides_organisation(current_user, evidence.entry):
            return None
        return evidence.url

    def name(self, evidence: Evidence) -> str | None:
        """As the download names it: a judge sees a name that names no OPD."""
        if evidence.kind != "file":
            return None
        return delivery(evidence, neutral_name=not can_view_entry(current_user, evidence.entry)).file_name


class EvidenceLinkIn(Schema):
    """A link to a video, a published page or a shared folder."""

    class Meta:
        unknown = RAISE

    url = fields.String(required=True, metadata={"description": "An http(s) address."})
    title = fields.String(required=True)
    indicator = fields.String(load_default="", metadata={"description": CLAIM})


class EvidenceFileIn(Schema):
    """A file upload (multipart/form-data): the file, with an optional title and claim."""

    class Meta:
        unknown = RAISE

    file = fields.Raw(required=True, metadata={"type": "string", "format": "binary"})
    title = fields.String(load_default="", metadata={"description": "By default the file's name."})
    indicator = fields.String(load_default="", metadata={"description": CLAIM})


def _entry(entry_id: int, *, changing: bool = False) -> Entry:
    """An innovation whose evidence the user may see (its assigned judges too); to change it, one
    the user may view, as on its page (anyone else: 404; the service refuses the rest: 403)."""
    entry = db.session.get(Entry, entry_id)
    if entry is None or not (can_view_entry if changing else can_see_evidence)(current_user, entry):
        raise NotFound(t("there is no innovation with id %(id)s", id=entry_id))
    return entry


def _evidence(evidence_id: int, *, changing: bool = False) -> Evidence:
    evidence = db.session.get(Evidence, evidence_id)
    if evidence is None or not (can_view_entry if changing else can_see_evidence)(current_user,
                                                                                   evidence.entry):
        raise NotFound(t("there is no evidence with id %(id)s", id=evidence_id))
    return evidence


def _invalid(error: ValidationError) -> Response:
    messages = error.messages if isinstance(error.messages, dict) else {"_": error.messages}
    return problem(422, "Unprocessable Entity", "The request has invalid fields.",
                   errors={name: [str(text) for text in (texts if isinstance(texts, list) else [texts])]
                           for name, texts in messages.items()})


def _created(evidence: Evidence) -> Response:
    return Response(EvidenceOut().dumps(evidence), 201, mimetype="application/json")


@bp.route("/innovations/<int:entry_id>/evidence")
@bp.response(200, EvidenceOut(many=True))
@needs("read")
def evidence_list(entry_id: int) -> list[Evidence]:
    """The evidence of an innovation, in id order: for whoever may see it (its assigned judges too)."""
    entry = _entry(entry_id)
    return list(db.session.scalars(select(Evidence).where(Evidence.entry_id == entry.id)
                                   .order_by(Evidence.id)))


UPLOAD_DOC = {
    "description": "A file as multipart/form-data (PDF, JPG, PNG, MP4, DOCX, XLSX, PPTX as the server "
                   "allows; 20 MB at most by default), or a link as JSON.",
    "required": True,
    "content": {"multipart/form-data": {"schema": EvidenceFileIn},
                "application/json": {"schema": EvidenceLinkIn}},
}


@bp.route("/innovations/<int:entry_id>/evidence", methods=["POST"])
@bp.doc(requestBody=UPLOAD_DOC)
@bp.response(201, EvidenceOut)
@bp.alt_response(413, description="The file is larger than the limit; nothing was stored.")
@bp.alt_response(507, description="The server could not store the file; nothing was stored.")
@needs("write")
def add_evidence(entry_id: int) -> Response:
    """Attach a file (multipart/form-data) or a link (JSON) to a draft or returned innovation."""
    entry = _entry(entry_id, changing=True)
    if request.mimetype == "multipart/form-data":
        return _upload(entry)
    try:
        link = EvidenceLinkIn().load(request.get_json(silent=True) or {})
    except ValidationError as error:
        return _invalid(error)
    return _created(add_evidence_link(entry, current_user, url=link["url"], title=link["title"],
                                      indicator=link["indicator"]))


def _upload(entry: Entry) -> Response:
    values: dict[str, Any] = dict(request.form.items())
    uploads = request.files.getlist("file")
    if len(uploads) > 1:
        return problem(422, "Unprocessable Entity", "Send one file at a time.",
                       errors={"file": ["Send one file at a time."]})
    if uploads and uploads[0].filename:
        values["file"] = uploads[0]
    extra = set(request.files) - {"file"}
    try:
        sent = EvidenceFileIn().load(values)
        if extra:
            raise ValidationError({name: ["Unknown field."] for name in sorted(extra)})
    except ValidationError as error:
        return _invalid(error)
    upload: FileStorage = sent["file"]
    limit = current_app.config["EVIDENCE_MAX_BYTES"]
    data = upload.stream.read(limit + 1)
    if len(data) > limit:
        message = t("file: %(name)s is larger than the limit of %(limit)s", name=upload.filename,
                    limit=f"{limit / MB:.1f} MB")
        return problem(413, "Request Entity Too Large", message,
                       errors={"file": [message.partition(": ")[2]]})
    return _created(add_evidence_file(entry, current_user, filename=upload.filename or "",
                                      stream=io.BytesIO(data), title=sent["title"],
                                      indicator=sent["indicator"]))


@bp.route("/evidence/<int:evidence_id>")
@bp.response(200, EvidenceOut)
@needs("read")
def evidence(evidence_id: int) -> Evidence:
    """One piece of evidence, without its file."""
    return _evidence(evidence_id)


BINARY = {"schema": {"type": "string", "format": "binary"}}
FILE_DOC = {"200": {"description": "The file: PDFs and photos with their own type (shown in place), "
                                   "anything else as bytes to download.",
                    "content": {media: BINARY for media in (*sorted(SHOWN_IN_PLACE), DOWNLOADED_AS)}}}


@bp.route("/evidence/<int:evidence_id>/file")
@bp.doc(responses=FILE_DOC)
@needs("read")
def evidence_file(evidence_id: int) -> Response:
    """Download an evidence file, as the innovation's page does."""
    found = _evidence(evidence_id)
    if found.kind != "file" or found.sha256 is None:
        raise NotFound(t("there is no evidence with id %(id)s", id=evidence_id))
    # A judge sees it through an assignment; a file name could name the OPD in a blind round.
    sent = delivery(found, neutral_name=not can_view_entry(current_user, found.entry))
    response = send_file(evidence_path(found.sha256), mimetype=sent.media_type,
                         as_attachment=not sent.inline, download_name=sent.file_name)
    response.headers.update(FILE_SECURITY_HEADERS)
    response.cache_control.private = True
    return response


@bp.route("/evidence/<int:evidence_id>", methods=["DELETE"])
@bp.response(204)
@needs("write")
def delete_evidence(evidence_id: int) -> Response:
    """Remove evidence from a draft or returned innovation."""
    remove_evidence(_evidence(evidence_id, changing=True).id, current_user)
    return Response(status=204)

"""API v1: the ceremony. The run-sheet of every award of the latest sealed version, and its
certificates or run-sheet made as a PDF in the background; the certificates' settings (who signs,
where and when), read and changed with If-Match: as the ceremony pages
(:mod:`competition.ceremony.views`). The logo is uploaded on the settings page or with
``flask results certificate-settings --logo``."""

from __future__ import annotations

from typing import Any

from flask import abort, url_for
from flask_login import current_user
from marshmallow import RAISE, Schema, fields, validate
from werkzeug.wrappers import Response

from competition.api import blueprint, content_tag, expected_version, needs, with_etag
from competition.api.problems import problem
from competition.api.schemas import Score, refusals
from competition.ceremony.documents import ceremony_programme
from competition.ceremony.models import NAME_LENGTH, NIP_DIGITS, PLACE_LENGTH, TITLE_LENGTH
from competition.ceremony.operations import change_ceremony_settings, settings_data, settings_of
from competition.ceremony.views import document_file_name
from competition.competitions.manage import organised_competition
from competition.documents.formatting import juara
from competition.extensions import db
from competition.jobs.api import JobOut, job_out
from competition.jobs.kinds import DOCUMENTS
from competition.jobs.runner import enqueue
from competition.judging.rounds_api import READ, UPDATE
from competition.models import Award
from competition.results.api import REFUSALS, CountedOut
from competition.results.operations import latest_result_set

bp = blueprint("api_ceremony", __name__, "The ceremony: run-sheets, and certificates made in the background.")


class RunSheetRowOut(Schema):
    reveal = fields.Integer(required=True, metadata={"description": "Order of announcement, 1 first."})
    position = fields.Integer(required=True)
    juara = fields.Function(lambda row: juara(row.position), required=True,
                            metadata={"description": "The position in words: Juara I."})
    subject = fields.String(required=True)
    organisation = fields.String(required=True)
    innovation = fields.String(required=True)
    innovations = fields.List(fields.Nested(CountedOut), required=True)
    score = Score(required=True)
    citation = fields.String(required=True)
    certificate_number = fields.String(required=True)


class RunSheetAwardOut(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    rows = fields.List(fields.Nested(RunSheetRowOut), required=True,
                       metadata={"description": "Empty when nobody won it."})


class RunSheetOut(Schema):
    competition_id = fields.Integer(required=True)
    version = fields.Integer(required=True)
    status = fields.String(required=True)
    sha256 = fields.String(required=True)
    awards = fields.List(fields.Nested(RunSheetAwardOut), required=True)


class DocumentIn(Schema):
    class Meta:
        unknown = RAISE

    document = fields.String(required=True, validate=validate.OneOf(DOCUMENTS))


@bp.route("/competitions/<int:competition_id>/ceremony/run-sheet")
@bp.response(200, RunSheetOut)
@bp.doc(responses={**REFUSALS, "404": {"description": "No such competition, or no sealed version yet."}})
@needs("read")
def run_sheet(competition_id: int) -> dict[str, Any]:
    """Per award of the latest sealed version: who is announced in which order, with what citation."""
    competition = organised_competition(competition_id)
    result_set = latest_result_set(competition)
    if result_set is None:
        abort(404, "No version of the results is sealed yet.")
    return {"competition_id": competition.id, "version": result_set.version, "status": result_set.status,
            "sha256": result_set.sha256,
            "awards": [{"id": p.award.id, "name": p.award.name, "rows": p.rows}
                       for p in ceremony_programme(result_set)]}


@bp.route("/awards/<int:award_id>/documents", methods=["POST"])
@bp.arguments(DocumentIn)
@bp.response(202, JobOut, headers={"Location": {"schema": {"type": "string"},
                                                "description": "The job, to follow."}})
@bp.alt_response(409, description="Nobody won the award in the latest sealed version.")
@bp.doc(responses={**REFUSALS, "404": {"description": "No such award, or not in the latest sealed version."}})
@needs("write")
def start_document(body: dict[str, Any], award_id: int) -> Response | tuple[dict[str, Any], dict[str, str]]:
    """Make an award's certificates or run-sheet as a PDF in the background; follow the job."""
    award = db.session.get(Award, award_id)
    if award is None:
        abort(404)
    competition = organised_competition(award.competition_id)
    result_set = latest_result_set(competition)
    programme = next((p for p in ceremony_programme(result_set) if p.award.id == award_id), None) \
        if result_set else None
    if result_set is None or programme is None:
        abort(404, "The award is not in the latest sealed version of the results.")
    if not programme.rows:
        return problem(409, "Conflict", f"{award.name} has no winner in version {result_set.version}.")
    document = body["document"]
    name = document_file_name("piagam" if document == "certificates" else "susunan-acara", competition,
                              programme, result_set, "pdf")
    job = enqueue("documents", competition=competition, by=current_user, total=len(programme.rows),
                  params={"document": document, "award_id": award_id, "file_name": name})
    return job_out(job), {"Location": url_for("api_jobs.job", job_id=job.id)}


class LogoOut(Schema):
    media_type = fields.String(required=True)
    name = fields.String(required=True)
    size = fields.Integer(required=True, metadata={"description": "In bytes."})
    sha256 = fields.String(required=True)


class CertificateSettingsOut(Schema):
    competition_id = fields.Integer(required=True)
    signatory_name = fields.String(required=True)
    signatory_title = fields.String(required=True, metadata={"description": "The jabatan."})
    signatory_nip = fields.String(required=True, metadata={"description": "18 digits, or empty."})
    second_name = fields.String(required=True, metadata={"description": "Empty without a second signatory."})
    second_title = fields.String(required=True)
    second_nip = fields.String(required=True)
    place = fields.String(required=True, metadata={"description": "Empty: the region's name is printed."})
    ceremony_date = fields.Date(required=True, allow_none=True,
                                metadata={"description": "None: the date the results were published."})
    logo = fields.Nested(LogoOut, required=True, allow_none=True)


def _text(limit: int) -> fields.String:
    # Lengths are checked by the operation, which names the field; this only bounds the body.
    return fields.String(validate=validate.Length(max=limit + 40))


class CertificateSettingsIn(Schema):
    class Meta:
        unknown = RAISE

    signatory_name = _text(NAME_LENGTH)
    signatory_title = _text(TITLE_LENGTH)
    signatory_nip = _text(NIP_DIGITS)
    second_name = _text(NAME_LENGTH)
    second_title = _text(TITLE_LENGTH)
    second_nip = _text(NIP_DIGITS)
    place = _text(PLACE_LENGTH)
    ceremony_date = fields.String(allow_none=True, validate=validate.Length(max=40),
                                  metadata={"description": "YYYY-MM-DD; empty or null for none."})
    remove_logo = fields.Boolean(load_default=False)


ETAG = {"ETag": {"schema": {"type": "string"}}}


def _settings(competition_id: int) -> dict[str, Any]:
    competition = organised_competition(competition_id)
    return {"competition_id": competition.id, **settings_data(settings_of(competition))}


def _settings_answer(shown: dict[str, Any]) -> Response:
    return with_etag(CertificateSettingsOut(), shown, content_tag(CertificateSettingsOut(), shown))


@bp.route("/competitions/<int:competition_id>/ceremony/certificate-settings")
@bp.response(200, CertificateSettingsOut, headers=ETAG)
@needs("read")
@refusals(bp, *READ)
def certificate_settings(competition_id: int) -> Response:
    """Who signs the certificates (name, title, NIP; a second signatory), the place, the date and the
    logo; empty while none are set."""
    return _settings_answer(_settings(competition_id))


@bp.route("/competitions/<int:competition_id>/ceremony/certificate-settings", methods=["PATCH"])
@bp.arguments(CertificateSettingsIn)
@bp.response(200, CertificateSettingsOut, headers=ETAG)
@needs("write")
@refusals(bp, *UPDATE)
def change_certificate_settings(sent: dict[str, Any], competition_id: int) -> Response:
    """Change the fields given (the others stay); each wrong one is named and nothing is stored.
    A NIP is 18 digits (spaces allowed). Needs If-Match."""
    shown = _settings(competition_id)
    expected_version(content_tag(CertificateSettingsOut(), shown), "certificate settings")
    remove_logo = sent.pop("remove_logo", False)
    competition = organised_competition(competition_id)
    change_ceremony_settings(competition, current_user, sent, remove_logo=remove_logo)
    return _settings_answer(_settings(competition_id))

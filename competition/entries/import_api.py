"""API v1: importing innovations from a CSV or XLSX file, all of them as drafts or none, as the
command ``flask innovations import`` does (the same service and policy)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from flask_login import current_user
from flask_smorest.fields import Upload
from marshmallow import RAISE, Schema, fields
from werkzeug.datastructures import FileStorage
from werkzeug.utils import secure_filename
from werkzeug.wrappers import Response

from competition.api import blueprint, needs
from competition.api.problems import problem
from competition.competitions.api import competition_for
from competition.entries.api import InnovationOut
from competition.entries.importing import COLUMNS, REQUIRED, import_entries
from competition.errors import InvalidInput

bp = blueprint("api_innovation_import", __name__, "Importing innovations from a CSV or XLSX file.")


class ImportFile(Schema):
    class Meta:
        unknown = RAISE

    file = Upload(required=True, metadata={"description": (
        "CSV (comma or semicolon, UTF-8) or XLSX, one innovation per row; columns "
        + ", ".join(COLUMNS) + f" ({', '.join(REQUIRED)} required), or the national IID "
        "application's headings (Nama Inovasi, Tahapan Inovasi, …).")})


class InnovationImportOut(Schema):
    created = fields.List(fields.Nested(InnovationOut), required=True,
                          metadata={"description": "The drafts made, one per row, in file order."})


@bp.route("/competitions/<int:competition_id>/innovations/import", methods=["POST"])
@bp.arguments(ImportFile, location="files")
@bp.response(201, InnovationImportOut)
@bp.alt_response(403, description="The user may not import innovations into this competition now.")
@bp.alt_response(404, description="No competition with this id that the user takes part in.")
@bp.alt_response(422, description="Bad rows, each named in errors.file with its row number and column; "
                                  "nothing was stored.")
@needs("write")
def import_innovations(files: dict[str, Any], competition_id: int) -> dict[str, Any] | Response:
    """Import draft innovations from a file (multipart field ``file``): all rows, or none."""
    competition = competition_for(competition_id)
    upload: FileStorage = files["file"]
    display_name = upload.filename or "upload.csv"
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / (secure_filename(display_name) or "upload.csv")
        upload.save(path)
        try:
            report = import_entries(competition, path, current_user, display_name=display_name)
        except InvalidInput as error:
            return problem(422, "Unprocessable Entity", "; ".join(error.problems),
                           errors={"file": error.problems})
    return {"created": report.created}

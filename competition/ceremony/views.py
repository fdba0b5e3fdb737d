"""The organiser's ceremony (penganugerahan) pages: the run-sheet of every award of the latest
sealed version with its downloads, and the full-screen reveal for the projector."""

from __future__ import annotations

import re
import unicodedata

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from competition.ceremony.documents import (
    AwardProgramme,
    ceremony_programme,
    certificate_preview_pdf,
    certificates_pdf,
    run_sheet_csv,
    run_sheet_pdf,
    run_sheet_xlsx,
)
from competition.ceremony.operations import (
    FIELDS,
    LOGO_MAX_BYTES,
    Logo,
    change_ceremony_settings,
    nip_shown,
    settings_data,
    settings_of,
)
from competition.competitions.manage import organised_competition
from competition.errors import InvalidInput
from competition.jobs.runner import enqueue
from competition.models import Competition, ResultSet
from competition.results.operations import latest_result_set
from competition.web.forms import PageForm

bp = Blueprint("ceremony", __name__, url_prefix="/manage")

MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def slug(text: str) -> str:
    """'Lomba Inovasi Daerah 2025' -> 'lomba-inovasi-daerah-2025', for file names."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "hasil"


def _sealed(competition: Competition) -> ResultSet | None:
    return latest_result_set(competition)


def _award_programme(competition: Competition, award_id: int) -> tuple[ResultSet, AwardProgramme]:
    """The latest sealed version and one of its awards with its run-sheet: 404 when there is no
    sealed version or the award is not in it."""
    result_set = _sealed(competition)
    if result_set is None:
        abort(404)
    programme = next((p for p in ceremony_programme(result_set) if p.award.id == award_id), None)
    if programme is None:
        abort(404)
    return result_set, programme


def document_file_name(kind: str, competition: Competition, programme: AwardProgramme, result_set: ResultSet,
               extension: str) -> str:
    return (f"{kind}-{slug(competition.name)}-{slug(programme.award.name)}-v{result_set.version}"
            f".{extension}")


@bp.get("/<int:competition_id>/ceremony")
@login_required
def index(competition_id: int) -> str:
    """Per award of the latest sealed version: who is announced in which order, with what
    citation, and the run-sheet and certificates to download."""
    competition = organised_competition(competition_id)
    result_set = _sealed(competition)
    programme = ceremony_programme(result_set) if result_set else []
    return render_template("ceremony/index.html", competition=competition, result_set=result_set,
                           programme=programme, start_form=StartForm())


@bp.get("/<int:competition_id>/ceremony/awards/<int:award_id>/run-sheet.<any(csv, xlsx, pdf):file_format>")
@login_required
def run_sheet_file(competition_id: int, award_id: int, file_format: str) -> Response:
    """An award's run-sheet as CSV, XLSX or an A4 PDF."""
    competition = organised_competition(competition_id)
    result_set, programme = _award_programme(competition, award_id)
    if not programme.rows:
        flash(_("%(award)s has no winner in version %(version)s, so there is no run-sheet.",
                award=programme.award.name, version=result_set.version), "warning")
        return redirect(url_for("ceremony.index", competition_id=competition.id))
    if file_format == "csv":
        body: str | bytes = run_sheet_csv(programme.rows)
    elif file_format == "xlsx":
        body = run_sheet_xlsx(programme.rows, f"{programme.award.name} – {competition.name}")
    else:
        body = run_sheet_pdf(result_set, programme.award, programme.rows)
    name = document_file_name("susunan-acara", competition, programme, result_set, file_format)
    return Response(body, mimetype=MEDIA_TYPES[file_format],
                    headers={"Content-Disposition": f"attachment; filename={name}"})


@bp.get("/<int:competition_id>/ceremony/awards/<int:award_id>/certificates.pdf")
@login_required
def certificates_file(competition_id: int, award_id: int) -> Response:
    """One certificate (piagam penghargaan) per winner of an award, as one PDF."""
    competition = organised_competition(competition_id)
    result_set, programme = _award_programme(competition, award_id)
    if not programme.rows:
        flash(_("%(award)s has no winner in version %(version)s, so there are no certificates.",
                award=programme.award.name, version=result_set.version), "warning")
        return redirect(url_for("ceremony.index", competition_id=competition.id))
    name = document_file_name("piagam", competition, programme, result_set, "pdf")
    body = certificates_pdf(result_set, programme.award, programme.rows)
    return Response(body, mimetype=MEDIA_TYPES["pdf"],
                    headers={"Content-Disposition": f"attachment; filename={name}"})


class StartForm(PageForm):
    """Only the CSRF token, for the buttons that start making a document."""


@bp.post("/<int:competition_id>/ceremony/awards/<int:award_id>/<any(run_sheet, certificates):document>/job")
@login_required
def start_document(competition_id: int, award_id: int, document: str) -> Response:
    """Make an award's certificates or run-sheet as a PDF in the background (a large competition
    has many winners), and follow it on the job's page, where the file downloads when done."""
    competition = organised_competition(competition_id)
    result_set, programme = _award_programme(competition, award_id)
    if not StartForm().validate_on_submit():
        abort(400)
    if not programme.rows:
        flash(_("%(award)s has no winner in version %(version)s, so there is nothing to make.",
                award=programme.award.name, version=result_set.version), "warning")
        return redirect(url_for("ceremony.index", competition_id=competition.id))
    name = document_file_name("piagam" if document == "certificates" else "susunan-acara", competition,
                              programme, result_set, "pdf")
    job = enqueue("documents", competition=competition, by=current_user, total=len(programme.rows),
                  params={"document": document, "award_id": award_id, "file_name": name})
    return redirect(url_for("jobs.show", job_id=job.id))


@bp.get("/<int:competition_id>/ceremony/reveal")
@login_required
def reveal(competition_id: int) -> str:
    """The full-screen reveal for the projector: one award at a time, positions from last to
    first, each revealed by a key press. Everything is in the page; nothing is fetched later."""
    competition = organised_competition(competition_id)
    result_set = _sealed(competition)
    programme = [p for p in ceremony_programme(result_set) if p.rows] if result_set else []
    return render_template("ceremony/reveal.html", competition=competition, result_set=result_set,
                           programme=programme)


# The settings page's fields, in its order, with their labels.
SETTING_LABELS = {
    "signatory_name": _l("Signatory's name"), "signatory_title": _l("Signatory's title (jabatan)"),
    "signatory_nip": _l("Signatory's NIP"), "second_name": _l("Second signatory's name"),
    "second_title": _l("Second signatory's title (jabatan)"), "second_nip": _l("Second signatory's NIP"),
    "place": _l("Place"), "ceremony_date": _l("Date of the ceremony"), "logo": _l("Logo"),
}


def _field_problems(problems: list[str]) -> dict[str, str]:
    """'signatory_nip: a NIP is 18 digits…' -> {'signatory_nip': 'a NIP is 18 digits…'}."""
    found: dict[str, str] = {}
    for problem in problems:
        field, _colon, text = str(problem).partition(": ")
        if field in SETTING_LABELS and field not in found:
            found[field] = text
    return found


@bp.route("/<int:competition_id>/ceremony/certificates", methods=["GET", "POST"])
@login_required
def settings(competition_id: int) -> str | Response | tuple[str, int]:
    """Who signs the certificates (name, title, NIP; a second signatory if any), the place and date
    printed above the signatures and the logo at the top; and a preview of one certificate."""
    competition = organised_competition(competition_id)
    errors: dict[str, str] = {}
    problems: list[str] = []
    if request.method == "POST":
        if not StartForm().validate_on_submit():
            abort(400)
        values = {field: request.form.get(field, "") for field in FIELDS}
        upload = request.files.get("logo")
        logo = None
        if upload is not None and upload.filename:
            logo = Logo(upload.filename, upload.stream.read(LOGO_MAX_BYTES + 1))
        try:
            change_ceremony_settings(competition, current_user, values, logo=logo,
                                     remove_logo=request.form.get("remove_logo") == "1")
        except InvalidInput as error:
            problems = [str(p) for p in error.problems]
            errors = _field_problems(problems)
        else:
            flash(_("The certificate settings are saved. Check them in the preview before printing."),
                  "success")
            return redirect(url_for("ceremony.settings", competition_id=competition.id))
    stored = settings_data(settings_of(competition))
    shown = dict(stored)
    if request.method == "POST":
        shown.update({field: request.form.get(field, "") for field in FIELDS})
    else:
        shown["ceremony_date"] = stored["ceremony_date"].isoformat() if stored["ceremony_date"] else ""
    page = render_template("ceremony/settings.html", competition=competition, shown=shown, stored=stored,
                           errors=errors, problems=problems, labels=SETTING_LABELS, form=StartForm(),
                           logo_limit=LOGO_MAX_BYTES // 1024, nip_shown=nip_shown)
    return (page, 422) if problems else page


@bp.get("/<int:competition_id>/ceremony/certificates/preview.pdf")
@login_required
def certificate_preview(competition_id: int) -> Response:
    """One certificate as it will print: the first winner of the latest sealed version (an example
    winner before anything is sealed), shown in the browser rather than downloaded."""
    competition = organised_competition(competition_id)
    body = certificate_preview_pdf(competition)
    name = f"contoh-piagam-{slug(competition.name)}.pdf"
    return Response(body, mimetype=MEDIA_TYPES["pdf"],
                    headers={"Content-Disposition": f"inline; filename={name}"})

"""The IID rehearsal's pages: the region's (or an OPD's) index page, the Bappeda's regional rows,
an innovation's indicators (claimed by its OPD, verified by a verifier) and the exports."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from competition.competitions.views import flash_error, language
from competition.documents.spreadsheets import csv_text, xlsx_bytes
from competition.errors import AnugerahError
from competition.extensions import db
from competition.iid.model import LEVELS, PRESETS, Model
from competition.iid.operations import (
    Claimed,
    Verified,
    claim_levels,
    region_levels,
    set_region_levels,
    verify_levels,
)
from competition.iid.queries import (
    EXPORT_COLUMNS,
    IndicatorLine,
    entry_lines,
    entry_reasons,
    export_rows,
    iid_model,
    model_or_problem,
    rehearsal,
)
from competition.models import Competition, Entry
from competition.policy import (
    can_claim_iid,
    can_see_iid,
    can_see_region_iid,
    can_set_region_iid,
    can_verify_iid,
    can_view_entry,
)
from competition.ranking.exact import shown

bp = Blueprint("iid", __name__)


def _competition(competition_id: int) -> Competition:
    competition = db.session.get(Competition, competition_id)
    if competition is None:
        abort(404)
    if not can_see_iid(current_user, competition):
        abort(403)
    return competition


def _model() -> Model:
    """The preset named by ``?model=`` (or the form's ``model``), else the newest; 404 for another name."""
    model, problem = model_or_problem(request.values.get("model") or None)
    if model is None:
        abort(404, problem)
    return model


def _presets() -> list[tuple[str, str]]:
    return [(name, iid_model(name).title) for name in PRESETS]


@bp.route("/competitions/<int:competition_id>/iid")
@login_required
def index(competition_id: int) -> str:
    competition = _competition(competition_id)
    model = _model()
    found = rehearsal(competition, model, current_user)
    return render_template("iid/index.html", competition=competition, found=found, model=model, shown=shown,
                           presets=_presets(), may_set_region=can_set_region_iid(current_user, competition),
                           organiser_view=can_see_region_iid(current_user, competition))


@bp.route("/competitions/<int:competition_id>/iid/export.<any(csv, xlsx):kind>")
@login_required
def export(competition_id: int, kind: str) -> Response:
    competition = _competition(competition_id)
    model = _model()
    found = rehearsal(competition, model, current_user)
    rows = export_rows(found)
    name = f"iid-{model.name}-{competition.id}"
    if kind == "csv":
        body: str | bytes = csv_text(EXPORT_COLUMNS, rows, byte_order_mark=True)
        mimetype = "text/csv; charset=utf-8"
    else:
        body = xlsx_bytes(EXPORT_COLUMNS, rows, title=f"{model.title} – {competition.name}", sheet_name="IID",
                          wrapped=(1, 6, 9, 12))
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(body, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{name}.{kind}"'})


def _level(sent: MultiDict[str, str], name: str, highest: int = LEVELS) -> int | None:
    text = sent.get(name, "").strip()
    if not text.isdigit() or int(text) > highest:
        return None
    return int(text)


@bp.route("/competitions/<int:competition_id>/iid/region", methods=["GET", "POST"])
@login_required
def region(competition_id: int) -> str | Response | tuple[str, int]:
    competition = _competition(competition_id)
    if not can_see_region_iid(current_user, competition):
        abort(403)
    model = _model()
    errors: dict[str, str] = {}
    if request.method == "POST":
        if not can_set_region_iid(current_user, competition):
            abort(403)
        levels: dict[str, int] = {}
        for row in model.spd:
            level = _level(request.form, f"level-{row.key}")
            if level is None:
                errors[row.key] = _("Choose a level from 0 to 3.")
            else:
                levels[row.key] = level
        if not errors:
            try:
                changed = set_region_levels(competition, current_user, model, levels)
            except AnugerahError as error:
                flash_error(error)
            else:
                flash(_("%(count)s regional rows changed.", count=len(changed)) if changed
                      else _("Nothing changed."), "success")
                return redirect(url_for("iid.index", competition_id=competition.id, model=model.name))
    stored = {key: row.level for key, row in region_levels(competition).items()}
    sent = request.form if request.method == "POST" else None
    page = render_template("iid/region.html", competition=competition, model=model, stored=stored, sent=sent,
                           errors=errors, editable=can_set_region_iid(current_user, competition),
                           presets=_presets())
    return (page, 422) if request.method == "POST" else page


def _entry(entry_id: int) -> Entry:
    entry = db.session.get(Entry, entry_id)
    if entry is None or not can_view_entry(current_user, entry):
        abort(404)
    return entry


def _claims(entry: Entry, model: Model,
            sent: MultiDict[str, str]) -> tuple[dict[str, Claimed], dict[str, str]]:
    own = {evidence.id for evidence in entry.evidence}
    claims, errors = {}, {}
    for indicator in model.sid:
        level = _level(sent, f"level-{indicator.key}")
        evidence_text = sent.get(f"evidence-{indicator.key}", "").strip()
        evidence = int(evidence_text) if evidence_text.isdigit() and len(evidence_text) < 10 else None
        if level is None:
            errors[indicator.key] = _("Choose a level from 0 to 3.")
        elif evidence_text and evidence not in own:
            errors[indicator.key] = _("Choose one of this innovation's evidence.")
        else:
            claims[indicator.key] = Claimed(level, evidence)
    return claims, errors


def _decisions(lines: tuple[IndicatorLine, ...],
               sent: MultiDict[str, str]) -> tuple[dict[str, Verified], dict[str, str]]:
    decisions, errors = {}, {}
    for line in lines:
        if not line.claimed:
            continue
        key = line.indicator.key
        level = _level(sent, f"verified-{key}", line.claimed)
        note = sent.get(f"note-{key}", "")
        if level is None:
            errors[key] = _("Choose a level from 0 to the claimed %(level)s.", level=line.claimed)
        elif level < line.claimed and not note.strip():
            errors[key] = _("Say why the level is lowered.")
        else:
            decisions[key] = Verified(level, note)
    return decisions, errors


@bp.route("/innovations/<int:entry_id>/iid", methods=["GET", "POST"])
@login_required
def innovation(entry_id: int) -> str | Response | tuple[str, int]:
    entry = _entry(entry_id)
    model = _model()
    lines = entry_lines(entry, model)
    may_claim, may_verify = can_claim_iid(current_user, entry), can_verify_iid(current_user, entry)
    errors: dict[str, str] = {}
    doing = request.form.get("do", "")
    if request.method == "POST":
        if doing not in ("claim", "verify") or not (may_claim if doing == "claim" else may_verify):
            abort(403)
        claims: dict[str, Claimed] = {}
        decisions: dict[str, Verified] = {}
        if doing == "claim":
            claims, errors = _claims(entry, model, request.form)
        else:
            decisions, errors = _decisions(lines, request.form)
        if not errors:
            try:
                if doing == "claim":
                    changed = claim_levels(entry, current_user, model, claims)
                else:
                    changed = verify_levels(entry, current_user, model, decisions)
            except AnugerahError as error:
                flash_error(error)
            else:
                flash(_("%(count)s indicators changed.", count=len(changed)) if changed
                      else _("Nothing changed."), "success")
                return redirect(url_for("iid.innovation", entry_id=entry.id, model=model.name))
    page = render_template("iid/innovation.html", entry=entry, model=model, lines=lines,
                           reasons=entry_reasons(entry, model), may_claim=may_claim, may_verify=may_verify,
                           sent=request.form if request.method == "POST" else None, doing=doing,
                           errors=errors, presets=_presets(), language=language(),
                           may_see_page=can_see_iid(current_user, entry.competition))
    return (page, 422) if request.method == "POST" else page

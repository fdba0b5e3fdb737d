"""The OPD operator's pages: "Inovasi kami", drafting an innovation with its evidence, and
acting on it (submit, withdraw, revise and resubmit) with its timeline in view."""

from __future__ import annotations

import re
from datetime import datetime

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf.csrf import generate_csrf, validate_csrf
from flask_wtf.file import MultipleFileField
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response
from wtforms import DateField, SelectField, StringField, TextAreaField, URLField, ValidationError
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Optional

from competition.documents.formatting import format_number
from competition.documents.inputs import LONG_TEXT, NOTE, URL
from competition.documents.pdf import PdfUnavailable, render_pdf
from competition.entries.actions import fire_from_page
from competition.entries.evidence import (
    FILE_SECURITY_HEADERS,
    add_evidence_file,
    add_evidence_link,
    delivery,
    evidence_path,
    remove_evidence,
)
from competition.entries.models import RANCANG_BANGUN_MIN_WORDS
from competition.entries.operations import (
    as_submitted,
    content_digest,
    create_entry,
    entry_timeline,
    kept_submission,
    near_duplicates,
    refusal_reasons,
    submission_digest,
    submission_event,
    timeline_for,
    update_entry,
)
from competition.errors import AnugerahError
from competition.extensions import db
from competition.models import Competition, Entry, EntryEvent, Evidence, Organisation
from competition.policy import (
    ENTRY_WORKFLOW,
    can_create_entry,
    can_edit_entry,
    can_read_feedback,
    can_see_evidence,
    can_see_result,
    can_view_entry,
    competitions_where,
    hides_organisation,
    works_for,
)
from competition.results.feedback import JudgeFeedback, judges_comments
from competition.results.operations import latest_published_result_set
from competition.results.queries import EntryBreakdown, entry_result
from competition.web.forms import PageForm, Text, form_problems, place_problems, problems_of, sent_version
from workflows import get_workflow

bp = Blueprint("innovations", __name__, url_prefix="/innovations")

CHOICES = {
    "inisiator": [("kepala_daerah", _l("Head of region")), ("dprd", _l("Regional parliament (DPRD)")),
                  ("perangkat_daerah", _l("Regional work unit")), ("asn", _l("Civil servant (ASN)")),
                  ("masyarakat", _l("Citizens"))],
    "tahapan": [("inisiatif", _l("Initiative")), ("uji_coba", _l("Trial")), ("penerapan", _l("Implemented"))],
    "jenis": [("digital", _l("Digital")), ("non_digital", _l("Non-digital"))],
    "bentuk": [("tata_kelola", _l("Regional governance innovation")),
               ("pelayanan_publik", _l("Public service innovation")),
               ("urusan_lainnya", _l("Other innovation within a government affair"))],
}


def options(name: str) -> list[SelectChoice]:
    """The choices of a classification, after an empty "choose" one: nothing is chosen for the
    operator (a "Pelayanan Publik" innovation was once saved as "tata kelola" that way)."""
    return [SelectChoice("", _l("– choose –")),
            *(SelectChoice(value, label) for value, label in CHOICES[name])]


def chosen() -> DataRequired:
    return DataRequired(message=_l("Choose one."))
# What the verifier will look for, shown under each field.
GUIDANCE = {
    "title": _l("A short name people will recognise; not the name of the OPD."),
    "urusan": _l("The main government affair, e.g. Kesehatan, Pendidikan, Kependudukan."),
    "trial_started_on": _l("Needed for trials and implemented innovations; the verifier checks the decree."),
    "implemented_on": _l("Needed when implemented; the national award only takes innovations implemented "
                         "within the last two years."),
    "rancang_bangun": _l("At least %(words)s words: the problem, the approach, the steps, who is involved, "
                         "the tools, and how success is measured. Write it for this innovation only.",
                         words=RANCANG_BANGUN_MIN_WORDS),
    "tujuan": _l("What the innovation sets out to change."),
    "manfaat": _l("Who benefits and how, with numbers where you have them."),
    "hasil": _l("What has changed so far, backed by the evidence you attach."),
    "anggaran_rupiah": _l("In whole rupiah; attach the budget document as evidence."),
}
FIELDS = ("title", "category_id", "inisiator", "tahapan", "jenis", "bentuk", "urusan", "urusan_terkait",
          "trial_started_on", "implemented_on", "rancang_bangun", "tujuan", "manfaat", "hasil",
          "anggaran_rupiah")


class EntryForm(PageForm):
    title = StringField(_l("Name of the innovation"), validators=[DataRequired(), Text(250, one_line=True)])
    category_id = SelectField(_l("Category"), coerce=str, validate_choice=False)
    inisiator = SelectField(_l("Initiator"), choices=options("inisiator"), validators=[chosen()])
    tahapan = SelectField(_l("Stage"), choices=options("tahapan"), validators=[chosen()])
    jenis = SelectField(_l("Type"), choices=options("jenis"), validators=[chosen()])
    bentuk = SelectField(_l("Form"), choices=options("bentuk"), validators=[chosen()])
    urusan = StringField(_l("Government affair"), validators=[Text(120, one_line=True)])
    urusan_terkait = StringField(_l("Related affairs"), validators=[Text(250, one_line=True)])
    trial_started_on = DateField(_l("Trial started on"), validators=[Optional()])
    implemented_on = DateField(_l("Implemented on"), validators=[Optional()])
    rancang_bangun = TextAreaField(_l("Design (rancang bangun)"), validators=[Text(LONG_TEXT)])
    tujuan = TextAreaField(_l("Goals"), validators=[Text(LONG_TEXT)])
    manfaat = TextAreaField(_l("Benefits"), validators=[Text(LONG_TEXT)])
    hasil = TextAreaField(_l("Results"), validators=[Text(LONG_TEXT)])
    anggaran_rupiah = StringField(_l("Budget (Rp)"), validators=[Text(40, one_line=True)])


class EvidenceForm(PageForm):
    files = MultipleFileField(_l("Files"))
    url = URLField(_l("Or a link (video, published page)"), validators=[Optional(), Text(URL, one_line=True)])
    title = StringField(_l("Title of the link"), validators=[Text(200, one_line=True)])
    indicator = StringField(_l("Which claim it supports"), validators=[Text(120, one_line=True)])


class ActionForm(PageForm):
    comment = TextAreaField(_l("Notes"), validators=[Text(NOTE)])


def _entry_or_404(entry_id: int) -> Entry:
    entry = db.session.get(Entry, entry_id)
    if entry is None or not can_view_entry(current_user, entry):
        abort(404)  # another OPD's draft is not even acknowledged
    return entry


def _fields_of(form: EntryForm) -> dict[str, object]:
    values: dict[str, object] = {name: getattr(form, name).data for name in FIELDS}
    values["category_id"] = values["category_id"] or None
    return values


def _category_choices(competition: Competition) -> list[SelectChoice]:
    return [SelectChoice("", _("– choose –")),
            *(SelectChoice(str(c.id), c.name) for c in competition.categories)]


@bp.get("")
@login_required
def mine() -> str:
    """'Inovasi kami': the innovations of the user's organisation, in every competition where
    the user is an operator."""
    submitting = competitions_where(current_user, "submitter")
    competitions = db.session.scalars(select(Competition).where(Competition.id.in_(submitting))
                                      .order_by(Competition.year.desc())).all() if submitting else []
    organisation_ids: list[int] = []
    if current_user.organisation_id is not None:
        below = [current_user.organisation_id]
        while below:  # the user's organisation and every unit under it
            organisation_ids += below
            below = list(db.session.scalars(select(Organisation.id).where(Organisation.parent_id.in_(below))))
    entries = db.session.scalars(
        select(Entry).where(Entry.organisation_id.in_(organisation_ids),
                            Entry.competition_id.in_([c.id for c in competitions]))
        .options(selectinload(Entry.evidence), selectinload(Entry.category),
                 selectinload(Entry.organisation))
        .order_by(Entry.updated_at.desc())).all()
    by_competition = {c.id: [e for e in entries if e.competition_id == c.id] for c in competitions}
    organisation = current_user.organisation
    creatable = {c.id for c in competitions
                 if organisation and can_create_entry(current_user, c, organisation)}
    return render_template("entries/mine.html", competitions=competitions, by_competition=by_competition,
                           creatable=creatable, workflow=get_workflow(ENTRY_WORKFLOW))


@bp.route("/new/<int:competition_id>", methods=["GET", "POST"])
@login_required
def new(competition_id: int) -> tuple[str, int] | Response:
    competition = db.session.get(Competition, competition_id)
    organisation = current_user.organisation
    if competition is None or organisation is None or not can_create_entry(current_user, competition,
                                                                            organisation):
        abort(403)
    form = EntryForm()
    form.category_id.choices = _category_choices(competition)
    if form.validate_on_submit():
        try:
            entry = create_entry(competition, organisation, current_user, **_fields_of(form))
        except AnugerahError as error:
            for problem in place_problems(form, problems_of(error)):
                flash(problem, "danger")
        else:
            flash(_("The draft has been saved. Attach the evidence next."), "success")
            return redirect(url_for("innovations.show", entry_id=entry.id))
    return render_template("entries/form.html", form=form, competition=competition, entry=None,
                           guidance=GUIDANCE, minimum_words=RANCANG_BANGUN_MIN_WORDS), \
        422 if request.method == "POST" else 200


@bp.route("/<int:entry_id>/edit", methods=["GET", "POST"])
@login_required
def edit(entry_id: int) -> tuple[str, int] | Response:
    entry = _entry_or_404(entry_id)
    if not can_edit_entry(current_user, entry):
        abort(403)
    form = EntryForm(obj=entry)
    form.category_id.choices = _category_choices(entry.competition)
    if request.method == "GET":
        form.category_id.data = str(entry.category_id or "")
        # With thousands dots, as people type it ("150.000.000"); saving it back reads the same amount.
        budget = entry.anggaran_rupiah
        form.anggaran_rupiah.data = "" if budget is None else format_number(budget)
    if form.validate_on_submit():
        try:
            update_entry(entry, current_user, expected_version=sent_version(request.form), **_fields_of(form))
        except AnugerahError as error:
            for problem in place_problems(form, problems_of(error)):
                flash(problem, "danger")
        else:
            flash(_("The draft has been saved."), "success")
            return redirect(url_for("innovations.show", entry_id=entry.id))
    return render_template("entries/form.html", form=form, competition=entry.competition, entry=entry,
                           guidance=GUIDANCE, returned=_latest_return(entry),
                           minimum_words=RANCANG_BANGUN_MIN_WORDS), \
        422 if request.method == "POST" else 200


def _latest_return(entry: Entry) -> EntryEvent | None:
    """While the entry is returned, the verifier's return that put it there, with its notes."""
    if entry.status != "returned":
        return None
    return next((event for event in reversed(entry_timeline(entry))
                 if event.trigger == "return_for_revision"), None)


@bp.get("/<int:entry_id>")
@login_required
def show(entry_id: int) -> str:
    entry = _entry_or_404(entry_id)
    events = timeline_for(entry, current_user)
    workflow = get_workflow(ENTRY_WORKFLOW)
    own_triggers = [name for name in ("submit", "resubmit", "withdraw")
                    if entry.status in workflow.transition(name).sources]
    blocked = {name: refusal_reasons(entry, name, current_user) for name in own_triggers}
    editable = can_edit_entry(current_user, entry)
    # Another OPD's innovation is named only by how alike it is, never by its title.
    alike = [(other.title if works_for(current_user, other.organisation) else None, round(100 * score))
             for other, score in near_duplicates(entry)] if editable else []
    result = _published_result(entry)
    return render_template("entries/show.html", entry=entry, events=events, workflow=workflow,
                           blocked=blocked, editable=editable, alike=alike, result=result,
                           feedback=_feedback(entry, result),
                           missing=entry.missing_for_submission(),
                           checks=entry.submission_check_count(), evidence_form=EvidenceForm(),
                           action_form=ActionForm(),
                           choices={name: dict(pairs) for name, pairs in CHOICES.items()})


def _published_result(entry: Entry) -> tuple[EntryBreakdown, datetime | None] | None:
    """The innovation's result in the competition's newest published version, for its own OPD and
    the organisers; nothing before publication or for anyone else."""
    if not can_see_result(current_user, entry):
        return None
    result_set = latest_published_result_set(entry.competition)
    if result_set is None:
        return None
    result = entry_result(result_set, entry.id)
    return None if result is None else (result, result_set.published_at)


def _feedback(entry: Entry, result: tuple[EntryBreakdown, datetime | None] | None
              ) -> list[JudgeFeedback] | None:
    """The judges' comments on the rounds of the published result, anonymised, when the policy
    lets the signed-in user read them; ``None`` when it does not (or nothing is published)."""
    if result is None or not can_read_feedback(current_user, entry):
        return None
    key = str(current_app.config["SECRET_KEY"]).encode()
    return judges_comments(entry, [r.round_id for r in result[0].rounds], key)


@bp.post("/<int:entry_id>/evidence")
@login_required
def add_evidence(entry_id: int) -> Response:
    entry = _entry_or_404(entry_id)
    form = EvidenceForm()
    if not form.validate_on_submit():
        for problem in form_problems(form):
            flash(problem, "danger")
        return _back_to_evidence(entry)
    added, problems = 0, []
    for upload in form.files.data or []:
        if not upload or not upload.filename:
            continue
        try:
            add_evidence_file(entry, current_user, filename=upload.filename, stream=upload.stream,
                              indicator=form.indicator.data or "")
            added += 1
        except AnugerahError as error:
            problems.append(str(error))
    if form.url.data:
        try:
            add_evidence_link(entry, current_user, url=form.url.data, title=form.title.data or "",
                              indicator=form.indicator.data or "")
            added += 1
        except AnugerahError as error:
            problems.append(str(error))
    if added:
        flash(_("%(count)s evidence item(s) added.", count=added), "success")
    for problem in problems:
        flash(problem, "danger")
    if not added and not problems:
        flash(_("Choose a file or give a link first."), "warning")
    return _back_to_evidence(entry)


def _back_to_evidence(entry: Entry) -> Response:
    """To the innovation's evidence, with the messages flashed; a page's upload script (which
    shows the upload's progress) is told where to go instead of being sent there, so that the
    messages wait for the page it opens."""
    target = url_for("innovations.show", entry_id=entry.id) + "#evidence"
    if request.headers.get("X-Upload-Progress") == "1":
        return Response(status=204, headers={"X-Next-Location": target})
    return redirect(target)


@bp.post("/<int:entry_id>/evidence/<int:evidence_id>/delete")
@login_required
def delete_evidence(entry_id: int, evidence_id: int) -> Response:
    entry = _entry_or_404(entry_id)
    evidence = db.session.get(Evidence, evidence_id)
    if evidence is None or evidence.entry_id != entry.id:
        abort(404)
    remove_evidence(evidence_id, current_user)
    flash(_("The evidence has been removed."), "info")
    return redirect(url_for("innovations.show", entry_id=entry.id) + "#evidence")


@bp.get("/evidence/<int:evidence_id>")
@login_required
def evidence_file(evidence_id: int) -> Response:
    evidence = db.session.get(Evidence, evidence_id)
    if evidence is None or evidence.kind != "file" or not can_see_evidence(current_user, evidence.entry):
        abort(404)
    assert evidence.sha256 is not None
    # A judge sees it through an assignment; a file name could name the OPD in a blind round.
    sent = delivery(evidence, neutral_name=not can_view_entry(current_user, evidence.entry))
    response = send_file(evidence_path(evidence.sha256), mimetype=sent.media_type,
                         as_attachment=not sent.inline, download_name=sent.file_name)
    response.headers.update(FILE_SECURITY_HEADERS)
    response.cache_control.private = True
    return response


# Leaving for a link: the external site is not told which page of Anugerah sent the browser
# (an assignment's or an innovation's address), neither by the page before leaving nor by the redirect.
NO_REFERRER = {"Referrer-Policy": "no-referrer"}


def _link_or_404(evidence_id: int) -> Evidence:
    evidence = db.session.get(Evidence, evidence_id)
    if (evidence is None or evidence.kind != "link" or not evidence.url
            or not can_see_evidence(current_user, evidence.entry)):
        abort(404)
    return evidence


@bp.get("/evidence/<int:evidence_id>/open")
@login_required
def evidence_open(evidence_id: int) -> Response:
    """The page before leaving for a link, with its address as text, except for a judge of a
    blind round: an address can name the OPD (its own web site), so the judge's pages carry only
    this page's address, and the browser shows the link's once the judge continues."""
    evidence = _link_or_404(evidence_id)
    address = None if hides_organisation(current_user, evidence.entry) else evidence.url
    return Response(render_template("entries/leaving.html", evidence=evidence, address=address,
                                    onward=generate_csrf(token_key=LEAVING_TOKEN)),
                    mimetype="text/html", headers=NO_REFERRER)


# The session's key of the token that lets "continue" on the leaving page through (a token of
# its own, not the forms' CSRF token, since it travels in an address).
LEAVING_TOKEN = "leaving_token"


@bp.get("/evidence/<int:evidence_id>/go")
@login_required
def evidence_go(evidence_id: int) -> Response:
    """On to the link's address (only a stored link of evidence the user may see: not an open
    redirect); the address is in the Location header alone, not in a body. Spaces and control
    characters are percent-encoded: a line break must not end the header.

    Only with the token of the leaving page of this session: an address that leaves at once,
    sent by someone else (an OPD to an organiser), stops at the leaving page instead."""
    evidence = _link_or_404(evidence_id)
    try:
        validate_csrf(request.args.get("t", ""), token_key=LEAVING_TOKEN)
    except ValidationError:
        return redirect(url_for("innovations.evidence_open", evidence_id=evidence.id))
    address = re.sub(r"[\x00-\x20\x7f]", lambda match: f"%{ord(match.group()):02X}",
                     evidence.url or "")
    return Response(status=302, headers={"Location": address, **NO_REFERRER})


@bp.post("/<int:entry_id>/<trigger>")
@login_required
def act(entry_id: int, trigger: str) -> str | Response:
    entry = _entry_or_404(entry_id)
    if trigger not in ("submit", "resubmit", "withdraw"):
        abort(404)
    form = ActionForm()
    if not form.validate_on_submit():
        for problem in form_problems(form):
            flash(problem, "danger")
        return redirect(url_for("innovations.show", entry_id=entry_id))
    if (trigger in ("submit", "resubmit") and not request.form.get("confirmed")
            and not refusal_reasons(entry, trigger, current_user)):
        # A summary of what goes to the verifier, to read before it goes.
        return render_template(
            "entries/confirm_submit.html", entry=entry, trigger=trigger, action_form=form,
            comment=form.comment.data or "", version=request.form.get("version", ""),
            workflow=get_workflow(ENTRY_WORKFLOW), words=len(entry.rancang_bangun.split()),
            choices={name: dict(pairs) for name, pairs in CHOICES.items()})
    status = fire_from_page(entry, trigger, comment=form.comment.data,
                            expected_version=sent_version(request.form))
    if status is not None:
        flash(_("Done: the innovation is now %(status)s.", status=status), "success")
    return redirect(url_for("innovations.show", entry_id=entry_id))


@bp.get("/<int:entry_id>/receipt.pdf")
@login_required
def receipt(entry_id: int) -> Response:
    """A PDF of what was last submitted: the innovation as the verifier received it, with the
    moment, the version and a digest of its content."""
    entry = _entry_or_404(entry_id)
    event = submission_event(entry)
    if event is None:
        abort(404)
    kept = kept_submission(event)
    # A submission made before submissions kept their content: the innovation as it is now.
    shown, digest = (as_submitted(entry, kept), content_digest(kept.content)) if kept else \
        (entry, submission_digest(entry))
    html = render_template("entries/receipt.html", entry=shown, event=event, kept=kept is not None,
                           changed_since=kept is not None and submission_digest(entry) != digest,
                           digest=digest, words=len(shown.rancang_bangun.split()),
                           workflow_label=get_workflow(ENTRY_WORKFLOW).label(entry.status,
                                                                             str(get_locale() or "id")),
                           choices={name: dict(pairs) for name, pairs in CHOICES.items()})
    try:
        pdf = render_pdf(html)
    except PdfUnavailable as error:
        abort(503, str(error))
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="tanda-terima-{entry.id}-v{event.entry_version}.pdf"'})

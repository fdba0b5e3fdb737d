"""The organiser's "Pesan" page: a message to every OPD, to the OPDs with nothing submitted or to
every judge of the competition, from a template, previewed (how many it reaches, and one message
as its recipient reads it) before it is sent."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user, login_required
from werkzeug.wrappers import Response
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired

from competition.errors import AnugerahError
from competition.extensions import db
from competition.models import Competition
from competition.notifications.bulk import (
    AUDIENCES,
    BODY_LIMIT,
    PLACEHOLDERS,
    SUBJECT_LIMIT,
    TEMPLATES,
    Preview,
    new_batch,
    preview_message,
    send_message,
)
from competition.policy import can_send_bulk_messages
from competition.web.forms import PageForm, Text, place_problems, problems_of

bp = Blueprint("messages", __name__, url_prefix="/manage")

AUDIENCE_LABELS = {
    "opds": _l("Every OPD (its operators)"),
    "opds_without_submission": _l("OPDs with nothing submitted (their operators)"),
    "judges": _l("Every judge of the competition"),
}
TEMPLATE_LABELS = {
    "pengingat_batas_waktu": _l("Reminder of the submission deadline"),
    "undangan_penganugerahan": _l("Invitation to the award ceremony"),
    "pesan_bebas": _l("Free message"),
}
PLACEHOLDER_LABELS = {
    "nama": _l("the recipient's name"), "opd": _l("the recipient's OPD"),
    "kompetisi": _l("the competition's name"), "tahun": _l("the competition's year"),
    "batas_waktu": _l("when submissions close (date and time)"), "tautan": _l("the address of Anugerah"),
}
FREE = "pesan_bebas"


class MessageForm(PageForm):
    audience = SelectField(_l("Recipients"), choices=[SelectChoice(a, AUDIENCE_LABELS[a]) for a in AUDIENCES])
    template = SelectField(_l("Template"), default=FREE,
                           choices=[SelectChoice(key, TEMPLATE_LABELS[key]) for key in TEMPLATES])
    subject = StringField(_l("Subject"), validators=[DataRequired(message=_l("Fill this in.")),
                                                      Text(SUBJECT_LIMIT, one_line=True)])
    body = TextAreaField(_l("Message"), validators=[DataRequired(message=_l("Fill this in.")),
                                                    Text(BODY_LIMIT)])
    batch = HiddenField(_l("Preview"))


def _competition(competition_id: int) -> Competition:
    competition = db.session.get(Competition, competition_id)
    if competition is None:
        abort(404)
    if not can_send_bulk_messages(current_user, competition):
        abort(403)
    return competition


def _page(competition: Competition, form: MessageForm, *, preview: Preview | None = None,
          problems: list[str] | None = None, status: int = 200) -> tuple[str, int]:
    return render_template(
        "notifications/messages.html", competition=competition, form=form, preview=preview,
        problems=problems or [], batch=new_batch() if preview is not None and preview.recipients else "",
        audience_labels=AUDIENCE_LABELS, template_labels=TEMPLATE_LABELS, templates=TEMPLATES,
        placeholders=[(name, PLACEHOLDER_LABELS[name]) for name in PLACEHOLDERS],
        subject_limit=SUBJECT_LIMIT, body_limit=BODY_LIMIT), status


def _sent(form: MessageForm) -> dict[str, str]:
    return {"audience": form.audience.data or "", "template": form.template.data or "",
            "subject": form.subject.data or "", "body": form.body.data or ""}


@bp.get("/<int:competition_id>/messages")
@login_required
def index(competition_id: int) -> tuple[str, int]:
    """The message form; ``?template=`` fills it from one of the templates."""
    competition = _competition(competition_id)
    key = request.args.get("template", FREE)
    template = TEMPLATES.get(key) or TEMPLATES[FREE]
    form = MessageForm(formdata=None, data={"template": template.key, "subject": template.subject,
                                            "body": template.body})
    return _page(competition, form)


@bp.post("/<int:competition_id>/messages/preview")
@login_required
def preview(competition_id: int) -> tuple[str, int]:
    """How many people the message reaches and how the first of them reads it; sends nothing."""
    competition = _competition(competition_id)
    form = MessageForm()
    if not form.validate_on_submit():
        return _page(competition, form, status=422)
    try:
        shown = preview_message(competition, current_user, **_sent(form))
    except AnugerahError as error:
        return _page(competition, form, problems=place_problems(form, problems_of(error)), status=422)
    return _page(competition, form, preview=shown)


@bp.post("/<int:competition_id>/messages/send")
@login_required
def send(competition_id: int) -> Response | tuple[str, int]:
    """Queue the previewed message for every recipient (e-mail and in-app notification)."""
    competition = _competition(competition_id)
    form = MessageForm()
    if not form.validate_on_submit():
        return _page(competition, form, status=422)
    try:
        sent = _sent(form)
        count = send_message(competition, current_user, audience=sent["audience"], template=sent["template"],
                             subject=sent["subject"], body=sent["body"], batch=form.batch.data or "")
    except AnugerahError as error:
        return _page(competition, form, problems=place_problems(form, problems_of(error)), status=422)
    flash(ngettext("The message is on its way to %(num)s recipient (%(audience)s).",
                   "The message is on its way to %(num)s recipients (%(audience)s).", count,
                   audience=AUDIENCE_LABELS[form.audience.data]), "success")
    return redirect(url_for("messages.index", competition_id=competition.id))

"""The signed-in user's personal API tokens: make one (its secret shown once), see when each was
last used, revoke it."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from werkzeug.wrappers import Response
from wtforms import IntegerField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, NumberRange
from wtforms.widgets import CheckboxInput, ListWidget

from competition.errors import AnugerahError
from competition.people.tokens import MAX_DAYS, create_token, revoke_token, tokens_of
from competition.web.forms import PageForm, Text

bp = Blueprint("tokens", __name__, url_prefix="/account/tokens")

SCOPE_LABELS = [SelectChoice("read", _l("read: see what you may see")),
                SelectChoice("write", _l("write: change what you may change")),
                SelectChoice("judge", _l("judge: score your own assigned innovations"))]


class TokenForm(PageForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Text(80, one_line=True)])
    scopes = SelectMultipleField(_l("Scopes"), choices=SCOPE_LABELS, default=["read"],
                                 widget=ListWidget(prefix_label=False), option_widget=CheckboxInput(),
                                 validators=[DataRequired()])
    days = IntegerField(_l("Valid for (days)"), default=90,
                        validators=[DataRequired(), NumberRange(min=1, max=MAX_DAYS)])


class RevokeForm(PageForm):
    """Only the CSRF token, for the button that revokes a token."""


@bp.route("", methods=["GET", "POST"])
@login_required
def index() -> str | tuple[str, int]:
    form = TokenForm()
    secret = None
    status = 200
    if form.validate_on_submit():
        try:
            made = create_token(current_user, name=form.name.data or "", scopes=form.scopes.data or [],
                                days=form.days.data)
            secret = made.secret
            flash(_("Token made. Copy it now: it is shown only this once."), "success")
        except AnugerahError as error:
            flash(str(error), "danger")
            status = 400
    elif form.is_submitted():
        status = 400
    return render_template("people/tokens.html", form=form, revoke=RevokeForm(), secret=secret,
                           tokens=tokens_of(current_user)), status


@bp.post("/<int:token_id>/revoke")
@login_required
def revoke(token_id: int) -> Response:
    if RevokeForm().validate_on_submit():
        token = revoke_token(current_user, token_id)
        flash(_("Token “%(name)s” revoked.", name=token.name), "success")
    return redirect(url_for("tokens.index"))

"""The in-app notification list."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select, update
from werkzeug.wrappers import Response

from competition.extensions import db
from competition.models.notifications import Notification
from competition.models.types import utcnow

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


class MarkReadForm(FlaskForm):
    """Only the CSRF token."""


@bp.get("")
@login_required
def index() -> str:
    notifications = db.session.scalars(select(Notification).where(Notification.user_id == current_user.id)
                                       .order_by(Notification.id.desc()).limit(100)).all()
    return render_template("notifications/index.html", notifications=notifications, form=MarkReadForm())


@bp.post("/read")
@login_required
def mark_read() -> Response:
    if MarkReadForm().validate_on_submit():
        db.session.execute(update(Notification).where(Notification.user_id == current_user.id,
                                                      Notification.read_at.is_(None)).values(read_at=utcnow()))
        db.session.commit()
    return redirect(url_for("notifications.index"))

"""The in-app notification list."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.wrappers import Response

from competition.extensions import db
from competition.notifications.models import Notification
from competition.notifications.operations import mark_notifications_read
from competition.policy import can_open_notification
from competition.web.forms import PageForm

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


class MarkReadForm(PageForm):
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
        mark_notifications_read(current_user)
    return redirect(url_for("notifications.index"))


@bp.post("/<int:notification_id>/open")
@login_required
def open_notification(notification_id: int) -> Response:
    """Open what a notification is about; it, and the user's other unread notifications about
    the same innovation, are read from then on."""
    notification = db.session.get(Notification, notification_id)
    if notification is None or not can_open_notification(current_user, notification):
        abort(404)
    if not MarkReadForm().validate_on_submit():
        abort(400)
    if notification.entry_id is None:
        mark_notifications_read(current_user, notification_id=notification.id)
        return redirect(url_for("notifications.index"))
    mark_notifications_read(current_user, entry_id=notification.entry_id)
    return redirect(url_for("innovations.show", entry_id=notification.entry_id))

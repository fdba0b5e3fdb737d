"""The in-app notification list.

Each item is a plain link (``<a href>``) to where it leads: the stored ``link``, a path inside the
app, under the prefix the app is served at. Reading an item marks it read, and a change of data
is never made on a GET (a link followed, prefetched or crawled would change it): the list's
script (static/notifications/list.js) turns a click into a POST to :func:`open_notification`,
which marks it read and redirects to the link, so the page it leads to counts it read. Without
the script the link still works and the item stays unread until "Mark all as read". (Marking it
read when its page is visited would be a change on a GET, and would need every page a
notification may lead to to know about it.)
"""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
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
    return render_template("notifications/index.html", form=MarkReadForm(),
                           notifications=[(item, _href(item)) for item in notifications])


def _href(notification: Notification) -> str | None:
    """Where a notification leads, as this page links to it (under the prefix the app is served at)."""
    if notification.link is not None:
        return request.script_root + notification.link
    if notification.entry_id is not None:
        return url_for("innovations.show", entry_id=notification.entry_id)
    return None


@bp.post("/read")
@login_required
def mark_read() -> Response:
    if MarkReadForm().validate_on_submit():
        mark_notifications_read(current_user)
    return redirect(url_for("notifications.index"))


@bp.post("/<int:notification_id>/open")
@login_required
def open_notification(notification_id: int) -> Response:
    """Mark a notification read and go where it leads (the list's script sends this as its link
    is followed, see the module); the user's other unread notifications about the same innovation
    are read from then on too."""
    notification = db.session.get(Notification, notification_id)
    if notification is None or not can_open_notification(current_user, notification):
        abort(404)
    if not MarkReadForm().validate_on_submit():
        abort(400)
    if notification.entry_id is None:
        mark_notifications_read(current_user, notification_id=notification.id)
    else:
        mark_notifications_read(current_user, entry_id=notification.entry_id)
    return redirect(_href(notification) or url_for("notifications.index"))

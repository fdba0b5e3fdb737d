"""API v1: the user's own in-app notifications, and marking them read."""

from __future__ import annotations

from typing import Any

from flask_login import current_user
from marshmallow import RAISE, Schema, fields
from sqlalchemy import func, select

from competition.api import blueprint, needs
from competition.api.schemas import AN_ID, PageArgs, page_of
from competition.extensions import db
from competition.links import absolute_path
from competition.notifications.models import Notification
from competition.notifications.operations import mark_notifications_read

bp = blueprint("api_notifications", __name__, "The user's own notifications.")


class NotificationOut(Schema):
    id = fields.Integer(required=True)
    message = fields.String(required=True)
    innovation_id = fields.Integer(allow_none=True, attribute="entry_id")
    link = fields.Function(
        lambda n: absolute_path(n.link) if n.link is not None else None, allow_none=True,
        metadata={"description": "Where it leads in the application, on its base URL (none for some "
                                 "older notifications)."})
    created_at = fields.AwareDateTime(required=True)
    read_at = fields.AwareDateTime(allow_none=True)


class NotificationFilter(PageArgs):
    unread = fields.Boolean(metadata={"description": "Only unread (true) or only read (false) ones."})


class MarkReadIn(Schema):
    """Which to mark read: all unread ones (nothing given), those about one innovation, or one."""

    class Meta:
        unknown = RAISE

    innovation_id = fields.Integer(validate=AN_ID)
    notification_id = fields.Integer(validate=AN_ID)


class MarkedOut(Schema):
    marked = fields.Integer(required=True, metadata={"description": "How many were unread and are read now."})


@bp.route("/notifications")
@bp.arguments(NotificationFilter, location="query")
@bp.response(200, page_of(NotificationOut, "NotificationPage"))
@needs("read")
def notifications(query: dict[str, Any]) -> dict[str, Any]:
    """The user's own notifications, newest first."""
    where = [Notification.user_id == current_user.id]
    if "unread" in query:
        where.append(Notification.read_at.is_(None) if query["unread"] else Notification.read_at.is_not(None))
    total = db.session.scalar(select(func.count()).select_from(Notification).where(*where))
    items = db.session.scalars(select(Notification).where(*where).order_by(Notification.id.desc())
                               .limit(query["per_page"]).offset((query["page"] - 1) * query["per_page"]))
    return {"items": list(items), "total": total, "page": query["page"], "per_page": query["per_page"]}


@bp.route("/notifications/read", methods=["POST"])
@bp.arguments(MarkReadIn)
@bp.response(200, MarkedOut)
@needs("write")
def mark_read(body: dict[str, int]) -> dict[str, int]:
    """Mark the user's own notifications read: all, those about one innovation, or one."""
    return {"marked": mark_notifications_read(current_user, entry_id=body.get("innovation_id"),
                                              notification_id=body.get("notification_id"))}

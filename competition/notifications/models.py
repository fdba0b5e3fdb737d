"""Mail waiting to be sent, and notifications shown in the app."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from competition.extensions import Model
from competition.models.types import UTCDateTime, utcnow

if TYPE_CHECKING:
    from competition.entries.models import Entry
    from competition.people.models import User


class OutboxMessage(Model):
    """An e-mail queued in the same transaction as what caused it, sent later by
    ``flask mail send``; a failed send is retried, never lost."""

    __tablename__ = "outbox_message"
    __table_args__ = (
        CheckConstraint("attempts >= 0", name="attempts_not_negative"),
        CheckConstraint("recipient LIKE '%_@_%'", name="recipient_has_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(250))
    body: Mapped[str] = mapped_column(Text)
    # One message per key (a reminder per OPD operator, competition and day); NULL for the rest.
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    send_after: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)


# A path inside the application ("/scoring/12", "/manage/3/panels/rounds/4/assignments#entry-9"):
# never an address on another host (no scheme; nothing starting with two slashes, or with a
# slash and a backslash, which browsers read as another host).
LINK_IS_A_PATH = "link IS NULL OR (substr(link, 1, 1) = '/' AND substr(link, 2, 1) NOT IN ('/', '\\'))"


class Notification(Model):
    """A line in a user's in-app notification list, leading to where it is about (``link``)."""

    __tablename__ = "notification"
    __table_args__ = (CheckConstraint(LINK_IS_A_PATH, name="link_is_a_path"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("entry.id"))
    message: Mapped[str] = mapped_column(Text)
    link: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()
    entry: Mapped[Entry | None] = relationship()

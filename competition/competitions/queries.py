"""Read models of the competition's set-up pages: what a phase change leaves behind."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from competition.documents.formatting import format_datetime
from competition.extensions import db
from competition.judging.models import REMOVED
from competition.models import Assignment, Competition, Entry, Round
from competition.models.types import utcnow
from workflows.messages import t


def _entries_in(competition: Competition, *statuses: str) -> int:
    return db.session.scalar(select(func.count()).select_from(Entry).where(
        Entry.competition_id == competition.id, Entry.status.in_(statuses))) or 0


# Per phase change: the innovations it leaves behind, by status, and what becomes of them.
_LEFT_BEHIND: dict[str, tuple[tuple[str, Callable[[int], str]], ...]] = {
    "close_submissions": (
        ("draft", lambda count: t("%(count)s draft(s) will never be submitted: they can no longer be sent or "
                                  "edited.", count=count)),
        ("returned", lambda count: t("%(count)s returned innovation(s) can still be revised and resubmitted "
                                     "until verification closes.", count=count)),
    ),
    "start_judging": (
        ("submitted", lambda count: t("%(count)s innovation(s) still wait for a verifier: unverified, they "
                                      "will not be judged.", count=count)),
        ("returned", lambda count: t("%(count)s returned innovation(s) were not resubmitted: they will not "
                                     "be judged.", count=count)),
    ),
}


def phase_warnings(competition: Competition, trigger: str, *, now: datetime | None = None,
                   timezone: str = "Asia/Jakarta", locale: str = "id") -> list[str]:
    """What moving ``competition`` on with ``trigger`` would cut short or leave undone, in words:
    a deadline still ahead, drafts never submitted, innovations waiting for a verifier, judges'
    sheets not confirmed. Empty when it leaves nothing behind."""
    now = now or utcnow()
    zone = ZoneInfo(timezone)
    deadline = {"close_submissions": competition.submission_closes_at,
                "start_judging": competition.verification_closes_at,
                "close_judging": competition.judging_closes_at}.get(trigger)
    warnings = []
    if deadline is not None and deadline > now:
        days = (deadline.astimezone(zone).date() - now.astimezone(zone).date()).days
        warnings.append(t("The deadline is %(days)s day(s) away (%(moment)s): this closes it early.",
                          days=days, moment=format_datetime(deadline, timezone, locale)))
    for status, warning in _LEFT_BEHIND.get(trigger, ()):
        count = _entries_in(competition, status)
        if count:
            warnings.append(warning(count))
    if trigger == "close_judging":
        open_sheets = db.session.scalar(select(func.count()).select_from(Assignment).join(Round).where(
            Round.competition_id == competition.id, Assignment.status.not_in(("confirmed", REMOVED)))) or 0
        if open_sheets:
            warnings.append(t("%(count)s judge's sheet(s) are not confirmed: their scores will not count.",
                              count=open_sheets))
    return warnings

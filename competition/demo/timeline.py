"""The demo's calendar: working days, office hours and the moments the data files name.

Moments in the data are "MM-DD HH:MM" of a given year, in UTC (WIB is UTC+7). A key ending in
``_on`` moves its moment to the first working day on or after its date; one ending in ``_at``
keeps it as it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

WORK_START = time(1, 0)  # 08:00 WIB
WORK_MINUTES = 8 * 60
MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
          "Oktober", "November", "Desember")


def working_day_on_or_after(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def working_day_on_or_before(day: date) -> date:
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def at(day: date, clock: str) -> datetime:
    """``clock`` ("HH:MM", UTC) on ``day``."""
    return datetime.combine(day, time.fromisoformat(clock), tzinfo=UTC)


def day_of(month_day: str, year: int) -> date:
    """The date "MM-DD" of ``year``."""
    month, day = month_day.split("-")
    return date(year, int(month), int(day))


def exactly(moment: str, year: int) -> datetime:
    """The moment "MM-DD HH:MM" of ``year``, as it is (an ``_at`` key)."""
    month_day, clock = moment.split()
    return at(day_of(month_day, year), clock)


def on_working_day(moment: str, year: int) -> datetime:
    """The moment "MM-DD HH:MM" of ``year``, on the first working day on or after its date (an
    ``_on`` key)."""
    month_day, clock = moment.split()
    return at(working_day_on_or_after(day_of(month_day, year)), clock)


@dataclass(frozen=True)
class Segment:
    """The working days in which the steps of one phase happen, mapped from fractions 0..1 of
    their office hours."""

    days: tuple[date, ...]

    @classmethod
    def between(cls, first: date, last: date) -> Segment:
        days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
        working = tuple(d for d in days if d.weekday() < 5)
        if not working:
            raise ValueError(f"no working day between {first} and {last}")
        return cls(working)

    def moment(self, fraction: float) -> datetime:
        total = len(self.days) * WORK_MINUTES
        minute = min(max(int(fraction * total), 0), total - 1)
        day = self.days[minute // WORK_MINUTES]
        return datetime.combine(day, WORK_START, tzinfo=UTC) + timedelta(minutes=minute % WORK_MINUTES)


def tanggal(day: date) -> str:
    """A date written out in Indonesian: 7 Maret 2025."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def fill(text: str, **values: str) -> str:
    """``text`` with each "{name}" replaced by ``values[name]``; other braces stay as they are."""
    for name, value in values.items():
        text = text.replace("{" + name + "}", value)
    return text

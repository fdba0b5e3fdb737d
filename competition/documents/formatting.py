"""Numbers, money and dates as people read them: "1.234,56", "Rp 1.250.000", "21 Maret 2022",
times in the display time zone with "WIB". Templates get them as filters in the user's language;
documents such as certificates call them with Indonesian."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

from babel.dates import format_date as babel_format_date
from babel.numbers import format_decimal as babel_format_decimal
from flask import Flask
from flask_babel import get_locale

from competition.ranking.exact import rounded_text

ZONE_NAMES = {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")


def format_number(value: int | None, locale: str = "id") -> str:
    """1234567 -> '1.234.567' (Indonesian) or '1,234,567' (English)."""
    return "–" if value is None else babel_format_decimal(value, format="#,##0", locale=locale)


def format_decimal(value: float | Decimal | Fraction | None, places: int = 2, locale: str = "id") -> str:
    """80.5 -> '80,50'; 1234.5 -> '1.234,50'. A score is already a two-place decimal
    (:func:`competition.ranking.exact.shown`); this only writes it in the reader's language."""
    if value is None:
        return "–"
    if isinstance(value, Fraction):  # an exact value (a weight, a mean of marks): half-up at ``places``
        value = Decimal(rounded_text(value, places))
    return babel_format_decimal(value, format="#,##0." + "0" * places, locale=locale)


def format_file_size(size: int | None, locale: str = "id") -> str:
    """A file's size as people read it: '512 B', '6,6 KB', '12,3 MB' (Indonesian) or '6.6 KB'
    (English); a kilobyte is 1024 bytes."""
    if size is None:
        return "–"
    if size < 1024:
        return f"{format_number(size, locale)} B"
    value, unit = (size / 1024, "KB") if size < 1024 * 1024 else (size / (1024 * 1024), "MB")
    return f"{babel_format_decimal(Decimal(str(round(value, 1))), format='#,##0.0', locale=locale)} {unit}"


def format_rupiah(value: int | None, locale: str = "id") -> str:
    return "–" if value is None else f"Rp {format_number(value, locale)}"


def format_date(value: date | datetime | None, timezone: str = "Asia/Jakarta", locale: str = "id") -> str:
    """'21 Maret 2022'; a moment is first put in the display time zone."""
    if value is None:
        return "–"
    if isinstance(value, datetime):
        value = value.astimezone(ZoneInfo(timezone)).date()
    return babel_format_date(value, "d MMMM y", locale=locale)


def format_datetime(value: datetime | None, timezone: str = "Asia/Jakarta", locale: str = "id") -> str:
    """'21 Maret 2022 14.30 WIB'."""
    if value is None:
        return "–"
    local = value.astimezone(ZoneInfo(timezone))
    clock = f"{local:%H.%M}" if locale == "id" else f"{local:%H:%M}"
    return f"{format_date(local, timezone, locale)} {clock} {ZONE_NAMES.get(timezone, '')}".rstrip()


def juara(position: int) -> str:
    """3 -> 'Juara III'."""
    return f"Juara {ROMAN[position - 1]}" if 1 <= position <= len(ROMAN) else f"Peringkat {position}"


def register_filters(app: Flask) -> None:
    timezone = app.config["DISPLAY_TIMEZONE"]

    def language() -> str:
        return str(get_locale() or "id")

    app.add_template_filter(lambda v: format_number(v, language()), "number")
    app.add_template_filter(lambda v, places=2: format_decimal(v, places, language()), "decimal")
    app.add_template_filter(lambda v: format_rupiah(v, language()), "rupiah")
    app.add_template_filter(lambda v: format_file_size(v, language()), "file_size")
    app.add_template_filter(lambda v: format_date(v, timezone, language()), "tanggal")
    app.add_template_filter(lambda v: format_datetime(v, timezone, language()), "waktu")
    app.add_template_filter(juara, "juara")

"""Indonesian formatting of numbers, money and dates for templates."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import Flask

MONTHS_ID = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
             "September", "Oktober", "November", "Desember")


def format_number(value: int) -> str:
    """1234567 -> '1.234.567'."""
    return f"{value:,}".replace(",", ".")


def format_decimal(value: float | None, places: int = 2) -> str:
    """80.5 -> '80,50'; 1234.5 -> '1.234,50'."""
    if value is None:
        return "–"
    whole, _, fraction = f"{value:,.{places}f}".partition(".")
    return whole.replace(",", ".") + ("," + fraction if fraction else "")


ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")


def juara(position: int) -> str:
    """3 -> 'Juara III'."""
    return f"Juara {ROMAN[position - 1]}" if 1 <= position <= len(ROMAN) else f"Peringkat {position}"


def format_rupiah(value: int | None) -> str:
    return "–" if value is None else f"Rp {format_number(value)}"


def format_date(value: date | datetime | None, timezone: str = "Asia/Jakarta") -> str:
    """'21 Maret 2022'; a moment is first shown in the display time zone."""
    if value is None:
        return "–"
    if isinstance(value, datetime):
        value = value.astimezone(ZoneInfo(timezone)).date()
    return f"{value.day} {MONTHS_ID[value.month - 1]} {value.year}"


def format_datetime(value: datetime | None, timezone: str = "Asia/Jakarta") -> str:
    """'21 Maret 2022 14.30 WIB'."""
    if value is None:
        return "–"
    local = value.astimezone(ZoneInfo(timezone))
    zone = {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}.get(timezone, "")
    return f"{format_date(local, timezone)} {local:%H.%M} {zone}".rstrip()


def register_filters(app: Flask) -> None:
    timezone = app.config["DISPLAY_TIMEZONE"]
    app.add_template_filter(format_number, "number")
    app.add_template_filter(format_decimal, "decimal")
    app.add_template_filter(juara, "juara")
    app.add_template_filter(format_rupiah, "rupiah")
    app.add_template_filter(lambda v: format_date(v, timezone), "tanggal")
    app.add_template_filter(lambda v: format_datetime(v, timezone), "waktu")

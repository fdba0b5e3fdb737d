"""What people type in, read and checked one way everywhere: in forms, imported files and commands.

- **Text** holds no NUL character (PostgreSQL cannot store one, and no keyboard types one); a
  one-line field (a title, a name, an address) holds no line break; and no text is longer than
  its column, or than the generous limit of a long text such as the rancang bangun.
- **Decimal numbers** are written plainly, the Indonesian way (80,5) or the English way (80.5):
  never "1e28", "inf", "nan" or "1_000", and never larger than :data:`DECIMAL_LIMIT`.
- **Whole numbers** are digits only, within the bounds their column holds.
- **Ids** sent in a form or a query string are whole numbers an id column can hold (below
  2³¹, as in the addresses: :class:`competition.links.IdConverter`); anything else is no id.

Each check names the field and, for a limit, the limit, so the message can be shown as it is.
"""

from __future__ import annotations

import math
import re

from flask_babel import get_locale

from competition.documents.formatting import format_number
from competition.errors import InvalidInput
from competition.ranking.exact import has_at_most
from workflows.messages import t

# Lengths of free texts: their columns' sizes where a column has one, and these for long texts.
LONG_TEXT = 20_000      # rancang bangun, tujuan, manfaat, hasil
NOTE = 2_000            # notes, reasons, comments, guidance for judges
CITATION = 1_000
URL = 1_000
EMAIL = 254
PERSON_NAME = 120

ID_MAX = 2 ** 31 - 1                # PostgreSQL's INTEGER, the type of every id column
WHOLE_NUMBER_MAX = 2 ** 31 - 1      # counts, positions, caps: INTEGER columns
RUPIAH_MAX = 10 ** 15 - 1           # Rp 999.999.999.999.999: far above any budget, inside BIGINT
# The largest decimal anyone types (a weight, a score, a maximum): far above any rubric, and
# small enough that its ten-thousandths add up exactly (competition.ranking.exact).
DECIMAL_LIMIT = 10 ** 9

_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)")
_WHOLE = re.compile(r"[+-]?[0-9]+")
_LINE_BREAKS = ("\r", "\n", "\u2028", "\u2029", "\x85", "\x0b", "\x0c")


def number_text(value: int) -> str:
    """A whole number as the reader writes it: 20.000 in Bahasa Indonesia, 20,000 in English
    (and on the command line)."""
    return format_number(value, str(get_locale() or "en"))


def text_problem(field: str, value: str, limit: int | None, *, one_line: bool = False) -> str | None:
    """What is wrong with a text typed into ``field``, or ``None``. ``limit`` counts characters."""
    if "\x00" in value:
        return t("%(field)s: contains a NUL character, which no text may hold", field=field)
    if one_line and any(mark in value for mark in _LINE_BREAKS):
        return t("%(field)s: must be on one line", field=field)
    if limit is not None and len(value) > limit:
        return t("%(field)s: at most %(limit)s characters (got %(count)s)", field=field,
                 limit=number_text(limit), count=number_text(len(value)))
    return None


def read_decimal(text: str) -> float | None:
    """A decimal number as people write it ("80,5", "80.5", "-3", ",5"), or ``None`` for anything
    else: exponents, infinities, NaN, digit separators and non-ASCII digits included."""
    text = text.strip()
    if not _DECIMAL.fullmatch(text):
        return None
    return float(text.replace(",", "."))


def decimal_problem(field: str, value: float | int, *, places: int | None = None) -> str | None:
    """What is wrong with a decimal number for ``field``, or ``None``: it must be finite, at most
    :data:`DECIMAL_LIMIT` either way, and (with ``places``) have at most that many decimal places."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return t("%(field)s: %(value)s is not a number", field=field, value=repr(value))
    if abs(value) > DECIMAL_LIMIT:
        return t("%(field)s: at most %(limit)s either way", field=field, limit=number_text(DECIMAL_LIMIT))
    if places is not None and not has_at_most(value, places):
        return t("%(field)s: at most %(places)s decimal places", field=field, places=places)
    return None


def read_whole_number(text: str) -> int | None:
    """A whole number written in ASCII digits with an optional sign, or ``None``."""
    text = text.strip()
    return int(text) if _WHOLE.fullmatch(text) and len(text) <= 40 else None


def whole_number_problem(field: str, value: int, minimum: int = 0,
                         maximum: int = WHOLE_NUMBER_MAX) -> str | None:
    if not minimum <= value <= maximum:
        return t("%(field)s: from %(minimum)s to %(maximum)s", field=field, minimum=number_text(minimum),
                 maximum=number_text(maximum))
    return None


def identifier(text: str) -> int:
    """An id sent in a form or a query string: ASCII digits only, from 1 to :data:`ID_MAX`. For
    ``request.args.get(name, type=identifier)``, which takes the :class:`ValueError` raised for
    anything else as no value."""
    digits = text.strip()
    if not (digits.isascii() and digits.isdigit() and len(digits) <= 10 and 1 <= int(digits) <= ID_MAX):
        raise ValueError(f"{text[:40]!r} is not an id")
    return int(digits)


def clean_comment(comment: str | None, field: str = "comment") -> str | None:
    """A note recorded with a state change (a return's notes, a reopening's reason): stripped,
    ``None`` when empty.

    :raises InvalidInput: for a NUL character or more than :data:`LONG_TEXT` characters.
    """
    cleaned = (comment or "").strip() or None
    if cleaned and (problem := text_problem(field, cleaned, LONG_TEXT)):
        raise InvalidInput(problem)
    return cleaned

"""Results in words: why a tie went the way it did, as pages and the CLI say it.

A separated tie records the rule and the values it compared, best first (see
:mod:`competition.ranking.tiebreaks`). Here they become a sentence in the reader's language:
"Kebaharuan 66,3 % lawan 61,3 %", "Nilai maksimal 33,3 % lawan 0,0 %", "Diajukan pertama
3 Maret 2026 10.15 WIB lawan 5 Maret 2026 09.00 WIB".
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any

from competition.documents.formatting import format_datetime, format_decimal
from competition.ranking.exact import rounded_text
from workflows.messages import t


def rule_name(rule: str) -> str:
    names = {"heaviest_criterion": t("Heaviest criterion"), "top_marks": t("Top marks"),
             "earlier_submission": t("Submitted first"), "organiser_decision": t("Organiser's decision")}
    return names[rule]


def _share(value: Fraction, places: int, locale: str) -> str:
    percent = Decimal(rounded_text(value * 100, places))
    return format_decimal(percent, places, locale) + (" %" if locale == "id" else "%")


def _values(rule: str, values: Sequence[Fraction | float], locale: str, timezone: str) -> list[str]:
    if rule in ("heaviest_criterion", "top_marks"):
        shares = [Fraction(v) for v in values]
        places = 1
        # Enough places to tell the values apart (the comparison itself was exact).
        while places < 6 and len({rounded_text(s * 100, places) for s in shares}) < len(set(shares)):
            places += 1
        return [_share(s, places, locale) for s in shares]
    if rule == "earlier_submission":
        return [format_datetime(datetime.fromtimestamp(-float(v), UTC), timezone, locale) for v in values]
    return [t("place %(rank)s", rank=int(-Fraction(v))) for v in values]


def tie_words(separated_by: str | None, compared: Sequence[Sequence[Any]], key: int, *,
              heaviest: str | None = None, locale: str = "id", timezone: str = "Asia/Jakarta") -> str:
    """The sentence for one row: its own value first, then the others it was compared with.

    :param compared: ``[(key, value), …]`` as recorded; values are fractions or their text.
    :param heaviest: the heaviest criterion's name, to say "Kebaharuan" rather than the rule.
    """
    if separated_by is None or separated_by == "organiser_decision" or not compared:
        return ""   # an organiser's decision is read with its recorded reason instead
    parsed = [(int(k), Fraction(v) if isinstance(v, str) else v) for k, v in compared]
    texts = _values(separated_by, [v for _, v in parsed], locale, timezone)
    written = dict(zip([k for k, _ in parsed], texts, strict=True))
    if key not in written:
        return ""
    label = heaviest if separated_by == "heaviest_criterion" and heaviest else rule_name(separated_by)
    others = [text for other, text in written.items() if other != key]
    return t("%(rule)s %(mine)s against %(others)s", rule=label, mine=written[key],
             others=", ".join(others))

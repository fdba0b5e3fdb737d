"""Predikat bands: a label for a score as shown (two places).

A band holds its lowest shown score, so a score exactly on a published boundary follows the
published wording: under IID 2026 "Sangat Inovatif" is *above* 65.00, so 65.00 is "Inovatif" and
65.01 is "Sangat Inovatif"; under IID 2023 "Inovatif" runs from 35.00, so 35.00 is "Inovatif".
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from competition.ranking.exact import as_score

NO_SCORE_LABEL = "Tidak Dapat Dinilai"


@dataclass(frozen=True)
class Band:
    label: str
    minimum: Decimal  # lowest shown score that earns the label

    def __post_init__(self) -> None:
        object.__setattr__(self, "minimum", as_score(self.minimum))


# IID 2026: Sangat Inovatif above 65.00, Inovatif above 40.00, Kurang Inovatif above 0,
# Tidak Dapat Dinilai at 0.
IID_2026_BANDS = (Band("Sangat Inovatif", Decimal("65.01")), Band("Inovatif", Decimal("40.01")),
                  Band("Kurang Inovatif", Decimal("0.01")))
# IID 2023–2024: Sangat Inovatif 60.01–100, Inovatif 35.00–60.00, Kurang Inovatif 0.01–34.99,
# Tidak Dapat Dinilai 0.
IID_2023_BANDS = (Band("Sangat Inovatif", Decimal("60.01")), Band("Inovatif", Decimal("35.00")),
                  Band("Kurang Inovatif", Decimal("0.01")))
BAND_PRESETS = {"iid_2026": IID_2026_BANDS, "iid_2023": IID_2023_BANDS}
NEWEST_PRESET = "iid_2026"
IID_BANDS = BAND_PRESETS[NEWEST_PRESET]


def predikat(score: Decimal | None, bands: tuple[Band, ...] = IID_BANDS, *,
             has_evidence: bool = True) -> str:
    """The band for a shown ``score``; no score, no evidence or a score below every band gives
    "Tidak Dapat Dinilai"."""
    if score is None or not has_evidence:
        return NO_SCORE_LABEL
    shown_score = as_score(score)
    for band in sorted(bands, key=lambda b: b.minimum, reverse=True):
        if shown_score >= band.minimum:
            return band.label
    return NO_SCORE_LABEL


def preset_of(bands: tuple[Band, ...]) -> str | None:
    """The name of the preset ``bands`` are, if they are one."""
    ordered = tuple(sorted(bands, key=lambda b: b.minimum, reverse=True))
    return next((name for name, preset in BAND_PRESETS.items() if preset == ordered), None)

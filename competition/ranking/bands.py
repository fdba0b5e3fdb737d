"""Predikat bands: a label for a score."""

from __future__ import annotations

from dataclasses import dataclass

NO_SCORE_LABEL = "Tidak Dapat Dinilai"


@dataclass(frozen=True)
class Band:
    label: str
    minimum: float  # lowest score (rounded to two decimals) that earns the label


# The IID bands of 2023–2024: Sangat Inovatif 60.01–100, Inovatif 35.00–60.00,
# Kurang Inovatif 0.01–34.99, Tidak Dapat Dinilai 0.
IID_BANDS = (Band("Sangat Inovatif", 60.01), Band("Inovatif", 35.00), Band("Kurang Inovatif", 0.01))


def predikat(score: float | None, bands: tuple[Band, ...] = IID_BANDS, *,
             has_evidence: bool = True) -> str:
    """The band for ``score``; no score, no evidence or a score below every band gives
    "Tidak Dapat Dinilai"."""
    if score is None or not has_evidence:
        return NO_SCORE_LABEL
    rounded = round(score, 2)
    for band in sorted(bands, key=lambda b: b.minimum, reverse=True):
        if rounded >= band.minimum:
            return band.label
    return NO_SCORE_LABEL

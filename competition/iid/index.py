"""The Indeks Inovasi Daerah of a region, computed the way the national measurement does.

Pure and exact: every figure is a :class:`~fractions.Fraction` until the IID is shown, once, as a
decimal with two places rounded half up (:func:`competition.ranking.exact.shown`).

- An innovation scores Σ weight x level over the SID indicators; an indicator without evidence
  (a file or a link) scores 0.
- The region's SID = Σ innovation scores ÷ max(divisor minimum, n) + the count score
  per_innovation x min(n, cap), the count score being 0 unless enough basic-service urusan are
  covered (the sector gate).
- SPD = Σ weight x level over the regional rows; IID = (SPD + SID) ÷ total x 100.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction

from competition.iid.model import LEVELS, Model
from competition.ranking.bands import NO_SCORE_LABEL, predikat
from competition.ranking.exact import shown


@dataclass(frozen=True)
class Claim:
    """An indicator's level (0 = not filled, 1-3) and whether evidence backs it."""

    level: int
    evidence: bool = True

    def __post_init__(self) -> None:
        if not 0 <= self.level <= LEVELS:
            raise ValueError(f"level {self.level} is outside 0-{LEVELS}")

    @property
    def counted(self) -> int:
        """The level that scores: 0 without evidence."""
        return self.level if self.evidence else 0


@dataclass(frozen=True)
class Innovation:
    key: str
    urusan: tuple[str, ...] = ()
    claims: Mapping[str, Claim] = field(default_factory=dict)  # by SID indicator key


@dataclass(frozen=True)
class InnovationScore:
    key: str
    points: int  # Σ weight x counted level
    without_evidence: tuple[str, ...]  # indicators with a level but no evidence (scoring 0)


@dataclass(frozen=True)
class RegionIndex:
    model: str
    spd: int
    innovations: tuple[InnovationScore, ...]
    divisor: int
    sid_innovations: Fraction  # Σ innovation scores ÷ divisor
    gate_met: bool
    covered_urusan: tuple[str, ...]
    missing_urusan: tuple[str, ...]
    count_score: Fraction
    short_of_divisor: int  # innovations still needed before n reaches the divisor minimum
    exact: Fraction  # the IID before rounding
    iid: Decimal  # shown: two places, half up
    predikat: str

    @property
    def sid(self) -> Fraction:
        return self.sid_innovations + self.count_score


def urusan_key(name: str) -> str:
    """An urusan as compared: case, punctuation and spacing aside."""
    return " ".join("".join(c if c.isalnum() else " " for c in name.casefold()).split())


def basic_urusan_of(model: Model, urusan: str) -> str | None:
    """The basic-service urusan that ``urusan`` names (by its name or one of its aliases), if any."""
    key = urusan_key(urusan)
    for name in model.basic_urusan:
        if key in {urusan_key(n) for n in (name, *model.urusan_aliases.get(name, ()))}:
            return name
    return None


def check_model_keys(model: Model, spd_levels: Mapping[str, int], innovations: Iterable[Innovation]) -> None:
    """Refuse levels for rows or indicators the model does not have, levels outside 0-3, and two
    innovations with one key."""
    spd_keys, sid_keys = {row.key for row in model.spd}, {indicator.key for indicator in model.sid}
    problems = [f"spd.{key}: not a row of {model.name}" for key in spd_levels if key not in spd_keys]
    problems += [f"spd.{key}: level {level} is outside 0-{LEVELS}" for key, level in spd_levels.items()
                 if not 0 <= level <= LEVELS]
    problems += [f"{innovation.key}.{key}: not an indicator of {model.name}"
                 for innovation in innovations for key in innovation.claims if key not in sid_keys]
    keys = [innovation.key for innovation in innovations]
    twice = sorted({key for key in keys if keys.count(key) > 1})
    problems += [f"{key}: two innovations have this key" for key in twice]
    if problems:
        raise ValueError("; ".join(problems))


def innovation_score(model: Model, innovation: Innovation) -> InnovationScore:
    points = sum(indicator.weight * innovation.claims[indicator.key].counted
                 for indicator in model.sid if indicator.key in innovation.claims)
    missing = tuple(indicator.key for indicator in model.sid
                    if (claim := innovation.claims.get(indicator.key)) and claim.level and not claim.evidence)
    return InnovationScore(innovation.key, points, missing)


def sector_gate(model: Model,
                innovations: Iterable[Innovation]) -> tuple[bool, tuple[str, ...], tuple[str, ...]]:
    """Whether enough basic-service urusan are covered; the covered and missing ones (model order)."""
    present = {basic_urusan_of(model, name) for innovation in innovations for name in innovation.urusan}
    covered = tuple(name for name in model.basic_urusan if name in present)
    missing = tuple(name for name in model.basic_urusan if name not in present)
    return len(covered) >= model.urusan_needed, covered, missing


def band_of(model: Model, iid: Decimal) -> str:
    return predikat(iid, model.bands) if iid > 0 else NO_SCORE_LABEL


def region_index(model: Model, spd_levels: Mapping[str, int],
                 innovations: Iterable[Innovation]) -> RegionIndex:
    """The region's index from its SPD levels and its (eligible) innovations' claims."""
    innovations = tuple(innovations)
    check_model_keys(model, spd_levels, innovations)
    spd = sum(row.weight * spd_levels.get(row.key, 0) for row in model.spd)
    scores = tuple(sorted((innovation_score(model, i) for i in innovations), key=lambda s: s.key))
    n = len(innovations)
    divisor = max(model.divisor_minimum, n)
    sid_innovations = Fraction(sum(score.points for score in scores), divisor)
    gate_met, covered, missing = sector_gate(model, innovations)
    count_score = model.count_per_innovation * min(n, model.count_cap) if gate_met else Fraction(0)
    exact = (spd + sid_innovations + count_score) * 100 / Fraction(model.total)
    iid = shown(exact)
    return RegionIndex(model=model.name, spd=spd, innovations=scores, divisor=divisor,
                       sid_innovations=sid_innovations, gate_met=gate_met, covered_urusan=covered,
                       missing_urusan=missing, count_score=count_score,
                       short_of_divisor=max(0, model.divisor_minimum - n), exact=exact, iid=iid,
                       predikat=band_of(model, iid))


@dataclass(frozen=True)
class Eligibility:
    eligible: bool
    problems: tuple[str, ...]


def eligibility(model: Model, put_into_use: date | None, rancang_bangun: str,
                measured_in: int) -> Eligibility:
    """Whether an innovation counts in the measurement of year ``measured_in``: put into use within the
    model's preceding years (2026 with two years: 2024 or 2025) and a long enough rancang bangun."""
    problems = []
    first = measured_in - model.years_in_use
    if put_into_use is None:
        problems.append("put_into_use: the date it was put into use is missing")
    elif not first <= put_into_use.year <= measured_in - 1:
        problems.append(f"put_into_use: put into use in {put_into_use.year}, "
                        f"not within {first}-{measured_in - 1}")
    words = len(rancang_bangun.split())
    if words < model.rancang_bangun_words:
        problems.append(f"rancang_bangun: {words} words, at least {model.rancang_bangun_words} needed")
    return Eligibility(not problems, tuple(problems))

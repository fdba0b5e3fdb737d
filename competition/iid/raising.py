"""What raises the index most: evidence upgrades ranked by IID points gained, and the fewest
upgrades that reach the next predikat.

An upgrade sets one indicator of one innovation to a higher level, with evidence. It changes
neither the number of innovations nor their urusan, so the divisor and the count score stay as
they are and an upgrade's gain is its own: weight x (to level - counted level) ÷ divisor x 100 ÷
total, whatever else is upgraded. Gains simply add up.

The fewest upgrades (greedy, and optimal): two upgrades of the same indicator of the same
innovation are never better than the higher one alone, so a set of k useful upgrades touches k
different (innovation, indicator) slots and gains at most the sum of the k largest "up to level 3
with evidence" gains. Taking slots in that order, largest first, therefore reaches the target with
the fewest upgrades possible: if the first k do not reach it, no k upgrades do. The last upgrade
is then lowered to the least level that still reaches the target (the count stays the fewest).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from competition.iid.index import Claim, Innovation, RegionIndex, region_index
from competition.iid.model import LEVELS, Model
from competition.ranking.exact import shown


@dataclass(frozen=True)
class Upgrade:
    innovation: str
    indicator: str
    from_level: int
    had_evidence: bool
    to_level: int  # with evidence
    gain: Fraction  # exact IID points gained

    @property
    def points(self) -> Decimal:
        """The gain as shown: two places, half up."""
        return shown(self.gain)


@dataclass(frozen=True)
class Plan:
    """The fewest upgrades that reach ``target`` (None when the region is already in the top band).

    When the innovations alone cannot reach it (the SPD and the number of innovations are fixed),
    ``reachable`` is False and ``upgrades`` takes every indicator to level 3: ``iid_after`` is then the
    most the innovations can give."""

    target: str | None
    minimum: Decimal | None
    reachable: bool
    upgrades: tuple[Upgrade, ...]
    iid_after: Decimal


def _slots(model: Model, innovations: Iterable[Innovation]) -> list[tuple[Innovation, str, Claim, int]]:
    return [(innovation, indicator.key, innovation.claims.get(indicator.key, Claim(0, False)),
             indicator.weight)
            for innovation in sorted(innovations, key=lambda i: i.key) for indicator in model.sid]


def _order(upgrade: Upgrade, model: Model) -> tuple[Fraction, str, int, int]:
    number = next(index for index, indicator in enumerate(model.sid) if indicator.key == upgrade.indicator)
    return (-upgrade.gain, upgrade.innovation, number, upgrade.to_level)


def upgrades(model: Model, index: RegionIndex, innovations: Iterable[Innovation]) -> list[Upgrade]:
    """Every single upgrade with evidence, the greatest gain first (then innovation, indicator, level)."""
    scale = Fraction(100, index.divisor * model.total)
    found = [Upgrade(innovation.key, key, claim.level, claim.evidence, level,
                     weight * (level - claim.counted) * scale)
             for innovation, key, claim, weight in _slots(model, innovations)
             for level in range(claim.counted + 1, LEVELS + 1)]
    return sorted(found, key=lambda upgrade: _order(upgrade, model))


def next_band(model: Model, iid: Decimal) -> tuple[str, Decimal] | None:
    above = [band for band in model.bands if band.minimum > iid]
    if not above:
        return None
    band = min(above, key=lambda b: b.minimum)
    return band.label, band.minimum


def fewest_upgrades(model: Model, index: RegionIndex, innovations: Iterable[Innovation]) -> Plan:
    """The fewest upgrades that take the region to the next predikat (see the module's proof)."""
    innovations = tuple(innovations)
    target = next_band(model, index.iid)
    if target is None:
        return Plan(None, None, True, (), index.iid)
    label, minimum = target
    best: dict[tuple[str, str], Upgrade] = {}
    for upgrade in upgrades(model, index, innovations):
        slot = (upgrade.innovation, upgrade.indicator)
        if slot not in best or upgrade.to_level > best[slot].to_level:
            best[slot] = upgrade
    chosen: list[Upgrade] = []
    reached = index.exact
    for upgrade in sorted(best.values(), key=lambda u: _order(u, model)):
        if shown(reached) >= minimum:
            break
        chosen.append(upgrade)
        reached += upgrade.gain
    if shown(reached) < minimum:
        return Plan(label, minimum, False, tuple(chosen), shown(reached))
    if chosen:  # lower the last upgrade to the least level that still reaches the target
        last = chosen[-1]
        counted = last.from_level if last.had_evidence else 0
        step, before = last.gain / (last.to_level - counted), reached - last.gain
        level = next(level for level in range(counted + 1, last.to_level + 1)
                     if shown(before + step * (level - counted)) >= minimum)
        chosen[-1] = Upgrade(last.innovation, last.indicator, last.from_level, last.had_evidence, level,
                             step * (level - counted))
        reached = before + chosen[-1].gain
    return Plan(label, minimum, True, tuple(chosen), shown(reached))


def apply(innovations: Iterable[Innovation], chosen: Iterable[Upgrade]) -> list[Innovation]:
    """The innovations with ``chosen`` upgrades made (for checking a plan)."""
    by_key = {innovation.key: innovation for innovation in innovations}
    for upgrade in chosen:
        innovation = by_key[upgrade.innovation]
        claims = dict(innovation.claims) | {upgrade.indicator: Claim(upgrade.to_level, True)}
        by_key[upgrade.innovation] = Innovation(innovation.key, innovation.urusan, claims)
    return list(by_key.values())


def raise_index(model: Model, spd_levels: Mapping[str, int],
                innovations: Iterable[Innovation]) -> tuple[RegionIndex, list[Upgrade], Plan]:
    """The region's index, every single upgrade ranked, and the fewest upgrades to the next predikat."""
    innovations = tuple(innovations)
    index = region_index(model, spd_levels, innovations)
    return index, upgrades(model, index, innovations), fewest_upgrades(model, index, innovations)

"""Small regions for the IID tests, built from the shipped presets."""

from __future__ import annotations

from competition.iid.index import Claim, Innovation
from competition.iid.model import Model

BASIC = ("pendidikan", "kesehatan", "pekerjaan umum", "perumahan rakyat",
         "ketenteraman, ketertiban umum dan pelindungan masyarakat", "sosial")


def spd_all(model: Model, level: int, raised: int = 0) -> dict[str, int]:
    """Every SPD row at ``level``; the first ``raised`` weight-1 rows one level higher."""
    levels = {row.key: level for row in model.spd}
    for row in [row for row in model.spd if row.weight == 1][:raised]:
        levels[row.key] = level + 1
    return levels


def full(model: Model, key: str, level: int, urusan: str = "pendidikan", **changed: int) -> Innovation:
    """An innovation with every indicator at ``level`` with evidence (37 x level points), except
    ``changed`` indicators at the level given."""
    claims = {indicator.key: Claim(level) for indicator in model.sid}
    claims |= {name: Claim(value) for name, value in changed.items()}
    return Innovation(key, (urusan,), claims)


def empty(key: str, urusan: str = "pendidikan", **claims: Claim) -> Innovation:
    return Innovation(key, (urusan,), claims)

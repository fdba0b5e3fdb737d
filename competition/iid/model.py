"""An IID model as data: a TOML file per year (competition/iid/models/), read and checked.

A region corrects a weight in the file, without code. :func:`parse_model` checks what the file
declares (each part's weight total and maximum, levels 1-3 with a description each where
described, bands highest first, the 250-point structure) and names every problem it finds.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from pathlib import Path
from typing import Any

from competition.ranking.bands import Band

LEVELS = 3
MODELS = Path(__file__).resolve().parent / "models"
PRESETS = ("iid_2026", "iid_2023")


class ModelProblems(ValueError):
    """A model file that does not hold together; ``problems`` names each fault."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Indicator:
    """One score row: weight x level (1-3)."""

    key: str
    number: str
    name: str
    weight: int
    levels: tuple[str, ...] = ()  # the description of levels 1, 2 and 3 (may be empty for SPD rows)


@dataclass(frozen=True)
class Model:
    name: str
    title: str
    total: int
    spd: tuple[Indicator, ...]
    sid: tuple[Indicator, ...]
    divisor_minimum: int
    count_per_innovation: Fraction
    count_cap: int
    basic_urusan: tuple[str, ...]
    urusan_needed: int
    bands: tuple[Band, ...]  # highest first
    years_in_use: int = 2
    rancang_bangun_words: int = 300
    # Other names an innovation's urusan may carry for a basic urusan (the full nomenclature, an
    # abbreviation), by basic urusan.
    urusan_aliases: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def spd_maximum(self) -> int:
        return LEVELS * sum(row.weight for row in self.spd)

    @property
    def sid_maximum(self) -> int:
        return LEVELS * sum(indicator.weight for indicator in self.sid)

    def indicator(self, key: str) -> Indicator:
        """The SID indicator with ``key`` (KeyError if the model has none)."""
        for indicator in self.sid:
            if indicator.key == key:
                return indicator
        raise KeyError(key)


def load_preset(name: str) -> Model:
    """One of the shipped presets (``iid_2026``, ``iid_2023``)."""
    if name not in PRESETS:
        raise ModelProblems([f"preset: unknown IID model {name!r} (known: {', '.join(PRESETS)})"])
    return load_model(MODELS / f"{name}.toml")


def load_model(path: Path) -> Model:
    """The model in a TOML file, checked."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise ModelProblems([f"{path.name}: not valid TOML ({error})"]) from error
    return parse_model(data)


class _Reader:
    """Reads values out of the parsed file, noting each problem instead of stopping at the first."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def table(self, data: Mapping[str, Any], key: str) -> Mapping[str, Any]:
        value = data.get(key)
        if not isinstance(value, Mapping):
            self.problems.append(f"{key}: missing table [{key}]")
            return {}
        return value

    def integer(self, data: Mapping[str, Any], key: str, where: str, minimum: int = 0) -> int:
        value = data.get(key)
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            self.problems.append(f"{where}.{key}: must be a whole number of at least {minimum}")
            return 0
        return value

    def text(self, data: Mapping[str, Any], key: str, where: str) -> str:
        value = data.get(key)
        if not isinstance(value, str) or not value.strip():
            self.problems.append(f"{where}.{key}: must be a non-empty text")
            return ""
        return value

    def decimal(self, data: Mapping[str, Any], key: str, where: str) -> Decimal:
        try:
            value = Decimal(str(data.get(key)))
            if not value.is_finite() or value < 0:
                raise InvalidOperation
        except InvalidOperation:
            self.problems.append(f"{where}.{key}: must be a decimal number written as text, e.g. \"0.38\"")
            return Decimal(0)
        return value

    def indicators(self, data: Mapping[str, Any], part: str, number_key: str,
                   described: bool) -> list[Indicator]:
        rows = data.get(part)
        if not isinstance(rows, list) or not rows:
            self.problems.append(f"{part}: no [[{part}]] rows")
            return []
        found: list[Indicator] = []
        for position, row in enumerate(rows, start=1):
            where = f"{part}[{position}]"
            if not isinstance(row, Mapping):
                self.problems.append(f"{where}: must be a table")
                continue
            levels = row.get("levels", [])
            if described or levels:
                if (not isinstance(levels, list) or len(levels) != LEVELS
                        or not all(isinstance(level, str) and level.strip() for level in levels)):
                    self.problems.append(f"{where}.levels: must describe exactly levels 1-{LEVELS}")
                    levels = []
            found.append(Indicator(key=self.text(row, "key", where), number=str(row.get(number_key, "")),
                                   name=self.text(row, "name", where),
                                   weight=self.integer(row, "weight", where, minimum=1),
                                   levels=tuple(levels)))
        keys = [indicator.key for indicator in found]
        for key in sorted({key for key in keys if keys.count(key) > 1}):
            self.problems.append(f"{part}: key {key!r} is used twice")
        return found

    def part_totals(self, declared: Mapping[str, Any], rows: list[Indicator], part: str) -> None:
        weight_total = self.integer(declared, "weight_total", part, minimum=1)
        maximum = self.integer(declared, "maximum", part, minimum=1)
        found = sum(row.weight for row in rows)
        if weight_total and found != weight_total:
            self.problems.append(f"{part}.weight_total: declared {weight_total}, "
                                 f"the rows' weights total {found}")
        if maximum and maximum != LEVELS * found:
            self.problems.append(f"{part}.maximum: declared {maximum}, the rows give {LEVELS} x {found} = "
                                 f"{LEVELS * found}")

    def bands(self, data: Mapping[str, Any]) -> list[Band]:
        rows = data.get("bands")
        if not isinstance(rows, list) or not rows:
            self.problems.append("bands: no [[bands]]")
            return []
        bands = [Band(self.text(row, "label", f"bands[{position}]"),
                      self.decimal(row, "minimum", f"bands[{position}]"))
                 for position, row in enumerate(rows, start=1) if isinstance(row, Mapping)]
        for higher, lower in zip(bands, bands[1:], strict=False):
            if lower.minimum >= higher.minimum:
                self.problems.append(f"bands: {lower.label!r} ({lower.minimum}) must come below "
                                     f"{higher.label!r} ({higher.minimum}): list bands highest first")
        if bands and bands[-1].minimum <= 0:
            self.problems.append("bands: the lowest band must start above 0 (0 is Tidak Dapat Dinilai)")
        return bands


def parse_model(data: Mapping[str, Any]) -> Model:
    """The model a parsed TOML file describes; raises :class:`ModelProblems` naming each problem."""
    read = _Reader()
    region, innovation = read.table(data, "region"), read.table(data, "innovation")
    count, eligibility = read.table(data, "count"), read.table(data, "eligibility")
    spd = read.indicators(data, "spd", "row", described=False)
    sid = read.indicators(data, "sid", "number", described=True)
    read.part_totals(region, spd, "region")
    read.part_totals(innovation, sid, "innovation")
    basic = count.get("basic_urusan")
    if not isinstance(basic, list) or not basic or not all(isinstance(u, str) and u.strip() for u in basic):
        read.problems.append("count.basic_urusan: must list the basic-service urusan")
        basic = []
    needed = read.integer(count, "urusan_needed", "count", minimum=1)
    aliases = count.get("aliases", {})
    if not isinstance(aliases, Mapping) or not all(
            name in basic and isinstance(names, list) and all(isinstance(n, str) and n.strip() for n in names)
            for name, names in aliases.items()):
        read.problems.append("count.aliases: each key must be one of basic_urusan, "
                             "each value a list of names")
        aliases = {}
    if needed > len(basic):
        read.problems.append(f"count.urusan_needed: {needed} of only {len(basic)} basic urusan")
    per_innovation = read.decimal(count, "per_innovation", "count")
    cap = read.integer(count, "cap", "count", minimum=1)
    total = read.integer(data, "total", "model", minimum=1)
    structure = Fraction(LEVELS * sum(r.weight for r in spd) + LEVELS * sum(i.weight for i in sid)) \
        + Fraction(per_innovation) * cap
    if total and structure != total:
        read.problems.append(f"model.total: declared {total}, the parts give {float(structure):g} "
                             "(SPD maximum + SID maximum + count score cap)")
    model = Model(name=read.text(data, "name", "model"), title=read.text(data, "title", "model"),
                  total=total, spd=tuple(spd), sid=tuple(sid),
                  divisor_minimum=read.integer(innovation, "divisor_minimum", "innovation", minimum=1),
                  count_per_innovation=Fraction(per_innovation), count_cap=cap,
                  basic_urusan=tuple(basic), urusan_needed=needed, bands=tuple(read.bands(data)),
                  years_in_use=read.integer(eligibility, "years_in_use", "eligibility", minimum=1),
                  rancang_bangun_words=read.integer(eligibility, "rancang_bangun_words", "eligibility"),
                  urusan_aliases={name: tuple(names) for name, names in aliases.items()})
    if read.problems:
        raise ModelProblems(read.problems)
    return model

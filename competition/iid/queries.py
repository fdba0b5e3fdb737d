"""The IID rehearsal as pages, the API, the command line and exports read it.

:func:`rehearsal` gathers a competition's innovations and levels and computes, with the pure
maths of :mod:`competition.iid.index` and :mod:`competition.iid.raising`, the region's index as
claimed and as verified, each innovation's contribution, and what raises the verified index most.

Which innovations count: those submitted at least once and neither withdrawn nor rejected, that
are eligible under the model (put into use within the years before the competition's year, with
a long enough rancang bangun). The sector gate reads each counted innovation's main urusan.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from competition.extensions import db
from competition.iid.index import Claim, Innovation, RegionIndex, eligibility
from competition.iid.model import PRESETS, Indicator, Model, ModelProblems, load_preset
from competition.iid.raising import Plan, Upgrade, raise_index
from competition.models import Competition, Entry, IndicatorLevel, RegionLevel, User
from competition.policy import IID_LEFT_OUT, can_see_region_iid, viewable_entries
from competition.ranking.exact import shown
from workflows.messages import t

DEFAULT_MODEL = PRESETS[0]
UPGRADES_SHOWN = 15
_MODELS: dict[str, Model] = {}


def iid_model(name: str | None) -> Model:
    """A shipped preset by name (the newest when none is named), read once per process.

    :raises ModelProblems: for a name that is not a preset.
    """
    name = name or DEFAULT_MODEL
    if name not in _MODELS:
        _MODELS[name] = load_preset(name)
    return _MODELS[name]


def model_or_problem(name: str | None) -> tuple[Model | None, str | None]:
    try:
        return iid_model(name), None
    except ModelProblems as error:
        return None, t("model: %(problem)s", problem="; ".join(error.problems))


@dataclass(frozen=True)
class IndicatorLine:
    """One SID indicator of one innovation, as stored."""

    indicator: Indicator
    claimed: int
    verified: int | None
    evidence_id: int | None
    evidence_title: str
    note: str
    evidence_kind: str = ""

    @property
    def claimed_points(self) -> int:
        return self.indicator.weight * self.claimed if self.evidence_id is not None else 0

    @property
    def verified_points(self) -> int:
        return self.indicator.weight * (self.verified or 0) if self.evidence_id is not None else 0

    @property
    def awaiting_verification(self) -> bool:
        return self.claimed > 0 and self.verified is None

    def level_text(self, level: int | None) -> str:
        if level is None or level == 0 or level > len(self.indicator.levels):
            return ""
        return self.indicator.levels[level - 1]


@dataclass(frozen=True)
class InnovationLine:
    entry: Entry
    indicators: tuple[IndicatorLine, ...]
    counted: bool
    reasons: tuple[str, ...]  # why it does not count, in words
    claimed_contribution: Decimal  # IID points, shown (0 when it does not count)
    verified_contribution: Decimal

    @property
    def claimed_points(self) -> int:
        return sum(line.claimed_points for line in self.indicators)

    @property
    def verified_points(self) -> int:
        return sum(line.verified_points for line in self.indicators)

    @property
    def awaiting_verification(self) -> int:
        return sum(line.awaiting_verification for line in self.indicators)

    @property
    def without_evidence(self) -> tuple[IndicatorLine, ...]:
        return tuple(line for line in self.indicators if line.claimed and line.evidence_id is None)


@dataclass(frozen=True)
class Rehearsal:
    model: Model
    competition: Competition
    spd_levels: dict[str, int]
    claimed: RegionIndex
    verified: RegionIndex
    lines: tuple[InnovationLine, ...]  # those the viewer sees: counted ones first, by contribution
    upgrades: tuple[Upgrade, ...]  # on the verified index, on the innovations the viewer sees
    plan: Plan  # the region's fewest upgrades to the next predikat (verified)
    whole_region: bool  # False: an OPD's view, its own innovations only

    def entry(self, key: str) -> Entry | None:
        return next((line.entry for line in self.lines if str(line.entry.id) == key), None)

    @property
    def plan_outside_view(self) -> int:
        """Upgrades of the plan on innovations this viewer does not see."""
        return sum(self.entry(upgrade.innovation) is None for upgrade in self.plan.upgrades)


def indicator_lines(model: Model, entry: Entry,
                    rows: Sequence[IndicatorLevel]) -> tuple[IndicatorLine, ...]:
    by_key = {row.indicator: row for row in rows}
    lines = []
    for indicator in model.sid:
        row = by_key.get(indicator.key)
        evidence = row.evidence if row is not None else None
        lines.append(IndicatorLine(indicator, row.claimed_level if row else 0,
                                   row.verified_level if row else None,
                                   evidence.id if evidence is not None else None,
                                   evidence.title if evidence is not None else "",
                                   row.verified_note if row else "",
                                   evidence.kind if evidence is not None else ""))
    return tuple(lines)


def _reasons(model: Model, entry: Entry) -> tuple[str, ...]:
    if entry.status in IID_LEFT_OUT:
        return (t("withdrawn or rejected"),)
    reasons = []
    if entry.status == "draft" and entry.submitted_at is None:
        reasons.append(t("not submitted yet"))
    measured = entry.competition.year
    if not eligibility(model, entry.implemented_on, entry.rancang_bangun, measured).eligible:
        first, last = measured - model.years_in_use, measured - 1
        used = entry.implemented_on
        if used is None:
            reasons.append(t("the date it was put into use is missing"))
        elif not first <= used.year <= last:
            reasons.append(t("put into use in %(year)s, not in %(first)s-%(last)s", year=used.year,
                             first=first, last=last))
        words = len(entry.rancang_bangun.split())
        if words < model.rancang_bangun_words:
            reasons.append(t("rancang bangun of %(words)s words, %(needed)s needed", words=words,
                             needed=model.rancang_bangun_words))
    return tuple(reasons)


def _pure(entry: Entry, lines: Sequence[IndicatorLine], verified: bool) -> Innovation:
    claims = {line.indicator.key: Claim((line.verified or 0) if verified else line.claimed,
                                        line.evidence_id is not None)
              for line in lines}
    return Innovation(str(entry.id), (entry.urusan,), claims)


def _contribution(points: int, index: RegionIndex, model: Model) -> Decimal:
    return shown(Fraction(points, index.divisor) * 100 / model.total)


def region_spd(competition: Competition, model: Model) -> dict[str, int]:
    rows = db.session.scalars(select(RegionLevel).where(RegionLevel.competition_id == competition.id))
    keys = {row.key for row in model.spd}
    return {row.row: row.level for row in rows if row.row in keys}


def rehearsal(competition: Competition, model: Model, viewer: User | None) -> Rehearsal:
    """The competition's IID rehearsal under ``model``, as ``viewer`` may see it (the organisers the
    whole region; an OPD its own innovations, with the region's index). Without a viewer (the
    command line) as the organisers see it."""
    entries = list(db.session.scalars(
        select(Entry).where(Entry.competition_id == competition.id)
        .options(selectinload(Entry.organisation)).order_by(Entry.id)))
    rows: dict[int, list[IndicatorLevel]] = {}
    for row in db.session.scalars(select(IndicatorLevel).join(Entry)
                                  .where(Entry.competition_id == competition.id)
                                  .options(selectinload(IndicatorLevel.evidence))):
        rows.setdefault(row.entry_id, []).append(row)
    whole = viewer is None or can_see_region_iid(viewer, competition)
    # Another OPD's unsubmitted draft is nobody else's to see.
    visible = (or_(Entry.status != "draft", Entry.submitted_at.is_not(None)) if viewer is None
               else viewable_entries(viewer, competition))
    seen = set(db.session.scalars(select(Entry.id).where(Entry.competition_id == competition.id, visible)))
    counted: list[tuple[Entry, tuple[IndicatorLine, ...]]] = []
    prepared = []
    for entry in entries:
        lines = indicator_lines(model, entry, rows.get(entry.id, []))
        reasons = _reasons(model, entry)
        prepared.append((entry, lines, reasons))
        if not reasons:
            counted.append((entry, lines))
    spd = region_spd(competition, model)
    claimed_index, _, _ = raise_index(model, spd, [_pure(e, lines, False) for e, lines in counted])
    verified_pure = [_pure(e, lines, True) for e, lines in counted]
    verified_index, upgrades, plan = raise_index(model, spd, verified_pure)
    shown_lines = [InnovationLine(entry, lines, not reasons, reasons,
                                  _contribution(0 if reasons else sum(x.claimed_points for x in lines),
                                                claimed_index, model),
                                  _contribution(0 if reasons else sum(x.verified_points for x in lines),
                                                verified_index, model))
                   for entry, lines, reasons in prepared if entry.id in seen]
    shown_lines.sort(key=lambda line: (not line.counted, -line.verified_contribution,
                                       -line.claimed_contribution, line.entry.id))
    keys = {str(entry_id) for entry_id in seen}
    return Rehearsal(model, competition, spd, claimed_index, verified_index, tuple(shown_lines),
                     tuple(u for u in upgrades if u.innovation in keys)[:UPGRADES_SHOWN], plan, whole)


def entry_lines(entry: Entry, model: Model) -> tuple[IndicatorLine, ...]:
    rows = list(db.session.scalars(select(IndicatorLevel).where(IndicatorLevel.entry_id == entry.id)
                                   .options(selectinload(IndicatorLevel.evidence))))
    return indicator_lines(model, entry, rows)


def entry_reasons(entry: Entry, model: Model) -> tuple[str, ...]:
    return _reasons(model, entry)


EXPORT_COLUMNS = ("No. inovasi", "Inovasi", "Perangkat daerah", "Urusan", "Dihitung", "No. indikator",
                  "Indikator", "Bobot", "Level diklaim", "Parameter diklaim", "Bukti", "Level terverifikasi",
                  "Catatan verifikator", "Nilai terverifikasi")


def export_rows(found: Rehearsal) -> list[list[str | int | None]]:
    """Every indicator of every innovation the viewer sees, in the national form's order (the
    innovation, then indicators 16-35), ready to copy across."""
    rows: list[list[str | int | None]] = []
    for line in sorted(found.lines, key=lambda line: line.entry.id):
        for item in line.indicators:
            rows.append([line.entry.id, line.entry.title, line.entry.organisation.name, line.entry.urusan,
                         "ya" if line.counted else "tidak: " + "; ".join(line.reasons),
                         item.indicator.number, item.indicator.name, item.indicator.weight, item.claimed,
                         item.level_text(item.claimed), item.evidence_title, item.verified, item.note,
                         item.verified_points])
    return rows


def _index_data(index: RegionIndex) -> dict[str, Any]:
    return {"iid": str(index.iid), "predikat": index.predikat, "spd": index.spd,
            "sid_innovations": str(shown(index.sid_innovations)),
            "count_score": str(shown(index.count_score)),
            "divisor": index.divisor, "innovations_counted": len(index.innovations),
            "short_of_divisor": index.short_of_divisor, "sector_gate_met": index.gate_met,
            "covered_urusan": list(index.covered_urusan), "missing_urusan": list(index.missing_urusan)}


def _upgrade_data(upgrade: Upgrade) -> dict[str, Any]:
    return {"innovation_id": int(upgrade.innovation), "indicator": upgrade.indicator,
            "from_level": upgrade.from_level, "had_evidence": upgrade.had_evidence,
            "to_level": upgrade.to_level, "iid_points": str(upgrade.points)}


def indicator_data(line: IndicatorLine) -> dict[str, Any]:
    return {"indicator": line.indicator.key, "number": line.indicator.number, "name": line.indicator.name,
            "weight": line.indicator.weight, "claimed_level": line.claimed, "evidence_id": line.evidence_id,
            "verified_level": line.verified, "note": line.note, "claimed_points": line.claimed_points,
            "verified_points": line.verified_points}


def rehearsal_data(found: Rehearsal) -> dict[str, Any]:
    """The rehearsal as plain data, for the API and ``flask iid show --json``: every figure a
    decimal written as text, as the page shows it."""
    plan = found.plan
    return {
        "model": found.model.name, "competition_id": found.competition.id, "whole_region": found.whole_region,
        "claimed": _index_data(found.claimed), "verified": _index_data(found.verified),
        "innovations": [{"id": line.entry.id, "title": line.entry.title,
                         "organisation": line.entry.organisation.name, "urusan": line.entry.urusan,
                         "counted": line.counted, "not_counted_because": list(line.reasons),
                         "claimed_points": line.claimed_points, "verified_points": line.verified_points,
                         "claimed_iid_points": str(line.claimed_contribution),
                         "verified_iid_points": str(line.verified_contribution),
                         "awaiting_verification": line.awaiting_verification,
                         "without_evidence": [item.indicator.key for item in line.without_evidence]}
                        for line in found.lines],
        "upgrades": [_upgrade_data(upgrade) for upgrade in found.upgrades],
        "next_predikat": {"target": plan.target,
                          "minimum": None if plan.minimum is None else str(plan.minimum),
                          "reachable": plan.reachable, "iid_after": str(plan.iid_after),
                          "upgrades": [_upgrade_data(u) for u in plan.upgrades
                                       if found.entry(u.innovation) is not None],
                          "upgrades_on_unseen_innovations": found.plan_outside_view},
    }

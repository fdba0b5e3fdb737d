"""The judge-agreement figures as people read them: the coefficients with their intervals and
bands in words, the reason where a figure cannot be worked out, each judge against the others
(a chart and a table), and the judges' totals per innovation with what normalising per judge
would do to its place. The dashboard, the sealed version's page and the PDF for the jury chair
show the same :class:`RoundView` (templates/monitoring/_agreement.html).

The figures come as :func:`competition.ranking.agreement.annex_data` gives them (decimal text
rounded once), from the live confirmed scores or from a sealed version.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from competition.documents.formatting import format_decimal
from competition.monitoring import charts
from competition.monitoring.queries import AgreementNames, agreement_names
from competition.ranking.agreement import (
    FEW_INNOVATIONS,
    FEW_JUDGES,
    NO_DIFFERENCE,
    NO_PAIRS,
    NO_VARIANCE,
    alpha_band,
    icc_band,
)

# At most this many innovations per round in the table on a page (the sealed annex keeps all).
INNOVATIONS_SHOWN = 50

ICC_WORDS = {"poor": _l("poor"), "moderate": _l("moderate"), "good": _l("good"), "excellent": _l("excellent")}
ALPHA_WORDS = {"reliable": _l("reliable"), "tentative": _l("tentative"), "unreliable": _l("not reliable")}
REASONS = {
    FEW_JUDGES: _l("cannot be worked out: fewer than two judges rated the same innovations"),
    FEW_INNOVATIONS: _l("cannot be worked out: fewer than two innovations were rated by the same judges"),
    NO_VARIANCE: _l("cannot be worked out: every rating is the same, so there is no variation to agree on"),
    NO_PAIRS: _l("cannot be worked out: no innovation was rated by two judges"),
    NO_DIFFERENCE: _l("cannot be worked out: the innovations' mean totals hardly differ, so there is nothing "
                      "for the judges to tell apart"),
}


def _language() -> str:
    return str(get_locale() or "id")


def number(text: str | None, places: int) -> str:
    """Stored decimal text ("0.290") as the reader's language writes it ("0,290")."""
    return "–" if text is None else format_decimal(Decimal(text), places, _language())


@dataclass(frozen=True)
class EstimateView:
    value: str | None          # "0,290", None when it cannot be worked out
    interval: str | None       # "0,019–0,761"
    band: str | None           # "poor"... in words
    reason: str | None         # why there is no value, in words
    band_key: str | None = None

    @property
    def text(self) -> str:
        if self.value is None:
            return self.reason or "–"
        shown = self.value
        if self.interval:
            shown += " " + _("(95%% CI %(interval)s)", interval=self.interval)
        return f"{shown}: {self.band}" if self.band else shown


def _estimate(data: Mapping[str, Any], kind: str) -> EstimateView:
    if data["value"] is None:
        return EstimateView(None, None, None, str(REASONS.get(data["reason"], data["reason"] or "–")))
    value = float(data["value"])
    band_key = icc_band(value) if kind == "icc" else alpha_band(value)
    band = str(ICC_WORDS[band_key] if kind == "icc" else ALPHA_WORDS[band_key])
    interval = (f"{number(data['low'], 3)}–{number(data['high'], 3)}"
                if data.get("low") is not None and data.get("high") is not None else None)
    return EstimateView(number(data["value"], 3), interval, band, None, band_key)


@dataclass(frozen=True)
class BlockView:
    judges: list[str]
    innovations: int
    single: EstimateView
    average: EstimateView


@dataclass(frozen=True)
class MeasureView:
    name: str
    alpha: EstimateView
    blocks: list[BlockView]
    innovations: int
    left_out: int

    @property
    def left_out_text(self) -> str:
        if not self.left_out:
            return ""
        return ngettext("%(num)s innovation left out of ICC: not rated by the same judges as the others.",
                        "%(num)s innovations left out of ICC: not rated by the same judges as the others.",
                        self.left_out)


@dataclass(frozen=True)
class JudgeView:
    name: str
    innovations: int
    leniency: str
    leniency_value: float | None
    spread: str
    top_share: str
    far: bool


@dataclass(frozen=True)
class InnovationView:
    title: str
    organisation: str
    totals: list[tuple[str, str]]
    raw_mean: str
    raw_place: int
    normalised_mean: str
    normalised_place: int
    change: int

    @property
    def change_text(self) -> str:
        if self.change > 0:
            return _("up %(num)s", num=self.change)
        if self.change < 0:
            return _("down %(num)s", num=-self.change)
        return _("no change")


@dataclass(frozen=True)
class RoundView:
    round_id: int
    name: str
    normalises: bool | None
    totals: MeasureView
    criteria: list[MeasureView]
    judges: list[JudgeView]
    chart: Markup | None
    innovations: list[InnovationView]
    innovations_total: int
    far_from_panel: str

    @property
    def far_judges(self) -> list[JudgeView]:
        return [j for j in self.judges if j.far]


def _measure(data: Mapping[str, Any], name: str, names: AgreementNames) -> MeasureView:
    blocks = [BlockView([names.judges.get(j, f"#{j}") for j in b["judge_ids"]], b["innovations"],
                        _estimate(b["icc_single"], "icc"), _estimate(b["icc_average"], "icc"))
              for b in data["blocks"]]
    return MeasureView(name, _estimate(data["alpha"], "alpha"), blocks, data["innovations"], data["left_out"])


def _percent(share: str | None) -> str:
    if share is None:
        return "–"
    return f"{format_decimal(Decimal(share) * 100, 1, _language())}%"


def agreement_views(annex: dict[str, Any], *, chart_prefix: str = "chart-agreement",
                    limit: int | None = INNOVATIONS_SHOWN) -> list[RoundView]:
    """Every judged round of ``annex`` as people read it, with the names of what it shows."""
    return round_views(annex, agreement_names(annex, limit), chart_prefix=chart_prefix, limit=limit)


def round_views(annex: Mapping[str, Any], names: AgreementNames, *, chart_prefix: str = "chart-agreement",
                limit: int | None = INNOVATIONS_SHOWN) -> list[RoundView]:
    """Every judged round of ``annex`` as people read it."""
    views = []
    far = annex.get("far_from_panel", "10.00")
    for data in annex.get("rounds", []):
        round_id = data["round_id"]
        judge_ids = [j["judge_id"] for j in data["judges"]]
        judge_names = {j: names.judges.get(j, f"#{j}") for j in judge_ids}
        judges = [JudgeView(judge_names[j["judge_id"]], j["innovations"],
                            _signed(j["leniency"]), None if j["leniency"] is None else float(j["leniency"]),
                            number(j["spread"], 2), _percent(j["top_share"]), j["far"])
                  for j in data["judges"]]
        shown = data["innovations"][:limit] if limit else data["innovations"]
        innovations = [InnovationView(
            *names.entries.get(i["entry_id"], (f"#{i['entry_id']}", "")),
            [(judge_names.get(j, f"#{j}"), number(total, 2)) for j, total in i["totals"]],
            number(i["raw_mean"], 2), i["raw_place"], number(i["normalised_mean"], 2), i["normalised_place"],
            i["change"]) for i in shown]
        views.append(RoundView(
            round_id, names.rounds.get(round_id, f"#{round_id}"), names.normalises.get(round_id),
            _measure(data["totals"], _("Judges' totals (0–100)"), names),
            [_measure(c, names.criteria.get(c["criterion_id"], f"#{c['criterion_id']}"), names)
             for c in data["criteria"]],
            judges, _leniency_chart(f"{chart_prefix}-{round_id}", judges), innovations,
            len(data["innovations"]), number(far, 0)))
    return views


def _signed(text: str | None) -> str:
    if text is None:
        return "–"
    value = Decimal(text)
    return ("+" if value > 0 else "") + format_decimal(value, 2, _language())


def _leniency_chart(chart_id: str, judges: Sequence[JudgeView]) -> Markup | None:
    rows = [(j.name, j.leniency_value, j.leniency) for j in judges if j.leniency_value is not None]
    if not rows:
        return None
    return charts.diverging_bars(
        chart_id, _("Leniency of each judge"),
        _("For each judge, how far their totals sit on average above (to the right) or below (to the "
          "left) the other judges' mean on the same innovations, in points on the 0–100 scale. The "
          "numbers are in the table beside the chart."),
        [(name, value, text) for name, value, text in rows if value is not None],
        positive="#0b5ed7", negative="#b35900")


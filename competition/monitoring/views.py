"""The organiser's monitoring dashboard: innovations by status and category, OPD participation and
the "one OPD, one innovation" target, judges' progress, score distributions and disagreements,
and the days left to each deadline. Each figure has a chart drawn on the server, its numbers in a
table, and a download as CSV or XLSX with the same numbers.

The figures and their rules come from :mod:`competition.monitoring.queries`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, current_app, render_template
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from werkzeug.wrappers import Response

from competition.competitions.manage import organised_competition, units_rule
from competition.documents.formatting import format_decimal, format_number
from competition.documents.spreadsheets import csv_text, xlsx_bytes
from competition.models import UNITS_OWN, Competition
from competition.models.types import utcnow
from competition.monitoring import charts
from competition.monitoring import queries as monitoring
from competition.monitoring.agreement_views import agreement_views
from competition.monitoring.charts import Series
from competition.policy import ENTRY_WORKFLOW
from workflows import get_workflow

bp = Blueprint("dashboard", __name__, url_prefix="/manage")

# The colours of the status badges (templates/base.html), each at least 4.5:1 on white.
STATUS_COLOURS = {
    "draft": "#5c636a", "submitted": "#0b5ed7", "returned": "#b35900", "verified": "#146c43",
    "scored": "#5a32a3", "awarded": "#8a6d0b", "rejected": "#b02a37", "withdrawn": "#41464b",
}
GREEN, ORANGE, GREY, PURPLE, RED = "#146c43", "#b35900", "#6c757d", "#5a32a3", "#b02a37"

FIGURES = {
    "entries": _l("Innovations by status and category"),
    "participation": _l("OPD participation"),
    "without-innovation": _l("OPDs with no innovation submitted"),
    "target": _l("One OPD, one innovation"),
    "judges": _l("Judges' progress"),
    "scores": _l("Score distribution per criterion"),
    "disagreements": _l("Where judges disagree most"),
    "deadlines": _l("Days left to each deadline"),
}
DEADLINE_LABELS = {
    "submission_closes_at": _l("Submission closes"),
    "verification_closes_at": _l("Verification closes"),
    "judging_closes_at": _l("Judging closes"),
}

Cell = str | int | float | Decimal | datetime | None


@dataclass(frozen=True)
class Table:
    """A figure's numbers: what the page shows under its chart and what the downloads hold."""

    title: str
    columns: list[str]
    rows: list[list[Cell]]

    @property
    def numeric(self) -> list[bool]:
        """Which columns hold numbers (as the first row shows), to align them right."""
        first = self.rows[0] if self.rows else []
        return [i < len(first) and isinstance(first[i], int | float) for i in range(len(self.columns))]


def _language() -> str:
    return str(get_locale() or "id")


def _timezone() -> str:
    return str(current_app.config["DISPLAY_TIMEZONE"])


def _count(value: float) -> str:
    return format_number(int(value), _language())


def _decimal(value: float | Decimal, places: int = 2) -> str:
    return format_decimal(value, places, _language())


def _percent(share: float) -> str:
    """0.4 -> '40%', 0.4286 -> '42,9%'."""
    percent = round(100 * share, 1)
    return f"{format_decimal(percent, 0 if percent.is_integer() else 1, _language())}%"


def _status_label(status: str) -> str:
    return get_workflow(ENTRY_WORKFLOW).label(status, _language())


def days_text(days: int, closed: bool = False) -> str:
    if closed:
        return _("closed")
    if days > 0:
        return ngettext("%(count)s day left", "%(count)s days left", days, count=_count(days))
    if days < 0:
        return ngettext("passed %(count)s day ago", "passed %(count)s days ago", -days, count=_count(-days))
    return _("today")


def _category_label(row: monitoring.CategoryStatusCounts) -> str:
    return row.category if row.category is not None else _("No category")


def _scale_edge(value: float) -> str:
    return _decimal(value, 0 if float(value).is_integer() else 1)


def _bin_label(histogram: monitoring.CriterionHistogram, bin_: monitoring.HistogramBin) -> str:
    if bin_.label is not None:
        return f"{_scale_edge(bin_.low)} – {bin_.label}"
    return f"{_scale_edge(bin_.low)}–{_scale_edge(bin_.high)}"


# -- the tables -------------------------------------------------------------------------------------

def _entries_table(figure: monitoring.EntriesFigure) -> Table:
    totals = figure.totals
    return Table(str(FIGURES["entries"]),
                 [_("Category"), *(_status_label(s) for s in figure.statuses), _("Total")],
                 [[_category_label(r), *(r.counts[s] for s in figure.statuses), r.total] for r in figure.rows]
                 + [[_("Total"), *(totals[s] for s in figure.statuses), figure.total]])


def _entrants_label(units_compete: str) -> str:
    """Who the entrants are: the active OPDs, and the units that entered where units compete on
    their own."""
    return _("Active OPDs and units that entered") if units_compete == UNITS_OWN else _("Active OPDs")


def _participation_table(figure: monitoring.ParticipationFigure) -> Table:
    """One row per entrant; where units compete on their own, a column names each unit's OPD."""
    own = figure.units_compete == UNITS_OWN
    return Table(str(FIGURES["participation"]),
                 [_("OPD"), _("Short name"), *([_("Part of")] if own else []), _("Submitted innovations"),
                  _("Drafts in progress"), _("Withdrawn"), _("Takes part")],
                 [[o.name, o.short_name or "", *([o.part_of or ""] if own else []), o.submitted,
                   o.in_progress, o.withdrawn, _("Yes") if o.takes_part else _("No")] for o in figure.opds])


def _without_table(figure: monitoring.ParticipationFigure) -> Table:
    return Table(str(FIGURES["without-innovation"]),
                 [_("OPD"), _("Short name"), _("Drafts in progress"), _("Withdrawn")],
                 [[o.name, o.short_name or "", o.in_progress, o.withdrawn]
                  for o in figure.without_innovation])


def _target_table(figure: monitoring.TargetFigure) -> Table:
    return Table(str(FIGURES["target"]), [_("Measure"), _("Value")], [
        [_entrants_label(figure.units_compete), figure.opds],
        [_("OPDs with at least one submitted innovation"), figure.opds_taking_part],
        [_("OPDs still without one"), figure.opds - figure.opds_taking_part],
        [_("Share of OPDs taking part (%)"), round(100 * figure.opd_share, 2)],
        [_("Submitted innovations"), figure.submitted_innovations],
        [_("Submitted innovations per OPD"), round(figure.innovations_per_opd, 2)],
    ])


def _judges_table(judges: Sequence[monitoring.JudgeProgress]) -> Table:
    return Table(str(FIGURES["judges"]),
                 [_("Judge"), _("Assigned"), _("Confirmed"), _("Draft"), _("Not started"),
                  _("Confirmed (%)")],
                 [[j.name, j.assigned, j.confirmed, j.draft, j.not_started, round(100 * j.share_confirmed, 2)]
                  for j in judges])


def _scores_table(histograms: Sequence[monitoring.CriterionHistogram]) -> Table:
    rows: list[list[Cell]] = []
    for h in histograms:
        for b in h.bins:
            rows.append([h.round_name, h.name, _bin_label(h, b), b.low, b.high, b.count])
    return Table(str(FIGURES["scores"]),
                 [_("Round"), _("Criterion"), _("Range"), _("From"), _("To"), _("Confirmed scores")], rows)


def _disagreements_table(figure: monitoring.DisagreementFigure) -> Table:
    rows: list[list[Cell]] = []
    for d in figure.rows:
        for total in d.totals:
            rows.append([d.round_name, d.title, d.organisation, d.spread, total.name, total.total])
    return Table(str(FIGURES["disagreements"]),
                 [_("Round"), _("Innovation"), _("OPD"), _("Spread"), _("Judge"), _("Judge's total")], rows)


def _deadlines_table(deadlines: Sequence[monitoring.Deadline]) -> Table:
    return Table(str(FIGURES["deadlines"]), [_("Deadline"), _("Date and time"), _("Days left")],
                 [[str(DEADLINE_LABELS[d.key]), d.at, d.days_left] for d in deadlines])


def _tables(figures: monitoring.Dashboard) -> dict[str, Table]:
    return {
        "entries": _entries_table(figures.entries),
        "participation": _participation_table(figures.participation),
        "without-innovation": _without_table(figures.participation),
        "target": _target_table(figures.target),
        "judges": _judges_table(figures.judges),
        "scores": _scores_table(figures.scores),
        "disagreements": _disagreements_table(figures.disagreements),
        "deadlines": _deadlines_table(figures.deadlines),
    }


def figure_table(competition: Competition, figure: str) -> Table:
    """One figure's table, reading only what that figure needs."""
    if figure == "entries":
        return _entries_table(monitoring.entries_by_category_and_status(competition))
    if figure in ("participation", "without-innovation", "target"):
        participation = monitoring.opd_participation(competition)
        if figure == "target":
            return _target_table(monitoring.target_progress(competition, participation))
        return (_participation_table if figure == "participation" else _without_table)(participation)
    if figure == "judges":
        return _judges_table(monitoring.judge_progress(competition))
    if figure == "scores":
        return _scores_table(monitoring.score_distributions(competition))
    if figure == "disagreements":
        return _disagreements_table(monitoring.disagreements(competition))
    return _deadlines_table(monitoring.deadlines(competition, timezone=_timezone()))


# -- the charts -------------------------------------------------------------------------------------

def _charts(figures: monitoring.Dashboard) -> dict[str, Any]:
    """Every chart of the dashboard, drawn as SVG on the server."""
    made: dict[str, Any] = {}
    made.update(_entry_charts(figures))
    made.update(_judge_charts(figures))
    made["deadlines"] = charts.diverging_bars(
        "chart-deadlines", str(FIGURES["deadlines"]),
        _("Days left to each deadline; a bar to the left is a deadline that has passed."),
        [(str(DEADLINE_LABELS[d.key]), 0 if d.closed else d.days_left, days_text(d.days_left, d.closed))
         for d in figures.deadlines])
    return made


def _entry_charts(figures: monitoring.Dashboard) -> dict[str, Any]:
    """Innovations by status, OPDs taking part, and the one-innovation-per-OPD target."""
    made: dict[str, Any] = {}
    entries = figures.entries
    status_series = [Series(_status_label(s), STATUS_COLOURS[s], hatched=s == "withdrawn")
                     for s in entries.statuses]
    made["entries_legend"] = charts.legend(status_series)
    made["entries"] = charts.stacked_bars(
        "chart-entries", str(FIGURES["entries"]),
        _("For each category, a bar split by the innovations' status. The numbers are in the table "
          "below the chart."),
        [(_category_label(r), [r.counts[s] for s in entries.statuses]) for r in entries.rows],
        status_series, fmt=_count)

    participation = figures.participation
    taking_part = len(participation.taking_part)
    started = participation.without_but_started
    idle = len(participation.without_innovation) - started
    participation_series = [Series(_("With a submitted innovation"), GREEN),
                            Series(_("Drafts only, nothing submitted"), ORANGE),
                            Series(_("Nothing yet"), GREY, hatched=True)]
    made["participation_legend"] = charts.legend(participation_series)
    made["participation"] = charts.stacked_bars(
        "chart-participation", str(FIGURES["participation"]),
        _("%(taking_part)s of %(total)s OPDs have submitted an innovation; %(started)s more have only "
          "drafts; %(idle)s have nothing yet.", taking_part=taking_part, total=participation.total,
          started=started, idle=idle),
        [(_entrants_label(participation.units_compete), [taking_part, started, idle])], participation_series,
        value_text=lambda _i: _("%(count)s of %(total)s", count=_count(taking_part),
                                total=_count(participation.total)),
        fmt=_count)

    target = figures.target
    made["target_gauge"] = charts.gauge(
        "chart-target", _("OPDs with at least one submitted innovation"),
        _("%(share)s of the OPDs have at least one submitted innovation: %(count)s of %(total)s.",
          share=_percent(target.opd_share), count=_count(target.opds_taking_part), total=_count(target.opds)),
        target.opds_taking_part, target.opds, centre_text=_percent(target.opd_share),
        caption=_("%(count)s of %(total)s OPDs", count=_count(target.opds_taking_part),
                  total=_count(target.opds)))
    made["target_bars"] = charts.bar_chart(
        "chart-target-count", _("Submitted innovations against the number of OPDs"),
        _("%(submitted)s submitted innovations for %(opds)s OPDs: the target is at least one per OPD.",
          submitted=_count(target.submitted_innovations), opds=_count(target.opds)),
        [(_("Active OPDs (the target)"), target.opds),
         (_("Submitted innovations"), target.submitted_innovations)],
        colour=GREEN, fmt=_count)
    return made


def _judge_charts(figures: monitoring.Dashboard) -> dict[str, Any]:
    """The judges' progress, the scores given per criterion, and where the judges disagree."""
    made: dict[str, Any] = {}
    judge_series = [Series(_("Confirmed"), GREEN), Series(_("Draft"), ORANGE),
                    Series(_("Not started"), GREY, hatched=True)]
    judges = figures.judges
    made["judges_legend"] = charts.legend(judge_series)
    made["judges"] = charts.stacked_bars(
        "chart-judges", str(FIGURES["judges"]),
        _("For each judge, a bar of their assignments: confirmed, saved as a draft, not started."),
        [(j.name, [j.confirmed, j.draft, j.not_started]) for j in judges], judge_series,
        value_text=lambda i: _("%(confirmed)s of %(assigned)s confirmed",
                               confirmed=_count(judges[i].confirmed), assigned=_count(judges[i].assigned)),
        fmt=_count)

    made["scores"] = []
    for h in figures.scores:
        levelled = h.bins and h.bins[0].label is not None
        description = ngettext(
            "%(count)s confirmed score of %(criterion)s, from %(low)s to %(high)s.",
            "%(count)s confirmed scores of %(criterion)s, from %(low)s to %(high)s.", h.count,
            count=_count(h.count), criterion=h.name, low=_scale_edge(h.min_value),
            high=_scale_edge(h.max_value))
        made["scores"].append((h, charts.histogram(
            f"chart-scores-{h.criterion_id}", _("%(criterion)s: confirmed scores", criterion=h.name),
            description, [b.count for b in h.bins],
            edges=None if levelled else [_scale_edge(b.low) for b in h.bins] + [_scale_edge(h.max_value)],
            labels=[_scale_edge(b.low) for b in h.bins] if levelled else None, colour=PURPLE, fmt=_count)))

    disagreement = figures.disagreements
    made["disagreements"] = charts.range_plot(
        "chart-disagreements", str(FIGURES["disagreements"]),
        _("For each innovation, the judges' totals on the 0–100 scale, joined from lowest to highest."),
        [(f"{d.title} ({d.organisation})", [(total.name, float(total.total)) for total in d.totals],
          _("spread %(spread)s", spread=_decimal(d.spread))) for d in disagreement.rows],
        colour=RED, fmt=lambda v: _decimal(v, 0 if float(v).is_integer() else 2))
    return made


# -- pages ------------------------------------------------------------------------------------------

@bp.get("/<int:competition_id>/dashboard")
@login_required
def index(competition_id: int) -> str:
    competition = organised_competition(competition_id)
    now = utcnow()
    figures = monitoring.dashboard(competition, now=now, timezone=_timezone())
    return render_template("monitoring/index.html", competition=competition, figures=figures,
                           units_rule=units_rule(competition),
                           charts=_charts(figures), tables=_tables(figures), titles=FIGURES,
                           deadline_labels=DEADLINE_LABELS, days_text=days_text, now=now,
                           status_label=_status_label, bin_label=_bin_label,
                           agreement=agreement_views(figures.agreement))


@bp.get("/<int:competition_id>/dashboard/<figure>.<any(csv, xlsx):kind>")
@login_required
def download(competition_id: int, figure: str, kind: str) -> Response:
    """One figure's numbers as CSV (UTF-8 with a byte-order mark, for spreadsheet programs) or
    XLSX; times in the display time zone."""
    competition = organised_competition(competition_id)
    if figure not in FIGURES:
        abort(404)
    table = figure_table(competition, figure)
    name = f"dasbor-{competition.id}-{figure}.{kind}"
    rows = [[_local(c) if isinstance(c, datetime) else c for c in row] for row in table.rows]
    if kind == "csv":
        body: str | bytes = csv_text(table.columns, rows, byte_order_mark=True)
        mimetype = "text/csv; charset=utf-8"
    else:
        body = xlsx_bytes(table.columns, rows, title=f"{competition.name} – {table.title}",
                          sheet_name=table.title)
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(body, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _local(moment: datetime) -> datetime:
    """A moment as a plain date and time in the display time zone (spreadsheets know no zones)."""
    return moment.astimezone(ZoneInfo(_timezone())).replace(tzinfo=None)

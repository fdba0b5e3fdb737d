"""The organiser's results pages: the draft with every judge's sheet and the ties marked, the
organiser's decision on ties no rule separates, sealing a version, publishing it, and the history
of sealed versions with their hashes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from competition.competitions.manage import organised_competition
from competition.documents.formatting import format_date
from competition.documents.inputs import NOTE, identifier, read_whole_number, text_problem
from competition.documents.pdf import render_pdf
from competition.errors import AnugerahError, InvalidInput
from competition.extensions import db
from competition.models import Award, Competition, Entry, ResultSet, TieDecision
from competition.models.types import utcnow
from competition.monitoring.agreement_views import agreement_views
from competition.ranking.awards import AwardRow
from competition.results.operations import (
    latest_result_set,
    latest_verifications,
    publish_results,
    record_tie_decision,
    record_verification,
    seal_results,
    winning_entries,
)
from competition.results.queries import ResultsPreview, heaviest_name, results_preview, sealed_agreement
from competition.results.standings import AwardStanding, award_row_count, award_standings, sealed_awards
from competition.web.forms import PageForm
from workflows import WorkflowError

bp = Blueprint("results", __name__, url_prefix="/manage")
PAGE_SIZE = 50   # rows of an award per page of a sealed version
LISTED = 5       # innovations that counted, named per row on that page (a region may have hundreds)

# Phases in which the draft changes as scores come in and can be sealed.
PREVIEW_PHASES = ("judging", "results")

RULE_LABELS = {
    "heaviest_criterion": _l("higher score on the heaviest criterion"),
    "top_marks": _l("more top marks"),
    "earlier_submission": _l("earlier submission"),
    "organiser_decision": _l("the organiser's decision"),
}
AGGREGATION_LABELS = {"mean": _l("mean"), "median": _l("median"),
                      "trimmed_mean": _l("trimmed mean (highest and lowest dropped)")}
SUBJECT_LABELS = {"innovation": _l("ranks innovations"),
                  "organisation": _l("ranks OPDs by all their innovations"), "region": _l("ranks regions")}


class ConfirmForm(PageForm):
    """Only the CSRF token, for the buttons that seal, publish and decide."""


@dataclass
class TieGroup:
    """Subjects of one award that no rule could separate, sharing ``place``."""

    award: Award
    place: int
    rows: list[AwardRow]
    within_positions: bool
    errors: list[str] = field(default_factory=list)
    orders: dict[int, str] = field(default_factory=dict)
    reason: str = ""
    decided: bool = False  # already ordered by the organiser: the decision may still be changed

    @property
    def key(self) -> str:
        return f"tie-{self.award.id}-{self.place}"


def tie_groups(preview: ResultsPreview, *, place: int | None = None,
               reasons: dict[tuple[int, int], str] | None = None) -> dict[int, list[TieGroup]]:
    """Per award id, its groups of subjects still level after every rule, and those the organiser
    has ordered (``decided``, with the decision's reason from ``reasons`` by (award, subject)),
    best first: those within the award's positions and on the page shown (or, with ``place``,
    the one there)."""
    groups: dict[int, list[TieGroup]] = {}
    for award, result in zip(preview.awards, preview.results.awards, strict=True):
        by_place: dict[int, list[AwardRow]] = {}
        last = max(award.positions, place or 0)
        seen, rows_in_order = set(), []
        for row in [*_leading_rows(result.rows, last), *preview.award_rows.get(award.id, [])]:
            if row.place is None or row.subject_id in seen:
                continue
            seen.add(row.subject_id)
            rows_in_order.append(row)
            if row.shared:
                by_place.setdefault(row.place, []).append(row)
        found = [TieGroup(award=award, place=place, rows=rows, within_positions=place <= award.positions)
                 for place, rows in by_place.items()]
        for rows in _decided_runs(rows_in_order):
            first = rows[0]
            assert first.place is not None
            found.append(TieGroup(award=award, place=first.place, rows=rows,
                                  within_positions=first.place <= award.positions, decided=True,
                                  orders={row.subject_id: str(n) for n, row in enumerate(rows, start=1)},
                                  reason=(reasons or {}).get((award.id, first.subject_id), "")))
        groups[award.id] = sorted(found, key=lambda group: group.place)
    return groups


def _decided_runs(rows: Sequence[AwardRow]) -> list[list[AwardRow]]:
    """The runs of rows the organiser's decision put in order: consecutive rows with one score
    that only the decision separated."""
    runs: list[list[AwardRow]] = []
    for row in rows:
        if row.separated_by != "organiser_decision":
            continue
        if runs and runs[-1][-1].score == row.score and rows.index(runs[-1][-1]) == rows.index(row) - 1:
            runs[-1].append(row)
        else:
            runs.append([row])
    return [run for run in runs if len(run) > 1]


def _decision_reasons(competition: Competition) -> dict[tuple[int, int], str]:
    return {(decision.award_id, decision.subject_id): decision.reason for decision in db.session.scalars(
        select(TieDecision).join(Award).where(Award.competition_id == competition.id))}


def _leading_rows(rows: Sequence[AwardRow], last_place: int) -> list[AwardRow]:
    """The rows from the top down to the last one placed at ``last_place`` or above."""
    leading = []
    for row in rows:
        if row.place is None or row.place > last_place:
            break
        leading.append(row)
    return leading


def _history(competition: Competition) -> list[tuple[ResultSet, list[str] | None]]:
    """Every sealed version, newest first, with what its newest check found (nothing when it
    verifies; None when it was never checked). Stored checks: nothing is recomputed here."""
    versions = db.session.scalars(
        select(ResultSet).where(ResultSet.competition_id == competition.id)
        .options(selectinload(ResultSet.sealed_by), selectinload(ResultSet.published_by))
        .order_by(ResultSet.version.desc())).all()
    checks = latest_verifications(versions)
    return [(result_set, checks[result_set.id].problems if result_set.id in checks else None)
            for result_set in versions]


def _preview_page(competition: Competition, *, failed: TieGroup | None = None,
                  status: int = 200) -> tuple[str, int]:
    preview = (results_preview(competition, entries_page=request.args.get("innovations", 1, type=identifier),
                               award_pages=_award_page_wanted())
               if competition.phase in PREVIEW_PHASES else None)
    ties = tie_groups(preview, reasons=_decision_reasons(competition)) if preview else {}
    if failed is not None:
        for group in ties.get(failed.award.id, []):
            if group.place == failed.place:
                group.errors, group.orders, group.reason = failed.errors, failed.orders, failed.reason
    history = _history(competition)
    return render_template(
        "results/preview.html", competition=competition, preview=preview, ties=ties, history=history,
        placed=preview.placed if preview else {},
        rounds_by_id={r.id: r for r in preview.rounds} if preview else {},
        award_results=[(award, preview.award_rows[award.id]) for award in preview.awards] if preview else [],
        latest=history[0][0] if history else None, form=ConfirmForm(), rule_labels=RULE_LABELS,
        aggregation_labels=AGGREGATION_LABELS, subject_labels=SUBJECT_LABELS,
        can_decide="organiser_decision" in competition.tie_break_chain,
        heaviest_name=preview.heaviest_name if preview else None,
        normalising=bool(preview and any(r.normalise for r in preview.rounds))), status


@bp.get("/<int:competition_id>/results")
@login_required
def preview(competition_id: int) -> tuple[str, int]:
    """The draft results while judging and after it: every award's ranking, each innovation's
    sheets per judge and criterion, ties and the rule that separated them; then sealing, and
    the sealed versions."""
    return _preview_page(organised_competition(competition_id))


@bp.post("/<int:competition_id>/results/awards/<int:award_id>/tie")
@login_required
def decide_tie(competition_id: int, award_id: int) -> Response | tuple[str, int]:
    """Record the organiser's order for subjects of an award that no rule could separate."""
    competition = organised_competition(competition_id)
    award = db.session.get(Award, award_id)
    if award is None or award.competition_id != competition.id:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if competition.phase not in PREVIEW_PHASES:
        flash(_("Ties are decided while the results are in draft (judging or results phase)."), "danger")
        return redirect(url_for("results.preview", competition_id=competition.id))
    place = read_whole_number(request.form.get("place", ""))
    if place is None:
        raise InvalidInput(_("%(field)s: %(value)s is not a whole number", field="place",
                             value=repr(request.form.get("place", "")[:40])))
    group = next((g for g in tie_groups(results_preview(competition), place=place)[award.id]
                  if g.place == place), None)
    if group is not None and group.decided and latest_result_set(competition) is not None:
        flash(_("The results are sealed with this decision: it can no longer be changed."), "danger")
        return redirect(url_for("results.preview", competition_id=competition.id))
    if group is None:
        flash(_("These subjects are no longer level; the page shows the ranking as it stands now."),
              "warning")
        return redirect(url_for("results.preview", competition_id=competition.id))
    group.orders = {row.subject_id: request.form.get(f"order-{row.subject_id}", "").strip()
                    for row in group.rows}
    group.reason = request.form.get("reason", "").strip()
    count = len(group.rows)
    wanted = {str(n) for n in range(1, count + 1)}
    if set(group.orders.values()) != wanted:
        group.errors.append(_("Give each tied subject a different place, from 1 to %(count)s.", count=count))
    if not group.reason:
        group.errors.append(_("Write down why they are placed in this order (for example, the plenary's "
                              "decision and its date)."))
    elif problem := text_problem(_("Reason"), group.reason, NOTE):
        group.errors.append(problem)
    if group.errors:
        return _preview_page(competition, failed=group, status=422)
    order = sorted(group.orders, key=lambda subject_id: int(group.orders[subject_id]))
    try:
        record_tie_decision(award, current_user, order, group.reason)
    except (AnugerahError, WorkflowError) as error:
        for problem in getattr(error, "problems", [str(error)]):
            flash(problem, "danger")
    else:
        flash(_("The decision is recorded; the ranking below follows it."), "success")
    return redirect(url_for("results.preview", competition_id=competition.id, _anchor=f"award-{award.id}"))


def _still_judged(competition: Competition) -> int:
    return db.session.scalar(select(func.count()).select_from(Entry).where(
        Entry.competition_id == competition.id, Entry.status == "verified")) or 0


@bp.route("/<int:competition_id>/results/seal", methods=["GET", "POST"])
@login_required
def seal(competition_id: int) -> str | Response:
    """Sealing, after a confirmation showing what the new version will hold."""
    competition = organised_competition(competition_id)
    form = ConfirmForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        try:
            result_set = seal_results(competition, current_user)
        except (AnugerahError, WorkflowError) as error:
            for problem in getattr(error, "problems", [str(error)]):
                flash(problem, "danger")
            return redirect(url_for("results.seal", competition_id=competition.id))
        flash(_("Version %(version)s is sealed. Its SHA-256 hash is %(hash)s.", version=result_set.version,
                hash=result_set.sha256), "success")
        return redirect(url_for("results.version", competition_id=competition.id, version=result_set.version))
    preview = results_preview(competition) if competition.phase in PREVIEW_PHASES else None
    latest = latest_result_set(competition)
    return render_template(
        "results/seal.html", competition=competition, preview=preview, form=form,
        ties=tie_groups(preview) if preview else {}, still_judged=_still_judged(competition),
        award_results=list(zip(preview.awards, preview.results.awards, strict=True)) if preview else [],
        rules=", ".join(str(RULE_LABELS.get(rule, rule)) for rule in competition.tie_break_chain),
        next_version=(latest.version + 1) if latest else 1)


def _version_or_404(competition: Competition, version: int) -> ResultSet:
    result_set = db.session.scalar(select(ResultSet).where(
        ResultSet.competition_id == competition.id, ResultSet.version == version)
        .options(selectinload(ResultSet.sealed_by), selectinload(ResultSet.published_by)))
    if result_set is None:
        abort(404)
    return result_set


def _winners(result_set: ResultSet) -> list[tuple[dict[str, Any], list[AwardStanding]]]:
    """Each award of a sealed version (as sealed) with its winners as people read them."""
    return [(award, award_standings(result_set, award["id"], winners_only=True))
            for award in sealed_awards(result_set)]


@dataclass(frozen=True)
class AwardPage:
    """One page of an award's rows of a sealed version."""

    award: dict[str, Any]
    rows: list[AwardStanding]
    page: int
    pages: int


def _award_page_wanted() -> dict[int, int]:
    """``?award=<id>&page=<n>``: the page of one award's rows asked for."""
    award_id = request.args.get("award", type=identifier)
    return {award_id: request.args.get("page", default=1, type=identifier)} if award_id else {}


def _award_pages(result_set: ResultSet) -> list[AwardPage]:
    """Each award's rows, a page at a time: ``?award=<id>&page=<n>`` turns one award's page."""
    chosen = request.args.get("award", type=identifier)
    wanted = request.args.get("page", default=1, type=identifier)
    pages = []
    for award in sealed_awards(result_set):
        total = max(1, -(-award_row_count(result_set, award["id"]) // PAGE_SIZE))
        page = min(wanted, total) if award["id"] == chosen else 1
        pages.append(AwardPage(award=award, rows=award_standings(
            result_set, award["id"], offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE, listed=LISTED),
            page=page, pages=total))
    return pages


@bp.get("/<int:competition_id>/results/versions/<int:version>")
@login_required
def version(competition_id: int, version: int) -> str:
    """One sealed version: its hash, who sealed and published it, whether it still verifies, and
    its awards."""
    competition = organised_competition(competition_id)
    result_set = _version_or_404(competition, version)
    latest = latest_result_set(competition)
    check = latest_verifications([result_set]).get(result_set.id)
    return render_template(
        "results/version.html", competition=competition, result_set=result_set, check=check,
        problems=check.problems if check else None, standings=_award_pages(result_set),
        is_latest=latest is not None and latest.id == result_set.id, rule_labels=RULE_LABELS,
        subject_labels=SUBJECT_LABELS, form=ConfirmForm(), heaviest_name=heaviest_name(result_set))


@bp.get("/<int:competition_id>/results/versions/<int:version>/agreement")
@login_required
def version_agreement(competition_id: int, version: int) -> str:
    """A sealed version's judge-agreement annex, on a page of its own: the version's page does not
    read it (at national scale it holds every innovation's judge totals)."""
    competition = organised_competition(competition_id)
    result_set = _version_or_404(competition, version)
    annex = sealed_agreement(result_set)
    return render_template(
        "results/version_agreement.html", competition=competition, result_set=result_set,
        agreement=None if annex is None else agreement_views(annex, chart_prefix="chart-sealed-agreement"))


@bp.get("/<int:competition_id>/results/versions/<int:version>/agreement.pdf")
@login_required
def agreement_pdf(competition_id: int, version: int) -> Response:
    """The judge-agreement annex of a sealed version as an A4 PDF for the jury chair: the figures
    as sealed, every innovation listed. Not found for a version sealed before the annex."""
    competition = organised_competition(competition_id)
    result_set = _version_or_404(competition, version)
    annex = sealed_agreement(result_set)
    if annex is None:
        abort(404)
    language = str(get_locale() or "id")
    html = render_template("results/agreement_pdf.html", competition=competition, result_set=result_set,
                           agreement=agreement_views(annex, chart_prefix="chart-pdf-agreement", limit=None),
                           language=language, printed=format_date(utcnow(), locale=language))
    name = f"kesepakatan-juri-{competition.id}-v{result_set.version}.pdf"
    return Response(render_pdf(html), mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.post("/<int:competition_id>/results/versions/<int:version>/verify")
@login_required
def verify(competition_id: int, version: int) -> Response:
    """Check a sealed version again, now: its hash and its results recomputed from its marks."""
    competition = organised_competition(competition_id)
    result_set = _version_or_404(competition, version)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    check = record_verification(result_set, current_user)
    if check.problems:
        flash(_("Version %(version)s does not verify.", version=result_set.version), "danger")
    else:
        flash(_("Version %(version)s verifies.", version=result_set.version), "success")
    return redirect(url_for("results.version", competition_id=competition.id, version=version))


@bp.route("/<int:competition_id>/results/versions/<int:version>/publish", methods=["GET", "POST"])
@login_required
def publish(competition_id: int, version: int) -> str | Response:
    """Publishing a sealed version, after a confirmation naming what becomes public."""
    competition = organised_competition(competition_id)
    result_set = _version_or_404(competition, version)
    form = ConfirmForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        try:
            winners = publish_results(result_set, current_user)
        except (AnugerahError, WorkflowError) as error:
            for problem in getattr(error, "problems", [str(error)]):
                flash(problem, "danger")
        else:
            flash(ngettext("Version %(version)s is published; %(num)s innovation is now awarded.",
                           "Version %(version)s is published; %(num)s innovations are now awarded.",
                           len(winners), version=result_set.version), "success")
        return redirect(url_for("results.version", competition_id=competition.id, version=version))
    latest = latest_result_set(competition)
    return render_template(
        "results/publish.html", competition=competition, result_set=result_set, form=form,
        standings=_winners(result_set), winners=len(winning_entries(result_set)),
        is_latest=latest is not None and latest.id == result_set.id)


"""``flask results ...``: awards, previews, sealing, publication and verification (the ceremony's
exports join the group from competition/ceremony/cli.py)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import click
from sqlalchemy import select

from competition.cli.common import COUNT, ID, emit, get_award, get_competition, get_user, json_option
from competition.documents.inputs import read_decimal
from competition.errors import AnugerahError
from competition.extensions import db
from competition.models import (
    UNITS_COMPETE_RULES,
    Award,
    Category,
    Competition,
    Entry,
    Organisation,
    ResultSet,
)
from competition.policy import require_organiser
from competition.ranking.awards import AwardRow
from competition.ranking.bands import BAND_PRESETS
from competition.ranking.exact import as_score
from competition.ranking.tiebreaks import TIE_BREAK_RULES, Compared
from competition.results.models import AWARD_POLICIES, AWARD_SUBJECTS, DEFAULT_AWARD_NAME
from competition.results.operations import update_result_rules
from competition.results.wording import tie_words
from workflows import WorkflowError

ERRORS = (AnugerahError, WorkflowError)
F = TypeVar("F", bound=Callable[..., Any])
actor_option = click.option("--as", "actor_email", required=True, help="E-mail of the organiser acting.")


@click.group("results")
def results_group() -> None:
    """Compute, seal, publish, verify and export results."""


def sealed_version(competition: Competition, version: int | None) -> ResultSet:
    query = select(ResultSet).where(ResultSet.competition_id == competition.id)
    query = query.where(ResultSet.version == version) if version else query.order_by(ResultSet.version.desc())
    result_set = db.session.scalars(query.limit(1)).first()
    if result_set is None:
        raise click.ClickException(f"{competition.name} has no sealed results"
                                   + (f" version {version}" if version else ""))
    return result_set


@results_group.command("add-award")
@click.argument("competition_id", type=ID)
@click.option("--name", required=True)
@click.option("--subject", type=click.Choice(["innovation", "organisation", "region"]),
              default="organisation")
@click.option("--category", "category_name")
@click.option("--positions", type=COUNT, default=5)
@click.option("--policy", type=click.Choice(["sum", "mean", "index"]), default="index")
@click.option("--index-floor", type=COUNT, default=3)
@click.option("--count-bonus", type=float, default=1.0)
@click.option("--count-bonus-cap", type=COUNT, default=5)
@click.option("--citation", default="")
@actor_option
@json_option
def add_award_command(competition_id: int, name: str, subject: str, category_name: str | None,
                      positions: int, policy: str, index_floor: int, count_bonus: float,
                      count_bonus_cap: int, citation: str, actor_email: str, as_json: bool) -> None:
    """Define another award; awards are filled in the order they are defined."""
    from competition.results.operations import add_award

    competition = get_competition(competition_id)
    category = None
    if category_name:
        category = db.session.scalar(select(Category).where(
            Category.competition_id == competition.id, Category.name == category_name))
        if category is None:
            raise click.ClickException(f"{competition.name} has no category {category_name!r}")
    award = add_award(competition, get_user(actor_email), name=name, subject=subject, category=category,
                      positions=positions, policy=policy, index_floor=index_floor,
                      count_bonus=count_bonus, count_bonus_cap=count_bonus_cap, citation=citation)
    emit(as_json, {"id": award.id, "competition_id": competition.id, "name": award.name,
                   "position": award.position}, f"Award {award.id}: {award.name}")


@results_group.command("compute")
@click.argument("competition_id", type=ID)
@click.option("--limit", type=COUNT, default=20, help="Innovations to list.")
@json_option
def compute_command(competition_id: int, limit: int, as_json: bool) -> None:
    """Show the draft results as they stand now."""
    from competition.results.operations import preview_results

    competition = get_competition(competition_id)
    results = preview_results(competition)
    entries = {e.id: (e.title, e.organisation.name) for e in db.session.scalars(
        select(Entry).where(Entry.competition_id == competition.id))}
    organisations = dict(db.session.execute(select(Organisation.id, Organisation.name)).all())
    if as_json:
        emit(True, _draft_results(competition, results, entries, organisations, limit), "")
        return
    click.echo(f"Draft results of {competition.name}: {len(results.entries)} innovation(s) scored")
    for row in results.entries[:limit]:
        title, opd = entries[row.entry_id]
        note = " (nilai sama)" if row.shared else _tie_note(row.separated_by, row.compared, row.entry_id)
        click.echo(f"  {row.place:>3}. {row.score:>6}  {row.band:<16} {title} – {opd}{note}")
    for award, result in zip(competition.awards, results.awards, strict=True):
        click.echo(f"{award.name}:")
        if unfilled := _unfilled_note(result.rows, award.positions):
            click.echo(unfilled)
        for award_row in result.rows:
            if award_row.position is None:
                continue
            name = (entries[award_row.subject_id][0] if award.subject == "innovation"
                    else organisations.get(award_row.subject_id, str(award_row.subject_id)))
            note = " (nilai sama)" if award_row.shared else _tie_note(
                award_row.separated_by, award_row.compared, award_row.subject_id)
            click.echo(f"  {award_row.position}. {award_row.score:>7}  {name}{note}")


def _unfilled_note(rows: Sequence[AwardRow], places: int) -> str | None:
    """Why an award has no winner, or fewer than its places: nothing scored counts for it, or
    its candidates were passed over because their OPD holds a position in an earlier award."""
    placed = sum(1 for row in rows if row.position is not None)
    passed_over = sum(1 for row in rows if row.passed_over)
    if not placed and not passed_over:
        return "  No winner: no scored innovation counts for this award."
    if not placed:
        return (f"  No winner: one award per OPD is on, and each of the {passed_over} candidate(s) "
                "belongs to an OPD holding a position in an earlier award.")
    if passed_over and placed < places:
        return (f"  {placed} of {places} place(s) filled: {passed_over} candidate(s) passed over, their OPD "
                "holding a position in an earlier award (one award per OPD).")
    return None


def _draft_results(competition: Competition, results: Any, entries: dict[int, tuple[str, str]],
                   organisations: dict[int, str], limit: int) -> dict[str, Any]:
    """The draft results as ``compute --json`` prints them: ids, places, scores (as text, exact)."""
    return {
        "competition_id": competition.id, "scored": len(results.entries),
        "entries": [{"entry_id": row.entry_id, "title": entries[row.entry_id][0],
                     "organisation": entries[row.entry_id][1], "place": row.place, "score": str(row.score),
                     "band": row.band, "shared": row.shared, "separated_by": row.separated_by}
                    for row in results.entries[:limit]],
        "awards": [{"award_id": award.id, "name": award.name, "subject": award.subject, "rows": [
            {"position": r.position, "subject_id": r.subject_id, "score": str(r.score), "shared": r.shared,
             "name": (entries[r.subject_id][0] if award.subject == "innovation"
                      else organisations.get(r.subject_id, str(r.subject_id)))}
            for r in result.rows if r.position is not None]}
            for award, result in zip(competition.awards, results.awards, strict=True)],
    }


def _tie_note(separated_by: str | None, compared: Compared, key: int) -> str:
    """" [heaviest_criterion: Heaviest criterion 66.3% against 61.3%]" for a separated tie."""
    if separated_by is None:
        return ""
    words = tie_words(separated_by, compared, key, locale="en")
    return f" [{separated_by}: {words}]" if words else f" [{separated_by}]"


@results_group.command("decide-tie")
@click.argument("competition_id", type=ID)
@click.option("--award", "award_id", type=ID, help="Default: the first award.")
@click.option("--order", required=True, help="Subject ids, best first, comma-separated.")
@click.option("--reason", required=True)
@actor_option
@json_option
def decide_tie_command(competition_id: int, award_id: int | None, order: str, reason: str,
                       actor_email: str, as_json: bool) -> None:
    """Record the organiser's order for subjects no tie-break rule could separate."""
    from competition.results.operations import record_tie_decision

    competition = get_competition(competition_id)
    try:
        subject_ids = [int(part) for part in order.split(",") if part.strip()]
    except ValueError:
        raise click.ClickException("--order: give subject ids separated by commas") from None
    award = get_award(competition, award_id)
    record_tie_decision(award, get_user(actor_email), subject_ids, reason)
    emit(as_json, {"award_id": award.id, "subject_ids": subject_ids}, "Decision recorded.")


@results_group.command("seal")
@click.argument("competition_id", type=ID)
@actor_option
@json_option
def seal_command(competition_id: int, actor_email: str, as_json: bool) -> None:
    """Seal the results as a new immutable version."""
    from competition.results.operations import seal_results

    result_set = seal_results(get_competition(competition_id), get_user(actor_email))
    emit(as_json, {"id": result_set.id, "competition_id": competition_id, "version": result_set.version,
                   "sha256": result_set.sha256},
         f"Sealed version {result_set.version}: SHA-256 {result_set.sha256}")


@results_group.command("publish")
@click.argument("competition_id", type=ID)
@actor_option
def publish_command(competition_id: int, actor_email: str) -> None:
    """Publish the latest sealed version: its winning innovations become awarded."""
    from competition.results.operations import publish_results

    competition = get_competition(competition_id)
    organiser = get_user(actor_email)
    require_organiser(organiser, competition)
    winners = publish_results(sealed_version(competition, None), organiser)
    click.echo(f"Published; {len(winners)} innovation(s) awarded.")


@results_group.command("verify")
@click.argument("competition_id", type=ID)
@click.option("--version", type=ID, help="Default: the latest.")
@json_option
def verify_command(competition_id: int, version: int | None, as_json: bool) -> None:
    """Recompute a sealed version from its stored inputs, keep the outcome (the pages show it)
    and report any difference."""
    from competition.results.operations import record_verification

    result_set = sealed_version(get_competition(competition_id), version)
    problems = record_verification(result_set, None).problems
    if problems:
        raise click.ClickException(
            f"version {result_set.version} does not verify:\n  " + "\n  ".join(problems))
    emit(as_json, {"result_set_id": result_set.id, "version": result_set.version, "verifies": True,
                   "sha256": result_set.sha256},
         f"Version {result_set.version} verifies: SHA-256 {result_set.sha256}")


@results_group.command("history")
@click.argument("competition_id", type=ID)
@json_option
def history_command(competition_id: int, as_json: bool) -> None:
    """Every sealed version of a competition's results."""
    competition = get_competition(competition_id)
    versions = db.session.scalars(select(ResultSet).where(ResultSet.competition_id == competition.id)
                                  .order_by(ResultSet.version)).all()
    if as_json:
        emit(True, [{"id": r.id, "version": r.version, "status": r.status,
                     "sealed_at": r.sealed_at.isoformat(), "sha256": r.sha256,
                     "sealed_by": r.sealed_by.email if r.sealed_by else None}
                    for r in versions], "")
        return
    for result_set in versions:
        sealed_by = result_set.sealed_by.name if result_set.sealed_by else "-"
        click.echo(f"  v{result_set.version} {result_set.status:<9} "
                   f"{result_set.sealed_at:%Y-%m-%d %H:%M} UTC by {sealed_by}  {result_set.sha256}")


@results_group.command("agreement")
@click.argument("competition_id", type=ID)
@click.option("--version", type=ID,
              help="A sealed version's annex; default: the confirmed scores as they are now.")
@json_option
def agreement_command(competition_id: int, version: int | None, as_json: bool) -> None:
    """How far the judges agree in each judged round: ICC(2,1), ICC(2,k) and Krippendorff's alpha
    on the totals and each criterion, each judge against the others, and the places each
    innovation would gain or lose by normalising per judge."""
    from competition.monitoring.queries import agreement_names, judge_agreement
    from competition.results.queries import sealed_agreement

    competition = get_competition(competition_id)
    if version is None:
        annex: dict[str, Any] | None = judge_agreement(competition)
    else:
        annex = sealed_agreement(sealed_version(competition, version))
        if annex is None:
            raise click.ClickException(f"version {version} was sealed before judge agreement was kept")
    assert annex is not None
    names = agreement_names(annex)
    data = {**annex, "competition_id": competition.id, "version": version,
            "names": {"rounds": {str(k): v for k, v in names.rounds.items()},
                      "criteria": {str(k): v for k, v in names.criteria.items()},
                      "judges": {str(k): v for k, v in names.judges.items()},
                      "innovations": {str(k): v[0] for k, v in names.entries.items()}}}
    emit(as_json, data, lambda: _agreement_text(annex, names))


def _estimate_text(estimate: dict[str, Any], kind: str) -> str:
    from competition.ranking.agreement import alpha_band, icc_band

    if estimate["value"] is None:
        return f"not computable ({estimate['reason'].replace('_', ' ')})"
    band = icc_band(float(estimate["value"])) if kind == "icc" else alpha_band(float(estimate["value"]))
    interval = f" [{estimate['low']}, {estimate['high']}]" if estimate.get("low") is not None else ""
    return f"{estimate['value']}{interval} {band}"


def _agreement_text(annex: dict[str, Any], names: Any) -> str:
    if not annex["rounds"]:
        return "No round has confirmed scores."
    lines = []
    for data in annex["rounds"]:
        lines.append(names.rounds.get(data["round_id"], f"round {data['round_id']}"))
        for measure in [data["totals"], *data["criteria"]]:
            label = ("totals" if measure["criterion_id"] is None
                     else names.criteria.get(measure["criterion_id"], f"#{measure['criterion_id']}"))
            blocks = measure["blocks"] or [None]
            for block in blocks:
                icc = ("ICC(2,1) " + _estimate_text(block["icc_single"], "icc") + "; ICC(2,k) "
                       + _estimate_text(block["icc_average"], "icc") + f" over {block['innovations']} x "
                       f"{len(block['judge_ids'])}") if block else "ICC not computable (no crossed block)"
                lines.append(f"  {label}: {icc}; alpha {_estimate_text(measure['alpha'], 'alpha')}")
            if measure["left_out"]:
                lines.append(f"    {measure['left_out']} innovation(s) left out of ICC")
        for judge in data["judges"]:
            far = "  FAR FROM THE PANEL" if judge["far"] else ""
            name = names.judges.get(judge["judge_id"], judge["judge_id"])
            lines.append(f"  judge {name}: leniency {judge['leniency']}, spread {judge['spread']}, "
                         f"top marks {judge['top_share']}{far}")
        moved = [i for i in data["innovations"] if i["change"]]
        lines.append(f"  normalising per judge changes {len(moved)} of {len(data['innovations'])} places")
        for row in moved:
            title = names.entries.get(row["entry_id"], (str(row["entry_id"]), ""))[0]
            lines.append(f"    {title}: {row['raw_place']} -> {row['normalised_place']}")
    return "\n".join(lines)


# -- awards and rules --------------------------------------------------------------------------------

DEFAULT_AWARD_NOTE = "added when the competition was created; edit or remove it"


@click.group("awards")
def awards_group() -> None:
    """A competition's awards, in the order they are filled: list, add, edit, order, remove."""


def _award_line(award: Award) -> str:
    category = f", category {award.category.name}" if award.category else ""
    note = f"  [{DEFAULT_AWARD_NOTE}]" if award.name == DEFAULT_AWARD_NAME else ""
    return (f"  {award.position}. {award.name} (id {award.id}): {award.subject}{category}, "
            f"{award.positions} place(s), policy {award.policy}{note}")


def _award_data(award: Award) -> dict[str, Any]:
    from competition.results.setup_api import AwardOut

    return dict(AwardOut().dump(award))


def _category_named(competition: Competition, name: str | None) -> Category | None:
    if not name:
        return None
    category = db.session.scalar(select(Category).where(Category.competition_id == competition.id,
                                                        Category.name == name))
    if category is None:
        raise click.ClickException(f"{competition.name} has no category {name!r}")
    return category


def _award_of(award_id: int) -> Award:
    award = db.session.get(Award, award_id)
    if award is None:
        raise click.ClickException(f"there is no award with id {award_id}")
    return award


@awards_group.command("list")
@click.argument("competition_id", type=ID)
@json_option
def awards_list_command(competition_id: int, as_json: bool) -> None:
    """The awards in the order they are filled, ids included."""
    competition = get_competition(competition_id)
    emit(as_json, [_award_data(a) for a in competition.awards],
         lambda: "\n".join([f"Awards of {competition.name}, in the order they are filled:",
                            *(_award_line(a) for a in competition.awards)]))


def award_options(required: bool) -> Callable[[F], F]:
    """The settings of an award, as add_award takes them; on edit, any left out stay."""

    def decorate(command: F) -> F:
        for option in reversed([
            click.option("--name", required=required),
            click.option("--subject", type=click.Choice(AWARD_SUBJECTS),
                         default="organisation" if required else None, help="Who is ranked."),
            click.option("--category", "category_name", help="Only this category's innovations."),
            click.option("--positions", type=COUNT, default=5 if required else None, help="Places."),
            click.option("--policy", type=click.Choice(AWARD_POLICIES),
                         default="index" if required else None),
            click.option("--index-floor", type=COUNT, default=3 if required else None),
            click.option("--count-bonus", type=float, default=1.0 if required else None),
            click.option("--count-bonus-cap", type=COUNT, default=5 if required else None),
            click.option("--citation", default="" if required else None),
        ]):
            command = option(command)
        return command

    return decorate


@awards_group.command("add")
@click.argument("competition_id", type=ID)
@award_options(required=True)
@actor_option
@json_option
def awards_add_command(competition_id: int, category_name: str | None, actor_email: str, as_json: bool,
                       **settings: Any) -> None:
    """Add an award, filled after the others."""
    from competition.results.awards import add_award

    competition = get_competition(competition_id)
    category = _category_named(competition, category_name)
    award = add_award(competition, get_user(actor_email), category=category, **settings)
    emit(as_json, _award_data(award), lambda: f"Award added:\n{_award_line(award)}")


@awards_group.command("edit")
@click.argument("award_id", type=ID)
@award_options(required=False)
@click.option("--every-category", is_flag=True, help="No longer only one category's innovations.")
@actor_option
@json_option
def awards_edit_command(award_id: int, category_name: str | None, every_category: bool, actor_email: str,
                        as_json: bool, **given: Any) -> None:
    """Change an award until judging is closed; settings left out stay as they are."""
    from competition.results.awards import update_award

    award = _award_of(award_id)
    if category_name and every_category:
        raise click.ClickException("--category and --every-category: give one or the other")
    settings = {name: getattr(award, name) if value is None else value for name, value in given.items()}
    category = None if every_category else (
        _category_named(award.competition, category_name) if category_name else award.category)
    update_award(award, get_user(actor_email), category=category, **settings)
    emit(as_json, _award_data(award), lambda: f"Award saved:\n{_award_line(award)}")


@awards_group.command("order")
@click.argument("competition_id", type=ID)
@click.option("--order", required=True, help="Every award's id, in the order they are filled: 3,1,2.")
@actor_option
@json_option
def awards_order_command(competition_id: int, order: str, actor_email: str, as_json: bool) -> None:
    """Put the awards in the order they are filled."""
    from competition.results.awards import reorder_awards

    competition = get_competition(competition_id)
    try:
        ids = [int(part) for part in order.split(",") if part.strip()]
    except ValueError:
        raise click.ClickException("--order: give award ids separated by commas") from None
    awards = reorder_awards(competition, get_user(actor_email), ids)
    emit(as_json, [_award_data(a) for a in awards],
         lambda: "\n".join(["Awards, in the order they are filled:", *(_award_line(a) for a in awards)]))


@awards_group.command("remove")
@click.argument("award_id", type=ID)
@actor_option
@json_option
def awards_remove_command(award_id: int, actor_email: str, as_json: bool) -> None:
    """Remove an award until judging is closed; the awards after it move up."""
    from competition.results.awards import remove_award

    award = _award_of(award_id)
    removed = {"id": award.id, "name": award.name}
    remove_award(award, get_user(actor_email))
    emit(as_json, {"removed": removed}, f"Award {removed['id']} ({removed['name']}) removed.")


def _bands(text: str) -> list[tuple[str, float]]:
    bands = []
    for part in text.split(";"):
        if not part.strip():
            continue
        label, separator, minimum = part.rpartition("=")
        value = read_decimal(minimum)
        if not separator or value is None or not label.strip() or not 0 < value <= 100:
            raise click.ClickException(f"--bands: {part.strip()!r} is not LABEL=MINIMUM with a minimum "
                                       "above 0 and at most 100, such as Inovatif=40.01")
        bands.append((label.strip(), value))
    if not bands:
        raise click.ClickException("--bands: give at least one band")
    return bands


def _chain(text: str) -> list[str]:
    parts = [part.strip() for part in text.split(",") if part.strip()]
    chain = [] if text.strip().lower() == "none" else parts
    unknown = [rule for rule in chain if rule not in TIE_BREAK_RULES]
    if unknown or len(set(chain)) != len(chain):
        raise click.ClickException(f"--tie-break: name each of {', '.join(TIE_BREAK_RULES)} at most once, "
                                   "separated by commas (or 'none')")
    return chain


def _rules_text(competition: Competition, shown: dict[str, Any]) -> str:
    bands = "; ".join(f"{b['label']} from {as_score(b['minimum'])}" for b in shown["bands"])
    preset = f" (preset {shown['band_preset']})" if shown["band_preset"] else ""
    return "\n".join([
        f"Rules of {competition.name}:",
        f"  One award per OPD: {'yes' if shown['one_award_per_organisation'] else 'no'}",
        f"  Tie-break, in order: {', '.join(shown['tie_break_chain']) or 'none'}",
        f"  Predikat bands{preset}: {bands}",
        f"  Flag judges' disagreement above: {shown['disagreement_threshold']:g} points",
        f"  Units under an OPD: {shown['units_compete']} ({UNITS_SENTENCES[shown['units_compete']]})",
        "  Awards, in the order they are filled:",
        *(f"  {_award_line(award)}" for award in competition.awards)])


UNITS_SENTENCES = {"own": "units compete as entrants of their own",
                   "parent": "units count for their OPD"}


@click.command("rules")
@click.argument("competition_id", type=ID)
@click.option("--one-award-per-opd/--no-one-award-per-opd", "one_award_per_organisation", default=None,
              help="An OPD holding a position is passed over in later awards.")
@click.option("--tie-break", "tie_break",
              help=f"Rules in order, comma-separated: {', '.join(TIE_BREAK_RULES)} (or 'none').")
@click.option("--bands", help='Predikat bands, "LABEL=MINIMUM;…", such as '
              '"Sangat Inovatif=65.01;Inovatif=40.01".')
@click.option("--band-preset", type=click.Choice(sorted(BAND_PRESETS)),
              help="Bands from a published preset.")
@click.option("--disagreement-threshold", type=float, help="Flag judges' disagreement above (points).")
@click.option("--units", "units_compete", type=click.Choice(UNITS_COMPETE_RULES),
              help="own: units under an OPD compete on their own; parent: they count for their OPD.")
@click.option("--as", "actor_email", help="E-mail of the organiser acting (needed to change the rules).")
@json_option
def rules_command(competition_id: int, one_award_per_organisation: bool | None, tie_break: str | None,
                  bands: str | None, band_preset: str | None, disagreement_threshold: float | None,
                  units_compete: str | None, actor_email: str | None, as_json: bool) -> None:
    """Show the rules that decide a competition's results (and its awards); with options, change them."""
    from competition.competitions.operations import set_units_compete
    from competition.results.setup_api import RulesOut

    competition = get_competition(competition_id)
    if bands and band_preset:
        raise click.ClickException("--bands and --band-preset: give one or the other")
    change: dict[str, Any] = {
        "one_award_per_organisation": one_award_per_organisation,
        "tie_break_chain": None if tie_break is None else _chain(tie_break),
        "bands": _bands(bands) if bands else [(b.label, float(b.minimum)) for b in BAND_PRESETS[band_preset]]
        if band_preset else None,
        "disagreement_threshold": disagreement_threshold}
    change = {name: value for name, value in change.items() if value is not None}
    if (change or units_compete) and not actor_email:
        raise click.ClickException("--as: name the organiser changing the rules")
    if actor_email:
        organiser = get_user(actor_email)
        require_organiser(organiser, competition)
        if (change or units_compete) and competition.phase == "closed":
            raise click.ClickException("The competition is closed; its set-up no longer changes.")
        if units_compete:
            set_units_compete(competition, organiser, units_compete)
        if change:
            update_result_rules(competition, organiser, **change)
    shown = dict(RulesOut().dump(competition))
    emit(as_json, {**shown, "awards": [_award_data(a) for a in competition.awards]},
         lambda: _rules_text(competition, shown))

"""``flask results ...``: awards, previews, sealing, publication and verification (the ceremony's
exports join the group from competition/ceremony/cli.py)."""

from __future__ import annotations

from typing import Any

import click
from sqlalchemy import select

from competition.cli.common import COUNT, ID, emit, get_award, get_competition, get_user, json_option
from competition.errors import AnugerahError
from competition.extensions import db
from competition.models import Category, Competition, Entry, Organisation, ResultSet
from competition.policy import require_organiser
from competition.ranking.tiebreaks import Compared
from competition.results.wording import tie_words
from workflows import WorkflowError

ERRORS = (AnugerahError, WorkflowError)
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
        for award_row in result.rows:
            if award_row.position is None:
                continue
            name = (entries[award_row.subject_id][0] if award.subject == "innovation"
                    else organisations.get(award_row.subject_id, str(award_row.subject_id)))
            note = " (nilai sama)" if award_row.shared else _tie_note(
                award_row.separated_by, award_row.compared, award_row.subject_id)
            click.echo(f"  {award_row.position}. {award_row.score:>7}  {name}{note}")


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
def decide_tie_command(competition_id: int, award_id: int | None, order: str, reason: str,
                       actor_email: str) -> None:
    """Record the organiser's order for subjects no tie-break rule could separate."""
    from competition.results.operations import record_tie_decision

    competition = get_competition(competition_id)
    try:
        subject_ids = [int(part) for part in order.split(",") if part.strip()]
    except ValueError:
        raise click.ClickException("--order: give subject ids separated by commas") from None
    record_tie_decision(get_award(competition, award_id), get_user(actor_email), subject_ids, reason)
    click.echo("Decision recorded.")


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
def verify_command(competition_id: int, version: int | None) -> None:
    """Recompute a sealed version from its stored inputs, keep the outcome (the pages show it)
    and report any difference."""
    from competition.results.operations import record_verification

    result_set = sealed_version(get_competition(competition_id), version)
    problems = record_verification(result_set, None).problems
    if problems:
        raise click.ClickException(
            f"version {result_set.version} does not verify:\n  " + "\n  ".join(problems))
    click.echo(f"Version {result_set.version} verifies: SHA-256 {result_set.sha256}")


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

"""``flask results ...``: awards, previews, sealing, publication, verification and the ceremony."""

from __future__ import annotations

from pathlib import Path

import click
from sqlalchemy import select

from competition.cli.common import fail, get_award, get_competition, get_user
from competition.errors import AnugerahError
from competition.extensions import db
from competition.models import Category, Competition, Entry, Organisation, ResultSet
from competition.policy import require_organiser
from workflows import WorkflowError

ERRORS = (AnugerahError, WorkflowError)
actor_option = click.option("--as", "actor_email", required=True, help="E-mail of the organiser acting.")


@click.group("results")
def results_group() -> None:
    """Compute, seal, publish, verify and export results."""


def _result_set(competition: Competition, version: int | None) -> ResultSet:
    query = select(ResultSet).where(ResultSet.competition_id == competition.id)
    query = query.where(ResultSet.version == version) if version else query.order_by(ResultSet.version.desc())
    result_set = db.session.scalars(query.limit(1)).first()
    if result_set is None:
        raise click.ClickException(f"{competition.name} has no sealed results"
                                   + (f" version {version}" if version else ""))
    return result_set


def _winners(competition_id: int, award_id: int | None, version: int | None):
    """The competition, sealed version, award and run-sheet rows a ceremony export works from."""
    from competition.services.ceremony import run_sheet

    competition = get_competition(competition_id)
    result_set = _result_set(competition, version)
    award = get_award(competition, award_id)
    try:
        return competition, result_set, award, run_sheet(result_set, award)
    except ERRORS as error:
        raise fail(error) from error


@results_group.command("add-award")
@click.argument("competition_id", type=int)
@click.option("--name", required=True)
@click.option("--subject", type=click.Choice(["innovation", "organisation", "region"]),
              default="organisation")
@click.option("--category", "category_name")
@click.option("--positions", type=int, default=5)
@click.option("--policy", type=click.Choice(["sum", "mean", "index"]), default="index")
@click.option("--index-floor", type=int, default=3)
@click.option("--count-bonus", type=float, default=1.0)
@click.option("--count-bonus-cap", type=int, default=5)
@click.option("--citation", default="")
@actor_option
def add_award_command(competition_id: int, name: str, subject: str, category_name: str | None,
                      positions: int, policy: str, index_floor: int, count_bonus: float,
                      count_bonus_cap: int, citation: str, actor_email: str) -> None:
    """Define another award; awards are filled in the order they are defined."""
    from competition.services.results import add_award

    competition = get_competition(competition_id)
    category = None
    if category_name:
        category = db.session.scalar(select(Category).where(
            Category.competition_id == competition.id, Category.name == category_name))
        if category is None:
            raise click.ClickException(f"{competition.name} has no category {category_name!r}")
    try:
        award = add_award(competition, get_user(actor_email), name=name, subject=subject, category=category,
                          positions=positions, policy=policy, index_floor=index_floor,
                          count_bonus=count_bonus, count_bonus_cap=count_bonus_cap, citation=citation)
    except ERRORS as error:
        raise fail(error) from error
    click.echo(f"Award {award.id}: {award.name}")


@results_group.command("compute")
@click.argument("competition_id", type=int)
@click.option("--limit", type=int, default=20, help="Innovations to list.")
def compute_command(competition_id: int, limit: int) -> None:
    """Show the draft results as they stand now."""
    from competition.services.results import preview_results

    competition = get_competition(competition_id)
    results = preview_results(competition)
    entries = {e.id: (e.title, e.organisation.name) for e in db.session.scalars(
        select(Entry).where(Entry.competition_id == competition.id))}
    organisations = dict(db.session.execute(select(Organisation.id, Organisation.name)).all())
    click.echo(f"Draft results of {competition.name}: {len(results.entries)} innovation(s) scored")
    for row in results.entries[:limit]:
        title, opd = entries[row.entry_id]
        note = " (nilai sama)" if row.shared else (f" [{row.separated_by}]" if row.separated_by else "")
        click.echo(f"  {row.place:>3}. {row.score:6.2f}  {row.band:<16} {title} – {opd}{note}")
    for award, result in zip(competition.awards, results.awards, strict=True):
        click.echo(f"{award.name}:")
        for award_row in result.rows:
            if award_row.position is None:
                continue
            name = (entries[award_row.subject_id][0] if award.subject == "innovation"
                    else organisations.get(award_row.subject_id, str(award_row.subject_id)))
            note = " (nilai sama)" if award_row.shared else (
                f" [{award_row.separated_by}]" if award_row.separated_by else "")
            click.echo(f"  {award_row.position}. {award_row.score:7.2f}  {name}{note}")


@results_group.command("decide-tie")
@click.argument("competition_id", type=int)
@click.option("--award", "award_id", type=int, help="Default: the first award.")
@click.option("--order", required=True, help="Subject ids, best first, comma-separated.")
@click.option("--reason", required=True)
@actor_option
def decide_tie_command(competition_id: int, award_id: int | None, order: str, reason: str,
                       actor_email: str) -> None:
    """Record the organiser's order for subjects no tie-break rule could separate."""
    from competition.services.results import record_tie_decision

    competition = get_competition(competition_id)
    try:
        subject_ids = [int(part) for part in order.split(",") if part.strip()]
    except ValueError:
        raise click.ClickException("--order: give subject ids separated by commas") from None
    try:
        record_tie_decision(get_award(competition, award_id), get_user(actor_email), subject_ids, reason)
    except ERRORS as error:
        raise fail(error) from error
    click.echo("Decision recorded.")


@results_group.command("seal")
@click.argument("competition_id", type=int)
@actor_option
def seal_command(competition_id: int, actor_email: str) -> None:
    """Seal the results as a new immutable version."""
    from competition.services.results import seal_results

    try:
        result_set = seal_results(get_competition(competition_id), get_user(actor_email))
    except ERRORS as error:
        raise fail(error) from error
    click.echo(f"Sealed version {result_set.version}: SHA-256 {result_set.sha256}")


@results_group.command("publish")
@click.argument("competition_id", type=int)
@actor_option
def publish_command(competition_id: int, actor_email: str) -> None:
    """Publish the latest sealed version: its winning innovations become awarded."""
    from competition.services.results import publish_results

    competition = get_competition(competition_id)
    try:
        organiser = get_user(actor_email)
        require_organiser(organiser, competition)
        winners = publish_results(_result_set(competition, None), organiser)
    except ERRORS as error:
        raise fail(error) from error
    click.echo(f"Published; {len(winners)} innovation(s) awarded.")


@results_group.command("verify")
@click.argument("competition_id", type=int)
@click.option("--version", type=int, help="Default: the latest.")
def verify_command(competition_id: int, version: int | None) -> None:
    """Recompute a sealed version from its stored inputs and report any difference."""
    from competition.services.results import verify_result_set

    result_set = _result_set(get_competition(competition_id), version)
    problems = verify_result_set(result_set)
    if problems:
        raise click.ClickException(
            f"version {result_set.version} does not verify:\n  " + "\n  ".join(problems))
    click.echo(f"Version {result_set.version} verifies: SHA-256 {result_set.sha256}")


@results_group.command("history")
@click.argument("competition_id", type=int)
def history_command(competition_id: int) -> None:
    """Every sealed version of a competition's results."""
    competition = get_competition(competition_id)
    for result_set in db.session.scalars(select(ResultSet).where(ResultSet.competition_id == competition.id)
                                         .order_by(ResultSet.version)):
        sealed_by = result_set.sealed_by.name if result_set.sealed_by else "-"
        click.echo(f"  v{result_set.version} {result_set.status:<9} "
                   f"{result_set.sealed_at:%Y-%m-%d %H:%M} UTC by {sealed_by}  {result_set.sha256}")


@results_group.command("export")
@click.argument("competition_id", type=int)
@click.option("--award", "award_id", type=int, help="Default: the first award.")
@click.option("--version", type=int, help="Default: the latest sealed version.")
@click.option("--format", "file_format", type=click.Choice(["csv", "xlsx", "pdf"]), required=True)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
def export_command(competition_id: int, award_id: int | None, version: int | None, file_format: str,
                   output: Path) -> None:
    """Export an award's run-sheet (susunan acara penganugerahan) as CSV, XLSX or an A4 PDF."""
    from competition.services.ceremony import run_sheet_csv, run_sheet_pdf, run_sheet_xlsx

    competition, result_set, award, rows = _winners(competition_id, award_id, version)
    if file_format == "csv":
        output.write_text(run_sheet_csv(rows), encoding="utf-8")
    elif file_format == "xlsx":
        output.write_bytes(run_sheet_xlsx(rows, f"{award.name} – {competition.name}"))
    else:
        try:
            output.write_bytes(run_sheet_pdf(result_set, award, rows))
        except AnugerahError as error:
            raise fail(error) from error
    click.echo(f"{len(rows)} winner(s) of {award.name} written to {output}")


@results_group.command("certificates")
@click.argument("competition_id", type=int)
@click.option("--award", "award_id", type=int, help="Default: the first award.")
@click.option("--version", type=int, help="Default: the latest sealed version.")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
def certificates_command(competition_id: int, award_id: int | None, version: int | None,
                         output: Path) -> None:
    """Certificates (piagam penghargaan) as one PDF, numbered as on the run-sheet."""
    from competition.services.ceremony import certificates_pdf

    _, result_set, award, rows = _winners(competition_id, award_id, version)
    try:
        output.write_bytes(certificates_pdf(result_set, award, rows))
    except AnugerahError as error:
        raise fail(error) from error
    click.echo(f"{len(rows)} certificate(s) written to {output}")

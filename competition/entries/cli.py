"""``flask entry ...``: workflow triggers on innovations; ``flask innovations ...``: listing and
importing them."""

from __future__ import annotations

from pathlib import Path

import click
from sqlalchemy import func, or_, select

from competition.cli.common import ID, emit, get_competition, get_user, json_option
from competition.entries.models import ENTRY_STATUSES
from competition.errors import AnugerahError
from competition.extensions import db
from competition.models import Category, Competition, Organisation
from workflows import WorkflowError


@click.group("entry")
def entry_group() -> None:
    """Act on innovations."""


@entry_group.command("fire")
@click.argument("entry_ids", type=ID, nargs=-1, required=True)
@click.option("--trigger", required=True, help="For example verify, return_for_revision, reject.")
@click.option("--as", "actor_email", required=True, help="E-mail of the person acting.")
@click.option("--comment", default=None)
@json_option
def entry_fire(entry_ids: tuple[int, ...], trigger: str, actor_email: str, comment: str | None,
               as_json: bool) -> None:
    """Fire a workflow trigger on one or more innovations: all of them, or (when any is refused)
    none, with every refusal named."""
    from competition.entries.operations import change_entry_status

    actor = get_user(actor_email)
    failures = 0
    moved = []
    for entry_id in entry_ids:
        try:
            event = change_entry_status(entry_id, trigger, actor, comment=comment)
        except (AnugerahError, WorkflowError) as error:
            failures += 1
            click.echo(f"innovation {entry_id}: {error}", err=True)
        else:
            moved.append({"entry_id": entry_id, "event_id": event.id, "from_status": event.from_status,
                          "to_status": event.to_status})
            if not as_json:
                click.echo(f"innovation {entry_id}: {event.from_status} -> {event.to_status}")
    if failures:
        raise click.ClickException(f"{failures} of {len(entry_ids)} innovation(s) refused; "
                                   "nothing was changed")
    if as_json:
        emit(True, moved, "")


@click.group("innovations")
def innovations_group() -> None:
    """List innovations, and import them from a file."""


@innovations_group.command("list")
@click.argument("competition_id", type=ID)
@click.option("--status", type=click.Choice(ENTRY_STATUSES))
@click.option("--opd", "opd_name", help="Only this OPD's (its name or short name).")
@click.option("--category", "category_name", help="Only this category's (its name).")
@json_option
def list_command(competition_id: int, status: str | None, opd_name: str | None, category_name: str | None,
                 as_json: bool) -> None:
    """Every innovation of a competition in id order, drafts too: id, status, OPD, title."""
    from competition.entries.queries import innovation_rows

    competition = get_competition(competition_id)
    organisation = _organisation(competition, opd_name) if opd_name else None
    category = None
    if category_name:
        category = db.session.scalar(select(Category).where(
            Category.competition_id == competition.id, func.lower(Category.name) == category_name.lower()))
        if category is None:
            raise click.ClickException(f"{competition.name} has no category {category_name!r}")
    rows = innovation_rows(competition, status=status, organisation=organisation, category=category)
    emit(as_json, rows, lambda: "\n".join(
        [f"{row['id']:>6}  {row['status']:<10} {row['organisation']} – {row['title']}" for row in rows]
        + [f"{len(rows)} innovation(s)"]))


def _organisation(competition: Competition, name: str) -> Organisation:
    found = db.session.scalar(select(Organisation).where(
        Organisation.region_id == competition.region_id,
        or_(func.lower(Organisation.name) == name.strip().lower(),
            func.lower(Organisation.short_name) == name.strip().lower())))
    if found is None:
        raise click.ClickException(f"{competition.region.name} has no OPD called {name!r}")
    return found


@innovations_group.command("import")
@click.argument("competition_id", type=ID)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--as", "actor_email", required=True,
              help="E-mail of the organiser, or of the OPD's submitter, importing.")
@json_option
def import_command(competition_id: int, file: Path, actor_email: str, as_json: bool) -> None:
    """Import draft innovations from a CSV or XLSX file, one per row (columns: see the README,
    docs/examples/innovations-template.csv): all of them, or none with every bad row named."""
    from competition.entries.importing import import_entries

    competition = get_competition(competition_id)
    report = import_entries(competition, file, get_user(actor_email))
    rows = [{"id": entry.id, "title": entry.title, "organisation_id": entry.organisation_id,
             "organisation": entry.organisation.name, "status": entry.status} for entry in report.created]
    emit(as_json, {"created": rows}, lambda: "\n".join(
        [f"{len(rows)} innovation(s) imported into {competition.name} as drafts."]
        + [f"  [{row['id']}] {row['organisation']} – {row['title']}" for row in rows]))

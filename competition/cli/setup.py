"""Commands for setting up: the demo, organisations, users, workflows, competitions and entries."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import click
from flask import current_app
from sqlalchemy import func, select

from competition.cli.common import fail as _fail
from competition.cli.common import get_competition, get_user
from competition.errors import AnugerahError
from competition.extensions import db
from competition.models import Competition, Entry, Organisation, Region
from workflows import WorkflowError, get_workflow, load_workflows


@click.command("demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already has competitions.")
def demo_command(if_empty: bool) -> None:
    """Load a realistic Kota with its OPDs, two competitions and innovations in every status."""
    from competition.demo import load_demo

    if db.session.scalar(select(func.count()).select_from(Competition)) or \
            db.session.scalar(select(func.count()).select_from(Region)):
        if if_empty:
            click.echo("The database already has data; the demo was not loaded.")
            return
        raise click.ClickException("the database already has data; the demo needs an empty one")
    try:
        demo = load_demo()
    except AnugerahError as error:
        raise _fail(error) from error
    click.echo(f"Demo loaded: {demo.region}, {demo.organisations} organisations, "
               f"{demo.entries} innovations in {demo.competitions} competitions.")
    click.echo("Sign in with (e-mail / password):")
    for role, email, password in demo.credentials:
        click.echo(f"  {role:<10} {email:<36} {password}")


@click.command("import-organisations")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--region", "region_name", required=True, help="The region the organisations belong to.")
@click.option("--region-kind", type=click.Choice(["provinsi", "kabupaten", "kota"]),
              help="Create the region with this kind if it does not exist.")
def import_organisations_command(file: Path, region_name: str, region_kind: str | None) -> None:
    """Import OPDs from a CSV or XLSX file with columns name, short_name, parent."""
    from competition.services.organisations import get_or_create_region, import_organisations

    try:
        region = get_or_create_region(region_name, region_kind)
        report = import_organisations(file, region)
    except AnugerahError as error:
        raise _fail(error) from error
    click.echo(f"{len(report.created)} organisations imported into {region.name}, "
               f"{len(report.unchanged)} already there.")


@click.command("create-user")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--organisation", "organisation_name", help="Name of the user's organisation (OPD).")
@click.option("--region", "region_name", help="Region of the organisation, when names repeat.")
@click.option("--competition", "competition_id", type=int, help="Competition to grant roles in.")
@click.option("--role", "roles", multiple=True,
              type=click.Choice(["organiser", "verifier", "judge", "submitter"]),
              help="Role in --competition; repeat for several.")
def create_user_command(email: str, name: str, password: str, organisation_name: str | None,
                        region_name: str | None, competition_id: int | None, roles: tuple[str, ...]) -> None:
    """Create a user, optionally with roles in a competition."""
    from competition.services.users import create_user, grant_role

    if roles and competition_id is None:
        raise click.ClickException("--role needs --competition")
    organisation = None
    if organisation_name:
        query = select(Organisation).where(Organisation.name == organisation_name)
        if region_name:
            query = query.join(Region).where(Region.name == region_name)
        found = db.session.scalars(query).all()
        if not found:
            raise click.ClickException(f"there is no organisation called {organisation_name!r}")
        if len(found) > 1:
            raise click.ClickException(f"{organisation_name!r} exists in several regions; add --region")
        organisation = found[0]
    competition = None
    if competition_id is not None:
        competition = db.session.get(Competition, competition_id)
        if competition is None:
            raise click.ClickException(f"there is no competition with id {competition_id}")
    try:
        user = create_user(email=email, name=name, password=password, organisation=organisation)
        for role in roles:
            assert competition is not None
            grant_role(user, competition, role)
    except AnugerahError as error:
        raise _fail(error) from error
    click.echo(f"Created {user.email}" + (f" with {', '.join(roles)} in {competition.name}"
                                          if competition and roles else ""))


@click.group("workflow")
def workflow_group() -> None:
    """Inspect workflow definitions."""


@workflow_group.command("list")
def workflow_list() -> None:
    """The workflows this installation knows."""
    for name, workflow in load_workflows().items():
        click.echo(f"{name:<14} {workflow.definition.label_en} ({len(workflow.definition.states)} states, "
                   f"{len(workflow.definition.transitions)} transitions)")


@workflow_group.command("show")
@click.argument("name")
def workflow_show(name: str) -> None:
    """States, transitions and the Mermaid diagram of workflow NAME."""
    try:
        workflow = get_workflow(name)
    except WorkflowError as error:
        raise _fail(error) from error
    definition = workflow.definition
    click.echo(f"{definition.label_en} / {definition.label_id} ({definition.source})")
    click.echo(f"\nStates (initial: {definition.initial}):")
    for state in definition.states:
        click.echo(f"  {state.name:<14} {state.kind:<10} {state.label_id} / {state.label_en}")
    click.echo("\nTransitions:")
    for move in definition.transitions:
        extras = [f"roles: {', '.join(sorted(move.roles))}"]
        if move.phases:
            extras.append(f"phases: {', '.join(sorted(move.phases))}")
        if move.guards:
            extras.append(f"guards: {', '.join(move.guards)}")
        if move.comment_required:
            extras.append("comment required")
        click.echo(f"  {move.trigger:<20} {', '.join(move.sources)} -> {move.dest}")
        click.echo(f"  {'':<20} {'; '.join(extras)}")
    click.echo("\nDiagram (Mermaid):\n")
    click.echo(workflow.diagram())


@click.command("status")
def status_command() -> None:
    """Competitions and their innovations by status."""
    for competition in db.session.scalars(select(Competition).order_by(Competition.id)):
        counts = dict(db.session.execute(
            select(Entry.status, func.count()).where(Entry.competition_id == competition.id)
            .group_by(Entry.status)).all())
        click.echo(f"[{competition.id}] {competition.name} ({competition.year}) phase={competition.phase}")
        for state in get_workflow("innovation").definition.state_names:
            if counts.get(state):
                click.echo(f"    {state:<10} {counts[state]}")


@click.group("competition")
def competition_group() -> None:
    """Create competitions and move them through their phases."""


@competition_group.command("create")
@click.option("--region", "region_name", required=True,
              help="The region that runs it (import-organisations creates it).")
@click.option("--name", required=True)
@click.option("--year", type=int, required=True)
@click.option("--opens", required=True, help="Submission opens, YYYY-MM-DD[THH:MM] in WIB (Asia/Jakarta).")
@click.option("--closes", required=True, help="Submission closes.")
@click.option("--verification-closes", required=True)
@click.option("--judging-closes", required=True)
@click.option("--category", "categories", multiple=True, help="Repeat for each category.")
@click.option("--organiser", "organiser_email", required=True,
              help="E-mail of an existing user who becomes its organiser (create-user makes one).")
def competition_create(region_name: str, name: str, year: int, opens: str, closes: str,
                       verification_closes: str, judging_closes: str, categories: tuple[str, ...],
                       organiser_email: str) -> None:
    """Create a competition in its set-up phase with an organiser, who carries on in the browser."""
    from competition.services.competitions import create_competition
    from competition.services.organisations import get_or_create_region
    from competition.services.users import grant_role

    organiser = get_user(organiser_email)
    zone = ZoneInfo(current_app.config["DISPLAY_TIMEZONE"])
    moments = {}
    for label, text in (("--opens", opens), ("--closes", closes),
                        ("--verification-closes", verification_closes), ("--judging-closes", judging_closes)):
        try:
            moment = datetime.fromisoformat(text)
        except ValueError as exc:
            raise click.BadParameter(f"{text!r} is not a date (YYYY-MM-DD or YYYY-MM-DDTHH:MM)",
                                     param_hint=label) from exc
        if len(text) == 10 and label != "--opens":  # a day alone means the end of that day
            moment = moment.replace(hour=23, minute=59)
        moments[label] = moment.replace(tzinfo=zone)
    try:
        competition = create_competition(
            name=name, year=year, region=get_or_create_region(region_name),
            submission_opens_at=moments["--opens"], submission_closes_at=moments["--closes"],
            verification_closes_at=moments["--verification-closes"],
            judging_closes_at=moments["--judging-closes"], categories=list(categories))
        grant_role(organiser, competition, "organiser")
    except AnugerahError as error:
        raise _fail(error) from error
    click.echo(f"[{competition.id}] {competition.name} ({competition.year}) created in "
               f"{competition.region.name}; {organiser.email} organises it.")


@competition_group.command("phase")
@click.argument("competition_id", type=int)
@click.argument("trigger")
@click.option("--as", "actor_email", required=True, help="E-mail of the organiser acting.")
@click.option("--comment", default=None)
def competition_phase(competition_id: int, trigger: str, actor_email: str, comment: str | None) -> None:
    """Fire TRIGGER (open_submissions, close_submissions, start_judging, close_judging,
    close_competition) on a competition."""
    from competition.services.competitions import change_competition_phase

    competition = get_competition(competition_id)
    try:
        event = change_competition_phase(competition, trigger, get_user(actor_email), comment=comment)
    except (AnugerahError, WorkflowError) as error:
        raise _fail(error) from error
    click.echo(f"{competition.name}: {event.from_phase} -> {event.to_phase}")


@click.group("entry")
def entry_group() -> None:
    """Act on innovations."""


@entry_group.command("fire")
@click.argument("entry_ids", type=int, nargs=-1, required=True)
@click.option("--trigger", required=True, help="For example verify, return_for_revision, reject.")
@click.option("--as", "actor_email", required=True, help="E-mail of the person acting.")
@click.option("--comment", default=None)
def entry_fire(entry_ids: tuple[int, ...], trigger: str, actor_email: str, comment: str | None) -> None:
    """Fire a workflow trigger on one or more innovations: all of them, or (when any is refused)
    none, with every refusal named."""
    from competition.services.entries import change_entry_status

    actor = get_user(actor_email)
    failures = 0
    for entry_id in entry_ids:
        try:
            event = change_entry_status(entry_id, trigger, actor, comment=comment)
        except (AnugerahError, WorkflowError) as error:
            failures += 1
            click.echo(f"innovation {entry_id}: {error}", err=True)
        else:
            click.echo(f"innovation {entry_id}: {event.from_status} -> {event.to_status}")
    if failures:
        raise click.ClickException(f"{failures} of {len(entry_ids)} innovation(s) refused; "
                                   "nothing was changed")


COMMANDS = (demo_command, import_organisations_command, create_user_command, workflow_group,
            status_command, competition_group, entry_group)

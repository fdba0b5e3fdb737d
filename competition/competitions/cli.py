"""Commands for competitions: the workflows, the database's status, creating a competition and
moving its phase."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import click
from flask import current_app
from sqlalchemy import func, select

from competition.cli.common import COUNT, ID, emit, get_competition, get_user, json_option
from competition.extensions import db
from competition.models import UNITS_COMPETE_RULES, UNITS_OWN, Competition, Entry
from competition.people.models import REGION_KINDS
from workflows import get_workflow, load_workflows


@click.group("workflow")
def workflow_group() -> None:
    """Inspect workflow definitions."""


@workflow_group.command("list")
@json_option
def workflow_list(as_json: bool) -> None:
    """The workflows this installation knows."""
    workflows = load_workflows()
    emit(as_json, [{"name": name, "label_en": workflow.definition.label_en,
                    "label_id": workflow.definition.label_id, "initial": workflow.definition.initial,
                    "states": workflow.definition.state_names,
                    "transitions": len(workflow.definition.transitions)}
                   for name, workflow in workflows.items()],
         lambda: "\n".join(f"{name:<14} {workflow.definition.label_en} "
                           f"({len(workflow.definition.states)} states, "
                           f"{len(workflow.definition.transitions)} transitions)"
                           for name, workflow in workflows.items()))


@workflow_group.command("show")
@click.argument("name")
def workflow_show(name: str) -> None:
    """States, transitions and the Mermaid diagram of workflow NAME."""
    workflow = get_workflow(name)
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
@json_option
def status_command(as_json: bool) -> None:
    """Competitions and their innovations by status."""
    states = get_workflow("innovation").definition.state_names
    found: list[dict[str, Any]] = []
    for competition in db.session.scalars(select(Competition).order_by(Competition.id)):
        counts = dict(db.session.execute(
            select(Entry.status, func.count()).where(Entry.competition_id == competition.id)
            .group_by(Entry.status)).all())
        found.append({"id": competition.id, "name": competition.name, "year": competition.year,
                      "phase": competition.phase,
                      "innovations": {state: counts[state] for state in states if counts.get(state)}})

    def text() -> str:
        lines = []
        for item in found:
            lines.append(f"[{item['id']}] {item['name']} ({item['year']}) phase={item['phase']}")
            lines += [f"    {state:<10} {count}" for state, count in item["innovations"].items()]
        return "\n".join(lines)

    if found or as_json:
        emit(as_json, found, text)


UNITS_HELP = ("How units under an OPD (bidang, UPT, puskesmas) take part: 'own', each is an entrant "
              "of its own; 'parent', its innovations count for its top-level OPD.")
UNITS_SENTENCES = {"own": "Units under an OPD compete as entrants of their own.",
                   "parent": "Units under an OPD count for their OPD."}


@click.group("competition")
def competition_group() -> None:
    """Create competitions, move them through their phases, and say how units under an OPD
    take part."""


@competition_group.command("create")
@click.option("--region", "region_name", required=True,
              help="The region that runs it (import-organisations creates it, or --region-kind).")
@click.option("--region-kind", type=click.Choice(REGION_KINDS),
              help="Create the region with this kind if it does not exist (its OPDs imported later).")
@click.option("--name", required=True)
@click.option("--year", type=COUNT, required=True)
@click.option("--opens", required=True, help="Submission opens, YYYY-MM-DD[THH:MM] in WIB (Asia/Jakarta).")
@click.option("--closes", required=True, help="Submission closes.")
@click.option("--verification-closes", required=True)
@click.option("--judging-closes", required=True)
@click.option("--category", "categories", multiple=True, help="Repeat for each category.")
@click.option("--organiser", "organiser_email", required=True,
              help="E-mail of an existing user who becomes its organiser (create-user makes one).")
@click.option("--units", "units_compete", type=click.Choice(UNITS_COMPETE_RULES), default=UNITS_OWN,
              show_default=True, help=UNITS_HELP)
@json_option
def competition_create(region_name: str, region_kind: str | None, name: str, year: int, opens: str,
                       closes: str, verification_closes: str, judging_closes: str,
                       categories: tuple[str, ...], organiser_email: str, units_compete: str,
                       as_json: bool) -> None:
    """Create a competition in its set-up phase with an organiser, who carries on in the browser."""
    from competition.competitions.operations import create_competition
    from competition.people.operations import grant_role
    from competition.people.organisations import get_or_create_region

    organiser = get_user(organiser_email)
    moments = timeline_options(opens, closes, verification_closes, judging_closes)
    competition = create_competition(
        name=name, year=year, region=get_or_create_region(region_name, region_kind),
        submission_opens_at=moments["--opens"], submission_closes_at=moments["--closes"],
        verification_closes_at=moments["--verification-closes"],
        judging_closes_at=moments["--judging-closes"], categories=list(categories),
        units_compete=units_compete)
    grant_role(organiser, competition, "organiser")
    emit(as_json, {**competition_json(competition), "organiser": organiser.email},
         f"[{competition.id}] {competition.name} ({competition.year}) created in "
         f"{competition.region.name}; {organiser.email} organises it.")


def timeline_options(opens: str, closes: str, verification_closes: str,
                     judging_closes: str) -> dict[str, datetime]:
    """The four moments given on the command line, in the display time zone (WIB), by option."""
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
    return moments


def competition_json(competition: Competition) -> dict[str, object]:
    return {"id": competition.id, "name": competition.name, "year": competition.year,
            "region": competition.region.name, "phase": competition.phase, "version": competition.version,
            **{field: getattr(competition, field).isoformat() for field in TIMELINE_FIELDS}}


TIMELINE_FIELDS = ("submission_opens_at", "submission_closes_at", "verification_closes_at",
                   "judging_closes_at")
DATE_HELP = "YYYY-MM-DD[THH:MM] in WIB (Asia/Jakarta)."


@competition_group.command("clone")
@click.argument("competition_id", type=ID)
@click.option("--name", required=True, help="The new competition's name.")
@click.option("--year", type=COUNT, required=True)
@click.option("--opens", required=True, help=f"Submission opens, {DATE_HELP}")
@click.option("--closes", required=True, help="Submission closes (a day alone: its end).")
@click.option("--verification-closes", required=True)
@click.option("--judging-closes", required=True)
@click.option("--as", "actor_email", required=True, help="E-mail of an organiser of the competition.")
@json_option
def competition_clone(competition_id: int, name: str, year: int, opens: str, closes: str,
                      verification_closes: str, judging_closes: str, actor_email: str, as_json: bool) -> None:
    """A new competition in set-up like COMPETITION_ID: its categories, rounds with their rubrics,
    panels with their judges, awards, bands and result rules (no innovation, score or result)."""
    from competition.competitions.cloning import clone_competition

    source = get_competition(competition_id)
    moments = timeline_options(opens, closes, verification_closes, judging_closes)
    competition = clone_competition(
        source, get_user(actor_email), name=name, year=year, submission_opens_at=moments["--opens"],
        submission_closes_at=moments["--closes"], verification_closes_at=moments["--verification-closes"],
        judging_closes_at=moments["--judging-closes"])
    emit(as_json, {**competition_json(competition), "source_id": source.id},
         f"[{competition.id}] {competition.name} ({competition.year}) set up like [{source.id}] "
         f"{source.name}: {len(competition.categories)} categories, {len(competition.rounds)} rounds, "
         f"{len(competition.awards)} awards.")


@competition_group.command("phase")
@click.argument("competition_id", type=ID)
@click.argument("trigger")
@click.option("--as", "actor_email", required=True, help="E-mail of the organiser acting.")
@click.option("--comment", default=None)
@json_option
def competition_phase(competition_id: int, trigger: str, actor_email: str, comment: str | None,
                      as_json: bool) -> None:
    """Fire TRIGGER (open_submissions, close_submissions, start_judging, close_judging,
    close_competition) on a competition."""
    from competition.competitions.operations import change_competition_phase

    competition = get_competition(competition_id)
    event = change_competition_phase(competition, trigger, get_user(actor_email), comment=comment)
    emit(as_json, {"id": competition.id, "event_id": event.id, "trigger": event.trigger,
                   "from_phase": event.from_phase, "to_phase": event.to_phase,
                   "version": competition.version},
         f"{competition.name}: {event.from_phase} -> {event.to_phase}")


@competition_group.command("units")
@click.argument("competition_id", type=ID)
@click.argument("rule", type=click.Choice(UNITS_COMPETE_RULES))
@click.option("--as", "actor_email", required=True, help="E-mail of the organiser acting.")
def competition_units(competition_id: int, rule: str, actor_email: str) -> None:
    """Set how units under an OPD take part in a competition, until its results phase: RULE is
    'own' (each unit is an entrant of its own) or 'parent' (it counts for its top-level OPD)."""
    from competition.competitions.operations import set_units_compete

    competition = get_competition(competition_id)
    set_units_compete(competition, get_user(actor_email), rule)
    click.echo(f"{competition.name}: {UNITS_SENTENCES[competition.units_compete]}")

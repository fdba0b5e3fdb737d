"""``flask entry ...``: workflow triggers on innovations."""

from __future__ import annotations

import click

from competition.cli.common import ID, get_user
from competition.errors import AnugerahError
from workflows import WorkflowError


@click.group("entry")
def entry_group() -> None:
    """Act on innovations."""


@entry_group.command("fire")
@click.argument("entry_ids", type=ID, nargs=-1, required=True)
@click.option("--trigger", required=True, help="For example verify, return_for_revision, reject.")
@click.option("--as", "actor_email", required=True, help="E-mail of the person acting.")
@click.option("--comment", default=None)
def entry_fire(entry_ids: tuple[int, ...], trigger: str, actor_email: str, comment: str | None) -> None:
    """Fire a workflow trigger on one or more innovations: all of them, or (when any is refused)
    none, with every refusal named."""
    from competition.entries.operations import change_entry_status

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

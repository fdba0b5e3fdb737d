"""``flask --app wsgi ...`` commands: each feature's, registered on the app."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

import click
from flask import Flask

from competition.cli.common import fail
from competition.errors import AnugerahError
from workflows import WorkflowError


def register_commands(app: Flask) -> None:
    from competition.api.cli import api_command
    from competition.audit import cli as audit
    from competition.backups import cli as backups
    from competition.ceremony import cli as ceremony  # noqa: F401  (adds its commands to "results")
    from competition.cli.serve import serve_command
    from competition.competitions import cli as competitions
    from competition.demo import cli as demo
    from competition.entries import cli as entries
    from competition.iid import cli as iid
    from competition.jobs import cli as jobs
    from competition.judging import cli as judging
    from competition.notifications import cli as notifications
    from competition.people import cli as people
    from competition.people import token_cli
    from competition.results import cli as results

    # "competition rules" is the results' (competition/results/cli.py), in the competition group.
    competitions.competition_group.add_command(results.rules_command)
    for command in (demo.demo_command, people.import_organisations_command, people.create_user_command,
                    competitions.workflow_group, competitions.status_command,
                    competitions.competition_group, entries.entry_group, entries.innovations_group,
                    judging.judging_group, judging.round_group, judging.assignments_group,
                    results.results_group, results.awards_group, notifications.mail_group, serve_command,
                    audit.audit_group, people.users_group, token_cli.tokens_group, jobs.jobs_group,
                    jobs.worker_command,
                    backups.export_competition_command, backups.import_competition_command,
                    backups.backup_command, backups.restore_command, api_command, iid.iid_group):
        _refusals_as_command_errors(command)
        app.cli.add_command(command)


def _refusals_as_command_errors(command: click.Command) -> None:
    """Every command shows a refusal (a service's or the workflow's) as an error naming each
    problem, one per line, and exits 1; the command's unit of work then rolls back."""
    if command.callback is not None:
        command.callback = _refusing(command.callback)
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            _refusals_as_command_errors(sub)


def _refusing(callback: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(callback)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return callback(*args, **kwargs)
        except (AnugerahError, WorkflowError) as error:
            raise fail(error) from error

    return run

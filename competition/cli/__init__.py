"""``flask --app wsgi ...`` commands: each feature's, registered on the app."""

from __future__ import annotations

from flask import Flask


def register_commands(app: Flask) -> None:
    from competition.ceremony import cli as ceremony  # noqa: F401  (adds its commands to "results")
    from competition.competitions import cli as competitions
    from competition.demo import cli as demo
    from competition.entries import cli as entries
    from competition.judging import cli as judging
    from competition.notifications import cli as notifications
    from competition.people import cli as people
    from competition.results import cli as results

    for command in (demo.demo_command, people.import_organisations_command, people.create_user_command,
                    competitions.workflow_group, competitions.status_command,
                    competitions.competition_group, entries.entry_group, judging.judging_group,
                    results.results_group, notifications.mail_group):
        app.cli.add_command(command)

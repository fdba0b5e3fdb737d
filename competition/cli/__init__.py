"""``flask --app wsgi ...`` commands, grouped per area."""

from __future__ import annotations

from flask import Flask


def register_commands(app: Flask) -> None:
    from competition.cli import judging, mail, results, setup

    for command in (*setup.COMMANDS, judging.judging_group, results.results_group, mail.mail_group):
        app.cli.add_command(command)

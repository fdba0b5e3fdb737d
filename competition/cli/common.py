"""Helpers shared by the command groups."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

import click
from sqlalchemy import select

from competition.documents.inputs import ID_MAX, WHOLE_NUMBER_MAX
from competition.extensions import db
from competition.models import Award, Competition, Round, User

# An id, and a count, as a command takes them: what an INTEGER column holds, so that a number too
# large for the database is refused by the command line rather than by the database.
ID = click.IntRange(1, ID_MAX)
COUNT = click.IntRange(0, WHOLE_NUMBER_MAX)


F = TypeVar("F", bound=Callable[..., Any])


def json_option(command: F) -> F:
    """``--json``: the command prints JSON (ids included) instead of text; the callback takes it
    as ``as_json``."""
    return click.option("--json", "as_json", is_flag=True,
                        help="Print JSON, ids included, for scripts.")(command)


def emit(as_json: bool, data: Any, text: str | Callable[[], str]) -> None:
    """Print ``data`` as JSON, or ``text`` for people (a callable is asked only then)."""
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    else:
        click.echo(text() if callable(text) else text)


def fail(error: Exception) -> click.ClickException:
    """A command error carrying every problem the service named, one per line."""
    problems = getattr(error, "problems", None) or getattr(error, "reasons", None)
    if problems and len(problems) > 1:
        return click.ClickException("\n  " + "\n  ".join(problems))
    return click.ClickException(str(error))


def get_user(email: str) -> User:
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise click.ClickException(f"there is no user with e-mail {email}")
    return user


def get_competition(competition_id: int) -> Competition:
    competition = db.session.get(Competition, competition_id)
    if competition is None:
        raise click.ClickException(f"there is no competition with id {competition_id}")
    return competition


def get_round(round_id: int) -> Round:
    round_ = db.session.get(Round, round_id)
    if round_ is None:
        raise click.ClickException(f"there is no judging round with id {round_id}")
    return round_


def get_award(competition: Competition, award_id: int | None) -> Award:
    if award_id is None:
        if not competition.awards:
            raise click.ClickException(f"{competition.name} has no award")
        return competition.awards[0]
    award = db.session.get(Award, award_id)
    if award is None or award.competition_id != competition.id:
        raise click.ClickException(f"{competition.name} has no award with id {award_id}")
    return award

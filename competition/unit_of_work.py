"""One transaction per request, command or job: the only place that commits or rolls back.

- A **unit of work** (:func:`unit_of_work`) wraps a web request, a ``flask`` command or one job
  of a background runner. It commits once when the work ends, and rolls everything back when it
  ends with any exception, so nothing is ever half-written.
- An **operation** (a function decorated with :func:`operation`) changes the session and flushes;
  it never commits. It runs in a savepoint: when it is refused, its own changes are undone and
  the error goes to the caller, which may show it and carry on (the unit then commits whatever
  else succeeded). The outermost operation first forgets what the request had read before it, so
  it decides on what the database holds once it writes (on SQLite, once it holds the write lock).
- What must wait for the commit (deleting a file) is handed to :func:`after_commit`; what must
  be undone outside the database when the work is rolled back (a file written for a row that
  will not exist) is handed to :func:`after_rollback`.
- An operation called outside any unit (a script, a test, the Python shell) is a unit of its own.
- Several operations that must succeed together run in one :func:`atomic` block.

:func:`init_app` puts every view and every command of the app inside a unit. A command that
runs many jobs (sending the outbox) is marked :func:`runs_its_own_units` and opens one unit per
job instead.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Any, ParamSpec, TypeVar

import click
from flask import Flask

from competition.extensions import db

P = ParamSpec("P")
R = TypeVar("R")

_UNIT = "anugerah.unit_of_work"
_OPERATION = "anugerah.operation"
_AFTER_COMMIT = "anugerah.after_commit"
_AFTER_ROLLBACK = "anugerah.after_rollback"
_OWN_UNITS = "_anugerah_runs_its_own_units"


def in_unit() -> bool:
    """A unit of work is under way in this session."""
    return bool(db.session.info.get(_UNIT))


@contextmanager
def unit_of_work() -> Iterator[None]:
    """Commit once at the end; roll back everything on any exception. Inside another unit it
    is part of that one."""
    session = db.session
    if in_unit():
        yield
        return
    session.info[_UNIT] = True
    session.info[_AFTER_COMMIT] = []
    session.info[_AFTER_ROLLBACK] = []
    try:
        yield
        session.commit()
    except BaseException:
        session.rollback()
        _undo(session.info[_AFTER_ROLLBACK])
        raise
    finally:
        session.info[_UNIT] = False
        callbacks = session.info.pop(_AFTER_COMMIT, [])
        session.info.pop(_AFTER_ROLLBACK, None)
    for callback in callbacks:  # only reached once committed
        callback()


def _undo(callbacks: list[Callable[[], None]]) -> None:
    """Run the rollback callbacks, latest first, and forget them."""
    while callbacks:
        callbacks.pop()()


def after_commit(callback: Callable[[], None]) -> None:
    """Run ``callback`` once the unit of work has committed; never when it rolls back, nor when
    the operation that asked is undone."""
    if not in_unit():
        raise RuntimeError("after_commit needs a unit of work (an operation runs in one)")
    db.session.info[_AFTER_COMMIT].append(callback)


def after_rollback(callback: Callable[[], None]) -> None:
    """Run ``callback`` when the unit of work rolls back, or when the operation that asked is
    undone; never once it has committed."""
    if not in_unit():
        raise RuntimeError("after_rollback needs a unit of work (an operation runs in one)")
    db.session.info[_AFTER_ROLLBACK].append(callback)


@contextmanager
def atomic() -> Iterator[None]:
    """All of the block or nothing: a savepoint inside the unit of work (opening one when none is
    under way). Operations run in one; a caller that combines several (create a competition,
    then make its creator the organiser) puts them in one block."""
    session = db.session
    if not in_unit():
        with unit_of_work(), atomic():
            yield
        return
    outermost = not session.info.get(_OPERATION)
    callbacks: list[Callable[[], None]] = session.info[_AFTER_COMMIT]
    undo: list[Callable[[], None]] = session.info[_AFTER_ROLLBACK]
    asked, asked_undo = len(callbacks), len(undo)
    session.info[_OPERATION] = True
    try:
        with session.begin_nested():
            if outermost:
                session.expire_all()
            yield
    except BaseException:
        del callbacks[asked:]
        _undo(undo[asked_undo:])
        del undo[asked_undo:]
        raise
    finally:
        if outermost:
            session.info[_OPERATION] = False


def operation(func: Callable[P, R]) -> Callable[P, R]:
    """Mark ``func`` as an operation: it changes the session and flushes, and is all or nothing."""

    @wraps(func)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        with atomic():
            return func(*args, **kwargs)

    return run


def runs_its_own_units(command: Callable[P, R]) -> Callable[P, R]:
    """Mark a command's callback as opening one unit per job itself (see :func:`unit_of_work`)."""
    setattr(command, _OWN_UNITS, True)
    return command


def _in_a_unit(func: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(func)
    def run(*args: Any, **kwargs: Any) -> Any:
        with unit_of_work():
            return func(*args, **kwargs)

    return run


def _wrap_commands(command: click.Command) -> None:
    if command.callback is not None and not getattr(command.callback, _OWN_UNITS, False):
        command.callback = _in_a_unit(command.callback)
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            _wrap_commands(sub)


def init_app(app: Flask) -> None:
    """Put every view and every command registered so far inside a unit of work."""
    for endpoint, view in list(app.view_functions.items()):
        app.view_functions[endpoint] = _in_a_unit(view)
    for command in app.cli.commands.values():
        _wrap_commands(command)

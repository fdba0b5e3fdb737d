"""Errors that services raise for the person acting; each message names the problem."""

from __future__ import annotations


class AnugerahError(Exception):
    """Base class; ``http_status`` is what a web handler answers with."""

    http_status = 400


class InvalidInput(AnugerahError):
    """Input that cannot be accepted; ``problems`` lists each one (field or row first)."""

    def __init__(self, problems: list[str] | str):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("; ".join(self.problems))


class NotPermitted(AnugerahError):
    http_status = 403


class NotFound(AnugerahError):
    http_status = 404


class ConcurrentChange(AnugerahError):
    """Someone else changed the same record first; reload and try again."""

    http_status = 409


class UnusableSetup(AnugerahError):
    """Something stored long ago (a weight that is not a number) stops a page being worked out;
    the message names it and what to do."""

    http_status = 422


class StorageFailed(AnugerahError):
    """A file could not be written (a full disk, a folder that cannot be written); nothing of it
    was kept."""

    http_status = 507

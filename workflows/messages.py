"""Messages for people, translatable without tying the engine to a web framework.

The engine, its guards and the models phrase refusals with :func:`t`; an application installs
its translator (the web app installs Flask-Babel's) with :func:`set_translator`. Without one,
messages stay in English.
"""

from __future__ import annotations

from collections.abc import Callable

_translate: Callable[[str], str] = str


def set_translator(translate: Callable[[str], str]) -> None:
    global _translate
    _translate = translate


class Message(str):
    """A message for people that remembers the field its English wording begins with
    ("name: must not be empty" names ``name`` in every language), or None."""

    field: str | None = None


def t(message: str, **values: object) -> str:
    """``message`` translated, then filled with ``values`` (``%(name)s`` placeholders): a
    :class:`Message`."""
    translated = _translate(message)
    made = Message(translated % values if values else translated)
    english = message % values if values else message
    field, separator, _ = english.partition(": ")
    if separator and field.strip() and " " not in field.strip():
        made.field = field.strip()
    return made

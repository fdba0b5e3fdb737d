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
    """A message as people read it, remembering the field its English original names first
    ("weight: must be above zero" names ``weight``) even when the translation words the field
    otherwise ("bobot: ..."): so that the API can name the field a problem is about."""

    field: str | None = None


def t(message: str, **values: object) -> str:
    """``message`` translated, then filled with ``values`` (``%(name)s`` placeholders)."""
    translated = _translate(message)
    made = Message(translated % values if values else translated)
    field, separator, _rest = message.partition(": ")
    if separator and field and " " not in field.strip() and "%" not in field:
        made.field = field.strip()
    return made

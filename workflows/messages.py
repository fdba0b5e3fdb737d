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


class Text(str):
    """A translated message that keeps the English it was made from (``english``): a problem
    worded "field: message" names its field in English in any language, for the API."""

    english: str


def t(message: str, **values: object) -> str:
    """``message`` translated, then filled with ``values`` (``%(name)s`` placeholders)."""
    translated = _translate(message)
    text = Text(translated % values if values else translated)
    text.english = message % values if values else message
    return text

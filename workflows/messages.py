"""Messages for people, translatable without tying the engine to a web framework.

The engine, its guards and the models phrase refusals with :func:`t`; an application installs
its translator (the web app installs Flask-Babel's) with :func:`set_translator`. Without one,
messages stay in English.

A state, a phase or a role is named in a message by a :class:`Label`: a person reading in a
language (the ``language`` given to :func:`set_translator` says which) reads its label in that
language, "Verifikasi" or "Verification"; without a reader (the command line, the logs) and in a
message's ``english`` (which the API reads its field names from) it stays the code, "verification".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass


def no_reader() -> str | None:
    """Without an application: messages are read by nobody in particular (codes stay codes)."""
    return None


_translate: Callable[[str], str] = str
_language: Callable[[], str | None] = no_reader


def set_translator(translate: Callable[[str], str], language: Callable[[], str | None] = no_reader) -> None:
    """Install ``translate`` for every message, and ``language``: the language of the person who
    will read it ("id", "en"), or None when no person does."""
    global _translate, _language
    _translate, _language = translate, language


@dataclass(frozen=True)
class Label:
    """A code (a state, a phase, a role) as a message shows it: ``indonesian`` and ``english``
    for a reader of either language (without ``indonesian``, the English translated), the code
    for everyone else."""

    code: str
    english: str
    indonesian: str | None = None

    def shown(self, language: str | None) -> str:
        if language is None:
            return self.code
        if language == "en":
            return self.english
        return self.indonesian if self.indonesian is not None else _translate(self.english)

    def __str__(self) -> str:
        return self.code


@dataclass(frozen=True)
class Labels:
    """Several labels in one placeholder, joined by ``separator`` (translated for a reader)."""

    labels: tuple[Label, ...]
    separator: str = ", "

    @classmethod
    def of(cls, labels: Iterable[Label], separator: str = ", ") -> Labels:
        return cls(tuple(labels), separator)

    def shown(self, language: str | None) -> str:
        separator = self.separator if language is None else _translate(self.separator)
        return separator.join(label.shown(language) for label in self.labels)

    def __str__(self) -> str:
        return self.shown(None)


class Text(str):
    """A translated message that keeps the English it was made from (``english``): a problem
    worded "field: message" names its field in English in any language, for the API."""

    english: str


def t(message: str, **values: object) -> str:
    """``message`` translated, then filled with ``values`` (``%(name)s`` placeholders); a
    :class:`Label` or :class:`Labels` among them is shown in the reader's language."""
    translated = _translate(message)
    if not values:
        text = Text(translated)
        text.english = message
        return text
    language = _language()
    text = Text(translated % {name: value.shown(language) if isinstance(value, Label | Labels) else value
                              for name, value in values.items()})
    text.english = message % {name: str(value) if isinstance(value, Label | Labels) else value
                              for name, value in values.items()}
    return text

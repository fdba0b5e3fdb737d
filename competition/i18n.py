"""Languages: Bahasa Indonesia first, English one click away; times in the display time zone."""

from __future__ import annotations

import os
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import current_app, has_app_context, has_request_context, session
from flask_babel import gettext

LANGUAGES = {"id": "Bahasa Indonesia", "en": "English"}
DEFAULT_LANGUAGE = "id"
TRANSLATIONS = Path(__file__).parent / "translations"


def select_locale() -> str:
    """The visitor's choice, Bahasa Indonesia by default; English outside requests (the command
    line speaks to operators, and documents choose their words themselves)."""
    if has_request_context():
        language = session.get("language")
        return language if language in LANGUAGES else DEFAULT_LANGUAGE
    return "en"


def translate(message: str) -> str:
    """The workflow engine's translator: Flask-Babel's, once an application is running."""
    return gettext(message) if has_app_context() else message


def reader_language() -> str | None:
    """The language of the person a message is for: the visitor's, in a request; nobody's
    outside one (the command line and the logs name states by their codes)."""
    return select_locale() if has_request_context() else None


def select_timezone() -> str:
    return current_app.config["DISPLAY_TIMEZONE"]


def compile_catalogues(directory: Path = TRANSLATIONS) -> list[Path]:
    """Compile every messages.po that is newer than its messages.mo; returns what was compiled.
    Each messages.mo is written beside it under a name of this process's and then renamed into
    place, so processes compiling at once (parallel test workers) never read a half-written one."""
    compiled = []
    for po_path in sorted(directory.glob("*/LC_MESSAGES/messages.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale=po_path.parent.parent.name)
        partial = mo_path.with_name(f"{mo_path.name}.{os.getpid()}.partial")
        with partial.open("wb") as mo_file:
            write_mo(mo_file, catalog)
        os.replace(partial, mo_path)
        compiled.append(mo_path)
    return compiled

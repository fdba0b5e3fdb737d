"""Setting up the day of the ceremony: who signs the certificates, where and when, and the logo.

:func:`change_ceremony_settings` is the one way they change, from the settings page, API v1 and
the command line alike: every field is checked first (each problem names its field) and nothing
is stored unless all are right; each change is audited.
"""

from __future__ import annotations

import base64
import hashlib
import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from competition.audit.operations import record
from competition.ceremony.models import (
    NAME_LENGTH,
    NIP_DIGITS,
    PLACE_LENGTH,
    TITLE_LENGTH,
    CeremonySettings,
)
from competition.documents.inputs import text_problem
from competition.entries.evidence import _store, evidence_path, safe_file_name
from competition.errors import InvalidInput, NotPermitted
from competition.extensions import db
from competition.models import Competition, User
from competition.policy import is_organiser
from competition.unit_of_work import operation
from workflows.messages import t

# The texts, in the order the page shows them, with their lengths.
TEXTS: dict[str, int] = {
    "signatory_name": NAME_LENGTH, "signatory_title": TITLE_LENGTH, "signatory_nip": NIP_DIGITS,
    "second_name": NAME_LENGTH, "second_title": TITLE_LENGTH, "second_nip": NIP_DIGITS,
    "place": PLACE_LENGTH,
}
FIELDS = (*TEXTS, "ceremony_date")
LOGO_MAX_BYTES = 512 * 1024
LOGO_EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg", "image/svg+xml": "svg"}
_NIP_SPACING = re.compile(r"[\s.\-]+")
_SVG_NAMESPACE = "{http://www.w3.org/2000/svg}"
# Elements an SVG logo may not hold: script, and what can carry it or fetch other documents.
_SVG_REFUSED = {"script", "foreignObject", "iframe", "embed", "object", "use", "image", "feImage"}


def settings_of(competition: Competition) -> CeremonySettings | None:
    """The competition's ceremony settings, or ``None`` while nobody set any."""
    return db.session.scalar(select(CeremonySettings)
                             .where(CeremonySettings.competition_id == competition.id))


def settings_data(settings: CeremonySettings | None) -> dict[str, Any]:
    """The settings as plain values (empty ones while none are set), for the pages, API and CLI."""
    data: dict[str, Any] = {field: getattr(settings, field) if settings else "" for field in TEXTS}
    data["ceremony_date"] = settings.ceremony_date if settings else None
    data["logo"] = ({"media_type": settings.logo_media_type, "name": settings.logo_name,
                     "size": settings.logo_size, "sha256": settings.logo_sha256}
                    if settings and settings.logo_sha256 else None)
    return data


def nip_digits(text: str) -> str:
    """'19700101 199003 1 001' -> '197001011990031001': spaces (and dots or dashes) dropped."""
    return _NIP_SPACING.sub("", text.strip())


def nip_shown(digits: str) -> str:
    """'197001011990031001' -> '19700101 199003 1 001', as a NIP is printed."""
    if len(digits) != NIP_DIGITS:
        return digits
    return f"{digits[:8]} {digits[8:14]} {digits[14]} {digits[15:]}"


def read_date(field: str, value: str | date | None) -> tuple[date | None, str | None]:
    """A date given as a date or as 'YYYY-MM-DD' (empty: none), or the problem naming ``field``."""
    if value is None or isinstance(value, date):
        return value, None
    text = value.strip()
    if not text:
        return None, None
    try:
        return date.fromisoformat(text), None
    except ValueError:
        return None, t("%(field)s: %(value)r is not a date (YYYY-MM-DD)", field=field, value=text[:40])


@dataclass(frozen=True)
class Logo:
    """An uploaded logo: its name as sent and its bytes."""

    name: str
    data: bytes


def _svg_problem(data: bytes) -> str | None:
    """Why ``data`` is not a plain SVG drawing, or ``None``: well-formed XML whose root is <svg>,
    without a DOCTYPE or entities, script, event handlers or references to other documents."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return "encoding"
    if "<!DOCTYPE" in text.upper() or "<!ENTITY" in text.upper():
        return "doctype"
    try:
        root = ElementTree.fromstring(text)
    except ElementTree.ParseError:
        return "xml"
    if root.tag not in ("svg", f"{_SVG_NAMESPACE}svg"):
        return "root"
    for element in root.iter():
        if element.tag.rpartition("}")[2] in _SVG_REFUSED:
            return "element"
        for name, value in element.attrib.items():
            local = name.rpartition("}")[2].lower()
            if local.startswith("on"):
                return "handler"
            if local == "href" and not value.strip().startswith("#"):
                return "reference"
            if "url(" in value.replace(" ", "") and "url(#" not in value.replace(" ", ""):
                return "reference"
        if element.tag.rpartition("}")[2] == "style" and re.search(r"@import|url\(\s*['\"]?[^#'\"\s]",
                                                                    element.text or ""):
            return "reference"
    return None


def logo_type(data: bytes) -> str | None:
    """The media type of a logo by its content (never its name): PNG, JPEG or a plain SVG."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    if (head.startswith(b"<?xml") or head.startswith(b"<svg")) and _svg_problem(data) is None:
        return "image/svg+xml"
    return None


def _logo_problem(logo: Logo) -> str | None:
    if len(logo.data) > LOGO_MAX_BYTES:
        return t("logo: %(name)s is larger than the limit of %(limit)s KB", name=logo.name,
                 limit=LOGO_MAX_BYTES // 1024)
    if not logo.data:
        return t("logo: %(name)s is empty", name=logo.name)
    if logo_type(logo.data) is None:
        return t("logo: %(name)s is not a PNG, JPEG or plain SVG image", name=logo.name)
    return None


def logo_data_uri(settings: CeremonySettings | None) -> str:
    """The logo as a data: URI for a document, or "" when there is none (or its file is gone,
    as after a competition is imported without it)."""
    if settings is None or not settings.logo_sha256:
        return ""
    path = evidence_path(settings.logo_sha256)
    if not path.is_file():
        return ""
    return f"data:{settings.logo_media_type};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def _checked(values: Mapping[str, Any], current: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The new values (current ones for fields not given) and the problems, each naming its field."""
    new = dict(current)
    problems: list[str] = []
    for field, limit in TEXTS.items():
        if field not in values:
            continue
        value = str(values[field] if values[field] is not None else "").strip()
        if field.endswith("_nip"):
            value = nip_digits(value)
            if value and not (value.isascii() and value.isdigit() and len(value) == NIP_DIGITS):
                problems.append(t("%(field)s: a NIP is %(digits)s digits (spaces allowed), not %(value)r",
                                  field=field, digits=NIP_DIGITS, value=str(values[field])[:40]))
                continue
        problem = text_problem(field, value, limit, one_line=True)
        if problem:
            problems.append(problem)
            continue
        new[field] = value
    if "ceremony_date" in values:
        when, problem = read_date("ceremony_date", values["ceremony_date"])
        if problem:
            problems.append(problem)
        else:
            new["ceremony_date"] = when
    if not problems:
        for prefix in ("signatory", "second"):
            given = [new[f"{prefix}_{part}"] for part in ("name", "title", "nip")]
            if any(given):
                problems += [t("%(field)s: must not be empty", field=f"{prefix}_{part}")
                             for part in ("name", "title") if not new[f"{prefix}_{part}"]]
        if any(new[f"second_{part}"] for part in ("name", "title", "nip")) and not new["signatory_name"]:
            problems.append(t("signatory_name: set the first signatory before a second one"))
    return new, problems


@operation
def change_ceremony_settings(competition: Competition, user: User, values: Mapping[str, Any], *,
                             logo: Logo | None = None, remove_logo: bool = False) -> CeremonySettings:
    """Set the fields given in ``values`` (the others stay), and the logo or its removal.

    :raises InvalidInput: naming each field that is wrong; nothing is stored then.
    """
    if not is_organiser(user, competition):
        raise NotPermitted(t("%(user)s may not change the certificates of %(competition)s", user=user.name,
                             competition=competition.name))
    unknown = sorted(set(values) - set(FIELDS))
    if unknown:
        raise InvalidInput([t("%(field)s: not a setting of the certificates", field=field)
                            for field in unknown])
    settings = settings_of(competition)
    current = settings_data(settings)
    new, problems = _checked(values, current)
    logo_problem = _logo_problem(logo) if logo is not None else None
    if logo_problem:
        problems.append(logo_problem)
    if problems:
        raise InvalidInput(problems)
    if settings is None:
        settings = CeremonySettings(competition=competition)
        db.session.add(settings)
    changed = [field for field in FIELDS if new[field] != current[field]]
    for field in changed:
        setattr(settings, field, new[field])
    if logo is not None:
        sha256 = hashlib.sha256(logo.data).hexdigest()
        if sha256 != settings.logo_sha256:
            _store(logo.data, sha256, logo.name)
            media_type = logo_type(logo.data) or ""
            settings.logo_sha256, settings.logo_media_type = sha256, media_type
            stem = safe_file_name(logo.name, "").rpartition(".")[0] or safe_file_name(logo.name, "")
            settings.logo_name = f"{(stem or 'logo')[:200]}.{LOGO_EXTENSIONS[media_type]}"
            settings.logo_size = len(logo.data)
            changed.append("logo")
    elif remove_logo and settings.logo_sha256:
        settings.logo_sha256 = settings.logo_media_type = None
        settings.logo_name, settings.logo_size = "", 0
        changed.append("logo")
    db.session.flush()
    if changed:
        details: dict[str, Any] = {"fields": changed}
        if "logo" in changed:
            details["logo"] = settings.logo_name or "–"
        record("ceremony.settings_changed", user, competition=competition, subject=settings, details=details)
    return settings

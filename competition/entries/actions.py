"""Firing a workflow trigger from a page: the one place that turns refusals into messages."""

from __future__ import annotations

from flask import flash
from flask_babel import get_locale
from flask_login import current_user

from competition.entries.operations import change_entry_status
from competition.errors import AnugerahError
from competition.models import Entry
from competition.policy import ENTRY_WORKFLOW
from workflows import WorkflowError, get_workflow


def fire_from_page(entry: Entry, trigger: str, *, comment: str | None,
                   expected_version: int | None) -> str | None:
    """Fire ``trigger`` as the signed-in user. On success, the new status's label in the
    user's language; on refusal, ``None`` after flashing every reason."""
    try:
        event = change_entry_status(entry, trigger, current_user, comment=comment,
                                    expected_version=expected_version)
    except (WorkflowError, AnugerahError) as error:
        for reason in getattr(error, "reasons", None) or [str(error)]:
            flash(reason, "danger")
        return None
    return get_workflow(ENTRY_WORKFLOW).label(event.to_status, str(get_locale())).lower()

"""What cannot be undone asks first: every form that deletes or closes carries the question the
browser asks (competition/static/anugerah.js), on the form or on its button."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
# (template, what the form or button does) for each irreversible action found on the pages.
IRREVERSIBLE = [
    ("entries/show.html", "innovations.delete_evidence"),
    ("competitions/setup/round.html", "setup.remove_criterion_"),
    ("competitions/setup/awards.html", "setup.remove_award_"),
    ("competitions/setup/overview.html", "setup.remove_category_"),
    ("judging/panels/index.html", "panels.close"),
    ("competitions/setup/rules.html", ":remove"),
    ("notifications/messages.html", "messages.send"),
]


@pytest.mark.parametrize(("template", "action"), IRREVERSIBLE)
def test_an_irreversible_action_asks_first(template, action):
    text = (TEMPLATES / template).read_text(encoding="utf-8")
    tags = [tag for tag in re.findall(r"<(?:form|button)\b[^>]*>", text, flags=re.S) if action in tag]
    assert tags, f"{template} has no form or button for {action}"
    assert all("data-confirm-message=" in tag for tag in tags), tags

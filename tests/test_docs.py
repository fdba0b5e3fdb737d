"""The README's lifecycle diagram shows exactly the shipped workflow's transitions."""

from __future__ import annotations

import re
from pathlib import Path

from workflows import get_workflow

README = Path(__file__).resolve().parent.parent / "README.md"
EDGE = re.compile(r"^\s*(\w+) --> (\w+): (\w+)\s*$", re.MULTILINE)


def test_readme_diagram_matches_the_innovation_workflow():
    text = README.read_text(encoding="utf-8")
    diagram = text.split("```mermaid", 1)[1].split("```", 1)[0]
    expected = {(source, t.dest, t.trigger) for t in get_workflow("innovation").definition.transitions
                for source in t.sources}
    assert set(EDGE.findall(diagram)) == expected

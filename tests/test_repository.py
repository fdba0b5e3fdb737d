"""The repository itself: no file keeps the markers of an unresolved merge."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIPPED = {".git", ".venv", ".uv", "node_modules", "instance", "__pycache__", ".mypy_cache", ".ruff_cache"}
TEXT = {".py", ".md", ".txt", ".po", ".html", ".toml", ".cfg", ".csv", ".js", ".css", ".yaml", ".yml",
        ".conf", ".service", ".timer", ".ini", ".json", ".example", ""}
MARKER = re.compile(r"^(<{7}|>{7}) ", re.MULTILINE)


def sources() -> list[Path]:
    found = []
    for path in ROOT.rglob("*"):
        if path.is_file() and path.suffix in TEXT and not SKIPPED & set(path.relative_to(ROOT).parts):
            found.append(path)
    return found


def test_no_file_keeps_merge_conflict_markers():
    marked = [str(path.relative_to(ROOT)) for path in sources()
              if MARKER.search(path.read_text(encoding="utf-8", errors="replace"))]
    assert marked == []


def test_the_check_finds_a_marker(tmp_path):
    sample = "a = 1\n" + "<" * 7 + " HEAD\nb = 2\n" + "=" * 7 + "\nb = 3\n" + ">" * 7 + " branch\n"
    assert MARKER.search(sample)

"""How alike two narratives are: copy-paste from another innovation gets entries rejected."""

from __future__ import annotations

import re

WORD = re.compile(r"\w+", re.UNICODE)


def shingles(text: str, size: int = 5) -> set[tuple[str, ...]]:
    """The runs of ``size`` consecutive words, lower-cased, punctuation ignored."""
    words = [w.lower() for w in WORD.findall(text)]
    return {tuple(words[i:i + size]) for i in range(len(words) - size + 1)}


def similarity(first: str, second: str, size: int = 5) -> float:
    """Share of word runs the two texts have in common (Jaccard, 0 to 1)."""
    a, b = shingles(first, size), shingles(second, size)
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)

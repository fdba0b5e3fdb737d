"""How alike two narratives are: copy-paste from another innovation gets entries rejected."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

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


def most_alike(texts: Mapping[int, str], among: Iterable[int], threshold: float,
               size: int = 5) -> dict[int, tuple[int, float]]:
    """For each id in ``among``, the other text (by id) most alike to its own, when at least
    ``threshold`` alike; each text's word runs are found once. Ties go to the lower id."""
    runs = {key: shingles(text, size) for key, text in texts.items()}
    found: dict[int, tuple[int, float]] = {}
    for key in among:
        mine = runs.get(key)
        if not mine:
            continue
        best: tuple[int, float] | None = None
        for other, theirs in sorted(runs.items()):
            if other == key or not theirs:
                continue
            score = len(mine & theirs) / len(mine | theirs)
            if score >= threshold and (best is None or score > best[1]):
                best = (other, score)
        if best is not None:
            found[key] = best
    return found

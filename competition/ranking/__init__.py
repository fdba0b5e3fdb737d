"""Ranking maths: plain data in, plain data out. No Flask, no database session.

- :mod:`.totals` — a judge's weighted total for an entry on the 0–100 scale;
- :mod:`.aggregation` — combining judges (mean, median, trimmed mean) and their spread;
- :mod:`.normalisation` — per-judge z-scores rescaled to the rubric's range;
- :mod:`.tiebreaks` — ordering with a configurable chain of tie-break rules;
- :mod:`.bands` — predikat bands;
- :mod:`.awards` — subject scores (innovation, organisation, region) and award positions;
- :mod:`.results` — the whole computation for a competition.
"""

"""The readable results computation: one Python object at a time, exactly as the rules read.

:func:`competition.ranking.results.compute_results` works on arrays for national scale; this is
the reference it is held against (tests/ranking/test_reference.py): random competitions give the
same sealed JSON from both.
"""

from __future__ import annotations

from collections import defaultdict

from competition.ranking.awards import EntryOutcome, award_results
from competition.ranking.bands import predikat
from competition.ranking.exact import shown
from competition.ranking.results import (
    CompetitionInputs,
    EntryResult,
    Results,
    RoundScore,
    exact_round_scores,
    final_score,
    tiebreak_values,
)
from competition.ranking.tiebreaks import Contender, rank
from competition.ranking.totals import SheetSummary


def compute_results_readable(inputs: CompetitionInputs) -> Results:
    """The whole computation one object at a time: the definition the arrays keep to."""
    rounds = sorted(inputs.rounds, key=lambda r: r.position)
    by_round: dict[int, list[SheetSummary]] = defaultdict(list)
    by_entry: dict[int, list[SheetSummary]] = defaultdict(list)
    for sheet in inputs.sheets:
        by_round[sheet.round_id].append(sheet)
        by_entry[sheet.entry_id].append(sheet)
    scores_by_round = {r.id: exact_round_scores(r, by_round[r.id], inputs.disagreement_threshold)
                       for r in rounds}

    facts = {e.id: e for e in inputs.entries}
    outcomes: dict[int, EntryOutcome] = {}
    entry_rounds: dict[int, tuple[RoundScore, ...]] = {}
    for entry_id in sorted(facts):
        scored = [(r, scores_by_round[r.id][entry_id]) for r in rounds if entry_id in scores_by_round[r.id]]
        if not scored:
            continue
        entry = facts[entry_id]
        outcomes[entry_id] = EntryOutcome(
            entry_id=entry_id, organisation_id=entry.organisation_id, region_id=entry.region_id,
            category_id=entry.category_id, score=shown(final_score([(r, s[0]) for r, s in scored])),
            stage=len(scored),
            tiebreak=tiebreak_values(scored[-1][0], by_entry[entry_id], entry.submitted_at))
        entry_rounds[entry_id] = tuple(s[1] for _, s in scored)

    # The overall ranking of innovations; organisers' decisions belong to awards.
    placings = rank([Contender(key=o.entry_id, score=o.score, stage=o.stage, tiebreak=o.tiebreak)
                     for o in outcomes.values()],
                    [rule for rule in inputs.chain if rule != "organiser_decision"])
    entries = tuple(
        EntryResult(entry_id=p.key, score=p.score, stage=p.stage, place=p.place, shared=p.shared,
                    separated_by=p.separated_by,
                    band=predikat(p.score, inputs.bands, has_evidence=facts[p.key].has_evidence),
                    rounds=entry_rounds[p.key], compared=p.compared)
        for p in placings)
    awards = award_results(inputs.awards, list(outcomes.values()), chain=inputs.chain,
                           decisions=inputs.decisions,
                           one_award_per_organisation=inputs.one_award_per_organisation)
    return Results(entries=entries, awards=tuple(awards))

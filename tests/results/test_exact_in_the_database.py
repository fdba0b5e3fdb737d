"""One number through the database, on SQLite and PostgreSQL alike.

Random competitions are written to the database with their rows in a random order; the results
worked out from the database (sheets summarised in SQL, ranked on arrays) must be the readable
reference's, computed in Python from the raw marks; and writing the same marks again in another
order — other row ids, other physical order — must give the same sealed hash.
"""

from __future__ import annotations

import random
from dataclasses import asdict
from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, insert, select, update

from competition.extensions import db
from competition.judging.sheets import raw_sheets, round_spec
from competition.models import Assignment, Criterion, Round, Score
from competition.ranking.results import (
    canonical_json,
    compute_results,
    inputs_from_data,
    inputs_to_data,
    results_to_data,
    seal_hash,
    summarise,
)
from competition.ranking.totals import summarise_sheet
from competition.results.operations import build_inputs
from tests.factories import make_competition, make_entry, make_organisation, make_user
from tests.ranking.reference import compute_results_readable

MOMENT = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)


def write_competition(rng: random.Random):
    """A competition in the results phase with one or two closed rounds and confirmed scores;
    returns it and the marks as (round, entry, judge, criterion, value) in the order written."""
    competition = make_competition(phase="results", categories=("Tata Kelola", "Pelayanan Publik"))
    organisations = [make_organisation(competition.region) for _ in range(3)]
    organisations.append(make_organisation(competition.region, parent=organisations[0]))
    judges = [make_user(competition, "judge") for _ in range(4)]
    entries = [make_entry(competition, rng.choice(organisations), status="scored",
                          category_id=rng.choice(competition.categories).id,
                          first_submitted_at=MOMENT + timedelta(hours=rng.choice((1, 2, 3))))
               for _ in range(rng.randint(2, 9))]
    rounds = []
    for position in range(1, rng.choice((1, 1, 2)) + 1):
        round_id = db.session.execute(insert(Round).returning(Round.id), [{
            "competition_id": competition.id, "position": position, "name": f"Babak {position}",
            "aggregation": rng.choice(("mean", "mean", "median")), "normalise": False, "weight": 1.0,
            "status": "closed"}]).scalar_one()
        for number in range(rng.randint(1, 3)):
            maximum = rng.choice((3.0, 100.0))
            db.session.execute(insert(Criterion), [{
                "round_id": round_id, "position": number + 1, "name": f"Kriteria {number + 1}",
                "weight": rng.choice((1.0, 2.0, 0.5)), "min_value": 1.0 if maximum == 3 else 0.0,
                "max_value": maximum, "step": None, "independent": False}])
        rounds.append(db.session.get(Round, round_id))
    db.session.commit()
    marks = []
    for round_ in rounds:
        for entry in entries:
            for judge in rng.sample(judges, rng.randint(1, 3)):
                for criterion in round_.criteria:
                    low, high = int(criterion.min_value), int(criterion.max_value)
                    value = rng.choice((low, high, (low + high) / 2, high - (high - low) / 4, 60.05))
                    marks.append((round_.id, entry.id, judge.id, criterion.id, min(float(high), value)))
    write_marks(marks, rng)
    return competition, marks


def write_marks(marks, rng: random.Random) -> None:
    """Confirmed sheets for ``marks``, written in a random order."""
    sheets = sorted({(r, e, j) for r, e, j, _, _ in marks})
    rng.shuffle(sheets)
    ids = {}
    for round_id, entry_id, judge_id in sheets:
        ids[(round_id, entry_id, judge_id)] = db.session.execute(
            insert(Assignment).returning(Assignment.id), [{
            "round_id": round_id, "entry_id": entry_id, "judge_id": judge_id, "source": "manual",
            "status": "confirmed", "confirmed_at": MOMENT, "created_at": MOMENT}]).scalar_one()
    shuffled = list(marks)
    rng.shuffle(shuffled)
    db.session.execute(insert(Score), [{"assignment_id": ids[(r, e, j)], "criterion_id": c, "value": v,
                                        "comment": "", "updated_at": MOMENT}
                                       for r, e, j, c, v in shuffled])
    db.session.commit()


def store_some_summaries(round_ids, rng: random.Random) -> None:
    """As confirming does, for a random half of the sheets; the rest stay as sheets confirmed
    before summaries were stored, added up from their marks."""
    specs = {r.id: round_spec(r) for r in db.session.scalars(select(Round).where(Round.id.in_(round_ids)))}
    for sheet in raw_sheets(round_ids):
        if rng.random() < 0.5:
            summary = summarise_sheet(sheet.round_id, sheet.entry_id, sheet.judge_id, sheet.values,
                                      specs[sheet.round_id].criteria)
            db.session.execute(update(Assignment).where(
                Assignment.round_id == sheet.round_id, Assignment.entry_id == sheet.entry_id,
                Assignment.judge_id == sheet.judge_id).values(
                points=summary.points, heaviest_mark=summary.heaviest, top_marks=summary.top_marks,
                marks=summary.marks))
    db.session.commit()


def sealed(competition):
    inputs = build_inputs(competition)
    data = inputs_to_data(inputs)
    results = results_to_data(compute_results(inputs))
    return inputs, data, results, seal_hash(data, results)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(seed=st.integers(0, 10 ** 9))
def test_the_database_gives_the_reference_and_no_row_order_changes_the_hash(app, seed):
    rng = random.Random(seed)
    competition, marks = write_competition(rng)
    store_some_summaries(sorted({m[0] for m in marks}), rng)
    inputs, data, results, first_hash = sealed(competition)

    # The reference, from the raw marks summarised in Python.
    round_ids = [r.id for r in inputs.rounds]
    reference = inputs_from_data(dict(data, sheets=[
        asdict(s) for s in summarise(raw_sheets(round_ids), inputs.rounds)]))
    assert canonical_json(results) == canonical_json(results_to_data(compute_results_readable(reference)))

    # The same marks again, in another order: other ids, the same sealed hash.
    assignments = select(Assignment.id).where(Assignment.round_id.in_(round_ids))
    db.session.execute(delete(Score).where(Score.assignment_id.in_(assignments)))
    db.session.execute(delete(Assignment).where(Assignment.round_id.in_(round_ids)))
    db.session.commit()
    write_marks(list(reversed(marks)), random.Random(seed + 1))
    assert sealed(competition)[3] == first_hash

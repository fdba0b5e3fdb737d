"""Saving a judge's draft as the scoring page holds it: values saved and emptied criteria
cleared together, or nothing at all."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from competition.errors import InvalidInput, NotPermitted
from competition.extensions import db
from competition.judging.operations import assign_judge
from competition.judging.rounds import open_round
from competition.judging.scoring import confirm_scores, save_scores
from competition.models import Score
from tests.judging.test_operations import Judging


@pytest.fixture
def sheet(app):
    """Judge 1 assigned to Inovasi 5 in an open round with the IGA rubric, two values saved."""
    judging = Judging()
    round_ = judging.round()
    assignment = assign_judge(round_, judging.entries[4], judging.judges[0], judging.organiser)
    open_round(round_, judging.organiser)
    criteria = judging.criteria(round_)
    save_scores(assignment, judging.judges[0], {criteria[0]: (70, "Cukup baru"), criteria[1]: 60})
    return judging, assignment, criteria


def stored() -> dict[int, float]:
    return {s.criterion_id: s.value for s in db.session.scalars(select(Score))}


def test_values_are_saved_and_emptied_criteria_cleared_together(sheet):
    judging, assignment, c = sheet
    save_scores(assignment, judging.judges[0], {c[2]: 90, c[0]: (75, "")}, cleared=[c[1], c[3]])
    assert stored() == {c[0]: 75, c[2]: 90}


def test_a_refused_value_keeps_the_cleared_scores_too(sheet):
    judging, assignment, c = sheet
    with pytest.raises(InvalidInput) as invalid:
        save_scores(assignment, judging.judges[0], {c[2]: 101}, cleared=[c[0]])
    assert invalid.value.problems == ["Replikasi dan aplikatif: 101 is off the scale 0–100"]
    assert stored() == {c[0]: 70, c[1]: 60}


def test_only_the_assigned_judge_and_only_before_confirming(sheet):
    judging, assignment, c = sheet
    with pytest.raises(NotPermitted):
        save_scores(assignment, judging.judges[1], {}, cleared=[c[0]])
    with pytest.raises(InvalidInput, match="criterion 99999 is not in the rubric"):
        save_scores(assignment, judging.judges[0], {}, cleared=[99999])
    save_scores(assignment, judging.judges[0], dict(zip(c, [80, 70, 90, 60, 100], strict=True)))
    confirm_scores(assignment, judging.judges[0])
    with pytest.raises(InvalidInput, match="confirmed and locked"):
        save_scores(assignment, judging.judges[0], {}, cleared=[c[0]])
    assert stored() == dict(zip(c, [80, 70, 90, 60, 100], strict=True))

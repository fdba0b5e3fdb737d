"""Parsing and validating workflow files: every problem is named with its line."""

from __future__ import annotations

import pytest

from competition.judging.models import ROUND_STATUSES, SCORING_ACTIONS, SHEET_STATUSES
from competition.models import COMPETITION_PHASES, ENTRY_STATUSES
from competition.results.models import RESULT_SET_STATUSES
from workflows import WorkflowDefinitionError, load_workflows, parse_workflow
from workflows.guards import GUARDS

VALID = """\
name = "mini"
label_id = "Mini"
label_en = "Mini"
initial = "draft"
phase_workflow = "competition"

[[states]]
name = "draft"
label_id = "Draf"
label_en = "Draft"
kind = "editable"

[[states]]
name = "done"
label_id = "Selesai"
label_en = "Done"
kind = "final"

[[transitions]]
trigger = "finish"
label_id = "Selesaikan"
label_en = "Finish"
sources = ["draft"]
dest = "done"
roles = ["submitter"]
phases = ["open"]
guards = ["entry_complete"]
"""
PHASES = {"competition": COMPETITION_PHASES}


def parse(text: str):
    return parse_workflow(text, "mini.toml", guard_names=frozenset(GUARDS), phase_names=PHASES)


def problems_of(text: str) -> list[str]:
    with pytest.raises(WorkflowDefinitionError) as caught:
        parse(text)
    return caught.value.problems


def test_valid_definition_parses():
    definition = parse(VALID)
    assert definition.initial == "draft"
    assert definition.state_names == ("draft", "done")
    assert definition.transition("finish").phases == frozenset({"open"})


def test_toml_syntax_error_names_the_line():
    [problem] = problems_of(VALID.replace('dest = "done"', 'dest = "done'))
    assert problem.startswith("mini.toml: not valid TOML")
    assert "line 24" in problem


def test_unknown_destination_named_with_its_line():
    assert problems_of(VALID.replace('dest = "done"', 'dest = "dnoe"')) == [
        "mini.toml line 24: transition 'finish' has unknown destination state 'dnoe'"]


def test_unknown_source_named_with_its_line():
    assert problems_of(VALID.replace('sources = ["draft"]', 'sources = ["draft", "drift"]')) == [
        "mini.toml line 23: transition 'finish' has unknown source state 'drift'"]


def test_unknown_guard_named_with_its_line():
    assert problems_of(VALID.replace('"entry_complete"', '"entry_is_lovely"')) == [
        "mini.toml line 27: transition 'finish' names unknown guard 'entry_is_lovely'"]


def test_unknown_role_and_phase_are_both_reported():
    text = VALID.replace('roles = ["submitter"]', 'roles = ["bupati"]').replace('"open"]', '"opened"]')
    problems = problems_of(text)
    assert len(problems) == 2
    assert problems[0].startswith("mini.toml line 25: transition 'finish' names unknown role 'bupati'")
    assert problems[1] == "mini.toml line 26: transition 'finish' names unknown phase 'opened'"


def test_unknown_initial_state():
    assert problems_of(VALID.replace('initial = "draft"', 'initial = "start"')) == [
        "mini.toml line 4: initial state 'start' is not a defined state"]


def test_unreachable_state():
    text = VALID + '\n[[states]]\nname = "lost"\nlabel_id = "Hilang"\nlabel_en = "Lost"\nkind = "final"\n'
    assert problems_of(text) == [
        "mini.toml line 29: state 'lost' is unreachable from the initial state 'draft'"]


def test_final_state_with_a_way_out_and_dead_end_non_final_state():
    text = VALID.replace('kind = "final"', 'kind = "accepted"')
    assert problems_of(text) == [
        "mini.toml line 13: state 'done' has no outgoing transition; mark it kind = \"final\""]


def test_duplicate_trigger_and_state():
    text = VALID + VALID[VALID.index("[[transitions]]"):]
    assert problems_of(text) == ["mini.toml line 29: trigger 'finish' is defined twice"]
    text = VALID.replace('name = "done"', 'name = "draft"')
    assert "state 'draft' is defined twice" in problems_of(text)[0]


def test_unknown_key_and_missing_labels():
    text = VALID.replace('label_en = "Finish"\n', 'label_en = "Finish"\ncoment_required = true\n')
    assert problems_of(text) == ["mini.toml line 23: transition 'finish' has unknown keys: coment_required"]


def test_phases_need_a_phase_workflow():
    text = VALID.replace('phase_workflow = "competition"\n', "")
    assert problems_of(text) == [
        "mini.toml line 25: transition 'finish' lists phases but the workflow has no 'phase_workflow'"]


def test_shipped_workflows_match_the_database_status_values():
    workflows = load_workflows()
    assert workflows["innovation"].definition.state_names == ENTRY_STATUSES
    assert workflows["competition"].definition.state_names == COMPETITION_PHASES
    assert workflows["round"].definition.state_names == ROUND_STATUSES
    assert workflows["result_set"].definition.state_names == RESULT_SET_STATUSES
    assert workflows["scoring_sheet"].definition.state_names == SHEET_STATUSES
    # A sheet's audit row names the trigger that changed it.
    assert tuple(workflows["scoring_sheet"].triggers) == SCORING_ACTIONS


def test_new_rows_start_in_their_workflow_s_initial_state():
    from competition.models import Assignment, Competition, Entry, ResultSet, Round

    workflows = load_workflows()
    for column, workflow in ((Entry.__table__.c.status, "innovation"),
                             (Competition.__table__.c.phase, "competition"),
                             (Round.__table__.c.status, "round"),
                             (Assignment.__table__.c.status, "scoring_sheet"),
                             (ResultSet.__table__.c.status, "result_set")):
        assert column.default.arg == workflows[workflow].definition.initial, column


def test_workflows_naming_phases_load_after_the_competition_workflow():
    workflows = load_workflows()
    assert list(workflows)[0] == "competition"
    assert {name for name, w in workflows.items() if w.definition.phase_workflow == "competition"} == {
        "innovation", "round", "result_set", "scoring_sheet"}


def test_shipped_workflows_are_compiled_once():
    assert load_workflows() is load_workflows()
    assert load_workflows()["innovation"].machine.models == []

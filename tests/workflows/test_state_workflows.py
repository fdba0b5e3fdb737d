"""The round, result-set and scoring-sheet workflows on their own: no database, hand-written
expectations, as tests/workflows/test_engine.py does for the innovation workflow."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest
from transitions import MachineError

from workflows import Actor, TriggerRefused, firing_on, get_workflow

NOW = datetime(2026, 6, 1, 3, 0, tzinfo=UTC)
JUDGE_ID = 7
PHASES = ("setup", "open", "verification", "judging", "results", "closed")
ROLES = ("organiser", "verifier", "judge", "submitter", "system")


@dataclass(frozen=True)
class Spec:
    """What a workflow allows: every allowed (state, trigger) pair and where it leads (every other
    pair is refused), who fires each trigger, in which phases, and which need a comment."""

    states: tuple[str, ...]
    allowed: dict[tuple[str, str], str]
    roles: dict[str, set[str]]
    phases: dict[str, set[str]]
    comment_required: set[str]

    @property
    def triggers(self) -> list[str]:
        return list(dict.fromkeys(trigger for _, trigger in self.allowed))

    def source(self, trigger: str) -> str:
        return next(state for (state, move) in self.allowed if move == trigger)


SPECS = {
    "round": Spec(
        states=("setup", "open", "closed"),
        allowed={("setup", "open"): "open", ("open", "close"): "closed", ("closed", "reopen"): "open"},
        roles={"open": {"organiser"}, "close": {"organiser"}, "reopen": {"organiser"}},
        phases={"open": {"judging"}, "close": {"judging"}, "reopen": {"judging"}},
        comment_required={"reopen"}),
    "result_set": Spec(
        states=("sealed", "published"),
        allowed={("sealed", "publish"): "published"},
        roles={"publish": {"organiser"}},
        phases={"publish": {"results"}},
        comment_required=set()),
    "scoring_sheet": Spec(
        states=("open", "confirmed", "removed"),
        allowed={("open", "confirm"): "confirmed", ("confirmed", "reopen"): "open",
                 ("open", "remove"): "removed", ("open", "declare_conflict"): "removed"},
        roles={"confirm": {"judge"}, "reopen": {"organiser"}, "remove": {"organiser"},
               "declare_conflict": {"judge"}},
        phases={"confirm": {"judging"}, "reopen": {"judging"},
                "remove": {"setup", "open", "verification", "judging"}, "declare_conflict": set(PHASES)},
        comment_required={"reopen", "declare_conflict"}),
}
PAIRS = [(name, state, trigger) for name, spec in SPECS.items()
         for state in spec.states for trigger in spec.triggers]
TRIGGERS = [(name, trigger) for name, spec in SPECS.items() for trigger in spec.triggers]


@dataclass
class FakeRound:
    """A round that may open and be reopened, unless told otherwise."""

    status: str
    name: str = "Presentasi"
    criteria: list[str] = field(default_factory=lambda: ["Kebaharuan"])
    panels: list[str] = field(default_factory=lambda: ["Tim penilai"])
    unclosed_earlier: list[str] = field(default_factory=list)
    started_later: list[str] = field(default_factory=list)
    assigned_later: list[str] = field(default_factory=list)

    def unclosed_earlier_round_names(self) -> list[str]:
        return self.unclosed_earlier

    def started_later_round_names(self) -> list[str]:
        return self.started_later

    def assigned_later_round_names(self) -> list[str]:
        return self.assigned_later


@dataclass
class FakeEntry:
    title: str = "Si-Sehat"


@dataclass
class FakeSheet:
    status: str
    judge_id: int = JUDGE_ID
    entry: FakeEntry = field(default_factory=FakeEntry)
    round: FakeRound = field(default_factory=lambda: FakeRound(status="open"))


@dataclass
class FakeResultSet:
    status: str


def subject(name: str, state: str) -> Any:
    return {"round": FakeRound, "result_set": FakeResultSet, "scoring_sheet": FakeSheet}[name](status=state)


def actor(*roles: str, user_id: int = JUDGE_ID) -> Actor:
    return Actor(user_id=user_id, name="Sari", roles=frozenset(roles), organisation_id=None)


def fire(name: str, row: Any, trigger: str, *, roles: set[str] | None = None, phase: str | None = None,
         comment: str | None = "alasan", user_id: int = JUDGE_ID) -> tuple[str, str]:
    spec = SPECS[name]
    roles = roles if roles is not None else spec.roles[trigger]
    phase = phase if phase is not None else sorted(spec.phases[trigger])[0]
    return get_workflow(name).fire(row, trigger, actor(*roles, user_id=user_id), comment=comment,
                                   phase=phase, now=NOW)


@pytest.mark.parametrize("name", SPECS)
def test_the_workflow_has_exactly_these_states_and_triggers(name):
    definition = get_workflow(name).definition
    assert definition.state_names == SPECS[name].states
    assert definition.initial == SPECS[name].states[0]
    assert [t.trigger for t in definition.transitions] == SPECS[name].triggers
    assert {t.trigger for t in definition.transitions if t.comment_required} == SPECS[name].comment_required
    for state in definition.states:
        assert state.label_id and state.label_en and state.label_id != state.label_en
    assert definition.phase_workflow == "competition"


@pytest.mark.parametrize(("name", "state", "trigger"), PAIRS)
def test_machine_alone_every_state_and_trigger(name, state, trigger):
    machine = get_workflow(name).machine
    row = subject(name, state)
    if (state, trigger) in SPECS[name].allowed:
        assert machine.events[trigger].trigger(row) is True
        assert row.status == SPECS[name].allowed[(state, trigger)]
    else:
        with pytest.raises(MachineError):
            machine.events[trigger].trigger(row)
        assert row.status == state


@pytest.mark.parametrize(("name", "state", "trigger"), PAIRS)
def test_engine_every_state_and_trigger(name, state, trigger):
    row = subject(name, state)
    allowed = SPECS[name].allowed
    if (state, trigger) in allowed:
        assert fire(name, row, trigger) == (state, allowed[(state, trigger)])
        assert row.status == allowed[(state, trigger)]
    else:
        with pytest.raises(TriggerRefused) as refused:
            fire(name, row, trigger)
        assert refused.value.reasons == [
            f"not possible from status '{state}' (only from {SPECS[name].source(trigger)})"]
        assert row.status == state


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "trigger"), TRIGGERS)
def test_roles_allowed_per_trigger(name, trigger, role):
    source = SPECS[name].source(trigger)
    row = subject(name, source)
    if role in SPECS[name].roles[trigger]:
        fire(name, row, trigger, roles={role})
        assert row.status != source
    else:
        with pytest.raises(TriggerRefused) as refused:
            fire(name, row, trigger, roles={role})
        assert refused.value.reasons == [f"needs the role {' or '.join(sorted(SPECS[name].roles[trigger]))}; "
                                         f"Sari has {role} here"]
        assert row.status == source


@pytest.mark.parametrize("phase", PHASES)
@pytest.mark.parametrize(("name", "trigger"), TRIGGERS)
def test_phases_allowed_per_trigger(name, trigger, phase):
    row = subject(name, SPECS[name].source(trigger))
    if phase in SPECS[name].phases[trigger]:
        fire(name, row, trigger, phase=phase)
    else:
        with pytest.raises(TriggerRefused) as refused:
            fire(name, row, trigger, phase=phase)
        assert refused.value.reasons == [
            f"not allowed while the competition is in phase '{phase}' "
            f"(only in {', '.join(sorted(SPECS[name].phases[trigger]))})"]


@pytest.mark.parametrize("comment", [None, "", "   "])
@pytest.mark.parametrize(("name", "trigger"), [("round", "reopen"), ("scoring_sheet", "reopen"),
                                              ("scoring_sheet", "declare_conflict")])
def test_reopening_needs_a_reason(name, trigger, comment):
    row = subject(name, SPECS[name].source(trigger))
    with pytest.raises(TriggerRefused) as refused:
        fire(name, row, trigger, comment=comment)
    assert refused.value.reasons == ["a comment giving the reason is required"]


def test_a_round_opens_after_the_rounds_before_it_with_its_rubric_and_panel():
    row = FakeRound(status="setup", unclosed_earlier=["Dokumen", "Wawancara"], criteria=[], panels=[])
    with pytest.raises(TriggerRefused) as refused:
        fire("round", row, "open")
    assert refused.value.reasons == ["round 'Dokumen' must be closed first",
                                     "round 'Presentasi' has no rubric",
                                     "round 'Presentasi' has no panel of judges"]
    assert get_workflow("round").guard_refusals(row, "open", actor("organiser"), phase="setup", now=NOW) == \
        refused.value.reasons
    assert row.status == "setup"


def test_a_round_is_reopened_only_while_no_later_round_has_left_set_up():
    row = FakeRound(status="closed", started_later=["Presentasi final"])
    with pytest.raises(TriggerRefused) as refused:
        fire("round", row, "reopen")
    assert refused.value.reasons == [
        "round 'Presentasi final' has already been opened, so an earlier round can no longer be reopened"]
    row.started_later = []
    fire("round", row, "reopen")
    assert row.status == "open"


def test_a_round_is_reopened_only_while_no_judge_is_assigned_in_a_later_round():
    """Reopening may change who moves on; sheets in the next round would keep entries that no
    longer advance."""
    row = FakeRound(status="closed", assigned_later=["Presentasi final"])
    with pytest.raises(TriggerRefused) as refused:
        fire("round", row, "reopen")
    assert refused.value.reasons == [
        "judges are already assigned in round 'Presentasi final'; remove those assignments before "
        "reopening an earlier round"]
    row.assigned_later = []
    fire("round", row, "reopen")
    assert row.status == "open"


def test_a_judge_confirms_only_their_own_sheet():
    row = FakeSheet(status="open")
    with pytest.raises(TriggerRefused) as refused:
        fire("scoring_sheet", row, "confirm", user_id=JUDGE_ID + 1)
    assert refused.value.reasons == ["Sari is not assigned to 'Si-Sehat' in round 'Presentasi'"]


@pytest.mark.parametrize("round_status", ["setup", "closed"])
@pytest.mark.parametrize("trigger", ["confirm", "reopen"])
def test_a_sheet_changes_only_while_its_round_is_open(trigger, round_status):
    row = FakeSheet(status=SPECS["scoring_sheet"].source(trigger), round=FakeRound(status=round_status))
    with pytest.raises(TriggerRefused) as refused:
        fire("scoring_sheet", row, trigger)
    assert refused.value.reasons == [
        "round 'Presentasi' is not open; scores change only while their round is open"]


@pytest.mark.parametrize(("name", "trail", "expected"), [
    ("round", ["open", "close", "reopen", "close"], "closed"),
    ("result_set", ["publish"], "published"),
    ("scoring_sheet", ["confirm", "reopen", "confirm"], "confirmed"),
])
def test_replay_follows_the_triggers(name, trail, expected):
    assert get_workflow(name).replay(trail) == expected


def test_the_engine_says_whom_it_is_moving_only_while_it_moves_them():
    seen: list[tuple[bool, bool]] = []
    other = FakeResultSet(status="sealed")

    class Watched:
        def __init__(self) -> None:
            self._status = "sealed"

        @property
        def status(self) -> str:
            return self._status

        @status.setter
        def status(self, value: str) -> None:
            seen.append((firing_on(self), firing_on(other)))
            self._status = value

    row = Watched()
    row.status = "sealed"
    fire("result_set", row, "publish")
    assert seen == [(False, False), (True, False)]
    assert not firing_on(row)

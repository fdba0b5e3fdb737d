"""The innovation workflow on its own: no database, hand-written expectations."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
from transitions import MachineError

from workflows import Actor, TriggerRefused, UnknownTrigger, get_workflow

STATES = ["draft", "submitted", "returned", "verified", "scored", "awarded", "rejected", "withdrawn"]
TRIGGERS = ["submit", "resubmit", "withdraw", "return_for_revision", "verify", "reject",
            "complete_scoring", "reopen_scoring", "award"]
# Every allowed (state, trigger) pair and where it leads; every other pair is refused.
ALLOWED = {
    ("draft", "submit"): "submitted",
    ("returned", "resubmit"): "submitted",
    ("draft", "withdraw"): "withdrawn",
    ("submitted", "withdraw"): "withdrawn",
    ("returned", "withdraw"): "withdrawn",
    ("submitted", "return_for_revision"): "returned",
    ("submitted", "verify"): "verified",
    ("submitted", "reject"): "rejected",
    ("verified", "complete_scoring"): "scored",
    ("scored", "reopen_scoring"): "verified",
    ("scored", "award"): "awarded",
}
ROLES = {
    "submit": {"submitter"}, "resubmit": {"submitter"}, "withdraw": {"submitter"},
    "return_for_revision": {"verifier"}, "verify": {"verifier"}, "reject": {"verifier"},
    "complete_scoring": {"organiser", "system"}, "reopen_scoring": {"organiser", "system"},
    "award": {"organiser", "system"},
}
PHASES = {
    "submit": {"open"}, "resubmit": {"open", "verification"},
    "withdraw": {"open", "verification"},
    "return_for_revision": {"open", "verification"}, "verify": {"open", "verification"},
    "reject": {"open", "verification"}, "complete_scoring": {"judging"},
    "reopen_scoring": {"judging"}, "award": {"results"},
}
SOURCE = {trigger: state for (state, trigger) in ALLOWED}
NOW = datetime(2026, 5, 1, 3, 0, tzinfo=UTC)
OWN_ORG, OTHER_ORG = 1, 2


@dataclass
class FakeCompetition:
    submission_opens_at: datetime = NOW - timedelta(days=10)
    submission_closes_at: datetime = NOW + timedelta(days=10)
    verification_closes_at: datetime = NOW + timedelta(days=20)


@dataclass
class FakeEntry:
    status: str
    missing: list[str] = field(default_factory=list)
    competition: FakeCompetition = field(default_factory=FakeCompetition)

    def organisation_lineage_ids(self) -> list[int]:
        return [OWN_ORG, 10]

    def missing_for_submission(self) -> list[str]:
        return self.missing


def actor(*roles: str, organisation_id: int | None = None) -> Actor:
    if organisation_id is None:
        organisation_id = OWN_ORG if "submitter" in roles else OTHER_ORG
    return Actor(user_id=7, name="Sari", roles=frozenset(roles), organisation_id=organisation_id)


def fire(entry: FakeEntry, trigger: str, *, roles: set[str] | None = None, phase: str | None = None,
         comment: str | None = "alasan", now: datetime = NOW, organisation_id: int | None = None):
    roles = roles if roles is not None else ROLES[trigger]
    phase = phase if phase is not None else sorted(PHASES[trigger])[0]
    return get_workflow("innovation").fire(entry, trigger, actor(*roles, organisation_id=organisation_id),
                                           comment=comment, phase=phase, now=now)


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("trigger", TRIGGERS)
def test_machine_alone_every_state_and_trigger(state, trigger):
    machine = get_workflow("innovation").machine
    entry = FakeEntry(status=state)
    if (state, trigger) in ALLOWED:
        assert machine.events[trigger].trigger(entry) is True
        assert entry.status == ALLOWED[(state, trigger)]
    else:
        with pytest.raises(MachineError):
            machine.events[trigger].trigger(entry)
        assert entry.status == state


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("trigger", TRIGGERS)
def test_engine_every_state_and_trigger(state, trigger):
    entry = FakeEntry(status=state)
    if (state, trigger) in ALLOWED:
        assert fire(entry, trigger) == (state, ALLOWED[(state, trigger)])
        assert entry.status == ALLOWED[(state, trigger)]
    else:
        with pytest.raises(TriggerRefused) as refused:
            fire(entry, trigger)
        assert refused.value.reasons[0].startswith(f"not possible from status '{state}'")
        assert entry.status == state


@pytest.mark.parametrize("role", ["organiser", "verifier", "judge", "submitter", "system"])
@pytest.mark.parametrize("trigger", TRIGGERS)
def test_roles_allowed_per_trigger(trigger, role):
    entry = FakeEntry(status=SOURCE[trigger])
    if role in ROLES[trigger]:
        fire(entry, trigger, roles={role})
        assert entry.status != SOURCE[trigger]
    else:
        with pytest.raises(TriggerRefused) as refused:
            fire(entry, trigger, roles={role})
        assert any(r.startswith("needs the role") for r in refused.value.reasons)
        assert entry.status == SOURCE[trigger]


@pytest.mark.parametrize("phase", ["setup", "open", "verification", "judging", "results", "closed"])
@pytest.mark.parametrize("trigger", TRIGGERS)
def test_phases_allowed_per_trigger(trigger, phase):
    entry = FakeEntry(status=SOURCE[trigger])
    if phase in PHASES[trigger]:
        fire(entry, trigger, phase=phase)
    else:
        with pytest.raises(TriggerRefused) as refused:
            fire(entry, trigger, phase=phase)
        assert refused.value.reasons == [
            f"not allowed while the competition is in phase '{phase}' "
            f"(only in {', '.join(sorted(PHASES[trigger]))})"]


@pytest.mark.parametrize("trigger", ["return_for_revision", "reject", "reopen_scoring"])
@pytest.mark.parametrize("comment", [None, "", "   "])
def test_return_and_reject_need_a_comment(trigger, comment):
    with pytest.raises(TriggerRefused) as refused:
        fire(FakeEntry(status=SOURCE[trigger]), trigger, comment=comment)
    assert refused.value.reasons == ["a comment giving the reason is required"]


def test_submit_refused_with_every_reason_at_once():
    entry = FakeEntry(status="draft", missing=["no evidence (data dukung) attached"])
    with pytest.raises(TriggerRefused) as refused:
        fire(entry, "submit", organisation_id=OTHER_ORG, now=NOW + timedelta(days=11))
    assert refused.value.reasons == [
        "Sari does not belong to the organisation that owns this innovation",
        "incomplete: no evidence (data dukung) attached",
        "submission closed at 2026-05-11 03:00 UTC",
    ]
    assert entry.status == "draft"


def test_submit_before_the_window_opens():
    with pytest.raises(TriggerRefused, match="submission opens at 2026-04-21 03:00 UTC"):
        fire(FakeEntry(status="draft"), "submit", now=NOW - timedelta(days=11))


def test_resubmit_after_verification_closes():
    with pytest.raises(TriggerRefused, match="verification closed at 2026-05-21 03:00 UTC"):
        fire(FakeEntry(status="returned"), "resubmit", phase="verification", now=NOW + timedelta(days=20))


@pytest.mark.parametrize("trigger", ["verify", "return_for_revision", "reject"])
@pytest.mark.parametrize("organisation_id", [OWN_ORG, 10])
def test_verifier_of_the_entry_organisation_or_above_is_refused(trigger, organisation_id):
    with pytest.raises(TriggerRefused, match="conflict of interest"):
        fire(FakeEntry(status="submitted"), trigger, organisation_id=organisation_id)


def test_submitter_of_a_parent_organisation_may_submit():
    entry = FakeEntry(status="draft")
    fire(entry, "submit", organisation_id=10)
    assert entry.status == "submitted"


def test_unknown_trigger_names_the_known_ones():
    with pytest.raises(UnknownTrigger) as unknown:
        fire(FakeEntry(status="draft"), "approve", roles={"verifier"}, phase="open")
    assert str(unknown.value).startswith("'approve' is not an action of the innovation workflow; "
                                         "known actions: submit, resubmit, withdraw")


@pytest.mark.parametrize(("state", "roles", "phase", "expected"), [
    ("draft", {"submitter"}, "open", ["submit", "withdraw"]),
    ("draft", {"submitter"}, "verification", ["withdraw"]),
    ("submitted", {"verifier"}, "verification", ["return_for_revision", "verify", "reject"]),
    ("submitted", {"submitter"}, "open", ["withdraw"]),
    ("returned", {"submitter"}, "verification", ["resubmit", "withdraw"]),
    ("verified", {"organiser"}, "judging", ["complete_scoring"]),
    ("awarded", {"organiser", "verifier", "submitter"}, "results", []),
])
def test_available_triggers(state, roles, phase, expected):
    workflow = get_workflow("innovation")
    assert workflow.available_triggers(FakeEntry(status=state), actor(*roles), phase=phase,
                                       now=NOW) == expected


def test_one_shared_machine_leaves_no_trace_on_the_row():
    entry = FakeEntry(status="returned")
    fire(entry, "resubmit")
    assert not hasattr(entry, "trigger")
    assert not hasattr(entry, "resubmit")
    assert get_workflow("innovation").machine.models == []


def test_replay_follows_the_triggers():
    assert get_workflow("innovation").replay(
        ["submit", "return_for_revision", "resubmit", "verify", "complete_scoring", "award"]) == "awarded"
    assert get_workflow("innovation").replay([]) == "draft"


def test_diagram_is_mermaid_with_every_transition():
    diagram = get_workflow("innovation").diagram()
    assert "stateDiagram-v2" in diagram
    assert "submitted --> returned: return_for_revision" in diagram
    assert "returned --> submitted: resubmit" in diagram
    assert "[*] --> draft" in diagram

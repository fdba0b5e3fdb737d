"""The workflow engine: definitions compiled once into shared ``transitions`` machines.

One :class:`Workflow` exists per definition per process. Its machine has no models attached
(``Machine(model=None)``); events are triggered against a row explicitly, so loading a row never
resets its stored status and no row carries a machine of its own.

The engine decides; it never writes to the database. The service that calls :meth:`Workflow.fire`
owns the transaction and the audit row.

While :meth:`Workflow.fire` moves a subject, :func:`firing_on` says so for that subject; the
application uses it to refuse status changes made anywhere else.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from transitions import Machine, MachineError
from transitions.extensions import GraphMachine

from workflows.definition import TransitionDef, WorkflowDef, load_workflow_file
from workflows.guards import GUARDS, Guard, GuardContext
from workflows.messages import Label, Labels, t

DEFINITIONS_DIR = Path(__file__).parent
# Workflows whose states other workflows use as phases are loaded first.
LOAD_ORDER = ("competition", "innovation", "round", "scoring_sheet", "result_set")

# How a refusal names each role (translated for its reader like every message).
ROLE_NAMES = {"organiser": "Organiser", "verifier": "Verifier", "judge": "Judge", "submitter": "OPD operator",
              "system": "The system"}

# The subject whose status the engine is moving at this moment, in this thread or task.
_FIRING: ContextVar[object | None] = ContextVar("workflow_firing", default=None)


def firing_on(subject: object) -> bool:
    """The engine is moving ``subject``'s status right now, inside :meth:`Workflow.fire`."""
    return _FIRING.get() is subject


class WorkflowError(Exception):
    """Base class for refusals by the engine; the message is meant for the person acting."""


class UnknownTrigger(WorkflowError):
    def __init__(self, workflow: str, trigger: str, known: list[str]):
        self.trigger = trigger
        super().__init__(f"'{trigger}' is not an action of the {workflow} workflow; "
                         f"known actions: {', '.join(known)}")


class TriggerRefused(WorkflowError):
    """The trigger exists but may not be fired now; ``reasons`` lists every reason."""

    def __init__(self, trigger: str, reasons: list[str]):
        self.trigger = trigger
        self.reasons = reasons
        super().__init__(f"'{trigger}' refused: " + "; ".join(reasons))


@dataclass(frozen=True)
class Actor:
    """Who fires a trigger, as the engine needs to know them: their roles in the subject's
    competition and their organisation."""

    user_id: int | None
    name: str
    roles: frozenset[str]
    organisation_id: int | None = None

    @classmethod
    def system(cls) -> Actor:
        return cls(user_id=None, name="system", roles=frozenset({"system"}))


class Workflow:
    """A compiled workflow definition."""

    def __init__(self, definition: WorkflowDef, guards: Mapping[str, Guard] = GUARDS,
                 phases: WorkflowDef | None = None):
        """:param phases: the workflow whose states are this one's phases (``phase_workflow``)."""
        self.definition = definition
        self.phases = phases
        self.name = definition.name
        self._guards = {name: guards[name] for move in definition.transitions for name in move.guards}
        self._transitions = {move.trigger: move for move in definition.transitions}
        self.machine = Machine(
            model=None,
            states=list(definition.state_names),
            initial=definition.initial,
            transitions=[self._machine_transition(move) for move in definition.transitions],
            model_attribute="status",
            auto_transitions=False,
            send_event=True,
            ignore_invalid_triggers=False,
        )

    @staticmethod
    def _machine_transition(transition: TransitionDef) -> dict[str, Any]:
        return {"trigger": transition.trigger, "source": list(transition.sources),
                "dest": transition.dest}

    @property
    def triggers(self) -> list[str]:
        return list(self._transitions)

    def transition(self, trigger: str) -> TransitionDef:
        try:
            return self._transitions[trigger]
        except KeyError:
            raise UnknownTrigger(self.name, trigger, self.triggers) from None

    def refusals(self, subject: Any, trigger: str, actor: Actor, *, comment: str | None = None,
                 phase: str | None = None, now: datetime) -> list[str]:
        """Every reason ``actor`` may not fire ``trigger`` on ``subject`` now; empty if allowed.

        :param phase: the competition's phase, for workflows whose transitions name phases.
        :raises UnknownTrigger: if the workflow has no such trigger.
        """
        transition = self.transition(trigger)
        reasons: list[str] = []
        status = subject.status
        if status not in transition.sources:
            reasons.append(t("not possible from status '%(status)s' (only from %(sources)s)",
                             status=self.shown(status),
                             sources=Labels.of(self.shown(s) for s in transition.sources)))
        if not (actor.roles & transition.roles):
            reasons.append(t("needs the role %(roles)s; %(name)s has %(held)s here",
                             roles=Labels.of((role_label(r) for r in sorted(transition.roles)), " or "),
                             name=actor.name,
                             held=Labels.of(role_label(r) for r in sorted(actor.roles)) if actor.roles
                             else t("no role")))
        if transition.phases is not None and phase not in transition.phases:
            reasons.append(t("not allowed while the competition is in phase '%(phase)s' (only in %(phases)s)",
                             phase=self.shown_phase(phase),
                             phases=Labels.of(self.shown_phase(p) for p in sorted(transition.phases))))
        if transition.comment_required and not (comment or "").strip():
            reasons.append(t("a comment giving the reason is required"))
        return reasons + self.guard_refusals(subject, trigger, actor, phase=phase, now=now)

    def guard_refusals(self, subject: Any, trigger: str, actor: Actor, *, phase: str | None = None,
                       now: datetime) -> list[str]:
        """The sentences of the trigger's named guards that refuse it now, in definition order;
        the state, role, phase and comment are not checked here (see :meth:`refusals`).

        :raises UnknownTrigger: if the workflow has no such trigger.
        """
        context = GuardContext(subject=subject, actor=actor, now=now, phase=phase)
        return [reason for name in self.transition(trigger).guards
                if (reason := self._guards[name](context))]

    def available_triggers(self, subject: Any, actor: Actor, *, phase: str | None = None,
                           now: datetime) -> list[str]:
        """The triggers ``actor`` could fire on ``subject`` now, in definition order.

        A trigger that needs a comment counts as available: the comment is asked for when fired.
        """
        candidates = set(self.machine.get_triggers(subject.status))
        return [name for name in self.triggers if name in candidates and not [
            r for r in self.refusals(subject, name, actor, comment="-", phase=phase, now=now)]]

    def fire(self, subject: Any, trigger: str, actor: Actor, *, comment: str | None = None,
             phase: str | None = None, now: datetime) -> tuple[str, str]:
        """Move ``subject`` along ``trigger``; returns (from_status, to_status).

        Changes only ``subject.status``; the caller persists it and writes the audit row.

        :raises UnknownTrigger: no such trigger.
        :raises TriggerRefused: with every reason it may not be fired now.
        """
        reasons = self.refusals(subject, trigger, actor, comment=comment, phase=phase, now=now)
        if reasons:
            raise TriggerRefused(trigger, reasons)
        from_status = subject.status
        firing = _FIRING.set(subject)
        try:
            moved = self.machine.events[trigger].trigger(subject)
        except MachineError as exc:  # the refusals above check the source state first
            raise TriggerRefused(trigger, [str(exc)]) from exc
        finally:
            _FIRING.reset(firing)
        if not moved:
            raise TriggerRefused(trigger, ["the state machine did not move"])
        return from_status, subject.status

    def replay(self, triggers: list[str]) -> str:
        """The status reached by firing ``triggers`` in order from the initial state, ignoring
        who fired them; used to check an audit trail against a stored status."""

        class _Replay:
            status = self.definition.initial

        subject = _Replay()
        for trigger in triggers:
            self.machine.events[self.transition(trigger).trigger].trigger(subject)
        return subject.status

    def shown(self, state: str) -> Label:
        """``state`` as a message names it: its label for a reader, its code otherwise."""
        return state_label(self.definition, state)

    def shown_phase(self, phase: str | None) -> Label:
        """A phase (a state of the phase workflow) as a message names it."""
        if phase is None or self.phases is None:
            return Label(str(phase), str(phase), str(phase))
        return state_label(self.phases, phase)

    def label(self, state: str, language: str = "id") -> str:
        state_def = self.definition.state(state)
        return state_def.label_id if language == "id" else state_def.label_en

    def diagram(self) -> str:
        """The workflow as a Mermaid state diagram (drawn by ``transitions``, no system package)."""
        model = type("_DiagramModel", (), {})()
        GraphMachine(
            model=model, states=list(self.definition.state_names),
            initial=self.definition.initial,
            transitions=[self._machine_transition(move) for move in self.definition.transitions],
            auto_transitions=False, graph_engine="mermaid", show_state_attributes=False,
            title=self.definition.label_en,
        )
        return model.get_graph().source


def state_label(definition: WorkflowDef, state: str) -> Label:
    """A state of ``definition`` as a message names it (an unknown one by its code)."""
    known = {s.name: s for s in definition.states}.get(state)
    if known is None:
        return Label(state, state, state)
    return Label(state, known.label_en, known.label_id)


def role_label(role: str) -> Label:
    """A role as a message names it."""
    return Label(role, ROLE_NAMES.get(role, role))


@cache
def load_workflows(directory: Path = DEFINITIONS_DIR) -> dict[str, Workflow]:
    """Load, validate and compile every workflow in ``directory``, once per process."""
    definitions: dict[str, WorkflowDef] = {}
    paths = {p.stem: p for p in sorted(directory.glob("*.toml"))}
    ordered = [n for n in LOAD_ORDER if n in paths] + sorted(set(paths) - set(LOAD_ORDER))
    for name in ordered:
        definition = load_workflow_file(
            paths[name], guard_names=frozenset(GUARDS),
            phase_names={n: d.state_names for n, d in definitions.items()})
        definitions[definition.name] = definition
    return {name: Workflow(definition, phases=definitions.get(definition.phase_workflow or ""))
            for name, definition in definitions.items()}


def get_workflow(name: str) -> Workflow:
    """The compiled workflow called ``name``."""
    workflows = load_workflows()
    try:
        return workflows[name]
    except KeyError:
        raise WorkflowError(f"no workflow called '{name}'; known: {', '.join(sorted(workflows))}") from None

"""Workflow definitions: TOML files parsed and validated into plain data.

A definition is checked as a whole before anything is compiled: every problem is reported with
the file and line it comes from, so an organiser editing a workflow file sees what to fix.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROLES = frozenset({"organiser", "verifier", "judge", "submitter", "system"})
STATE_KINDS = frozenset({"editable", "in_review", "accepted", "final"})
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


class WorkflowDefinitionError(ValueError):
    """A workflow file is malformed; the message names the file, the line and the problem."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class StateDef:
    name: str
    label_id: str
    label_en: str
    kind: str
    line: int = 0


@dataclass(frozen=True)
class TransitionDef:
    trigger: str
    sources: tuple[str, ...]
    dest: str
    label_id: str
    label_en: str
    roles: frozenset[str]
    phases: frozenset[str] | None = None
    guards: tuple[str, ...] = ()
    comment_required: bool = False
    line: int = 0


@dataclass(frozen=True)
class WorkflowDef:
    name: str
    label_id: str
    label_en: str
    initial: str
    states: tuple[StateDef, ...]
    transitions: tuple[TransitionDef, ...]
    phase_workflow: str | None = None
    source: str = "<string>"
    state_names: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "state_names", tuple(s.name for s in self.states))

    def state(self, name: str) -> StateDef:
        for state in self.states:
            if state.name == name:
                return state
        raise KeyError(name)

    def transition(self, trigger: str) -> TransitionDef:
        for transition in self.transitions:
            if transition.trigger == trigger:
                return transition
        raise KeyError(trigger)


def _table_lines(text: str, header: str) -> list[tuple[int, int]]:
    """(first, last) line numbers of each ``[[header]]`` table, in file order."""
    lines = text.splitlines()
    starts = [i + 1 for i, line in enumerate(lines) if line.strip() == f"[[{header}]]"]
    table_starts = [i + 1 for i, line in enumerate(lines) if line.strip().startswith("[")]
    spans = []
    for start in starts:
        later = [s for s in table_starts if s > start]
        spans.append((start, (later[0] - 1) if later else len(lines)))
    return spans


def _line_of(text: str, span: tuple[int, int], key: str, value: str | None = None) -> int:
    """The line inside a table span where ``key`` (and ``value``, if given) appears."""
    lines = text.splitlines()
    first, last = span
    for number in range(first, last + 1):
        line = lines[number - 1].split("#", 1)[0]
        if re.match(rf"\s*{re.escape(key)}\s*=", line) and (value is None or value in line):
            return number
    return first


def parse_workflow(text: str, source: str = "<string>", *, guard_names: frozenset[str] | None = None,
                   phase_names: dict[str, tuple[str, ...]] | None = None) -> WorkflowDef:
    """Parse and validate one workflow definition.

    :param guard_names: the guards the engine knows; unknown guard names are an error.
    :param phase_names: state names of other workflows, for checking ``phases`` lists.
    :raises WorkflowDefinitionError: naming every problem with its file and line.
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise WorkflowDefinitionError([f"{source}: not valid TOML: {exc}"]) from exc
    parser = _Parser(text, source, data, guard_names, phase_names)
    definition = parser.definition()
    parser.raise_if_any()
    parser.check_structure(definition)
    parser.raise_if_any()
    return definition


_TRANSITION_KEYS = {"trigger", "sources", "dest", "label_id", "label_en", "roles", "phases", "guards",
                    "comment_required"}


class _Parser:
    """One file's definition, read part by part; every problem is collected with its line."""

    def __init__(self, text: str, source: str, data: dict[str, Any], guard_names: frozenset[str] | None,
                 phase_names: dict[str, tuple[str, ...]] | None):
        self.text, self.source, self.data = text, source, data
        self.guard_names, self.phase_names = guard_names, phase_names
        self.problems: list[str] = []
        self.state_names: set[str] = set()

    def problem(self, line: int, message: str) -> None:
        self.problems.append(f"{self.source} line {line}: {message}" if line else f"{self.source}: {message}")

    def raise_if_any(self) -> None:
        if self.problems:
            raise WorkflowDefinitionError(self.problems)

    def top_line(self, key: str) -> int:
        for number, line in enumerate(self.text.splitlines(), start=1):
            if re.match(rf"\s*{re.escape(key)}\s*=", line):
                return number
        return 0

    def line_of(self, span: tuple[int, int], key: str, value: str | None = None) -> int:
        return _line_of(self.text, span, key, value)

    def definition(self) -> WorkflowDef:
        data = self.data
        for key in ("name", "initial"):
            if not isinstance(data.get(key), str) or not data.get(key):
                self.problem(self.top_line(key), f"'{key}' is required and must be a non-empty string")
        name = str(data.get("name", ""))
        if name and not _NAME.match(name):
            self.problem(self.top_line("name"), f"workflow name '{name}' must be lower_snake_case")
        states = self.states()
        initial = data.get("initial")
        if isinstance(initial, str) and initial and initial not in self.state_names:
            self.problem(self.top_line("initial"), f"initial state '{initial}' is not a defined state")
        phase_workflow = data.get("phase_workflow")
        allowed_phases: tuple[str, ...] | None = None
        if phase_workflow is not None:
            if self.phase_names is None or phase_workflow not in self.phase_names:
                self.problem(self.top_line("phase_workflow"),
                             f"phase workflow '{phase_workflow}' is not loaded")
            else:
                allowed_phases = self.phase_names[phase_workflow]
        transitions = self.transitions(allowed_phases)
        return WorkflowDef(name=name, label_id=str(data.get("label_id", name)),
                           label_en=str(data.get("label_en", name)), initial=str(initial),
                           states=tuple(states), transitions=tuple(transitions),
                           phase_workflow=phase_workflow, source=self.source)

    def states(self) -> list[StateDef]:
        spans = _table_lines(self.text, "states")
        raw_states = self.data.get("states", [])
        if not isinstance(raw_states, list) or not raw_states:
            self.problem(0, "at least one [[states]] table is required")
            raw_states = []
        states = []
        for index, raw in enumerate(raw_states):
            state = self.state(raw, spans[index] if index < len(spans) else (0, 0))
            if state is not None:
                states.append(state)
        return states

    def state(self, raw: dict[str, Any], span: tuple[int, int]) -> StateDef | None:
        state_name = raw.get("name")
        if not isinstance(state_name, str) or not _NAME.match(state_name):
            self.problem(span[0], f"state name {state_name!r} must be a lower_snake_case string")
            return None
        if state_name in self.state_names:
            self.problem(self.line_of(span, "name"), f"state '{state_name}' is defined twice")
            return None
        self.state_names.add(state_name)
        kind = raw.get("kind", "")
        if kind not in STATE_KINDS:
            self.problem(self.line_of(span, "kind"),
                         f"state '{state_name}' has unknown kind {kind!r}; "
                         f"expected one of {', '.join(sorted(STATE_KINDS))}")
        for label in ("label_id", "label_en"):
            if not isinstance(raw.get(label), str) or not raw.get(label):
                self.problem(span[0], f"state '{state_name}' needs a '{label}'")
        unknown_keys = sorted(set(raw) - {"name", "label_id", "label_en", "kind"})
        if unknown_keys:
            self.problem(self.line_of(span, unknown_keys[0]),
                         f"state '{state_name}' has unknown keys: {', '.join(unknown_keys)}")
        return StateDef(state_name, str(raw.get("label_id", "")), str(raw.get("label_en", "")),
                        str(kind), span[0])

    def transitions(self, allowed_phases: tuple[str, ...] | None) -> list[TransitionDef]:
        spans = _table_lines(self.text, "transitions")
        raw_transitions = self.data.get("transitions", [])
        if not isinstance(raw_transitions, list):
            self.problem(0, "'transitions' must be a list of [[transitions]] tables")
            raw_transitions = []
        transitions: list[TransitionDef] = []
        seen: set[str] = set()
        for index, raw in enumerate(raw_transitions):
            span = spans[index] if index < len(spans) else (0, 0)
            trigger = raw.get("trigger")
            if not isinstance(trigger, str) or not _NAME.match(trigger):
                self.problem(span[0], f"trigger {trigger!r} must be a lower_snake_case string")
                continue
            if trigger in seen:
                self.problem(self.line_of(span, "trigger"), f"trigger '{trigger}' is defined twice")
                continue
            seen.add(trigger)
            transitions.append(self.transition(trigger, raw, span, allowed_phases))
        return transitions

    def transition(self, trigger: str, raw: dict[str, Any], span: tuple[int, int],
                   allowed_phases: tuple[str, ...] | None) -> TransitionDef:
        unknown_keys = sorted(set(raw) - _TRANSITION_KEYS)
        if unknown_keys:
            self.problem(self.line_of(span, unknown_keys[0]),
                         f"transition '{trigger}' has unknown keys: {', '.join(unknown_keys)}")
        sources = self.names_listed(trigger, raw, span, "sources", "source state", self.state_names)
        dest = raw.get("dest")
        if dest not in self.state_names:
            self.problem(self.line_of(span, "dest"),
                         f"transition '{trigger}' has unknown destination state {dest!r}")
        roles = raw.get("roles", [])
        if not isinstance(roles, list) or not roles:
            self.problem(self.line_of(span, "roles"),
                         f"transition '{trigger}' needs a non-empty 'roles' list")
            roles = []
        for role in roles:
            if role not in ROLES:
                self.problem(self.line_of(span, "roles", f'"{role}"'),
                             f"transition '{trigger}' names unknown role '{role}'; "
                             f"expected one of {', '.join(sorted(ROLES))}")
        guards = raw.get("guards", [])
        if not isinstance(guards, list):
            self.problem(self.line_of(span, "guards"), f"transition '{trigger}': 'guards' must be a list")
            guards = []
        for guard in guards:
            if self.guard_names is not None and guard not in self.guard_names:
                self.problem(self.line_of(span, "guards", f'"{guard}"'),
                             f"transition '{trigger}' names unknown guard '{guard}'")
        phases = raw.get("phases")
        self.check_phases(trigger, phases, span, allowed_phases)
        comment_required = raw.get("comment_required", False)
        if not isinstance(comment_required, bool):
            self.problem(self.line_of(span, "comment_required"),
                         f"transition '{trigger}': 'comment_required' must be true or false")
        for label in ("label_id", "label_en"):
            if not isinstance(raw.get(label), str) or not raw.get(label):
                self.problem(span[0], f"transition '{trigger}' needs a '{label}'")
        return TransitionDef(
            trigger=trigger, sources=tuple(sources), dest=str(dest),
            label_id=str(raw.get("label_id", "")), label_en=str(raw.get("label_en", "")),
            roles=frozenset(roles), phases=frozenset(phases) if isinstance(phases, list) else None,
            guards=tuple(guards), comment_required=bool(comment_required), line=span[0])

    def names_listed(self, trigger: str, raw: dict[str, Any], span: tuple[int, int], key: str, what: str,
                     known: set[str]) -> list[str]:
        names = raw.get(key, [])
        if not isinstance(names, list) or not names:
            self.problem(self.line_of(span, key), f"transition '{trigger}' needs a non-empty '{key}' list")
            return []
        for name in names:
            if name not in known:
                self.problem(self.line_of(span, key, f'"{name}"'),
                             f"transition '{trigger}' has unknown {what} '{name}'")
        return names

    def check_phases(self, trigger: str, phases: Any, span: tuple[int, int],
                     allowed_phases: tuple[str, ...] | None) -> None:
        if phases is None:
            return
        if allowed_phases is None:
            self.problem(self.line_of(span, "phases"),
                         f"transition '{trigger}' lists phases but the workflow has no 'phase_workflow'")
        elif not isinstance(phases, list) or not phases:
            self.problem(self.line_of(span, "phases"),
                         f"transition '{trigger}': 'phases' must be a non-empty list")
        else:
            for phase in phases:
                if phase not in allowed_phases:
                    self.problem(self.line_of(span, "phases", f'"{phase}"'),
                                 f"transition '{trigger}' names unknown phase '{phase}'")

    def check_structure(self, definition: WorkflowDef) -> None:
        """Every state reachable from the initial one; final states are dead ends and every
        other state has a way out."""
        initial, transitions = definition.initial, definition.transitions
        reachable = {initial}
        frontier = [initial]
        while frontier:
            current = frontier.pop()
            for transition in transitions:
                if current in transition.sources and transition.dest not in reachable:
                    reachable.add(transition.dest)
                    frontier.append(transition.dest)
        for state in definition.states:
            outgoing = [move for move in transitions if state.name in move.sources]
            if state.name not in reachable:
                self.problem(state.line,
                             f"state '{state.name}' is unreachable from the initial state '{initial}'")
            if state.kind == "final" and outgoing:
                self.problem(state.line, f"final state '{state.name}' has outgoing transitions: "
                             f"{', '.join(move.trigger for move in outgoing)}")
            if state.kind != "final" and not outgoing:
                self.problem(state.line,
                             f"state '{state.name}' has no outgoing transition; mark it kind = \"final\"")


def load_workflow_file(path: Path, **kwargs) -> WorkflowDef:
    """Read and validate one workflow file (see :func:`parse_workflow`)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise WorkflowDefinitionError([f"{path}: cannot be read: {exc.strerror}"]) from exc
    return parse_workflow(text, source=path.name, **kwargs)

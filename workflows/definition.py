"""Workflow definitions: TOML files parsed and validated into plain data.

A definition is checked as a whole before anything is compiled: every problem is reported with
the file and line it comes from, so an organiser editing a workflow file sees what to fix.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

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

    problems: list[str] = []

    def problem(line: int, message: str) -> None:
        problems.append(f"{source} line {line}: {message}" if line else f"{source}: {message}")

    def top_line(key: str) -> int:
        for number, line in enumerate(text.splitlines(), start=1):
            if re.match(rf"\s*{re.escape(key)}\s*=", line):
                return number
        return 0

    for key in ("name", "initial"):
        if not isinstance(data.get(key), str) or not data.get(key):
            problem(top_line(key), f"'{key}' is required and must be a non-empty string")
    name = str(data.get("name", ""))
    if name and not _NAME.match(name):
        problem(top_line("name"), f"workflow name '{name}' must be lower_snake_case")

    state_spans = _table_lines(text, "states")
    raw_states = data.get("states", [])
    if not isinstance(raw_states, list) or not raw_states:
        problem(0, "at least one [[states]] table is required")
        raw_states = []
    states: list[StateDef] = []
    seen_states: set[str] = set()
    for index, raw in enumerate(raw_states):
        span = state_spans[index] if index < len(state_spans) else (0, 0)
        state_name = raw.get("name")
        if not isinstance(state_name, str) or not _NAME.match(state_name):
            problem(span[0], f"state name {state_name!r} must be a lower_snake_case string")
            continue
        if state_name in seen_states:
            problem(_line_of(text, span, "name"), f"state '{state_name}' is defined twice")
            continue
        seen_states.add(state_name)
        kind = raw.get("kind", "")
        if kind not in STATE_KINDS:
            problem(_line_of(text, span, "kind"),
                    f"state '{state_name}' has unknown kind {kind!r}; "
                    f"expected one of {', '.join(sorted(STATE_KINDS))}")
        for label in ("label_id", "label_en"):
            if not isinstance(raw.get(label), str) or not raw.get(label):
                problem(span[0], f"state '{state_name}' needs a '{label}'")
        unknown_keys = sorted(set(raw) - {"name", "label_id", "label_en", "kind"})
        if unknown_keys:
            problem(_line_of(text, span, unknown_keys[0]),
                    f"state '{state_name}' has unknown keys: {', '.join(unknown_keys)}")
        states.append(StateDef(state_name, str(raw.get("label_id", "")), str(raw.get("label_en", "")),
                               str(kind), span[0]))

    initial = data.get("initial")
    if isinstance(initial, str) and initial and initial not in seen_states:
        problem(top_line("initial"), f"initial state '{initial}' is not a defined state")

    phase_workflow = data.get("phase_workflow")
    allowed_phases: tuple[str, ...] | None = None
    if phase_workflow is not None:
        if phase_names is None or phase_workflow not in phase_names:
            problem(top_line("phase_workflow"), f"phase workflow '{phase_workflow}' is not loaded")
        else:
            allowed_phases = phase_names[phase_workflow]

    transition_spans = _table_lines(text, "transitions")
    raw_transitions = data.get("transitions", [])
    if not isinstance(raw_transitions, list):
        problem(0, "'transitions' must be a list of [[transitions]] tables")
        raw_transitions = []
    transitions: list[TransitionDef] = []
    seen_triggers: set[str] = set()
    known_keys = {"trigger", "sources", "dest", "label_id", "label_en", "roles", "phases", "guards",
                  "comment_required"}
    for index, raw in enumerate(raw_transitions):
        span = transition_spans[index] if index < len(transition_spans) else (0, 0)
        trigger = raw.get("trigger")
        if not isinstance(trigger, str) or not _NAME.match(trigger):
            problem(span[0], f"trigger {trigger!r} must be a lower_snake_case string")
            continue
        if trigger in seen_triggers:
            problem(_line_of(text, span, "trigger"), f"trigger '{trigger}' is defined twice")
            continue
        seen_triggers.add(trigger)
        unknown_keys = sorted(set(raw) - known_keys)
        if unknown_keys:
            problem(_line_of(text, span, unknown_keys[0]),
                    f"transition '{trigger}' has unknown keys: {', '.join(unknown_keys)}")
        sources = raw.get("sources", [])
        if not isinstance(sources, list) or not sources:
            problem(_line_of(text, span, "sources"),
                    f"transition '{trigger}' needs a non-empty 'sources' list")
            sources = []
        for source_state in sources:
            if source_state not in seen_states:
                problem(_line_of(text, span, "sources", f'"{source_state}"'),
                        f"transition '{trigger}' has unknown source state '{source_state}'")
        dest = raw.get("dest")
        if dest not in seen_states:
            problem(_line_of(text, span, "dest"),
                    f"transition '{trigger}' has unknown destination state {dest!r}")
        roles = raw.get("roles", [])
        if not isinstance(roles, list) or not roles:
            problem(_line_of(text, span, "roles"), f"transition '{trigger}' needs a non-empty 'roles' list")
            roles = []
        for role in roles:
            if role not in ROLES:
                problem(_line_of(text, span, "roles", f'"{role}"'),
                        f"transition '{trigger}' names unknown role '{role}'; "
                        f"expected one of {', '.join(sorted(ROLES))}")
        guards = raw.get("guards", [])
        if not isinstance(guards, list):
            problem(_line_of(text, span, "guards"), f"transition '{trigger}': 'guards' must be a list")
            guards = []
        for guard in guards:
            if guard_names is not None and guard not in guard_names:
                problem(_line_of(text, span, "guards", f'"{guard}"'),
                        f"transition '{trigger}' names unknown guard '{guard}'")
        phases = raw.get("phases")
        if phases is not None:
            if allowed_phases is None:
                problem(_line_of(text, span, "phases"),
                        f"transition '{trigger}' lists phases but the workflow has no 'phase_workflow'")
            elif not isinstance(phases, list) or not phases:
                problem(_line_of(text, span, "phases"),
                        f"transition '{trigger}': 'phases' must be a non-empty list")
            else:
                for phase in phases:
                    if phase not in allowed_phases:
                        problem(_line_of(text, span, "phases", f'"{phase}"'),
                                f"transition '{trigger}' names unknown phase '{phase}'")
        comment_required = raw.get("comment_required", False)
        if not isinstance(comment_required, bool):
            problem(_line_of(text, span, "comment_required"),
                    f"transition '{trigger}': 'comment_required' must be true or false")
        for label in ("label_id", "label_en"):
            if not isinstance(raw.get(label), str) or not raw.get(label):
                problem(span[0], f"transition '{trigger}' needs a '{label}'")
        transitions.append(TransitionDef(
            trigger=trigger, sources=tuple(sources), dest=str(dest),
            label_id=str(raw.get("label_id", "")), label_en=str(raw.get("label_en", "")),
            roles=frozenset(roles), phases=frozenset(phases) if isinstance(phases, list) else None,
            guards=tuple(guards), comment_required=bool(comment_required), line=span[0]))

    if problems:
        raise WorkflowDefinitionError(problems)

    # Structure: every state reachable from the initial one; final states are dead ends and
    # every other state has a way out.
    reachable = {str(initial)}
    frontier = [str(initial)]
    while frontier:
        current = frontier.pop()
        for transition in transitions:
            if current in transition.sources and transition.dest not in reachable:
                reachable.add(transition.dest)
                frontier.append(transition.dest)
    for state in states:
        outgoing = [move for move in transitions if state.name in move.sources]
        if state.name not in reachable:
            problem(state.line, f"state '{state.name}' is unreachable from the initial state '{initial}'")
        if state.kind == "final" and outgoing:
            problem(state.line, f"final state '{state.name}' has outgoing transitions: "
                    f"{', '.join(move.trigger for move in outgoing)}")
        if state.kind != "final" and not outgoing:
            problem(state.line, f"state '{state.name}' has no outgoing transition; mark it kind = \"final\"")
    if problems:
        raise WorkflowDefinitionError(problems)

    return WorkflowDef(name=name, label_id=str(data.get("label_id", name)),
                       label_en=str(data.get("label_en", name)), initial=str(initial),
                       states=tuple(states), transitions=tuple(transitions),
                       phase_workflow=phase_workflow, source=source)


def load_workflow_file(path: Path, **kwargs) -> WorkflowDef:
    """Read and validate one workflow file (see :func:`parse_workflow`)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise WorkflowDefinitionError([f"{path}: cannot be read: {exc.strerror}"]) from exc
    return parse_workflow(text, source=path.name, **kwargs)

"""Workflow diagrams drawn on the server as SVG: no script and no asset to load.

States are laid out in ranks by their distance from the initial state (columns from left to
right, or rows from top to bottom for narrow screens), centred within the rank. Every source of a
transition gets an arrow to its destination, labelled with the transition's name in the reader's
language; two states with arrows both ways get two curves, one on each side. Labels are moved
along their arrow until they cover no state and no other label.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, replace

from markupsafe import Markup, escape

from workflows.definition import StateDef, WorkflowDef

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
# Fill and border by the kind of state.
KIND_COLOURS = {
    "editable": ("#f1f3f5", "#5c636a"),
    "in_review": ("#e7f1ff", "#0b5ed7"),
    "accepted": ("#e6f4ea", "#146c43"),
    "final": ("#ffffff", "#343a40"),
}
CURRENT_COLOURS = ("#0b5ed7", "#052c65")
STATE_FONT, EDGE_FONT = 13.0, 11.5
CHAR_WIDTH = {STATE_FONT: 7.1, EDGE_FONT: 6.2}  # average advance of a character, in px
LINE_HEIGHT = {STATE_FONT: 16.0, EDGE_FONT: 13.5}


@dataclass(frozen=True)
class Geometry:
    node_width: float
    node_height: float
    rank_gap: float     # between ranks (columns, or rows top to bottom)
    lane_gap: float     # between the states of one rank
    wrap: int           # characters per line of a state's label
    edge_wrap: int      # characters per line of an arrow's label


LEFT_TO_RIGHT = Geometry(node_width=136, node_height=50, rank_gap=150, lane_gap=40, wrap=15, edge_wrap=13)
COMPACT = Geometry(node_width=118, node_height=46, rank_gap=150, lane_gap=30, wrap=13, edge_wrap=12)
TOP_TO_BOTTOM = Geometry(node_width=124, node_height=50, rank_gap=92, lane_gap=44, wrap=13, edge_wrap=16)
# Where along an arrow its label may go, nearest the middle first.
LABEL_POSITIONS = (0.5, 0.44, 0.56, 0.38, 0.62, 0.32, 0.68, 0.26, 0.74, 0.2, 0.8, 0.15, 0.85)


@dataclass(frozen=True)
class Box:
    left: float
    top: float
    width: float
    height: float

    @property
    def centre(self) -> tuple[float, float]:
        return self.left + self.width / 2, self.top + self.height / 2

    def overlap(self, other: Box) -> float:
        """The area the two boxes share."""
        across = min(self.left + self.width, other.left + other.width) - max(self.left, other.left)
        down = min(self.top + self.height, other.top + other.height) - max(self.top, other.top)
        return max(across, 0) * max(down, 0)


def wrap(text: str, width: int) -> list[str]:
    """Words on lines of at most ``width`` characters (a longer word gets a line of its own)."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def ranks(definition: WorkflowDef) -> dict[str, int]:
    """Each state's distance in transitions from the initial state; states that cannot be
    reached go after the last rank."""
    following: dict[str, list[str]] = {s: [] for s in definition.state_names}
    for transition in definition.transitions:
        for source in transition.sources:
            following[source].append(transition.dest)
    rank = {definition.initial: 0}
    queue = deque([definition.initial])
    while queue:
        state = queue.popleft()
        for dest in following[state]:
            if dest not in rank:
                rank[dest] = rank[state] + 1
                queue.append(dest)
    last = max(rank.values()) + 1
    return {s: rank.get(s, last) for s in definition.state_names}


def _order_lanes(definition: WorkflowDef, by_rank: dict[int, list[str]], lanes: int, sweeps: int = 4) -> None:
    """Order the states of each rank by the mean lane of their neighbours in other ranks (the
    barycentre heuristic), which untangles most crossing arrows; ties keep the file's order."""
    neighbours: dict[str, list[str]] = {s: [] for states in by_rank.values() for s in states}
    rank_of = {s: rank for rank, states in by_rank.items() for s in states}
    for transition in definition.transitions:
        for source in transition.sources:
            if rank_of[source] != rank_of[transition.dest]:
                neighbours[source].append(transition.dest)
                neighbours[transition.dest].append(source)
    for _ in range(sweeps):
        lane = {s: (lanes - len(states)) / 2 + i for states in by_rank.values() for i, s in enumerate(states)}
        for rank in sorted(by_rank):
            states = by_rank[rank]
            centre = {s: (sum(lane[n] for n in neighbours[s]) / len(neighbours[s]) if neighbours[s]
                          else lane[s]) for s in states}
            states.sort(key=lambda s: centre[s])
            lane.update({s: (lanes - len(states)) / 2 + i for i, s in enumerate(states)})


def _border_point(box: Box, towards: tuple[float, float], gap: float = 2.0) -> tuple[float, float]:
    """Where the line from the box's centre towards a point leaves the box (plus a small gap)."""
    cx, cy = box.centre
    dx, dy = towards[0] - cx, towards[1] - cy
    if dx == 0 and dy == 0:
        return cx, cy
    scale = min((box.width / 2 + gap) / abs(dx) if dx else math.inf,
                (box.height / 2 + gap) / abs(dy) if dy else math.inf)
    return cx + dx * scale, cy + dy * scale


def _bezier(p0: tuple[float, float], c: tuple[float, float], p2: tuple[float, float],
            t: float) -> tuple[float, float]:
    u = 1 - t
    return (u * u * p0[0] + 2 * u * t * c[0] + t * t * p2[0],
            u * u * p0[1] + 2 * u * t * c[1] + t * t * p2[1])


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _text(lines: list[str], x: float, y_centre: float, size: float, *, weight: str = "normal",
          fill: str = "#212529") -> str:
    line_height = LINE_HEIGHT[size]
    first = y_centre - (len(lines) - 1) * line_height / 2
    spans = "".join(f'<tspan x="{_fmt(x)}" y="{_fmt(first + i * line_height)}">{escape(line)}</tspan>'
                    for i, line in enumerate(lines))
    return (f'<text text-anchor="middle" dominant-baseline="central" font-size="{_fmt(size)}" '
            f'font-weight="{weight}" fill="{fill}">{spans}</text>')


def workflow_svg(definition: WorkflowDef, language: str = "id", *, direction: str = "LR",
                 current: str | None = None, id_prefix: str = "workflow", compact: bool = False,
                 fit: bool = False) -> Markup:
    """The workflow as an inline SVG image, labelled in ``language`` ("id" or "en");
    ``current`` is highlighted. ``id_prefix`` keeps element ids unique when a page shows
    several diagrams; ``compact`` draws smaller states, for a diagram beside other things, and
    ``fit`` shrinks the image to the width of its container (a class of anugerah.css)."""
    english = language == "en"
    layout = _Layout(definition, direction, compact, english)
    marker = f"{id_prefix}-arrow"
    shapes: list[str] = []
    labels: list[str] = []
    for source, dest, label in layout.edges():
        shape, text = layout.arrow(source, dest, label, marker)
        shapes.append(shape)
        labels.append(text)
    nodes = [layout.node(state_def, current) for state_def in definition.states]
    shapes.append(layout.start_arrow(marker))
    return _svg(definition, layout.extent, english, id_prefix, marker, fit, shapes + nodes + labels)


class _Layout:
    """Where each state's box, each arrow and each arrow's label go."""

    def __init__(self, definition: WorkflowDef, direction: str, compact: bool, english: bool):
        self.definition, self.direction, self.english = definition, direction, english
        geometry = TOP_TO_BOTTOM if direction != "LR" else COMPACT if compact else LEFT_TO_RIGHT
        self.rank_of = ranks(definition)
        self.by_rank: dict[int, list[str]] = {}
        for state in definition.state_names:
            self.by_rank.setdefault(self.rank_of[state], []).append(state)
        lanes = max(len(states) for states in self.by_rank.values())
        if direction == "LR" and lanes == 1:
            # A chain: columns just wide enough apart for the longest line of an arrow's label.
            # Arrows that branch run slanted and keep the full width for their labels.
            arrows = [move.label_en if english else move.label_id for move in definition.transitions]
            longest = max((len(line) for arrow in arrows for line in wrap(arrow, geometry.edge_wrap)),
                          default=8)
            geometry = replace(geometry, rank_gap=min(max(longest * CHAR_WIDTH[EDGE_FONT] + 30, 96), 150))
        self.geometry = geometry
        _order_lanes(definition, self.by_rank, lanes)
        self.boxes = self._boxes(lanes)
        self.taken = [Box(b.left - 4, b.top - 4, b.width + 8, b.height + 8) for b in self.boxes.values()]
        self.extent = [Box(b.left, b.top, b.width, b.height) for b in self.boxes.values()]

    def _boxes(self, lanes: int) -> dict[str, Box]:
        geometry, across_lr = self.geometry, self.direction == "LR"
        start_room = 44.0  # for the initial dot and its arrow
        boxes: dict[str, Box] = {}
        for rank, states in self.by_rank.items():
            for index, state in enumerate(states):
                lane = (lanes - len(states)) / 2 + index
                along = start_room + rank * ((geometry.node_width if across_lr else geometry.node_height)
                                             + geometry.rank_gap)
                across = lane * ((geometry.node_height if across_lr else geometry.node_width)
                                 + geometry.lane_gap)
                left, top = (along, across) if across_lr else (across, along)
                boxes[state] = Box(left, top, geometry.node_width, geometry.node_height)
        return boxes

    def edges(self) -> list[tuple[str, str, str]]:
        """One arrow per source of each transition."""
        edges: list[tuple[str, str, str]] = []
        for transition in self.definition.transitions:
            label = transition.label_en if self.english else transition.label_id
            edges.extend((source, transition.dest, label) for source in transition.sources)
        self.pairs = {(source, dest) for source, dest, _ in edges}
        return edges

    def _bow(self, source: str, dest: str) -> float:
        same_rank = self.rank_of[source] == self.rank_of[dest]
        adjacent = same_rank and abs(self.by_rank[self.rank_of[source]].index(source)
                                     - self.by_rank[self.rank_of[dest]].index(dest)) == 1
        if (dest, source) in self.pairs:
            return 22.0
        if same_rank and not adjacent:
            return 46.0
        if same_rank and self.direction != "LR":  # side by side: no room for the label between
            return 36.0
        return 0.0

    def arrow(self, source: str, dest: str, label: str, marker: str) -> tuple[str, str]:
        """The arrow's path and its label."""
        boxes = self.boxes
        (sx, sy), (dx, dy) = boxes[source].centre, boxes[dest].centre
        length = math.hypot(dx - sx, dy - sy) or 1.0
        normal = (-(dy - sy) / length, (dx - sx) / length)
        bow = self._bow(source, dest)
        control = ((sx + dx) / 2 + normal[0] * 2 * bow, (sy + dy) / 2 + normal[1] * 2 * bow)
        start = _border_point(boxes[source], control)
        end = _border_point(boxes[dest], control, gap=3.0)
        path = (f"M{_fmt(start[0])},{_fmt(start[1])} Q{_fmt(control[0])},{_fmt(control[1])} "
                f"{_fmt(end[0])},{_fmt(end[1])}")
        shape = (f'<path d="{path}" fill="none" stroke="#495057" stroke-width="1.4" '
                 f'marker-end="url(#{marker})"/>')
        lines = wrap(label, self.geometry.edge_wrap)
        placed = self._place_label(lines, start, control, end)
        self.extent.append(Box(control[0], control[1], 0, 0))
        px, py = placed.centre
        text = (f'<rect x="{_fmt(placed.left)}" y="{_fmt(placed.top)}" width="{_fmt(placed.width)}" '
                f'height="{_fmt(placed.height)}" rx="3" fill="#ffffff" fill-opacity="0.92"/>'
                + _text(lines, px, py, EDGE_FONT, fill="#343a40"))
        return shape, text

    def _place_label(self, lines: list[str], start: tuple[float, float], control: tuple[float, float],
                     end: tuple[float, float]) -> Box:
        """The free place nearest the middle of the arrow, or else the least covered one."""
        width = max(len(line) for line in lines) * CHAR_WIDTH[EDGE_FONT] + 8
        height = len(lines) * LINE_HEIGHT[EDGE_FONT] + 4
        placed, least = None, math.inf
        for where in LABEL_POSITIONS:
            x, y = _bezier(start, control, end, where)
            candidate = Box(x - width / 2, y - height / 2, width, height)
            covered = sum(candidate.overlap(other) for other in self.taken)
            if covered < least:
                placed, least = candidate, covered
            if covered == 0:
                break
        assert placed is not None
        self.taken.append(placed)
        self.extent.append(placed)
        return placed

    def node(self, state_def: StateDef, current: str | None) -> str:
        box = self.boxes[state_def.name]
        fill, stroke = KIND_COLOURS.get(state_def.kind, KIND_COLOURS["editable"])
        text_fill, weight, stroke_width = "#212529", "600", "1.5"
        if state_def.name == current:
            fill, stroke = CURRENT_COLOURS
            text_fill, weight, stroke_width = "#ffffff", "700", "2.5"
        label = state_def.label_en if self.english else state_def.label_id
        shape = (f'<rect x="{_fmt(box.left)}" y="{_fmt(box.top)}" width="{_fmt(box.width)}" '
                 f'height="{_fmt(box.height)}" rx="9" fill="{fill}" stroke="{stroke}" '
                 f'stroke-width="{stroke_width}"/>')
        if state_def.kind == "final":  # a double border, as for a final state
            shape += (f'<rect x="{_fmt(box.left + 3.5)}" y="{_fmt(box.top + 3.5)}" '
                      f'width="{_fmt(box.width - 7)}" height="{_fmt(box.height - 7)}" rx="6" fill="none" '
                      f'stroke="{stroke if state_def.name != current else "#ffffff"}" stroke-width="1"/>')
        cx, cy = box.centre
        return (f'<g data-state="{escape(state_def.name)}">{shape}'
                + _text(wrap(label, self.geometry.wrap), cx, cy, STATE_FONT, weight=weight, fill=text_fill)
                + "</g>")

    def start_arrow(self, marker: str) -> str:
        """The initial state's dot and arrow."""
        first = self.boxes[self.definition.initial]
        fx, fy = first.centre
        dot = (first.left - 30, fy) if self.direction == "LR" else (fx, first.top - 30)
        end = _border_point(first, dot, gap=3.0)
        self.extent.append(Box(dot[0] - 8, dot[1] - 8, 16, 16))
        return (f'<circle cx="{_fmt(dot[0])}" cy="{_fmt(dot[1])}" r="7" fill="#212529"/>'
                f'<path d="M{_fmt(dot[0])},{_fmt(dot[1])} L{_fmt(end[0])},{_fmt(end[1])}" stroke="#495057" '
                f'stroke-width="1.4" marker-end="url(#{marker})"/>')


def _svg(definition: WorkflowDef, extent: list[Box], english: bool, id_prefix: str, marker: str,
         fit: bool, parts: list[str]) -> Markup:
    pad = 8.0
    left = min(b.left for b in extent) - pad
    top = min(b.top for b in extent) - pad
    width = max(b.left + b.width for b in extent) + pad - left
    height = max(b.top + b.height for b in extent) + pad - top
    title = definition.label_en if english else definition.label_id
    names = ", ".join((s.label_en if english else s.label_id) for s in definition.states)
    moves = "; ".join(
        f"{(move.label_en if english else move.label_id)}: "
        f"{', '.join(_state_label(definition, s, english) for s in move.sources)} → "
        f"{_state_label(definition, move.dest, english)}" for move in definition.transitions)
    return Markup(
        '<svg xmlns="http://www.w3.org/2000/svg" role="img" '
        + ('class="workflow-diagram workflow-diagram-fit" ' if fit else 'class="workflow-diagram" ')
        + f'aria-labelledby="{id_prefix}-title {id_prefix}-desc" '
        f'width="{_fmt(width)}" height="{_fmt(height)}" '
        f'viewBox="{_fmt(left)} {_fmt(top)} {_fmt(width)} {_fmt(height)}" font-family="{FONT}">'
        f'<title id="{id_prefix}-title">{escape(title)}</title>'
        f'<desc id="{id_prefix}-desc">{escape(names)}. {escape(moves)}.</desc>'
        f'<defs><marker id="{marker}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
        f'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#495057"/></marker></defs>'
        + "".join(parts) + "</svg>")


def _state_label(definition: WorkflowDef, name: str, english: bool) -> str:
    state = definition.state(name)
    return state.label_en if english else state.label_id

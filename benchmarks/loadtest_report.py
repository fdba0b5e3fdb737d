"""The load test's figures: per operation throughput, p50/p95/p99 and errors, beside the goals."""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

OPERATIONS = ("page", "draft", "confirm", "next page", "dashboard", "preview", "entry", "submit", "sign-in")
# The baseline measured before (2 workers, 400 innovations, 20 judges on one panel).
BASELINE = {
    "judged": 38.0,
    "page": 214.0,
    "draft": 173.0,
    "confirm": 209.0,
    "bare": 813.0,
    "judge": 153.0,
    "ratio": 0.19,
}


@dataclass
class Operation:
    count: int
    rate: float
    p50: float
    p95: float
    p99: float
    client: int
    server: int
    connection: int


@dataclass
class Figures:
    window: float
    operations: dict[str, Operation] = field(default_factory=dict)
    judge_rate: float = 0.0
    judged_rate: float = 0.0
    worst_p95: float = 0.0
    worst_op: str = ""
    ratio: float = 0.0
    server_errors: int = 0


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile of ``values`` (sorted)."""
    if not values:
        return 0.0
    rank = max(1, -(-len(values) * share // 100))
    return values[int(rank) - 1]


def figures(results: Any, judge_ops: tuple[str, ...], bare: float) -> Figures:
    judging = [s for s in results.samples if s[0] in judge_ops]
    # The judges' window: up to the end of their last request (all may finish before the deadline).
    window = max((s[1] + s[2] / 1000 for s in judging), default=results.finished_at) or 1e-9
    whole = max(results.finished_at, 1e-9)
    made = Figures(window=window)
    for op in sorted(
        {s[0] for s in results.samples},
        key=lambda o: (o not in OPERATIONS, OPERATIONS.index(o) if o in OPERATIONS else 0, o),
    ):
        kept = [s for s in results.samples if s[0] == op]
        times = sorted(s[2] for s in kept)
        made.operations[op] = Operation(
            count=len(kept),
            rate=len(kept) / (window if op in judge_ops else whole),
            p50=percentile(times, 50),
            p95=percentile(times, 95),
            p99=percentile(times, 99),
            client=sum(s[3] == "4xx" for s in kept),
            server=sum(s[3] == "5xx" for s in kept),
            connection=sum(s[3] == "conn" for s in kept),
        )
    made.judge_rate = len(judging) / window
    made.judged_rate = len(results.confirms) / window
    worst = max(
        (op for op in judge_ops if op in made.operations), key=lambda op: made.operations[op].p95, default=""
    )
    made.worst_op, made.worst_p95 = worst, made.operations[worst].p95 if worst else 0.0
    made.ratio = made.judge_rate / bare if bare else 0.0
    made.server_errors = sum(s[3] == "5xx" for s in results.samples)
    return made


def _mark(ok: bool) -> str:
    return "met" if ok else "NOT MET"


def print_run(run: Any, settings: Any, bare_cpu: float) -> None:
    f: Figures = run.figures
    v = run.verdict
    print(
        f"\n== {run.name}: {settings.judges} judges, {settings.workers} workers in all, "
        f"judging window {f.window:.1f} s"
    )
    print(
        f"{'operation':<12}{'count':>7}{'per s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
        f"{'4xx':>6}{'5xx':>6}{'conn':>6}"
    )
    for op, o in f.operations.items():
        print(
            f"{op:<12}{o.count:>7}{o.rate:>9.1f}{o.p50:>9.0f}{o.p95:>9.0f}{o.p99:>9.0f}"
            f"{o.client:>6}{o.server:>6}{o.connection:>6}"
        )
    r = run.results
    print(
        f"judge requests {f.judge_rate:.1f}/s; judged innovations (confirmed sheets) {f.judged_rate:.1f}/s; "
        f"bare INSERT {run.bare:.0f}/s; ratio {f.ratio:.2f}"
    )
    print(
        f"acknowledged: {len(r.drafts)} drafts, {v.confirmed} confirmations, {v.submitted} submissions; "
        f"refused by the app: {len(r.refused_confirms)} confirmations, {len(r.refused_submits)} submissions; "
        f"sign-in failures {r.sign_in_failures}"
    )
    for reason, count in Counter(r.reasons).most_common(5):
        print(f"  refused {count}x: {reason}")
    if run.log is not None:
        print_server_times(run.log)
    print(f"database: lost={v.lost} dup={v.dup}; audit chains {v.chains}")
    for problem in v.problems:
        print(f"  {problem}")
    print(
        f"client CPU {run.client_cpu:.1f} s over {settings.seconds:.0f} s "
        f"({100 * run.client_cpu / settings.seconds:.0f}% of one core); bare INSERT client {bare_cpu:.1f} s"
    )
    print(
        "goals: "
        f"0 lost [{_mark(v.lost == 0)}], 0 dup [{_mark(v.dup == 0)}], 0 5xx [{_mark(f.server_errors == 0)}], "
        f"p95 < 200 ms for every judge request (worst {f.worst_op} {f.worst_p95:.0f} ms) "
        f"[{_mark(f.worst_p95 < 200)}], ratio >= 0.5 ({f.ratio:.2f}) [{_mark(f.ratio >= 0.5)}]"
    )
    if settings.form == "baseline":
        b = BASELINE
        page = f.operations.get("page")
        draft = f.operations.get("draft")
        confirm = f.operations.get("confirm")
        print(
            f"baseline before: {b['judged']:.0f} judged/s, p95 GET {b['page']:.0f} ms, "
            f"draft {b['draft']:.0f} ms, "
            f"confirm {b['confirm']:.0f} ms, bare {b['bare']:.0f} req/s vs judge {b['judge']:.0f} req/s = "
            f"{b['ratio']:.2f}"
        )
        print(
            f"baseline now:    {f.judged_rate:.0f} judged/s, p95 GET {page.p95 if page else 0:.0f} ms, "
            f"draft {draft.p95 if draft else 0:.0f} ms, confirm {confirm.p95 if confirm else 0:.0f} ms, "
            f"bare {run.bare:.0f} req/s vs judge {f.judge_rate:.0f} req/s = {f.ratio:.2f}"
        )
        print(
            f"goal at 20 judges, 2 workers: >= 108 judged/s ({f.judged_rate:.0f}) "
            f"[{_mark(f.judged_rate >= 108)}] "
            f"with p95 < 100 ms ({f.worst_p95:.0f}) [{_mark(f.worst_p95 < 100)}]"
        )


def print_server_times(log: Path) -> None:
    """Time spent inside the app per route, from gunicorn's JSON access log: what the latencies
    above hold beyond it is waiting for a free worker (and the client)."""
    times: dict[str, list[float]] = {}
    for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
        if not line.startswith("{"):
            continue
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        route = f"{entry.get('method')} {re.sub(r'[0-9]+', 'N', str(entry.get('path')))}"
        times.setdefault(route, []).append(float(entry.get("duration_ms") or 0))
    shown = ", ".join(f"{route} {percentile(sorted(v), 50):.0f}/{percentile(sorted(v), 95):.0f}"
                      for route, v in sorted(times.items()) if "login" not in route and "readyz" not in route)
    print(f"server time p50/p95 ms (access log): {shown}")

"""After a load test run: is every write the app acknowledged stored, and stored exactly once?

- lost: an acknowledged draft without its scores or its audit row; an acknowledged confirmation
  whose sheet is not confirmed, whose scores differ from those sent or that has no confirm event;
  an acknowledged submission whose innovation is not submitted or has no submit event; a confirmed
  sheet (acknowledged or not) missing a score; an innovation whose judges have all confirmed that
  did not move to scored.
- dup: more audit rows than requests sent (drafts), more than one confirm event per sheet, submit
  event per innovation, or complete_scoring event per innovation.
- chains: every audit table's hash chain still holds (rows written under load included).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import text


@dataclass
class Verdict:
    lost: int = 0
    dup: int = 0
    confirmed: int = 0  # acknowledged confirmations
    submitted: int = 0  # acknowledged submissions
    problems: list[str] = field(default_factory=list)
    chains: str = ""

    def note(self, kind: str, message: str) -> None:
        setattr(self, kind, getattr(self, kind) + 1)
        if len(self.problems) < 20:
            self.problems.append(f"{kind}: {message}")


def _counts(session: Any, sql: str, **params: Any) -> Counter[int]:
    return Counter({row[0]: row[1] for row in session.execute(text(sql), params)})


def check(session: Any, round_id: int, open_competition_id: int, results: Any) -> Verdict:
    """``results``: the merged client results (acknowledged drafts, confirmations, submissions)."""
    verdict = Verdict(confirmed=len(results.confirms), submitted=len(results.submits))
    criteria = {
        row[0]
        for row in session.execute(text("SELECT id FROM criterion WHERE round_id = :r"), {"r": round_id})
    }
    status = {
        row[0]: row[1]
        for row in session.execute(
            text("SELECT id, status FROM assignment WHERE round_id = :r"), {"r": round_id}
        )
    }
    scores: dict[int, dict[int, float]] = {}
    for assignment_id, criterion_id, value in session.execute(
        text(
            "SELECT s.assignment_id, s.criterion_id, s.value FROM score s JOIN assignment a "
            "ON a.id = s.assignment_id WHERE a.round_id = :r"
        ),
        {"r": round_id},
    ):
        scores.setdefault(assignment_id, {})[criterion_id] = value
    confirms = _counts(
        session,
        "SELECT assignment_id, count(*) FROM scoring_event WHERE action = 'confirm' GROUP BY assignment_id",
    )
    drafts = _counts(
        session,
        "SELECT subject_id, count(*) FROM audit_event WHERE kind = 'scores.draft_saved' GROUP BY subject_id",
    )
    sent = Counter(a for a, _values in results.drafts_sent)
    for assignment_id, values in _latest(results).items():
        if not drafts[assignment_id]:
            verdict.note("lost", f"draft of sheet {assignment_id}: no audit row")
        if scores.get(assignment_id, {}) not in values:
            verdict.note("lost", f"draft of sheet {assignment_id}: {scores.get(assignment_id)} not as saved")
    for assignment_id, count in drafts.items():
        if count > sent[assignment_id]:
            verdict.note(
                "dup", f"sheet {assignment_id}: {count} draft audit rows for {sent[assignment_id]} saves"
            )
    for assignment_id, values in results.confirms:
        if status.get(assignment_id) != "confirmed" or not confirms[assignment_id]:
            verdict.note(
                "lost", f"confirmation of sheet {assignment_id}: stored as {status.get(assignment_id)}"
            )
        elif scores.get(assignment_id, {}) != values:
            verdict.note("lost", f"confirmation of sheet {assignment_id}: scores differ from those sent")
    for assignment_id, count in confirms.items():
        if count > 1:
            verdict.note("dup", f"sheet {assignment_id}: {count} confirm events")
    for assignment_id, state in status.items():
        if state == "confirmed" and set(scores.get(assignment_id, {})) != criteria:
            verdict.note("lost", f"confirmed sheet {assignment_id} lacks scores")
        if state == "confirmed" and not confirms[assignment_id]:
            verdict.note("lost", f"confirmed sheet {assignment_id} has no confirm event")
    _entries_finished(session, round_id, verdict)
    _submissions(session, open_competition_id, results, verdict)
    return verdict


def _latest(results: Any) -> dict[int, list[dict[int, float]]]:
    """Per sheet, what it may hold now: the last acknowledged draft, or a draft sent after it whose
    answer never came (it may have been saved before the connection was cut)."""
    acknowledged = dict(results.drafts)   # in the order sent: the last one stays
    sent: dict[int, list[dict[int, float]]] = {}
    for assignment_id, values in results.drafts_sent:
        sent.setdefault(assignment_id, []).append(values)
    latest = {}
    for assignment_id, values in acknowledged.items():
        tried = sent.get(assignment_id, [])
        last = max((n for n, each in enumerate(tried) if each == values), default=0)
        latest[assignment_id] = [values, *tried[last + 1:]]
    return latest


def _entries_finished(session: Any, round_id: int, verdict: Verdict) -> None:
    finished = {
        row[0]: (row[1], row[2])
        for row in session.execute(
            text(
                "SELECT e.id, e.status, bool_and(a.status = 'confirmed') FROM entry e JOIN assignment a "
                "ON a.entry_id = e.id AND a.status <> 'removed' WHERE a.round_id = :r GROUP BY e.id, e.status"
            ),
            {"r": round_id},
        )
    }
    completed = _counts(
        session,
        "SELECT entry_id, count(*) FROM entry_event WHERE trigger = 'complete_scoring' GROUP BY entry_id",
    )
    for entry_id, (state, all_confirmed) in finished.items():
        if all_confirmed and (state != "scored" or not completed[entry_id]):
            verdict.note("lost", f"innovation {entry_id}: every judge confirmed, yet it is {state}")
        if completed[entry_id] > 1:
            verdict.note("dup", f"innovation {entry_id}: {completed[entry_id]} complete_scoring events")


def _submissions(session: Any, competition_id: int, results: Any, verdict: Verdict) -> None:
    status = {
        row[0]: row[1]
        for row in session.execute(
            text("SELECT id, status FROM entry WHERE competition_id = :c"), {"c": competition_id}
        )
    }
    events = _counts(
        session,
        "SELECT entry_id, count(*) FROM entry_event WHERE trigger = 'submit' "
        "AND entry_id IN (SELECT id FROM entry WHERE competition_id = :c) GROUP BY entry_id",
        c=competition_id,
    )
    for entry_id in results.submits:
        if status.get(entry_id) != "submitted" or not events[entry_id]:
            verdict.note("lost", f"submission of innovation {entry_id}: stored as {status.get(entry_id)}")
    for entry_id, count in events.items():
        if count > 1:
            verdict.note("dup", f"innovation {entry_id}: {count} submit events")


def check_chains(verdict: Verdict) -> None:
    """Every audit table's hash chain (in the current app context)."""
    from competition.audit.queries import verify_chains

    reports = verify_chains()
    broken = [f"{r.table}: {r.problem}" for r in reports if r.problem]
    verdict.chains = "; ".join(broken) if broken else f"hold ({sum(r.rows for r in reports)} rows)"
    for problem in broken:
        verdict.note("lost", f"audit chain broken, {problem}")

"""Scores from a file, as judges hand in scoring forms: every row checked first, then saved (and
confirmed when asked) all together or not at all."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from competition.audit.operations import record
from competition.documents.inputs import read_decimal, read_whole_number
from competition.documents.spreadsheets import read_table
from competition.errors import AnugerahError, InvalidInput
from competition.judging.scoring import confirm_scores, save_scores, value_problem
from competition.models import Assignment, Round, User
from competition.unit_of_work import operation
from workflows import WorkflowError

SCORE_COLUMNS = ("entry_id", "judge", "criterion", "value", "comment")


@dataclass(frozen=True)
class ScoreImportReport:
    saved: int
    sheets: int
    confirmed: int

    def sentence(self) -> str:
        return (f"{self.saved} score(s) saved for {self.sheets} judge-entry pair(s); "
                f"{self.confirmed} confirmed.")


@operation
def import_scores(round_: Round, path: Path, *, confirm: bool = False, display_name: str | None = None,
                  progress: Callable[[int, int], None] | None = None,
                  imported_by: User | None = None) -> ScoreImportReport:
    """Record scores from a CSV or XLSX file with columns entry_id, judge (e-mail), criterion
    (name), value and comment. ``progress(done, total)`` hears of each judge's sheet saved. Each
    sheet is saved (and confirmed) as its judge's; one audit row names who imported the file
    (``imported_by``; nobody for the server's administrator), the file and what it saved.

    :raises InvalidInput: naming every bad row by its number and field; nothing is saved.
    """
    name = display_name or path.name
    criteria = {c.name: c for c in round_.criteria}
    assignments = {(a.entry_id, a.judge.email): a for a in round_.assignments}
    rows = read_table(path, SCORE_COLUMNS, ("entry_id", "judge", "criterion", "value"), display_name=name)
    problems: list[str] = []
    sheets: dict[Assignment, dict[int, tuple[float, str]]] = defaultdict(dict)
    for number, row in rows:
        where = f"{name} row {number}"
        entry_id, value = read_whole_number(row["entry_id"]), read_decimal(row["value"])
        if entry_id is None or value is None:
            problems.append(f"{where}: entry_id and value must be numbers")
            continue
        assignment = assignments.get((entry_id, row["judge"].lower()))
        criterion = criteria.get(row["criterion"])
        if assignment is None:
            problems.append(f"{where}: judge: {row['judge']} is not assigned to innovation {entry_id} "
                            "in this round")
        if criterion is None:
            problems.append(f"{where}: criterion: {row['criterion']!r} is not a criterion of round "
                            f"'{round_.name}'")
        elif (problem := value_problem(criterion, value)) is not None:
            problems.append(f"{where}: value: {problem}")
        if assignment is not None and criterion is not None:
            if criterion.id in sheets[assignment]:
                problems.append(f"{where}: criterion: a second value for {criterion.name}")
            sheets[assignment][criterion.id] = (value, row.get("comment") or "")
    if problems:
        raise InvalidInput(problems)
    saved = confirmed = 0
    for done, (assignment, values) in enumerate(sheets.items(), start=1):
        try:
            save_scores(assignment, assignment.judge, values)
            saved += len(values)
            if confirm and confirm_scores(assignment, assignment.judge) is not None:
                confirmed += 1
        except (AnugerahError, WorkflowError) as error:
            raise InvalidInput(f"{assignment.judge.email} on innovation {assignment.entry_id}: "
                               f"{error}") from error
        if progress is not None:
            progress(done, len(sheets))
    record("scores.imported", imported_by, competition=round_.competition, subject=round_,
           details={"file": name, "round": round_.name, "sheets": len(sheets), "scores": saved,
                    "confirmed": confirmed})
    return ScoreImportReport(saved=saved, sheets=len(sheets), confirmed=confirmed)

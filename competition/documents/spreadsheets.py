"""Reading the rows of an uploaded or local CSV or XLSX file, as people make them in a spreadsheet."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

from competition.errors import InvalidInput
from workflows.messages import t

Row = tuple[int, dict[str, str]]


def read_table(path: Path, columns: Sequence[str], required: Sequence[str], *,
               display_name: str | None = None) -> list[Row]:
    """(spreadsheet row number, {column: value}) for each non-empty data row of a CSV or XLSX file.

    Column names are matched case-insensitively; CSV may use commas or semicolons.
    ``display_name`` is the file's name in messages (an upload's own name rather than a temporary one).
    :raises InvalidInput: for an unreadable file or missing or unknown columns.
    """
    name = display_name or path.name
    suffix = Path(name).suffix.lower() or path.suffix.lower()
    try:
        if suffix == ".xlsx":
            from openpyxl import load_workbook

            workbook = load_workbook(path, read_only=True, data_only=True)
            sheet = workbook.worksheets[0]
            table = [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
            workbook.close()
        elif suffix == ".csv":
            text = path.read_text(encoding="utf-8-sig")
            first_line = text.splitlines()[0] if text else ""
            delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
            table = list(csv.reader(io.StringIO(text), delimiter=delimiter))
        else:
            raise InvalidInput(t("%(file)s: expected a .csv or .xlsx file", file=name))
    except InvalidInput:
        raise
    except UnicodeDecodeError as exc:
        raise InvalidInput(t("%(file)s: not UTF-8 text; save the CSV as UTF-8", file=name)) from exc
    except OSError as exc:
        raise InvalidInput(t("%(file)s: cannot be read: %(reason)s", file=name,
                             reason=exc.strerror or exc)) from exc
    except Exception as exc:  # openpyxl raises several types for a damaged workbook
        raise InvalidInput(t("%(file)s: not a readable spreadsheet (%(reason)s)",
                             file=name, reason=exc)) from exc
    if not table:
        raise InvalidInput(t("%(file)s: the file is empty", file=name))
    header = [h.strip().lower() for h in table[0]]
    unknown = [h for h in header if h and h not in columns]
    missing = [c for c in required if c not in header]
    if missing or unknown:
        problem = t("%(file)s row 1: the columns must be %(columns)s (%(required)s required)",
                    file=name, columns=", ".join(columns), required=", ".join(required))
        if unknown:
            problem += "; " + t("unknown: %(names)s", names=", ".join(unknown))
        raise InvalidInput(problem)
    rows = []
    for number, values in enumerate(table[1:], start=2):
        if not any(v.strip() for v in values):
            continue
        rows.append((number, {h: (values[i].strip() if i < len(values) else "")
                              for i, h in enumerate(header) if h}))
    return rows


class RowProblems:
    """Problems found in a file, each tied to its row, listed in file order."""

    def __init__(self, file_name: str):
        self.file_name = file_name
        self._problems: list[tuple[int, int, str]] = []

    def add(self, row: int, message: str) -> None:
        self._problems.append((row, len(self._problems), message))

    def __bool__(self) -> bool:
        return bool(self._problems)

    def raise_if_any(self) -> None:
        if self._problems:
            raise InvalidInput([t("%(file)s row %(row)s: %(problem)s", file=self.file_name, row=row,
                                  problem=message) for row, _, message in sorted(self._problems)])

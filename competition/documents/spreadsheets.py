"""CSV and XLSX files: reading the rows of an uploaded or local file as people make them in a
spreadsheet, and writing every CSV and XLSX the application hands out (:func:`csv_text`,
:func:`xlsx_bytes`), where no text typed in by people can become a formula."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Collection, Iterable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from datetime import date, datetime
from decimal import Decimal
from itertools import zip_longest
from pathlib import Path
from typing import Any

from flask import current_app, has_app_context

from competition.documents.inputs import number_text, text_problem
from competition.errors import InvalidInput
from workflows.messages import t

Row = tuple[int, dict[str, str]]

# openpyxl is imported by the functions that read or write a workbook, not with this module: every
# command and page would otherwise load it at start-up. The control characters XML cannot hold
# (openpyxl's ILLEGAL_CHARACTERS_RE, which a test keeps equal to this).
ILLEGAL_CHARACTERS_RE = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")


# A workbook's parts other than its sheets (shared strings, styles) are read whole: at most this
# many bytes each once unpacked. Sheets are read a row at a time and stop at the row limit.
XLSX_PART_LIMIT = 16 * 1024 * 1024
# Columns read from each row of a workbook; an import has a handful.
XLSX_COLUMNS = 64
DEFAULT_MAX_ROWS = 5000


def import_row_limit() -> int:
    """``IMPORT_MAX_ROWS`` of the running app (``ANUGERAH_IMPORT_MAX_ROWS``)."""
    return int(current_app.config["IMPORT_MAX_ROWS"]) if has_app_context() else DEFAULT_MAX_ROWS


def read_table(path: Path, columns: Sequence[str], required: Sequence[str], *,
               display_name: str | None = None, max_rows: int | None = None,
               named: tuple[Sequence[str], Sequence[str]] | None = None) -> list[Row]:
    """(spreadsheet row number, {column: value}) for each non-empty data row of a CSV or XLSX file.

    Column names are matched case-insensitively; CSV may use commas or semicolons. The file is
    read a row at a time: one with more than ``max_rows`` rows below its header (empty ones
    included; by default the app's ``IMPORT_MAX_ROWS``) is refused as soon as the row after the
    limit is read, without reading the rest. No cell may hold a NUL character.
    ``display_name`` is the file's name in messages (an upload's own name rather than a temporary one).
    ``named``: the columns, and the required ones, that a refused header names, when not
    ``columns`` and ``required`` (a file that accepts several headings for one column).
    :raises InvalidInput: for an unreadable or too long file, missing or unknown columns, or a NUL.
    """
    name = display_name or path.name
    suffix = Path(name).suffix.lower() or path.suffix.lower()
    limit = import_row_limit() if max_rows is None else max_rows
    if suffix not in (".xlsx", ".csv"):
        raise InvalidInput(t("%(file)s: expected a .csv or .xlsx file", file=name))
    try:
        with ExitStack() as stack:
            lines = stack.enter_context(_xlsx_lines(path, name) if suffix == ".xlsx" else _csv_lines(path))
            return _rows(lines, name, columns, required, limit, named or (columns, required))
    except InvalidInput:
        raise
    except UnicodeDecodeError as exc:
        raise InvalidInput(t("%(file)s: not UTF-8 text; save the CSV as UTF-8", file=name)) from exc
    except OSError as exc:
        raise InvalidInput(t("%(file)s: cannot be read: %(reason)s", file=name,
                             reason=exc.strerror or exc)) from exc
    except Exception as exc:  # openpyxl, zipfile and csv raise several types for a damaged file
        raise InvalidInput(t("%(file)s: not a readable spreadsheet (%(reason)s)",
                             file=name, reason=exc)) from exc


def _rows(lines: Iterator[list[str]], name: str, columns: Sequence[str], required: Sequence[str],
          limit: int, named: tuple[Sequence[str], Sequence[str]]) -> list[Row]:
    first = next(lines, None)
    if first is None:
        raise InvalidInput(t("%(file)s: the file is empty", file=name))
    header = [h.strip().lower() for h in first]
    unknown = [h for h in header if h and h not in columns]
    missing = [c for c in required if c not in header]
    if missing or unknown:
        problem = t("%(file)s row 1: the columns must be %(columns)s (%(required)s required)",
                    file=name, columns=", ".join(named[0]), required=", ".join(named[1]))
        if unknown:
            problem += "; " + t("unknown: %(names)s", names=", ".join(unknown))
        raise InvalidInput(problem)
    rows = []
    problems = RowProblems(name)
    for number, values in enumerate(lines, start=2):
        if number - 1 > limit:
            raise InvalidInput(t("%(file)s: more than %(limit)s rows below the header (empty rows count "
                                 "too); import at most %(limit)s rows at a time", file=name,
                                 limit=number_text(limit)))
        if not any(v.strip() for v in values):
            continue
        row = {h: (values[i].strip() if i < len(values) else "") for i, h in enumerate(header) if h}
        for column, value in row.items():
            if "\x00" in value:
                problems.add(number, text_problem(column, value, None) or "")
        rows.append((number, row))
    problems.raise_if_any()
    return rows


@contextmanager
def _csv_lines(path: Path) -> Iterator[Iterator[list[str]]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        first_line = handle.readline()
        handle.seek(0)
        delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
        yield csv.reader(handle, delimiter=delimiter)


@contextmanager
def _xlsx_lines(path: Path, name: str) -> Iterator[Iterator[list[str]]]:
    from openpyxl import load_workbook

    with zipfile.ZipFile(path) as archive:
        if any(part.file_size > XLSX_PART_LIMIT for part in archive.infolist()
               if not part.filename.startswith("xl/worksheets/")):
            raise InvalidInput(t("%(file)s: too large to read; save the rows to import in a new workbook",
                                 file=name))
    workbook = load_workbook(path, read_only=True, data_only=True, keep_links=False)
    rows = None
    try:
        rows = workbook.worksheets[0].iter_rows(values_only=True, max_col=XLSX_COLUMNS)
        yield (["" if v is None else str(v) for v in row] for row in rows)
    finally:
        if rows is not None:
            rows.close()  # the sheet's part of the archive, left open when reading stopped early
        workbook.close()


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


# -- writing: every CSV and XLSX the application makes ---------------------------------------------

Cell = str | int | float | Decimal | date | datetime | None
# Text that a spreadsheet program would run as a formula (OWASP's advice on CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_text(columns: Sequence[str], rows: Iterable[Sequence[Cell]], *, byte_order_mark: bool = False,
             line_end: str = "\r\n") -> str:
    """A CSV file: a header row, then the rows. Text that a spreadsheet would take for a formula
    gets a leading apostrophe; numbers stay numbers (-3 is written -3); a moment is written
    "YYYY-MM-DD HH:MM" as given (callers pass it in the display time zone). With
    ``byte_order_mark``, spreadsheet programs read the file as UTF-8."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=line_end)
    writer.writerow([_csv_cell(c) for c in columns])
    for row in rows:
        writer.writerow([_csv_cell(c) for c in row])
    return ("\ufeff" if byte_order_mark else "") + buffer.getvalue()


def _csv_cell(value: Cell) -> Cell:
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d %H:%M}"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def xlsx_bytes(columns: Sequence[str], rows: Iterable[Sequence[Cell]], *, title: str, sheet_name: str,
               title_size: int = 13, widths: Sequence[int] | None = None,
               wrapped: Collection[int] = ()) -> bytes:
    """An XLSX workbook of one sheet: row 1 the title, row 2 the column names, then the rows.

    Every text is a text cell, never a formula, and one that a spreadsheet would take for a
    formula is marked as typed text (Excel's quote prefix), so that editing it keeps it text.
    Numbers stay numbers: a decimal shows as many places as it has (a score: 0.00); a moment is
    a date cell (given in the display time zone, without a zone). Characters XML cannot hold are
    replaced by U+FFFD. ``widths`` are the columns' widths (else fitted to the content, at most
    60); the columns in ``wrapped`` (0-based) wrap their text.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = _sheet_name(sheet_name)
    _append(sheet, [title])
    sheet["A1"].font = Font(bold=True, size=title_size)
    _append(sheet, columns)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    longest = [len(str(c)) for c in columns]
    for row in rows:
        cells = _append(sheet, row)
        longest = [max(n, len(str(c.value or ""))) for n, c in zip_longest(longest, cells, fillvalue=_BLANK)]
        for index in wrapped:
            if index < len(cells):
                cells[index].alignment = Alignment(wrap_text=True, vertical="top")
    for index, width in enumerate(widths or [min(60, n + 2) for n in longest], start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


class _Blank:
    value = ""


_BLANK: Any = _Blank()


def _append(sheet: Any, values: Sequence[Cell]) -> list[Any]:
    """Append one row; returns its cells."""
    sheet.append([ILLEGAL_CHARACTERS_RE.sub("\ufffd", v) if isinstance(v, str) else v for v in values])
    cells = list(sheet[sheet.max_row])[:len(values)]
    for cell, value in zip(cells, values, strict=True):
        if isinstance(value, str):
            cell.data_type = "s"   # never a formula ("=…") nor an error value ("#N/A")
            if value.startswith(FORMULA_START):
                cell.quotePrefix = True
        elif isinstance(value, datetime):
            cell.number_format = "yyyy-mm-dd hh:mm"
        elif isinstance(value, date):
            cell.number_format = "yyyy-mm-dd"
        elif isinstance(value, Decimal):
            exponent = value.as_tuple().exponent
            places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
            cell.number_format = "0." + "0" * places if places else "0"
    return cells


def _sheet_name(name: str) -> str:
    """A name a sheet may have: none of []:*?/\\, at most 31 characters, not empty."""
    cleaned = re.sub(r"[\[\]:*?/\\]", " ", ILLEGAL_CHARACTERS_RE.sub("", name)).strip().strip("'")
    return cleaned[:31] or "Sheet"

"""Regions and organisations, including the import of an OPD list from CSV or XLSX."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from competition.errors import InvalidInput
from competition.extensions import db
from competition.models import Organisation, Region
from competition.models.org import REGION_KINDS

IMPORT_COLUMNS = ("name", "short_name", "parent")


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def get_or_create_region(name: str, kind: str | None = None) -> Region:
    """The region called ``name``; created when ``kind`` is given and it does not exist yet."""
    region = db.session.scalar(select(Region).where(Region.name == name.strip()))
    if region is not None:
        return region
    if kind is None:
        raise InvalidInput(f"region: there is no region called {name!r}; give its kind "
                           f"({', '.join(REGION_KINDS)}) to create it")
    if kind not in REGION_KINDS:
        raise InvalidInput(f"region kind: {kind!r} is not one of {', '.join(REGION_KINDS)}")
    if not name.strip():
        raise InvalidInput("region: the name must not be empty")
    try:
        region = Region(name=name.strip(), kind=kind)
        db.session.add(region)
        db.session.commit()
        return region
    except BaseException:
        db.session.rollback()
        raise


def read_rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    """(spreadsheet row number, {column: value}) for each non-empty data row of a CSV or XLSX file.

    Column names are matched case-insensitively; CSV may use commas or semicolons.
    :raises InvalidInput: for an unreadable file or missing or unknown columns.
    """
    suffix = path.suffix.lower()
    try:
        if suffix == ".xlsx":
            from openpyxl import load_workbook

            workbook = load_workbook(path, read_only=True, data_only=True)
            sheet = workbook.worksheets[0]
            table = [["" if v is None else str(v) for v in row]
                     for row in sheet.iter_rows(values_only=True)]
            workbook.close()
        elif suffix == ".csv":
            text = path.read_text(encoding="utf-8-sig")
            first_line = text.splitlines()[0] if text else ""
            delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
            table = list(csv.reader(io.StringIO(text), delimiter=delimiter))
        else:
            raise InvalidInput(f"{path.name}: expected a .csv or .xlsx file")
    except InvalidInput:
        raise
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"{path.name}: not UTF-8 text; save the CSV as UTF-8") from exc
    except OSError as exc:
        raise InvalidInput(f"{path.name}: cannot be read: {exc.strerror or exc}") from exc
    except Exception as exc:  # openpyxl raises several types for a damaged workbook
        raise InvalidInput(f"{path.name}: not a readable spreadsheet ({exc})") from exc
    if not table:
        raise InvalidInput(f"{path.name}: the file is empty")
    header = [h.strip().lower() for h in table[0]]
    unknown = [h for h in header if h and h not in IMPORT_COLUMNS]
    if "name" not in header or unknown:
        raise InvalidInput(f"{path.name} row 1: columns must be {', '.join(IMPORT_COLUMNS)} "
                           f"('name' required){'; unknown: ' + ', '.join(unknown) if unknown else ''}")
    rows = []
    for number, values in enumerate(table[1:], start=2):
        if not any(v.strip() for v in values):
            continue
        rows.append((number, {h: (values[i].strip() if i < len(values) else "")
                              for i, h in enumerate(header) if h}))
    return rows


def _row_number(problem: str) -> int:
    """The row number in "file row N: ..." messages, for listing problems in file order."""
    return int(problem.split(" row ", 1)[1].split(":", 1)[0])


def import_organisations(path: Path, region: Region) -> ImportReport:
    """Import organisations into ``region`` from a CSV or XLSX file with columns
    name, short_name and parent (the name of an organisation in the file or already in the region).

    All or nothing: when any row is bad, nothing is imported and :class:`InvalidInput` lists
    every bad row by its number. Rows naming an organisation that exists with the same parent
    are reported as unchanged.
    """
    rows = read_rows(path)
    existing = {o.name: o for o in db.session.scalars(
        select(Organisation).where(Organisation.region_id == region.id))}
    problems: list[str] = []
    seen: dict[str, int] = {}
    for number, row in rows:
        name = row.get("name", "")
        where = f"{path.name} row {number}"
        if not name:
            problems.append(f"{where}: name is empty")
            continue
        if len(name) > 200:
            problems.append(f"{where}: name is longer than 200 characters")
        if len(row.get("short_name", "")) > 40:
            problems.append(f"{where}: short_name is longer than 40 characters")
        if name in seen:
            problems.append(f"{where}: {name!r} already appears in row {seen[name]}")
        seen[name] = number
    file_parents = {row["name"]: row.get("parent", "") for _, row in rows if row.get("name")}
    for number, row in rows:
        name, parent = row.get("name", ""), row.get("parent", "")
        where = f"{path.name} row {number}"
        if not name:
            continue
        if parent and parent not in file_parents and parent not in existing:
            problems.append(f"{where}: parent {parent!r} is neither in the file nor in {region.name}")
        if parent == name:
            problems.append(f"{where}: {name!r} cannot be its own parent")
        if name in existing:
            current_parent = existing[name].parent
            current = current_parent.name if current_parent is not None else ""
            if current != parent:
                problems.append(f"{where}: {name!r} exists already with parent {current or '(none)'!r}")
        # A chain of parents inside the file must not loop back.
        chain, step = {name}, parent
        while step in file_parents and step not in existing:
            if step in chain:
                problems.append(f"{where}: the parents of {name!r} form a loop")
                break
            chain.add(step)
            step = file_parents[step]
    if problems:
        raise InvalidInput(sorted(problems, key=_row_number))

    report = ImportReport()
    try:
        created: dict[str, Organisation] = {}
        for _, row in rows:
            if row["name"] in existing:
                report.unchanged.append(row["name"])
                continue
            organisation = Organisation(region=region, name=row["name"],
                                        short_name=row.get("short_name") or None)
            created[row["name"]] = organisation
            db.session.add(organisation)
            report.created.append(row["name"])
        for _, row in rows:
            parent = row.get("parent", "")
            if row["name"] in created and parent:
                created[row["name"]].parent = created.get(parent) or existing[parent]
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return report

"""Regions and organisations, including the import of an OPD list from CSV or XLSX."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from competition.documents.inputs import text_problem
from competition.documents.spreadsheets import RowProblems, read_table
from competition.errors import InvalidInput
from competition.extensions import db
from competition.models import Organisation, Region
from competition.people.models import REGION_KINDS
from competition.unit_of_work import operation
from workflows.messages import t

IMPORT_COLUMNS = ("name", "short_name", "parent")


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


@operation
def get_or_create_region(name: str, kind: str | None = None) -> Region:
    """The region called ``name``; created when ``kind`` is given and it does not exist yet."""
    if problem := text_problem("region", name.strip(), 120, one_line=True):
        raise InvalidInput(problem)
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
    region = Region(name=name.strip(), kind=kind)
    db.session.add(region)
    db.session.flush()
    return region


@operation
def import_organisations(path: Path, region: Region, *, display_name: str | None = None,
                         progress: Callable[[int, int], None] | None = None) -> ImportReport:
    """Import organisations into ``region`` from a CSV or XLSX file with columns
    name, short_name and parent (the name of an organisation in the file or already in the region).

    All or nothing: when any row is bad, nothing is imported and :class:`InvalidInput` lists
    every bad row by its number. Rows naming an organisation that exists with the same parent
    are reported as unchanged. ``progress(done, total)`` hears of each row checked.
    """
    name_of_file = display_name or path.name
    rows = read_table(path, IMPORT_COLUMNS, ("name",), display_name=name_of_file)
    existing = {o.name: o for o in db.session.scalars(
        select(Organisation).where(Organisation.region_id == region.id))}
    problems = RowProblems(name_of_file)
    seen: dict[str, int] = {}
    for number, row in rows:
        name = row.get("name", "")
        if not name:
            problems.add(number, t("name is empty"))
            continue
        if len(name) > 200:
            problems.add(number, t("name is longer than 200 characters"))
        if len(row.get("short_name", "")) > 40:
            problems.add(number, t("short_name is longer than 40 characters"))
        for column in ("name", "short_name", "parent"):
            if problem := text_problem(column, row.get(column, ""), None, one_line=True):
                problems.add(number, problem)
        if name in seen:
            problems.add(number, t("%(name)r already appears in row %(row)s", name=name, row=seen[name]))
        seen[name] = number
        if progress is not None:
            progress(len(seen), len(rows))
    file_parents = {row["name"]: row.get("parent", "") for _, row in rows if row.get("name")}
    for number, row in rows:
        name, parent = row.get("name", ""), row.get("parent", "")
        if not name:
            continue
        if parent and parent not in file_parents and parent not in existing:
            problems.add(number, t("parent %(parent)r is neither in the file nor in %(region)s",
                                   parent=parent, region=region.name))
        if parent == name:
            problems.add(number, t("%(name)r cannot be its own parent", name=name))
        if name in existing:
            current_parent = existing[name].parent
            current = current_parent.name if current_parent is not None else ""
            if current != parent:
                problems.add(number, t("%(name)r exists already with parent %(parent)r",
                                       name=name, parent=current or t("(none)")))
        # A chain of parents inside the file must not loop back.
        chain, step = {name}, parent
        while step in file_parents and step not in existing:
            if step in chain:
                problems.add(number, t("the parents of %(name)r form a loop", name=name))
                break
            chain.add(step)
            step = file_parents[step]
    problems.raise_if_any()

    report = ImportReport()
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
    db.session.flush()
    return report

"""Innovations from a CSV or XLSX file: one row per innovation, imported as drafts all or none.

The columns are this application's field names, or the headings of the national IID application's
export (``Nama Inovasi``, ``Tahapan Inovasi``, ``Waktu Uji Coba Inovasi``, …), in any order and
case; choices may be written as that export writes them ("Uji Coba", "Non Digital", "Anggota
DPRD"). Every row is checked first, through the policy and :func:`clean_entry_fields`; when any is
bad nothing is stored and every problem is named with its row number and column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from competition.documents.spreadsheets import RowProblems, read_table
from competition.entries.operations import add_entry, clean_entry_fields
from competition.errors import InvalidInput, NotPermitted
from competition.extensions import db
from competition.models import Category, Competition, Entry, Organisation, User
from competition.policy import can_import_entries
from competition.unit_of_work import operation
from workflows import get_workflow
from workflows.messages import t

# Each column's name, then the other headings it may have (the IID export's, in Indonesian).
COLUMNS: dict[str, tuple[str, ...]] = {
    "opd": ("organisation", "perangkat daerah", "nama perangkat daerah", "nama opd", "pd"),
    "title": ("nama inovasi", "judul", "judul inovasi"),
    "category": ("kategori", "kategori inovasi"),
    "inisiator": ("inisiator inovasi",),
    "tahapan": ("tahapan inovasi",),
    "jenis": ("jenis inovasi",),
    "bentuk": ("bentuk inovasi",),
    "urusan": ("urusan pemerintahan", "urusan inovasi"),
    "urusan_terkait": ("urusan terkait", "urusan pemerintahan terkait"),
    "trial_started_on": ("waktu uji coba", "waktu uji coba inovasi"),
    "implemented_on": ("waktu penerapan", "waktu implementasi", "waktu penerapan inovasi"),
    "anggaran_rupiah": ("anggaran", "anggaran inovasi"),
    "rancang_bangun": ("rancang bangun", "rancang bangun inovasi"),
    "tujuan": ("tujuan inovasi",),
    "manfaat": ("manfaat inovasi", "manfaat yang diperoleh"),
    "hasil": ("hasil inovasi",),
}
REQUIRED = ("opd", "title")
_HEADINGS = {heading: name for name, others in COLUMNS.items() for heading in (name, *others)}
# Choices as the IID export words them, beside this application's own values.
_SPOKEN = {
    "inisiator": {"anggota_dprd": "dprd", "opd": "perangkat_daerah", "kepala_opd": "perangkat_daerah"},
    "bentuk": {"inovasi_tata_kelola_pemerintahan_daerah": "tata_kelola",
               "tata_kelola_pemerintahan_daerah": "tata_kelola",
               "inovasi_pelayanan_publik": "pelayanan_publik",
               "inovasi_daerah_lainnya": "urusan_lainnya", "lainnya": "urusan_lainnya"},
    "jenis": {"nondigital": "non_digital"},
}
_DAY_FIRST = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")


@dataclass
class EntryImportReport:
    created: list[Entry] = field(default_factory=list)


@operation
def import_entries(competition: Competition, path: Path, by: User, *,
                   display_name: str | None = None) -> EntryImportReport:
    """Draft innovations of ``competition`` from a file, one per row, created by ``by``.

    :raises NotPermitted: when ``by`` may not import innovations into ``competition`` at all.
    :raises InvalidInput: naming every bad row by its number, and the column; nothing is stored.
    """
    if not can_import_entries(by, competition):
        raise NotPermitted(t("%(user)s may not import innovations into %(competition)s now (an organiser "
                             "may, or an OPD's submitter for its own OPD, while the competition is open; "
                             "it is in phase '%(phase)s')", user=by.name, competition=competition.name,
                             phase=get_workflow("competition").shown(competition.phase)))
    file_name = display_name or path.name
    rows = [(number, _named(row, file_name)) for number, row in
            read_table(path, list(_HEADINGS), (), display_name=file_name,
                       named=(list(COLUMNS), REQUIRED))]
    if not rows:
        raise InvalidInput(t("%(file)s: the file has no innovations below its header", file=file_name))
    missing = [name for name in REQUIRED if name not in rows[0][1]]
    if missing:
        raise InvalidInput(t("%(file)s row 1: missing column(s) %(names)s", file=file_name,
                             names=", ".join(missing)))
    plan = _checked(competition, by, rows, file_name)
    report = EntryImportReport()
    for organisation, clean in plan:
        report.created.append(add_entry(competition, organisation, by, clean,
                                        details={"imported_from": file_name}))
    return report


def _named(row: dict[str, str], file_name: str) -> dict[str, str]:
    """A row by column name, whichever heading the file used for each."""
    named: dict[str, str] = {}
    for heading, value in row.items():
        name = _HEADINGS[heading]
        if name in named:
            raise InvalidInput(t("%(file)s row 1: two columns for %(name)s", file=file_name, name=name))
        named[name] = value
    return named


def _checked(competition: Competition, by: User, rows: list[tuple[int, dict[str, str]]],
             file_name: str) -> list[tuple[Organisation, dict[str, Any]]]:
    """Each row's OPD and clean fields; :class:`InvalidInput` naming every problem of every row."""
    organisations = list(db.session.scalars(select(Organisation).where(
        Organisation.region_id == competition.region_id)))
    by_name = {o.name.casefold(): o for o in organisations}
    by_name.update({o.short_name.casefold(): o for o in organisations if o.short_name})
    categories = {c.name.casefold(): c for c in db.session.scalars(select(Category).where(
        Category.competition_id == competition.id))}
    taken = {(organisation_id, title.casefold()) for organisation_id, title in db.session.execute(
        select(Entry.organisation_id, Entry.title).where(Entry.competition_id == competition.id))}
    seen: dict[tuple[int, str], int] = {}
    problems = RowProblems(file_name)
    plan = []
    for number, row in rows:
        opd = row.get("opd", "")
        organisation = by_name.get(opd.casefold()) if opd else None
        if organisation is None:
            problems.add(number, t("opd: %(name)r is not an OPD of %(region)s", name=opd,
                                   region=competition.region.name) if opd else t("opd: must not be empty"))
        elif not can_import_entries(by, competition, organisation):
            problems.add(number, t("opd: %(user)s may not import innovations for %(name)s", user=by.name,
                                   name=organisation.name))
        fields = _fields(row, categories, number, problems)
        try:
            clean = clean_entry_fields(competition, fields)
        except InvalidInput as error:
            for problem in error.problems:
                problems.add(number, problem)
            continue
        if organisation is None or "title" not in clean:
            continue
        key = (organisation.id, clean["title"].casefold())
        if key in taken:
            problems.add(number, t("title: %(organisation)s already has an innovation called %(title)r in "
                                   "this competition", organisation=organisation.name, title=clean["title"]))
        elif key in seen:
            problems.add(number, t("title: %(title)r for %(organisation)s already appears in row %(row)s",
                                   title=clean["title"], organisation=organisation.name, row=seen[key]))
        seen.setdefault(key, number)
        plan.append((organisation, clean))
    problems.raise_if_any()
    return plan


def _fields(row: dict[str, str], categories: dict[str, Category], number: int,
            problems: RowProblems) -> dict[str, Any]:
    """The row's values as :func:`clean_entry_fields` takes them (empty cells left out, so that
    each keeps the form's default)."""
    fields: dict[str, Any] = {"title": row.get("title", "")}
    for name, value in row.items():
        if name in ("opd", "title") or not value:
            continue
        if name == "category":
            category = categories.get(value.casefold())
            if category is None:
                problems.add(number, t("category: %(value)r is not a category of this competition",
                                       value=value))
            else:
                fields["category_id"] = category.id
        elif name in ("inisiator", "tahapan", "jenis", "bentuk"):
            spoken = re.sub(r"[\s-]+", "_", value.strip().casefold())
            fields[name] = _SPOKEN.get(name, {}).get(spoken, spoken)
        elif name in ("trial_started_on", "implemented_on"):
            fields[name] = _date(value)
        elif name == "anggaran_rupiah":
            fields[name] = re.sub(r"^rp\.?\s*", "", value.strip(), flags=re.IGNORECASE)
        else:
            fields[name] = value
    return fields


def _date(value: str) -> date | str:
    """A date as a spreadsheet holds it: YYYY-MM-DD (a workbook's date cell reads "YYYY-MM-DD
    00:00:00"), or DD/MM/YYYY as Indonesians write it; anything else is left for the check to name."""
    text = value.strip()
    try:
        return datetime.fromisoformat(text).date()
    except ValueError:
        pass
    if found := _DAY_FIRST.fullmatch(text):
        try:
            return date(int(found[3]), int(found[2]), int(found[1]))
        except ValueError:
            return text
    return text

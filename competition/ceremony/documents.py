"""The ceremony (penganugerahan): the run-sheet per award and its exports, and certificates.

Everything is read from a sealed result set, so what is announced on stage is exactly what was
sealed. Positions are revealed from last to first.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from flask import render_template
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from sqlalchemy import select

from competition.documents.formatting import format_date, format_decimal, juara
from competition.documents.pdf import render_pdf
from competition.errors import InvalidInput
from competition.extensions import db
from competition.models import Award, ResultSet
from competition.models.types import utcnow
from competition.results.operations import award_standings
from workflows.messages import t

COLUMNS = ("Urutan", "Peringkat", "OPD", "Inovasi", "Nilai", "Kutipan", "Nomor piagam")


@dataclass(frozen=True)
class RunSheetRow:
    reveal: int               # order of announcement on stage, 1 first
    position: int             # 1 is Juara I
    subject: str              # the OPD, region or innovation that wins
    organisation: str
    innovation: str
    score: float
    citation: str
    certificate_number: str


def run_sheet(result_set: ResultSet, award: Award) -> list[RunSheetRow]:
    """The winners of ``award`` in the order they are revealed: last position first. Winners
    sharing a position are revealed together, in name order."""
    winners = [s for s in award_standings(result_set, award.id) if s.position is not None]
    if not winners:
        raise InvalidInput(t("award '%(award)s' has no winner in version %(version)s", award=award.name,
                             version=result_set.version))
    ordered = sorted(winners, key=lambda s: (-(s.position or 0), s.subject))
    year = result_set.competition.year
    rows = []
    for reveal, standing in enumerate(ordered, start=1):
        position = standing.position or 0
        shared = [w for w in ordered if w.position == position]
        suffix = "" if len(shared) == 1 else "abcdefghij"[shared.index(standing)]
        what = standing.innovation if award.subject != "innovation" else standing.organisation
        citation = f"{juara(position)} {award.name}: {standing.subject}"
        if what:
            citation += f", dengan inovasi {what}" if award.subject != "innovation" else f" ({what})"
        if award.citation:
            citation += f". {award.citation}"
        rows.append(RunSheetRow(
            reveal=reveal, position=position, subject=standing.subject,
            organisation=standing.organisation, innovation=standing.innovation, score=standing.score,
            citation=citation,
            certificate_number=f"{year}/{award.position:02d}/{position:02d}{suffix}/V{result_set.version}"))
    return rows


def _cells(row: RunSheetRow) -> list[str | int | float]:
    return [row.reveal, juara(row.position), row.organisation or row.subject, row.innovation,
            round(row.score, 2), row.citation, row.certificate_number]


def run_sheet_csv(rows: list[RunSheetRow]) -> str:
    """The run-sheet as CSV (UTF-8 with a byte-order mark so spreadsheet programs read it right)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow(_cells(row))
    return "\ufeff" + buffer.getvalue()


def run_sheet_xlsx(rows: list[RunSheetRow], title: str) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Susunan acara"
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(list(COLUMNS))
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(_cells(row))
    for column, width in zip("ABCDEFG", (8, 12, 40, 40, 9, 70, 22), strict=True):
        sheet.column_dimensions[column].width = width
    for line in sheet.iter_rows(min_row=3):
        line[5].alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def run_sheet_pdf(result_set: ResultSet, award: Award, rows: list[RunSheetRow]) -> bytes:
    """A printable A4 run-sheet for the master of ceremonies."""
    html = render_template("ceremony/run_sheet.html", competition=result_set.competition, award=award,
                           result_set=result_set, rows=rows, printed=format_date(utcnow()),
                           decimal=format_decimal, juara=juara)
    return render_pdf(html)


def certificates_pdf(result_set: ResultSet, award: Award, rows: list[RunSheetRow]) -> bytes:
    """One A4 landscape certificate (piagam penghargaan) per winner, numbered as on the run-sheet."""
    html = render_template("ceremony/certificates.html", competition=result_set.competition,
                           award=award, result_set=result_set,
                           rows=sorted(rows, key=lambda r: (r.position, r.certificate_number)),
                           signed=format_date(result_set.published_at or result_set.sealed_at),
                           decimal=format_decimal, juara=juara)
    return render_pdf(html)


@dataclass(frozen=True)
class AwardProgramme:
    """One award of a sealed version and its run-sheet; no rows when nobody won it."""

    award: Award
    rows: list[RunSheetRow]


def ceremony_programme(result_set: ResultSet) -> list[AwardProgramme]:
    """Every award of ``result_set``, in the order the awards were defined, with its run-sheet."""
    award_ids = [a["id"] for a in result_set.inputs["awards"]]
    awards = {a.id: a for a in db.session.scalars(select(Award).where(Award.id.in_(award_ids)))}
    programme = []
    for award_id in award_ids:
        award = awards.get(award_id)
        if award is None:
            continue
        try:
            rows = run_sheet(result_set, award)
        except InvalidInput:
            rows = []
        programme.append(AwardProgramme(award=award, rows=rows))
    return programme

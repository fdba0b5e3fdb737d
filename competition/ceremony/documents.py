"""The ceremony (penganugerahan): the run-sheet per award and its exports, and certificates.

Everything is read from a sealed result set, so what is announced on stage is exactly what was
sealed. Positions are revealed from last to first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from flask import render_template
from sqlalchemy import select

from competition.ceremony.operations import logo_data_uri, nip_shown, settings_data, settings_of
from competition.documents.formatting import format_date, format_decimal, juara
from competition.documents.pdf import render_pdf
from competition.documents.spreadsheets import csv_text, xlsx_bytes
from competition.errors import InvalidInput
from competition.extensions import db
from competition.models import Award, Competition, ResultSet
from competition.models.types import utcnow
from competition.results.operations import latest_result_set
from competition.results.standings import AwardStanding, CountedInnovation, award_standings, sealed_awards
from workflows.messages import t

COLUMNS = ("Urutan", "Peringkat", "Penerima", "OPD", "Inovasi", "Jumlah inovasi", "Nilai", "Kutipan",
           "Nomor piagam")
# In a citation, an OPD's innovations are named up to this many, then "dan N lainnya".
CITED_INNOVATIONS = 5


@dataclass(frozen=True)
class RunSheetRow:
    reveal: int               # order of announcement on stage, 1 first
    position: int             # 1 is Juara I
    subject: str              # the OPD, region or innovation that wins
    organisation: str         # the OPD (of the innovation, for an innovation award)
    innovation: str           # an innovation award's innovation; empty for OPD and region awards
    innovations: tuple[CountedInnovation, ...]   # what counted, best first
    score: Decimal            # as shown: two places
    citation: str
    certificate_number: str


def citation_of(award: Award, standing: AwardStanding, position: int) -> str:
    """"Juara I OPD Terinovatif: Dinas Kesehatan, dengan 3 inovasi: A, B dan C." An innovation
    award names the innovation and its OPD; an OPD or region award names the OPD or region and
    the innovations that counted, never one of them as if it alone had won."""
    citation = f"{juara(position)} {award.name}: {standing.subject}"
    if award.subject == "innovation":
        if standing.organisation:
            citation += f" ({standing.organisation})"
    elif standing.innovations:
        titles = [i.title for i in standing.innovations]
        named = titles[:CITED_INNOVATIONS]
        if len(titles) > CITED_INNOVATIONS:
            listed = ", ".join(named) + f" dan {len(titles) - CITED_INNOVATIONS} lainnya"
        else:
            listed = named[0] if len(named) == 1 else ", ".join(named[:-1]) + f" dan {named[-1]}"
        citation += f", dengan {len(titles)} inovasi: {listed}"
    if award.citation:
        citation += f". {award.citation}"
    return citation


def run_sheet(result_set: ResultSet, award: Award) -> list[RunSheetRow]:
    """The winners of ``award`` in the order they are revealed: last position first. Winners
    sharing a position are revealed together, in name order."""
    winners = award_standings(result_set, award.id, winners_only=True)
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
        rows.append(RunSheetRow(
            reveal=reveal, position=position, subject=standing.subject,
            organisation=standing.organisation, innovation=standing.innovation,
            innovations=standing.innovations, score=standing.score,
            citation=citation_of(award, standing, position),
            certificate_number=f"{year}/{award.position:02d}/{position:02d}{suffix}/V{result_set.version}"))
    return rows


def _innovations_cell(row: RunSheetRow) -> str:
    """"Antrean Daring (83.00); Sekolah Pintar (80.00)": titles with their scores, dot decimal."""
    if row.innovation:
        return row.innovation
    return "; ".join(f"{i.title} ({i.score})" for i in row.innovations)


def _cells(row: RunSheetRow) -> list[str | int | Decimal]:
    return [row.reveal, juara(row.position), row.subject, row.organisation, _innovations_cell(row),
            len(row.innovations), row.score, row.citation, row.certificate_number]


def run_sheet_csv(rows: list[RunSheetRow]) -> str:
    """The run-sheet as CSV for machines: UTF-8 without a byte-order mark, a header row, commas,
    scores with a dot and two places ("83.00") exactly as sealed. docs/exports.md describes it."""
    return csv_text(COLUMNS, (_cells(row) for row in rows), line_end="\n")


def run_sheet_xlsx(rows: list[RunSheetRow], title: str) -> bytes:
    """The run-sheet for people with a spreadsheet: the title, the column names, then the rows;
    the score a number cell shown with two places."""
    return xlsx_bytes(COLUMNS, (_cells(row) for row in rows), title=title, sheet_name="Susunan acara",
                      title_size=14, widths=(8, 12, 36, 36, 50, 9, 9, 70, 22), wrapped=(4, 7))


def run_sheet_pdf(result_set: ResultSet, award: Award, rows: list[RunSheetRow]) -> bytes:
    """A printable A4 run-sheet for the master of ceremonies."""
    html = render_template("ceremony/run_sheet.html", competition=result_set.competition, award=award,
                           result_set=result_set, rows=rows, printed=format_date(utcnow()),
                           decimal=format_decimal, juara=juara)
    return render_pdf(html)


def certificates_html(competition: Competition, award_name: str, rows: list[RunSheetRow],
                      fallback_date: date | datetime | None) -> str:
    """The certificates as HTML, signed as the organiser set in the ceremony settings: signatory
    (and a second one), place, ceremony date and logo. Until a date is set, the date the results
    were published (or sealed) is printed; until a place is set, the region's name."""
    settings = settings_of(competition)
    data = settings_data(settings)
    signatories = [{"name": data[f"{prefix}_name"], "title": data[f"{prefix}_title"],
                    "nip": nip_shown(data[f"{prefix}_nip"])}
                   for prefix in ("second", "signatory") if data[f"{prefix}_name"]]
    return render_template("ceremony/certificates.html", competition=competition, award_name=award_name,
                           rows=sorted(rows, key=lambda r: (r.position, r.certificate_number)),
                           place=data["place"] or competition.region.name,
                           signed=format_date(data["ceremony_date"] or fallback_date),
                           signatories=signatories, logo=logo_data_uri(settings),
                           decimal=format_decimal, juara=juara)


def certificates_pdf(result_set: ResultSet, award: Award, rows: list[RunSheetRow]) -> bytes:
    """One A4 landscape certificate (piagam penghargaan) per winner, numbered as on the run-sheet."""
    return render_pdf(certificates_html(result_set.competition, award.name, rows,
                                        result_set.published_at or result_set.sealed_at))


def certificate_preview_pdf(competition: Competition) -> bytes:
    """One certificate to check before printing: the first winner of the first award of the latest
    sealed version, or, before anything is sealed, an example winner (marked as an example)."""
    result_set = latest_result_set(competition)
    for programme in ceremony_programme(result_set) if result_set else []:
        if programme.rows and result_set is not None:
            first = min(programme.rows, key=lambda r: (r.position, r.certificate_number))
            return render_pdf(certificates_html(competition, programme.award.name, [first],
                                                result_set.published_at or result_set.sealed_at))
    award = competition.awards[0].name if competition.awards else "OPD Terinovatif"
    example = RunSheetRow(reveal=1, position=1, subject="CONTOH: Nama Perangkat Daerah",
                          organisation="CONTOH: Nama Perangkat Daerah", innovation="", innovations=(),
                          score=Decimal("0.00"), citation="", certificate_number=f"{competition.year}/CONTOH")
    return render_pdf(certificates_html(competition, award, [example], utcnow()))


@dataclass(frozen=True)
class AwardProgramme:
    """One award of a sealed version and its run-sheet; no rows when nobody won it."""

    award: Award
    rows: list[RunSheetRow]


def ceremony_programme(result_set: ResultSet) -> list[AwardProgramme]:
    """Every award of ``result_set``, in the order the awards were defined, with its run-sheet."""
    award_ids = [a["id"] for a in sealed_awards(result_set)]
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

"""Every CSV and XLSX the application hands out is made by one exporter
(competition.documents.spreadsheets), and no text typed in by people becomes a formula in it."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from decimal import Decimal

import pytest
from flask import Flask
from openpyxl import load_workbook

from competition.documents.spreadsheets import csv_text, xlsx_bytes
from competition.extensions import db
from competition.results.operations import seal_results
from tests.results.test_views import Contest
from tests.web.pages import sign_in

FORMULA = '=HYPERLINK("http://x","y")'
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
TYPED = (FORMULA, "@Dinas Kesehatan", "-Dinas Pendidikan", "+Sekolah Pintar", "=1+2", "=Lomba Inovasi",
         "@Juri Satu")
# The export routes, by endpoint; a new one must be added here (and made with the exporter).
EXPORTS = {"ceremony.run_sheet_file", "dashboard.download", "people.import_template", "iid.export"}


def is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def export_urls(app: Flask, contest: Contest) -> dict[str, list[str]]:
    """Every CSV and XLSX address of the app, with the contest's ids filled in."""
    values = {"competition_id": contest.competition.id, "award_id": contest.award.id}
    found: dict[str, list[str]] = {}
    adapter = app.url_map.bind("localhost")
    for rule in app.url_map.iter_rules():
        if "csv" not in rule.rule and "xlsx" not in rule.rule:
            continue
        formats = [f for f in ("csv", "xlsx") if f in rule.rule]
        ids = {name: value for name, value in values.items() if name in rule.arguments}
        if rule.endpoint == "dashboard.download":
            from competition.monitoring.views import FIGURES

            found[rule.endpoint] = [adapter.build(rule.endpoint, {**ids, "figure": figure, "kind": kind})
                                    for figure in FIGURES for kind in formats]
        elif rule.endpoint == "ceremony.run_sheet_file":
            found[rule.endpoint] = [adapter.build(rule.endpoint, {**ids, "file_format": kind})
                                    for kind in formats]
        elif rule.endpoint == "iid.export":
            found[rule.endpoint] = [adapter.build(rule.endpoint, {**ids, "kind": kind}) for kind in formats]
        elif rule.endpoint == "people.import_template":
            found[rule.endpoint] = [adapter.build(rule.endpoint, {"kind": kind})
                                    for kind in ("organisations", "users")]
        else:
            pytest.fail(f"{rule.endpoint} ({rule.rule}) exports a file: give it to this test")
    return found


def csv_cells(body: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(body.lstrip("\ufeff"))) for cell in row]


def test_no_export_holds_a_formula_whatever_people_typed(app, client):
    contest = Contest({(FORMULA, "@Dinas Kesehatan"): ([80, 60], [80, 60]),
                       ("+Sekolah Pintar", "-Dinas Pendidikan"): ([70, 90], [70, 90]),
                       ("Lapor Cepat", "=1+2"): ([65, 90], [75, 90])}, name="=Lomba Inovasi")
    contest.judges[0].name = "@Juri Satu"
    db.session.commit()
    contest.close_judging()
    seal_results(contest.competition, contest.organiser)
    sign_in(client, contest.organiser)
    urls = export_urls(app, contest)
    assert set(urls) == EXPORTS
    problems: list[str] = []
    neutralised: set[str] = set()
    for url in (u for addresses in urls.values() for u in addresses):
        response = client.get(url)
        assert response.status_code == 200, url
        if url.endswith(".csv"):
            cells = csv_cells(response.get_data(as_text=True))
            problems += [f"{url}: {cell!r}" for cell in cells
                         if cell.startswith(FORMULA_START) and not is_number(cell)]
            neutralised |= {cell[1:] for cell in cells if cell.startswith("'")}
        else:
            sheet = load_workbook(io.BytesIO(response.data)).active
            for cell in (c for row in sheet.iter_rows() for c in row):
                if cell.data_type == "f" or (isinstance(cell.value, str) and cell.value.startswith(
                        FORMULA_START) and not cell.quotePrefix):
                    problems.append(f"{url} {cell.coordinate}: {cell.value!r}")
                if cell.quotePrefix:
                    neutralised.add(cell.value)
    assert problems == []
    # Each text typed in reached some export, written as text.
    for typed in TYPED:
        assert any(value.startswith(typed) for value in neutralised), typed


def test_csv_neutralises_formulas_and_keeps_numbers():
    text = csv_text(["Judul", "Nilai"], [[FORMULA, Decimal("83.00")], ["-Dinas", -3], ["\tTab", 7.5],
                                         ["Rapat 1", datetime(2026, 11, 26, 10, 30)], [None, 0]])
    assert text == ("Judul,Nilai\r\n\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",83.00\r\n'-Dinas,-3\r\n"
                    "'\tTab,7.5\r\nRapat 1,2026-11-26 10:30\r\n,0\r\n")
    assert csv_text(["A"], [], byte_order_mark=True, line_end="\n") == "\ufeffA\n"


def test_xlsx_keeps_text_as_text_and_numbers_as_numbers():
    body = xlsx_bytes(["Judul", "Nilai", "Waktu"],
                      [[FORMULA, Decimal("83.00"), datetime(2026, 11, 26, 10, 30)], ["#N/A", -3, None],
                       ["bell\x07", 7.5, None]],
                      title="@Lomba", sheet_name="Hasil: [1]")
    sheet = load_workbook(io.BytesIO(body)).active
    assert sheet.title == "Hasil   1"
    assert (sheet["A1"].value, sheet["A1"].data_type, sheet["A1"].quotePrefix) == ("@Lomba", "s", True)
    assert (sheet["A3"].value, sheet["A3"].data_type, sheet["A3"].quotePrefix) == (FORMULA, "s", True)
    assert (sheet["B3"].value, sheet["B3"].data_type, sheet["B3"].number_format) == (83, "n", "0.00")
    assert (sheet["C3"].value, sheet["C3"].number_format) == (datetime(2026, 11, 26, 10, 30),
                                                              "yyyy-mm-dd hh:mm")
    assert (sheet["A4"].value, sheet["A4"].data_type) == ("#N/A", "s")
    assert (sheet["B4"].value, sheet["B4"].data_type) == (-3, "n")
    assert sheet["A5"].value == "bell\ufffd"

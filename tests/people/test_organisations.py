"""Importing OPD lists: all rows or none, every bad row named."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from competition.errors import InvalidInput
from competition.extensions import db
from competition.models import Organisation, Region
from competition.people.organisations import get_or_create_region, import_organisations
from tests.factories import make_organisation, make_region


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def organisations() -> dict[str, str | None]:
    rows = db.session.scalars(select(Organisation)).all()
    return {o.name: (o.parent.name if o.parent else None) for o in rows}


def test_csv_with_parents_later_in_the_file(app, tmp_path):
    region = make_region("Kota Kediri")
    path = write(tmp_path, "opd.csv", "name,short_name,parent\n"
                 "Puskesmas Ngletih,,Dinas Kesehatan\n"
                 "Dinas Kesehatan,Dinkes,\n"
                 "Bappeda,Bappeda,\n")
    report = import_organisations(path, region)
    assert report.created == ["Puskesmas Ngletih", "Dinas Kesehatan", "Bappeda"]
    assert organisations() == {"Puskesmas Ngletih": "Dinas Kesehatan", "Dinas Kesehatan": None,
                               "Bappeda": None}


def test_semicolon_csv_from_excel_with_bom_and_capital_headers(app, tmp_path):
    region = make_region()
    path = tmp_path / "opd.csv"
    path.write_bytes("\ufeffName;Short_Name;Parent\nKecamatan Mojoroto;;\n"
                     "Kelurahan Bandar Lor;;Kecamatan Mojoroto\n".encode())
    import_organisations(path, region)
    assert organisations() == {"Kecamatan Mojoroto": None, "Kelurahan Bandar Lor": "Kecamatan Mojoroto"}


def test_xlsx(app, tmp_path):
    region = make_region()
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["name", "short_name", "parent"])
    sheet.append(["Dinas Pendidikan", "Disdik", None])
    sheet.append([None, None, None])
    sheet.append(["RSUD Gambiran", None, None])
    workbook.save(tmp_path / "opd.xlsx")
    report = import_organisations(tmp_path / "opd.xlsx", region)
    assert report.created == ["Dinas Pendidikan", "RSUD Gambiran"]
    assert db.session.scalar(select(Organisation.short_name).where(
        Organisation.name == "Dinas Pendidikan")) == "Disdik"


def test_bad_rows_are_all_reported_and_nothing_is_imported(app, tmp_path):
    region = make_region()
    make_organisation(region, "Bappeda")
    path = write(tmp_path, "opd.csv", "name,short_name,parent\n"
                 "Dinas Sosial,,\n"
                 ",,\n"
                 ",Dinsos,\n"
                 "Dinas Sosial,,\n"
                 "UPT Parkir,,Dinas Perhubungan\n"
                 "Bappeda,,Dinas Sosial\n"
                 "A," + "x" * 41 + ",\n")
    with pytest.raises(InvalidInput) as invalid:
        import_organisations(path, region)
    assert invalid.value.problems == [
        "opd.csv row 4: name is empty",
        "opd.csv row 5: 'Dinas Sosial' already appears in row 2",
        "opd.csv row 6: parent 'Dinas Perhubungan' is neither in the file nor in " + region.name,
        "opd.csv row 7: 'Bappeda' exists already with parent '(none)'",
        "opd.csv row 8: short_name is longer than 40 characters",
    ]
    assert organisations() == {"Bappeda": None}


def test_parent_loops_are_refused(app, tmp_path):
    region = make_region()
    path = write(tmp_path, "opd.csv", "name,parent\nA,B\nB,C\nC,A\n")
    with pytest.raises(InvalidInput) as invalid:
        import_organisations(path, region)
    assert invalid.value.problems == [
        "opd.csv row 2: the parents of 'A' form a loop",
        "opd.csv row 3: the parents of 'B' form a loop",
        "opd.csv row 4: the parents of 'C' form a loop",
    ]
    assert organisations() == {}


def test_reimport_reports_unchanged(app, tmp_path):
    region = make_region()
    path = write(tmp_path, "opd.csv", "name,parent\nDinas Kesehatan,\nPuskesmas Sukorame,Dinas Kesehatan\n")
    import_organisations(path, region)
    report = import_organisations(path, region)
    assert (report.created, report.unchanged) == ([], ["Dinas Kesehatan", "Puskesmas Sukorame"])


@pytest.mark.parametrize(("name", "content", "message"), [
    ("opd.csv", "nama,induk\nDinas,\n", "opd.csv row 1: the columns must be name, short_name, parent "
                                        "(name required); unknown: nama, induk"),
    ("opd.csv", "", "opd.csv: the file is empty"),
    ("opd.txt", "name\nA\n", "opd.txt: expected a .csv or .xlsx file"),
    ("opd.xlsx", "name\nA\n", "opd.xlsx: not a readable spreadsheet"),
])
def test_unreadable_files(app, tmp_path, name, content, message):
    with pytest.raises(InvalidInput, match=message.replace("(", r"\(").replace(")", r"\)")):
        import_organisations(write(tmp_path, name, content), make_region())


def test_latin1_csv_is_named(app, tmp_path):
    path = tmp_path / "opd.csv"
    path.write_bytes("name\nDinas Pariwisata Caf\xe9\n".encode("latin-1"))
    with pytest.raises(InvalidInput, match="not UTF-8 text"):
        import_organisations(path, make_region())


def test_region_is_created_only_with_a_kind(app):
    with pytest.raises(InvalidInput, match="there is no region called 'Kota Blitar'; give its kind"):
        get_or_create_region("Kota Blitar")
    region = get_or_create_region("Kota Blitar", "kota")
    assert (region.kind, get_or_create_region("Kota Blitar").id) == ("kota", region.id)
    assert db.session.scalar(select(func.count()).select_from(Region)) == 1

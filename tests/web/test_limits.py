"""How much people may send: the size of a request and of a form, the length of every free text,
and the rows of an imported file. Each limit is refused with a message that names it, and
nothing is stored."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from competition.documents.spreadsheets import read_table
from competition.errors import InvalidInput
from competition.extensions import db
from competition.models import Award, Criterion, Entry, Evidence, Organisation, Round, Score, User
from tests.factories import make_competition, make_entry, make_organisation, make_user
from tests.web.pages import page, sign_in

PDF = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


class Office:
    def __init__(self):
        self.competition = make_competition(name="Lomba Inovasi 2026")
        self.dinkes = make_organisation(self.competition.region, "Dinas Kesehatan")
        self.operator = make_user(self.competition, "submitter", organisation=self.dinkes, name="Operator")
        self.organiser = make_user(self.competition, "organiser", name="Panitia")
        self.draft = make_entry(self.competition, self.dinkes, title="Posyandu Digital", complete=False)


@pytest.fixture
def office(app):
    return Office()


def entry_form(**overrides: str) -> dict[str, str]:
    values = {"title": "Antrean Daring", "category_id": "", "inisiator": "perangkat_daerah",
              "tahapan": "inisiatif", "jenis": "digital", "bentuk": "pelayanan_publik"}
    values.update(overrides)
    return values


# -- the size of a request ---------------------------------------------------------------------------

@pytest.mark.parametrize("language, title, limits", [
    ("en", "Too large", "At most 1 MB in one request, 1,000 fields in one form, and 1,024 KB of text"),
    (None, "Terlalu besar", "Paling banyak 1 MB dalam satu permintaan, 1.000 isian dalam satu formulir, "
                            "dan 1.024 KB teks"),
])
def test_a_request_over_the_limit_gets_a_413_page_naming_the_limits(app, client, office, language, title,
                                                                     limits):
    """The request says how long it is: one over the limit is refused before its body is read."""
    app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024
    sign_in(client, office.operator, language=language)
    response = client.post(f"/innovations/{office.draft.id}/evidence", input_stream=io.BytesIO(PDF),
                           content_type="multipart/form-data; boundary=x",
                           environ_overrides={"CONTENT_LENGTH": str(1024 * 1024 + 1)})
    assert response.status_code == 413
    assert f"<h1 class=\"h3\">{title}</h1>" in page(response) and limits in page(response)
    assert count(Evidence) == 0


def test_the_request_limit_is_a_bit_above_the_evidence_limit_by_default(app):
    assert app.config["EVIDENCE_MAX_BYTES"] == 20 * 1024 * 1024
    assert app.config["MAX_CONTENT_LENGTH"] == 25 * 1024 * 1024


def test_a_form_with_too_many_fields_is_refused_before_it_is_read(client, office):
    sign_in(client, office.operator)
    fields = [(f"extra{i}", "x") for i in range(1000)]
    response = client.post(f"/innovations/{office.draft.id}/edit",
                           data=MultiDict([*entry_form().items(), *fields]))
    assert response.status_code == 413
    db.session.expire_all()
    assert office.draft.title == "Posyandu Digital"
    few = client.post(f"/innovations/{office.draft.id}/edit",
                      data=MultiDict([*entry_form().items(), *fields[:900]]))
    assert few.status_code == 302


def test_a_form_without_files_larger_than_the_form_limit_is_refused(app, client, office):
    app.config["MAX_FORM_MEMORY_SIZE"] = 10 * 1024
    sign_in(client, office.operator)
    response = client.post(f"/innovations/new/{office.competition.id}",
                           data=entry_form(rancang_bangun="kata " * 2100))
    assert response.status_code == 413
    assert count(Entry) == 1


def test_a_text_field_of_a_form_with_files_larger_than_the_form_limit_is_refused(app, client, office):
    app.config["MAX_FORM_MEMORY_SIZE"] = 10 * 1024
    sign_in(client, office.operator)
    response = client.post(f"/innovations/{office.draft.id}/evidence", content_type="multipart/form-data",
                           data={"indicator": "x" * (11 * 1024), "files": (io.BytesIO(PDF), "sk.pdf")})
    assert response.status_code == 413
    assert count(Evidence) == 0


# -- the length of free texts ---------------------------------------------------------------------

def test_a_megabyte_of_rancang_bangun_is_refused_naming_the_field_and_its_limit(client, office):
    sign_in(client, office.operator)
    response = client.post(f"/innovations/new/{office.competition.id}",
                           data=entry_form(rancang_bangun="x" * 1_000_000))
    assert response.status_code == 422
    assert "Design (rancang bangun): at most 20,000 characters (got 1,000,000)" in page(response)
    assert count(Entry) == 1


def test_a_rancang_bangun_of_twenty_thousand_characters_is_kept_whole(client, office):
    sign_in(client, office.operator)
    text = ("kata " * 4000).strip() + "!"
    assert len(text) == 20_000
    response = client.post(f"/innovations/new/{office.competition.id}", data=entry_form(rancang_bangun=text))
    assert response.status_code == 302
    assert db.session.scalar(select(Entry.rancang_bangun).where(Entry.title == "Antrean Daring")) == text


@pytest.mark.parametrize("field, limit, label", [("title", 250, "Name of the innovation"),
                                                 ("urusan", 120, "Government affair"),
                                                 ("tujuan", 20_000, "Goals")])
def test_an_innovation_text_over_its_limit_is_refused(client, office, field, limit, label):
    sign_in(client, office.operator)
    response = client.post(f"/innovations/{office.draft.id}/edit",
                           data=entry_form(**{field: "y" * (limit + 1)}))
    assert response.status_code == 422
    assert f"{label}: at most {limit:,} characters (got {limit + 1:,})" in page(response)
    db.session.expire_all()
    assert office.draft.title == "Posyandu Digital"


def test_a_link_title_over_its_limit_is_refused_not_cut(client, office):
    sign_in(client, office.operator)
    response = client.post(f"/innovations/{office.draft.id}/evidence", follow_redirects=True, data={
        "url": "https://example.go.id/video", "title": "v" * 201, "indicator": "Video"})
    assert "Title of the link: at most 200 characters (got 201)" in page(response)
    assert count(Evidence) == 0


def test_notes_on_an_action_over_their_limit_are_refused(client, office):
    sign_in(client, office.operator)
    response = client.post(f"/innovations/{office.draft.id}/submit", data={"comment": "c" * 2001},
                           follow_redirects=True)
    assert "Notes: at most 2,000 characters (got 2,001)" in page(response)
    db.session.expire_all()
    assert office.draft.status == "draft"


def test_a_citation_over_its_limit_is_refused(client, office):
    sign_in(client, office.organiser)
    awards = count(Award)
    response = client.post(f"/manage/{office.competition.id}/setup/awards", data={
        "name": "Inovasi Terbaik", "subject": "innovation", "category": "0", "positions": "3",
        "policy": "index", "index_floor": "3", "count_bonus": "1", "count_bonus_cap": "5",
        "citation": "c" * 1001})
    assert response.status_code == 422
    assert "Citation on the certificate: at most 1,000 characters (got 1,001)" in page(response)
    assert count(Award) == awards


def test_guidance_for_judges_over_its_limit_is_refused(client, office):
    round_ = Round(competition=office.competition, position=1, name="Presentasi")
    db.session.add(round_)
    db.session.commit()
    sign_in(client, office.organiser)
    response = client.post(f"/manage/{office.competition.id}/setup/rounds/{round_.id}/criteria", data={
        "name": "Kebaharuan", "weight": "30", "scale": "numeric", "min_value": "0", "max_value": "100",
        "step": "1", "guidance": "g" * 2001})
    assert response.status_code == 422
    assert "Guidance for judges: at most 2,000 characters (got 2,001)" in page(response)
    assert count(Criterion) == 0


def test_texts_are_checked_by_the_operations_too(office):
    from competition.entries.operations import update_entry

    with pytest.raises(InvalidInput) as refused:
        update_entry(office.draft, office.operator, hasil="h" * 20_001, title="T" * 251)
    assert refused.value.problems == ["hasil: at most 20,000 characters (got 20,001)",
                                      "title: at most 250 characters (got 251)"]


def test_a_judges_notes_over_their_limit_are_refused(client, app):
    from tests.judging.test_scoring_views import Jury

    jury = Jury()
    sign_in(client, jury.judge)
    response = client.post(f"/scoring/{jury.first.id}/draft", headers={"Accept": "application/json"},
                           data=jury.values(**{f"comment-{jury.novelty.id}": "n" * 2001}))
    assert response.json["saved"] is False
    assert response.json["errors"][str(jury.novelty.id)] == "Kebaharuan: at most 2,000 characters (got 2,001)"
    # The criterion whose notes are too long keeps nothing; the valid one beside it is kept.
    assert [score.criterion_id for score in db.session.scalars(select(Score))] == [jury.regulation.id]
    response = client.post(f"/scoring/{jury.first.id}/draft", headers={"Accept": "application/json"},
                           data=jury.values(regulation="2.5", **{f"comment-{jury.novelty.id}": "n" * 2001}))
    assert response.status_code == 422 and count(Score) == 1   # nothing valid: a refusal


# -- the rows of an imported file ------------------------------------------------------------------

def users_csv(rows: int) -> bytes:
    lines = ["email,name,organisation,role"]
    lines += [f"operator{i}@example.go.id,Operator {i},Dinas Kesehatan,submitter" for i in range(rows)]
    return ("\n".join(lines) + "\n").encode()


def users_xlsx(rows: int) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["email", "name", "organisation", "role"])
    for i in range(rows):
        sheet.append([f"operator{i}@example.go.id", f"Operator {i}", "Dinas Kesehatan", "submitter"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def import_users(client, office, content: bytes, name: str):
    return client.post("/people/import", content_type="multipart/form-data", data={
        "kind": "users", "competition": str(office.competition.id), "file": (io.BytesIO(content), name)})


@pytest.mark.parametrize("name, make", [("pengguna.csv", users_csv), ("pengguna.xlsx", users_xlsx)])
def test_an_import_over_the_row_limit_is_refused_naming_the_limit(app, client, office, name, make):
    app.config["IMPORT_MAX_ROWS"] = 3
    sign_in(client, office.organiser)
    refused = import_users(client, office, make(4), name)
    assert refused.status_code == 422
    assert (f"{name}: more than 3 rows below the header (empty rows count too); import at most 3 rows at "
            "a time") in page(refused)
    assert count(User) == 2
    accepted = import_users(client, office, make(3), name)
    assert accepted.status_code == 200
    assert count(User) == 5


def test_the_row_limit_is_five_thousand_by_default(app):
    assert app.config["IMPORT_MAX_ROWS"] == 5000


def test_reading_a_workbook_stops_at_the_limit_without_reading_the_rest(tmp_path: Path):
    """The rows after the limit are never read: a workbook whose sheet is broken further down is
    refused for its length, not for the damage."""
    content = users_xlsx(3000)
    broken = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(broken, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</sheetData>", b"<row r='3002'><c r='A3002'><<<</sheetData>")
            target.writestr(item, data)
    path = tmp_path / "pengguna.xlsx"
    path.write_bytes(broken.getvalue())
    with pytest.raises(InvalidInput) as damaged:
        read_table(path, ("email", "name", "organisation", "role"), ("email",), max_rows=5000)
    assert "not a readable spreadsheet" in str(damaged.value)
    with pytest.raises(InvalidInput) as too_long:
        read_table(path, ("email", "name", "organisation", "role"), ("email",), max_rows=10)
    assert str(too_long.value) == ("pengguna.xlsx: more than 10 rows below the header (empty rows count "
                                   "too); import at most 10 rows at a time")


def test_a_workbook_that_unpacks_to_too_much_is_refused_before_it_is_read(tmp_path: Path):
    path = tmp_path / "pengguna.xlsx"
    with zipfile.ZipFile(io.BytesIO(users_xlsx(1))) as source, \
            zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        target.writestr("xl/media/padding.bin", b"\0" * (17 * 1024 * 1024))
    assert path.stat().st_size < 1024 * 1024
    with pytest.raises(InvalidInput) as refused:
        read_table(path, ("email", "name", "organisation", "role"), ("email",))
    assert str(refused.value) == "pengguna.xlsx: too large to read; save the rows to import in a new workbook"


def test_importing_opds_on_the_command_line_keeps_the_row_limit(app, runner, tmp_path: Path):
    app.config["IMPORT_MAX_ROWS"] = 2
    path = tmp_path / "opd.csv"
    path.write_text("name\nDinas A\nDinas B\nDinas C\n", encoding="utf-8")
    result = runner.invoke(args=["import-organisations", str(path), "--region", "Kota Kediri",
                                 "--region-kind", "kota"])
    assert result.exit_code == 1
    assert "opd.csv: more than 2 rows below the header" in result.output
    assert count(Organisation) == 0


def test_importing_scores_keeps_the_row_limit_and_reads_plain_numbers_only(app, runner, tmp_path: Path):
    from tests.judging.test_scoring_views import Jury

    jury = Jury()
    path = tmp_path / "nilai.csv"
    path.write_text(f"entry_id,judge,criterion,value\n{jury.sehat.id},{jury.judge.email},Kebaharuan,1e1\n",
                    encoding="utf-8")
    result = runner.invoke(args=["judging", "import-scores", str(jury.round.id), str(path)])
    assert result.exit_code == 1 and "nilai.csv row 2: entry_id and value must be numbers" in result.output
    app.config["IMPORT_MAX_ROWS"] = 1
    path.write_text(f"entry_id,judge,criterion,value\n{jury.sehat.id},{jury.judge.email},Kebaharuan,80\n"
                    f"{jury.sehat.id},{jury.judge.email},Regulasi,2\n", encoding="utf-8")
    result = runner.invoke(args=["judging", "import-scores", str(jury.round.id), str(path)])
    assert result.exit_code == 1 and "nilai.csv: more than 1 rows below the header" in result.output
    assert count(Score) == 0

"""The command line for scripts: quick to start, JSON on request, imports of innovations and users,
and lists of innovations and assignments."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from competition.extensions import db
from competition.models import AuditEvent, Entry, Organisation, OutboxMessage, Round, User
from competition.people.tokens import create_token
from competition.policy import roles_in
from tests.entries.test_views import Opd
from tests.factories import (
    force_status,
    make_competition,
    make_entry,
    make_organisation,
    make_region,
    make_user,
)

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "docs" / "examples" / "innovations-template.csv"
# Loaded only by the commands and pages that need them, never at start-up.
HEAVY = ("weasyprint", "openpyxl", "PIL", "rq", "redis")


def test_starting_the_command_line_loads_no_heavy_module(tmp_path):
    script = (
        "import sys\n"
        "from flask.cli import FlaskGroup\n"
        "from wsgi import app\n"
        "group = FlaskGroup(create_app=lambda: app)\n"
        "try:\n"
        "    group.main(['--help'], prog_name='flask', standalone_mode=False)\n"
        "except SystemExit:\n"
        "    pass\n"
        f"print('LOADED:', *sorted(m for m in {HEAVY!r} if m in sys.modules))\n")
    environ = {**os.environ, "ANUGERAH_DATABASE_URL": f"sqlite:///{tmp_path / 'start.db'}",
               "ANUGERAH_INSTANCE_PATH": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=environ, capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert "Usage: flask" in done.stdout, done.stdout
    assert "  innovations " in done.stdout
    assert done.stdout.strip().splitlines()[-1] == "LOADED:"   # none of HEAVY


def test_the_illegal_characters_are_openpyxls():
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE as theirs

    from competition.documents.spreadsheets import ILLEGAL_CHARACTERS_RE as ours

    assert ours.pattern == theirs.pattern


# -- innovations import and list -------------------------------------------------------------------

class Kota(Opd):
    def __init__(self):
        super().__init__()
        self.bappeda = make_organisation(self.competition.region, "Bappeda")
        self.organiser = make_user(self.competition, "organiser", name="Panitia")


@pytest.fixture
def kota(app):
    return Kota()


def stored() -> list[Entry]:
    return list(db.session.scalars(select(Entry).order_by(Entry.id)))


def csv_file(tmp_path: Path, text: str, name: str = "inovasi.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_an_organiser_imports_the_template_for_two_opds(runner, kota):
    result = runner.invoke(args=["innovations", "import", str(kota.competition.id), str(TEMPLATE),
                                 "--as", kota.organiser.email, "--json"])
    assert result.exit_code == 0, result.output
    created = json.loads(result.output)["created"]
    entries = stored()
    assert [row["id"] for row in created] == [entry.id for entry in entries]
    posyandu, musrenbang = entries
    assert (posyandu.organisation, posyandu.title, posyandu.status) == \
        (kota.dinkes, "Posyandu Digital", "draft")
    assert (posyandu.tahapan, posyandu.jenis, posyandu.anggaran_rupiah) == \
        ("penerapan", "digital", 150_000_000)
    assert str(posyandu.implemented_on) == "2025-08-01"
    assert posyandu.created_by == kota.organiser
    assert (musrenbang.organisation, musrenbang.inisiator, musrenbang.bentuk) == \
        (kota.bappeda, "kepala_daerah", "tata_kelola")
    audit = db.session.scalars(select(AuditEvent).where(AuditEvent.kind == "entry.created")).all()
    assert {event.entry_id for event in audit} == {posyandu.id, musrenbang.id}
    assert all(event.details == {"imported_from": "innovations-template.csv"} for event in audit)


def test_the_national_apps_headings_and_words_are_understood(runner, kota, tmp_path):
    path = csv_file(tmp_path, "Nama Perangkat Daerah;Nama Inovasi;Kategori;Inisiator Inovasi;Tahapan Inovasi;"
                              "Jenis Inovasi;Bentuk Inovasi;Urusan Pemerintahan;Waktu Uji Coba Inovasi;"
                              "Waktu Penerapan;Anggaran\n"
                              "dinas kesehatan;Si-Sehat;Pelayanan Publik;Anggota DPRD;Uji Coba;Non Digital;"
                              "Inovasi Pelayanan Publik;Kesehatan;15/01/2025;;Rp 2.500.000\n")
    result = runner.invoke(args=["innovations", "import", str(kota.competition.id), str(path),
                                 "--as", kota.organiser.email])
    assert result.exit_code == 0, result.output
    assert "1 innovation(s) imported into Lomba Inovasi 2026 as drafts." in result.output
    [entry] = stored()
    assert (entry.inisiator, entry.tahapan, entry.jenis, entry.bentuk) == \
        ("dprd", "uji_coba", "non_digital", "pelayanan_publik")
    assert (str(entry.trial_started_on), entry.anggaran_rupiah, entry.category.name) == \
        ("2025-01-15", 2_500_000, "Pelayanan Publik")


def test_an_xlsx_file_is_read_too(runner, kota, tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["OPD", "Title", "Trial_started_on"])
    from datetime import datetime
    sheet.append(["Dinas Kesehatan", "Si-Sehat", datetime(2025, 3, 4)])
    path = tmp_path / "inovasi.xlsx"
    workbook.save(path)
    result = runner.invoke(args=["innovations", "import", str(kota.competition.id), str(path),
                                 "--as", kota.operator.email])
    assert result.exit_code == 0, result.output
    [entry] = stored()
    assert (entry.title, str(entry.trial_started_on), entry.created_by) == \
        ("Si-Sehat", "2025-03-04", kota.operator)


def test_every_bad_row_is_named_with_its_field_and_nothing_is_stored(runner, kota, tmp_path):
    make_entry(kota.competition, kota.dinkes, title="Sudah Ada")
    before = stored()
    path = csv_file(tmp_path, "opd,title,tahapan,implemented_on,anggaran_rupiah,category\n"
                              "Dinas Kesehatan,Baik,,,,\n"
                              "Dinas Pariwisata,Wisata,,,,\n"
                              "Dinas Kesehatan,,inisiatif,,,\n"
                              "Dinas Kesehatan,Tahap,bulan,kemarin,-5,Olahraga\n"
                              "Dinas Kesehatan,Sudah Ada,,,,\n"
                              "Dinas Kesehatan,baik,,,,\n")
    result = runner.invoke(args=["innovations", "import", str(kota.competition.id), str(path),
                                 "--as", kota.organiser.email])
    assert result.exit_code == 1
    for line in ("inovasi.csv row 3: opd: 'Dinas Pariwisata' is not an OPD of",
                 "inovasi.csv row 4: title: must not be empty",
                 "inovasi.csv row 5: category: 'Olahraga' is not a category of this competition",
                 "inovasi.csv row 5: tahapan: 'bulan' is not one of inisiatif, uji_coba, penerapan",
                 "inovasi.csv row 5: implemented_on: 'kemarin' is not a date (YYYY-MM-DD)",
                 "inovasi.csv row 5: anggaran_rupiah: must not be negative",
                 "inovasi.csv row 6: title: Dinas Kesehatan already has an innovation called 'Sudah Ada'",
                 "inovasi.csv row 7: title: 'baik' for Dinas Kesehatan already appears in row 2"):
        assert line in result.output
    assert "row 2:" not in result.output
    assert stored() == before


def test_an_operator_imports_only_for_their_own_opd(runner, kota, tmp_path):
    path = csv_file(tmp_path, "opd,title\nDinas Kesehatan,Si-Sehat\n"
                              "Dinas Komunikasi dan Informatika,Lapor Mas\n")
    result = runner.invoke(args=["innovations", "import", str(kota.competition.id), str(path),
                                 "--as", kota.operator.email])
    assert result.exit_code == 1
    assert "inovasi.csv row 3: opd: Operator Dinkes may not import innovations for Dinas Komunikasi " \
           "dan Informatika" in result.output
    assert "row 2" not in result.output
    assert stored() == []


@pytest.mark.parametrize("who", ["verifier", "judge", "stranger"])
def test_others_may_not_import(runner, kota, tmp_path, who):
    person = kota.verifier if who == "verifier" else make_user(
        kota.competition, *(("judge",) if who == "judge" else ()), organisation=kota.dinkes)
    result = runner.invoke(args=["innovations", "import", str(kota.competition.id), str(TEMPLATE),
                                 "--as", person.email])
    assert result.exit_code == 1
    assert "may not import innovations into Lomba Inovasi 2026 now" in result.output
    assert stored() == []


def test_nobody_imports_once_the_competition_is_closed_to_innovations(runner, kota):
    force_status(kota.competition, "verification")
    result = runner.invoke(args=["innovations", "import", str(kota.competition.id), str(TEMPLATE),
                                 "--as", kota.organiser.email])
    assert result.exit_code == 1
    assert "it is in phase 'verification'" in result.output
    assert stored() == []


def test_a_file_without_the_title_column_is_refused(runner, kota, tmp_path):
    path = csv_file(tmp_path, "opd,urusan\nDinas Kesehatan,Kesehatan\n")
    result = runner.invoke(args=["innovations", "import", str(kota.competition.id), str(path),
                                 "--as", kota.organiser.email])
    assert result.exit_code == 1
    assert "inovasi.csv row 1: missing column(s) title" in result.output


def test_innovations_list_filters_and_prints_json(runner, kota):
    first = make_entry(kota.competition, kota.dinkes, title="Si-Sehat",
                       category_id=kota.competition.categories[0].id)
    make_entry(kota.competition, kota.kominfo, title="Lapor Mas", status="submitted")
    third = make_entry(kota.competition, kota.dinkes, title="Antrean", status="submitted")
    result = runner.invoke(args=["innovations", "list", str(kota.competition.id)])
    assert result.exit_code == 0, result.output
    assert "Dinas Kesehatan – Si-Sehat" in result.output and "3 innovation(s)" in result.output
    result = runner.invoke(args=["innovations", "list", str(kota.competition.id), "--status", "submitted",
                                 "--opd", "dinas kesehatan", "--json"])
    assert [row["id"] for row in json.loads(result.output)] == [third.id]
    result = runner.invoke(args=["innovations", "list", str(kota.competition.id), "--category",
                                 "Pelayanan Publik", "--json"])
    rows = json.loads(result.output)
    assert [(row["id"], row["category"], row["organisation"]) for row in rows] == \
        [(first.id, "Pelayanan Publik", "Dinas Kesehatan")]
    result = runner.invoke(args=["innovations", "list", str(kota.competition.id), "--opd", "Dinas Lain"])
    assert result.exit_code == 1 and "has no OPD called 'Dinas Lain'" in result.output
    assert db.session.scalar(select(func.count()).select_from(Entry)) == 3


# -- innovations import through the API ------------------------------------------------------------

def upload(text: str, name: str = "inovasi.csv") -> dict:
    return {"data": {"file": (io.BytesIO(text.encode()), name)}, "content_type": "multipart/form-data"}


def import_url(competition) -> str:
    return f"/api/v1/competitions/{competition.id}/innovations/import"


def token_of(user, *scopes: str) -> dict[str, str]:
    made = create_token(user, name="skrip", scopes=scopes or ("read", "write"), days=30)
    db.session.commit()
    return {"Authorization": f"Bearer {made.secret}"}


def test_the_api_imports_a_file_and_answers_the_drafts(client, kota):
    response = client.post(import_url(kota.competition), headers=token_of(kota.organiser),
                           **upload("opd,title,tahapan\nDinas Kesehatan,Si-Sehat,uji_coba\n"
                                    "Bappeda,Sipanda,\n"))
    assert response.status_code == 201, response.get_data(as_text=True)
    created = response.get_json()["created"]
    entries = stored()
    assert [item["id"] for item in created] == [entry.id for entry in entries]
    assert [(item["title"], item["organisation"], item["status"], item["tahapan"]) for item in created] == \
        [("Si-Sehat", "Dinas Kesehatan", "draft", "uji_coba"), ("Sipanda", "Bappeda", "draft", "inisiatif")]


def test_the_api_names_every_bad_row_under_file_and_stores_nothing(client, kota):
    response = client.post(import_url(kota.competition), headers=token_of(kota.operator),
                           **upload("opd,title,jenis\nDinas Kesehatan,Si-Sehat,digital\n"
                                    "Bappeda,Sipanda,\nDinas Kesehatan,,analog\n"))
    assert response.status_code == 422
    body = response.get_json()
    assert body["errors"]["file"] == [   # in the user's language, Bahasa Indonesia by default
        "inovasi.csv baris 3: OPD: Operator Dinkes tidak dapat mengimpor inovasi untuk Bappeda",
        "inovasi.csv baris 4: judul: tidak boleh kosong",
        "inovasi.csv baris 4: jenis: 'analog' bukan salah satu dari digital, non_digital"]
    assert stored() == []


@pytest.mark.parametrize("who, status", [("verifier", 403), ("stranger", 404), ("read_only", 403),
                                         ("nobody", 401)])
def test_the_api_refuses_others(client, kota, who, status):
    headers = {}
    if who == "verifier":
        headers = token_of(kota.verifier)
    elif who == "stranger":
        headers = token_of(make_user(make_competition(), "organiser"))
    elif who == "read_only":
        headers = token_of(kota.organiser, "read")
    response = client.post(import_url(kota.competition), headers=headers,
                           **upload("opd,title\nDinas Kesehatan,Si-Sehat\n"))
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    assert stored() == []


def test_the_api_wants_a_file(client, kota):
    response = client.post(import_url(kota.competition), headers=token_of(kota.organiser),
                           data={}, content_type="multipart/form-data")
    assert response.status_code == 422, response.get_data(as_text=True)
    assert response.get_json()["errors"] == {"file": ["Missing data for required field."]}


def test_the_import_is_in_the_openapi_document(client):
    document = client.get("/api/v1/openapi.json").get_json()
    operation = document["paths"]["/api/v1/competitions/{competition_id}/innovations/import"]["post"]
    assert set(operation["responses"]) >= {"201", "403", "404", "422"}
    assert "multipart/form-data" in operation["requestBody"]["content"]


# -- users import, assignments list, create-user ---------------------------------------------------

def test_users_import_invites_the_new_and_prints_their_ids(runner, kota, tmp_path):
    path = csv_file(tmp_path, "email,name,organisation,role\nrina@kedirikota.go.id,Rina,Bappeda,submitter\n"
                              f"{kota.verifier.email},Verifikator,,judge\n", name="pengguna.csv")
    result = runner.invoke(args=["users", "import", str(kota.competition.id), str(path), "--as",
                                 kota.organiser.email, "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    rina = db.session.scalar(select(User).where(User.email == "rina@kedirikota.go.id"))
    assert report["created"] == [{"id": rina.id, "email": rina.email, "name": "Rina",
                                  "organisation_id": kota.bappeda.id}]
    assert report["roles_granted"] == [f"{kota.verifier.email}: judge"]
    assert "submitter" in roles_in(rina, kota.competition)
    [invitation] = db.session.scalars(select(OutboxMessage)).all()
    assert invitation.recipient == rina.email and "Panitia telah membuatkan akun" in invitation.body


def test_users_import_as_someone_who_does_not_organise_is_refused(runner, kota, tmp_path):
    path = csv_file(tmp_path, "email,name\nrina@kedirikota.go.id,Rina\n", name="pengguna.csv")
    result = runner.invoke(args=["users", "import", str(kota.competition.id), str(path), "--as",
                                 kota.operator.email])
    assert result.exit_code == 1
    assert "Operator Dinkes is not an organiser of Lomba Inovasi 2026" in result.output
    assert db.session.scalar(select(User).where(User.email == "rina@kedirikota.go.id")) is None


def test_users_import_names_bad_rows(runner, kota, tmp_path):
    path = csv_file(tmp_path, "email,name,role\nbukan-surel,Rina,\nbudi@kedirikota.go.id,Budi,raja\n",
                    name="pengguna.csv")
    result = runner.invoke(args=["users", "import", str(kota.competition.id), str(path)])
    assert result.exit_code == 1
    assert "pengguna.csv row 2: email: 'bukan-surel' is not an e-mail address" in result.output
    assert "pengguna.csv row 3: role: 'raja' is not one of" in result.output
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_assignments_list_by_round_and_judge(runner, app):
    from tests.judging.test_operations import Judging

    judging = Judging()
    round_ = judging.round()
    result = runner.invoke(args=["judging", "assign", str(round_.id), "--as", judging.organiser.email,
                                 "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["added"] == len(round_.assignments)
    result = runner.invoke(args=["assignments", "list", str(round_.id), "--json"])
    rows = json.loads(result.output)
    assert [row["id"] for row in rows] == sorted(a.id for a in round_.assignments)
    judge = judging.judges[0]
    result = runner.invoke(args=["assignments", "list", str(round_.id), "--judge", judge.email, "--json"])
    mine = json.loads(result.output)
    assert mine and {row["judge"] for row in mine} == {judge.email}
    assert {row["entry_id"] for row in mine} == \
        {a.entry_id for a in round_.assignments if a.judge_id == judge.id}
    assert {(row["status"], row["panel"]) for row in mine} == {("open", "Tim penilai")}
    result = runner.invoke(args=["assignments", "list", str(round_.id)])
    assert f"{len(rows)} assignment(s)" in result.output and judge.email in result.output


def test_create_user_reads_the_password_from_standard_input(runner, kota):
    result = runner.invoke(args=["create-user", "--email", "rina@kedirikota.go.id", "--name", "Rina",
                                 "--organisation", "Bappeda", "--password-stdin", "--competition",
                                 str(kota.competition.id), "--role", "submitter", "--json"],
                           input="kata-sandi-yang-panjang\n")
    assert result.exit_code == 0, result.output
    made = json.loads(result.output)
    rina = db.session.get(User, made["id"])
    assert rina.check_password("kata-sandi-yang-panjang")
    assert (made["email"], made["roles"], made["invited"]) == ("rina@kedirikota.go.id", ["submitter"], False)
    assert "kata-sandi" not in result.output


def test_create_user_asks_for_the_password_without_showing_it(runner, kota):
    result = runner.invoke(args=["create-user", "--email", "rina@kedirikota.go.id", "--name", "Rina"],
                           input="kata-sandi-yang-panjang\nkata-sandi-yang-panjang\n")
    assert result.exit_code == 0, result.output
    assert "kata-sandi-yang-panjang" not in result.output
    assert db.session.scalar(select(User).where(User.email == "rina@kedirikota.go.id")).check_password(
        "kata-sandi-yang-panjang")


def test_create_user_with_an_invitation_has_no_password_anyone_knows(runner, kota):
    result = runner.invoke(args=["create-user", "--email", "rina@kedirikota.go.id", "--name", "Rina",
                                 "--organisation", "Bappeda", "--invite"])
    assert result.exit_code == 0, result.output
    assert "an invitation to choose a password is queued" in result.output
    [invitation] = db.session.scalars(select(OutboxMessage)).all()
    assert invitation.recipient == "rina@kedirikota.go.id"
    assert "Administrator Anugerah telah membuatkan akun" in invitation.body
    assert "/welcome/" in invitation.body


@pytest.mark.parametrize("args, problem", [
    (["--password-stdin", "--invite"], "give one of --password, --password-stdin and --invite"),
    (["--password-stdin"], "--password-stdin: standard input holds no password"),
])
def test_create_user_refuses_unclear_password_options(runner, kota, args, problem):
    result = runner.invoke(args=["create-user", "--email", "rina@kedirikota.go.id", "--name", "Rina", *args],
                           input="")
    assert result.exit_code == 1 and problem in result.output
    assert db.session.scalar(select(User).where(User.email == "rina@kedirikota.go.id")) is None


# -- --json on the other listing and creating commands ---------------------------------------------

def test_import_organisations_prints_the_ids_made(runner, tmp_path):
    path = csv_file(tmp_path, "name,short_name,parent\nDinas Kesehatan,Dinkes,\n"
                              "Puskesmas Balowerti,,Dinas Kesehatan\n", name="opd.csv")
    result = runner.invoke(args=["import-organisations", str(path), "--region", "Kota Kediri",
                                 "--region-kind", "kota", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    dinkes, puskesmas = (db.session.scalar(select(Organisation).where(Organisation.name == name))
                         for name in ("Dinas Kesehatan", "Puskesmas Balowerti"))
    assert report["created"] == [{"id": dinkes.id, "name": "Dinas Kesehatan", "parent_id": None},
                                 {"id": puskesmas.id, "name": "Puskesmas Balowerti", "parent_id": dinkes.id}]
    assert report["unchanged"] == []


def test_round_criterion_panel_award_and_seal_history_print_their_ids(runner, app):
    from tests.judging.test_operations import Judging

    judging = Judging()
    organiser = ["--as", judging.organiser.email, "--json"]
    made = json.loads(runner.invoke(args=["judging", "add-round", str(judging.competition.id), "--name",
                                          "Penilaian", *organiser]).output)
    round_ = db.session.get(Round, made["id"])
    assert (made["name"], made["position"], made["criteria"]) == ("Penilaian", 1, [])
    made = json.loads(runner.invoke(args=["judging", "add-criterion", str(round_.id), "--name", "Dampak",
                                          "--weight", "40", *organiser]).output)
    assert made["id"] == round_.criteria[0].id and made["weight"] == 40
    made = json.loads(runner.invoke(args=["judging", "add-panel", str(round_.id), "--name", "Tim",
                                          "--judge", judging.judges[0].email, *organiser]).output)
    assert made["judges"] == [{"id": judging.judges[0].id, "email": judging.judges[0].email}]
    made = json.loads(runner.invoke(args=["results", "add-award", str(judging.competition.id), "--name",
                                          "Terbaik", *organiser]).output)
    assert made["id"] == judging.competition.awards[-1].id
    progress = json.loads(runner.invoke(args=["judging", "progress", str(round_.id), "--json"]).output)
    assert progress == {"round_id": round_.id, "status": round_.status, "judges": []}
    history = runner.invoke(args=["results", "history", str(judging.competition.id), "--json"])
    assert json.loads(history.output) == []


def test_mail_and_audit_speak_json(runner, kota):
    assert json.loads(runner.invoke(args=["mail", "send", "--json"]).output) == \
        {"sent": 0, "failed": 0, "waiting": 0}
    assert json.loads(runner.invoke(args=["mail", "remind", str(kota.competition.id), "--json"]).output) \
        .keys() == {"queued"}
    tables = json.loads(runner.invoke(args=["audit", "verify", "--json"]).output)
    assert tables and all(table["problem"] is None for table in tables)


def test_an_unknown_column_is_named_with_the_columns_there_are(runner, kota, tmp_path):
    path = csv_file(tmp_path, "opd,title,warna\nDinas Kesehatan,Si-Sehat,biru\n")
    result = runner.invoke(args=["innovations", "import", str(kota.competition.id), str(path),
                                 "--as", kota.organiser.email])
    assert result.exit_code == 1
    assert ("inovasi.csv row 1: the columns must be opd, title, category, inisiator, tahapan, jenis, "
            "bentuk, urusan, urusan_terkait, trial_started_on, implemented_on, anggaran_rupiah, "
            "rancang_bangun, tujuan, manfaat, hasil (opd, title required); unknown: warna") in result.output
    assert stored() == []


def test_firing_declaring_and_verifying_print_ids_as_json(runner, app):
    from competition.models import ConflictOfInterest

    competition = make_competition(make_region("Kota Json"), phase="verification")
    dinkes = make_organisation(competition.region, "Dinas Kesehatan Json")
    verifier = make_user(competition, "verifier")
    judge = make_user(competition, "judge")
    entry = make_entry(competition, dinkes, status="submitted", title="Inovasi Json")
    fired = runner.invoke(args=["entry", "fire", str(entry.id), "--trigger", "verify", "--as", verifier.email,
                                "--json"])
    assert fired.exit_code == 0, fired.output
    [moved] = json.loads(fired.output)
    assert (moved["entry_id"], moved["from_status"], moved["to_status"]) == \
        (entry.id, "submitted", "verified")
    declared = runner.invoke(args=["judging", "declare-conflict", str(entry.id), "--judge", judge.email,
                                   "--reason", "Kerabat", "--json"])
    assert declared.exit_code == 0, declared.output
    conflict = db.session.get(ConflictOfInterest, json.loads(declared.output)["conflict_id"])
    assert (conflict.entry_id, conflict.judge_id) == (entry.id, judge.id)

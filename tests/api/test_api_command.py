"""``flask api``: an API v1 request as a named person from the command line, with exactly the
API's answers (permissions, If-Match, problem details), and no way for an HTTP request to borrow it."""

from __future__ import annotations

import json

from sqlalchemy import select

from competition.extensions import db
from competition.models import Entry, Evidence
from tests.api.test_api import Api, bearer


def call(runner, *args: str):
    return runner.invoke(args=["api", *args])


def test_a_listing_as_the_organiser_prints_the_same_json_as_the_api(runner, client, app):
    api = Api()
    made = call(runner, "GET", f"/competitions/{api.competition.id}/innovations", "--as", api.organiser.email)
    assert made.exit_code == 0, made.output
    printed = json.loads(made.stdout)
    over_http = client.get(f"/api/v1/competitions/{api.competition.id}/innovations",
                           headers=bearer(api.token(api.organiser))).get_json()
    assert printed == over_http and printed["total"] >= 2
    assert made.stderr.startswith("200")


def test_a_change_needs_if_match_and_a_stale_one_is_refused_and_writes_nothing(runner, app):
    api = Api()
    path = f"innovations/{api.draft.id}"
    version = api.draft.version
    missing = call(runner, "PATCH", path, "--as", api.operator.email, "--data", '{"title": "Judul Baru"}')
    assert missing.exit_code == 1 and json.loads(missing.stdout)["status"] == 428
    stale = call(runner, "PATCH", path, "--as", api.operator.email, "--data", '{"title": "Judul Baru"}',
                 "--if-match", f'"{version + 5}"')
    assert stale.exit_code == 1 and json.loads(stale.stdout)["status"] == 412
    done = call(runner, "PATCH", path, "--as", api.operator.email, "--data", '{"title": "Judul Baru"}',
                "--if-match", f'"{version}"')
    assert done.exit_code == 0, done.output
    assert f'ETag: "{version + 1}"' in done.stderr
    db.session.expire_all()
    assert db.session.get(Entry, api.draft.id).title == "Judul Baru"


def test_the_policy_holds_on_the_command_line_too(runner, app):
    api = Api()
    other = call(runner, "PATCH", f"innovations/{api.kominfo_draft.id}", "--as", api.operator.email,
                 "--data", '{"title": "Bukan milik saya"}', "--if-match", '"1"')
    assert other.exit_code == 1 and json.loads(other.stdout)["status"] == 404
    api.operator.active = False
    db.session.commit()
    off = call(runner, "GET", "/competitions", "--as", api.operator.email)
    assert off.exit_code == 1 and json.loads(off.stdout)["status"] == 401


def test_a_file_goes_as_multipart(runner, app, tmp_path):
    api = Api()
    pdf = tmp_path / "laporan.pdf"
    pdf.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    made = call(runner, "POST", f"innovations/{api.draft.id}/evidence", "--as", api.operator.email,
                "--file", f"file={pdf}", "--field", "title=Laporan")
    assert made.exit_code == 0, made.output
    evidence = db.session.scalar(select(Evidence).where(Evidence.entry_id == api.draft.id)
                                 .order_by(Evidence.id.desc()))
    assert evidence is not None and evidence.title == "Laporan"


def test_bad_input_names_the_option(runner, app):
    api = Api()
    junk = call(runner, "POST", "notifications/read", "--as", api.operator.email, "--data", "{nope")
    assert junk.exit_code == 2 and "--data" in junk.output


def test_an_http_request_cannot_claim_the_command_line_person(client, app):
    api = Api()
    for headers in ({"anugerah.cli_user_id": str(api.organiser.id)},
                    {"Anugerah-Cli-User-Id": str(api.organiser.id)}):
        assert client.get("/api/v1/competitions", headers=headers).status_code == 401

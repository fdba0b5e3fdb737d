"""API v1 for creating innovations and for their evidence: files (multipart/form-data) and links
(JSON), through the same operations and policy as the innovation's pages."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import delete, func, select

from competition.extensions import db
from competition.models import Assignment, AuditEvent, Entry, Evidence, Round
from competition.models.types import utcnow
from tests.api.test_api import Api, bearer, problem_of
from tests.factories import force_status, make_organisation, make_user

PDF = b"%PDF-1.4 surat keputusan"


def writer(api, user) -> dict[str, str]:
    return bearer(api.token(user, "read", "write"))


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def api(app):
    """As in test_api, but with no evidence to begin with."""
    made = Api()
    db.session.execute(delete(Evidence))
    db.session.commit()
    return made


def upload(client, entry_id: int, headers, name: str = "SK Inovasi.pdf", data: bytes = PDF, **fields):
    return client.post(f"/api/v1/innovations/{entry_id}/evidence", headers=headers,
                       content_type="multipart/form-data",
                       data={"file": (io.BytesIO(data), name), **fields})


# -- creating innovations ------------------------------------------------------------------------------

def test_an_operator_creates_a_draft_of_their_opd(client, api):
    url = f"/api/v1/competitions/{api.competition.id}/innovations"
    made = client.post(url, json={"title": "Posyandu Digital", "jenis": "digital",
                                  "category_id": api.competition.categories[0].id},
                       headers=writer(api, api.operator))
    assert made.status_code == 201, made.get_json()
    body = made.get_json()
    entry = db.session.get(Entry, body["id"])
    assert (entry.title, entry.status, entry.organisation_id, entry.jenis) == (
        "Posyandu Digital", "draft", api.dinkes.id, "digital")
    assert made.headers["ETag"] == f'"{entry.version}"' and body["organisation"] == "Dinas Kesehatan"
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)
                             .where(AuditEvent.kind == "entry.created")) == 1


def test_an_operator_may_enter_for_a_unit_below_their_opd_and_no_other(client, api):
    unit = make_organisation(api.competition.region, "UPT Puskesmas Sukorame", parent=api.dinkes)
    url = f"/api/v1/competitions/{api.competition.id}/innovations"
    token = writer(api, api.operator)
    made = client.post(url, json={"title": "Antar Obat", "organisation_id": unit.id}, headers=token)
    assert made.status_code == 201 and made.get_json()["organisation_id"] == unit.id
    before = count(Entry)
    problem_of(client.post(url, json={"title": "Bukan Milik", "organisation_id": api.kominfo.id},
                           headers=token), 403)
    missing = problem_of(client.post(url, json={"title": "Hantu", "organisation_id": 99999}, headers=token),
                         422)
    assert set(missing["errors"]) == {"organisation_id"}
    assert count(Entry) == before


@pytest.mark.parametrize("who, status", [("verifier", 403), ("organiser", 403)])
def test_only_operators_create_innovations(client, api, who, status):
    before = count(Entry)
    answer = client.post(f"/api/v1/competitions/{api.competition.id}/innovations",
                         json={"title": "Dari Panitia"}, headers=writer(api, getattr(api, who)))
    problem_of(answer, status)
    assert count(Entry) == before


def test_creating_is_refused_when_closed_unknown_or_read_only(client, api):
    url = f"/api/v1/competitions/{api.competition.id}/innovations"
    before = count(Entry)
    problem_of(client.post(url, json={"title": "Baca Saja"}, headers=bearer(api.token(api.operator))), 403)
    problem_of(client.post(f"/api/v1/competitions/{api.foreign.competition_id}/innovations",
                           json={"title": "Asing"}, headers=writer(api, api.operator)), 404)
    problem_of(client.post(url, json={"title": "Baru"}), 401)
    force_status(api.competition, "verification")
    problem_of(client.post(url, json={"title": "Terlambat"}, headers=writer(api, api.operator)), 403)
    assert count(Entry) == before


def test_bad_fields_of_a_new_innovation_are_named(client, api):
    url = f"/api/v1/competitions/{api.competition.id}/innovations"
    token = writer(api, api.operator)
    before = count(Entry)
    missing = problem_of(client.post(url, json={"jenis": "digital"}, headers=token), 422)
    assert set(missing["errors"]) == {"title"}
    wrong = problem_of(client.post(url, json={"title": "Baik", "jenis": "gaib", "warna": "biru"},
                                   headers=token), 422)
    assert set(wrong["errors"]) == {"warna"}
    service = problem_of(client.post(url, json={"title": "Baik", "jenis": "gaib"}, headers=token), 422)
    assert set(service["errors"]) == {"jenis"}
    duplicate = problem_of(client.post(url, json={"title": "Si-Sehat"}, headers=token), 422)
    assert len(duplicate["errors"]) == 1
    assert count(Entry) == before


# -- files ---------------------------------------------------------------------------------------------

def test_an_operator_uploads_a_file_lists_it_and_downloads_it(client, api):
    token = writer(api, api.operator)
    added = upload(client, api.draft.id, token, title="SK Kepala Dinas", indicator="Regulasi")
    assert added.status_code == 201, added.get_json()
    body = added.get_json()
    assert (body["kind"], body["title"], body["indicator"], body["media_type"], body["size_bytes"]) == (
        "file", "SK Kepala Dinas", "Regulasi", "application/pdf", len(PDF))
    assert body["file_name"] == "SK Inovasi.pdf" and body["url"] is None
    listed = client.get(f"/api/v1/innovations/{api.draft.id}/evidence", headers=token).get_json()
    assert [item["id"] for item in listed] == [body["id"]]
    assert client.get(f"/api/v1/evidence/{body['id']}", headers=token).get_json() == body
    with client.get(f"/api/v1/evidence/{body['id']}/file", headers=token) as download:
        assert download.status_code == 200 and download.data == PDF
        assert download.mimetype == "application/pdf"
        assert download.headers["X-Content-Type-Options"] == "nosniff"
        assert download.headers["Content-Disposition"].startswith("inline")
        assert "SK Inovasi.pdf" in download.headers["Content-Disposition"]
        assert "default-src 'none'" in download.headers["Content-Security-Policy"]


def test_a_file_that_is_not_a_pdf_or_photo_is_downloaded_as_bytes(client, api):
    token = writer(api, api.operator)
    added = upload(client, api.draft.id, token, name="Laporan.docx", data=b"PK\x03\x04 isi dokumen")
    with client.get(f"/api/v1/evidence/{added.get_json()['id']}/file", headers=token) as download:
        assert download.mimetype == "application/octet-stream"
        assert download.headers["Content-Disposition"].startswith("attachment")


@pytest.mark.parametrize("name, data", [("virus.exe", b"MZ"), ("palsu.pdf", b"bukan pdf"),
                                        ("kosong.pdf", b"")])
def test_files_of_the_wrong_type_or_content_are_refused_and_nothing_is_stored(client, api, name, data):
    answer = upload(client, api.draft.id, writer(api, api.operator), name=name, data=data)
    body = problem_of(answer, 422)
    assert len(body["errors"]) == 1 and name in body["detail"]
    assert count(Evidence) == 0


def test_a_file_over_the_limit_gets_413_and_nothing_is_stored(client, app, api):
    app.config["EVIDENCE_MAX_BYTES"] = 1024
    answer = upload(client, api.draft.id, writer(api, api.operator), data=PDF + b"x" * 1024)
    assert set(problem_of(answer, 413)["errors"]) == {"file"}
    assert count(Evidence) == 0 and not (app.config["EVIDENCE_DIR"]).exists()


def test_a_storage_failure_gets_507_and_nothing_is_stored(client, app, api, tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the evidence folder should be")
    app.config["EVIDENCE_DIR"] = blocked
    problem_of(upload(client, api.draft.id, writer(api, api.operator)), 507)
    assert count(Evidence) == 0


def test_an_upload_without_a_file_or_with_unknown_fields_names_them(client, api):
    token = writer(api, api.operator)
    url = f"/api/v1/innovations/{api.draft.id}/evidence"
    missing = client.post(url, headers=token, content_type="multipart/form-data", data={"title": "x"})
    assert set(problem_of(missing, 422)["errors"]) == {"file"}
    extra = upload(client, api.draft.id, token, warna="biru")
    assert set(problem_of(extra, 422)["errors"]) == {"warna"}
    assert count(Evidence) == 0


# -- links ---------------------------------------------------------------------------------------------

def test_a_link_is_added_as_json(client, api):
    token = writer(api, api.operator)
    url = f"/api/v1/innovations/{api.draft.id}/evidence"
    added = client.post(url, json={"url": "https://youtu.be/abc", "title": "Video"}, headers=token)
    assert added.status_code == 201
    assert (added.get_json()["kind"], added.get_json()["url"]) == ("link", "https://youtu.be/abc")
    before = count(Evidence)
    bad = problem_of(client.post(url, json={"url": "javascript:alert(1)", "title": "x"}, headers=token), 422)
    assert len(bad["errors"]) == 1 and "javascript" in bad["detail"]
    problem_of(client.post(url, json={"url": "https://a.id", "title": "x", "jenis": "?"}, headers=token), 422)
    assert set(problem_of(client.post(url, json={"title": "x"}, headers=token), 422)["errors"]) == {"url"}
    problem_of(client.post(url, data="{", content_type="application/json", headers=token), 422)
    assert count(Evidence) == before


# -- who may ---------------------------------------------------------------------------------------------

def test_another_opd_neither_sees_nor_changes_a_draft_s_evidence(client, api):
    evidence = Evidence(entry=api.draft, kind="link", url="https://dinkes.example.go.id", title="Situs")
    db.session.add(evidence)
    db.session.commit()
    token = writer(api, api.other)
    problem_of(client.get(f"/api/v1/innovations/{api.draft.id}/evidence", headers=token), 404)
    problem_of(client.get(f"/api/v1/evidence/{evidence.id}", headers=token), 404)
    problem_of(client.delete(f"/api/v1/evidence/{evidence.id}", headers=token), 404)
    problem_of(upload(client, api.draft.id, token), 404)
    assert count(Evidence) == 1


def test_a_verifier_sees_a_submitted_innovation_s_evidence_but_changes_nothing(client, api):
    evidence = Evidence(entry=api.submitted, kind="link", url="https://dinkes.example.go.id", title="Situs")
    db.session.add(evidence)
    db.session.commit()
    token = writer(api, api.verifier)
    assert client.get(f"/api/v1/evidence/{evidence.id}", headers=token).status_code == 200
    problem_of(client.get(f"/api/v1/evidence/{evidence.id}/file", headers=token), 404)   # a link
    problem_of(client.delete(f"/api/v1/evidence/{evidence.id}", headers=token), 403)
    problem_of(upload(client, api.submitted.id, token), 403)
    assert count(Evidence) == 1


def test_the_operator_removes_evidence_of_a_draft_but_not_once_submitted(client, api):
    token = writer(api, api.operator)
    added = upload(client, api.draft.id, token).get_json()
    removed = client.delete(f"/api/v1/evidence/{added['id']}", headers=token)
    assert removed.status_code == 204 and not removed.data
    assert count(Evidence) == 0
    kept = Evidence(entry=api.submitted, kind="link", url="https://dinkes.example.go.id", title="Situs")
    db.session.add(kept)
    db.session.commit()
    problem_of(client.delete(f"/api/v1/evidence/{kept.id}", headers=token), 403)
    problem_of(client.delete(f"/api/v1/evidence/{kept.id}", headers=bearer(api.token(api.operator))), 403)
    assert count(Evidence) == 1


def test_an_assigned_judge_downloads_under_a_name_that_names_no_opd(client, api):
    db.session.add(Evidence(entry=api.kominfo_verified, kind="file", title="SK", sha256="a" * 64,
                            size_bytes=len(PDF), media_type="application/pdf",
                            original_name="SK Dinas Kominfo.pdf", created_at=utcnow()))
    db.session.commit()
    judge = make_user(api.competition, "judge", name="Juri")
    round_ = Round(competition=api.competition, position=1, name="Presentasi", status="open")
    db.session.add(Assignment(round=round_, entry=api.kominfo_verified, judge=judge, source="manual"))
    db.session.commit()
    listed = client.get(f"/api/v1/innovations/{api.kominfo_verified.id}/evidence",
                        headers=bearer(api.token(judge))).get_json()
    names = [item["file_name"] for item in listed if item["kind"] == "file"]
    assert len(names) == 1 and "Kominfo" not in names[0] and names[0].startswith("data-dukung-")
    # As on the innovation's page: a judge who cannot open it does not learn of it when writing.
    problem_of(client.delete(f"/api/v1/evidence/{listed[0]['id']}", headers=writer(api, judge)), 404)
    problem_of(upload(client, api.kominfo_verified.id, writer(api, judge)), 404)
    assert count(Evidence) == 1


def test_junk_bodies_to_create_or_attach_get_problems_and_store_nothing(app, client):
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from tests.api.test_api_junk import JSON, row_counts

    api = Api()
    token = writer(api, api.operator)
    fields = ["title", "organisation_id", "jenis", "category_id", "url", "indicator", "x"]
    bodies = st.dictionaries(st.sampled_from(fields), JSON, max_size=4) | JSON

    @settings(max_examples=80, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(body=bodies, where=st.sampled_from(["innovations", "evidence"]))
    def one(body, where):
        before = row_counts()
        url = (f"/api/v1/competitions/{api.competition.id}/innovations" if where == "innovations"
               else f"/api/v1/innovations/{api.draft.id}/evidence")
        answer = client.post(url, json=body, headers=token)
        assert answer.status_code < 500, (answer.status_code, body)
        if answer.status_code >= 400:
            assert answer.mimetype == "application/problem+json", body
            assert row_counts() == before, (answer.status_code, body)

    one()

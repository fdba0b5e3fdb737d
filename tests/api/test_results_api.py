"""API v1 for results, the ceremony, background jobs, the audit trail, verification in bulk and
published results, through the HTTP client: each endpoint for the role it is for and for the
others, with bad input named and nothing stored when refused."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from competition.extensions import db
from competition.models import (
    AuditEvent,
    Category,
    Entry,
    EntryEvent,
    Job,
    ResultRow,
    ResultSet,
    ResultVerification,
    TieDecision,
)
from competition.models.types import utcnow
from competition.people.tokens import create_token
from competition.results.operations import add_award, publish_results, seal_results
from tests.api.test_api import bearer, problem_of
from tests.api.test_api_junk import JSON, row_counts
from tests.conftest import pdf_available
from tests.entries.test_verification_views import Desk, in_english
from tests.factories import make_competition, make_entry, make_organisation, make_user
from tests.results.test_views import Contest


def token(user, *scopes: str) -> dict[str, str]:
    made = create_token(user, name="skrip", scopes=scopes or ("read",), days=30)
    db.session.commit()
    return bearer(made.secret)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


@pytest.fixture
def contest(app):
    return Contest()


def outsiders(contest: Contest) -> dict[str, object]:
    """People who may not see an organiser's results: each role of the competition but the
    organiser's, and the organiser of another competition."""
    other = make_competition(name="Lomba Lain")
    return {"verifier": contest.verifier, "judge": contest.judges[0], "operator": contest.operator,
            "organiser elsewhere": make_user(other, "organiser")}


def sealed(contest: Contest) -> ResultSet:
    contest.close_judging()
    result_set = seal_results(contest.competition, contest.organiser)
    db.session.commit()
    return result_set


# -- the draft ----------------------------------------------------------------------------------------

def test_the_preview_shows_awards_with_standings_and_scores_as_the_pages_do(client, contest):
    answer = client.get(f"/api/v1/competitions/{contest.competition.id}/results/preview",
                        headers=token(contest.organiser))
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert (body["phase"], body["innovations_total"], body["page"], body["per_page"]) == ("judging", 3, 1, 25)
    ranked = [(i["title"], i["place"], i["score"], i["shared"], i["separated_by"])
              for i in body["innovations"]]
    assert ranked == [
        ("Si-Sehat", 1, "75.00", False, "heaviest_criterion"), ("Sekolah Pintar", 2, "75.00", True, None),
        ("Lapor Cepat", 2, "75.00", True, None)]
    # Each judge's sheet, as the page's breakdown: Lapor Cepat's judges gave 65 and 90, 75 and 90.
    [rubric] = body["rounds"]
    assert [(c["name"], c["weight"], c["max_value"]) for c in rubric["criteria"]] == [
        ("Kebaharuan", "3", "100"), ("Kemanfaatan", "1", "100")]
    [lapor] = [i["rounds"] for i in body["innovations"] if i["title"] == "Lapor Cepat"]
    [(score, sheets)] = [(r["score"], r["sheets"]) for r in lapor]
    kebaharuan, kemanfaatan = str(contest.kebaharuan.id), str(contest.kemanfaatan.id)
    assert score == "75.00" and [(s["judge"], s["values"], s["total"], s["normalised"]) for s in sheets] == [
        ("Juri 1", {kebaharuan: "65", kemanfaatan: "90"}, "71.25", None),
        ("Juri 2", {kebaharuan: "75", kemanfaatan: "90"}, "78.75", None)]
    [award] = body["awards"]
    assert (award["id"], award["name"], award["subject"], award["total"]) == (
        contest.award.id, "OPD Terinovatif", "organisation", 3)
    assert [(r["subject"], r["position"], r["score"], r["shared"]) for r in award["rows"]] == [
        ("Dinas Kesehatan", 1, "26.00", False), ("Dinas Pendidikan", 2, "26.00", True),
        ("Dinas Kominfo", 2, "26.00", True)]
    first = award["rows"][0]
    assert first["innovations"] == [{"entry_id": contest.entries["Si-Sehat"].id, "title": "Si-Sehat",
                                     "organisation": "Dinas Kesehatan", "score": "75.00"}]
    assert (first["counted"], first["decision"], first["subject_id"]) == (1, None, contest.opd("Si-Sehat").id)
    # Pages of the lists: the second page of one holds the third row; a page past the end, nothing.
    second = client.get(f"/api/v1/competitions/{contest.competition.id}/results/preview",
                        query_string={"page": 2, "per_page": 2}, headers=token(contest.organiser)).get_json()
    assert [i["title"] for i in second["innovations"]] == ["Lapor Cepat"]
    assert [r["subject"] for r in second["awards"][0]["rows"]] == ["Dinas Kominfo"]
    past = client.get(f"/api/v1/competitions/{contest.competition.id}/results/preview",
                      query_string={"page": 9}, headers=token(contest.organiser)).get_json()
    assert past["innovations"] == [] and past["awards"][0]["rows"] == [] and past["awards"][0]["total"] == 3


def test_only_the_organiser_sees_the_preview(client, contest):
    url = f"/api/v1/competitions/{contest.competition.id}/results/preview"
    for who, user in outsiders(contest).items():
        assert client.get(url, headers=token(user)).status_code == 403, who
    problem_of(client.get(url), 401)
    problem_of(client.get("/api/v1/competitions/999999/results/preview", headers=token(contest.organiser)),
               404)


def test_the_preview_waits_for_judging(client, app):
    competition = make_competition(phase="open")
    organiser = make_user(competition, "organiser")
    answer = client.get(f"/api/v1/competitions/{competition.id}/results/preview", headers=token(organiser))
    assert "judging" in problem_of(answer, 409)["detail"]


# -- the organiser's decision on a tie ---------------------------------------------------------------

def tie_url(contest: Contest) -> str:
    return f"/api/v1/awards/{contest.award.id}/tie"


def test_the_organiser_decides_a_tie_and_the_draft_follows_it(client, contest):
    order = [contest.opd("Lapor Cepat").id, contest.opd("Sekolah Pintar").id]
    reason = "Keputusan rapat pleno dewan juri, 12 Desember"
    answer = client.post(tie_url(contest), json={"subject_ids": order, "reason": reason},
                         headers=token(contest.organiser, "read", "write"))
    assert answer.status_code == 201, answer.get_json()
    assert answer.get_json() == {"award_id": contest.award.id, "place": 2, "subject_ids": order,
                                 "reason": reason}
    ranks = {d.subject_id: d.rank for d in db.session.scalars(select(TieDecision))}
    assert ranks == {order[0]: 1, order[1]: 2}
    rows = client.get(f"/api/v1/competitions/{contest.competition.id}/results/preview",
                      headers=token(contest.organiser)).get_json()["awards"][0]["rows"]
    assert [(r["subject"], r["position"], r["separated_by"]) for r in rows] == [
        ("Dinas Kesehatan", 1, "heaviest_criterion"), ("Dinas Kominfo", 2, "organiser_decision"),
        ("Dinas Pendidikan", 3, "organiser_decision")]
    assert rows[1]["decision"]["reason"] == reason and rows[1]["decision"]["rank"] == 1


def test_a_tie_decision_names_what_is_wrong_and_stores_nothing(client, contest):
    headers = token(contest.organiser, "read", "write")
    level = [contest.opd("Lapor Cepat").id, contest.opd("Sekolah Pintar").id]
    not_level = [contest.opd("Si-Sehat").id, contest.opd("Lapor Cepat").id]
    refused = problem_of(client.post(tie_url(contest), json={"subject_ids": not_level, "reason": "Pleno"},
                                     headers=headers), 409)
    assert refused["errors"] == {"subject_ids": ["not the subjects of one tie"]}
    problem_of(client.post(tie_url(contest), json={"subject_ids": level[:1] + level[:1], "reason": "Pleno"},
                           headers=headers), 409)
    blank = problem_of(client.post(tie_url(contest), json={"subject_ids": level, "reason": "   "},
                                   headers=headers), 422)
    assert blank["errors"] == {"reason": ["Write down why they are placed in this order."]}
    bad = problem_of(client.post(tie_url(contest), json={"subject_ids": "1,2", "place": 2}, headers=headers),
                     422)
    assert set(bad["errors"]) == {"subject_ids", "reason", "place"}
    assert count(TieDecision) == 0 and count(AuditEvent) == db.session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.kind != "tie.decided"))


def test_only_the_organiser_with_a_write_token_decides_ties(client, contest):
    body = {"subject_ids": [contest.opd("Lapor Cepat").id, contest.opd("Sekolah Pintar").id],
            "reason": "Pleno"}
    for who, user in outsiders(contest).items():
        answer = client.post(tie_url(contest), json=body, headers=token(user, "read", "write"))
        assert answer.status_code == 403, who
    assert "write" in problem_of(client.post(tie_url(contest), json=body, headers=token(contest.organiser)),
                                 403)["detail"]
    problem_of(client.post("/api/v1/awards/999999/tie", json=body,
                           headers=token(contest.organiser, "read", "write")), 404)
    assert count(TieDecision) == 0


# -- sealing, versions, checks, publication -----------------------------------------------------------

def test_sealing_answers_the_new_version_and_its_hash(client, contest):
    headers = token(contest.organiser, "read", "write")
    url = f"/api/v1/competitions/{contest.competition.id}/results/seal"
    early = problem_of(client.post(url, headers=headers), 422)
    assert early["detail"] and count(ResultSet) == 0
    contest.close_judging()
    answer = client.post(url, headers=headers)
    assert answer.status_code == 201, answer.get_json()
    result_set = db.session.scalar(select(ResultSet))
    body = answer.get_json()
    assert (body["version"], body["status"], body["sha256"], body["sealed_by"], body["verifies"]) == (
        1, "sealed", result_set.sha256, "Panitia Bappeda", True)
    assert body["problems"] == [] and body["published_at"] is None


def test_only_the_organiser_with_a_write_token_seals(client, contest):
    contest.close_judging()
    url = f"/api/v1/competitions/{contest.competition.id}/results/seal"
    for who, user in outsiders(contest).items():
        assert client.post(url, headers=token(user, "read", "write")).status_code == 403, who
    problem_of(client.post(url, headers=token(contest.organiser, "read")), 403)
    problem_of(client.post(url), 401)
    assert count(ResultSet) == 0


def test_sealed_versions_are_listed_and_read_with_their_standings(client, contest):
    result_set = sealed(contest)
    headers = token(contest.organiser)
    base = f"/api/v1/competitions/{contest.competition.id}/results/versions"
    listing = client.get(base, headers=headers).get_json()
    assert listing["total"] == 1 and [(v["version"], v["sha256"]) for v in listing["items"]] == [
        (1, result_set.sha256)]
    one = client.get(f"{base}/1", headers=headers).get_json()
    assert (one["version"], one["sha256"], one["verifies"]) == (1, result_set.sha256, True)
    [award] = one["awards"]
    assert award["total"] == 3 and [(r["subject"], r["position"], r["score"]) for r in award["rows"]] == [
        ("Dinas Kesehatan", 1, "26.00"), ("Dinas Pendidikan", 2, "26.00"), ("Dinas Kominfo", 2, "26.00")]
    assert award["rows"][0]["innovations"][0]["score"] == "75.00"
    paged = client.get(f"{base}/1", query_string={"per_page": 1, "page": 3}, headers=headers).get_json()
    assert [r["subject"] for r in paged["awards"][0]["rows"]] == ["Dinas Kominfo"]
    problem_of(client.get(f"{base}/2", headers=headers), 404)
    for who, user in outsiders(contest).items():
        assert client.get(f"{base}/1", headers=token(user)).status_code == 403, who
        assert client.get(base, headers=token(user)).status_code == 403, who


def test_a_version_is_checked_again_on_request(client, contest):
    sealed(contest)
    url = f"/api/v1/competitions/{contest.competition.id}/results/versions/1/verify"
    before = count(ResultVerification)
    answer = client.post(url, headers=token(contest.organiser, "read", "write"))
    assert answer.status_code == 201
    assert {k: answer.get_json()[k] for k in ("version", "verifies", "problems", "verified_by")} == {
        "version": 1, "verifies": True, "problems": [], "verified_by": "Panitia Bappeda"}
    assert count(ResultVerification) == before + 1
    assert client.post(url, headers=token(contest.verifier, "read", "write")).status_code == 403
    assert count(ResultVerification) == before + 1


def test_a_tampered_version_does_not_verify_and_says_why(client, contest):
    result_set = sealed(contest)
    row = db.session.scalar(select(ResultRow).where(ResultRow.result_set_id == result_set.id,
                                                    ResultRow.award_id.is_not(None)).order_by(ResultRow.id))
    row.data = {**row.data, "score": "99.00"}
    db.session.commit()
    answer = client.post(f"/api/v1/competitions/{contest.competition.id}/results/versions/1/verify",
                         headers=token(contest.organiser, "read", "write"))
    body = answer.get_json()
    assert answer.status_code == 201 and body["verifies"] is False and body["problems"]


def test_publishing_awards_the_winners_once(client, contest):
    sealed(contest)
    headers = token(contest.organiser, "read", "write")
    url = f"/api/v1/competitions/{contest.competition.id}/results/versions/1/publish"
    assert client.post(url, headers=token(contest.verifier, "read", "write")).status_code == 403
    assert db.session.scalar(select(ResultSet.status)) == "sealed"
    answer = client.post(url, headers=headers)
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert body["status"] == "published" and body["published_by"] == "Panitia Bappeda"
    assert sorted(body["awarded"]) == sorted(e.id for e in contest.entries.values())
    db.session.expire_all()
    assert {db.session.get(Entry, e.id).status for e in contest.entries.values()} == {"awarded"}
    again = problem_of(client.post(url, headers=headers), 422)
    assert again["detail"] == "versi 1 sudah diumumkan"              # in the default language


# -- published results, for anyone ---------------------------------------------------------------------

def test_published_results_are_open_to_anyone_and_match_the_public_page(client, contest):
    url = f"/api/v1/competitions/{contest.competition.id}/results/published"
    problem_of(client.get(url), 404)                        # sealed or not, nothing before publication
    result_set = sealed(contest)
    problem_of(client.get(url), 404)
    publish_results(result_set, contest.organiser)
    db.session.commit()
    answer = client.get(url)
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert (body["version"], body["sha256"], body["competition"]) == (
        1, result_set.sha256, "Lomba Inovasi Kota 2026")
    [award] = body["awards"]
    assert [(w["position"], w["subject"], w["score"], w["shared"]) for w in award["winners"]] == [
        (1, "Dinas Kesehatan", "26.00", False), (2, "Dinas Pendidikan", "26.00", True),
        (2, "Dinas Kominfo", "26.00", True)]
    assert award["winners"][0]["innovations"] == [{"title": "Si-Sehat", "organisation": "Dinas Kesehatan",
                                                   "score": "75.00"}]
    assert "subject_id" not in award["winners"][0]                # only what the page shows
    in_english(client)      # the page's decimals as the API writes them: a dot, two places
    html = client.get(f"/competitions/{contest.competition.id}/results").get_data(as_text=True)
    winners = [w["subject"] for w in award["winners"]]
    assert re.findall(r"<strong data-winner>([^<]*)</strong>", html) == winners
    assert re.findall(r"<span data-score>([^<]*)</span>", html) == [w["score"] for w in award["winners"]]
    assert result_set.sha256 in html
    # A token is not needed, but one that is sent must be good; with a good one it answers the same.
    problem_of(client.get(url, headers=bearer("anugerah_" + "x" * 43)), 401)
    assert client.get(url, headers=token(contest.operator)).get_json() == body
    problem_of(client.get("/api/v1/competitions/999999/results/published"), 404)


def test_published_results_name_the_bands(client, app):
    contest = Contest()
    contest.competition.bands = [{"label": "Sangat Inovatif", "minimum": "75.00"},
                                 {"label": "Inovatif", "minimum": "50.00"}]
    db.session.commit()
    result_set = sealed(contest)
    publish_results(result_set, contest.organiser)
    db.session.commit()
    bands = client.get(f"/api/v1/competitions/{contest.competition.id}/results/published").get_json()["bands"]
    assert [(b["label"], b["minimum"], len(b["innovations"])) for b in bands] == [
        ("Sangat Inovatif", "75.00", 3), ("Inovatif", "50.00", 0)]
    assert {"title": "Si-Sehat", "organisation": "Dinas Kesehatan"} in bands[0]["innovations"]


def test_only_published_results_are_open_and_the_document_says_so(client, app):
    spec = client.get("/api/v1/openapi.json").get_json()
    open_paths = sorted(path for path, item in spec["paths"].items() for method, operation in item.items()
                        if isinstance(operation, dict) and operation.get("security") == [])
    assert open_paths == ["/api/v1/competitions/{competition_id}/results/published"]
    assert spec["security"] == [{"token": []}]
    for path in ("/api/v1/competitions/1/results/preview", "/api/v1/competitions/1/ceremony/run-sheet",
                 "/api/v1/competitions/1/audit", "/api/v1/verification", "/api/v1/jobs/1"):
        problem_of(client.get(path), 401)


# -- the ceremony and its jobs --------------------------------------------------------------------------

def test_the_run_sheet_lists_each_award_last_position_first(client, contest):
    url = f"/api/v1/competitions/{contest.competition.id}/ceremony/run-sheet"
    problem_of(client.get(url, headers=token(contest.organiser)), 404)       # nothing sealed yet
    result_set = sealed(contest)
    body = client.get(url, headers=token(contest.organiser)).get_json()
    assert (body["version"], body["sha256"]) == (1, result_set.sha256)
    [award] = body["awards"]
    assert [(r["reveal"], r["position"], r["juara"], r["subject"], r["score"]) for r in award["rows"]] == [
        (1, 2, "Juara II", "Dinas Kominfo", "26.00"), (2, 2, "Juara II", "Dinas Pendidikan", "26.00"),
        (3, 1, "Juara I", "Dinas Kesehatan", "26.00")]
    assert award["rows"][2]["citation"].startswith(
        "Juara I OPD Terinovatif: Dinas Kesehatan, dengan 1 inovasi")
    assert award["rows"][2]["certificate_number"].endswith("/V1")
    for who, user in outsiders(contest).items():
        assert client.get(url, headers=token(user)).status_code == 403, who


def test_a_document_is_made_by_a_job_followed_through_the_api(client, contest, app):
    sealed(contest)
    url = f"/api/v1/awards/{contest.award.id}/documents"
    headers = token(contest.organiser, "read", "write")
    problem_of(client.post(url, json={"document": "poster"}, headers=headers), 422)
    problem_of(client.post(url, json={"document": "certificates", "x": 1}, headers=headers), 422)
    assert client.post(url, json={"document": "certificates"},
                       headers=token(contest.verifier, "read", "write")).status_code == 403
    assert count(Job) == 0
    answer = client.post(url, json={"document": "run_sheet"}, headers=headers)
    assert answer.status_code == 202, answer.get_json()
    job = db.session.scalar(select(Job))
    assert answer.headers["Location"].endswith(f"/api/v1/jobs/{job.id}")
    assert (answer.get_json()["id"], job.kind, job.params["document"], job.params["award_id"]) == (
        job.id, "documents", "run_sheet", contest.award.id)
    followed = client.get(answer.headers["Location"], headers=token(contest.organiser)).get_json()
    db.session.refresh(job)
    assert followed["status"] == job.status == ("done" if pdf_available() else "failed")
    assert followed["page"] == f"/jobs/{job.id}"
    if job.status == "done":           # drawing PDFs needs the PDF library
        assert followed["percent"] == 100 and followed["download"] == f"/api/v1/jobs/{job.id}/file"
        with client.get(followed["download"], headers=token(contest.organiser)) as pdf:
            assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
            assert pdf.data.startswith(b"%PDF")
    # Nobody else learns of the job.
    for user in outsiders(contest).values():
        problem_of(client.get(f"/api/v1/jobs/{job.id}", headers=token(user)), 404)
        problem_of(client.get(f"/api/v1/jobs/{job.id}/file", headers=token(user)), 404)


def test_a_job_file_needs_a_finished_job(client, contest):
    job = Job(kind="documents", competition=contest.competition, requested_by=contest.organiser,
              status="running", progress_done=1, progress_total=4, params={})
    db.session.add(job)
    db.session.commit()
    body = client.get(f"/api/v1/jobs/{job.id}", headers=token(contest.organiser)).get_json()
    shown = (body["status"], body["done"], body["total"], body["percent"], body["finished"], body["download"])
    assert shown == ("running", 1, 4, 25, False, None)
    problem_of(client.get(f"/api/v1/jobs/{job.id}/file", headers=token(contest.organiser)), 404)


def test_no_document_for_an_award_nobody_won(client, app):
    contest = Contest()
    nobody = Category(competition=contest.competition, name="Tanpa Peserta")
    db.session.add(nobody)
    db.session.commit()
    empty = add_award(contest.competition, contest.organiser, name="Inovasi Tanpa Peserta",
                      subject="innovation", category=nobody, positions=1)
    db.session.commit()
    sealed(contest)
    headers = token(contest.organiser, "read", "write")
    answer = client.post(f"/api/v1/awards/{empty.id}/documents", json={"document": "certificates"},
                         headers=headers)
    assert "no winner" in problem_of(answer, 409)["detail"]
    problem_of(client.post("/api/v1/awards/999999/documents", json={"document": "certificates"},
                           headers=headers), 404)
    assert count(Job) == 0


# -- the audit trail --------------------------------------------------------------------------------------

def test_the_audit_trail_is_paged_and_filtered_as_the_page(client, contest):
    headers = token(contest.organiser)
    url = f"/api/v1/competitions/{contest.competition.id}/audit"
    everything = client.get(url, query_string={"per_page": 100}, headers=headers).get_json()
    assert everything["total"] == len(everything["items"]) > 5
    times = [item["at"] for item in everything["items"]]
    assert times == sorted(times, reverse=True)
    pages = [client.get(url, query_string={"per_page": 4, "page": n}, headers=headers).get_json()
             for n in range(1, -(-everything["total"] // 4) + 1)]
    assert [(i["source"], i["row_id"]) for p in pages for i in p["items"]] == [
        (i["source"], i["row_id"]) for i in everything["items"]]
    judge = contest.judges[0]
    mine = client.get(url, query_string={"actor_id": judge.id, "per_page": 100}, headers=headers).get_json()
    assert mine["items"] and {i["actor"] for i in mine["items"]} == {judge.name}
    entry = contest.entries["Si-Sehat"]
    about = client.get(url, query_string={"entry_id": entry.id, "per_page": 100}, headers=headers).get_json()
    assert about["items"] and {i["entry"] for i in about["items"]} == {"Si-Sehat"}
    kind = client.get(url, query_string={"kind": "round.added"}, headers=headers).get_json()
    assert [(i["kind"], i["what"]) for i in kind["items"]] == [("round.added", "Tahap penilaian ditambahkan")]
    assert "round.added" in kind["kinds"]
    bad = problem_of(client.get(url, query_string={"actor_id": "x", "per_page": 0}, headers=headers), 422)
    assert set(bad["errors"]) == {"actor_id", "per_page"}


def test_only_organisers_read_the_audit_trail(client, contest):
    url = f"/api/v1/competitions/{contest.competition.id}/audit"
    for who, user in outsiders(contest).items():
        assert problem_of(client.get(url, headers=token(user)), 403), who
    problem_of(client.get("/api/v1/competitions/999999/audit", headers=token(contest.organiser)), 404)


# -- verification ------------------------------------------------------------------------------------------

@pytest.fixture
def desk(app):
    return Desk()


def test_the_verifiers_queue_is_oldest_first_paged_and_filtered(client, desk):
    newest = make_entry(desk.competition, desk.dinkes, status="submitted", title="Paling Baru",
                        submitted_at=utcnow() - timedelta(hours=1))
    headers = token(desk.verifier)
    listing = client.get("/api/v1/verification", headers=headers).get_json()
    assert [i["title"] for i in listing["items"]] == ["Lapor Mas Wali", "Si-Sehat", "Paling Baru"]
    assert listing["total"] == 3 and listing["items"][0]["organisation"] == "Dinas Komunikasi dan Informatika"
    second = client.get("/api/v1/verification", query_string={"per_page": 2, "page": 2}, headers=headers)
    assert [i["id"] for i in second.get_json()["items"]] == [newest.id]
    dinkes = client.get("/api/v1/verification", query_string={"organisation_id": desk.dinkes.id},
                        headers=headers).get_json()
    assert [i["title"] for i in dinkes["items"]] == ["Si-Sehat", "Paling Baru"]
    assert client.get("/api/v1/verification", query_string={"status": "verified"},
                      headers=headers).get_json()["items"] == []
    problem_of(client.get("/api/v1/verification", query_string={"status": "draft"}, headers=headers), 422)
    # Never the verifier's own OPD.
    own = client.get("/api/v1/verification", headers=token(desk.kominfo_verifier)).get_json()
    assert [i["title"] for i in own["items"]] == ["Si-Sehat", "Paling Baru"]


def test_the_queue_condition_agrees_with_the_page(client, desk):
    from competition.policy import verifiable_entries, works_for

    for verifier in (desk.verifier, desk.kominfo_verifier, desk.operator):
        listed = set(db.session.scalars(select(Entry.id).where(verifiable_entries(verifier))))
        expected = {e.id for e in db.session.scalars(select(Entry))
                    if "verifier" in {m.role for m in verifier.memberships}
                    and (e.status != "draft" or e.submitted_at is not None)
                    and not works_for(verifier, e.organisation)}
        assert listed == expected, verifier.name


def test_only_verifiers_have_a_queue(client, desk):
    for user in (desk.operator, make_user(desk.competition, "organiser"),
                 make_user(desk.competition, "judge")):
        problem_of(client.get("/api/v1/verification", headers=token(user)), 403)
        problem_of(client.post("/api/v1/verification/verify-several", json={"entry_ids": [desk.newer.id]},
                               headers=token(user, "read", "write")), 403)
    problem_of(client.get("/api/v1/verification"), 401)


def test_several_innovations_are_verified_together(client, desk):
    answer = client.post("/api/v1/verification/verify-several",
                         json={"entry_ids": [desk.older.id, desk.newer.id, desk.older.id],
                               "comment": "Lengkap."},
                         headers=token(desk.verifier, "read", "write"))
    assert answer.status_code == 200, answer.get_json()
    assert [(i["id"], i["status"]) for i in answer.get_json()["verified"]] == [
        (desk.older.id, "verified"), (desk.newer.id, "verified")]
    events = db.session.scalars(select(EntryEvent).order_by(EntryEvent.id)).all()
    assert [(e.entry_id, e.trigger, e.actor_id, e.comment) for e in events] == [
        (desk.older.id, "verify", desk.verifier.id, "Lengkap."), (desk.newer.id, "verify", desk.verifier.id,
                                                                  "Lengkap.")]


def test_verifying_several_is_all_or_nothing(client, desk):
    headers = token(desk.kominfo_verifier, "read", "write")
    refused = problem_of(client.post("/api/v1/verification/verify-several",
                                     json={"entry_ids": [desk.newer.id, desk.older.id]}, headers=headers),
                         409)
    assert list(refused["errors"]) == [f"entry_ids.{desk.older.id}"]           # its own OPD's
    assert "Lapor Mas Wali" in refused["detail"]
    unknown = problem_of(client.post("/api/v1/verification/verify-several",
                                     json={"entry_ids": [desk.newer.id, desk.draft.id, 999999]},
                                     headers=headers), 422)
    assert unknown["errors"]["entry_ids"] == [f"#{desk.draft.id}: not found", "#999999: not found"]
    bad = problem_of(client.post("/api/v1/verification/verify-several", json={"entry_ids": [], "x": 1},
                                 headers=headers), 422)
    assert set(bad["errors"]) == {"entry_ids", "x"}
    db.session.expire_all()
    assert {db.session.get(Entry, e.id).status for e in (desk.newer, desk.older)} == {"submitted"}
    assert count(EntryEvent) == 0
    foreign = make_entry(make_competition(), make_organisation(desk.competition.region), status="submitted")
    problem_of(client.post("/api/v1/verification/verify-several", json={"entry_ids": [foreign.id]},
                           headers=token(desk.verifier, "read", "write")), 422)
    problem_of(client.post("/api/v1/verification/verify-several", json={"entry_ids": [desk.newer.id]},
                           headers=token(desk.verifier, "read")), 403)
    assert count(EntryEvent) == 0


# -- the answers are what the OpenAPI document says -------------------------------------------------------

JSON_TYPES = {"object": dict, "array": list, "string": str, "integer": int, "number": (int, float),
              "boolean": bool, "null": type(None)}


def departures(spec: dict, schema: dict, value, where: str = "$") -> list[str]:
    """Where ``value`` does not conform to ``schema`` (types, required and unknown properties,
    items, patterns; enough to catch an answer outside its schema)."""
    if "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    found = []
    kinds = schema.get("type")
    if kinds is not None:
        kinds = kinds if isinstance(kinds, list) else [kinds]
        numeric_bool = isinstance(value, bool)
        if not any(isinstance(value, JSON_TYPES[k]) and not (k in ("integer", "number") and numeric_bool)
                   for k in kinds):
            return [f"{where}: {value!r} is not {kinds}"]
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        found += [f"{where}: {name} is missing" for name in schema.get("required", []) if name not in value]
        if schema.get("additionalProperties") is False:
            found += [f"{where}: {name} is not in the schema" for name in value if name not in properties]
        for name, item in value.items():
            if name in properties:
                found += departures(spec, properties[name], item, f"{where}.{name}")
    if isinstance(value, list) and "items" in schema:
        for number, item in enumerate(value):
            found += departures(spec, schema["items"], item, f"{where}[{number}]")
    if isinstance(value, str) and "pattern" in schema and not re.search(schema["pattern"], value):
        found.append(f"{where}: {value!r} does not match {schema['pattern']}")
    return found


def test_every_answer_conforms_to_the_openapi_document(client, contest):
    spec = client.get("/api/v1/openapi.json").get_json()
    organiser = token(contest.organiser, "read", "write")
    seen: list[tuple[str, str, int]] = []

    def check(method: str, path: str, template: str, **kwargs):
        answer = client.open(path, method=method, **kwargs)
        operation = spec["paths"][template][method.lower()]
        declared = operation["responses"].get(str(answer.status_code))
        assert declared is not None, (method, path, answer.status_code, list(operation["responses"]))
        if answer.mimetype == "application/json":
            schema = declared["content"]["application/json"]["schema"]
            assert departures(spec, schema, answer.get_json()) == [], (method, path)
        seen.append((method, template, answer.status_code))
        return answer.get_json()

    c, award = contest.competition.id, contest.award.id
    results = "/api/v1/competitions/{competition_id}/results"
    check("GET", f"/api/v1/competitions/{c}/results/preview", f"{results}/preview", headers=organiser)
    level = [contest.opd("Lapor Cepat").id, contest.opd("Sekolah Pintar").id]
    check("POST", f"/api/v1/awards/{award}/tie", "/api/v1/awards/{award_id}/tie", headers=organiser,
          json={"subject_ids": level, "reason": "Pleno"})
    contest.close_judging()
    check("POST", f"/api/v1/competitions/{c}/results/seal", f"{results}/seal", headers=organiser)
    check("GET", f"/api/v1/competitions/{c}/results/versions", f"{results}/versions", headers=organiser)
    check("GET", f"/api/v1/competitions/{c}/results/versions/1", f"{results}/versions/{{version}}",
          headers=organiser)
    check("POST", f"/api/v1/competitions/{c}/results/versions/1/verify",
          f"{results}/versions/{{version}}/verify", headers=organiser)
    check("GET", f"/api/v1/competitions/{c}/ceremony/run-sheet",
          "/api/v1/competitions/{competition_id}/ceremony/run-sheet", headers=organiser)
    job = check("POST", f"/api/v1/awards/{award}/documents", "/api/v1/awards/{award_id}/documents",
                headers=organiser, json={"document": "certificates"})
    check("GET", f"/api/v1/jobs/{job['id']}", "/api/v1/jobs/{job_id}", headers=organiser)
    check("POST", f"/api/v1/competitions/{c}/results/versions/1/publish",
          f"{results}/versions/{{version}}/publish", headers=organiser)
    check("GET", f"/api/v1/competitions/{c}/results/published", f"{results}/published")
    check("GET", f"/api/v1/competitions/{c}/audit", "/api/v1/competitions/{competition_id}/audit",
          headers=organiser)
    desk = Desk()
    verifier = token(desk.verifier, "read", "write")
    check("GET", "/api/v1/verification", "/api/v1/verification", headers=verifier)
    check("POST", "/api/v1/verification/verify-several", "/api/v1/verification/verify-several",
          headers=verifier, json={"entry_ids": [desk.older.id]})
    assert [status for _, _, status in seen] == [200, 201, 201, 200, 200, 201, 200, 202, 200, 200, 200, 200,
                                                 200, 200]


def test_junk_bodies_get_problems_and_store_nothing(client, contest):
    """Any JSON (or none) sent to the writes with a body: a problem naming what was wrong, never a
    500, and nothing stored."""
    desk = Desk()
    writes = [(f"/api/v1/awards/{contest.award.id}/tie", token(contest.organiser, "read", "write"),
               ["subject_ids", "reason", "place"]),
              (f"/api/v1/awards/{contest.award.id}/documents", token(contest.organiser, "read", "write"),
               ["document"]),
              ("/api/v1/verification/verify-several", token(desk.verifier, "read", "write"),
               ["entry_ids", "comment"])]

    @settings(max_examples=120, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(where=st.sampled_from(range(len(writes))), data=st.data())
    def one(where, data):
        url, headers, names = writes[where]
        body = data.draw(st.dictionaries(st.sampled_from([*names, "x"]), JSON, max_size=3) | JSON)
        before = row_counts()
        answer = client.post(url, json=body, headers=headers)
        assert answer.status_code < 500, (answer.status_code, url, body)
        if answer.status_code >= 400:
            assert answer.mimetype == "application/problem+json", body
            assert row_counts() == before, (answer.status_code, url, body)

    one()

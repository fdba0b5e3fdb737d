"""API v1 for judging through the HTTP client: the organiser's panels, assignments, rounds'
status, reopened scores and conflicts; a judge's own sheets with their scopes, versions (If-Match),
blind rounds and conflicts; and the statements a judge's sheet costs."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from competition.extensions import db
from competition.judging.operations import declare_conflict
from competition.judging.scoring import confirm_scores, save_scores
from competition.models import (
    Assignment,
    AuditEvent,
    ConflictOfInterest,
    Panel,
    Round,
    RoundEvent,
    Score,
    ScoringEvent,
)
from competition.people.tokens import create_token
from tests.api.test_api import bearer, problem_of
from tests.factories import make_competition, make_entry, make_organisation, make_user
from tests.judging.test_scoring_views import Jury


class Judging(Jury):
    """The judging of tests/judging/test_scoring_views.py, with a judge and an organiser of another
    competition besides."""

    def __init__(self, *, blind: bool = False):
        super().__init__(blind=blind)
        elsewhere = make_competition(name="Lomba Lain", phase="judging")
        self.stranger = make_user(elsewhere, "judge", "organiser", name="Orang Lain")
        self.foreign_entry = make_entry(elsewhere, make_organisation(elsewhere.region, "Dinas Lain"),
                                        status="verified", title="Asing")

    def token(self, user, *scopes: str) -> dict[str, str]:
        made = create_token(user, name="skrip", scopes=scopes or ("read",), days=30)
        db.session.commit()
        return bearer(made.secret)


@pytest.fixture
def judging(app):
    return Judging()


def scores_of(assignment) -> dict[int, float]:
    db.session.expire_all()
    return {criterion_id: value for criterion_id, value in db.session.execute(
        select(Score.criterion_id, Score.value).where(Score.assignment_id == assignment.id))}


def status_of(assignment) -> str:
    db.session.expire_all()
    return db.session.scalar(select(Assignment.status).where(Assignment.id == assignment.id))


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# -- a judge's list ---------------------------------------------------------------------------------

def test_a_judge_lists_their_own_sheets_with_states_and_filters(client, judging):
    save_scores(judging.second, judging.judge, {judging.novelty.id: 70})
    token = judging.token(judging.judge, "judge")
    listing = client.get("/api/v1/scoring", headers=token).get_json()
    assert [item["id"] for item in listing["items"]] == [
        judging.first.id, judging.second.id, judging.third.id]
    assert [item["state"] for item in listing["items"]] == ["not_started", "draft", "not_started"]
    assert listing["items"][1]["scored"] == 1 and listing["total"] == 3
    assert listing["items"][0]["entry_title"] == "Si-Sehat"
    confirmed = client.get("/api/v1/scoring", query_string={"status": "confirmed"}, headers=token).get_json()
    assert confirmed["items"] == [] and confirmed["total"] == 0
    paged = client.get("/api/v1/scoring", query_string={"per_page": 2, "page": 2}, headers=token).get_json()
    assert [item["id"] for item in paged["items"]] == [judging.third.id] and paged["total"] == 3
    problem_of(client.get("/api/v1/scoring", query_string={"status": "removed"}, headers=token), 422)


@pytest.mark.parametrize("who", ["organiser", "operator", "verifier"])
def test_people_who_judge_nowhere_get_no_list(client, judging, who):
    problem_of(client.get("/api/v1/scoring", headers=judging.token(getattr(judging, who))), 403)


# -- one sheet --------------------------------------------------------------------------------------

def test_the_sheet_shows_the_rubric_the_values_and_a_version(client, judging):
    save_scores(judging.first, judging.judge, {judging.novelty.id: (80, "Baru")})
    answer = client.get(f"/api/v1/assignments/{judging.first.id}/sheet", headers=judging.token(judging.judge))
    assert answer.status_code == 200 and answer.headers["ETag"]
    sheet = answer.get_json()
    assert (sheet["status"], sheet["editable"], sheet["missing"], sheet["organisation"]) == (
        "open", True, 1, "Dinas Kesehatan")
    novelty, regulation = sheet["criteria"]
    shown = [novelty[name] for name in ("name", "min_value", "max_value", "value", "comment")]
    assert shown == ["Kebaharuan", 0, 100, 80, "Baru"]
    assert regulation["scale"] == "levels" and regulation["value"] is None
    assert [level["label"] for level in regulation["levels"]] == ["Perkada", "Perwali", "Perda"]
    assert sheet["total"] == "48.00"   # 80 × 60 % and nothing yet for Regulasi
    entry = judging.first.entry   # what the judge reads beside the rubric, as on the scoring page
    assert (sheet["innovation"]["rancang_bangun"], sheet["innovation"]["urusan"]) == (
        entry.rancang_bangun, entry.urusan)


def test_saving_needs_the_sheet_s_current_version(client, judging):
    token = judging.token(judging.judge, "judge")
    url = f"/api/v1/assignments/{judging.first.id}/sheet"
    etag = client.get(url, headers=token).headers["ETag"]
    body = {"scores": {str(judging.novelty.id): 75, str(judging.regulation.id): 2},
            "comments": {str(judging.novelty.id): "Cukup baru"}}
    problem_of(client.put(url, json=body, headers=token), 428)
    problem_of(client.put(url, json=body, headers={**token, "If-Match": '"0123456789abcdef0123"'}), 412)
    assert scores_of(judging.first) == {}
    saved = client.put(url, json=body, headers={**token, "If-Match": etag})
    assert saved.status_code == 200, saved.get_json()
    assert scores_of(judging.first) == {judging.novelty.id: 75, judging.regulation.id: 2}
    assert saved.get_json()["criteria"][0]["comment"] == "Cukup baru" and saved.headers["ETag"] != etag
    assert count(AuditEvent) and db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.kind == "scores.draft_saved")) == 1
    # The old version is stale now; a criterion left out is emptied.
    problem_of(client.put(url, json={"scores": {}}, headers={**token, "If-Match": etag}), 412)
    emptied = client.put(url, json={"scores": {str(judging.novelty.id): 60}},
                         headers={**token, "If-Match": saved.headers["ETag"]})
    assert emptied.status_code == 200 and scores_of(judging.first) == {judging.novelty.id: 60}


def test_bad_values_name_their_criterion_and_nothing_is_stored(client, judging):
    token = judging.token(judging.judge, "judge")
    url = f"/api/v1/assignments/{judging.first.id}/sheet"
    save_scores(judging.first, judging.judge, {judging.novelty.id: 50})
    headers = {**token, "If-Match": client.get(url, headers=token).headers["ETag"]}
    novelty, regulation = str(judging.novelty.id), str(judging.regulation.id)
    wrong = problem_of(client.put(url, json={"scores": {novelty: 150, regulation: 5}}, headers=headers), 422)
    assert set(wrong["errors"]) == {f"scores.{novelty}", f"scores.{regulation}"}
    assert "150" in wrong["errors"][f"scores.{novelty}"][0]
    unknown = problem_of(client.put(url, json={"scores": {"999999": 1}, "comments": {regulation: "Catatan"}},
                                    headers=headers), 422)
    assert set(unknown["errors"]) == {"scores.999999", f"comments.{regulation}"}
    for junk in ("banyak", True, 10**400, [1], {"v": 1}):
        named = problem_of(client.put(url, json={"scores": {novelty: junk}}, headers=headers), 422)
        assert set(named["errors"]) == {f"scores.{novelty}"}, junk
    for body in ({"scores": {novelty: 10}, "status": "confirmed"}, {"scores": {"x": 1}}, {"comments": {}}):
        problem_of(client.put(url, json=body, headers=headers), 422)
    problem_of(client.put(url, data="{", headers={**headers, "Content-Type": "application/json"}), 400)
    assert scores_of(judging.first) == {judging.novelty.id: 50}


def test_confirming_locks_the_sheet(client, judging):
    token = judging.token(judging.judge, "judge")
    url = f"/api/v1/assignments/{judging.first.id}"
    save_scores(judging.first, judging.judge, {judging.novelty.id: 80})
    etag = client.get(f"{url}/sheet", headers=token).headers["ETag"]
    problem_of(client.post(f"{url}/confirm", headers=token), 428)
    missing = problem_of(client.post(f"{url}/confirm", headers={**token, "If-Match": etag}), 422)
    assert "Regulasi" in missing["detail"] and status_of(judging.first) == "open"
    whole = {"scores": {str(judging.novelty.id): 80, str(judging.regulation.id): 3}}
    etag = client.put(f"{url}/sheet", json=whole, headers={**token, "If-Match": etag}).headers["ETag"]
    confirmed = client.post(f"{url}/confirm", headers={**token, "If-Match": etag})
    assert confirmed.status_code == 200 and confirmed.get_json()["status"] == "confirmed"
    assert status_of(judging.first) == "confirmed" and confirmed.get_json()["editable"] is False
    locked = client.put(f"{url}/sheet", json={"scores": {str(judging.novelty.id): 10}},
                        headers={**token, "If-Match": confirmed.headers["ETag"]})
    assert problem_of(locked, 409)["detail"]
    assert scores_of(judging.first) == {judging.novelty.id: 80, judging.regulation.id: 3}
    assert db.session.scalar(select(func.count()).select_from(ScoringEvent)
                             .where(ScoringEvent.action == "confirm")) == 1


def test_the_judge_scope_scores_and_write_alone_does_not(client, judging):
    url = f"/api/v1/assignments/{judging.first.id}"
    body = {"scores": {str(judging.novelty.id): 80, str(judging.regulation.id): 3}}
    for scopes in (("read",), ("judge",)):
        assert client.get(f"{url}/sheet", headers=judging.token(judging.judge, *scopes)).status_code == 200
    writer = judging.token(judging.judge, "read", "write")
    etag = client.get(f"{url}/sheet", headers=writer).headers["ETag"]
    for answer in (client.put(f"{url}/sheet", json=body, headers={**writer, "If-Match": etag}),
                   client.post(f"{url}/confirm", headers={**writer, "If-Match": etag}),
                   client.post(f"{url}/conflict", json={"reason": "Saudara"}, headers=writer)):
        assert "judge" in problem_of(answer, 403)["detail"]
    assert scores_of(judging.first) == {} and count(ConflictOfInterest) == 0
    problem_of(client.get("/api/v1/scoring", headers=judging.token(judging.judge, "write")), 403)
    judge_only = judging.token(judging.judge, "judge")
    etag = client.put(f"{url}/sheet", json=body, headers={**judge_only, "If-Match": etag}).headers["ETag"]
    assert client.post(f"{url}/confirm", headers={**judge_only, "If-Match": etag}).status_code == 200
    assert status_of(judging.first) == "confirmed"


def test_nobody_else_sees_or_scores_a_judge_s_sheet(client, judging):
    url = f"/api/v1/assignments/{judging.first.id}"
    body = {"scores": {str(judging.novelty.id): 80}}
    for who, status in (("other_judge", 403), ("organiser", 403), ("operator", 403), ("stranger", 404)):
        token = judging.token(getattr(judging, who), "read", "judge")
        problem_of(client.get(f"{url}/sheet", headers=token), status)
        problem_of(client.put(f"{url}/sheet", json=body, headers={**token, "If-Match": '"x"'}), status)
        problem_of(client.post(f"{url}/confirm", headers={**token, "If-Match": '"x"'}), status)
        problem_of(client.post(f"{url}/conflict", json={"reason": "Saudara"}, headers=token), status)
    problem_of(client.get("/api/v1/assignments/999999/sheet", headers=judging.token(judging.judge)), 404)
    assert scores_of(judging.first) == {} and count(ConflictOfInterest) == 0


def test_a_judge_declares_a_conflict_and_the_sheet_leaves_them(client, judging):
    token = judging.token(judging.judge, "judge")
    url = f"/api/v1/assignments/{judging.first.id}"
    problem_of(client.post(f"{url}/conflict", json={"reason": " "}, headers=token), 422)
    problem_of(client.post(f"{url}/conflict", json={}, headers=token), 422)
    assert count(ConflictOfInterest) == 0
    declared = client.post(f"{url}/conflict", json={"reason": "Istri saya bekerja di sana"}, headers=token)
    assert declared.status_code == 201, declared.get_json()
    assert declared.get_json()["entry_id"] == judging.sehat.id
    assert status_of(judging.first) == "removed" and count(ConflictOfInterest) == 1
    problem_of(client.get(f"{url}/sheet", headers=token), 403)
    listed = client.get("/api/v1/scoring", headers=token).get_json()
    assert judging.first.id not in [item["id"] for item in listed["items"]]
    # A confirmed sheet: its scores must be reopened first.
    save_scores(judging.second, judging.judge, {judging.novelty.id: 80, judging.regulation.id: 2})
    confirm_scores(judging.second, judging.judge)
    refused = client.post(f"/api/v1/assignments/{judging.second.id}/conflict", json={"reason": "Kerabat"},
                          headers=token)
    problem_of(refused, 409)
    assert count(ConflictOfInterest) == 1 and status_of(judging.second) == "confirmed"


def test_a_blind_sheet_names_no_opd(client, app):
    judging = Judging(blind=True)
    judging.sehat.title = "Si-Sehat Dinas Kesehatan"
    db.session.commit()
    token = judging.token(judging.judge, "judge")
    sheet = client.get(f"/api/v1/assignments/{judging.first.id}/sheet", headers=token)
    listing = client.get("/api/v1/scoring", headers=token)
    for answer in (sheet, listing):
        assert answer.status_code == 200 and "Dinas Kesehatan" not in answer.get_data(as_text=True)
    assert sheet.get_json()["organisation"] is None and sheet.get_json()["blind"] is True
    assert sheet.get_json()["entry_title"] == "Si-Sehat [OPD]"
    bad = client.put(f"/api/v1/assignments/{judging.first.id}/sheet", json={"scores": {}},
                     headers={**token, "If-Match": sheet.headers["ETag"]})
    assert bad.status_code == 200


# -- panels -----------------------------------------------------------------------------------------

def test_the_organiser_lists_and_creates_panels(client, judging):
    token = judging.token(judging.organiser, "read", "write")
    url = f"/api/v1/rounds/{judging.round.id}/panels"
    listing = client.get(url, headers=token).get_json()
    assert [panel["name"] for panel in listing["items"]] == ["Tim penilai A"]
    assert {judge["name"] for judge in listing["items"][0]["judges"]} == {
        "Prof. Juri Satu", "Juri Dua", "Juri Tiga"}
    category = judging.competition.categories[0].id if judging.competition.categories else None
    made = client.post(url, headers=token,
                       json={"name": "Tim B", "judges": [judging.idle_judge.id], "category_id": category})
    assert made.status_code == 201, made.get_json()
    assert made.get_json()["judges"] == [{"judge_id": judging.idle_judge.id, "name": "Juri Tiga"}]
    assert count(Panel) == 2
    wrong = problem_of(client.post(url, json={"name": "Tim B", "judges": [judging.operator.id],
                                              "category_id": 999999}, headers=token), 422)
    assert set(wrong["errors"]) == {"judges", "category_id"}
    same_name = problem_of(client.post(url, json={"name": "Tim B", "judges": [judging.judge.id]},
                                       headers=token), 422)
    assert ["Tim B" in text for texts in same_name["errors"].values() for text in texts] == [True]
    problem_of(client.post(url, json={"name": "Tim C", "judges": []}, headers=token), 422)
    assert count(Panel) == 2


@pytest.mark.parametrize("who, status", [("judge", 403), ("operator", 403), ("verifier", 403),
                                         ("stranger", 404)])
def test_only_the_organiser_runs_a_round_s_judging(client, judging, who, status):
    token = judging.token(getattr(judging, who), "read", "write")
    round_url = f"/api/v1/rounds/{judging.round.id}"
    before = (count(Panel), count(Assignment), count(RoundEvent), count(ScoringEvent))
    for method, url, body in (
            ("GET", f"{round_url}/panels", None), ("GET", f"{round_url}/assignments", None),
            ("POST", f"{round_url}/panels", {"name": "Tim X", "judges": [judging.judge.id]}),
            ("POST", f"{round_url}/assignments",
             {"entry_id": judging.lapor.id, "judge_id": judging.idle_judge.id}),
            ("POST", f"{round_url}/assign", {}),
            ("POST", f"{round_url}/status", {"trigger": "close", "force": True}),
            ("DELETE", f"/api/v1/assignments/{judging.first.id}", None),
            ("POST", f"/api/v1/assignments/{judging.first.id}/reopen", {"reason": "Salah ketik"}),
            ("GET", f"/api/v1/competitions/{judging.competition.id}/conflicts", None)):
        problem_of(client.open(url, method=method, json=body, headers=token), status)
    assert (count(Panel), count(Assignment), count(RoundEvent), count(ScoringEvent)) == before
    problem_of(client.get("/api/v1/rounds/999999/panels", headers=token), 404)


def test_a_read_token_cannot_change_judging(client, judging):
    token = judging.token(judging.organiser, "read", "judge")
    answer = client.post(f"/api/v1/rounds/{judging.round.id}/status", headers=token,
                         json={"trigger": "close", "force": True})
    assert "write" in problem_of(answer, 403)["detail"]
    assert db.session.get(Round, judging.round.id).status == "open"


# -- assignments ------------------------------------------------------------------------------------

def test_assignments_are_listed_in_pages_and_filtered(client, judging):
    token = judging.token(judging.organiser)
    url = f"/api/v1/rounds/{judging.round.id}/assignments"
    everything = client.get(url, headers=token).get_json()
    assert [item["id"] for item in everything["items"]] == sorted(
        [judging.first.id, judging.second.id, judging.third.id, judging.others.id])
    assert everything["items"][0]["judge_name"] == "Prof. Juri Satu" and everything["total"] == 4
    mine = client.get(url, query_string={"judge_id": judging.judge.id}, headers=token).get_json()
    assert mine["total"] == 3
    sehat = client.get(url, query_string={"entry_id": judging.sehat.id}, headers=token).get_json()
    assert {item["judge_id"] for item in sehat["items"]} == {judging.judge.id, judging.other_judge.id}
    pages = [client.get(url, query_string={"per_page": 3, "page": n}, headers=token).get_json()
             for n in (1, 2)]
    assert [len(page["items"]) for page in pages] == [3, 1]
    assert problem_of(client.get(url, query_string={"status": "menang"}, headers=token), 422)["errors"]


def test_a_judge_is_assigned_by_hand_and_taken_off(client, judging):
    token = judging.token(judging.organiser, "read", "write")
    url = f"/api/v1/rounds/{judging.round.id}/assignments"
    made = client.post(url, json={"entry_id": judging.lapor.id, "judge_id": judging.idle_judge.id},
                       headers=token)
    assert made.status_code == 201, made.get_json()
    added = made.get_json()
    assert (added["status"], added["source"], added["judge_name"]) == ("open", "manual", "Juri Tiga")
    problem_of(client.post(url, json={"entry_id": judging.lapor.id, "judge_id": judging.idle_judge.id},
                           headers=token), 422)
    wrong = problem_of(client.post(url, json={"entry_id": judging.foreign_entry.id,
                                              "judge_id": judging.operator.id}, headers=token), 422)
    assert set(wrong["errors"]) == {"entry_id", "judge_id"}
    problem_of(client.post(url, json={"entry_id": judging.lapor.id}, headers=token), 422)
    assert count(Assignment) == 5
    removed = client.delete(f"/api/v1/assignments/{added['id']}", query_string={"reason": "Berhalangan"},
                            headers=token)
    assert removed.status_code == 204 and removed.get_data() == b""
    assert status_of(db.session.get(Assignment, added["id"])) == "removed"
    event = db.session.scalar(select(ScoringEvent).where(ScoringEvent.assignment_id == added["id"]))
    assert (event.action, event.reason) == ("remove", "Berhalangan")
    problem_of(client.delete(f"/api/v1/assignments/{added['id']}", headers=token), 422)


def test_the_automatic_assignment_gives_every_innovation_its_judges(client, judging):
    token = judging.token(judging.organiser, "read", "write")
    answer = client.post(f"/api/v1/rounds/{judging.round.id}/assign", json={"judges_per_entry": 2},
                         headers=token)
    assert answer.status_code == 200, answer.get_json()
    report = answer.get_json()
    assert report["added"] == 2 and report["short"] == {} and sum(report["load"].values()) == 6
    per_entry = {entry_id: number for entry_id, number in db.session.execute(
        select(Assignment.entry_id, func.count()).group_by(Assignment.entry_id))}
    assert set(per_entry.values()) == {2}
    problem_of(client.post(f"/api/v1/rounds/{judging.round.id}/assign", json={"judges_per_entry": 0},
                           headers=token), 422)


# -- rounds and scores ------------------------------------------------------------------------------

def test_a_round_is_closed_and_reopened_through_its_workflow(client, judging):
    token = judging.token(judging.organiser, "read", "write")
    url = f"/api/v1/rounds/{judging.round.id}/status"
    problem_of(client.post(url, json={"trigger": "close"}, headers=token), 422)    # sheets unconfirmed
    problem_of(client.post(url, json={"trigger": "open"}, headers=token), 422)     # open already
    assert problem_of(client.post(url, json={"trigger": "publish"}, headers=token), 422)["errors"]["trigger"]
    assert db.session.get(Round, judging.round.id).status == "open" and count(RoundEvent) == 1
    closed = client.post(url, json={"trigger": "close", "force": True}, headers=token)
    assert closed.status_code == 200, closed.get_json()
    assert closed.get_json()["status"] == "closed" and len(closed.get_json()["not_judged"]) == 3
    refused = client.post(url, json={"trigger": "reopen"}, headers=token)
    assert problem_of(refused, 409)["errors"]["trigger"]
    reopened = client.post(url, json={"trigger": "reopen", "reason": "Juri terlambat"}, headers=token)
    assert reopened.status_code == 200 and reopened.get_json()["status"] == "open"
    assert len(reopened.get_json()["undecided"]) == 3
    assert [e.trigger for e in db.session.scalars(select(RoundEvent).order_by(RoundEvent.id))] == [
        "open", "close", "reopen"]


def test_the_organiser_reopens_confirmed_scores_with_a_reason(client, judging):
    save_scores(judging.first, judging.judge, {judging.novelty.id: 80, judging.regulation.id: 2})
    confirm_scores(judging.first, judging.judge)
    token = judging.token(judging.organiser, "read", "write")
    url = f"/api/v1/assignments/{judging.first.id}/reopen"
    problem_of(client.post(url, json={"reason": ""}, headers=token), 422)
    problem_of(client.post(url, json={}, headers=token), 422)
    assert status_of(judging.first) == "confirmed"
    reopened = client.post(url, json={"reason": "Nilai salah ketik"}, headers=token)
    assert reopened.status_code == 200 and reopened.get_json()["status"] == "open"
    assert status_of(judging.first) == "open"
    problem_of(client.post(url, json={"reason": "Lagi"}, headers=token), 422)   # not confirmed now


def test_the_organiser_lists_declared_conflicts(client, judging):
    declare_conflict(judging.lapor, judging.other_judge, "Pernah membina")
    declare_conflict(judging.antrean, judging.judge, "Kerabat")
    db.session.commit()
    token = judging.token(judging.organiser)
    url = f"/api/v1/competitions/{judging.competition.id}/conflicts"
    listing = client.get(url, headers=token).get_json()
    assert [(item["entry_title"], item["judge_name"], item["reason"]) for item in listing["items"]] == [
        ("Lapor Mas Wali", "Juri Dua", "Pernah membina"), ("Antrean Daring", "Prof. Juri Satu", "Kerabat")]
    mine = client.get(url, query_string={"judge_id": judging.judge.id}, headers=token).get_json()
    assert mine["total"] == 1
    problem_of(client.get(f"/api/v1/competitions/{judging.competition.id}/conflicts",
                          headers=judging.token(judging.judge)), 403)


# -- statements -------------------------------------------------------------------------------------

# Per request, counted on PostgreSQL (SQLite needs one fewer for saving and confirming): the token's
# look-up, the savepoints and audit chains included, and the sheet read again for the answer and its
# ETag, with the sheet's last event (why it was reopened, if it was). The sheet confirmed is the last
# of its innovation, so confirming also ends its judging.
SHEET_BUDGET = {"list": 6, "sheet": 7, "save": 17, "confirm": 27}


def sheet_path_counts(client, size, *, blind: bool) -> dict[str, tuple[int, list[str]]]:
    """A judge's script reading their list and a sheet, saving it whole and confirming it (through
    a token with the ``judge`` scope), each request's statements counted."""
    from tests.judging.test_judge_path_statements import JudgePath, counting

    path = JudgePath(size, blind=blind)
    token = Judging.token(None, path.judge, "judge")   # type: ignore[arg-type]
    sheet_id = path.sheet_ids[0]
    body = {"scores": {str(c.id): (3 if c.scale == "levels" else 75) for c in path.criteria}}
    db.session.remove()
    request = counting(client)
    request("GET", "/api/v1/scoring", headers=token)        # the token's first use of the minute
    counts: dict[str, tuple[int, list[str]]] = {}
    total, statements, status, _ = request("GET", "/api/v1/scoring", headers=token)
    assert status == 200
    counts["list"] = (total, statements)
    url = f"/api/v1/assignments/{sheet_id}"
    total, statements, status, _ = request("GET", f"{url}/sheet", headers=token)
    assert status == 200
    counts["sheet"] = (total, statements)
    etag = client.get(f"{url}/sheet", headers=token).headers["ETag"]
    total, statements, status, _ = request("PUT", f"{url}/sheet", json=body,
                                           headers={**token, "If-Match": etag})
    assert status == 200
    counts["save"] = (total, statements)
    etag = client.get(f"{url}/sheet", headers=token).headers["ETag"]
    total, statements, status, _ = request("POST", f"{url}/confirm", headers={**token, "If-Match": etag})
    assert status == 200
    counts["confirm"] = (total, statements)
    db.session.remove()
    assert db.session.scalar(select(Assignment.status).where(Assignment.id == sheet_id)) == "confirmed"
    return counts


@pytest.mark.parametrize("blind", [False, True], ids=["open-round", "blind-round"])
def test_a_sheet_s_requests_keep_their_budget_whatever_the_competition_s_size(app, blind):
    from tests.judging.test_judge_path_statements import LARGE, SMALL

    small = sheet_path_counts(app.test_client(), SMALL, blind=blind)
    large = sheet_path_counts(app.test_client(), LARGE, blind=blind)
    report = {kind: (small[kind][0], large[kind][0]) for kind in SHEET_BUDGET}
    for kind, budget in SHEET_BUDGET.items():
        assert large[kind][0] == small[kind][0], (kind, report, large[kind][1])
        assert small[kind][0] <= budget, (kind, report, small[kind][1])


# -- junk -------------------------------------------------------------------------------------------

JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
                    | st.text(max_size=50), lambda inner: st.lists(inner, max_size=3)
                    | st.dictionaries(st.text(max_size=5), inner, max_size=3), max_leaves=5)


def test_junk_sent_to_the_judging_writes_gets_problems_and_stores_nothing(client, judging):
    from tests.api.test_api_junk import row_counts

    organiser = judging.token(judging.organiser, "read", "write")
    judge = judging.token(judging.judge, "judge")
    sheet_url = f"/api/v1/assignments/{judging.first.id}/sheet"
    keys = [str(judging.novelty.id), str(judging.regulation.id), "0", "x"]
    field_names = ["scores", "comments", "name", "judges", "category_id", "entry_id", "judge_id",
                   "judges_per_entry", "cap", "trigger", "reason", "force", "x"]
    by_criterion = st.dictionaries(st.sampled_from(keys), JSON)
    bodies = st.dictionaries(st.sampled_from(field_names), JSON | by_criterion, max_size=3) | JSON
    targets = [("PUT", sheet_url, judge), ("POST", f"/api/v1/assignments/{judging.first.id}/confirm", judge),
               ("POST", f"/api/v1/assignments/{judging.first.id}/conflict", judge),
               ("POST", f"/api/v1/rounds/{judging.round.id}/panels", organiser),
               ("POST", f"/api/v1/rounds/{judging.round.id}/assignments", organiser),
               ("POST", f"/api/v1/rounds/{judging.round.id}/assign", organiser),
               ("POST", f"/api/v1/rounds/{judging.round.id}/status", organiser),
               ("POST", f"/api/v1/assignments/{judging.others.id}/reopen", organiser)]

    @settings(max_examples=120, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(body=bodies, target=st.sampled_from(targets), stale=st.booleans())
    def one(body, target, stale):
        method, url, token = target
        etag = '"stale"' if stale else client.get(sheet_url, headers=judge).headers["ETag"]
        before = row_counts()
        answer = client.open(url, method=method, json=body, headers={**token, "If-Match": etag})
        assert answer.status_code < 500, (answer.status_code, url, body)
        if answer.status_code >= 400:
            assert answer.mimetype == "application/problem+json", body
            assert row_counts() == before, (answer.status_code, url, body)

    one()

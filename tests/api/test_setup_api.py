"""API v1 for setting competitions up: creating one as the browser does, cloning an earlier one,
the name, timeline and schedule, the phase, the rule for units under an OPD, and categories. Each
endpoint for the role allowed and for those refused, with If-Match where it changes something."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from competition.extensions import db
from competition.models import (
    Assignment,
    AuditEvent,
    Award,
    Category,
    Competition,
    CompetitionEvent,
    Criterion,
    CriterionLevel,
    Entry,
    Membership,
    Panel,
    PanelMember,
    Round,
    Score,
)
from competition.models.types import utcnow
from competition.policy import roles_in
from tests.api.test_api import Api, bearer, problem_of
from tests.factories import force_status, make_competition, make_user

NEXT_YEAR = {"submission_opens_at": "2030-02-01T08:00:00+07:00",
             "submission_closes_at": "2030-03-01T23:59:00+07:00",
             "verification_closes_at": "2030-04-01T23:59:00+07:00",
             "judging_closes_at": "2030-05-01T23:59:00+07:00"}


class Setup(Api):
    """The API's world, with a competition in set-up that the organiser also runs, a stranger who
    organises elsewhere, and a set-up worth cloning on the open competition."""

    def __init__(self):
        super().__init__()
        self.judge = make_user(self.competition, "judge", name="Juri Satu")
        self.judge_two = make_user(self.competition, "judge", name="Juri Dua")
        self.setup = make_competition(region=self.competition.region, phase="setup", name="Lomba Persiapan",
                                      categories=("Digital",))
        db.session.add(Membership(user=self.organiser, competition=self.setup, role="organiser"))
        elsewhere = make_competition(name="Lomba Kota Lain")
        self.stranger = make_user(elsewhere, "organiser", name="Panitia Lain")
        self._rich_setup()
        db.session.commit()

    def _rich_setup(self) -> None:
        source = self.competition
        public = source.categories[0]
        source.categories.append(Category(name="Tata Kelola", description="Inovasi tata kelola"))
        source.tie_break_chain = ["top_marks", "earlier_submission", "heaviest_criterion",
                                  "organiser_decision"]
        source.bands = [{"label": "Sangat Inovatif", "minimum": 80.0}, {"label": "Inovatif", "minimum": 50.0}]
        source.one_award_per_organisation = False
        source.units_compete = "parent"
        source.disagreement_threshold = 15.0
        source.awards.append(Award(position=2, name="Inovasi Pelayanan Terbaik", subject="innovation",
                                   category=public, positions=3, policy="sum", citation="Untuk pelayanan"))
        first = Round(competition=source, position=1, name="Seleksi Administrasi", aggregation="median",
                      advancement="top_n", advancement_count=10, judges_per_entry=2, judge_cap=7, blind=True)
        first.criteria = [
            Criterion(position=1, name="Kebaruan", guidance="Seberapa baru", weight=60.0, min_value=1.0,
                      max_value=3.0, step=1.0, scale="levels",
                      levels=[CriterionLevel(value=1.0, label="Ada"),
                              CriterionLevel(value=3.0, label="Baru")]),
            Criterion(position=2, name="Manfaat", weight=40.0)]
        second = Round(competition=source, position=2, name="Presentasi", weight=2.0)
        second.criteria = [Criterion(position=1, name="Paparan", weight=100.0, step=None)]
        db.session.add_all([first, second])
        db.session.flush()
        second.criteria[0].step = None     # stored empty (a new criterion's default would fill it in)
        db.session.add_all([
            Panel(round=first, name="Tim A", category=public,
                  members=[PanelMember(judge=self.judge), PanelMember(judge=self.judge_two)]),
            Panel(round=second, name="Tim Presentasi", members=[PanelMember(judge=self.judge_two)])])
        # What happened in it, which a clone leaves behind.
        sheet = Assignment(round=first, entry=self.submitted, judge=self.judge)
        db.session.add(sheet)
        db.session.flush()
        db.session.add(Score(assignment=sheet, criterion=first.criteria[1], value=70.0))


@pytest.fixture
def world(app):
    return Setup()


def write(world_: Setup, user) -> dict[str, str]:
    return bearer(world_.token(user, "read", "write"))


def matched(headers: dict[str, str], etag: str) -> dict[str, str]:
    return {**headers, "If-Match": etag}


def audit_kinds(competition_id: int) -> list[str]:
    return list(db.session.scalars(select(AuditEvent.kind).where(AuditEvent.competition_id == competition_id)
                                   .order_by(AuditEvent.id)))


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


# -- a new competition ------------------------------------------------------------------------------

def new_competition(world_: Setup, **overrides):
    return {"name": "Lomba Inovasi 2030", "year": 2030, "region_id": world_.competition.region_id,
            "categories": ["Pelayanan Publik", "Tata Kelola"], **NEXT_YEAR, **overrides}


def test_an_organiser_creates_a_competition_in_their_region_and_organises_it(client, world):
    made = client.post("/api/v1/competitions", json=new_competition(world),
                       headers=write(world, world.organiser))
    assert made.status_code == 201, made.get_json()
    body = made.get_json()
    competition = db.session.get(Competition, body["id"])
    assert (competition.name, competition.year, competition.phase, competition.region_id) == (
        "Lomba Inovasi 2030", 2030, "setup", world.competition.region_id)
    assert competition.submission_opens_at == datetime(2030, 2, 1, 1, 0, tzinfo=UTC)
    assert sorted(c.name for c in competition.categories) == ["Pelayanan Publik", "Tata Kelola"]
    assert roles_in(world.organiser, competition) == {"organiser"}
    assert made.headers["ETag"] == f'"{competition.version}"' == f'"{body["version"]}"'
    assert body["roles"] == ["organiser"] and body["units_compete"] == "own"
    assert audit_kinds(competition.id) == ["competition.created", "role.granted"]


def test_creating_is_for_organisers_and_in_their_own_regions(client, world):
    before = count(Competition)
    problem_of(client.post("/api/v1/competitions", json=new_competition(world),
                           headers=write(world, world.verifier)), 403)
    problem_of(client.post("/api/v1/competitions", json=new_competition(world),
                           headers=bearer(world.token(world.organiser, "read"))), 403)
    foreign = problem_of(client.post("/api/v1/competitions", json=new_competition(world),
                                     headers=write(world, world.stranger)), 422)
    assert set(foreign["errors"]) == {"region_id"}
    problem_of(client.post("/api/v1/competitions", json=new_competition(world)), 401)
    assert count(Competition) == before


def test_a_new_competition_with_bad_fields_names_each_and_stores_nothing(client, world):
    token = write(world, world.organiser)
    before = (count(Competition), count(AuditEvent))
    url = "/api/v1/competitions"
    naive = problem_of(client.post(url, json=new_competition(world, submission_opens_at="2030-02-01T08:00",
                                                             year=1990, colour="merah"), headers=token), 422)
    assert set(naive["errors"]) == {"submission_opens_at", "year", "colour"}
    backwards = problem_of(client.post(url, json=new_competition(
        world, submission_closes_at="2030-01-01T08:00:00+07:00", categories=["Digital", "digital"]),
        headers=token), 422)
    assert set(backwards["errors"]) == {"submission_closes_at", "categories"}
    # The same name in the same region and year as the browser refuses it.
    taken = problem_of(client.post(url, json=new_competition(world, name="Lomba Persiapan",
                                                             year=world.setup.year), headers=token), 422)
    assert set(taken["errors"]) == {"name"} and "Lomba Persiapan" in taken["detail"]
    assert (count(Competition), count(AuditEvent)) == before


# -- cloning ----------------------------------------------------------------------------------------

ROUND = ("position", "name", "blind", "aggregation", "normalise", "advancement", "advancement_count",
         "advancement_min_score", "weight", "judges_per_entry", "judge_cap")
CRITERION = ("position", "name", "guidance", "weight", "scale", "min_value", "max_value", "step",
             "independent")
AWARD = ("position", "name", "subject", "positions", "policy", "index_floor", "count_bonus",
         "count_bonus_cap", "citation")


def described(competition: Competition) -> dict:
    """Everything of a competition's set-up, by names rather than ids."""
    category = {c.id: c.name for c in competition.categories}
    return {
        "categories": sorted((c.name, c.description) for c in competition.categories),
        "rules": (competition.tie_break_chain, competition.bands, competition.one_award_per_organisation,
                  competition.units_compete, competition.disagreement_threshold),
        "awards": [(*(getattr(a, f) for f in AWARD), category.get(a.category_id))
                   for a in competition.awards],
        "rounds": [(*(getattr(r, f) for f in ROUND),
                    [(*(getattr(c, f) for f in CRITERION), [(lv.value, lv.label) for lv in c.levels])
                     for c in r.criteria],
                    [(p.name, category.get(p.category_id), sorted(m.judge_id for m in p.members))
                     for p in r.panels])
                   for r in competition.rounds],
    }


def test_a_clone_copies_the_set_up_with_new_ids_and_leaves_the_source_as_it_was(client, world):
    source = world.competition
    db.session.expire_all()
    before = described(db.session.get(Competition, source.id))
    old_ids = {model: set(db.session.scalars(select(model.id))) for model in
               (Category, Award, Round, Criterion, CriterionLevel, Panel, PanelMember)}
    counts = {model: count(model) for model in (Entry, Assignment, Score)}
    made = client.post(f"/api/v1/competitions/{source.id}/clone",
                       json={"name": "Lomba Inovasi 2030", "year": 2030, **NEXT_YEAR},
                       headers=write(world, world.organiser))
    assert made.status_code == 201, made.get_json()
    db.session.expire_all()
    clone = db.session.get(Competition, made.get_json()["id"])
    source = db.session.get(Competition, source.id)
    # By hand: what the fixture set up, now in the clone.
    copied = described(clone)
    assert copied["categories"] == [("Pelayanan Publik", ""), ("Tata Kelola", "Inovasi tata kelola")]
    assert copied["rules"] == (["top_marks", "earlier_submission", "heaviest_criterion",
                                "organiser_decision"],
                               [{"label": "Sangat Inovatif", "minimum": 80.0},
                                {"label": "Inovatif", "minimum": 50.0}], False, "parent", 15.0)
    assert [award[1] for award in copied["awards"]] == ["OPD Terinovatif", "Inovasi Pelayanan Terbaik"]
    assert copied["awards"][1][-1] == "Pelayanan Publik" and copied["awards"][1][4] == "sum"
    first, second = copied["rounds"]
    assert first[:11] == (1, "Seleksi Administrasi", True, "median", False, "top_n", 10, None, 1.0, 2, 7)
    assert first[11][0][:9] == (1, "Kebaruan", "Seberapa baru", 60.0, "levels", 1.0, 3.0, 1.0, False)
    assert first[11][0][9] == [(1.0, "Ada"), (3.0, "Baru")]
    assert first[12] == [("Tim A", "Pelayanan Publik", sorted([world.judge.id, world.judge_two.id]))]
    assert second[12] == [("Tim Presentasi", None, [world.judge_two.id])] and second[11][0][7] is None
    assert copied == before == described(source)
    # New rows, the new competition's own; the source keeps its own and loses nothing.
    assert (clone.name, clone.year, clone.phase, clone.region_id) == ("Lomba Inovasi 2030", 2030, "setup",
                                                                       source.region_id)
    assert all(r.status == "setup" for r in clone.rounds)
    for model, ids in old_ids.items():
        assert ids <= set(db.session.scalars(select(model.id))), model
    assert not {c.id for c in clone.categories} & old_ids[Category]
    assert not {r.id for r in clone.rounds} & old_ids[Round]
    assert {c.round.competition_id for r in clone.rounds for c in r.criteria} == {clone.id}
    assert {p.category.competition_id for r in clone.rounds for p in r.panels if p.category} == {clone.id}
    assert {a.category.competition_id for a in clone.awards if a.category} == {clone.id}
    assert {model: count(model) for model in counts} == counts     # no innovation, sheet or score
    assert not clone.entries and not any(r.all_assignments for r in clone.rounds)
    assert roles_in(world.organiser, clone) == {"organiser"}
    assert roles_in(world.judge, clone) == roles_in(world.judge_two, clone) == {"judge"}
    assert "competition.cloned" in audit_kinds(clone.id)
    cloned = db.session.scalar(select(AuditEvent).where(AuditEvent.kind == "competition.cloned"))
    assert cloned.details["from"] == source.id and cloned.actor_id == world.organiser.id


def test_only_an_organiser_of_the_source_may_clone_it(client, world):
    url = f"/api/v1/competitions/{world.competition.id}/clone"
    body = {"name": "Salinan", "year": 2030, **NEXT_YEAR}
    before = count(Competition)
    problem_of(client.post(url, json=body, headers=write(world, world.verifier)), 403)
    problem_of(client.post(url, json=body, headers=write(world, world.stranger)), 404)
    problem_of(client.post(url, json=body), 401)
    organiser = write(world, world.organiser)
    blank = problem_of(client.post(url, json={**body, "name": "", "year": 3000}, headers=organiser), 422)
    assert set(blank["errors"]) == {"name", "year"}
    early = problem_of(client.post(url, json={**body, "judging_closes_at": "2030-01-01T00:00:00+07:00"},
                                   headers=organiser), 422)
    assert set(early["errors"]) == {"judging_closes_at"}
    same = problem_of(client.post(url, json={**body, "name": world.competition.name,
                                             "year": world.competition.year}, headers=organiser), 422)
    assert set(same["errors"]) == {"name"}      # named as the API names it, worded in Indonesian
    assert same["errors"]["name"][0].startswith(world.competition.region.name)
    assert count(Competition) == before


# -- name, timeline and schedule --------------------------------------------------------------------

def test_the_schedule_changes_with_the_current_version_only(client, world):
    token = write(world, world.organiser)
    url = f"/api/v1/competitions/{world.setup.id}"
    read = client.get(url, headers=token)
    etag = read.headers["ETag"]
    assert etag == f'"{world.setup.version}"' == f'"{read.get_json()["version"]}"'
    change = {"name": "Lomba Persiapan 2030", **NEXT_YEAR, "close_submissions_on_schedule": True,
              "reminder_days": 3}
    problem_of(client.patch(url, json=change, headers=token), 428)
    problem_of(client.patch(url, json=change, headers=matched(token, '"77"')), 412)
    db.session.expire_all()
    kept = db.session.get(Competition, world.setup.id)
    assert (kept.name, kept.close_submissions_on_schedule, kept.version) == ("Lomba Persiapan", False, 1)
    changed = client.patch(url, json=change, headers=matched(token, etag))
    assert changed.status_code == 200, changed.get_json()
    db.session.expire_all()
    kept = db.session.get(Competition, world.setup.id)
    assert (kept.name, kept.close_submissions_on_schedule, kept.reminder_days) == ("Lomba Persiapan 2030",
                                                                                    True, 3)
    assert kept.judging_closes_at == datetime(2030, 5, 1, 16, 59, tzinfo=UTC)
    assert changed.headers["ETag"] == f'"{kept.version}"' != etag
    assert changed.get_json()["reminder_days"] == 3
    assert audit_kinds(kept.id)[-3:] == ["competition.renamed", "schedule.changed", "schedule.changed"]
    problem_of(client.patch(url, json={"name": "Lagi"}, headers=matched(token, etag)), 412)


def test_each_scheduled_phase_change_is_set_through_the_api(client, world):
    token = write(world, world.organiser)
    url = f"/api/v1/competitions/{world.setup.id}"
    etag = client.get(url, headers=token).headers["ETag"]
    changed = client.patch(url, json={"scheduled_phase_changes": ["close_judging", "open_submissions"]},
                           headers=matched(token, etag))
    assert changed.status_code == 200, changed.get_json()
    body = changed.get_json()
    assert (body["scheduled_phase_changes"], body["close_submissions_on_schedule"]) == (
        ["open_submissions", "close_judging"], False)
    assert changed.headers["ETag"] != etag   # what the schedule does is part of what was read
    # The old boolean still switches closing submissions alone.
    again = client.patch(url, json={"close_submissions_on_schedule": True},
                         headers=matched(token, changed.headers["ETag"]))
    assert again.get_json()["scheduled_phase_changes"] == ["open_submissions", "close_submissions",
                                                           "close_judging"]
    # An unknown change, or the two fields saying different things, are named; nothing changes.
    latest = matched(token, again.headers["ETag"])
    wrong = problem_of(client.patch(url, json={"scheduled_phase_changes": ["close_competition"]},
                                    headers=latest), 422)
    assert set(wrong["errors"]) == {"scheduled_phase_changes"}
    both = problem_of(client.patch(url, json={"scheduled_phase_changes": [],
                                              "close_submissions_on_schedule": True}, headers=latest), 422)
    assert set(both["errors"]) == {"close_submissions_on_schedule"}
    db.session.expire_all()
    assert db.session.get(Competition, world.setup.id).scheduled_triggers == [
        "open_submissions", "close_submissions", "close_judging"]


def test_a_bad_schedule_names_its_fields_and_changes_nothing(client, world):
    token = write(world, world.organiser)
    url = f"/api/v1/competitions/{world.setup.id}"
    etag = f'"{world.setup.version}"'
    wrong = problem_of(client.patch(url, json={"reminder_days": 0, "phase": "closed"},
                                    headers=matched(token, etag)), 422)
    assert set(wrong["errors"]) == {"reminder_days", "phase"}
    backwards = problem_of(client.patch(url, json={"name": "Nama Baru",
                                                   "verification_closes_at": "2020-01-01T00:00:00+07:00"},
                                        headers=matched(token, etag)), 422)
    assert "verification_closes_at" in backwards["errors"]
    # Submissions are open: their opening is history.
    opened = problem_of(client.patch(f"/api/v1/competitions/{world.competition.id}",
                                     json={"submission_opens_at": "2030-01-01T00:00:00+07:00"},
                                     headers=matched(token, f'"{world.competition.version}"')), 422)
    assert opened["errors"]
    db.session.expire_all()
    assert db.session.get(Competition, world.setup.id).name == "Lomba Persiapan"   # all or nothing
    assert "competition.renamed" not in audit_kinds(world.setup.id)


@pytest.mark.parametrize("who, status", [("verifier", 403), ("operator", 403), ("stranger", 404)])
def test_only_the_organiser_changes_the_schedule(client, world, who, status):
    url = f"/api/v1/competitions/{world.competition.id}"
    problem_of(client.patch(url, json={"name": "Diambil alih"},
                            headers=matched(write(world, getattr(world, who)),
                                            f'"{world.competition.version}"')), status)
    db.session.expire_all()
    assert db.session.get(Competition, world.competition.id).name == "Lomba Inovasi 2026"


# -- phase and units --------------------------------------------------------------------------------

def test_the_phase_moves_through_the_workflow_with_if_match(client, world):
    token = write(world, world.organiser)
    url = f"/api/v1/competitions/{world.setup.id}/phase"
    body = {"trigger": "open_submissions", "comment": "Dibuka resmi"}
    problem_of(client.post(url, json=body, headers=token), 428)
    problem_of(client.post(url, json=body, headers=matched(token, '"5"')), 412)
    assert count(CompetitionEvent) == 0
    moved = client.post(url, json=body, headers=matched(token, '"1"'))
    assert moved.status_code == 200, moved.get_json()
    assert moved.get_json()["phase"] == "open" and moved.headers["ETag"] == '"2"'
    event = db.session.scalar(select(CompetitionEvent))
    assert (event.trigger, event.from_phase, event.to_phase, event.actor_id, event.comment) == (
        "open_submissions", "setup", "open", world.organiser.id, "Dibuka resmi")
    refused = problem_of(client.post(url, json={"trigger": "close_judging"},
                                     headers=matched(token, '"2"')), 409)
    assert refused["errors"]["trigger"]
    unknown = problem_of(client.post(url, json={"trigger": "menang"}, headers=matched(token, '"2"')), 409)
    assert unknown["errors"]["trigger"]
    assert count(CompetitionEvent) == 1
    db.session.expire_all()
    assert db.session.get(Competition, world.setup.id).phase == "open"


@pytest.mark.parametrize("who, status", [("verifier", 403), ("judge", 403), ("stranger", 404)])
def test_only_the_organiser_moves_the_phase(client, world, who, status):
    competition = world.competition
    problem_of(client.post(f"/api/v1/competitions/{competition.id}/phase",
                           json={"trigger": "close_submissions"},
                           headers=matched(write(world, getattr(world, who)), f'"{competition.version}"')),
               status)
    assert count(CompetitionEvent) == 0 and db.session.get(Competition, competition.id).phase == "open"


def test_the_units_rule_is_put_with_if_match(client, world):
    token = write(world, world.organiser)
    url = f"/api/v1/competitions/{world.setup.id}/units"
    problem_of(client.put(url, json={"rule": "parent"}, headers=token), 428)
    problem_of(client.put(url, json={"rule": "keduanya"}, headers=matched(token, '"1"')), 422)
    problem_of(client.put(url, json={"rule": "parent"}, headers=matched(write(world, world.stranger), '"1"')),
               404)
    assert db.session.get(Competition, world.setup.id).units_compete == "own"
    put = client.put(url, json={"rule": "parent"}, headers=matched(token, '"1"'))
    assert put.status_code == 200 and put.get_json()["units_compete"] == "parent"
    assert audit_kinds(world.setup.id)[-1] == "units_rule.changed"
    problem_of(client.put(url, json={"rule": "own"}, headers=matched(token, '"1"')), 412)
    # Fixed once the results are worked out with it.
    force_status(world.setup, "results")
    now = f'"{db.session.get(Competition, world.setup.id).version}"'
    fixed = problem_of(client.put(url, json={"rule": "own"}, headers=matched(token, now)), 422)
    assert fixed["detail"]
    problem_of(client.put(url, json={"rule": "own"}, headers=matched(write(world, world.operator), now)), 404)
    problem_of(client.put(f"/api/v1/competitions/{world.competition.id}/units", json={"rule": "own"},
                          headers=matched(write(world, world.operator), f'"{world.competition.version}"')),
               403)
    db.session.expire_all()
    assert db.session.get(Competition, world.setup.id).units_compete == "parent"


# -- categories -------------------------------------------------------------------------------------

def test_categories_are_listed_in_id_order_to_everyone_taking_part(client, world):
    url = f"/api/v1/competitions/{world.competition.id}/categories"
    for name in ("Ekonomi", "Adminduk", "Budaya"):
        db.session.add(Category(competition=world.competition, name=name))
    db.session.commit()
    listed = client.get(url, query_string={"per_page": 3}, headers=bearer(world.token(world.operator)))
    page = listed.get_json()
    ids = [item["id"] for item in page["items"]]
    assert page["total"] == 5 and ids == sorted(ids) and len(ids) == 3
    rest = client.get(url, query_string={"per_page": 3, "page": 2},
                      headers=bearer(world.token(world.operator))).get_json()
    assert ids[-1] < rest["items"][0]["id"] and len(rest["items"]) == 2
    problem_of(client.get(url, headers=bearer(world.token(world.stranger))), 404)
    one = world.competition.categories[0]
    problem_of(client.get(f"/api/v1/categories/{one.id}", headers=bearer(world.token(world.stranger))), 404)
    shown = client.get(f"/api/v1/categories/{one.id}", headers=bearer(world.token(world.operator)))
    assert shown.status_code == 200 and shown.headers["ETag"] and shown.get_json()["name"] == one.name


def test_the_organiser_adds_renames_and_removes_categories(client, world):
    token = write(world, world.organiser)
    added = client.post(f"/api/v1/competitions/{world.setup.id}/categories", json={"name": "Kesehatan"},
                        headers=token)
    assert added.status_code == 201, added.get_json()
    category_id, etag = added.get_json()["id"], added.headers["ETag"]
    url = f"/api/v1/categories/{category_id}"
    problem_of(client.patch(url, json={"name": "Layanan Kesehatan"}, headers=token), 428)
    problem_of(client.patch(url, json={"name": "Layanan Kesehatan"}, headers=matched(token, '"usang"')), 412)
    assert db.session.get(Category, category_id).name == "Kesehatan"
    renamed = client.patch(url, json={"name": "Layanan Kesehatan"}, headers=matched(token, etag))
    assert renamed.status_code == 200 and renamed.get_json()["name"] == "Layanan Kesehatan"
    assert renamed.headers["ETag"] != etag
    problem_of(client.patch(url, json={"name": "Lagi"}, headers=matched(token, etag)), 412)
    removed = client.delete(url, headers=token)
    assert removed.status_code == 204 and not removed.get_data()
    assert db.session.get(Category, category_id) is None
    assert audit_kinds(world.setup.id)[-3:] == ["category.added", "category.renamed", "category.removed"]


def test_category_refusals_name_the_field_and_store_nothing(client, world):
    token = write(world, world.organiser)
    before = count(Category)
    twice = problem_of(client.post(f"/api/v1/competitions/{world.setup.id}/categories",
                                   json={"name": "digital"}, headers=token), 422)
    assert twice["errors"]
    blank = problem_of(client.post(f"/api/v1/competitions/{world.setup.id}/categories",
                                   json={"name": "", "extra": 1}, headers=token), 422)
    assert set(blank["errors"]) == {"name", "extra"}
    used = world.competition.categories[0]               # an innovation and an award use it
    problem_of(client.delete(f"/api/v1/categories/{used.id}", headers=token), 422)
    problem_of(client.post(f"/api/v1/competitions/{world.competition.id}/categories", json={"name": "Baru"},
                           headers=write(world, world.verifier)), 403)
    problem_of(client.post(f"/api/v1/competitions/{world.setup.id}/categories", json={"name": "Baru"},
                           headers=write(world, world.stranger)), 404)
    problem_of(client.delete(f"/api/v1/categories/{used.id}", headers=write(world, world.operator)), 403)
    problem_of(client.delete(f"/api/v1/categories/{used.id}", headers=write(world, world.stranger)), 404)
    problem_of(client.delete(f"/api/v1/categories/{used.id}", headers=bearer(world.token(world.organiser))),
               403)
    assert count(Category) == before


# -- the command line -------------------------------------------------------------------------------

def test_clone_from_the_command_line(runner, world):
    args = ["competition", "clone", str(world.competition.id), "--name", "Lomba 2030", "--year", "2030",
            "--opens", "2030-02-01", "--closes", "2030-03-01", "--verification-closes", "2030-04-01",
            "--judging-closes", "2030-05-01"]
    refused = runner.invoke(args=[*args, "--as", world.verifier.email])
    assert refused.exit_code == 1 and "organiser" in refused.output
    made = runner.invoke(args=[*args, "--as", world.organiser.email, "--json"])
    assert made.exit_code == 0, made.output
    answer = json.loads(made.output)
    clone = db.session.get(Competition, answer["id"])
    assert answer["source_id"] == world.competition.id and clone.name == "Lomba 2030"
    assert [r.name for r in clone.rounds] == ["Seleksi Administrasi", "Presentasi"]
    assert clone.submission_closes_at == datetime(2030, 3, 1, 16, 59, tzinfo=UTC)
    text = runner.invoke(args=[*args[:3], "--name", "Lomba 2031", *args[5:], "--as", world.organiser.email])
    assert text.exit_code == 0 and "2 rounds" in text.output


def test_commands_print_json_with_ids(runner, world):
    created = runner.invoke(args=["competition", "create", "--region", world.competition.region.name,
                                  "--name", "Lomba JSON", "--year", "2031", "--opens", "2031-01-01",
                                  "--closes", "2031-02-01", "--verification-closes", "2031-03-01",
                                  "--judging-closes", "2031-04-01", "--organiser", world.organiser.email,
                                  "--json"])
    assert created.exit_code == 0, created.output
    made = json.loads(created.output)
    assert db.session.get(Competition, made["id"]).name == "Lomba JSON" and made["phase"] == "setup"
    moved = json.loads(runner.invoke(args=["competition", "phase", str(made["id"]), "open_submissions",
                                           "--as", world.organiser.email, "--json"]).output)
    assert (moved["id"], moved["from_phase"], moved["to_phase"]) == (made["id"], "setup", "open")
    assert db.session.get(CompetitionEvent, moved["event_id"]).trigger == "open_submissions"
    status = json.loads(runner.invoke(args=["status", "--json"]).output)
    mine = next(item for item in status if item["id"] == world.competition.id)
    assert mine["innovations"] == {"draft": 2, "submitted": 1, "verified": 1}
    listed = json.loads(runner.invoke(args=["workflow", "list", "--json"]).output)
    assert "competition" in {item["name"] for item in listed}
    # People read what they always read.
    assert "phase=open" in runner.invoke(args=["status"]).output
    assert "Competition phases" in runner.invoke(args=["workflow", "list"]).output


def test_a_stale_schedule_is_not_moved_into_the_past(client, world):
    """After set-up a deadline still to come cannot be moved before now (as the page refuses)."""
    token = write(world, world.organiser)
    past = (utcnow() - timedelta(days=1)).isoformat()
    refused = problem_of(client.patch(f"/api/v1/competitions/{world.competition.id}",
                                      json={"judging_closes_at": past},
                                      headers=matched(token, f'"{world.competition.version}"')), 422)
    assert refused["errors"]
    db.session.expire_all()
    assert db.session.get(Competition, world.competition.id).judging_closes_at > utcnow()

"""API v1 for rounds and their rubrics, awards and the result rules: the organiser alone sets
them up, as on the set-up pages; the others get 401, 403 or 404 and change nothing; updates need
the current ETag; bad fields are named and nothing is stored."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from competition.extensions import db
from competition.judging.operations import add_criterion, add_round
from competition.models import AuditEvent, Award, Competition, Criterion, Round
from competition.results.awards import add_award
from competition.results.models import DEFAULT_AWARD_NAME
from tests.api.test_api import Api, bearer, problem_of
from tests.factories import force_status, make_competition, make_user


class Setup(Api):
    def __init__(self):
        super().__init__()
        self.round = add_round(self.competition, self.organiser, name="Presentasi")
        self.kebaharuan = add_criterion(self.round, self.organiser, name="Kebaharuan", weight=60)
        self.manfaat = add_criterion(self.round, self.organiser, name="Kemanfaatan", weight=40,
                                     guidance="Dengan data.")
        self.second_award = add_award(self.competition, self.organiser, name="Inovasi Terbaik",
                                      subject="innovation", positions=3)
        self.stranger = make_user(make_competition(name="Lomba Lain"), "organiser")
        db.session.commit()

    def writer(self, user=None) -> dict[str, str]:
        return bearer(self.token(user or self.organiser, "read", "write"))


@pytest.fixture
def setup(app):
    return Setup()


def audits(kind: str) -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.kind == kind))


def criteria_of(round_id: int) -> list[tuple[int, str, float]]:
    db.session.expire_all()
    return [(c.position, c.name, c.weight) for c in db.session.scalars(
        select(Criterion).where(Criterion.round_id == round_id).order_by(Criterion.position))]


def awards_of(competition_id: int) -> list[tuple[int, str]]:
    db.session.expire_all()
    return [(a.position, a.name) for a in db.session.scalars(
        select(Award).where(Award.competition_id == competition_id).order_by(Award.position))]


# -- who may ---------------------------------------------------------------------------------------

READS = ["/competitions/{c}/rounds", "/rounds/{r}", "/criteria/{k}", "/competitions/{c}/awards",
         "/awards/{a}", "/competitions/{c}/rules"]


@pytest.mark.parametrize("url", READS)
@pytest.mark.parametrize("who, status", [("organiser", 200), ("operator", 403), ("verifier", 403),
                                         ("stranger", 404), (None, 401)])
def test_the_set_up_is_read_by_its_organiser_alone(client, setup, url, who, status):
    headers = bearer(setup.token(getattr(setup, who))) if who else {}
    path = "/api/v1" + url.format(c=setup.competition.id, r=setup.round.id, k=setup.kebaharuan.id,
                                  a=setup.second_award.id)
    answer = client.get(path, headers=headers)
    if status == 200:
        assert answer.status_code == 200, answer.get_json()
    else:
        problem_of(answer, status)


WRITES = [
    ("post", "/competitions/{c}/rounds", {"name": "Final"}),
    ("patch", "/rounds/{r}", {"name": "Final"}),
    ("post", "/rounds/{r}/criteria", {"name": "Replikasi", "weight": 10}),
    ("patch", "/criteria/{k}", {"weight": 50}),
    ("post", "/rounds/{r}/criteria/order", {"criterion_ids": ["{m}", "{k}"]}),
    ("delete", "/criteria/{k}", None),
    ("post", "/competitions/{c}/awards", {"name": "Baru"}),
    ("patch", "/awards/{a}", {"positions": 1}),
    ("post", "/competitions/{c}/awards/order", {"award_ids": ["{a}", "{d}"]}),
    ("delete", "/awards/{a}", None),
    ("patch", "/competitions/{c}/rules", {"one_award_per_organisation": False}),
]


def _filled(setup, url: str, body):
    values = {"c": setup.competition.id, "r": setup.round.id, "k": setup.kebaharuan.id,
              "m": setup.manfaat.id, "a": setup.second_award.id, "d": setup.competition.awards[0].id}
    if isinstance(body, dict):
        body = {key: [int(v.format(**values)) for v in value] if isinstance(value, list) else value
                for key, value in body.items()}
    return "/api/v1" + url.format(**values), body


@pytest.mark.parametrize("method, url, body", WRITES)
@pytest.mark.parametrize("who, status", [("operator", 403), ("stranger", 404), ("read-only", 403),
                                         (None, 401)])
def test_nobody_but_the_organiser_changes_the_set_up(client, setup, method, url, body, who, status):
    path, body = _filled(setup, url, body)
    headers = {"If-Match": '"whatever"'}
    if who == "read-only":
        headers |= bearer(setup.token(setup.organiser, "read"))
    elif who:
        headers |= setup.writer(getattr(setup, who))
    before = (criteria_of(setup.round.id), awards_of(setup.competition.id),
              db.session.scalar(select(func.count()).select_from(AuditEvent)))
    problem_of(client.open(path, method=method.upper(), json=body, headers=headers), status)
    after = (criteria_of(setup.round.id), awards_of(setup.competition.id),
             db.session.scalar(select(func.count()).select_from(AuditEvent)))
    assert after == before


# -- rounds and criteria ----------------------------------------------------------------------------

def test_the_organiser_adds_a_round_with_a_rubric_from_a_template(client, setup):
    answer = client.post(f"/api/v1/competitions/{setup.competition.id}/rounds",
                         json={"name": "Final", "template": "iga_2023", "aggregation": "median",
                               "advancement": "top_n", "advancement_count": 5},
                         headers=setup.writer())
    assert answer.status_code == 201, answer.get_json()
    body = answer.get_json()
    assert (body["position"], body["aggregation"], body["advancement_count"]) == (2, "median", 5)
    assert [c["name"] for c in body["criteria"]][:2] == ["Kebaharuan", "Kemanfaatan"]
    assert sum(c["weight"] for c in body["criteria"]) == 100
    listed = client.get(f"/api/v1/competitions/{setup.competition.id}/rounds", headers=setup.writer())
    assert [r["name"] for r in listed.get_json()["items"]] == ["Presentasi", "Final"]
    templates = client.get("/api/v1/rubric-templates", headers=setup.writer()).get_json()
    assert templates[0]["name"] == "iga_2023" and len(templates[0]["criteria"]) == 5


def test_a_round_changes_with_its_current_etag_only(client, setup):
    url = f"/api/v1/rounds/{setup.round.id}"
    etag = client.get(url, headers=setup.writer()).headers["ETag"]
    problem_of(client.patch(url, json={"name": "Presentasi Akhir"}, headers=setup.writer()), 428)
    problem_of(client.patch(url, json={"name": "Presentasi Akhir"},
                            headers={**setup.writer(), "If-Match": '"lama"'}), 412)
    assert db.session.get(Round, setup.round.id).name == "Presentasi"
    changed = client.patch(url, json={"name": "Presentasi Akhir", "blind": True},
                           headers={**setup.writer(), "If-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    db.session.expire_all()
    round_ = db.session.get(Round, setup.round.id)
    assert (round_.name, round_.blind, round_.aggregation) == ("Presentasi Akhir", True, "mean")
    problem_of(client.patch(url, json={"name": "Lagi"}, headers={**setup.writer(), "If-Match": etag}), 412)


def test_bad_round_fields_are_named_and_nothing_is_stored(client, setup):
    url = f"/api/v1/competitions/{setup.competition.id}/rounds"
    bad = problem_of(client.post(url, json={"name": "", "aggregation": "max", "colour": "red"},
                                 headers=setup.writer()), 422)
    assert {"name", "aggregation", "colour"} <= set(bad["errors"])
    taken = problem_of(client.post(url, json={"name": "Presentasi"}, headers=setup.writer()), 422)
    assert "name" in taken["errors"]
    assert db.session.scalar(select(func.count()).select_from(Round)) == 1


def test_criteria_are_added_changed_ordered_and_removed(client, setup):
    token = setup.writer()
    added = client.post(f"/api/v1/rounds/{setup.round.id}/criteria", headers=token, json={
        "name": "Tingkat regulasi", "weight": 10, "scale": "levels",
        "levels": [{"value": 1, "label": "Perkada"}, {"value": 3, "label": "Perda"}]})
    assert added.status_code == 201, added.get_json()
    new = added.get_json()
    assert (new["position"], new["min_value"], new["max_value"]) == (3, 1, 3)
    levelled = f"/api/v1/criteria/{new['id']}"
    relevelled = client.patch(levelled, headers={**token, "If-Match": added.headers["ETag"]}, json={
        "levels": [{"value": 3, "label": "Perda"}, {"value": 2, "label": "Perwali"},
                   {"value": 1, "label": "SK"}]})
    assert relevelled.status_code == 200, relevelled.get_json()
    assert [(lv["value"], lv["label"]) for lv in relevelled.get_json()["levels"]] == [
        (1, "SK"), (2, "Perwali"), (3, "Perda")]
    url = f"/api/v1/criteria/{setup.kebaharuan.id}"
    read = client.get(url, headers=token)
    assert read.get_json()["name"] == "Kebaharuan"
    tag = read.headers["ETag"]
    changed = client.patch(url, json={"name": "Kebaruan", "weight": 50, "guidance": "Baru?"},
                           headers={**token, "If-Match": tag})
    assert changed.status_code == 200, changed.get_json()
    assert audits("criterion.changed") == 2
    order = [new["id"], setup.manfaat.id, setup.kebaharuan.id]
    ordered = client.post(f"/api/v1/rounds/{setup.round.id}/criteria/order", headers=token,
                          json={"criterion_ids": order})
    assert [c["id"] for c in ordered.get_json()["criteria"]] == order
    assert audits("criteria.reordered") == 1
    assert criteria_of(setup.round.id) == [(1, "Tingkat regulasi", 10), (2, "Kemanfaatan", 40),
                                           (3, "Kebaruan", 50)]
    assert client.delete(f"/api/v1/criteria/{setup.manfaat.id}", headers=token).status_code == 204
    assert criteria_of(setup.round.id) == [(1, "Tingkat regulasi", 10), (2, "Kebaruan", 50)]


def test_a_stale_criterion_etag_changes_nothing(client, setup):
    token = setup.writer()
    url = f"/api/v1/criteria/{setup.kebaharuan.id}"
    tag = client.get(url, headers=token).headers["ETag"]
    assert client.patch(url, json={"weight": 55}, headers={**token, "If-Match": tag}).status_code == 200
    problem_of(client.patch(url, json={"weight": 70}, headers={**token, "If-Match": tag}), 412)
    problem_of(client.patch(url, json={"weight": 70}, headers=token), 428)
    assert criteria_of(setup.round.id)[0] == (1, "Kebaharuan", 55)


def test_bad_criterion_changes_are_named_and_nothing_is_stored(client, setup):
    token = setup.writer()
    url = f"/api/v1/criteria/{setup.kebaharuan.id}"
    tag = client.get(url, headers=token).headers["ETag"]
    headers = {**token, "If-Match": tag}
    taken = problem_of(client.patch(url, json={"name": "Kemanfaatan"}, headers=headers), 422)
    assert "name" in taken["errors"]
    flat = problem_of(client.patch(url, json={"min_value": 50, "max_value": 10}, headers=headers), 422)
    assert "range" in flat["errors"]
    shape = problem_of(client.patch(url, json={"weight": -1, "scale": "stars"}, headers=headers), 422)
    assert {"weight", "scale"} <= set(shape["errors"])
    stray = problem_of(client.patch(url, json={"levels": [{"value": 1, "label": "Ada"}]}, headers=headers),
                       422)
    assert "levels" in stray["errors"]
    assert criteria_of(setup.round.id) == [(1, "Kebaharuan", 60), (2, "Kemanfaatan", 40)]
    assert audits("criterion.changed") == 0


def test_the_order_must_name_exactly_the_rounds_criteria(client, setup):
    url = f"/api/v1/rounds/{setup.round.id}/criteria/order"
    for ids in ([setup.manfaat.id], [setup.manfaat.id, setup.manfaat.id],
                [setup.manfaat.id, setup.kebaharuan.id, 999_999]):
        answer = client.post(url, json={"criterion_ids": ids}, headers=setup.writer())
        assert "criterion_ids" in problem_of(answer, 422)["errors"]
    assert criteria_of(setup.round.id) == [(1, "Kebaharuan", 60), (2, "Kemanfaatan", 40)]
    assert audits("criteria.reordered") == 0


def test_an_open_rounds_rubric_no_longer_changes(client, setup):
    force_status(setup.round, "open")
    token = setup.writer()
    url = f"/api/v1/criteria/{setup.kebaharuan.id}"
    tag = client.get(url, headers=token).headers["ETag"]
    problem_of(client.patch(url, json={"weight": 10}, headers={**token, "If-Match": tag}), 422)
    problem_of(client.post(f"/api/v1/rounds/{setup.round.id}/criteria/order", headers=token,
                           json={"criterion_ids": [setup.manfaat.id, setup.kebaharuan.id]}), 422)
    problem_of(client.delete(url, headers=token), 422)
    problem_of(client.post(f"/api/v1/rounds/{setup.round.id}/criteria", headers=token,
                           json={"name": "Baru", "weight": 5}), 422)
    assert criteria_of(setup.round.id) == [(1, "Kebaharuan", 60), (2, "Kemanfaatan", 40)]


def test_a_template_fills_an_empty_rubric_only(client, setup):
    token = setup.writer()
    refused = client.post(f"/api/v1/rounds/{setup.round.id}/template", json={"template": "iga_2023"},
                          headers=token)
    problem_of(refused, 422)
    empty = add_round(setup.competition, setup.organiser, name="Final")
    db.session.commit()
    filled = client.post(f"/api/v1/rounds/{empty.id}/template", json={"template": "iga_2023"}, headers=token)
    assert filled.status_code == 200 and len(filled.get_json()["criteria"]) == 5
    assert "template" in problem_of(client.post(f"/api/v1/rounds/{empty.id}/template",
                                                json={"template": "lain"}, headers=token), 422)["errors"]


# -- awards ---------------------------------------------------------------------------------------------

def test_awards_are_listed_in_order_and_the_default_one_says_so(client, setup):
    listed = client.get(f"/api/v1/competitions/{setup.competition.id}/awards", headers=setup.writer())
    assert [(a["position"], a["name"], a["default"]) for a in listed.get_json()["items"]] == [
        (1, DEFAULT_AWARD_NAME, True), (2, "Inovasi Terbaik", False)]


def test_the_organiser_adds_changes_orders_and_removes_awards(client, setup):
    token = setup.writer()
    category = setup.competition.categories[0]
    added = client.post(f"/api/v1/competitions/{setup.competition.id}/awards", headers=token, json={
        "name": "Pelayanan Terbaik", "subject": "innovation", "category_id": category.id, "positions": 2})
    assert added.status_code == 201, added.get_json()
    new = added.get_json()
    assert (new["position"], new["category_id"]) == (3, category.id)
    url = f"/api/v1/awards/{new['id']}"
    etag = client.get(url, headers=token).headers["ETag"]
    changed = client.patch(url, json={"positions": 1, "category_id": None},
                           headers={**token, "If-Match": etag})
    assert changed.status_code == 200 and changed.get_json()["category_id"] is None
    problem_of(client.patch(url, json={"positions": 4}, headers={**token, "If-Match": etag}), 412)
    assert audits("award.changed") == 1
    default = setup.competition.awards[0].id
    order = [new["id"], default, setup.second_award.id]
    ordered = client.post(f"/api/v1/competitions/{setup.competition.id}/awards/order",
                          json={"award_ids": order}, headers=token)
    assert [a["id"] for a in ordered.get_json()] == order
    assert awards_of(setup.competition.id) == [(1, "Pelayanan Terbaik"), (2, DEFAULT_AWARD_NAME),
                                               (3, "Inovasi Terbaik")]
    assert client.delete(f"/api/v1/awards/{default}", headers=token).status_code == 204
    assert awards_of(setup.competition.id) == [(1, "Pelayanan Terbaik"), (2, "Inovasi Terbaik")]


def test_bad_award_fields_are_named_and_nothing_is_stored(client, setup):
    token = setup.writer()
    url = f"/api/v1/competitions/{setup.competition.id}/awards"
    bad = problem_of(client.post(url, json={"name": "X", "subject": "dinas", "positions": 0}, headers=token),
                     422)
    assert {"subject", "positions"} <= set(bad["errors"])
    foreign = make_competition(name="Lain", categories=("Tata Kelola",)).categories[0]
    wrong = problem_of(client.post(url, json={"name": "X", "category_id": foreign.id}, headers=token), 422)
    assert "category_id" in wrong["errors"]
    twice = problem_of(client.post(url, json={"name": "Inovasi Terbaik"}, headers=token), 422)
    assert "name" in twice["errors"]
    order = problem_of(client.post(f"{url}/order", json={"award_ids": [setup.second_award.id]},
                                   headers=token), 422)
    assert "award_ids" in order["errors"]
    assert awards_of(setup.competition.id) == [(1, DEFAULT_AWARD_NAME), (2, "Inovasi Terbaik")]


def test_awards_no_longer_change_once_judging_is_closed(client, setup):
    force_status(setup.competition, "results")
    token = setup.writer()
    url = f"/api/v1/awards/{setup.second_award.id}"
    etag = client.get(url, headers=token).headers["ETag"]
    problem_of(client.patch(url, json={"positions": 1}, headers={**token, "If-Match": etag}), 422)
    default = setup.competition.awards[0].id
    problem_of(client.post(f"/api/v1/competitions/{setup.competition.id}/awards/order", headers=token,
                           json={"award_ids": [setup.second_award.id, default]}), 422)
    problem_of(client.delete(url, headers=token), 422)
    assert awards_of(setup.competition.id) == [(1, DEFAULT_AWARD_NAME), (2, "Inovasi Terbaik")]
    assert db.session.get(Award, setup.second_award.id).positions == 3


# -- rules ---------------------------------------------------------------------------------------------

def test_the_rules_are_read_and_changed_with_the_current_etag(client, setup):
    token = setup.writer()
    url = f"/api/v1/competitions/{setup.competition.id}/rules"
    read = client.get(url, headers=token)
    rules = read.get_json()
    assert rules["one_award_per_organisation"] is True and rules["band_preset"] == "iid_2026"
    assert rules["awards"] == [DEFAULT_AWARD_NAME, "Inovasi Terbaik"]
    change = {"one_award_per_organisation": False, "tie_break_chain": ["top_marks", "heaviest_criterion"],
              "band_preset": "iid_2023", "disagreement_threshold": 15, "units_compete": "parent"}
    problem_of(client.patch(url, json=change, headers=token), 428)
    problem_of(client.patch(url, json=change, headers={**token, "If-Match": '"lama"'}), 412)
    changed = client.patch(url, json=change, headers={**token, "If-Match": read.headers["ETag"]})
    assert changed.status_code == 200, changed.get_json()
    db.session.expire_all()
    competition = db.session.get(Competition, setup.competition.id)
    assert (competition.one_award_per_organisation, competition.tie_break_chain, competition.units_compete,
            competition.disagreement_threshold) == (False, ["top_marks", "heaviest_criterion"], "parent", 15)
    assert changed.get_json()["band_preset"] == "iid_2023"
    bands = client.patch(url, json={"bands": [{"label": "Bagus", "minimum": 50}, {"label": "Cukup",
                                                                                   "minimum": 0.01}]},
                         headers={**token, "If-Match": changed.headers["ETag"]})
    assert bands.get_json()["bands"] == [{"label": "Bagus", "minimum": 50},
                                         {"label": "Cukup", "minimum": 0.01}]
    assert bands.get_json()["band_preset"] is None
    presets = client.get("/api/v1/band-presets", headers=token).get_json()
    assert [p["name"] for p in presets] == ["iid_2026", "iid_2023"]


def test_bad_rules_are_named_and_nothing_is_stored(client, setup):
    token = setup.writer()
    url = f"/api/v1/competitions/{setup.competition.id}/rules"
    headers = {**token, "If-Match": client.get(url, headers=token).headers["ETag"]}
    bad = problem_of(client.patch(url, headers=headers, json={
        "tie_break_chain": ["coin_toss", "top_marks"], "bands": [{"label": "Nol", "minimum": 0}],
        "units_compete": "semua", "disagreement_threshold": -1}), 422)
    assert {"tie_break_chain", "bands", "units_compete", "disagreement_threshold"} <= set(bad["errors"])
    twice = problem_of(client.patch(url, headers=headers,
                                    json={"tie_break_chain": ["top_marks", "top_marks"]}), 422)
    assert "tie_break_chain" in twice["errors"]
    both = problem_of(client.patch(url, headers=headers, json={
        "band_preset": "iid_2023", "bands": [{"label": "A", "minimum": 50}]}), 422)
    assert "band_preset" in both["errors"]
    same = problem_of(client.patch(url, headers=headers, json={   # the units' change goes with the rest
        "units_compete": "parent", "bands": [{"label": "A", "minimum": 50}, {"label": "A", "minimum": 20}]}),
        422)
    assert "bands" in same["errors"]
    assert audits("rules.changed") == audits("units_rule.changed") == 0
    db.session.expire_all()
    assert db.session.get(Competition, setup.competition.id).units_compete == "own"


def test_a_closed_competitions_rules_no_longer_change(client, setup):
    force_status(setup.competition, "closed")
    token = setup.writer()
    url = f"/api/v1/competitions/{setup.competition.id}/rules"
    headers = {**token, "If-Match": client.get(url, headers=token).headers["ETag"]}
    problem_of(client.patch(url, headers=headers, json={"one_award_per_organisation": False}), 422)
    problem_of(client.post(f"/api/v1/competitions/{setup.competition.id}/awards", headers=token,
                           json={"name": "Telat"}), 422)
    db.session.expire_all()
    assert db.session.get(Competition, setup.competition.id).one_award_per_organisation is True
    assert audits("rules.changed") == 0 and audits("award.added") == 1


def test_problems_name_the_json_field_whatever_the_language_says(client, setup):
    """The services' Indonesian texts name a field in Indonesian ("bobot: ..."); the API's errors
    name the JSON field."""
    answer = client.post(f"/api/v1/rounds/{setup.round.id}/criteria", headers=setup.writer(),
                         json={"name": "Nol", "weight": 0})
    errors = problem_of(answer, 422)["errors"]
    assert list(errors) == ["weight"] and errors["weight"][0].startswith("harus lebih dari nol")


# -- the document ----------------------------------------------------------------------------------

JSON_TYPES = {"object": dict, "array": list, "string": str, "integer": int, "number": (int, float),
              "boolean": bool, "null": type(None)}


def departures(spec: dict, schema: dict, value, where: str = "$") -> list[str]:
    """Where ``value`` departs from the OpenAPI ``schema`` (types, required properties, items)."""
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    found = []
    types = schema.get("type")
    if types is not None:
        types = [types] if isinstance(types, str) else types
        fits = any(isinstance(value, JSON_TYPES[kind]) and not (kind in ("integer", "number")
                                                                 and isinstance(value, bool))
                   for kind in types)
        if not fits:
            return [f"{where}: {value!r} is not {types}"]
    if "enum" in schema and value not in schema["enum"]:
        found.append(f"{where}: {value!r} not in {schema['enum']}")
    if isinstance(value, dict):
        found += [f"{where}.{name}: missing" for name in schema.get("required", []) if name not in value]
        for name, item in value.items():
            if name in schema.get("properties", {}):
                found += departures(spec, schema["properties"][name], item, f"{where}.{name}")
    if isinstance(value, list) and "items" in schema:
        for index, item in enumerate(value):
            found += departures(spec, schema["items"], item, f"{where}[{index}]")
    return found


def test_every_answer_and_refusal_is_as_the_openapi_document_says(client, setup):
    spec = client.get("/api/v1/openapi.json").get_json()
    token, stranger = setup.writer(), setup.writer(setup.stranger)
    seen = []

    def check(method: str, template: str, headers=None, **kwargs):
        path = "/api/v1" + template.format(c=setup.competition.id, r=setup.round.id, k=setup.kebaharuan.id,
                                           a=setup.second_award.id)
        answer = client.open(path, method=method, headers=token if headers is None else headers, **kwargs)
        named = "/api/v1" + template.replace("{c}", "{competition_id}").replace("{r}", "{round_id}") \
            .replace("{k}", "{criterion_id}").replace("{a}", "{award_id}")
        declared = spec["paths"][named][method.lower()]["responses"].get(str(answer.status_code))
        assert declared is not None, (method, path, answer.status_code)
        if answer.status_code != 204:
            kind = "application/problem+json" if answer.status_code >= 400 else "application/json"
            assert answer.mimetype == kind, (method, path)
            schema = declared["content"][kind]["schema"]
            assert departures(spec, schema, answer.get_json()) == [], (method, path)
        seen.append(answer.status_code)
        return answer

    for template in ("/competitions/{c}/rounds", "/rounds/{r}", "/criteria/{k}", "/competitions/{c}/awards",
                     "/awards/{a}", "/competitions/{c}/rules"):
        check("GET", template)
        check("GET", template, headers=stranger)
        check("GET", template, headers=bearer(setup.token(setup.operator)))
    check("GET", "/rubric-templates")
    check("GET", "/band-presets")
    check("GET", "/band-presets", headers={})
    check("POST", "/competitions/{c}/rounds", json={"name": "Final", "template": "iga_2023"})
    check("POST", "/competitions/{c}/rounds", json={"name": ""})
    check("POST", "/competitions/{c}/rounds", data="{", content_type="application/json")
    for template, change in (("/rounds/{r}", {"blind": True}), ("/criteria/{k}", {"weight": 50}),
                             ("/awards/{a}", {"positions": 2}),
                             ("/competitions/{c}/rules", {"one_award_per_organisation": False})):
        check("PATCH", template, json=change)
        check("PATCH", template, json=change, headers={**token, "If-Match": '"lama"'})
        tag = client.get("/api/v1" + template.format(c=setup.competition.id, r=setup.round.id,
                                                     k=setup.kebaharuan.id, a=setup.second_award.id),
                         headers=token).headers["ETag"]
        check("PATCH", template, json=change, headers={**token, "If-Match": tag})
    check("POST", "/rounds/{r}/template", json={"template": "iga_2023"})
    check("POST", "/rounds/{r}/criteria", json={"name": "Replikasi", "weight": 10})
    check("POST", "/rounds/{r}/criteria/order", json={"criterion_ids": [setup.kebaharuan.id]})
    check("POST", "/competitions/{c}/awards", json={"name": "Baru"})
    check("POST", "/competitions/{c}/awards/order", json={"award_ids": [setup.second_award.id]})
    check("DELETE", "/criteria/{k}")
    check("DELETE", "/awards/{a}")
    check("DELETE", "/awards/{a}")
    assert sorted(set(seen)) == [200, 201, 204, 400, 401, 403, 404, 412, 422, 428]

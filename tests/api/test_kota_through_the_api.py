"""The Kota competition of tests/test_kota_scenario.py (30 OPDs, 40 innovations, two rounds, 6
judges) run through API v1 over real HTTP, from an empty database to published results, and its
OPD Terinovatif 1–5 checked against the same table worked out by hand.

The app is served by a werkzeug server thread on loopback (as ``flask serve`` does) and the test
talks to it with ``requests``, as a script of a regional government would. Only what has no API by
design goes through the command line, as an administrator does on a fresh install: the organiser's
account, the region's first competition (``POST /competitions`` needs a competition of the region
the user organises already) and the API tokens (a token cannot mint tokens). Everything else is an
API request with the token of the person who would do it: the OPDs (an import), the accounts, the
categories, the rounds and rubrics, the award and rules, the phases, each OPD operator's
innovations with their evidence, verification, panels and assignments, every judge's sheets saved
and confirmed, the rounds closed, the results sealed, verified and published, and the published
results read with no token at all. No request may answer 5xx.
"""

from __future__ import annotations

import io
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import requests
from flask import Flask, got_request_exception
from flask.testing import FlaskCliRunner
from werkzeug.serving import make_server

from competition import create_app
from competition.web.headers import RequestHandler
from tests.conftest import empty_tables
from tests.factories import words
from tests.test_kota_scenario import EXPECTED_OPD_TERINOVATIF, PASSWORD

ORGANISER = "bappeda@contoh.go.id"
VERIFIER = "verifikator@contoh.go.id"
JUDGES = [f"juri{n}@contoh.ac.id" for n in range(1, 6)] + ["juri6@contoh.go.id"]  # juri6: of OPD 03
OPDS = [f"OPD {n:02d}" for n in range(1, 31)]
PDF = b"%PDF-1.4 surat keputusan kepala daerah"


# -- the server, the command line and the client ------------------------------------------------------

@dataclass
class Api:
    """A ``requests`` session on the live server's API v1 that counts its requests and fails the
    test on any 5xx answer, whatever the step expected."""

    url: str
    http: requests.Session = field(default_factory=requests.Session)
    made: int = 0

    def __post_init__(self) -> None:
        self.http.hooks["response"].append(self._seen)

    def _seen(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        self.made += 1
        assert response.status_code < 500, (
            f"{response.request.method} {response.request.url}: {response.status_code} "
            f"{response.text[:2000]}")

    def call(self, method: str, path: str, token: str | None = None, *, expect: int = 200,
             if_match: str | None = None, **kwargs: Any) -> requests.Response:
        headers = {}
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        if if_match is not None:
            headers["If-Match"] = if_match
        response = self.http.request(method, f"{self.url}/api/v1{path}", headers=headers, timeout=60,
                                     **kwargs)
        assert response.status_code == expect, (
            f"{method} {path}: {response.status_code}, not {expect}: {response.text[:2000]}")
        return response

    def get(self, path: str, token: str | None, **kwargs: Any) -> Any:
        return self.call("GET", path, token, **kwargs).json()

    def post(self, path: str, token: str, body: Any = None, *, expect: int = 200, **kwargs: Any) -> Any:
        response = self.call("POST", path, token, expect=expect, json=body, **kwargs)
        return response.json() if response.content else None

    def etag(self, path: str, token: str) -> str:
        return self.call("GET", path, token).headers["ETag"]


@dataclass(frozen=True)
class Kota:
    """The live server, the command line of the same app, and the API client."""

    app: Flask
    cli: FlaskCliRunner
    api: Api

    def run(self, *args: str) -> str:
        with self.app.app_context():  # as `flask --app wsgi` gives every command
            result = self.cli.invoke(args=list(args))
        assert result.exit_code == 0, f"{args}: {result.output}"
        return result.output

    def token(self, email: str, *scopes: str) -> str:
        """A token made on the command line (``tokens create``), as an administrator does."""
        output = self.run("tokens", "create", email, "--name", "skrip Kota", "--days", "30",
                          *(arg for scope in scopes for arg in ("--scope", scope)))
        found = re.search(r"anugerah_[A-Za-z0-9_-]{43}", output)
        assert found is not None, output
        return found[0]


@pytest.fixture
def kota(database: str, tmp_path: Path) -> Iterator[Kota]:
    """The app with its production settings (CSRF on, exceptions not propagated) on the run's
    database, served by a threaded werkzeug server on 127.0.0.1; a request that raises fails the
    test. Every row is removed afterwards."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": database, "EVIDENCE_DIR": tmp_path / "evidence"})
    errors: list[BaseException] = []

    def record(sender: Flask, exception: BaseException, **extra: Any) -> None:
        errors.append(exception)

    got_request_exception.connect(record, app)
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=RequestHandler)
    thread = threading.Thread(target=server.serve_forever, name="kota-server", daemon=True)
    thread.start()
    api = Api(f"http://127.0.0.1:{server.server_address[1]}")
    try:
        yield Kota(app=app, cli=app.test_cli_runner(), api=api)
    finally:
        api.http.close()
        server.shutdown()
        thread.join()
        server.server_close()
        got_request_exception.disconnect(record, app)
        with app.app_context():
            empty_tables()
    assert not errors, f"the server failed: {errors!r}"


# -- the scores, as tests/test_kota_scenario.py gives them --------------------------------------------

def first_round_value(title: str) -> int:
    """50+k for OPD k's first innovation, 40+k for its second, 20+j for OPD 10+j's only one."""
    found = re.fullmatch(r"Inovasi (\d\d)(?:-([AB]))?", title)
    assert found is not None, title
    number = int(found[1])
    return {"A": 50 + number, "B": 40 + number, None: 20 + number - 10}[found[2]]


def second_round_values(title: str, criteria: list[dict[str, Any]]) -> dict[str, float]:
    """v₂ = 90−3k as the weighted total: kebaharuan v₂+5, kemanfaatan v₂−6, the rest v₂."""
    found = re.fullmatch(r"Inovasi (\d\d)-A", title)
    assert found is not None, f"{title} should not have reached the second round"
    value = 90 - 3 * int(found[1])
    shift = {"Kebaharuan": 5, "Kemanfaatan": -6}
    return {str(c["id"]): value + shift.get(c["name"], 0) for c in criteria}


# -- the steps ------------------------------------------------------------------------------------------

@dataclass
class People:
    organiser: str
    verifier: str = ""
    judges: dict[str, str] = field(default_factory=dict)      # e-mail -> token
    judge_ids: dict[str, int] = field(default_factory=dict)
    operators: dict[str, str] = field(default_factory=dict)   # OPD name -> its operator's token
    opd_ids: dict[str, int] = field(default_factory=dict)


def bootstrap(kota: Kota) -> tuple[int, People]:
    """What has no API: the organiser, their token, and the region's first competition, which
    ``POST /competitions`` refuses to someone who organises no competition yet."""
    kota.run("create-user", "--email", ORGANISER, "--name", "Panitia Bappeda", "--password", PASSWORD)
    people = People(organiser=kota.token(ORGANISER, "read", "write"))
    kota.api.call("POST", "/competitions", people.organiser, expect=403, json={
        "name": "Lomba Inovasi Kota Contoh", "year": 2030, "region_id": 1, "categories": [],
        **{name: f"2030-0{month}-01T08:00:00+07:00" for name, month in (
            ("submission_opens_at", 1), ("submission_closes_at", 2), ("verification_closes_at", 3),
            ("judging_closes_at", 4))}})
    wib = datetime.now(ZoneInfo("Asia/Jakarta"))
    moments = [(wib + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M") for days in (-1, 30, 60, 90)]
    output = kota.run("competition", "create", "--region", "Kota Contoh", "--region-kind", "kota",
                      "--name", "Lomba Inovasi Kota Contoh",
                      "--year", str(wib.year), "--opens", moments[0], "--closes", moments[1],
                      "--verification-closes", moments[2], "--judging-closes", moments[3],
                      "--organiser", ORGANISER)
    found = re.match(r"\[(\d+)\] ", output)
    assert found is not None, output
    return int(found[1]), people


def import_opds_and_people(kota: Kota, cid: int, people: People) -> None:
    """The region's 30 OPDs imported; the verifier, six judges and an operator per OPD created by
    the organiser with a password, each given a token on the command line."""
    api, organiser = kota.api, people.organiser
    opd_csv = ("name\n" + "".join(f"{name}\n" for name in OPDS)).encode()
    made = api.post("/users/import", organiser, None,
                    data={"competition_id": str(cid), "kind": "organisations"},
                    files={"file": ("opd.csv", io.BytesIO(opd_csv), "text/csv")})
    assert sorted(made["created"]) == OPDS
    listed = api.get(f"/competitions/{cid}/organisations?per_page=100", organiser)
    people.opd_ids = {o["name"]: o["id"] for o in listed["items"]}
    assert listed["total"] == 30 and set(people.opd_ids) == set(OPDS)

    def create(email: str, name: str, role: str, opd: str | None = None) -> dict[str, Any]:
        return api.post("/users", organiser, {
            "email": email, "name": name, "competition_id": cid, "roles": [role], "password": PASSWORD,
            "organisation_id": people.opd_ids[opd] if opd else None}, expect=201)

    create(VERIFIER, "Verifikator Bappeda", "verifier")
    people.verifier = kota.token(VERIFIER, "read", "write")
    for n, email in enumerate(JUDGES, start=1):
        judge = create(email, f"Juri {n}", "judge", "OPD 03" if n == 6 else None)
        people.judge_ids[email] = judge["id"]
        people.judges[email] = kota.token(email, "read", "judge")
    for n, opd in enumerate(OPDS, start=1):
        create(f"operator{n:02d}@contoh.go.id", f"Operator {opd}", "submitter", opd)
        people.operators[opd] = kota.token(f"operator{n:02d}@contoh.go.id", "read", "write")
    assert api.get("/users?role=judge&per_page=100", organiser)["total"] == 6
    me = api.get("/me", people.judges[JUDGES[5]])
    assert (me["organisation"], me["scopes"]) == ("OPD 03", ["judge", "read"])


def set_up_judging_and_results(api: Api, cid: int, organiser: str) -> tuple[int, int, list[int]]:
    """Two categories; round 1 from the IGA template (top 10 advance), round 2 with the same
    criteria added one by one (weight 2); OPD Terinovatif on the index policy, and the rules."""
    categories = [api.post(f"/competitions/{cid}/categories", organiser, {"name": name}, expect=201)["id"]
                  for name in ("Pelayanan Publik", "Tata Kelola Pemerintahan")]
    desk = api.post(f"/competitions/{cid}/rounds", organiser, {
        "name": "Penilaian dokumen", "template": "iga_2023", "advancement": "top_n", "advancement_count": 10,
        "judges_per_entry": 3}, expect=201)
    presentation = api.post(f"/competitions/{cid}/rounds", organiser, {
        "name": "Presentasi", "weight": 2, "judges_per_entry": 3}, expect=201)
    [template] = [t for t in api.get("/rubric-templates", organiser) if t["name"] == "iga_2023"]
    added = [api.post(f"/rounds/{presentation['id']}/criteria", organiser, criterion, expect=201)
             for criterion in reversed(template["criteria"])]
    api.post(f"/rounds/{presentation['id']}/criteria/order", organiser,
             {"criterion_ids": [c["id"] for c in reversed(added)]})
    rubric = [[(c["name"], c["weight"]) for c in api.get(f"/rounds/{r['id']}", organiser)["criteria"]]
              for r in (desk, presentation)]
    assert rubric[0] == rubric[1] == [(c["name"], c["weight"]) for c in template["criteria"]]
    assert [c[1] for c in rubric[0]] == [30, 25, 20, 15, 10]

    # As tests/test_kota_scenario.py: the award every competition starts with, on its defaults.
    [award] = api.get(f"/competitions/{cid}/awards", organiser)["items"]
    assert (award["name"], award["default"]) == ("OPD Terinovatif", True)
    award = api.call("PATCH", f"/awards/{award['id']}", organiser, if_match=api.etag(
        f"/awards/{award['id']}", organiser), json={
            "subject": "organisation", "positions": 5, "policy": "index", "index_floor": 3,
            "count_bonus": 1.0, "count_bonus_cap": 5,
            "citation": "Atas capaian inovasi perangkat daerah."}).json()
    assert (award["policy"], award["index_floor"], award["count_bonus"], award["count_bonus_cap"]) == (
        "index", 3, 1.0, 5)
    rules = api.call("PATCH", f"/competitions/{cid}/rules", organiser, if_match=api.etag(
        f"/competitions/{cid}/rules", organiser), json={
            "one_award_per_organisation": True, "band_preset": "iid_2026"}).json()
    assert (rules["band_preset"], rules["awards"]) == ("iid_2026", ["OPD Terinovatif"])
    return desk["id"], presentation["id"], categories


def phase(api: Api, cid: int, organiser: str, trigger: str, expected: str) -> None:
    etag = api.etag(f"/competitions/{cid}", organiser)
    moved = api.post(f"/competitions/{cid}/phase", organiser, {"trigger": trigger}, if_match=etag)
    assert moved["phase"] == expected, moved


def enter_innovations(api: Api, cid: int, people: People, categories: list[int]) -> dict[int, str]:
    """Each OPD's operator drafts its innovation(s), attaches evidence and submits; OPDs 1–10 two
    each. Returns the innovations' titles by id."""
    trial = date.today() - timedelta(days=400)
    titles: dict[int, str] = {}
    wanted = [(f"OPD {k:02d}", f"Inovasi {k:02d}-{s}") for k in range(1, 11) for s in "AB"]
    wanted += [(f"OPD {n:02d}", f"Inovasi {n:02d}") for n in range(11, 31)]
    for number, (opd, title) in enumerate(wanted):
        operator = people.operators[opd]
        response = api.call("POST", f"/competitions/{cid}/innovations", operator, expect=201, json={
            "title": title, "category_id": categories[number % 2], "urusan": "Kesehatan",
            "tahapan": "penerapan", "jenis": "digital", "trial_started_on": trial.isoformat(),
            "implemented_on": (trial + timedelta(days=200)).isoformat(), "rancang_bangun": words(320),
            "tujuan": "Mempercepat layanan.", "manfaat": "Warga terlayani lebih cepat.",
            "hasil": "Waktu tunggu turun 40%."})
        entry = response.json()
        assert (entry["status"], entry["organisation"]) == ("draft", opd)
        if number == 0:  # a file on the first, a link on every other
            api.call("POST", f"/innovations/{entry['id']}/evidence", operator, expect=201,
                     data={"title": "SK Kepala Daerah", "indicator": "Regulasi"},
                     files={"file": ("SK Inovasi.pdf", io.BytesIO(PDF), "application/pdf")})
        else:
            api.post(f"/innovations/{entry['id']}/evidence", operator, {
                "url": f"https://contoh.go.id/sk/{entry['id']}.pdf", "title": "SK Inovasi",
                "indicator": "Regulasi"}, expect=201)
        submitted = api.post(f"/innovations/{entry['id']}/transitions", operator, {"trigger": "submit"},
                             if_match=response.headers["ETag"])
        assert submitted["status"] == "submitted"
        titles[entry["id"]] = title
    [evidence] = api.get(f"/innovations/{min(titles)}/evidence", people.operators["OPD 01"])  # not paged
    download = api.call("GET", f"/evidence/{evidence['id']}/file", people.operators["OPD 01"])
    assert download.content == PDF
    return titles


def verify_all(api: Api, verifier: str, cid: int, titles: dict[int, str]) -> None:
    """The verifier's queue holds all 40; one verified on its own with a comment, the rest at once."""
    queue = api.get(f"/verification?competition_id={cid}&per_page=100", verifier)
    assert queue["total"] == 40 and {item["id"] for item in queue["items"]} == set(titles)
    first, *rest = sorted(titles)
    etag = api.etag(f"/innovations/{first}", verifier)
    verified = api.post(f"/innovations/{first}/transitions", verifier,
                        {"trigger": "verify", "comment": "Lengkap."}, if_match=etag)
    assert verified["status"] == "verified"
    several = api.post("/verification/verify-several", verifier, {"entry_ids": rest})
    assert {item["status"] for item in several["verified"]} == {"verified"} and len(several["verified"]) == 39


def judge_round(api: Api, people: People, round_id: int, values_of: Any) -> int:
    """Every judge reads their open sheets of the round, saves every value and confirms each, with
    the ETag of the sheet as they read it and then as they saved it. Returns the sheets confirmed."""
    confirmed = 0
    for token in people.judges.values():
        sheets = [s for s in api.get("/scoring?status=open&per_page=100", token)["items"]
                  if s["round_id"] == round_id]
        for listed in sheets:
            assert listed["state"] == "not_started", listed
            read = api.call("GET", f"/assignments/{listed['id']}/sheet", token)
            sheet = read.json()
            saved = api.call("PUT", f"/assignments/{listed['id']}/sheet", token,
                             if_match=read.headers["ETag"],
                             json={"scores": values_of(sheet["entry_title"], sheet["criteria"])})
            assert saved.json()["missing"] == 0
            done = api.post(f"/assignments/{listed['id']}/confirm", token, if_match=saved.headers["ETag"])
            assert done["status"] == "confirmed"
            confirmed += 1
    return confirmed


def assign_and_open(api: Api, organiser: str, round_id: int, judge_ids: list[int]) -> dict[str, Any]:
    panel = api.post(f"/rounds/{round_id}/panels", organiser, {"name": "Dewan juri", "judges": judge_ids},
                     expect=201)
    assert sorted(member["judge_id"] for member in panel["judges"]) == sorted(judge_ids)
    report = api.post(f"/rounds/{round_id}/assign", organiser, {})
    opened = api.post(f"/rounds/{round_id}/status", organiser, {"trigger": "open"})
    assert opened["status"] == "open"
    return report


def judge(api: Api, people: People, desk: int, presentation: int, titles: dict[int, str]) -> None:
    organiser, judge_ids = people.organiser, list(people.judge_ids.values())

    # Round 1: 40 innovations × 3 judges; the judge from OPD 03 never gets OPD 03's innovations.
    report = assign_and_open(api, organiser, desk, judge_ids)
    assert (report["added"], report["conflicts_avoided"]) == (120, 2)
    of_juri6 = api.get(f"/rounds/{desk}/assignments?per_page=100&judge_id={people.judge_ids[JUDGES[5]]}",
                       organiser)
    assert of_juri6["total"] and not [a for a in of_juri6["items"]
                                      if titles[a["entry_id"]].startswith("Inovasi 03")]
    assert judge_round(api, people, desk, lambda title, criteria: {
        str(c["id"]): first_round_value(title) for c in criteria}) == 120
    closed = api.post(f"/rounds/{desk}/status", organiser, {"trigger": "close"})
    assert sorted(closed["advanced"]) == [f"Inovasi {k:02d}-A" for k in range(1, 11)]
    assert (len(closed["stopped"]), closed["not_judged"]) == (30, [])

    # Round 2: the ten first innovations of OPDs 1..10.
    report = assign_and_open(api, organiser, presentation, judge_ids)
    assert report["added"] == 30
    assert judge_round(api, people, presentation, second_round_values) == 30
    closed = api.post(f"/rounds/{presentation}/status", organiser, {"trigger": "close"})
    assert closed["status"] == "closed" and not closed["not_judged"]


def seal_and_publish(api: Api, cid: int, organiser: str) -> str:
    """The draft checked, sealed, verified and published; returns the sealed version's hash."""
    preview = api.get(f"/competitions/{cid}/results/preview?per_page=5", organiser)
    best = preview["innovations"][0]
    assert (best["place"], best["score"], best["band"], best["title"], best["organisation"]) == (
        1, "75.00", "Sangat Inovatif", "Inovasi 01-A", "OPD 01")
    [draft] = preview["awards"]  # its first page: the five places
    assert [(r["position"], r["subject"], r["score"]) for r in draft["rows"]] == EXPECTED_OPD_TERINOVATIF
    sealed = api.post(f"/competitions/{cid}/results/seal", organiser, expect=201)
    assert sealed["version"] == 1 and re.fullmatch(r"[0-9a-f]{64}", sealed["sha256"])
    check = api.post(f"/competitions/{cid}/results/versions/1/verify", organiser, expect=201)
    assert (check["verifies"], check["problems"]) == (True, [])
    published = api.post(f"/competitions/{cid}/results/versions/1/publish", organiser)
    assert published["status"] == "published" and len(published["awarded"]) == 10
    return sealed["sha256"]


def test_the_kota_competition_through_the_api(kota: Kota) -> None:
    started = time.perf_counter()
    api = kota.api
    cid, people = bootstrap(kota)
    organiser = people.organiser
    import_opds_and_people(kota, cid, people)
    desk, presentation, categories = set_up_judging_and_results(api, cid, organiser)

    phase(api, cid, organiser, "open_submissions", "open")
    titles = enter_innovations(api, cid, people, categories)
    assert len(titles) == 40
    phase(api, cid, organiser, "close_submissions", "verification")
    verify_all(api, people.verifier, cid, titles)
    phase(api, cid, organiser, "start_judging", "judging")

    judge(api, people, desk, presentation, titles)
    scored = api.get(f"/competitions/{cid}/innovations?status=scored&per_page=1", organiser)
    assert scored["total"] == 40
    phase(api, cid, organiser, "close_judging", "results")
    sha256 = seal_and_publish(api, cid, organiser)

    # Read by anyone, with no token: a regional portal.
    published = api.get(f"/competitions/{cid}/results/published", None)
    [award] = published["awards"]
    assert (award["name"], published["version"], published["sha256"]) == ("OPD Terinovatif", 1, sha256)
    table = [(row["position"], row["subject"], row["score"]) for row in award["winners"]]
    assert table == EXPECTED_OPD_TERINOVATIF
    assert api.get(f"/competitions/{cid}/innovations?status=awarded&per_page=1", organiser)["total"] == 10
    print(f"\nThe Kota competition through the API: {api.made} requests in "
          f"{time.perf_counter() - started:.1f} s")

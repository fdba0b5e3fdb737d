"""schemathesis against the live API: every operation that /api/v1/openapi.json lists when the test
runs (no list of endpoints here), under gunicorn on a copy of the demo, as an organiser
(read, write), an OPD operator (read, write), a judge (read, judge) and nobody. Each answer must
not be a 5xx, must have a status, a Content-Type and a body the document declares for that
operation. A failure fails the test, with the request as a curl command.

- **Requests.** Requests valid by the document and requests it refuses (schemathesis' positive and
  negative modes), derandomised (the same requests on every run), ``REQUESTS`` in all by
  default; every request made is counted and the count printed.
- **Rate limits.** A wrong token counts against the client address's failed sign-ins
  (competition.api.authenticate), 20 per 15 minutes by default, and then every API request from
  the address answers 429. Each request here carries its identity's token and nothing else in
  ``Authorization`` (schemathesis would leave it out or change it), so none counts; the served
  app gets a limit no run reaches all the same (``ANUGERAH_SIGN_IN_LIMIT_PER_ADDRESS``), and the
  test fails when more than a twentieth of the answers are 429: a wall of 429s hides the rest.
- **make fuzz-api** runs the same against a server already running: ``ANUGERAH_FUZZ_URL`` (its base
  URL), ``ANUGERAH_FUZZ_TOKENS`` (``name=token,name=token``; without it, tokens of the demo's
  organiser, operator and judge are made in the database the ``ANUGERAH_*`` settings name) and
  ``ANUGERAH_FUZZ_REQUESTS`` (how many requests, about).
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import func, select, update

from competition import create_app
from competition.demo.loader import EMAIL_DOMAIN
from competition.extensions import db
from competition.models import ApiToken, User
from competition.people.tokens import create_token
from tests.conftest import DemoTemplate, copy_database, drop_database

ROOT = Path(__file__).resolve().parents[2]
DOCUMENT = "/api/v1/openapi.json"
REQUESTS = 1_200            # in all, over every operation and identity, by default
AT_LEAST = 1_000            # the issue asks for at least this many in a run
ANONYMOUS_EXAMPLES = 3      # nobody gets 401 whatever is sent: a few requests per operation suffice
MOST_429 = 0.05
CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance, content_type_conformance]
# In this order: the organiser's requests (switching accounts off, taking roles away) come last.
PEOPLE = {"operator": (f"submitter@{EMAIL_DOMAIN}", ("read", "write")),
          "judge": (f"judge@{EMAIL_DOMAIN}", ("read", "judge")),
          "organiser": (f"organiser@{EMAIL_DOMAIN}", ("read", "write"))}
TOKEN_IDS = 1_987_654_000
NOT_REACHED = "1000000 per minute"
NEAR = (0, 4, 64)           # ids as generated, or brought below 4 or 64 (the demo's)


@dataclass(frozen=True)
class Target:
    url: str
    tokens: dict[str, str]   # identity -> token


@dataclass
class Tally:
    """Every request sent, by status and by operation; what failed, with its reproduction."""

    statuses: Counter[int] = field(default_factory=Counter)
    operations: Counter[str] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    lost: set[str] = field(default_factory=set)   # identities whose token stopped working

    @property
    def sent(self) -> int:
        return sum(self.statuses.values())


def serve(url: str, port: int, tmp: Path) -> subprocess.Popen[bytes]:
    """The app under gunicorn (gunicorn.conf.py, two workers) on 127.0.0.1:``port``."""
    env = {**os.environ, "ANUGERAH_DATABASE_URL": url, "ANUGERAH_INSTANCE_PATH": str(tmp / "instance"),
           "ANUGERAH_SECRET_KEY": "fuzz-secret", "ANUGERAH_EVIDENCE_DIR": str(tmp / "evidence"),
           "ANUGERAH_JOBS_DIR": str(tmp / "jobs"), "ANUGERAH_JOBS_RUN": "sync",
           "ANUGERAH_JOBS_TICK_SECONDS": "0", "ANUGERAH_BASE_URL": f"http://127.0.0.1:{port}",
           "ANUGERAH_SIGN_IN_LIMIT_PER_ADDRESS": NOT_REACHED, "ANUGERAH_REDIS_URL": "",
           "HOST": "127.0.0.1", "PORT": str(port), "WEB_CONCURRENCY": "2"}
    with (tmp / "gunicorn.log").open("wb") as log:
        return subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"),
                                 "wsgi:app"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def wait_for(url: str, process: subprocess.Popen[bytes] | None, seconds: float = 60) -> None:
    until = time.monotonic() + seconds
    while True:
        try:
            if requests.get(url + DOCUMENT, timeout=10).status_code == 200:
                return
        except requests.RequestException:   # not listening yet, or busy starting
            pass
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"gunicorn stopped with {process.returncode}")
        if time.monotonic() > until:
            raise RuntimeError(f"nothing answers at {url} after {seconds:.0f} s")
        time.sleep(0.2)


def make_tokens(url: str | None) -> dict[str, str]:
    """Personal API tokens, valid for a day, of the demo's organiser, an OPD operator and a judge,
    in the database at ``url`` (or the one the ANUGERAH_* settings name)."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True} if url else None)
    tokens = {}
    with app.app_context():
        # Far from the ids requests name, so that no request revokes a token of the run (and after
        # the tokens of an earlier run, on a server's own database).
        first = max(TOKEN_IDS, (db.session.scalar(select(func.max(ApiToken.id))) or 0) + 1)
        for number, (name, (email, scopes)) in enumerate(PEOPLE.items()):
            user = db.session.scalar(select(User).where(User.email == email))
            assert user is not None, f"the demo has no {email}"
            made = create_token(user, name="schemathesis", scopes=scopes, days=1)
            db.session.execute(update(ApiToken).where(ApiToken.id == made.token.id)
                               .values(id=first + number))
            tokens[name] = made.secret
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return tokens


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def target(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Target]:
    """The server under test: ANUGERAH_FUZZ_URL's, or gunicorn on a copy of the demo of its own."""
    running = os.environ.get("ANUGERAH_FUZZ_URL", "").rstrip("/")
    if running:
        listed = os.environ.get("ANUGERAH_FUZZ_TOKENS", "")
        pairs = [pair.partition("=") for pair in listed.split(",") if pair.strip()]
        wait_for(running, None, 10)
        yield Target(running, {name.strip(): token.strip() for name, _, token in pairs} or make_tokens(None))
        return
    demo: DemoTemplate = request.getfixturevalue("demo_template")
    tmp = tmp_path_factory.mktemp("fuzz")
    url = copy_database(demo.url, "fuzz", tmp)
    port = free_port()
    process = None
    try:
        tokens = make_tokens(url)
        process = serve(url, port, tmp)
        wait_for(f"http://127.0.0.1:{port}", process)
        yield Target(f"http://127.0.0.1:{port}", tokens)
    finally:
        if process is not None:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        log = tmp / "gunicorn.log"
        if log.exists():
            errors = [line for line in log.read_text(errors="replace").splitlines()
                      if "Traceback" in line or "Error" in line]
            if errors:
                print("\n".join(["gunicorn's log holds errors:", *errors[-20:]]))
        drop_database(url)


def cases(operation: Any) -> st.SearchStrategy[Any]:
    """Requests valid by the document and requests it refuses, where it refuses any."""
    modes = [operation.as_strategy(generation_mode=GenerationMode.POSITIVE)]
    try:
        modes.append(operation.as_strategy(generation_mode=GenerationMode.NEGATIVE))
    except Exception:   # nothing of the operation can be made invalid
        pass
    return st.one_of(modes)


def exercise(operation: Any, identity: str, headers: dict[str, str], examples: int, base_url: str,
             session: requests.Session, tally: Tally) -> None:
    """Up to ``examples`` requests to ``operation`` as ``identity`` (the same ones on every run);
    the first failure is kept in ``tally`` with the request that made it."""

    versioned = any(parameter.name == "If-Match" for parameter in operation.headers)

    @settings(max_examples=examples, derandomize=True, database=None, deadline=None,
              suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate, Phase.shrink],
              print_blob=False)
    @given(case=cases(operation), near=st.sampled_from(NEAR), fresh=st.booleans())
    def one(case: Any, near: int, fresh: bool) -> None:
        if near and case.path_parameters:   # ids among the demo's, or anywhere
            case.path_parameters = {name: value % near + 1 if type(value) is int else value
                                    for name, value in case.path_parameters.items()}
        # Who asks is the identity's business: its token in every request (schemathesis' negative
        # mode would otherwise leave it out of a request as often as it changes another header).
        case.headers = {name: value for name, value in (case.headers or {}).items()
                        if name.lower() != "authorization"} | headers
        if fresh and versioned:   # half the updates name the version just read, to get past If-Match
            tag = current_tag(case.formatted_path, base_url, session, headers, tally)
            if tag is not None:
                case.headers["If-Match"] = tag
        response = case.call(base_url=base_url, session=session, timeout=30)
        tally.statuses[response.status_code] += 1
        tally.operations[f"{identity} {operation.label}"] += 1
        if headers and response.status_code == 401 and identity not in tally.lost:
            tally.lost.add(identity)
            tally.failures.append(f"== {identity}: {operation.label}\nThe token of {identity} stopped "
                                  "working (a request revoked it or switched its owner off): what followed "
                                  "proves nothing.")
        case.validate_response(response, checks=CHECKS, headers=headers)

    try:
        one()
    except (Exception, BaseExceptionGroup) as error:   # every operation is tried; all failures reported
        tally.failures.append(f"== {identity}: {operation.label}\n{error}")


def current_tag(path: str, base_url: str, session: requests.Session, headers: dict[str, str],
                tally: Tally) -> str | None:
    """The ETag of what ``path`` (or the path it is below) names, as read now."""
    for _ in range(2):
        read = session.get(base_url + path, headers=headers, timeout=30)
        tally.statuses[read.status_code] += 1
        if read.headers.get("ETag"):
            return read.headers["ETag"]
        path = path.rsplit("/", 1)[0]
    return None


def fuzz(target: Target, total: int, report: Callable[[str], None]) -> Tally:
    schema = schemathesis.openapi.from_url(target.url + DOCUMENT)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert operations, "the document lists no operation"
    identities = {name: {"Authorization": f"Bearer {token}"} for name, token in target.tokens.items()}
    anonymous = ANONYMOUS_EXAMPLES * len(operations)
    each = max(5, math.ceil((total - anonymous) / (len(operations) * max(1, len(identities)))))
    identities["anonymous"] = {}
    tally = Tally()
    started = time.monotonic()
    with requests.Session() as session:
        for name, headers in identities.items():      # one identity after another (PEOPLE)
            for operation in operations:
                examples = ANONYMOUS_EXAMPLES if name == "anonymous" else each
                exercise(operation, name, headers, examples, target.url, session, tally)
    report(f"schemathesis: {tally.sent} requests to {len(operations)} operations as "
           f"{', '.join(identities)} in {time.monotonic() - started:.0f} s; statuses "
           + ", ".join(f"{status}: {count}" for status, count in sorted(tally.statuses.items())))
    return tally


def test_every_operation_answers_as_the_document_says(target: Target,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    total = int(os.environ.get("ANUGERAH_FUZZ_REQUESTS", REQUESTS))
    with capsys.disabled():
        tally = fuzz(target, total, lambda line: print("\n" + line))
    assert not tally.failures, f"{len(tally.failures)} failing:\n\n" + "\n\n".join(tally.failures)
    assert tally.sent >= min(AT_LEAST, total), f"only {tally.sent} requests were made"
    throttled = tally.statuses[429]
    assert throttled <= MOST_429 * tally.sent, f"{throttled} of {tally.sent} answers were 429"
    assert tally.statuses[200] > 0, "no request succeeded: the tokens do not work"


# -- what the fuzzing found in the document, each with its own test ------------------------------------

def document(client: Any) -> dict[str, Any]:
    answer = client.get(DOCUMENT)
    assert answer.status_code == 200
    return answer.get_json()


def operations_of(spec: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method != "parameters":
                yield method, path, operation


def test_errors_are_documented_as_the_problem_details_they_are(client):
    """Every error answers application/problem+json with an integer status (flask-smorest's own
    error schema said application/json, a string status and no title)."""
    spec = document(client)
    problem = spec["components"]["schemas"]["Problem"]
    assert problem["properties"]["status"]["type"] == "integer"
    assert set(problem["required"]) == {"type", "title", "status", "instance"}
    answered = client.get("/api/v1/competitions")
    assert answered.status_code == 401 and answered.mimetype == "application/problem+json"
    body = answered.get_json()
    assert set(body) <= set(problem["properties"]) and isinstance(body["status"], int)
    for method, path, operation in operations_of(spec):
        for status, response in operation["responses"].items():
            if int(status) < 400:
                continue
            if "$ref" in response:
                response = spec["components"]["responses"][response["$ref"].rsplit("/", 1)[-1]]
            content = response["content"]
            assert list(content) == ["application/problem+json"], (method, path, status)
            shape = spec["components"]["schemas"][content["application/problem+json"]["schema"]["$ref"]
                                                 .rsplit("/", 1)[-1]]
            assert shape["properties"]["status"]["type"] == "integer", (method, path, status)
            assert {"type", "title", "status"} <= set(shape["required"]), (method, path, status)


def test_every_status_an_operation_can_answer_is_declared_and_nothing_else_is_a_catch_all(client):
    """No "default" response hides an undeclared status; each operation names the statuses the
    API's common paths answer (a token missing, a scope lacking, throttling, If-Match)."""
    declared = {(method, path): set(operation["responses"]) for method, path, operation
                in operations_of(document(client))}
    assert not any("default" in statuses for statuses in declared.values())
    assert {"401", "403", "429", "400", "422"} <= declared[("get", "/api/v1/competitions")]
    assert "404" not in declared[("get", "/api/v1/competitions")]
    assert {"401", "403", "404", "429"} <= declared[("get", "/api/v1/competitions/{competition_id}")]
    assert {"409", "412", "413", "428"} <= declared[("patch", "/api/v1/innovations/{entry_id}")]
    assert {"409", "412", "428"} <= declared[("post", "/api/v1/innovations/{entry_id}/transitions")]
    assert "428" not in declared[("get", "/api/v1/innovations/{entry_id}")]


def test_updates_and_operations_that_say_they_need_if_match_declare_the_header():
    from competition.api import ErrorStatuses

    operations: dict[str, Any] = {
        "patch": {"responses": {200: "OK"}},
        "post": {"summary": "Fire a trigger. Needs If-Match.",
                 "responses": {"422": "UNPROCESSABLE_ENTITY", 413: {"description": "Too large."}}},
        "delete": {"responses": {204: "NO_CONTENT"}},
        "get": {"responses": {200: "OK"}}}
    ErrorStatuses().operation_helper(path="/api/v1/things/{thing_id}", operations=operations)
    headers = {method: [parameter["name"] for parameter in operation.get("parameters", [])]
               for method, operation in operations.items()}
    assert headers == {"patch": ["If-Match"], "post": ["If-Match"], "delete": [], "get": []}
    assert {412, 428} <= set(operations["post"]["responses"]) and 412 not in operations["delete"]["responses"]
    assert 422 not in operations["post"]["responses"]       # declared already, as "422": not twice
    assert operations["get"]["responses"][404] == "NOT_FOUND"
    assert operations["post"]["responses"][413]["content"] == {   # an error declared in words only
        "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}


def test_an_id_filter_beyond_what_an_id_column_holds_is_refused_naming_it(client):
    """PostgreSQL refused the comparison of an INTEGER column with 2619776846 with an error: 500."""
    from tests.api.test_api import Api, bearer

    api = Api()
    token = api.token(api.organiser, "read")
    for name in ("category_id", "organisation_id"):
        answer = client.get(f"/api/v1/competitions/{api.competition.id}/innovations?{name}=2619776846",
                            headers=bearer(token))
        assert answer.status_code == 422, answer.get_data(as_text=True)
        assert list(answer.get_json()["errors"]) == [name]
        assert client.get(f"/api/v1/competitions/{api.competition.id}/innovations?{name}=2147483647",
                          headers=bearer(token)).status_code == 200

"""API v1 through the HTTP client: tokens, the browser's permissions, problem details, versions
(If-Match), pagination and filters, and the OpenAPI document."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from werkzeug.http import HTTP_STATUS_CODES

from competition.extensions import db
from competition.models import ApiToken, AuditEvent, Entry, EntryEvent, Membership
from competition.models.types import utcnow
from competition.people.tokens import create_token, revoke_token
from competition.policy import can_view_entry, viewable_entries
from tests.entries.test_views import Opd, sign_in
from tests.factories import make_competition, make_entry, make_organisation, make_region, make_user


class Api(Opd):
    def __init__(self):
        super().__init__()
        self.organiser = make_user(self.competition, "organiser", name="Panitia")
        self.draft = make_entry(self.competition, self.dinkes, title="Si-Sehat",
                                category_id=self.competition.categories[0].id)
        self.submitted = make_entry(self.competition, self.dinkes, status="submitted", title="Antrean")
        self.kominfo_draft = make_entry(self.competition, self.kominfo, title="Lapor Mas")
        self.kominfo_verified = make_entry(self.competition, self.kominfo, status="verified",
                                           title="Satu Data")
        elsewhere = make_competition(name="Lomba Lain")
        self.foreign = make_entry(elsewhere, make_organisation(elsewhere.region, "Dinas Lain"), title="Asing")

    def token(self, user, *scopes: str, days: int = 30) -> str:
        made = create_token(user, name="skrip", scopes=scopes or ("read",), days=days)
        db.session.commit()
        return made.secret


@pytest.fixture
def api(app):
    return Api()


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def problem_of(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == status and body["type"] == "about:blank"
    assert body["title"] == HTTP_STATUS_CODES[status]   # one title per status, whoever answers
    return body


# -- tokens ----------------------------------------------------------------------------------------

def test_a_token_made_in_the_browser_is_shown_once_and_kept_only_as_a_digest(client, api):
    sign_in(client, api.operator)
    made = client.post("/account/tokens", data={"name": "Sinkron SIPD", "scopes": ["read", "write"],
                                                "days": "30"})
    assert made.status_code == 200
    secret = re.search(r'id="new-token">(anugerah_[A-Za-z0-9_-]{43})<', made.get_data(as_text=True)).group(1)
    token = db.session.scalar(select(ApiToken))
    assert token.digest == hashlib.sha256(secret.encode()).hexdigest() and secret not in repr(vars(token))
    assert (token.name, token.scopes, token.user_id) == ("Sinkron SIPD", "read,write", api.operator.id)
    assert timedelta(days=29, hours=23) < token.expires_at - token.created_at <= timedelta(days=30)
    listing = client.get("/account/tokens").get_data(as_text=True)
    assert "Sinkron SIPD" in listing and secret not in listing and token.prefix in listing
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)
                             .where(AuditEvent.kind == "api_token.created")) == 1
    assert client.get("/api/v1/competitions", headers=bearer(secret)).status_code == 200


def test_bad_token_forms_name_their_fields_and_make_nothing(client, api):
    sign_in(client, api.operator)
    refused = client.post("/account/tokens", data={"name": "", "days": "999"})
    assert refused.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(ApiToken)) == 0


def test_a_revoked_expired_or_made_up_token_gets_401_and_nothing_else(client, api):
    revoked, expired = api.token(api.operator), api.token(api.operator, days=1)
    revoke_token(api.operator, db.session.scalar(select(ApiToken.id).order_by(ApiToken.id)))
    last = db.session.scalar(select(ApiToken).order_by(ApiToken.id.desc()))
    last.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    for headers in (bearer(revoked), bearer(expired), bearer("anugerah_" + "x" * 43),
                    {"Authorization": "Basic eDp5"}, {}):
        answer = client.get("/api/v1/competitions", headers=headers)
        problem_of(answer, 401)
        assert answer.headers["WWW-Authenticate"].startswith("Bearer")


def test_wrong_tokens_count_like_failed_sign_ins_from_the_address(client, api):
    good = api.token(api.operator)
    for _ in range(20):
        problem_of(client.get("/api/v1/competitions", headers=bearer("anugerah_salah")), 401)
    held = client.get("/api/v1/competitions", headers=bearer(good))
    problem_of(held, 429)
    assert int(held.headers["Retry-After"]) > 0
    other_address = client.get("/api/v1/competitions", headers=bearer(good),
                               environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert other_address.status_code == 200


def test_a_read_token_cannot_write(client, api):
    secret = api.token(api.operator, "read")
    answer = client.patch(f"/api/v1/innovations/{api.draft.id}", json={"title": "Baru"},
                          headers={**bearer(secret), "If-Match": f'"{api.draft.version}"'})
    assert "write" in problem_of(answer, 403)["detail"]
    assert db.session.get(Entry, api.draft.id).title == "Si-Sehat"


# -- the browser's permissions -----------------------------------------------------------------------

def test_each_user_lists_their_own_competitions_and_no_other(client, api):
    listing = client.get("/api/v1/competitions", headers=bearer(api.token(api.operator))).get_json()
    assert [item["name"] for item in listing["items"]] == ["Lomba Inovasi 2026"]
    assert listing["items"][0]["roles"] == ["submitter"] and listing["total"] == 1
    other = api.foreign.competition_id
    problem_of(client.get(f"/api/v1/competitions/{other}", headers=bearer(api.token(api.operator))), 404)
    problem_of(client.get(f"/api/v1/competitions/{other}/innovations",
                          headers=bearer(api.token(api.organiser))), 404)


@pytest.mark.parametrize("who, seen", [
    ("operator", ["Si-Sehat", "Antrean"]),                 # the OPD's own, drafts included
    ("other", ["Lapor Mas", "Satu Data"]),
    ("organiser", ["Antrean", "Satu Data"]),               # no other OPD's unsubmitted draft
    ("verifier", ["Antrean", "Satu Data"]),
])
def test_the_innovation_list_is_what_the_pages_show(client, api, who, seen):
    user = getattr(api, who)
    answer = client.get(f"/api/v1/competitions/{api.competition.id}/innovations",
                        headers=bearer(api.token(user)))
    assert [item["title"] for item in answer.get_json()["items"]] == seen
    for entry in (api.draft, api.submitted, api.kominfo_draft, api.kominfo_verified):
        status = client.get(f"/api/v1/innovations/{entry.id}", headers=bearer(api.token(user))).status_code
        assert status == (200 if entry.title in seen else 404), (who, entry.title)


def test_the_list_condition_agrees_with_can_view_entry_for_every_user_and_entry(api):
    entries = db.session.scalars(select(Entry).where(Entry.competition_id == api.competition.id)).all()
    for user in (api.operator, api.other, api.organiser, api.verifier, make_user(api.competition)):
        listed = set(db.session.scalars(select(Entry.id).where(
            Entry.competition_id == api.competition.id, viewable_entries(user, api.competition))))
        assert listed == {entry.id for entry in entries if can_view_entry(user, entry)}, user.name


def test_pages_are_stable_and_filters_apply(client, api):
    for number in range(7):
        make_entry(api.competition, api.dinkes, status="submitted", title=f"Tambahan {number}")
    token = bearer(api.token(api.organiser))
    url = f"/api/v1/competitions/{api.competition.id}/innovations"
    pages = [client.get(url, query_string={"page": page, "per_page": 4}, headers=token).get_json()
             for page in (1, 2, 3)]
    titles = [item["title"] for page in pages for item in page["items"]]
    assert [page["total"] for page in pages] == [9, 9, 9] and len(titles) == len(set(titles)) == 9
    ids = [item["id"] for page in pages for item in page["items"]]
    assert ids == sorted(ids)
    verified = client.get(url, query_string={"status": "verified"}, headers=token).get_json()
    assert [item["title"] for item in verified["items"]] == ["Satu Data"]
    kominfo = client.get(url, query_string={"organisation_id": api.kominfo.id}, headers=token).get_json()
    assert [item["title"] for item in kominfo["items"]] == ["Satu Data"]
    wrong = problem_of(client.get(url, query_string={"status": "menang", "per_page": 500}, headers=token),
                       422)
    assert set(wrong["errors"]) == {"status", "per_page"}


# -- versions and writes ---------------------------------------------------------------------------

def test_updates_need_the_current_version(client, api):
    token = bearer(api.token(api.operator, "read", "write"))
    url = f"/api/v1/innovations/{api.draft.id}"
    read = client.get(url, headers=token)
    etag = read.headers["ETag"]
    assert etag == f'"{api.draft.version}"'
    problem_of(client.patch(url, json={"title": "Si-Sehat Plus"}, headers=token), 428)
    stale = client.patch(url, json={"title": "Si-Sehat Plus"}, headers={**token, "If-Match": '"99"'})
    assert "99" in problem_of(stale, 412)["detail"]
    assert db.session.get(Entry, api.draft.id).title == "Si-Sehat"
    changed = client.patch(url, json={"title": "Si-Sehat Plus"}, headers={**token, "If-Match": etag})
    assert changed.status_code == 200 and changed.get_json()["title"] == "Si-Sehat Plus"
    version = int(etag.strip('"'))
    assert changed.headers["ETag"] == f'"{version + 1}"' == f'"{changed.get_json()["version"]}"'
    problem_of(client.patch(url, json={"title": "Lagi"}, headers={**token, "If-Match": etag}), 412)
    db.session.expire_all()
    assert db.session.get(Entry, api.draft.id).title == "Si-Sehat Plus"


def test_bad_fields_are_named_and_nothing_is_stored(client, api):
    token = bearer(api.token(api.operator, "read", "write"))
    url = f"/api/v1/innovations/{api.draft.id}"
    headers = {**token, "If-Match": f'"{api.draft.version}"'}
    too_long = problem_of(client.patch(url, json={"title": "x" * 300, "jenis": "gaib"}, headers=headers), 422)
    assert set(too_long["errors"]) == {"title", "jenis"}
    unknown = problem_of(client.patch(url, json={"status": "awarded"}, headers=headers), 422)
    assert "status" in unknown["errors"]
    assert problem_of(client.patch(url, data="{", headers={**headers, "Content-Type": "application/json"}),
                      400)
    db.session.expire_all()
    assert (db.session.get(Entry, api.draft.id).title, db.session.get(Entry, api.draft.id).status) == (
        "Si-Sehat", "draft")


def test_a_trigger_goes_through_the_workflow_and_is_in_the_history(client, api):
    token = bearer(api.token(api.operator, "read", "write"))
    entry = api.draft
    fired = client.post(f"/api/v1/innovations/{entry.id}/transitions", json={"trigger": "submit"},
                        headers={**token, "If-Match": f'"{entry.version}"'})
    assert fired.status_code == 200, fired.get_json()
    assert fired.get_json()["status"] == "submitted"
    history = client.get(f"/api/v1/innovations/{entry.id}/history", headers=token).get_json()
    assert [(event["trigger"], event["from_status"], event["to_status"], event["actor"])
            for event in history] == [("submit", "draft", "submitted", "Operator Dinkes")]
    refused = client.post(f"/api/v1/innovations/{entry.id}/transitions", json={"trigger": "verify"},
                          headers={**token, "If-Match": fired.headers["ETag"]})
    assert problem_of(refused, 409)["errors"]["trigger"]
    assert db.session.scalar(select(func.count()).select_from(EntryEvent)) == 1


def test_a_signed_in_session_reads_but_writes_only_with_the_csrf_token(client, app, api):
    sign_in(client, api.operator)
    assert client.get("/api/v1/competitions").status_code == 200
    app.config["WTF_CSRF_ENABLED"] = True
    url = f"/api/v1/innovations/{api.draft.id}"
    refused = client.patch(url, json={"title": "Lewat sesi"}, headers={"If-Match": f'"{api.draft.version}"'})
    problem_of(refused, 403)
    assert db.session.get(Entry, api.draft.id).title == "Si-Sehat"


# -- the document ----------------------------------------------------------------------------------

def test_the_openapi_document_describes_every_api_route_and_the_docs_page_lists_them(client, app):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"] == "3.1.0"
    routes = {re.sub(r"<(?:int:)?([a-z_]+)>", r"{\1}", rule.rule) for rule in app.url_map.iter_rules()
              if rule.rule.startswith("/api/v1/") and rule.endpoint.startswith("api_")
              and rule.endpoint.split(".")[0] != "api_docs"}
    assert routes and routes == set(spec["paths"])
    page = client.get("/api/v1/docs").get_data(as_text=True)
    for path in routes:
        assert f"{path}</code>" in page, path
    assert not re.search(r"<script(?![^>]*\bsrc=)", page)      # nothing inline (strict CSP)


# -- the command line ------------------------------------------------------------------------------

def test_tokens_from_the_command_line(app, api, runner):
    import json

    made = runner.invoke(args=["tokens", "create", api.operator.email, "--name", "Cron", "--scope", "read",
                               "--days", "7", "--json"])
    assert made.exit_code == 0, made.output
    created = json.loads(made.output)
    assert created["scopes"] == ["read"] and created["token"].startswith("anugerah_")
    listed = json.loads(runner.invoke(args=["tokens", "list", api.operator.email, "--json"]).output)
    assert [(row["id"], row["name"], row["revoked"]) for row in listed] == [(created["id"], "Cron", False)]
    assert created["token"] not in json.dumps(listed)
    revoked = runner.invoke(args=["tokens", "revoke", api.operator.email, str(created["id"])])
    assert revoked.exit_code == 0 and "revoked" in revoked.output
    # Another person's token is not found, and nothing changes.
    refused = runner.invoke(args=["tokens", "revoke", api.other.email, str(created["id"])])
    assert refused.exit_code == 1 and "no API token" in refused.output
    bad = runner.invoke(args=["tokens", "create", api.operator.email, "--name", "", "--days", "7"])
    assert bad.exit_code == 1 and "name" in bad.output


def test_lists_take_the_same_statements_for_few_or_many_items(client, api):
    """Each listed innovation names its OPD, each competition its region and categories: read
    with the list, not one by one."""
    from sqlalchemy import event

    token = bearer(api.token(api.organiser))

    def statements(url: str) -> int:
        db.session.expire_all()
        seen: list[str] = []
        listener = lambda *args: seen.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert client.get(url, headers=token).status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(seen)

    url = f"/api/v1/competitions/{api.competition.id}/innovations"
    statements(url)     # the token's first use of the minute notes the time
    few = statements(url), statements("/api/v1/competitions")
    for number in range(6):
        make_entry(api.competition, make_organisation(api.competition.region, f"Dinas Baru {number}"),
                   status="submitted", title=f"Baru {number}")
        other = make_competition(name=f"Lomba {number}", region=make_region(f"Kota Baru {number}"))
        db.session.add(Membership(user=api.organiser, competition=other, role="verifier"))
    db.session.commit()
    assert (statements(url), statements("/api/v1/competitions")) == few


@pytest.mark.parametrize("method", ["GET", "PATCH"])
def test_an_id_too_large_for_the_database_is_not_found_whatever_the_method(client, api, method):
    """Not 405: the rule of another method must not match an id that the converter refuses."""
    secret = api.token(api.operator, "read", "write")
    answer = client.open("/api/v1/innovations/99999999999", method=method, headers=bearer(secret),
                         json={"title": "x"})
    problem_of(answer, 404)


def test_the_workflows_read_as_their_definitions_say(client, api):
    answer = client.get("/api/v1/workflows", headers=bearer(api.token(api.operator)))
    assert answer.status_code == 200
    by_name = {workflow["name"]: workflow for workflow in answer.get_json()}
    innovation = by_name["innovation"]
    assert innovation["initial"] == "draft" and "direction LR" in innovation["diagram"]
    submit = next(move for move in innovation["transitions"] if move["trigger"] == "submit")
    assert (submit["sources"], submit["dest"], submit["roles"]) == (["draft"], "submitted", ["submitter"])
    assert {"innovation", "competition"} <= set(by_name)


def test_the_documentation_page_shows_code_as_code_and_escapes_the_rest(client, app):
    from competition.api.docs import with_code

    assert str(with_code("send ``reason`` or `force` <b>")) == \
        "send <code>reason</code> or <code>force</code> &lt;b&gt;"
    page = client.get("/api/v1/docs").get_data(as_text=True)
    assert "<code>organisation_id</code>" in page and "``" not in page

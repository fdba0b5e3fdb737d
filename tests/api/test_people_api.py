"""API v1 for people: the token's owner, the organiser's users (listing, creating, inviting, roles,
switching accounts off and on, importing), organisations, notifications and the user's own tokens;
exactly as the people pages allow."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from competition.extensions import db
from competition.jobs.models import Job
from competition.models import ApiToken, Membership, Notification, Organisation, OutboxMessage, User
from competition.models.types import utcnow
from competition.people.tokens import create_token
from tests.api.test_api import Api, bearer, problem_of
from tests.factories import make_competition, make_organisation, make_user


class People(Api):
    def __init__(self):
        super().__init__()
        region = self.competition.region
        self.newcomer = make_user(organisation=make_organisation(region, "Dinas Pendidikan"),
                                  name="Pendatang")
        elsewhere = make_competition(name="Lomba Kota Lain")
        self.organiser_elsewhere = make_user(elsewhere, "organiser", name="Panitia Lain")
        self.stranger = make_user(elsewhere, "submitter",
                                  organisation=make_organisation(elsewhere.region, "Dinas Jauh"), name="Jauh")


@pytest.fixture
def people(app):
    return People()


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def writer(people, user) -> dict[str, str]:
    return bearer(people.token(user, "read", "write"))


# -- me --------------------------------------------------------------------------------------------

def test_me_is_the_token_s_owner_with_roles_and_scopes(client, people):
    me = client.get("/api/v1/me", headers=bearer(people.token(people.operator))).get_json()
    assert (me["email"], me["name"], me["organisation"], me["scopes"]) == (
        people.operator.email, "Operator Dinkes", "Dinas Kesehatan", ["read"])
    assert [(role["competition"], role["role"]) for role in me["roles"]] == [
        ("Lomba Inovasi 2026", "submitter")]
    problem_of(client.get("/api/v1/me"), 401)


# -- listing users ---------------------------------------------------------------------------------

def test_an_organiser_lists_the_people_of_their_region_and_filters_them(client, people):
    token = bearer(people.token(people.organiser))
    listed = client.get("/api/v1/users", headers=token).get_json()
    names = [item["name"] for item in listed["items"]]
    assert set(names) == {"Operator Dinkes", "Operator Kominfo", people.verifier.name, "Panitia", "Pendatang"}
    assert [item["id"] for item in listed["items"]] == sorted(item["id"] for item in listed["items"])
    assert listed["total"] == 5
    submitters = client.get("/api/v1/users", query_string={"role": "submitter"}, headers=token).get_json()
    assert {item["name"] for item in submitters["items"]} == {"Operator Dinkes", "Operator Kominfo"}
    dinkes = client.get("/api/v1/users", query_string={"organisation_id": people.dinkes.id},
                        headers=token).get_json()
    assert [item["name"] for item in dinkes["items"]] == ["Operator Dinkes"]
    people.other.active = False
    db.session.commit()
    inactive = client.get("/api/v1/users", query_string={"active": "false"}, headers=token).get_json()
    assert [item["name"] for item in inactive["items"]] == ["Operator Kominfo"]
    found = client.get("/api/v1/users", query_string={"q": "KOMINFO"}, headers=token).get_json()
    assert [item["name"] for item in found["items"]] == ["Operator Kominfo"]
    paged = client.get("/api/v1/users", query_string={"per_page": 2, "page": 3}, headers=token).get_json()
    assert (len(paged["items"]), paged["total"]) == (1, 5)
    wrong = problem_of(client.get("/api/v1/users", query_string={"role": "raja"}, headers=token), 422)
    assert set(wrong["errors"]) == {"role"}


@pytest.mark.parametrize("who", ["operator", "verifier"])
def test_only_organisers_list_users(client, people, who):
    problem_of(client.get("/api/v1/users", headers=bearer(people.token(getattr(people, who)))), 403)
    problem_of(client.get(f"/api/v1/users/{people.other.id}",
                          headers=bearer(people.token(getattr(people, who)))), 403)


def test_one_user_as_the_page_shows_them(client, people):
    token = bearer(people.token(people.organiser))
    shown = client.get(f"/api/v1/users/{people.operator.id}", headers=token)
    assert shown.status_code == 200 and shown.headers["ETag"]
    assert shown.get_json()["roles"][0]["role"] == "submitter"
    problem_of(client.get(f"/api/v1/users/{people.stranger.id}", headers=token), 403)
    problem_of(client.get("/api/v1/users/999999", headers=token), 404)
    problem_of(client.get(f"/api/v1/users/{people.operator.id}",
                          headers=bearer(people.token(people.organiser_elsewhere))), 403)


# -- creating and inviting -------------------------------------------------------------------------

def test_an_organiser_creates_a_user_with_roles_and_an_invitation(client, people):
    answer = client.post("/api/v1/users", headers=writer(people, people.organiser), json={
        "name": "Operator Baru", "email": "Baru@Example.go.id", "competition_id": people.competition.id,
        "organisation_id": people.kominfo.id, "roles": ["submitter"]})
    assert answer.status_code == 201, answer.get_json()
    made = db.session.get(User, answer.get_json()["id"])
    assert (made.email, made.organisation_id, made.region_id) == (
        "baru@example.go.id", people.kominfo.id, people.competition.region_id)
    assert [(m.competition_id, m.role) for m in made.memberships] == [(people.competition.id, "submitter")]
    assert count(OutboxMessage, OutboxMessage.recipient == "baru@example.go.id") == 1
    with_password = client.post("/api/v1/users", headers=writer(people, people.organiser), json={
        "name": "Juri Kampus", "email": "juri@kampus.ac.id", "competition_id": people.competition.id,
        "roles": ["judge"], "password": "kata sandi yang panjang sekali"})
    assert with_password.status_code == 201
    assert count(OutboxMessage, OutboxMessage.recipient == "juri@kampus.ac.id") == 0


@pytest.mark.parametrize("body, field", [
    ({"competition_id": "elsewhere"}, "competition_id"),
    ({"organisation_id": None, "roles": ["submitter"]}, "organisation_id"),
    ({"organisation_id": "foreign"}, "organisation_id"),
    ({"organisation_id": None, "roles": []}, "roles"),
    ({"roles": ["raja"]}, "roles"),
    ({"password": "pendek"}, "password"),
    ({"warna": "biru"}, "warna"),
])
def test_bad_new_users_name_the_field_and_nothing_is_stored(client, people, body, field):
    values = {"name": "Operator Baru", "email": "baru@example.go.id", "competition_id": people.competition.id,
              "organisation_id": people.kominfo.id, "roles": ["submitter"], **body}
    if values["competition_id"] == "elsewhere":
        values["competition_id"] = people.foreign.competition_id
    if values["organisation_id"] == "foreign":
        values["organisation_id"] = people.stranger.organisation_id
    before = count(User), count(OutboxMessage)
    answer = client.post("/api/v1/users", headers=writer(people, people.organiser), json=values)
    assert set(problem_of(answer, 422)["errors"]) == {field}
    assert (count(User), count(OutboxMessage)) == before


def test_a_known_address_is_refused_and_only_organisers_create_users(client, people):
    values = {"name": "Lagi", "email": people.operator.email, "competition_id": people.competition.id,
              "roles": ["judge"]}
    before = count(User)
    assert len(problem_of(client.post("/api/v1/users", headers=writer(people, people.organiser), json=values),
                          422)["errors"]) == 1
    values["email"] = "baru@example.go.id"
    problem_of(client.post("/api/v1/users", headers=writer(people, people.operator), json=values), 403)
    problem_of(client.post("/api/v1/users", headers=bearer(people.token(people.organiser)), json=values), 403)
    assert count(User) == before


def test_an_invitation_is_sent_again_but_not_to_a_switched_off_account(client, people):
    token = writer(people, people.organiser)
    sent = client.post(f"/api/v1/users/{people.newcomer.id}/invite", headers=token)
    assert sent.status_code == 204
    assert count(OutboxMessage, OutboxMessage.recipient == people.newcomer.email) == 1
    problem_of(client.post(f"/api/v1/users/{people.stranger.id}/invite", headers=token), 403)
    people.newcomer.active = False
    db.session.commit()
    problem_of(client.post(f"/api/v1/users/{people.newcomer.id}/invite", headers=token), 409)
    assert count(OutboxMessage) == 1


# -- roles -----------------------------------------------------------------------------------------

def test_an_organiser_grants_and_revokes_roles_in_their_competitions(client, people):
    token = writer(people, people.organiser)
    url = f"/api/v1/users/{people.newcomer.id}/roles"
    granted = client.post(url, json={"competition_id": people.competition.id, "role": "verifier"},
                          headers=token)
    assert granted.status_code == 201
    membership = db.session.get(Membership, granted.get_json()["id"])
    assert (membership.user_id, membership.role) == (people.newcomer.id, "verifier")
    elsewhere = problem_of(client.post(url, json={"competition_id": people.foreign.competition_id,
                                                  "role": "judge"}, headers=token), 422)
    assert set(elsewhere["errors"]) == {"competition_id"}
    problem_of(client.post(url, json={"competition_id": people.competition.id, "role": "raja"},
                           headers=token), 422)
    revoked = client.delete(f"{url}/{membership.id}", headers=token)
    assert revoked.status_code == 204
    assert count(Membership, Membership.user_id == people.newcomer.id) == 0


def test_roles_are_not_granted_or_revoked_by_others(client, people):
    membership = people.operator.memberships[0]
    before = count(Membership)
    body = {"competition_id": people.competition.id, "role": "judge"}
    problem_of(client.post(f"/api/v1/users/{people.newcomer.id}/roles", json=body,
                           headers=writer(people, people.operator)), 403)
    problem_of(client.post(f"/api/v1/users/{people.operator.id}/roles", json=body,
                           headers=writer(people, people.organiser_elsewhere)), 403)
    problem_of(client.delete(f"/api/v1/users/{people.operator.id}/roles/{membership.id}",
                             headers=writer(people, people.organiser_elsewhere)), 403)
    problem_of(client.delete(f"/api/v1/users/{people.other.id}/roles/{membership.id}",
                             headers=writer(people, people.organiser)), 404)
    own = people.organiser.memberships[0]
    refused = problem_of(client.delete(f"/api/v1/users/{people.organiser.id}/roles/{own.id}",
                                       headers=writer(people, people.organiser)), 422)
    assert len(refused["errors"]) == 1
    assert count(Membership) == before


# -- switching accounts off and on -----------------------------------------------------------------

def test_switching_an_account_off_needs_its_current_etag(client, people):
    token = writer(people, people.organiser)
    url = f"/api/v1/users/{people.other.id}/active"
    etag = client.get(f"/api/v1/users/{people.other.id}", headers=token).headers["ETag"]
    problem_of(client.put(url, json={"active": False}, headers=token), 428)
    problem_of(client.put(url, json={"active": False}, headers={**token, "If-Match": '"stale"'}), 412)
    problem_of(client.put(url, json={"active": "vielleicht"}, headers={**token, "If-Match": etag}), 422)
    assert db.session.get(User, people.other.id).active
    done = client.put(url, json={"active": False}, headers={**token, "If-Match": etag})
    assert done.status_code == 200 and done.get_json()["active"] is False
    assert done.headers["ETag"] != etag
    db.session.expire_all()
    assert not db.session.get(User, people.other.id).active
    problem_of(client.put(url, json={"active": True}, headers={**token, "If-Match": etag}), 412)


def test_nobody_switches_off_their_own_account_or_one_not_theirs(client, people):
    token = writer(people, people.organiser)
    own = f"/api/v1/users/{people.organiser.id}"
    etag = client.get(own, headers=token).headers["ETag"]
    problem_of(client.put(f"{own}/active", json={"active": False}, headers={**token, "If-Match": etag}), 422)
    problem_of(client.put(f"/api/v1/users/{people.stranger.id}/active", json={"active": False},
                          headers={**token, "If-Match": '"x"'}), 403)
    problem_of(client.put(f"/api/v1/users/{people.other.id}/active", json={"active": False},
                          headers={**writer(people, people.operator), "If-Match": '"x"'}), 403)
    db.session.expire_all()
    assert all(user.active for user in db.session.scalars(select(User)))


# -- importing -------------------------------------------------------------------------------------

def send_csv(client, people, text: str, user=None, **fields):
    return client.post("/api/v1/users/import", headers=writer(people, user or people.organiser),
                       content_type="multipart/form-data",
                       data={"file": (io.BytesIO(text.encode()), "pengguna.csv"),
                             "competition_id": str(people.competition.id), **fields})


def test_an_organiser_imports_users_all_or_nothing(client, people):
    good = ("email,name,organisation,role\n"
            "op.pendidikan@example.go.id,Operator Pendidikan,Dinas Pendidikan,submitter\n"
            f"{people.newcomer.email},Pendatang,,judge\n")
    done = send_csv(client, people, good)
    assert done.status_code == 200, done.get_json()
    assert done.get_json() == {"created": ["op.pendidikan@example.go.id"],
                               "roles_granted": [f"{people.newcomer.email}: judge"], "unchanged": []}
    assert count(OutboxMessage, OutboxMessage.recipient == "op.pendidikan@example.go.id") == 1
    before = count(User), count(Membership)
    bad = ("email,name,organisation,role\n"
           "satu@example.go.id,Satu,Dinas Kesehatan,submitter\n"
           "bukan-surel,Dua,,judge\n"
           "tiga@example.go.id,,Dinas Antah,raja\n")
    refused = problem_of(send_csv(client, people, bad), 422)
    assert sorted({key.split(".")[0] for key in refused["errors"]}) == ["row 3", "row 4"]
    assert len([key for key in refused["errors"] if key.startswith("row 4.")]) == 3
    assert (count(User), count(Membership)) == before


def test_a_large_import_runs_as_a_background_job(client, app, people):
    app.config["JOBS_IMPORT_INLINE_ROWS"] = 2
    rows = "".join(f"baru{n}@example.go.id,Pegawai Baru {n},Dinas Pendidikan,judge\n" for n in range(1, 4))
    started = send_csv(client, people, "email,name,organisation,role\n" + rows)
    assert started.status_code == 202, started.get_json()
    job = db.session.get(Job, started.get_json()["job_id"])
    assert started.get_json()["url"].endswith(f"/jobs/{job.id}")
    db.session.refresh(job)
    assert (job.kind, job.status, job.requested_by_id) == ("people_import", "done", people.organiser.id)
    assert count(User, User.email.like("baru%")) == 3


def test_organisations_are_imported_into_the_competition_s_region(client, people):
    done = send_csv(client, people, "name,short_name,parent\nBadan Pendapatan Daerah,Bapenda,\n",
                    kind="organisations")
    assert done.status_code == 200 and done.get_json()["created"] == ["Badan Pendapatan Daerah"]
    assert db.session.scalar(select(Organisation.region_id).where(Organisation.short_name == "Bapenda")) == \
        people.competition.region_id


def test_imports_are_for_organisers_of_the_competition_with_a_csv_or_xlsx(client, people):
    before = count(User)
    text = "email,name,organisation,role\nx@example.go.id,X,,judge\n"
    problem_of(send_csv(client, people, text, user=people.operator), 403)
    other = client.post("/api/v1/users/import", headers=writer(people, people.organiser),
                        content_type="multipart/form-data",
                        data={"file": (io.BytesIO(text.encode()), "pengguna.csv"),
                              "competition_id": str(people.foreign.competition_id)})
    assert set(problem_of(other, 422)["errors"]) == {"competition_id"}
    wrong = client.post("/api/v1/users/import", headers=writer(people, people.organiser),
                        content_type="multipart/form-data",
                        data={"file": (io.BytesIO(b"MZ"), "virus.exe"),
                              "competition_id": str(people.competition.id)})
    assert len(problem_of(wrong, 422)["errors"]) == 1
    missing = client.post("/api/v1/users/import", headers=writer(people, people.organiser),
                          content_type="multipart/form-data", data={"competition_id": "x"})
    assert set(problem_of(missing, 422)["errors"]) == {"file", "competition_id"}
    assert count(User) == before


# -- organisations ---------------------------------------------------------------------------------

def test_organisations_of_the_user_s_regions_and_of_a_competition(client, people):
    token = bearer(people.token(people.operator))
    listed = client.get("/api/v1/organisations", headers=token).get_json()
    names = [item["name"] for item in listed["items"]]
    assert set(names) == {"Dinas Kesehatan", "Dinas Komunikasi dan Informatika", "Inspektorat",
                          "Dinas Pendidikan"}
    assert "Dinas Jauh" not in names and listed["total"] == 4
    one = client.get(f"/api/v1/competitions/{people.competition.id}/organisations",
                     query_string={"per_page": 1}, headers=token).get_json()
    assert (len(one["items"]), one["total"]) == (1, 4)
    problem_of(client.get(f"/api/v1/competitions/{people.foreign.competition_id}/organisations",
                          headers=token), 404)


# -- notifications ---------------------------------------------------------------------------------

def test_each_user_reads_and_marks_their_own_notifications(client, people):
    for number in range(3):
        db.session.add(Notification(user_id=people.operator.id, entry_id=people.draft.id if number else None,
                                    message=f"Kabar {number}", created_at=utcnow()))
    db.session.add(Notification(user_id=people.other.id, message="Bukan untukmu", created_at=utcnow()))
    db.session.commit()
    token = writer(people, people.operator)
    listed = client.get("/api/v1/notifications", headers=token).get_json()
    assert [item["message"] for item in listed["items"]] == ["Kabar 2", "Kabar 1", "Kabar 0"]
    marked = client.post("/api/v1/notifications/read", json={"innovation_id": people.draft.id}, headers=token)
    assert marked.get_json() == {"marked": 2}
    unread = client.get("/api/v1/notifications", query_string={"unread": "true"}, headers=token).get_json()
    assert [item["message"] for item in unread["items"]] == ["Kabar 0"]
    assert client.post("/api/v1/notifications/read", json={}, headers=token).get_json() == {"marked": 1}
    assert count(Notification, Notification.read_at.is_(None)) == 1     # the other user's
    problem_of(client.post("/api/v1/notifications/read", json={"semua": True}, headers=token), 422)
    problem_of(client.post("/api/v1/notifications/read", json={},
                           headers=bearer(people.token(people.operator))), 403)


# -- tokens ----------------------------------------------------------------------------------------

def test_each_user_lists_and_revokes_their_own_tokens_only(client, people):
    secret = people.token(people.operator, "read", "write")
    theirs = create_token(people.other, name="Milik orang lain", scopes=["read"], days=5).token
    db.session.commit()
    listed = client.get("/api/v1/tokens", headers=bearer(secret)).get_json()
    assert [item["name"] for item in listed["items"]] == ["skrip"] and secret not in str(listed)
    assert listed["items"][0]["scopes"] == ["read", "write"]
    problem_of(client.delete(f"/api/v1/tokens/{theirs.id}", headers=bearer(secret)), 404)
    assert db.session.get(ApiToken, theirs.id).revoked_at is None
    other = create_token(people.operator, name="Cadangan", scopes=["read"], days=5).token
    db.session.commit()
    assert client.delete(f"/api/v1/tokens/{other.id}", headers=bearer(secret)).status_code == 204
    db.session.expire_all()
    assert db.session.get(ApiToken, other.id).revoked_at is not None
    own = listed["items"][0]["id"]
    assert client.delete(f"/api/v1/tokens/{own}", headers=bearer(secret)).status_code == 204
    problem_of(client.get("/api/v1/tokens", headers=bearer(secret)), 401)


def test_junk_bodies_to_people_get_problems_and_store_nothing(app, client):
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from tests.api.test_api_junk import JSON, row_counts

    people = People()
    token = writer(people, people.organiser)
    etag = client.get(f"/api/v1/users/{people.other.id}", headers=token).headers["ETag"]
    fields = ["name", "email", "competition_id", "organisation_id", "roles", "password", "role", "active",
              "innovation_id", "notification_id", "x"]
    bodies = st.dictionaries(st.sampled_from(fields), JSON, max_size=4) | JSON
    where = {"users": ("POST", "/api/v1/users"),
             "roles": ("POST", f"/api/v1/users/{people.newcomer.id}/roles"),
             "active": ("PUT", f"/api/v1/users/{people.other.id}/active"),
             "read": ("POST", "/api/v1/notifications/read")}

    @settings(max_examples=120, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(body=bodies, target=st.sampled_from(sorted(where)))
    def one(body, target):
        before = row_counts()
        method, url = where[target]
        answer = client.open(url, method=method, json=body, headers={**token, "If-Match": etag})
        assert answer.status_code < 500, (answer.status_code, body)
        if answer.status_code >= 400:
            assert answer.mimetype == "application/problem+json", body
            assert row_counts() == before, (answer.status_code, body)

    one()


def test_a_service_refusal_names_its_field_in_english_whatever_the_language(client, people):
    """The ``errors`` keys are field names a script can rely on, though the messages beside them
    are in the caller's language (Bahasa Indonesia here: a token request has no session)."""
    values = {"name": "Lagi", "email": people.operator.email, "competition_id": people.competition.id,
              "roles": ["judge"]}
    answer = client.post("/api/v1/users", headers=writer(people, people.organiser), json=values)
    refused = problem_of(answer, 422)
    assert list(refused["errors"]) == ["email"]
    assert "tidak dapat" in refused["errors"]["email"][0] or "surel" in refused["detail"]

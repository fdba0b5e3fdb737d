"""API v1: the IID rehearsal, with the same figures as the page, If-Match on every change, and the
same refusals."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from competition.extensions import db
from competition.models import IndicatorLevel
from competition.people.tokens import create_token
from tests.api.test_api import bearer, problem_of
from tests.iid.test_rehearsal import Region


@pytest.fixture
def region(app):
    return Region()


def token(user, *scopes):
    made = create_token(user, name="skrip", scopes=scopes or ("read",), days=30)
    db.session.commit()
    return bearer(made.secret)


def patch(client, path, body, headers, etag=None):
    return client.patch(path, json=body, headers={**headers, **({"If-Match": etag} if etag else {})})


def test_claim_verify_and_region_through_the_api_give_the_pages_figures(client, region):
    organiser = token(region.organiser, "read", "write")
    operator = token(region.operator, "read", "write")
    verifier = token(region.verifier, "read", "write")
    spd = f"/api/v1/competitions/{region.competition.id}/iid/region"
    read = client.get(spd, headers=organiser)
    assert read.status_code == 200 and [row["level"] for row in read.get_json()["rows"]] == [0] * 20
    problem_of(patch(client, spd, {"levels": {"spd_1a": 2}}, organiser), 428)
    changed = patch(client, spd, {"levels": {row["row"]: 2 for row in read.get_json()["rows"]}}, organiser,
                    read.headers["ETag"])
    assert changed.status_code == 200, changed.get_data(as_text=True)
    problem_of(patch(client, spd, {"levels": {"spd_1a": 3}}, organiser, read.headers["ETag"]), 412)

    sehat = f"/api/v1/innovations/{region.sehat.id}/iid"
    shown = client.get(sehat, headers=operator)
    assert shown.get_json()["may_claim"] is True and shown.get_json()["may_verify"] is False
    claimed = patch(client, sehat + "/claims", {"levels": {
        "regulasi": {"level": 3, "evidence_id": region.sehat_evidence},
        "video": {"level": 2, "evidence_id": region.sehat_evidence}, "sdm": {"level": 1}}},
        operator, shown.headers["ETag"])
    assert claimed.status_code == 200, claimed.get_data(as_text=True)
    before = client.get(sehat, headers=verifier)
    verified = patch(client, sehat + "/verification", {"levels": {
        "regulasi": {"level": 3}, "video": {"level": 1, "note": "Video 1 menit tanpa narasi"},
        "sdm": {"level": 1}}}, verifier, before.headers["ETag"])
    assert verified.status_code == 200, verified.get_data(as_text=True)
    rapor = f"/api/v1/innovations/{region.rapor.id}/iid"
    etag = client.get(rapor, headers=organiser).headers["ETag"]
    assert patch(client, rapor + "/claims", {"levels": {"kemanfaatan": {
        "level": 3, "evidence_id": region.rapor_evidence}}}, organiser, etag).status_code == 200

    whole = client.get(f"/api/v1/competitions/{region.competition.id}/iid", headers=organiser).get_json()
    # As tests/iid/test_rehearsal.py works out by hand for the same region.
    assert (whole["claimed"]["iid"], whole["verified"]["iid"]) == ("17.67", "17.23")
    older = client.get(f"/api/v1/competitions/{region.competition.id}/iid",
                       query_string={"model": "iid_2023"}, headers=organiser).get_json()
    assert (older["claimed"]["iid"], older["verified"]["iid"]) == ("17.84", "17.32")
    mine = client.get(f"/api/v1/competitions/{region.competition.id}/iid", headers=operator).get_json()
    assert {i["title"] for i in mine["innovations"]} == {"Si-Sehat", "Masih draf"}


def test_raising_a_level_above_the_claim_is_refused_naming_the_indicator(client, region):
    operator = token(region.operator, "read", "write")
    verifier = token(region.verifier, "read", "write")
    sehat = f"/api/v1/innovations/{region.sehat.id}/iid"
    etag = client.get(sehat, headers=operator).headers["ETag"]
    claim = {"levels": {"regulasi": {"level": 1, "evidence_id": region.sehat_evidence}}}
    assert patch(client, sehat + "/claims", claim, operator, etag).status_code == 200
    etag = client.get(sehat, headers=verifier).headers["ETag"]
    body = problem_of(patch(client, sehat + "/verification", {"levels": {"regulasi": {"level": 3}}}, verifier,
                            etag), 422)
    assert "regulasi" in str(body)
    assert db.session.scalar(select(IndicatorLevel.verified_level)) is None


@pytest.mark.parametrize("body", [
    {"levels": {"regulasi": {"level": 4}}}, {"levels": {"regulasi": {"level": -1}}},
    {"levels": {"x" * 41: {"level": 1}}}, {"levels": {"regulasi": {"level": 1, "evidence_id": 2**31}}},
    {"levels": {"regulasi": {"level": 1, "extra": True}}}, {"levels": {}, "model": "iid_1999"}])
def test_bad_bodies_are_refused_before_anything_is_read(client, region, body):
    operator = token(region.operator, "read", "write")
    sehat = f"/api/v1/innovations/{region.sehat.id}/iid"
    etag = client.get(sehat, headers=operator).headers["ETag"]
    problem_of(patch(client, sehat + "/claims", body, operator, etag), 422)
    assert db.session.scalar(select(func.count()).select_from(IndicatorLevel)) == 0


def test_the_others_are_refused(client, region):
    judge = token(region.judge)
    problem_of(client.get(f"/api/v1/competitions/{region.competition.id}/iid", headers=judge), 403)
    problem_of(client.get(f"/api/v1/innovations/{region.sehat.id}/iid", headers=judge), 404)
    other = token(region.dindik_operator, "read", "write")
    problem_of(patch(client, f"/api/v1/innovations/{region.sehat.id}/iid/claims",
                     {"levels": {"regulasi": {"level": 1}}}, other, '"x"'), 404)
    read_only = token(region.operator)
    problem_of(patch(client, f"/api/v1/innovations/{region.sehat.id}/iid/claims",
                     {"levels": {"regulasi": {"level": 1}}}, read_only, '"x"'), 403)

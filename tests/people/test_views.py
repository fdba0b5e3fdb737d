"""The organiser's user pages through the HTTP client: listing, creating with an invitation,
roles per competition, deactivation and importing OPDs and users."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import select

from competition.extensions import db
from competition.models import Membership, Organisation, OutboxMessage, User
from tests.factories import PASSWORD, make_competition, make_organisation, make_user
from tests.web.pages import page, sign_in


class Office:
    def __init__(self):
        self.competition = make_competition(name="Lomba Inovasi Kota 2026")
        region = self.competition.region
        self.bappeda = make_organisation(region, "Bappeda")
        self.dinkes = make_organisation(region, "Dinas Kesehatan")
        self.organiser = make_user(self.competition, "organiser", organisation=self.bappeda, name="Panitia")
        self.operator = make_user(self.competition, "submitter", organisation=self.dinkes,
                                  name="Operator Dinkes")
        self.judge = make_user(self.competition, "judge", name="Juri Kampus")
        elsewhere = make_competition(name="Lomba Kabupaten Tetangga")
        self.stranger = make_user(elsewhere, "submitter", organisation=make_organisation(elsewhere.region),
                                  name="Orang Kabupaten")
        self.other_organiser = make_user(elsewhere, "organiser", name="Panitia Tetangga")


@pytest.fixture
def office(app):
    return Office()


def test_only_organisers_reach_the_user_pages(client, office):
    assert client.get("/people").status_code == 302  # to the sign-in page
    sign_in(client, office.operator)
    for url in ("/people", "/people/new", "/people/import", f"/people/{office.judge.id}",
                "/people/import/example-users.csv"):
        assert client.get(url).status_code == 403, url
    assert client.post(f"/people/{office.judge.id}/active", data={"active": "0"}).status_code == 403
    assert office.judge.active


def test_the_list_shows_my_region_and_my_competitions_people_only(client, office):
    sign_in(client, office.organiser)
    listing = page(client.get("/people"))
    for name in ("Panitia", "Operator Dinkes", "Juri Kampus"):
        assert name in listing
    assert "Orang Kabupaten" not in listing and "Panitia Tetangga" not in listing
    assert client.get(f"/people/{office.stranger.id}").status_code == 403
    judges = page(client.get("/people", query_string={"role": "judge"}))
    assert "Juri Kampus" in judges and "Operator Dinkes" not in judges
    found = page(client.get("/people", query_string={"q": "DINKES"}))
    assert "Operator Dinkes" in found and "Juri Kampus" not in found


def test_the_list_takes_the_same_queries_for_ten_or_fifty_users(client, office, app):
    from sqlalchemy import event

    sign_in(client, office.organiser)

    def count_queries() -> int:
        statements = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert client.get("/people").status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(statements)

    for _ in range(10):
        make_user(office.competition, "verifier", organisation=office.bappeda)
    few = count_queries()
    for _ in range(40):
        make_user(office.competition, "judge", "verifier", organisation=office.dinkes)
    assert count_queries() == few


def test_creating_a_user_sends_an_invitation_that_sets_the_password(client, office):
    sign_in(client, office.organiser)
    response = client.post("/people/new", data={
        "name": "Operator Baru", "email": "Baru@Kota.go.id", "organisation": office.dinkes.id,
        "competition": office.competition.id, "roles": ["submitter"], "password": ""},
        follow_redirects=True)
    assert "an invitation to choose a password is on its way to baru@kota.go.id" in page(response)
    user = db.session.scalar(select(User).where(User.email == "baru@kota.go.id"))
    assert user.organisation == office.dinkes
    assert [m.role for m in user.memberships] == ["submitter"]
    mail = db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == "baru@kota.go.id"))
    assert "Panitia" in mail.body and "Dinas Kesehatan" in mail.body
    link = re.search(r"http://127\.0\.0\.1:5000(/welcome/\S+)", mail.body).group(1)
    client.post("/logout")
    welcome = page(client.get(link))
    assert "baru@kota.go.id" in welcome
    client.post(link, data={"new": "kata-sandi-baru", "repeat": "kata-sandi-baru"})
    assert client.post("/login", data={"email": "baru@kota.go.id",
                                       "password": "kata-sandi-baru"}).status_code == 302
    # The link works once.
    client.post("/logout")
    assert client.get(link).status_code == 302


def test_creating_a_user_refuses_bad_input_and_keeps_nothing(client, office):
    sign_in(client, office.organiser)
    response = client.post("/people/new", data={
        "name": "Tanpa OPD", "email": "lepas@kota.go.id", "organisation": 0,
        "competition": office.competition.id, "roles": ["submitter"]})
    assert "An OPD operator needs an OPD." in page(response)
    response = client.post("/people/new", data={
        "name": "Ganda", "email": office.operator.email, "organisation": office.dinkes.id,
        "competition": office.competition.id, "roles": ["submitter"]}, follow_redirects=True)
    assert f"{office.operator.email} is already registered" in page(response)
    response = client.post("/people/new", data={
        "name": "Lain", "email": "lain@kota.go.id", "organisation": office.dinkes.id,
        "competition": make_competition().id, "roles": ["verifier"]})
    assert "Choose one of your competitions." in page(response)
    refused = ["lepas@kota.go.id", "lain@kota.go.id"]
    assert db.session.scalar(select(User).where(User.email.in_(refused))) is None


def test_roles_are_granted_and_revoked_per_competition(client, office):
    sign_in(client, office.organiser)
    response = client.post(f"/people/{office.judge.id}/roles", data={
        "competition": office.competition.id, "role": "verifier"}, follow_redirects=True)
    assert "Juri Kampus is now Verifier in Lomba Inovasi Kota 2026." in page(response)
    membership = db.session.scalar(select(Membership).where(
        Membership.user_id == office.judge.id, Membership.role == "verifier"))
    response = client.post(f"/people/{office.judge.id}/roles/{membership.id}/revoke", follow_redirects=True)
    assert "is no longer Verifier" in page(response)
    assert [m.role for m in office.judge.memberships] == ["judge"]
    response = client.post(f"/people/{office.judge.id}/roles", data={
        "competition": office.competition.id, "role": "submitter"}, follow_redirects=True)
    assert "has no organisation, so cannot submit for one" in page(response)
    own = office.organiser.memberships[0]
    response = client.post(f"/people/{office.organiser.id}/roles/{own.id}/revoke", follow_redirects=True)
    assert "you cannot remove your own organiser role" in page(response)


def test_a_deactivated_user_cannot_sign_in(client, office):
    def set_active(user, value):
        return page(client.post(f"/people/{user.id}/active", data={"active": value}, follow_redirects=True))

    def operator_signs_in():
        return client.post("/login", data={"email": office.operator.email, "password": PASSWORD}).status_code

    sign_in(client, office.organiser)
    assert "can no longer sign in" in set_active(office.operator, "0")
    assert "You cannot deactivate your own account." in set_active(office.organiser, "0")
    client.post("/logout")
    assert operator_signs_in() == 200  # the form again, with the refusal
    sign_in(client, office.organiser)
    set_active(office.operator, "1")
    client.post("/logout")
    assert operator_signs_in() == 302


def upload(client, kind, name, content, competition):
    return client.post("/people/import", data={
        "kind": kind, "competition": competition.id,
        "file": (io.BytesIO(content.encode()), name)}, content_type="multipart/form-data")


def test_importing_opds_then_users(client, office):
    sign_in(client, office.organiser)
    response = upload(client, "organisations", "opd.csv",
                      "name,short_name,parent\nDinas Pendidikan,Disdik,\nUPT SD Negeri 1,,Dinas Pendidikan\n"
                      "Bappeda,,\n", office.competition)
    assert response.status_code == 200
    assert "2 new, 1 already there." in page(response)
    upt = db.session.scalar(select(Organisation).where(Organisation.name == "UPT SD Negeri 1"))
    assert upt.parent.name == "Dinas Pendidikan" and upt.region == office.competition.region
    response = upload(client, "users", "pengguna.csv",
                      "email,name,organisation,role\nop@disdik.go.id,Operator Disdik,Disdik,submitter\n",
                      office.competition)
    assert "1 new user, sent an invitation" in page(response) and "Operator Disdik" in page(response)
    assert db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == "op@disdik.go.id"))


def test_a_bad_import_names_every_row_and_saves_nothing(client, office):
    sign_in(client, office.organiser)
    response = upload(client, "users", "pengguna.csv",
                      "email,name,organisation,role\nok@kota.go.id,Ok,Bappeda,verifier\n"
                      "salah,Salah,Bappeda,\n,,Dinas Entah,\n", office.competition)
    assert response.status_code == 422
    text = page(response)
    assert "Nothing was imported: 4 problems to fix" in text
    assert "pengguna.csv row 3: email: &#39;salah&#39; is not an e-mail address" in text
    assert "pengguna.csv row 4: organisation: &#39;Dinas Entah&#39; is not an OPD" in text
    assert db.session.scalar(select(User).where(User.email == "ok@kota.go.id")) is None
    response = upload(client, "users", "pengguna.txt", "x", office.competition)
    assert response.status_code == 422 and "Only .csv and .xlsx files." in page(response)


def test_import_problems_speak_indonesian_by_default(client, office):
    sign_in(client, office.organiser, language="id")
    response = upload(client, "organisations", "opd.csv", "nama\nDinas\n", office.competition)
    assert response.status_code == 422
    assert "opd.csv baris 1: kolom harus name, short_name, parent (wajib: name)" in page(response)

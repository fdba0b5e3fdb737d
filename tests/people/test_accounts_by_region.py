"""Accounts belong to a region. An organiser manages the accounts of their own region who take
part in their competitions (or in none yet); never an account of another region, and never the
organiser of a competition they do not organise. An import or a new user naming an account of
another region is refused without saying whether that e-mail is registered."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from competition.extensions import db
from competition.models import Membership, User
from tests.factories import make_competition, make_organisation, make_region, make_user
from tests.web.pages import page, sign_in


class TwoRegions:
    def __init__(self):
        self.kediri = make_region("Kota Kediri")
        self.blitar = make_region("Kota Blitar")
        self.kediri_competition = make_competition(self.kediri, name="Lomba Inovasi Kota Kediri")
        self.kediri_award = make_competition(self.kediri, name="Anugerah Pelayanan Publik Kota Kediri")
        self.blitar_competition = make_competition(self.blitar, name="Lomba Inovasi Kota Blitar")
        bappeda = make_organisation(self.kediri, "Bappeda Kota Kediri")
        self.dinkes = make_organisation(self.kediri, "Dinas Kesehatan Kota Kediri")
        self.kediri_organiser = make_user(self.kediri_competition, "organiser", organisation=bappeda,
                                          name="Panitia Kediri")
        self.award_organiser = make_user(self.kediri_award, "organiser", name="Panitia Anugerah")
        self.blitar_organiser = make_user(self.blitar_competition, "organiser", name="Panitia Blitar")
        self.kediri_operator = make_user(self.kediri_competition, "submitter", organisation=self.dinkes,
                                         name="Operator Dinkes Kediri")
        self.kediri_newcomer = make_user(organisation=self.dinkes, name="Pegawai Baru Kediri")


@pytest.fixture
def regions(app):
    return TwoRegions()


def import_users(client, competition, content):
    return client.post("/people/import", data={
        "kind": "users", "competition": competition.id,
        "file": (io.BytesIO(content.encode()), "pengguna.csv")}, content_type="multipart/form-data")


def roles_of(user: User) -> list[tuple[int, str]]:
    return sorted(tuple(row) for row in db.session.execute(select(Membership.competition_id, Membership.role)
                                     .where(Membership.user_id == user.id)))


def test_every_account_belongs_to_a_region(regions):
    assert regions.kediri_operator.region == regions.kediri
    assert regions.kediri_organiser.region == regions.kediri
    assert regions.blitar_organiser.region == regions.blitar  # no OPD: the region they were made in


def test_an_import_cannot_take_over_an_account_of_another_region(client, regions):
    victim = regions.kediri_organiser
    before = roles_of(victim)
    sign_in(client, regions.blitar_organiser)
    response = import_users(client, regions.blitar_competition,
                            f"email,name,organisation,role\n{victim.email},Siapa Saja,,judge\n")
    assert response.status_code == 422
    text = page(response)
    assert f"pengguna.csv row 2: email: {victim.email} cannot be added here" in text
    # Nothing tells the importer that the address is registered, or where.
    start = text.index("Nothing was imported")
    problems = text[start:text.index("</ul>", start)]
    for secret in ("already", "registered", "Kota Kediri", "Panitia Kediri"):
        assert secret not in problems
    assert "Kota Kediri" not in text and "Panitia Kediri" not in text
    assert roles_of(victim) == before
    assert client.get(f"/people/{victim.id}").status_code == 403
    assert client.post(f"/people/{victim.id}/active", data={"active": "0"}).status_code == 403
    db.session.refresh(victim)
    assert victim.active


def test_creating_a_user_with_an_address_of_another_region_says_nothing_about_it(client, regions):
    sign_in(client, regions.blitar_organiser)
    response = client.post("/people/new", data={
        "name": "Siapa Saja", "email": regions.kediri_operator.email, "organisation": 0,
        "competition": regions.blitar_competition.id, "roles": ["judge"]}, follow_redirects=True)
    text = page(response)
    assert f"email: {regions.kediri_operator.email} cannot be added here" in text
    for secret in ("already", "registered", "Kota Kediri", "Operator Dinkes"):
        assert secret not in text
    assert roles_of(regions.kediri_operator) == [(regions.kediri_competition.id, "submitter")]


def test_an_organiser_cannot_manage_the_organiser_of_another_competition(client, regions):
    """Same region, different competitions: the other organiser's account is not theirs to run."""
    sign_in(client, regions.kediri_organiser)
    other = regions.award_organiser
    assert client.get(f"/people/{other.id}").status_code == 403
    assert client.post(f"/people/{other.id}/active", data={"active": "0"}).status_code == 403
    assert client.post(f"/people/{other.id}/invite").status_code == 403
    assert client.post(f"/people/{other.id}/roles", data={
        "competition": regions.kediri_competition.id, "role": "judge"}).status_code == 403
    db.session.refresh(other)
    assert other.active and roles_of(other) == [(regions.kediri_award.id, "organiser")]
    assert "Panitia Anugerah" not in page(client.get("/people"))


def test_an_organiser_manages_their_own_people_and_newcomers_of_their_region(client, regions):
    sign_in(client, regions.kediri_organiser)
    listing = page(client.get("/people"))
    assert "Operator Dinkes Kediri" in listing and "Pegawai Baru Kediri" in listing
    assert "Panitia Blitar" not in listing
    newcomer = regions.kediri_newcomer
    response = client.post(f"/people/{newcomer.id}/roles", data={
        "competition": regions.kediri_competition.id, "role": "verifier"}, follow_redirects=True)
    assert "is now Verifier" in page(response)
    assert client.post(f"/people/{regions.kediri_operator.id}/active",
                       data={"active": "0"}).status_code == 302
    db.session.refresh(regions.kediri_operator)
    assert not regions.kediri_operator.active


def test_an_import_into_my_region_still_grants_roles_to_my_people(client, regions):
    sign_in(client, regions.kediri_organiser)
    newcomer = regions.kediri_newcomer
    response = import_users(client, regions.kediri_competition,
                            f"email,name,organisation,role\n{newcomer.email},Pegawai Baru Kediri,,judge\n"
                            "juri.kampus@unp.ac.id,Juri Kampus,,judge\n")
    assert response.status_code == 200, page(response)
    assert roles_of(newcomer) == [(regions.kediri_competition.id, "judge")]
    judge = db.session.scalar(select(User).where(User.email == "juri.kampus@unp.ac.id"))
    assert judge.region == regions.kediri


def test_granting_oneself_a_judging_role_warns(client, regions):
    sign_in(client, regions.kediri_organiser)
    response = client.post(f"/people/{regions.kediri_organiser.id}/roles", data={
        "competition": regions.kediri_competition.id, "role": "judge"}, follow_redirects=True)
    text = page(response)
    assert "You are now Judge in Lomba Inovasi Kota Kediri, as well as its organiser" in text
    assert db.session.scalar(select(func.count()).select_from(Membership).where(
        Membership.user_id == regions.kediri_organiser.id, Membership.role == "judge")) == 1


def test_the_command_line_puts_an_account_without_an_opd_in_a_region(runner, regions):
    result = runner.invoke(args=["create-user", "--email", "juri@unair.ac.id", "--name", "Juri Unair",
                                 "--password", "kata-sandi-rahasia", "--competition",
                                 str(regions.blitar_competition.id), "--role", "judge"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["create-user", "--email", "juri@its.ac.id", "--name", "Juri ITS",
                                 "--password", "kata-sandi-rahasia", "--region", "Kota Kediri"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["create-user", "--email", "juri@ui.ac.id", "--name", "Juri UI",
                                 "--password", "kata-sandi-rahasia"])
    assert result.exit_code == 0, result.output
    regions_of = dict(db.session.execute(select(User.email, User.region_id).where(
        User.email.in_(["juri@unair.ac.id", "juri@its.ac.id", "juri@ui.ac.id"]))).all())
    assert regions_of == {"juri@unair.ac.id": regions.blitar.id, "juri@its.ac.id": regions.kediri.id,
                          "juri@ui.ac.id": None}


def test_an_account_that_also_serves_another_competition_is_not_mine_to_switch_off(client, regions):
    """A verifier of both Kediri competitions: the organiser of one may grant and revoke roles in
    theirs, but deactivating the account or resetting its password would reach into the other."""
    shared = make_user(regions.kediri_competition, "verifier", organisation=regions.dinkes,
                       name="Verifikator")
    db.session.add(Membership(user=shared, competition=regions.kediri_award, role="verifier"))
    db.session.commit()
    sign_in(client, regions.kediri_organiser)
    assert client.get(f"/people/{shared.id}").status_code == 200
    assert client.post(f"/people/{shared.id}/active", data={"active": "0"}).status_code == 403
    assert client.post(f"/people/{shared.id}/invite").status_code == 403
    response = client.post(f"/people/{shared.id}/roles", data={
        "competition": regions.kediri_competition.id, "role": "judge"}, follow_redirects=True)
    assert "is now Judge" in page(response)
    db.session.refresh(shared)
    assert shared.active

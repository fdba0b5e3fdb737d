"""Passwords have at least 10 characters and are not among the most common ones, wherever a
password is set: the password pages, an invitation, the user pages, the command line."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from competition.demo.loader import DEMO_PASSWORD
from competition.errors import InvalidInput
from competition.extensions import db
from competition.models import User
from competition.people.operations import change_password, create_user, password_reset_token
from competition.people.passwords import COMMON_PASSWORDS, is_common, password_problems
from tests.factories import PASSWORD, make_competition, make_organisation, make_user
from tests.web.pages import page, sign_in


def test_the_shipped_list_holds_ten_thousand_common_passwords_with_indonesian_ones():
    assert len(COMMON_PASSWORDS) >= 10_000
    for common in ("indonesia", "bismillah", "sayangku", "merdeka45", "password", "123456", "qwerty",
                   "bismillah123", "indonesia123", "password123", "1234567890", "qwertyuiop"):
        assert common in COMMON_PASSWORDS, common


@pytest.mark.parametrize(("password", "problems"), [
    ("rahasia", ["password: use at least 10 characters"]),
    ("123456789", ["password: use at least 10 characters"]),
    ("bismillah123", ["password: one of the most common passwords; choose one that is harder to guess"]),
    ("  QwertyUIOP ", ["password: one of the most common passwords; choose one that is harder to guess"]),
    ("x" * 129, ["password: use at most 128 characters"]),
    ("x" * 128, []),
    (DEMO_PASSWORD, []),
    (PASSWORD, []),
    ("kopi-tubruk-di-kediri", []),
])
def test_the_rules(app, password, problems):
    assert password_problems(password) == problems


def test_commonness_ignores_case_and_surrounding_spaces():
    assert is_common(" Sayangku ") and is_common("MERDEKA45") and not is_common("merdeka-1945-kediri")


def test_operations_refuse_weak_passwords(app):
    with pytest.raises(InvalidInput, match="password: use at least 10 characters"):
        create_user(email="a@kota.go.id", name="A", password="pendek-1")
    with pytest.raises(InvalidInput, match="password: one of the most common passwords"):
        create_user(email="a@kota.go.id", name="A", password="password123")
    user = make_user()
    with pytest.raises(InvalidInput, match="password: one of the most common passwords"):
        change_password(user, "1234567890")
    assert db.session.scalar(select(User).where(User.email == "a@kota.go.id")) is None


def test_the_password_page_names_the_field_and_the_rule(client, app):
    user = make_user()
    sign_in(client, user)
    short = page(client.post("/password", data={"current": PASSWORD, "new": "pendek", "repeat": "pendek"}))
    assert "New password: use at least 10 characters" in short
    common = page(client.post("/password", data={"current": PASSWORD, "new": "qwertyuiop",
                                                 "repeat": "qwertyuiop"}))
    assert "New password: one of the most common passwords; choose one that is harder to guess" in common
    assert user.check_password(PASSWORD)


def test_the_rules_speak_indonesian(client, app):
    user = make_user()
    sign_in(client, user, language=None)
    short = page(client.post("/password", data={"current": PASSWORD, "new": "pendek", "repeat": "pendek"}))
    assert "Kata sandi baru: gunakan paling sedikit 10 karakter" in short
    common = page(client.post("/password", data={"current": PASSWORD, "new": "bismillah123",
                                                 "repeat": "bismillah123"}))
    assert "Kata sandi baru: termasuk kata sandi yang paling umum" in common


def test_the_reset_page_and_the_invitation_refuse_weak_passwords(client, app):
    user = make_user()
    client.post("/language", data={"language": "en", "next": "/"})
    for purpose, url in (("reset", "/password/reset/"), ("invitation", "/welcome/")):
        link = url + password_reset_token(user, purpose=purpose)
        refused = page(client.post(link, data={"new": "indonesia123", "repeat": "indonesia123"}))
        assert "New password: one of the most common passwords" in refused
        assert user.check_password(PASSWORD)


def test_the_user_page_refuses_a_common_password(client, app):
    competition = make_competition()
    bappeda = make_organisation(competition.region, "Bappeda")
    organiser = make_user(competition, "organiser", organisation=bappeda)
    sign_in(client, organiser)
    response = client.post("/people/new", data={
        "name": "Operator Baru", "email": "baru@kota.go.id", "organisation": bappeda.id,
        "competition": competition.id, "roles": ["submitter"], "password": "sayangku123"},
        follow_redirects=True)
    assert "one of the most common passwords" in page(response)
    assert db.session.scalar(select(User).where(User.email == "baru@kota.go.id")) is None


def test_create_user_on_the_command_line_refuses_a_common_password(runner):
    result = runner.invoke(args=["create-user", "--email", "rina@kedirikota.go.id", "--name", "Rina",
                                 "--password", "bismillah123"])
    assert result.exit_code == 1
    assert "password: one of the most common passwords" in result.output
    assert db.session.scalars(select(User)).all() == []


def test_an_invitation_accepts_a_good_password(client, app):
    user = make_user()
    link = "/welcome/" + password_reset_token(user, purpose="invitation")
    assert client.post(link, data={"new": "kopi-tubruk-di-kediri",
                                   "repeat": "kopi-tubruk-di-kediri"}).status_code == 302
    assert user.check_password("kopi-tubruk-di-kediri")


def test_the_password_pages_say_the_rule_before_it_is_broken(client, app):
    user = make_user()
    hint = "Paling sedikit 10 karakter, dan bukan salah satu kata sandi yang paling umum."
    assert hint in page(client.get("/password/reset/" + password_reset_token(user)))
    sign_in(client, user, language=None)
    form = page(client.get("/password"))
    assert hint in form and 'aria-describedby="new-help"' in form

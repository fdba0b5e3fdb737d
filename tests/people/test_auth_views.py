"""Signing in and out, passwords, languages, error pages and CSRF, through the HTTP client."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from competition import create_app
from competition.extensions import db
from competition.models import OutboxMessage
from competition.people.operations import password_reset_token, user_for_reset_token
from tests.factories import PASSWORD, make_user


@pytest.fixture
def user(app):
    return make_user(name="Sari Wulandari")


def sign_in(client, email, password=PASSWORD, **query):
    return client.post("/login", data={"email": email, "password": password}, query_string=query,
                       follow_redirects=True)


def text(response) -> str:
    return response.get_data(as_text=True)


def test_the_sign_in_page_speaks_indonesian_first(client, app):
    page = text(client.get("/login"))
    assert '<html lang="id">' in page
    assert ">Masuk<" in page and "Kata sandi" in page


def test_signing_in_and_out(client, user):
    response = sign_in(client, user.email.upper())
    assert "Selamat datang, Sari Wulandari." in text(response)
    assert "Ganti kata sandi" in text(response)
    response = client.post("/logout", follow_redirects=True)
    assert "Anda telah keluar." in text(response)
    assert client.get("/password").status_code == 302


def test_a_wrong_password_names_the_problem(client, user):
    response = sign_in(client, user.email, "salah-sandi")
    assert response.status_code == 200
    assert "Email atau kata sandi salah." in text(response)
    assert "Selamat datang" not in text(response)


def test_deactivated_users_cannot_sign_in(client, user):
    user.active = False
    db.session.commit()
    assert "Akun ini telah dinonaktifkan." in text(sign_in(client, user.email))


def test_after_signing_in_only_local_pages_are_followed(client, user):
    response = client.post("/login", data={"email": user.email, "password": PASSWORD},
                           query_string={"next": "https://evil.example/"})
    assert response.headers["Location"] == "/"
    client.post("/logout")
    response = client.post("/login", data={"email": user.email, "password": PASSWORD},
                           query_string={"next": "/password"})
    assert response.headers["Location"] == "/password"


def test_pages_that_need_a_user_send_visitors_to_sign_in(client, app):
    response = client.get("/password")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_changing_the_password(client, user):
    sign_in(client, user.email)
    wrong = client.post("/password", data={"current": "bukan-ini", "new": "sandi-baru-123",
                                           "repeat": "sandi-baru-123"})
    assert "Kata sandi saat ini salah." in text(wrong)
    differ = client.post("/password", data={"current": PASSWORD, "new": "sandi-baru-123",
                                            "repeat": "sandi-baru-124"})
    assert "Kata sandi tidak sama." in text(differ)
    done = client.post("/password", data={"current": PASSWORD, "new": "sandi-baru-123",
                                          "repeat": "sandi-baru-123"}, follow_redirects=True)
    assert "Kata sandi Anda telah diganti." in text(done)
    client.post("/logout")
    assert "Email atau kata sandi salah." in text(sign_in(client, user.email))
    assert "Selamat datang" in text(sign_in(client, user.email, "sandi-baru-123"))


def test_english_is_one_click_away(client, app):
    response = client.post("/language", data={"language": "en", "next": "/login"}, follow_redirects=True)
    page = text(response)
    assert '<html lang="en">' in page
    assert ">Sign in<" in page and "Password" in page
    assert "Page not found" in text(client.get("/nowhere"))
    client.post("/language", data={"language": "id", "next": "/"})
    assert "Halaman tidak ditemukan" in text(client.get("/nowhere"))


def test_an_unknown_language_changes_nothing(client, app):
    client.post("/language", data={"language": "fr", "next": "/"})
    assert '<html lang="id">' in text(client.get("/login"))


@pytest.mark.parametrize(("language", "title"), [("id", "Halaman tidak ditemukan"), ("en", "Page not found")])
def test_the_404_page_in_both_languages(client, app, language, title):
    client.post("/language", data={"language": language, "next": "/"})
    response = client.get("/competitions/999999")
    assert response.status_code == 404
    assert title in text(response)


def test_forms_without_the_csrf_token_are_refused(database, tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": database, "TESTING": True, "WTF_CSRF_ENABLED": True})
    with app.app_context():
        response = app.test_client().post("/login", data={"email": "a@b.go.id", "password": "x"})
        assert response.status_code == 400
        assert "Formulir sudah kedaluwarsa" in text(response)
        db.engine.dispose()


def test_every_asset_is_served_by_the_app(client, app):
    page = text(client.get("/login"))
    assert "http://" not in page.replace('xmlns="http://', "") and "https://" not in page
    for asset in ("/bootstrap/static/css/bootstrap.min.css", "/bootstrap/static/js/bootstrap.min.js",
                  "/bootstrap/static/umd/popper.min.js"):
        with client.get(asset) as response:
            assert response.status_code == 200, asset


def reset_link_in_outbox() -> str:
    [message] = db.session.scalars(select(OutboxMessage)).all()
    assert message.subject == "[Anugerah] Atur ulang kata sandi"
    link = next(line for line in message.body.splitlines() if "/password/reset/" in line)
    return "/password/reset/" + link.split("/password/reset/")[1]


def test_forgotten_password_by_e_mail_link(client, user):
    response = client.post("/password/forgot", data={"email": user.email.upper()}, follow_redirects=True)
    assert "Jika alamat tersebut terdaftar" in text(response)
    link = reset_link_in_outbox()
    assert "Pilih kata sandi baru" in text(client.get(link))
    done = client.post(link, data={"new": "sandi-baru-123", "repeat": "sandi-baru-123"},
                       follow_redirects=True)
    assert "Kata sandi Anda telah diganti. Silakan masuk" in text(done)
    assert "Selamat datang" in text(sign_in(client, user.email, "sandi-baru-123"))
    client.post("/logout")
    again = client.get(link, follow_redirects=True)                # the link worked once
    assert "Tautan ini sudah kedaluwarsa atau sudah dipakai" in text(again)


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, user):
    response = client.post("/password/forgot", data={"email": "tidak.ada@example.go.id"},
                           follow_redirects=True)
    assert "Jika alamat tersebut terdaftar" in text(response)
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_reset_tokens_expire_and_cannot_be_forged(user):
    token = password_reset_token(user)
    assert user_for_reset_token(token).id == user.id
    assert user_for_reset_token(token, max_age=-1) is None
    assert user_for_reset_token(token[:-2] + "xx") is None
    user.active = False
    db.session.commit()
    assert user_for_reset_token(token) is None


def test_reset_links_are_built_on_the_base_url_never_on_the_host_header(client, user, app):
    """A reset asked for with "Host: evil.example" mailed a link to http://evil.example/… with a
    valid token. Requests for an untrusted host are refused, and links always start with
    ANUGERAH_BASE_URL, whatever host a trusted request came in on."""
    refused = client.post("/password/forgot", data={"email": user.email}, headers={"Host": "evil.example"})
    assert refused.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
    app.config["BASE_URL"] = "https://anugerah.kedirikota.go.id/"
    client.post("/password/forgot", data={"email": user.email}, headers={"Host": "127.0.0.1:8000"})
    [message] = db.session.scalars(select(OutboxMessage)).all()
    link = next(line for line in message.body.splitlines() if "/password/reset/" in line)
    assert link.strip().startswith("https://anugerah.kedirikota.go.id/password/reset/")


def test_an_unknown_e_mail_costs_a_password_check_like_a_known_one(client, user, monkeypatch):
    """A known e-mail answered in ~94 ms against ~3.5 ms for an unknown one: timing told which
    accounts exist. An unknown e-mail now costs one password-hash check too."""
    import competition.people.models as people_models

    checks = []
    real = people_models.check_password_hash
    monkeypatch.setattr(people_models, "check_password_hash",
                        lambda stored, given: checks.append(stored) or real(stored, given))
    for email in (user.email, "tidak.ada@example.go.id"):
        response = client.post("/login", data={"email": email, "password": "salah-sekali-123"})
        assert "Email atau kata sandi salah." in text(response)
    assert len(checks) == 2 and checks[1] != user.password_hash
    assert checks[1].split("$")[0] == user.password_hash.split("$")[0]   # hashed the same way

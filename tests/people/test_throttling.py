"""Signing in and asking for password-reset mail are throttled per account (the e-mail given) and
per client address, in memory or in Redis (ANUGERAH_REDIS_URL)."""

from __future__ import annotations

import os
import uuid

import pytest
from sqlalchemy import func, select

from competition import create_app
from competition.config import load_config
from competition.extensions import db
from competition.models import OutboxMessage
from tests.conftest import empty_tables
from tests.factories import PASSWORD, make_user

WRONG = "salah-sandi-99"


@pytest.fixture
def user(app):
    return make_user(name="Sari Wulandari")


def attempt(client, email, password, **environ):
    return client.post("/login", data={"email": email, "password": password}, environ_base=environ)


def text(response) -> str:
    return response.get_data(as_text=True)


def mails() -> int:
    return db.session.scalar(select(func.count()).select_from(OutboxMessage))


def test_the_default_limits_are_settings(tmp_path):
    defaults = load_config(tmp_path, environ={})
    assert (defaults["SIGN_IN_LIMIT_PER_ACCOUNT"], defaults["SIGN_IN_LIMIT_PER_ADDRESS"]) == (
        "5 per 15 minutes", "20 per 15 minutes")
    assert (defaults["RESET_LIMIT_PER_ACCOUNT"], defaults["RESET_LIMIT_PER_ADDRESS"]) == (
        "3 per hour", "10 per hour")
    assert defaults["RATELIMIT_STORAGE_URI"] == "memory://"
    assert defaults["PROXY_COUNT"] == 0
    chosen = load_config(tmp_path, environ={
        "ANUGERAH_REDIS_URL": "redis://cache:6379/2", "ANUGERAH_SIGN_IN_LIMIT_PER_ACCOUNT": "3 per hour",
        "ANUGERAH_SIGN_IN_LIMIT_PER_ADDRESS": "50 per hour", "ANUGERAH_RESET_LIMIT_PER_ACCOUNT": "1 per day",
        "ANUGERAH_RESET_LIMIT_PER_ADDRESS": "5 per day", "ANUGERAH_PROXY_COUNT": "1"})
    assert chosen["RATELIMIT_STORAGE_URI"] == "redis://cache:6379/2"
    assert (chosen["SIGN_IN_LIMIT_PER_ACCOUNT"], chosen["SIGN_IN_LIMIT_PER_ADDRESS"]) == (
        "3 per hour", "50 per hour")
    assert (chosen["RESET_LIMIT_PER_ACCOUNT"], chosen["RESET_LIMIT_PER_ADDRESS"]) == (
        "1 per day", "5 per day")
    assert chosen["PROXY_COUNT"] == 1


def test_five_wrong_passwords_then_even_the_right_one_is_refused(client, user):
    """60 wrong passwords in 10 s, and the right one still worked. Now the sixth attempt on the
    account, right or wrong, gets a 429 page saying when to try again."""
    for _ in range(5):
        assert "Email atau kata sandi salah." in text(attempt(client, user.email, WRONG))
    refused = attempt(client, user.email.upper() + "  ", PASSWORD)   # the same account, normalised
    assert refused.status_code == 429
    page = text(refused)
    assert "Terlalu banyak percobaan" in page
    assert "Coba lagi dalam 15 menit" in page and "WIB" in page
    assert 890 <= int(refused.headers["Retry-After"]) <= 901
    assert "Selamat datang" not in page


def test_the_throttled_page_speaks_english_too(client, user):
    client.post("/language", data={"language": "en", "next": "/"})
    for _ in range(5):
        attempt(client, user.email, WRONG)
    page = text(attempt(client, user.email, WRONG))
    assert "Too many attempts" in page and "Try again in 15 minutes" in page


def test_successful_sign_ins_do_not_count(client, user):
    for _ in range(8):
        assert attempt(client, user.email, PASSWORD).status_code == 302
        client.post("/logout")
    for _ in range(4):
        attempt(client, user.email, WRONG)
    assert attempt(client, user.email, PASSWORD).status_code == 302


def test_another_account_is_not_held_back_by_ones_failures(client, user):
    other = make_user()
    for _ in range(5):
        attempt(client, user.email, WRONG)
    assert attempt(client, user.email, PASSWORD).status_code == 429
    assert attempt(client, other.email, PASSWORD).status_code == 302


def test_twenty_failures_from_one_address_hold_back_that_address(client, app, user):
    for n in range(20):
        attempt(client, f"tebakan{n}@example.go.id", WRONG)
    assert attempt(client, user.email, PASSWORD).status_code == 429
    # Another address still signs in.
    assert attempt(client, user.email, PASSWORD, REMOTE_ADDR="10.1.2.3").status_code == 302


def test_a_forged_forwarded_for_header_changes_no_address(client, user):
    """With no proxy configured (ANUGERAH_PROXY_COUNT=0), X-Forwarded-For is the client's own
    claim, so changing it does not give a fresh count."""
    for n in range(20):
        client.post("/login", data={"email": f"tebakan{n}@example.go.id", "password": WRONG},
                    headers={"X-Forwarded-For": f"198.51.100.{n}"})
    refused = client.post("/login", data={"email": user.email, "password": PASSWORD},
                          headers={"X-Forwarded-For": "198.51.100.99"})
    assert refused.status_code == 429


def test_behind_a_proxy_the_forwarded_address_counts(database, tmp_path, monkeypatch):
    monkeypatch.setenv("ANUGERAH_PROXY_COUNT", "1")
    proxied = create_app({"SQLALCHEMY_DATABASE_URI": database, "TESTING": True, "WTF_CSRF_ENABLED": False})
    with proxied.app_context():
        try:
            user = make_user()
            client = proxied.test_client()
            for n in range(20):
                client.post("/login", data={"email": f"tebakan{n}@example.go.id", "password": WRONG},
                            headers={"X-Forwarded-For": "198.51.100.7"})
            held = client.post("/login", data={"email": user.email, "password": PASSWORD},
                               headers={"X-Forwarded-For": "198.51.100.7"})
            other = client.post("/login", data={"email": user.email, "password": PASSWORD},
                                headers={"X-Forwarded-For": "198.51.100.8"})
            assert (held.status_code, other.status_code) == (429, 302)
        finally:
            empty_tables()


def test_limits_follow_the_settings(client, app, user):
    app.config["SIGN_IN_LIMIT_PER_ACCOUNT"] = "2 per minute"
    for _ in range(2):
        attempt(client, user.email, WRONG)
    refused = attempt(client, user.email, PASSWORD)
    assert refused.status_code == 429 and "Coba lagi dalam 1 menit" in text(refused)


def test_three_reset_mails_per_account_then_none(client, user):
    """20 resets queued 20 e-mails. Now the fourth request within the hour is refused, and sends
    nothing."""
    for _ in range(3):
        assert client.post("/password/forgot", data={"email": user.email}).status_code == 302
    assert mails() == 3
    refused = client.post("/password/forgot", data={"email": f" {user.email.upper()}"})
    assert refused.status_code == 429
    assert "Coba lagi dalam 60 menit" in text(refused)
    assert mails() == 3


def test_reset_requests_from_one_address_are_limited(client, user):
    for n in range(10):
        client.post("/password/forgot", data={"email": f"orang{n}@example.go.id"})
    assert client.post("/password/forgot", data={"email": user.email}).status_code == 429
    assert mails() == 0
    assert client.post("/password/forgot", data={"email": user.email},
                       environ_base={"REMOTE_ADDR": "10.9.9.9"}).status_code == 302
    assert mails() == 1


def test_wrong_current_passwords_count_against_the_account(client, user):
    """A stolen session cannot guess the password on the change page either: wrong current
    passwords count with failed sign-ins."""
    assert attempt(client, user.email, PASSWORD).status_code == 302
    for _ in range(5):
        wrong = client.post("/password", data={"current": WRONG, "new": "sandi-baru-yang-kuat",
                                               "repeat": "sandi-baru-yang-kuat"})
        assert wrong.status_code == 200
    assert client.post("/password", data={"current": PASSWORD, "new": "sandi-baru-yang-kuat",
                                          "repeat": "sandi-baru-yang-kuat"}).status_code == 429


REDIS_URL = os.environ.get("ANUGERAH_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def redis_or_skip():
    import redis

    connection = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        connection.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"no Redis at {REDIS_URL} (set ANUGERAH_TEST_REDIS_URL)")
    return connection


def test_counts_are_kept_in_redis_when_it_is_configured(database, monkeypatch):
    connection = redis_or_skip()
    prefix = f"anugerah-test-{uuid.uuid4().hex}"
    monkeypatch.setenv("ANUGERAH_REDIS_URL", REDIS_URL)
    monkeypatch.setenv("ANUGERAH_REDIS_PREFIX", prefix)
    settings = {"SQLALCHEMY_DATABASE_URI": database, "TESTING": True, "WTF_CSRF_ENABLED": False}
    first, second = create_app(settings), create_app(settings)   # two processes sharing one Redis
    try:
        with first.app_context():
            email = make_user().email
            for _ in range(5):
                attempt(first.test_client(), email, WRONG)
            assert [key for key in connection.scan_iter(f"*{prefix}*")]
            # The account's attempts too are kept under the prefix (so nothing is left behind).
            assert [key for key in connection.scan_iter(f"*{prefix}/sign-in-per-account/*")]
        with second.app_context():
            assert attempt(second.test_client(), email, PASSWORD).status_code == 429
    finally:
        for key in connection.scan_iter(f"*{prefix}*"):
            connection.delete(key)
        with second.app_context():
            db.engine.dispose()
        with first.app_context():
            empty_tables()
    assert not list(connection.scan_iter(f"*{prefix}*"))


def test_wrong_passwords_sent_at_once_get_no_more_tries_than_one_by_one(app, user):
    """The attempt is counted before the password is checked: twelve wrong passwords sent at the
    same moment get five checks between them, not twelve (before, each was let through because
    none had failed yet)."""
    import threading

    answers: list[int] = []
    start = threading.Barrier(12)
    email = user.email

    def guess() -> None:
        client = app.test_client()
        start.wait()
        answers.append(attempt(client, email, WRONG).status_code)

    threads = [threading.Thread(target=guess) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == [200] * 5 + [429] * 7


def test_a_json_body_counts_against_the_same_account(client, user):
    """The form also reads JSON; the count must read the same e-mail the form does."""
    for _ in range(5):
        attempt(client, user.email, WRONG)
    response = client.post("/login", json={"email": f" {user.email.upper()} ", "password": PASSWORD})
    assert response.status_code == 429
    for _ in range(3):
        client.post("/password/forgot", json={"email": user.email})
    assert client.post("/password/forgot", data={"email": user.email}).status_code == 429


def test_with_redis_away_signing_in_works_and_attempts_are_counted_in_memory(database, monkeypatch):
    """Redis down: the app keeps serving. Sign-ins go through, wrong passwords are still limited
    (counted in this process's memory until Redis is back), and /readyz says so (tests/web/
    test_health.py: it stays ready, "degraded", so a load balancer keeps sending people here)."""
    monkeypatch.setenv("ANUGERAH_REDIS_URL", "redis://127.0.0.1:1/0")   # nothing listens there
    app = create_app({"SQLALCHEMY_DATABASE_URI": database, "TESTING": True, "WTF_CSRF_ENABLED": False})
    try:
        with app.app_context():
            email = make_user().email
            client = app.test_client()
            assert attempt(client, email, PASSWORD).status_code == 302
            client.post("/logout")
            answers = [attempt(client, email, WRONG).status_code for _ in range(6)]
            assert answers == [200] * 5 + [429]
            ready = client.get("/readyz")
            checks = ready.get_json()["checks"]
            assert checks["redis"].startswith("unreachable") and "memory" in checks["redis"]
    finally:
        with app.app_context():
            empty_tables()

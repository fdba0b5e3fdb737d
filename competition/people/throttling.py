"""Limits on guessing passwords and on password-reset mail, with Flask-Limiter.

- Signing in, per account (the e-mail given, as the sign-in form reads it, ``SIGN_IN_LIMIT_PER_
  ACCOUNT``): the view claims an attempt before it checks the password (:func:`claim_attempt`),
  in one atomic step of the store, so attempts sent at the same moment get no more checks than
  attempts sent one by one; the right password forgets the account's attempts
  (:func:`forget_attempts`), so people who sign in often are never held back. Once the limit is
  reached every attempt is refused, the right password too. The change-password page claims
  from the same account before it checks the current password.
- Signing in, per client address (``SIGN_IN_LIMIT_PER_ADDRESS``): only failures count (the view
  says so with :func:`count_failure`), so an office behind one address is not held back by its
  own sign-ins.
- Asking for a reset link: every request per account and per address (``RESET_LIMIT_*``); a
  refused request sends nothing.

A refused request gets a 429 page saying when to try again (:func:`retry_at`). The client address
is ``request.remote_addr``: the socket's peer, or what ``ANUGERAH_PROXY_COUNT`` trusted proxies
said (werkzeug's ProxyFix, set up in :func:`competition.create_app`); X-Forwarded-For is never read
here. Counts live in Redis when ``ANUGERAH_REDIS_URL`` is set, else in the process's memory; should
Redis fail, the process counts in memory until it is back.

Each app gets its own limiter (:func:`init_app`): its storage and key prefix come from that app's
settings, and the limits are read from its config at each request, so a test may change them.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from flask import Flask, current_app, g, request
from flask.wrappers import Response
from flask_limiter import Limiter, RouteLimit
from limits import RateLimitItem, parse
from werkzeug.exceptions import TooManyRequests

_LIMITER = "anugerah.limiter"
_FAILED = "anugerah_failed_attempt"
_RETRY_AT = "anugerah_retry_at"
# Counts of one kind shared by several pages.
SIGN_IN_ACCOUNT_SCOPE = "sign-in-per-account"


class TooManyAttempts(TooManyRequests):
    """An account has no sign-in attempt left (:func:`claim_attempt`)."""


def client_address() -> str:
    return request.remote_addr or "unknown"


def _account(email: str) -> str:
    """The count's key for an e-mail address as the sign-in page reads it (trimmed, lower case):
    keyed with the secret, so stored counts do not reveal who was tried."""
    secret = str(current_app.config["SECRET_KEY"]).encode("utf-8")
    normalised = email.strip().lower().encode("utf-8")
    return "account:" + hmac.new(secret, normalised, hashlib.sha256).hexdigest()[:32]


def given_account() -> str:
    """The account a form names, read as Flask-WTF reads it: from the form, or a JSON body."""
    data = request.get_json(silent=True) if request.is_json else request.form
    email = data.get("email", "") if isinstance(data, Mapping) else ""
    return _account(email if isinstance(email, str) else "")


def _sign_in_limit() -> RateLimitItem:
    return parse(str(current_app.config["SIGN_IN_LIMIT_PER_ACCOUNT"]))


def _attempts(email: str) -> tuple[str, ...]:
    """The identifiers of an account's sign-in attempts in the store, under the app's key prefix
    (``ANUGERAH_REDIS_PREFIX``) as Flask-Limiter's own counts are."""
    return (str(current_app.config["RATELIMIT_KEY_PREFIX"]), SIGN_IN_ACCOUNT_SCOPE, _account(email))


def claim_attempt(email: str) -> bool:
    """Take one of the account's sign-in attempts before its password is checked; False when
    none is left (the refusal's time to try again is kept for the 429 page)."""
    strategy, limit, identifiers = limiter_of(current_app).limiter, _sign_in_limit(), _attempts(email)
    if strategy.hit(limit, *identifiers):
        return True
    g.setdefault(_RETRY_AT, strategy.get_window_stats(limit, *identifiers).reset_time)
    return False


def forget_attempts(email: str) -> None:
    """The right password was given: the account's attempts start again from nothing."""
    limiter_of(current_app).limiter.clear(_sign_in_limit(), *_attempts(email))


def count_failure() -> None:
    """This request failed to prove a password: it counts against the sign-in limits."""
    g.setdefault(_FAILED, True)


def _failed(response: Response) -> bool:
    return bool(g.get(_FAILED))


def _setting(name: str) -> Callable[[], str]:
    return lambda: str(current_app.config[name])


def _limits(limiter: Limiter) -> dict[str, list[RouteLimit]]:
    """The limits of each throttled page, on its POSTs."""
    def failures(setting: str, key: Callable[[], str], scope: str) -> RouteLimit:
        return limiter.shared_limit(_setting(setting), scope, key_func=key, methods=["POST"],
                                    deduct_when=_failed)

    def requests(setting: str, key: Callable[[], str]) -> RouteLimit:
        return limiter.limit(_setting(setting), key_func=key, methods=["POST"])

    return {
        "auth.login": [failures("SIGN_IN_LIMIT_PER_ADDRESS", client_address, "sign-in-per-address")],
        "auth.forgot_password": [requests("RESET_LIMIT_PER_ACCOUNT", given_account),
                                 requests("RESET_LIMIT_PER_ADDRESS", client_address)],
    }


def init_app(app: Flask) -> None:
    """Give ``app`` its limiter and put the limits on its pages (after they are registered)."""
    limiter = Limiter(client_address, strategy="moving-window", in_memory_fallback_enabled=True,
                      # A Redis that does not answer holds a sign-in up for a second at most.
                      storage_options={"socket_connect_timeout": 1, "socket_timeout": 1})
    limiter.init_app(app)
    app.extensions[_LIMITER] = limiter
    for endpoint, limits in _limits(limiter).items():
        view: Callable[..., Any] = app.view_functions[endpoint]
        for limit in limits:
            view = limit(view)
        app.view_functions[endpoint] = view
    # An API request with a wrong, expired or revoked token fails like a wrong password: it counts
    # against the client address's sign-in failures (competition.api.authenticate).
    api_failures = limiter.shared_limit(_setting("SIGN_IN_LIMIT_PER_ADDRESS"), "sign-in-per-address",
                                        key_func=client_address, deduct_when=_failed)
    for blueprint in app.extensions.get("anugerah.api_blueprints", ()):
        api_failures(blueprint)


def limiter_of(app: Flask) -> Limiter:
    limiter: Limiter = app.extensions[_LIMITER]
    return limiter


def retry_at() -> datetime | None:
    """When the limit that refused this request lets the next attempt through."""
    if g.get(_RETRY_AT) is not None:
        return datetime.fromtimestamp(g.get(_RETRY_AT), UTC)
    refused = limiter_of(current_app).current_limit
    if refused is None:
        return None
    return datetime.fromtimestamp(refused.reset_at, UTC)

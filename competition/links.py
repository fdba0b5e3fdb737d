"""Links that leave the application (in e-mails): always built on the configured base URL
(``ANUGERAH_BASE_URL``), never on the host a request claims to be for, so a request sent with
``Host: evil.example`` cannot make a password-reset e-mail point there."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from flask import current_app, has_request_context, request, url_for
from werkzeug.exceptions import BadRequest, SecurityError
from werkzeug.routing import IntegerConverter
from werkzeug.wsgi import get_host


def absolute_url(endpoint: str, **values: Any) -> str:
    """The address of ``endpoint`` under ``BASE_URL`` (which includes any path prefix)."""
    path = url_for(endpoint, **values)
    root = request.script_root if has_request_context() else ""
    if root and path.startswith(root):
        path = path[len(root):]
    return current_app.config["BASE_URL"].rstrip("/") + path


def app_path(endpoint: str, anchor: str | None = None, **values: Any) -> str:
    """The path of ``endpoint`` inside the application ("/scoring/12"), built from the URL map
    alone: the same in a request, a command or the periodic tick, and never naming a host (no
    scheme, no Host header, no path prefix). Pages put the prefix the app is served under in front
    of it, API answers and e-mails ``BASE_URL`` (:func:`absolute_path`)."""
    path = current_app.url_map.bind("app.invalid", script_name="/").build(endpoint, values)
    return f"{path}#{anchor}" if anchor else path


def absolute_path(path: str) -> str:
    """A path inside the application (see :func:`app_path`) under ``BASE_URL``."""
    return current_app.config["BASE_URL"].rstrip("/") + path


def refuse_untrusted_hosts(wsgi_app: Callable[..., Iterable[bytes]],
                           trusted: Callable[[], list[str]]) -> Callable[..., Iterable[bytes]]:
    """WSGI middleware: a request for a host outside ``trusted()`` (``TRUSTED_HOSTS``) gets a
    plain 400 before the application sees it."""
    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        try:
            get_host(environ, trusted_hosts=trusted())
        except SecurityError:
            return BadRequest("Unknown host: this server answers only for its own address.")(
                environ, start_response)
        return wsgi_app(environ, start_response)
    return application


class IdConverter(IntegerConverter):
    """``<int:…>`` in every route: a number an id column can hold (INTEGER on PostgreSQL, below
    2³¹), so an address such as /competitions/99999999999999999999 is simply not found rather
    than an error."""

    # Only numbers up to 2147483647 match at all: a larger one checked by ``max`` alone would
    # leave the rule of another method matched, and the answer would be 405 instead of 404.
    regex = (r"(?:0|[1-9]\d{0,8}|1\d{9}|20\d{8}|21[0-3]\d{7}|214[0-6]\d{6}|2147[0-3]\d{5}"
             r"|21474[0-7]\d{4}|214748[0-2]\d{3}|2147483[0-5]\d{2}|21474836[0-3]\d|214748364[0-7])")

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:  # noqa: A002 (Werkzeug's name)
        kwargs.setdefault("max", 2 ** 31 - 1)
        super().__init__(map, *args, **kwargs)

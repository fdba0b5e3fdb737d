"""Security headers on every response the application sends, pages, files and refusals alike.

- ``Content-Security-Policy``: everything from the application's own origin (all assets are
  served locally), no inline script, no inline event handlers and no inline styles (the pages
  keep both in ``competition/static``); ``data:`` images only for the icons Bootstrap's CSS draws;
  no plugins, no ``<base>`` elsewhere, forms post only here, and no other site may frame a page.
- ``X-Frame-Options: DENY`` for browsers that do not read ``frame-ancestors``.
- ``X-Content-Type-Options: nosniff``: a file is what its Content-Type says.
- ``Referrer-Policy: same-origin``: addresses inside Anugerah (an assignment, an innovation)
  never reach another site.
- ``Permissions-Policy``: no camera, microphone or location.
- ``Cross-Origin-Opener-Policy`` and ``Cross-Origin-Resource-Policy: same-origin``: another site
  can neither script a window it opened here nor embed the application's files.
- ``Strict-Transport-Security`` (a year, with subdomains) when ``BASE_URL`` is https.
- ``Server: Anugerah``: the development server would otherwise name Werkzeug and Python. Werkzeug's
  own request handler adds that header whatever the application sends, so ``flask serve`` (what
  ``make run`` starts) serves with :class:`RequestHandler`, which leaves it to the application.

A WSGI wrapper rather than an ``after_request`` hook: it covers what Flask never sees (the refusal
of an unknown host in :mod:`competition.links`) and the Server header in one place. A response
that sets one of these headers itself (a stricter Referrer-Policy, a file's own policy) keeps it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import IO, TYPE_CHECKING, Any

from flask import Flask
from werkzeug.serving import WSGIRequestHandler
from werkzeug.wsgi import FileWrapper

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIEnvironment

SERVER = "Anugerah"
CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))
STRICT_TRANSPORT_SECURITY = "max-age=31536000; includeSubDomains"


def security_headers(base_url: str) -> dict[str, str]:
    """The headers every response carries unless it sets its own."""
    headers = {
        "Content-Security-Policy": CONTENT_SECURITY_POLICY,
        "X-Frame-Options": "DENY",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
        "Cross-Origin-Opener-Policy": "same-origin",
        "Cross-Origin-Resource-Policy": "same-origin",
    }
    if base_url.lower().startswith("https://"):
        headers["Strict-Transport-Security"] = STRICT_TRANSPORT_SECURITY
    return headers


WSGIApp = Callable[..., Iterable[bytes]]


def with_security_headers(wsgi_app: WSGIApp, headers: Callable[[], Mapping[str, str]]) -> WSGIApp:
    """WSGI middleware: add each of ``headers()`` the response does not set itself, and replace
    any Server header by the neutral one."""
    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        def start(status: str, response_headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            present = {name.lower() for name, _ in response_headers}
            sent = [(name, value) for name, value in response_headers if name.lower() != "server"]
            sent += [(name, value) for name, value in headers().items() if name.lower() not in present]
            if not str(environ.get("SERVER_SOFTWARE", "")).startswith("gunicorn"):
                sent.append(("Server", SERVER))  # gunicorn sends its own (gunicorn.conf.py names it)
            return start_response(status, sent, exc_info)
        return wsgi_app(environ, start)
    return application


def init_app(app: Flask) -> None:
    """Wrap the application; ``BASE_URL`` is read at each response (tests and the live server
    change it after the app is built)."""
    app.wsgi_app = with_security_headers(  # type: ignore[method-assign]
        app.wsgi_app, lambda: security_headers(app.config["BASE_URL"]))


class RequestHandler(WSGIRequestHandler):
    """Werkzeug's request handler without the Server header it adds to every response (naming
    Werkzeug and Python): the application sends its own.

    It also closes every file a response sent, however the request ended. When a browser goes
    away mid-response (a page left while its scripts load), Werkzeug's handler can stop at a
    reset connection before closing the response, and the file it was sending stays open until
    the garbage collector finds it. Files reach a response through ``wsgi.file_wrapper``
    (Flask's static files and ``send_file`` use it), so this handler hands out one that
    remembers them and closes them when the request is over."""

    _files: list[FileWrapper]

    def make_environ(self) -> WSGIEnvironment:
        environ = super().make_environ()
        files = self._files = []

        def file_wrapper(file: IO[bytes], buffer_size: int = 8192) -> FileWrapper:
            wrapper = FileWrapper(file, buffer_size)
            files.append(wrapper)
            return wrapper

        environ["wsgi.file_wrapper"] = file_wrapper
        return environ

    def run_wsgi(self) -> None:
        self._files = []
        try:
            super().run_wsgi()
        finally:
            for wrapper in self._files:
                wrapper.close()

    def send_response(self, code: int, message: str | None = None) -> None:
        self.log_request(code)
        self.send_response_only(code, message)
        self.send_header("Date", self.date_time_string())

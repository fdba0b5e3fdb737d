"""Security headers on every response: a Content-Security-Policy without inline script or style,
no framing by other sites, no sniffing, no referrer to other sites, no camera, microphone or
location, HSTS over HTTPS only, and a Server header that names neither Werkzeug nor Python."""

from __future__ import annotations

import socket
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from werkzeug.serving import make_server
from werkzeug.wsgi import wrap_file

from tests.factories import make_competition, make_user
from tests.web.pages import inline_code, sign_in

TEMPLATES = Path(__file__).parents[2] / "templates"
# Rendered by WeasyPrint into PDF files, never served as pages: their styles stay in the document.
PDF_DOCUMENTS = {"ceremony/run_sheet.html", "ceremony/certificates.html", "entries/receipt.html",
                 "results/agreement_pdf.html"}

CSP = ("default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; "
       "form-action 'self'; frame-ancestors 'none'")
EXPECTED = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}


def headers_of(response) -> dict[str, str]:
    return {name: response.headers.get(name) for name in EXPECTED}


@pytest.mark.parametrize(("url", "status"), [
    ("/", 200), ("/login", 200), ("/static/favicon.svg", 200), ("/bootstrap/static/js/bootstrap.min.js", 200),
    ("/no-such-page", 404), ("/innovations", 302),
])
def test_every_response_carries_the_security_headers(client, url, status):
    with client.get(url) as response:
        assert response.status_code == status
        assert headers_of(response) == EXPECTED
        assert "Strict-Transport-Security" not in response.headers  # served over plain HTTP


def test_an_organiser_page_cannot_be_framed_by_another_site(client, app):
    competition = make_competition()
    organiser = make_user(competition, "organiser")
    sign_in(client, organiser)
    response = client.get(f"/manage/{competition.id}/setup")
    assert response.status_code == 200
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_a_refused_host_gets_the_headers_too(client):
    response = client.get("/", headers={"Host": "evil.example"})
    assert response.status_code == 400
    assert headers_of(response) == EXPECTED


def test_over_https_browsers_are_told_to_keep_to_https(client, app):
    app.config["BASE_URL"] = "https://inovasi.kedirikota.go.id"
    app.config["TRUSTED_HOSTS"] = ["inovasi.kedirikota.go.id"]
    response = client.get("/", base_url="https://inovasi.kedirikota.go.id")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    app.config["BASE_URL"] = "http://inovasi.kedirikota.go.id"
    response = client.get("/", base_url="http://inovasi.kedirikota.go.id")
    assert "Strict-Transport-Security" not in response.headers


def test_a_header_a_page_sets_itself_is_kept():
    """A page may ask for stricter values than the defaults (the page before leaving for an
    external address sends no referrer): the defaults only fill in what is missing, and the
    Server header is always the neutral one."""
    from competition.web.headers import with_security_headers

    def page(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain"), ("Referrer-Policy", "no-referrer"),
                                  ("Server", "Werkzeug/3.1 Python/3.11")])
        return [b"x"]

    sent = []
    app = with_security_headers(page, lambda: {"Referrer-Policy": "same-origin", "X-Frame-Options": "DENY"})
    assert app({}, lambda status, headers, exc_info=None: sent.extend(headers)) == [b"x"]
    assert sent == [("Content-Type", "text/plain"), ("Referrer-Policy", "no-referrer"),
                    ("X-Frame-Options", "DENY"), ("Server", "Anugerah")]


def served_headers(app, url: str, **server_options) -> list[tuple[str, str]]:
    """The headers a browser receives for ``url`` from the app on Werkzeug's server."""
    server = make_server("127.0.0.1", 0, app, threaded=True, **server_options)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{server.server_address[1]}{url}") as response:
                return response.headers.items()
        except urllib.error.HTTPError as error:
            with error:
                return error.headers.items()
    finally:
        server.shutdown()
        thread.join()
        server.server_close()


@pytest.mark.parametrize("url", ["/login", "/no-such-page"])
def test_the_server_names_neither_werkzeug_nor_python(app, url):
    """What a browser receives from ``flask serve`` (``make run``): Werkzeug's request handler
    sends a Server header of its own naming Werkzeug and Python, whatever the application says;
    the application's handler leaves it to the application."""
    from competition.web.headers import RequestHandler

    headers = served_headers(app, url, request_handler=RequestHandler)
    assert [value for name, value in headers if name.lower() == "server"] == ["Anugerah"]
    assert dict(headers)["Content-Security-Policy"] == CSP


class GoneSocketFile:
    """One end of a connection whose browser has gone: writing the response breaks the pipe, and
    reading what is left after the request resets it."""

    closed = False

    def __init__(self, request_lines=None):
        self.request_lines = request_lines

    def readline(self, *args):
        return self.request_lines.readline(*args)

    def read(self, *args):
        raise ConnectionResetError(104, "Connection reset by peer")

    def write(self, data):
        raise BrokenPipeError(32, "Broken pipe")

    def flush(self):
        """Nothing is buffered here: every write has already failed."""

    def close(self):
        self.closed = True


def test_a_file_being_sent_is_closed_when_the_browser_goes_away(tmp_path):
    """A browser leaving a page while its scripts load: the response cannot be written and the
    connection resets while the server drains it. Werkzeug's handler then stops before closing
    the response, leaving the script file open for the garbage collector to find (a
    ResourceWarning in the browser tests); the application's handler closes it."""
    from competition.web.headers import RequestHandler

    class BrowserGone(RequestHandler):
        def setup(self):
            super().setup()
            self.rfile, self.wfile = GoneSocketFile(self.rfile), GoneSocketFile()
            # Bytes still arriving after the request, so the server tries to drain them.
            self.connection, self.peer = socket.socketpair()
            self.peer.send(b"more")

        def finish(self):
            super().finish()
            self.connection.close()
            self.peer.close()

    script = tmp_path / "bootstrap.min.js"
    script.write_bytes(b"x" * 1000)
    opened = []

    def app(environ, start_response):
        opened.append(script.open("rb"))
        start_response("200 OK", [("Content-Type", "text/javascript")])
        return wrap_file(environ, opened[-1])

    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=BrowserGone)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with socket.create_connection(("127.0.0.1", server.server_address[1])) as browser:
            browser.sendall(b"GET /static/bootstrap.min.js HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline and not (opened and opened[0].closed):
                time.sleep(0.02)
        assert len(opened) == 1 and opened[0].closed
    finally:
        server.shutdown()
        thread.join()
        server.server_close()
        for file in opened:
            file.close()


def test_flask_serve_runs_the_application_with_that_handler(runner, monkeypatch):
    import competition.cli.serve as serve
    from competition.web.headers import RequestHandler

    calls = []
    monkeypatch.setattr(serve, "run_simple", lambda *args, **kwargs: calls.append((args, kwargs)))
    result = runner.invoke(args=["serve", "--host", "127.0.0.1", "--port", "8123"])
    assert result.exit_code == 0, result.output
    ((host, port, application), options), = calls
    assert (host, port, options["request_handler"], options["threaded"]) == (
        "127.0.0.1", 8123, RequestHandler, True)
    assert application is runner.app


def test_no_page_template_carries_inline_script_handlers_or_styles():
    """The policy refuses inline script, inline event handlers and inline styles: every template
    served as a page keeps them in competition/static."""
    problems = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        name = path.relative_to(TEMPLATES).as_posix()
        if name in PDF_DOCUMENTS:
            continue
        problems += [f"{name}: {problem}" for problem in inline_code(path.read_text(encoding="utf-8"))]
    assert problems == []


def test_the_inline_code_check_finds_what_the_policy_refuses():
    page = ('<script src="/static/a.js"></script><script>alert(1)</script><script >x()</script>'
            '<button onclick="go()">x</button><form ONSUBMIT="return confirm()"></form>'
            '<a href="javascript:void(0)">x</a><p style="color: red">x</p><style>p{}</style>'
            '<p data-onclick="x" class="style">fine</p>')
    assert inline_code(page) == [
        "<script> without src", "<script> without src", "event handler onclick=", "event handler onsubmit=",
        "javascript: address", "style= attribute", "<style> element"]


def test_a_method_not_allowed_says_which_are(client):
    """A 405 keeps its Allow header (RFC 9110), on the app's own error page."""
    response = client.put("/login")
    assert response.status_code == 405
    assert set(response.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "POST"}
    assert "Something went wrong" not in response.get_data(as_text=True)

"""End-to-end fixtures: the app served over HTTP on loopback with CSRF on, Debian's Chromium
driven by Playwright, and an SMTP server on loopback that keeps what it receives.

The test's own database session (the app context pushed by ``live_server``) is separate from
the sessions of the requests the browser makes: commit before the browser acts, and
``db.session.expire_all()`` before reading what the browser changed.
"""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from flask import Flask, got_request_exception
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect, sync_playwright
from werkzeug.serving import make_server

from competition import create_app
from competition.models import User
from competition.web.headers import RequestHandler
from tests.conftest import empty_tables
from tests.factories import PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
DESKTOP = {"width": 1280, "height": 900}
TIMEOUT_MS = 10_000
MAIL_FROM = "Anugerah <no-reply@anugerah.example.go.id>"


@dataclass
class Inbox:
    """What the SMTP server received, as parsed messages; ``port`` is where it listens."""

    port: int
    messages: list[EmailMessage] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802  (aiosmtpd's hook)
        message = message_from_bytes(envelope.content, policy=default)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]


@dataclass(frozen=True)
class LiveServer:
    url: str
    app: Flask


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_inbox() -> Iterator[Inbox]:
    """An SMTP server on 127.0.0.1 (aiosmtpd) for the live server's outbox to send to."""
    inbox = Inbox(port=free_port())
    controller = Controller(inbox, hostname="127.0.0.1", port=inbox.port)
    controller.start()
    yield inbox
    controller.stop()


@pytest.fixture
def live_server(database: str, tmp_path: Path, smtp_inbox: Inbox) -> Iterator[LiveServer]:
    """The app with CSRF protection on, served by a threaded server on 127.0.0.1, its mail going to
    ``smtp_inbox``. The test runs inside the app's context; every row is removed afterwards. A
    request that raises fails the test."""
    app = create_app({
        "SQLALCHEMY_DATABASE_URI": database,
        "WTF_CSRF_ENABLED": True,  # the browser sends the forms' real tokens
        "EVIDENCE_DIR": tmp_path / "evidence",
        "SMTP_HOST": "127.0.0.1", "SMTP_PORT": smtp_inbox.port, "SMTP_USER": "", "SMTP_STARTTLS": False,
        "MAIL_FROM": MAIL_FROM,
        "AUTOSAVE_DELAY_MS": 150,  # the journeys wait for each draft to be saved
    })
    errors: list[BaseException] = []

    def record(sender: Flask, exception: BaseException, **extra: Any) -> None:
        errors.append(exception)

    got_request_exception.connect(record, app)
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=RequestHandler)  # as flask serve
    url = f"http://127.0.0.1:{server.server_address[1]}"
    app.config["BASE_URL"] = url  # the links in e-mails point here
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    context = app.app_context()
    context.push()
    try:
        yield LiveServer(url=url, app=app)
    finally:
        server.shutdown()
        thread.join()
        server.server_close()
        got_request_exception.disconnect(record, app)
        empty_tables()
        context.pop()
    assert not errors, f"the server failed: {errors!r}"


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless, once for the end-to-end tests."""
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed: apt-get install chromium; .ci/run installs it")
    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


# Reported by every document (and frame) of a context before the page's own scripts run; the
# messages reach the test through the console.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", function (event) {
  console.error("CSP violation: " + event.violatedDirective + " blocked " + (event.blockedURI || "inline")
                + " in " + event.documentURI + (event.sample ? " (" + event.sample + ")" : ""));
}, true);
"""


def watch_policy_violations(context: BrowserContext) -> list[str]:
    """Every Content-Security-Policy violation the browser reports in ``context``'s pages, as it
    happens."""
    violations: list[str] = []
    context.add_init_script(REPORT_VIOLATIONS)
    context.on("console", lambda message: violations.append(message.text)
               if message.text.startswith("CSP violation") else None)
    return violations


@pytest.fixture
def browser_page(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    """A page in a fresh browser context (no cookies), desktop-sized, with relative URLs resolved
    against the live server. A journey fails if the browser reports a Content-Security-Policy
    violation on any of its pages."""
    context = browser.new_context(base_url=live_server.url, viewport=DESKTOP, locale="id-ID",
                                  timezone_id="Asia/Jakarta")
    context.set_default_timeout(TIMEOUT_MS)
    violations = watch_policy_violations(context)
    page = context.new_page()
    yield page
    context.close()
    assert not violations, "the Content-Security-Policy refused:\n" + "\n".join(violations)


# -- helpers the journeys share ---------------------------------------------------------------------

def flash(page: Page, text: str) -> Locator:
    """The flashed message containing ``text``."""
    return page.get_by_role("alert").filter(has_text=text)


def sign_in(page: Page, user: User) -> None:
    page.goto("/login")
    page.get_by_label("Email", exact=True).fill(user.email)
    page.get_by_label("Kata sandi", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Masuk", exact=True).click()
    expect(flash(page, f"Selamat datang, {user.name}.")).to_be_visible()


def open_menu(page: Page, toggle: Locator, item: Locator) -> None:
    """Open a drop-down menu of the navigation bar and wait for `item` in it.

    A drop-down opens once the page's scripts have run: on a busy machine a click can come first,
    and the menu stays shut, as it would for a person clicking that fast (who clicks again)."""
    page.wait_for_load_state("load")
    for _ in range(3):
        toggle.click()
        try:
            expect(item).to_be_visible(timeout=2_000)
            return
        except AssertionError:
            continue
    expect(item).to_be_visible()


def sign_out(page: Page, user: User) -> None:
    leave = page.get_by_role("button", name="Keluar", exact=True)
    open_menu(page, page.get_by_role("button", name=user.name, exact=True), leave)
    leave.click()
    expect(page.get_by_role("link", name="Masuk", exact=True)).to_be_visible()


SCREENSHOT_SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


def snapshot(page: Page, name: str) -> None:
    """With ANUGERAH_E2E_SCREENSHOTS set to a folder, save the page there at desktop and phone
    width (docs/screenshots takes the pages that need a journey's state this way)."""
    folder = os.environ.get("ANUGERAH_E2E_SCREENSHOTS")
    if not folder:
        return
    size = page.viewport_size
    for width, viewport in SCREENSHOT_SIZES.items():
        page.set_viewport_size(viewport)
        page.screenshot(path=Path(folder) / f"{name}-{width}.png", full_page=True)
    if size:
        page.set_viewport_size(size)


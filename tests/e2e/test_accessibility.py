"""Every page passes axe-core (tests/e2e/vendor/axe-core, MPL-2.0) without a serious or critical
violation (colour contrast among them), for every role of the demo and for a visitor, in Chromium
on a copy of the demo; and the organiser's tabs stay on a phone's screen.

The pages are those of tests/web/test_every_page.py: every GET page of the application with the
demo's ids filled in. Each role opens each page it may; axe runs on the first address of each,
since the same page with other ids has the same structure. The reveal and an incomplete
innovation are checked besides."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page
from werkzeug.serving import make_server

from competition import create_app
from competition.demo import DEMO_PASSWORD, EMAIL_DOMAIN
from competition.extensions import db
from competition.web.headers import RequestHandler
from tests.conftest import DemoTemplate, copy_database, drop_database
from tests.e2e.conftest import DESKTOP, TIMEOUT_MS
from tests.web.test_every_page import MUST_OPEN, urls_for

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
PHONE = {"width": 390, "height": 844}
ROLES = ("organiser", "verifier", "judge", "submitter")
# Pages that change something when opened in a browser (signing out) or that the language switch
# posts to; the rest of tests/web/test_every_page.py's list is opened.
NOT_BROWSER_PAGES = {"auth.logout"}
# Not pages: downloads, files, the API, and the buttons' addresses.
NOT_PAGES = ("/logout", "/api/", "/evidence/", "/download", "/export", ".csv", ".xlsx", ".pdf", ".svg",
             ".png", ".zip", "/file", "/leaving")
RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.filter(v => v.impact === "serious" || v.impact === "critical").map(v =>
    v.id + " (" + v.impact + "): " + v.nodes.slice(0, 3).map(n => n.target.join(" ") + " — " +
      ((n.any[0] || n.all[0] || n.none[0] || {}).message || "")).join("; "));
}"""


@dataclass
class DemoSite:
    url: str
    app: Flask


@pytest.fixture
def demo_site(demo_template: DemoTemplate, tmp_path: Path) -> Iterator[DemoSite]:
    """A copy of the demo served over HTTP on loopback (CSRF on, as in production)."""
    url = copy_database(demo_template.url, "axe", tmp_path)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "EVIDENCE_DIR": tmp_path / "evidence"})
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=RequestHandler)
    thread = threading.Thread(target=server.serve_forever, name="axe-server", daemon=True)
    thread.start()
    try:
        yield DemoSite(f"http://127.0.0.1:{server.server_address[1]}", app)
    finally:
        server.shutdown()
        thread.join()
        server.server_close()
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        drop_database(url)


@pytest.fixture
def demo_server(demo_site: DemoSite) -> str:
    return demo_site.url


def page_for(browser: Browser, base_url: str, viewport: dict[str, int] = DESKTOP) -> Page:
    # axe is put into each page by the test: the Content-Security-Policy would refuse it.
    context = browser.new_context(base_url=base_url, viewport=viewport, locale="id-ID", bypass_csp=True)
    context.set_default_timeout(TIMEOUT_MS)
    return context.new_page()


def sign_in(page: Page, role: str) -> None:
    page.goto("/login")
    page.locator("input[name=email]").fill(f"{role}@{EMAIL_DOMAIN}")
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state("load")


def links(page: Page, selector: str = "a[href^='/']") -> list[str]:
    found = page.eval_on_selector_all(selector, "links => links.map(a => a.getAttribute('href'))")
    return [urlsplit(href).path for href in found if not any(part in href for part in NOT_PAGES)]


def violations(page: Page, address: str) -> list[str]:
    response = page.goto(address)
    if response is None or "text/html" not in response.headers.get("content-type", ""):
        return []
    page.evaluate(AXE.read_text(encoding="utf-8"))
    return [f"{address}: {problem}" for problem in page.evaluate(RUN_AXE)]


@pytest.mark.parametrize("role", [None, *ROLES], ids=["visitor", *ROLES])
def test_every_page_for_every_role_has_no_serious_accessibility_violation(
        browser: Browser, demo_site: DemoSite, role: str | None):
    """The addresses of tests/web/test_every_page.py (every GET page of the app, with the demo's
    ids), opened by each role (one test each, so that they run side by side) in Chromium; axe runs
    on the first address of each page the role may open (the same template with other ids has the
    same structure)."""
    with demo_site.app.app_context():
        addresses = urls_for(demo_site.app)
        db.session.remove()
    found: list[str] = []
    checked: set[str] = set()
    page = page_for(browser, demo_site.url)
    if role is not None:
        sign_in(page, role)
    for endpoint, urls in addresses.items():
        if endpoint in NOT_BROWSER_PAGES:
            continue
        for address in urls:
            # Asked first without rendering (the same cookies): most refusals cost no page load.
            answer = page.request.get(address, max_redirects=0)
            if answer.status != 200 or "text/html" not in answer.headers.get("content-type", ""):
                continue
            response = page.goto(address)
            if (response is None or response.status >= 400
                    or "text/html" not in response.headers.get("content-type", "")
                    or urlsplit(page.url).path != urlsplit(address).path):
                continue   # refused, redirected elsewhere, or a file
            page.evaluate(AXE.read_text(encoding="utf-8"))
            found += [f"{role} {address}: {problem}" for problem in page.evaluate(RUN_AXE)]
            checked.add(endpoint)
            break
    page.context.close()
    assert MUST_OPEN[role] <= checked, MUST_OPEN[role] - checked
    assert found == [], "\n".join(found)


def test_the_reveal_and_an_incomplete_innovation_pass_too(browser: Browser, demo_server: str):
    """The reveal's controls (dimmed for the projector) and an innovation's completeness bar."""
    page = page_for(browser, demo_server)
    sign_in(page, "organiser")
    managed = links(page, "nav .dropdown-menu a[href^='/manage/']")
    competitions = {address.split("/")[2] for address in managed}
    assert len(competitions) == 2
    found: list[str] = []
    for competition_id in sorted(competitions):   # the demo's first competition has sealed results
        found += violations(page, f"/manage/{competition_id}/ceremony/reveal")
    counter = page.locator("#counter")
    page.goto(f"/manage/{min(competitions)}/ceremony/reveal")
    assert counter.inner_text().endswith(" / 8")   # the counter is there to be checked
    page.context.close()
    page = page_for(browser, demo_server)
    sign_in(page, "submitter")
    innovations = [a for a in links(page, "main a[href^='/innovations/']") if a.split("/")[-1].isdigit()]
    assert innovations
    for address in innovations[:3]:
        found += violations(page, address)
    page.context.close()
    assert found == [], "\n".join(found)


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_organisers_tabs_all_stay_on_a_phones_screen(browser: Browser, demo_server: str, language: str):
    page = page_for(browser, demo_server, PHONE)
    sign_in(page, "organiser")
    if language == "en":   # the English names are longer
        with page.expect_navigation():
            page.evaluate("""() => { const form = document.querySelector("form[action='/language']");
                                     form.querySelector("[name=next]").value = location.pathname;
                                     form.requestSubmit(form.querySelector("[value=en]")); }""")
        assert page.locator("html").get_attribute("lang") == "en"
    addresses = links(page, "nav[aria-label] .nav-tabs a")
    assert len(addresses) >= 5
    for address in addresses:
        page.goto(address)
        tabs = page.locator(".nav-tabs .nav-link")
        assert tabs.count() >= 5
        for index in range(tabs.count()):
            box = tabs.nth(index).bounding_box()
            assert box is not None
            assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (
                address, tabs.nth(index).inner_text(), box)
        for link in page.locator("nav[aria-label] .nav-pills .nav-link").all():   # the set-up's pages
            box = link.bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (
                address, link.inner_text(), box)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], address
    page.context.close()

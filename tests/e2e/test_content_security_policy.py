"""The browser enforces the application's Content-Security-Policy, and the journeys would notice:
inline script and inline styles slipped into a page are refused and reported."""

from __future__ import annotations

from playwright.sync_api import Browser, Route

from tests.e2e.conftest import DESKTOP, LiveServer, watch_policy_violations

SLIPPED_IN = ('<p id="probe" style="color: red" onclick="document.title = \'clicked\'">x</p>'
              '<script>document.title = "inline ran";</script></body>')


def test_inline_script_and_styles_are_refused_and_reported(browser: Browser, live_server: LiveServer):
    context = browser.new_context(base_url=live_server.url, viewport=DESKTOP)
    violations = watch_policy_violations(context)
    page = context.new_page()

    def slip_in(route: Route) -> None:  # the app's own response and headers, with inline code added
        response = route.fetch()
        route.fulfill(response=response, body=response.text().replace("</body>", SLIPPED_IN))

    page.route("**/login", slip_in)
    try:
        page.goto("/login")
        page.locator("#probe").click()
        page.wait_for_timeout(200)
        title = page.title()
        colour = page.locator("#probe").evaluate("element => getComputedStyle(element).color")
    finally:
        context.close()
    assert title not in ("inline ran", "clicked")
    assert colour != "rgb(255, 0, 0)"
    assert any("script-src-elem blocked inline" in v for v in violations), violations
    assert any("script-src-attr blocked inline" in v for v in violations), violations
    assert any("style-src-attr blocked inline" in v for v in violations), violations

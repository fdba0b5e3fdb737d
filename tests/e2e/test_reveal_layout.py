"""The reveal on a projector: at 1280×720 and 1920×1080, on every slide of the demo's reveal and of
a reveal of the demo's longest names (DP3AP2KB's 93 characters, DPMPTSP, the longest innovation
titles), nothing spills off the slide or under the control bar; the bar hides while the pointer is
still and comes back when it moves or a control takes the focus; and a presenter view in a second
window shows the current and the next slide and follows the projected one."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from competition.demo import DEMO_PASSWORD, EMAIL_DOMAIN
from competition.demo.loader import load_demo
from competition.extensions import db
from competition.models import Competition, User
from competition.results.awards import add_award
from competition.results.operations import seal_results
from tests.ceremony.test_stage_documents import LONGEST
from tests.e2e.conftest import TIMEOUT_MS, LiveServer, sign_in, watch_policy_violations
from tests.results.test_views import Contest

SIZES = [(1280, 720), (1920, 1080)]

# Every element of the shown slide(s) whose box leaves its slide or reaches under the control bar.
SPILLS = """() => {
  const bar = document.querySelector('.controls').getBoundingClientRect();
  const found = [];
  for (const slide of document.querySelectorAll('[data-slide]:not([hidden])')) {
    const box = slide.getBoundingClientRect();
    if (box.bottom > bar.top + 1) found.push('the slide reaches under the control bar');
    for (const element of slide.querySelectorAll('*')) {
      const inner = element.getBoundingClientRect();
      if (!inner.width || !inner.height) continue;
      const what = element.className + ' "' + element.textContent.trim().slice(0, 50) + '"';
      if (inner.left < box.left - 1 || inner.right > box.right + 1 || inner.top < box.top - 1
          || inner.bottom > box.bottom + 1) found.push(what + ' leaves the slide');
      if (inner.bottom > bar.top + 1) found.push(what + ' is under the control bar');
      if (element.scrollWidth > element.clientWidth + 1) found.push(what + ' is cut at the side');
    }
  }
  return found;
}"""


def organiser_of_the_demo() -> User:
    return db.session.scalar(select(User).where(User.email == f"organiser@{EMAIL_DOMAIN}"))


def longest_contest() -> Contest:
    contest = Contest(LONGEST, name="Lomba Inovasi Daerah Kota Kediri 2026")
    add_award(contest.competition, contest.organiser, name="Inovasi Terbaik", subject="innovation",
              positions=5)
    contest.competition.one_award_per_organisation = False
    db.session.commit()
    contest.close_judging()
    seal_results(contest.competition, contest.organiser)
    db.session.commit()
    return contest


def sign_in_as(page: Page, email: str, password: str) -> None:
    page.goto("/login")
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Kata sandi", exact=True).fill(password)
    page.get_by_role("button", name="Masuk", exact=True).click()
    expect(page.get_by_role("alert").filter(has_text="Selamat datang")).to_be_visible()


def every_slide_fits(page: Page, address: str, label: str) -> int:
    page.goto(address)
    page.wait_for_load_state("load")
    slides = page.locator("[data-slide]").count()
    assert slides > 2
    shots = os.environ.get("ANUGERAH_E2E_SCREENSHOTS")
    for number in range(slides):
        page.mouse.move(5 + number, 5)   # the bar shows while the pointer moves: check against it
        spills = page.evaluate(SPILLS)
        assert spills == [], f"{label}, slide {number + 1} of {slides}: {spills}"
        if shots and page.locator(".slide-winner:not([hidden]) .winner.longer").count():
            page.screenshot(path=Path(shots) / f"ceremony-reveal-{label}.png")
        page.keyboard.press("PageDown")
    return slides


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_every_slide_fits_the_projector(browser: Browser, live_server: LiveServer, width: int, height: int):
    load_demo()
    db.session.commit()
    contest = longest_contest()
    demo_2025 = db.session.scalar(select(Competition).order_by(Competition.year))
    context = browser.new_context(base_url=live_server.url, viewport={"width": width, "height": height},
                                  locale="id-ID", timezone_id="Asia/Jakarta")
    context.set_default_timeout(TIMEOUT_MS)
    violations = watch_policy_violations(context)
    page = context.new_page()
    sign_in_as(page, organiser_of_the_demo().email, DEMO_PASSWORD)
    every_slide_fits(page, f"/manage/{demo_2025.id}/ceremony/reveal", f"demo-{width}x{height}")
    page.context.clear_cookies()
    sign_in(page, contest.organiser)
    slides = every_slide_fits(page, f"/manage/{contest.competition.id}/ceremony/reveal", f"{width}x{height}")
    assert slides == 1 + 2 * (1 + 5) + 1   # the cover, two awards of five, the closing slide
    context.close()
    assert not violations, violations


def test_the_bar_hides_when_still_and_the_presenter_view_follows(browser: Browser, live_server: LiveServer):
    contest = longest_contest()
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 720},
                                  locale="id-ID", timezone_id="Asia/Jakarta")
    context.set_default_timeout(TIMEOUT_MS)
    violations = watch_policy_violations(context)
    page = context.new_page()
    sign_in(page, contest.organiser)
    page.goto(f"/manage/{contest.competition.id}/ceremony/reveal")
    bar = page.locator(".controls")
    page.mouse.move(100, 100)
    expect(page.locator("body")).not_to_have_class("idle")
    expect(page.locator("body")).to_have_class("idle", timeout=6_000)   # a still pointer: the bar goes
    expect(bar).to_have_css("opacity", "0")
    page.mouse.move(200, 200)
    expect(bar).not_to_have_css("opacity", "0")
    expect(page.locator("body")).to_have_class("idle", timeout=6_000)
    page.keyboard.press("Tab")                                            # the keyboard reaches a control
    expect(bar).to_have_css("opacity", "1")
    page.locator("#stage").click(position={"x": 5, "y": 5})
    page.keyboard.press("PageDown")
    with context.expect_page() as opened:
        page.get_by_role("button", name="Tampilan pembawa acara").click()
    presenter = opened.value
    presenter.wait_for_load_state("load")
    expect(presenter.locator(".slide.is-current")).to_have_attribute("data-award", str(contest.award.id))
    expect(presenter.locator(".slide.is-next")).to_have_attribute("data-reveal", "1")
    page.keyboard.press("PageDown")                                       # the projector moves on...
    expect(presenter.locator(".slide.is-current")).to_have_attribute("data-reveal", "1")
    expect(presenter.locator(".slide.is-next")).to_have_attribute("data-reveal", "2")
    presenter.keyboard.press("PageDown")                                  # ... and follows the presenter
    expect(page.locator("[data-slide]:not([hidden])")).to_have_attribute("data-reveal", "2")
    assert presenter.evaluate(SPILLS) == []
    context.close()
    assert not violations, violations

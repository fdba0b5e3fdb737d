"""Screenshots of the key pages, desktop and phone width, from a running demo.

    make run                                  # in one terminal (the demo on :5000)
    .venv/bin/python docs/screenshots/take_screenshots.py [http://127.0.0.1:5000]

Drives Debian's Chromium (/usr/bin/chromium) with Playwright; writes PNGs beside this file.
Pages that need a competition in the middle of judging (a judge scoring, an undecided tie) come
from the end-to-end journey instead: ANUGERAH_E2E_SCREENSHOTS=docs/screenshots pytest tests/e2e
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

HERE = Path(__file__).parent
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# An import with mistakes, to show the row-by-row report.
BAD_USER_FILE = ("email,name,organisation,role\n"
                 "operator.baru@kedirikota.go.id,Operator Baru,Dinkes,submitter\n"
                 "sekretariat-bappeda,Sekretariat Bappeda,Bappeda,verifier\n"
                 "juri.tamu@unair.ac.id,,,judge\n"
                 "operator.lain@kedirikota.go.id,Operator Lain,Dinas Pariwisata,operator\n")
SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


def sign_in(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#email", email)
    page.fill("#password", "anugerah-demo")
    with page.expect_navigation():
        page.click("main button[type=submit]")


def main() -> None:
    base = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:5000"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for size, viewport in SIZES.items():
            page = browser.new_page(viewport=viewport)
            page.goto(f"{base}/")
            page.screenshot(path=HERE / f"competitions-{size}.png", full_page=True)
            sign_in(page, base, "submitter@demo.anugerah.id")
            page.goto(f"{base}/innovations")
            page.screenshot(path=HERE / f"our-innovations-{size}.png", full_page=True)
            page.goto(base + page.locator("a.list-group-item").first.get_attribute("href"))
            page.screenshot(path=HERE / f"innovation-{size}.png", full_page=True)
            page.goto(f"{base}/innovations")
            awarded = page.locator("a.list-group-item:has(.status-awarded)").first
            page.goto(base + awarded.get_attribute("href"))
            page.screenshot(path=HERE / f"innovation-result-{size}.png", full_page=True)
            page.context.clear_cookies()
            sign_in(page, base, "verifier@demo.anugerah.id")
            page.goto(f"{base}/verification")
            page.screenshot(path=HERE / f"verification-queue-{size}.png", full_page=True)
            page.goto(base + page.locator("main a[href^='/verification/']").first.get_attribute("href"))
            page.screenshot(path=HERE / f"verification-review-{size}.png", full_page=True)
            page.context.clear_cookies()
            sign_in(page, base, "organiser@demo.anugerah.id")
            page.goto(f"{base}/people")
            page.screenshot(path=HERE / f"users-{size}.png", full_page=True)
            page.goto(f"{base}/people/import")
            page.set_input_files("#file", files=[{"name": "pengguna.csv", "mimeType": "text/csv",
                                                  "buffer": BAD_USER_FILE.encode()}])
            page.click("main button[type=submit]")
            page.wait_for_selector("#import-result .alert")
            page.screenshot(path=HERE / f"user-import-{size}.png", full_page=True)
            # The organiser's competition pages: this year's (open) and last year's (judged).
            for name, path in (("setup", "/manage/2/setup"), ("dashboard", "/manage/2/dashboard"),
                               ("dashboard-judging", "/manage/1/dashboard"), ("panels", "/manage/1/panels"),
                               ("results", "/manage/1/results/versions/1"),
                               ("ceremony", "/manage/1/ceremony")):
                page.goto(base + path)
                page.screenshot(path=HERE / f"{name}-{size}.png", full_page=True)
            # The judge agreement of last year's judged round, the dashboard's section alone.
            page.goto(f"{base}/manage/1/dashboard")
            page.locator("section#agreement").screenshot(path=HERE / f"judge-agreement-{size}.png")
            page.goto(f"{base}/manage/1/ceremony/reveal")
            for _ in range(3):  # the cover, the award's title card, then Juara V
                page.keyboard.press("PageDown")
            page.screenshot(path=HERE / f"reveal-{size}.png")
            page.context.clear_cookies()
            sign_in(page, base, "judge@demo.anugerah.id")
            page.goto(f"{base}/scoring")
            page.screenshot(path=HERE / f"my-scoring-{size}.png", full_page=True)
            page.goto(base + page.locator("main a[href^='/scoring/']").first.get_attribute("href"))
            page.screenshot(path=HERE / f"scoring-entry-{size}.png", full_page=True)
            page.context.clear_cookies()
            page.goto(f"{base}/competitions/1/results")
            page.screenshot(path=HERE / f"public-results-{size}.png", full_page=True)
            page.close()
        browser.close()


if __name__ == "__main__":
    main()

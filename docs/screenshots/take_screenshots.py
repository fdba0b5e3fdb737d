"""Screenshots of the key pages, desktop and phone width, from a running demo.

    make run                                  # in one terminal (the demo on :5000)
    .venv/bin/python docs/screenshots/take_screenshots.py [http://127.0.0.1:5000]

Drives Debian's Chromium (/usr/bin/chromium) with Playwright; writes PNGs beside this file.
Pages that need a competition in the middle of judging (a judge scoring, an undecided tie) come
from the end-to-end journey instead: ANUGERAH_E2E_SCREENSHOTS=docs/screenshots pytest tests/e2e
"""

from __future__ import annotations

import subprocess
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
        cloned: list[str] = []   # the address of the competition started from last year's
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
            # Set-up in the browser: a competition started from last year's (made once, on the
            # first pass), then one of its criteria edited.
            page.goto(f"{base}/manage/new/from/1")
            page.screenshot(path=HERE / f"clone-{size}.png", full_page=True)
            if not cloned:   # the demo already holds this year's: the copy is for next year
                page.fill("#name", "Lomba Inovasi Daerah Kota Kediri 2027")
                page.fill("#year", "2027")
                page.eval_on_selector_all("input[type^=datetime], input[type=date]", """inputs =>
                    inputs.forEach(i => { i.value = i.value.replace(/^2026/, "2027"); })""")
                with page.expect_navigation():
                    page.click("main form button[type=submit]")
                cloned.append(page.url.split("/setup")[0])
            page.goto(cloned[0] + "/setup")
            page.goto(base + page.locator("main a[href*='/setup/rounds/']:not([href$='/new'])").first
                      .get_attribute("href"))
            page.screenshot(path=HERE / f"round-{size}.png", full_page=True)
            criterion = page.locator("main a[href$='/edit'][href*='/criteria/']").first
            page.goto(base + criterion.get_attribute("href"))
            page.screenshot(path=HERE / f"criterion-edit-{size}.png", full_page=True)
            # A message to the OPDs that have submitted nothing, previewed before it is sent.
            page.goto(f"{base}/manage/2/messages?template=pengingat_batas_waktu")
            page.select_option("#audience", index=1)
            page.click("main form[action$='/messages/preview'] button[type=submit]")
            page.wait_for_selector("#preview")
            page.screenshot(path=HERE / f"messages-{size}.png", full_page=True)
            page.goto(f"{base}/manage/1/ceremony/certificates")
            page.screenshot(path=HERE / f"ceremony-settings-{size}.png", full_page=True)
            page.goto(f"{base}/manage/1/ceremony/reveal")
            for _ in range(3):  # the cover, the award's title card, then Juara V
                page.keyboard.press("PageDown")
            page.screenshot(path=HERE / f"reveal-{size}.png")
            if size == "desktop":
                # On a 1280x720 projector, at the slide with the demo's longest OPD name.
                projector = browser.new_page(viewport={"width": 1280, "height": 720})
                projector.context.add_cookies(page.context.cookies())
                projector.goto(f"{base}/manage/1/ceremony/reveal")
                slides = projector.locator("[data-slide]")
                longest = max(range(slides.count()), key=lambda n: len(slides.nth(n).text_content() or ""))
                for _ in range(longest):
                    projector.keyboard.press("PageDown")
                projector.wait_for_timeout(600)
                projector.screenshot(path=HERE / "ceremony-reveal-1280x720.png")
                projector.close()
                # A certificate as it prints, from the preview (PDF rendered to PNG).
                certificate = page.request.get(f"{base}/manage/1/ceremony/certificates/preview.pdf")
                (HERE / "certificate.pdf").write_bytes(certificate.body())
                subprocess.run(["pdftoppm", "-png", "-r", "60", "-singlefile", str(HERE / "certificate.pdf"),
                                str(HERE / "ceremony-certificate")], check=True)
                (HERE / "certificate.pdf").unlink()
            page.context.clear_cookies()
            sign_in(page, base, "judge@demo.anugerah.id")
            page.goto(f"{base}/scoring")
            page.screenshot(path=HERE / f"my-scoring-{size}.png", full_page=True)
            page.goto(base + page.locator("main a[href^='/scoring/']").first.get_attribute("href"))
            page.screenshot(path=HERE / f"scoring-entry-{size}.png", full_page=True)
            page.goto(f"{base}/notifications")
            page.screenshot(path=HERE / f"judge-notifications-{size}.png", full_page=True)
            page.context.clear_cookies()
            page.goto(f"{base}/competitions/1/results")
            page.screenshot(path=HERE / f"public-results-{size}.png", full_page=True)
            page.close()
        browser.close()


if __name__ == "__main__":
    main()

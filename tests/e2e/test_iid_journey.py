"""The IID rehearsal in Chromium, on the demo region: the organiser takes it from its innovations to
a claimed and verified index with a predikat, under both presets.

By hand, for the demo at DEMO_NOW: 14 of its innovations count (submitted, neither withdrawn nor
rejected, put into use in 2024-2025, a long enough rancang bangun), in fewer than 5 basic-service
urusan (no count score); 14 is above both presets' divisor minimum (12 and 10), so both divide by 14.
The regional rows all at 2 give 21 x 2 = 42. MPP Keliling claims regulasi (weight 3) at 3 and
video (weight 4) at 2, with evidence: 17 points; verified regulasi 3 and video 1: 13 points.
Claimed IID = (42 + 17/14) / 2.5 = 17.2857.. -> 17,29; verified (42 + 13/14) / 2.5 = 17.1714.. -> 17,17.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import got_request_exception
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select
from werkzeug.serving import make_server

from competition import create_app
from competition.demo import DEMO_PASSWORD, EMAIL_DOMAIN
from competition.extensions import db
from competition.models import Competition, IndicatorLevel
from competition.web.headers import RequestHandler
from tests.conftest import copy_database, drop_database
from tests.e2e.conftest import DESKTOP, TIMEOUT_MS, flash, snapshot, watch_policy_violations

MPP = "MPP Keliling: Mal Pelayanan Publik Keliling"


@pytest.fixture
def demo_server(demo_template, tmp_path: Path) -> Iterator[str]:
    """A copy of the demo, served over HTTP on loopback with CSRF on; a request that raises fails
    the test."""
    url = copy_database(demo_template.url, "iid_demo", tmp_path)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": True,
                      "EVIDENCE_DIR": tmp_path / "evidence"})
    errors: list[BaseException] = []
    got_request_exception.connect(lambda sender, exception, **extra: errors.append(exception), app,
                                  weak=False)
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=RequestHandler)
    address = f"http://127.0.0.1:{server.server_address[1]}"
    app.config["BASE_URL"] = address
    thread = threading.Thread(target=server.serve_forever, name="iid-demo", daemon=True)
    thread.start()
    with app.app_context():
        try:
            yield address
        finally:
            server.shutdown()
            thread.join()
            server.server_close()
            db.session.remove()
            db.engine.dispose()
    drop_database(url)
    assert not errors, f"the server failed: {errors!r}"


@pytest.fixture
def page(browser: Browser, demo_server: str) -> Iterator[Page]:
    context = browser.new_context(base_url=demo_server, viewport=DESKTOP, locale="id-ID",
                                  timezone_id="Asia/Jakarta")
    context.set_default_timeout(TIMEOUT_MS)
    violations = watch_policy_violations(context)
    opened = context.new_page()
    yield opened
    context.close()
    assert not violations, "the Content-Security-Policy refused:\n" + "\n".join(violations)


def figures(page: Page) -> list[tuple[str, str]]:
    cards = [page.locator("#claimed"), page.locator("#verified")]
    return [(card.locator("[data-iid]").inner_text(), card.locator("[data-predikat]").inner_text())
            for card in cards]


def test_the_organiser_takes_the_demo_region_to_a_claimed_and_verified_iid(page: Page):
    this_year = db.session.scalar(select(Competition).order_by(Competition.year.desc()))
    page.goto("/login")
    page.get_by_label("Email", exact=True).fill(f"organiser@{EMAIL_DOMAIN}")
    page.get_by_label("Kata sandi", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Masuk", exact=True).click()
    expect(flash(page, "Selamat datang")).to_be_visible()
    page.goto(f"/manage/{this_year.id}/setup")
    page.get_by_role("link", name="IID", exact=True).click()
    expect(page.get_by_role("heading", name="Simulasi IID: Indeks Inovasi Daerah 2026")).to_be_visible()
    assert figures(page) == [("0,00", "Tidak Dapat Dinilai")] * 2
    expect(page.get_by_text("14 inovasi dihitung.")).to_be_visible()
    expect(page.locator("#gate")).to_contain_text("Belum terpenuhi")

    # The Bappeda's regional rows, all at level 2.
    page.get_by_role("link", name="Indikator daerah", exact=True).click()
    rows = page.locator("select[name^='level-']")
    assert rows.count() == 20
    for index in range(20):
        rows.nth(index).select_option("2")
    page.get_by_role("button", name="Simpan", exact=True).click()
    expect(flash(page, "20 baris indikator daerah diubah.")).to_be_visible()
    assert figures(page) == [("16,80", "Kurang Inovatif")] * 2

    # An innovation's claim, with its evidence, then its verification.
    page.locator("#contributions").get_by_role("link", name=MPP, exact=True).click()
    expect(page.get_by_role("heading", name=f"Indikator IID: {MPP}")).to_be_visible()
    page.locator("#level-regulasi-3").check()
    page.locator("#evidence-regulasi").select_option(index=1)
    page.locator("#level-video-2").check()
    page.locator("#evidence-video").select_option(index=1)
    page.get_by_role("button", name="Simpan level klaim", exact=True).click()
    expect(flash(page, "2 indikator diubah.")).to_be_visible()
    expect(page.locator("#points")).to_have_text("Nilai diklaim: 17 dari 111; terverifikasi: 0.")
    page.locator("#verified-video").select_option("1")
    page.locator("input[name='note-video']").fill("Video belum menunjukkan alur layanan")
    page.get_by_role("button", name="Simpan verifikasi", exact=True).click()
    expect(flash(page, "2 indikator diubah.")).to_be_visible()
    expect(page.locator("#points")).to_have_text("Nilai diklaim: 17 dari 111; terverifikasi: 13.")
    snapshot(page, "iid-innovation")

    page.get_by_role("link", name="Simulasi IID", exact=True).click()
    assert figures(page) == [("17,29", "Kurang Inovatif"), ("17,17", "Kurang Inovatif")]
    expect(page.locator("#plan")).to_contain_text("mencapai Inovatif (mulai 40,01)")
    snapshot(page, "iid")

    page.get_by_label("Model", exact=True).select_option("iid_2023")
    page.get_by_role("button", name="Tampilkan", exact=True).click()
    expect(page.get_by_role("heading", name="Simulasi IID: Indeks Inovasi Daerah 2023")).to_be_visible()
    assert figures(page) == [("17,29", "Kurang Inovatif"), ("17,17", "Kurang Inovatif")]
    expect(page.locator("#plan")).to_contain_text("mencapai Inovatif (mulai 35,00)")

    db.session.expire_all()
    stored = {row.indicator: (row.claimed_level, row.verified_level, row.verified_note)
              for row in db.session.scalars(select(IndicatorLevel))}
    assert stored == {"regulasi": (3, 3, ""), "video": (2, 1, "Video belum menunjukkan alur layanan")}

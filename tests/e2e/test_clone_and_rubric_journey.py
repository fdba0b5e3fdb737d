"""An organiser starts this year's competition from last year's in the browser, in Bahasa
Indonesia: picks it on the new competition page, sees what comes along, takes the suggested
dates a year on, finds last year's rounds and criteria in the new one, changes a criterion (a
bad weight first, refused beside its field on the same page) and moves another up the rubric."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from playwright.sync_api import Page, expect
from sqlalchemy import select

from competition.extensions import db
from competition.judging.operations import add_criterion, add_round, create_panel
from competition.models import Competition, Criterion, Round
from competition.models.types import utcnow
from tests.e2e.conftest import LiveServer, flash, sign_in
from tests.e2e.test_organiser_and_judges_journey import heading, manage
from tests.factories import force_status, make_competition, make_region, make_user

ROUND_1, ROUND_2 = "Penilaian administrasi", "Presentasi"
KEBARUAN, KEMANFAATAN, REGULASI = "Kebaruan", "Kemanfaatan", "Regulasi"


def test_this_year_is_set_up_like_last_year_and_its_rubric_changed(live_server: LiveServer,
                                                                    browser_page: Page):
    page = browser_page
    year = utcnow().year
    region = make_region("Kota Kediri")
    previous = make_competition(
        region, phase="setup", name=f"Lomba Inovasi Daerah Kota Kediri {year - 1}", year=year - 1,
        categories=("Pelayanan Publik", "Tata Kelola"),
        submission_opens_at=datetime(year - 1, 3, 1, 1, 0, tzinfo=UTC),
        submission_closes_at=datetime(year - 1, 4, 14, 16, 59, tzinfo=UTC),
        verification_closes_at=datetime(year - 1, 5, 23, 16, 59, tzinfo=UTC),
        judging_closes_at=datetime(year - 1, 6, 27, 16, 59, tzinfo=UTC))
    organiser = make_user(previous, "organiser", name="Sri Rahayu")
    ratna = make_user(previous, "judge", name="Dr. Ratna Wulandari")
    first = add_round(previous, organiser, name=ROUND_1, judges_per_entry=1)
    for criterion_name, weight in ((KEBARUAN, 50), (KEMANFAATAN, 30), (REGULASI, 20)):
        add_criterion(first, organiser, name=criterion_name, weight=weight)
    second = add_round(previous, organiser, name=ROUND_2, judges_per_entry=1)
    add_criterion(second, organiser, name="Presentasi dan tanya jawab", weight=100)
    create_panel(first, organiser, name="Tim administrasi", judges=[ratna])
    db.session.commit()
    force_status(previous, "closed")
    name = f"Lomba Inovasi Daerah Kota Kediri {year}"

    # 1. From last year's set-up to the new competition page, and last year's picked there.
    sign_in(page, organiser)
    manage(page, previous.name, "Persiapan")
    page.get_by_role("link", name="Kompetisi baru", exact=True).click()
    expect(heading(page, "Mulai dari kompetisi sebelumnya", level=2)).to_be_visible()
    page.get_by_role("link", name=f"Siapkan seperti {previous.name} ({year - 1})", exact=True).click()

    # 2. What comes along is listed; the name, year and dates are suggested a year on.
    copied = page.locator("#copied")
    expect(copied).to_contain_text("Pelayanan Publik")
    expect(copied.locator("[data-round]").first).to_contain_text(f"{KEBARUAN}, {KEMANFAATAN}, {REGULASI}")
    expect(copied.locator("[data-round]").last).to_contain_text(ROUND_2)
    expect(copied).to_contain_text("Tim administrasi (1 juri)")
    expect(copied).to_contain_text(ratna.name)
    expect(page.get_by_label("Nama", exact=True)).to_have_value(name)
    expect(page.get_by_label("Tahun", exact=True)).to_have_value(str(year))
    expect(page.get_by_label("Pengajuan dibuka", exact=True)).to_have_value(f"{year}-03-01T08:00")
    expect(page.get_by_label("Penilaian ditutup", exact=True)).to_have_value(f"{year}-06-27T23:59")
    page.get_by_role("button", name="Buat kompetisi", exact=True).click()
    expect(flash(page, f"{name} telah disiapkan seperti {previous.name}.")).to_be_visible()
    expect(page.locator("#phase-title")).to_have_text("Tahapan: Persiapan")
    rounds = page.locator("#rounds").get_by_role("listitem")
    expect(rounds).to_have_count(2)
    expect(rounds.first).to_contain_text(f"1. {ROUND_1}")
    expect(rounds.first).to_contain_text("3 kriteria")

    # 3. Round 1's rubric, as last year's; a criterion changed on its own page.
    page.get_by_role("link", name=f"1. {ROUND_1}", exact=True).click()
    rows = page.locator("#rubric tbody tr")
    expect(rows).to_have_count(3)
    page.get_by_role("link", name=f"Ubah {KEBARUAN}", exact=True).click()
    expect(heading(page, f"Kriteria 1: {KEBARUAN}", level=2)).to_be_visible()
    edit_url = page.url
    weight = page.get_by_label("Bobot", exact=True)
    expect(weight).to_have_value("50")
    weight.fill("-5")
    page.get_by_role("button", name="Simpan kriteria", exact=True).click()
    expect(page.locator("#weight-error")).to_have_text("Tidak boleh kurang dari nol.")
    assert page.url == edit_url   # the page shown again at its own address
    weight.fill("55")
    page.get_by_label("Petunjuk untuk juri", exact=True).fill("Seberapa baru dibanding tahun lalu.")
    page.get_by_role("button", name="Simpan kriteria", exact=True).click()
    expect(flash(page, f"Kriteria '{KEBARUAN}' telah disimpan.")).to_be_visible()
    expect(rows.filter(has_text=KEBARUAN).locator("[data-weight]")).to_have_text("55")
    expect(rows.filter(has_text=KEBARUAN)).to_contain_text("Seberapa baru dibanding tahun lalu.")

    # 4. Regulasi moved up, above Kemanfaatan.
    page.get_by_role("button", name=f"Naikkan {REGULASI}", exact=True).click()
    expect(flash(page, f"Kriteria '{REGULASI}' kini berada di urutan 2 rubrik.")).to_be_visible()
    expect(rows.nth(1)).to_have_attribute("data-criterion", REGULASI)
    expect(rows.nth(2)).to_have_attribute("data-criterion", KEMANFAATAN)
    expect(page.get_by_role("button", name=f"Naikkan {KEBARUAN}", exact=True)).to_be_disabled()
    assert re.search(r"#criterion-\d+$", page.url)

    db.session.expire_all()
    created = db.session.scalars(select(Competition).where(Competition.name == name)).one()
    round_1 = db.session.scalars(select(Round).where(Round.competition_id == created.id,
                                                     Round.position == 1)).one()
    assert [(c.name, c.weight) for c in round_1.criteria] == [
        (KEBARUAN, 55), (REGULASI, 20), (KEMANFAATAN, 30)]
    # Last year's rubric is as it was.
    assert [(c.name, c.weight) for c in db.session.scalars(
        select(Criterion).where(Criterion.round_id == first.id).order_by(Criterion.position))] == [
        (KEBARUAN, 50), (KEMANFAATAN, 30), (REGULASI, 20)]

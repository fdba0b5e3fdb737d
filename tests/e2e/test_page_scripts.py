"""The pages whose scripts moved out of the page into competition/static (the
Content-Security-Policy refuses inline script and inline event handlers) still work in the
browser: selecting every innovation to verify, showing normalised totals, importing with a
progress bar, and asking before a destructive form is sent. ``browser_page`` fails each of them
if the browser reports a policy violation."""

from __future__ import annotations

import re
import time

from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from competition.extensions import db
from competition.models import Competition, Evidence, Organisation, User
from tests.e2e.conftest import LiveServer, flash, sign_in, sign_out
from tests.entries.test_verification_views import Desk
from tests.entries.test_views import Opd
from tests.factories import make_entry, make_user, words
from tests.people.test_views import Office
from tests.results.test_views import Contest


def test_select_all_picks_every_innovation_in_the_queue(live_server: LiveServer, browser_page: Page):
    desk = Desk()
    page = browser_page
    sign_in(page, desk.verifier)
    page.goto("/verification")
    select_all = page.locator("#select-all")
    expect(select_all).to_be_visible()  # shown by the script
    select_all.check()
    for entry in (desk.newer, desk.older):
        expect(page.locator(f"#pick-{entry.id}")).to_be_checked()
    page.locator(f"#pick-{desk.older.id}").uncheck()
    expect(select_all).not_to_be_checked()
    assert select_all.evaluate("box => box.indeterminate")


def test_the_draft_results_switch_to_normalised_totals(live_server: LiveServer, browser_page: Page):
    contest = Contest(normalise=True)
    page = browser_page
    sign_in(page, contest.organiser)
    page.goto(f"/manage/{contest.competition.id}/results")
    first_normalised = page.locator('[data-total="normalised"]').first
    assert first_normalised.evaluate("total => getComputedStyle(total).display") == "none"
    page.locator('label[for="totals-normalised"]').click()
    expect(page.locator("#draft")).to_have_class(re.compile(r"\bshow-normalised\b"))
    assert first_normalised.evaluate("total => getComputedStyle(total).display") == "inline"
    page.locator('label[for="totals-raw"]').click()
    expect(page.locator("#draft")).not_to_have_class(re.compile(r"\bshow-normalised\b"))


def test_an_import_is_sent_with_its_progress_and_answered_in_place(live_server: LiveServer,
                                                                   browser_page: Page, tmp_path):
    office = Office()
    db.session.commit()
    csv = tmp_path / "opd.csv"
    csv.write_text("name,short_name,parent\nDinas Pendidikan,Disdik,\n", encoding="utf-8")
    page = browser_page
    sign_in(page, office.organiser)
    page.goto("/people/import")
    page.evaluate("window.stayedOnThePage = true")
    page.locator('input[name="kind"][value="organisations"]').check()
    page.locator("#import-form input[type=file]").set_input_files(str(csv))
    page.locator("#import-form button[type=submit]").click()
    expect(page.locator("#import-result")).to_contain_text("1 baru")
    assert page.evaluate("window.stayedOnThePage") is True  # answered by the script, not a new page
    db.session.expire_all()
    assert db.session.scalar(select(Organisation).where(Organisation.name == "Dinas Pendidikan"))


def test_deactivating_a_user_asks_first(live_server: LiveServer, browser_page: Page):
    office = Office()
    db.session.commit()
    page = browser_page
    sign_in(page, office.organiser)
    page.goto(f"/people/{office.operator.id}")
    asked: list[str] = []

    def answer(accept: bool):
        def handle(dialog) -> None:
            asked.append(dialog.message)
            dialog.accept() if accept else dialog.dismiss()
        return handle

    page.once("dialog", answer(False))
    page.get_by_role("button", name="Nonaktifkan", exact=True).click()
    page.wait_for_timeout(200)
    db.session.expire_all()
    assert db.session.get(User, office.operator.id).active is True
    page.once("dialog", answer(True))
    page.get_by_role("button", name="Nonaktifkan", exact=True).click()
    expect(flash(page, "Operator Dinkes")).to_be_visible()
    db.session.expire_all()
    assert db.session.get(User, office.operator.id).active is False
    assert asked == ["Nonaktifkan Operator Dinkes? Ia tidak akan dapat masuk lagi."] * 2


def test_a_job_page_follows_the_job_until_it_ends(live_server: LiveServer, browser_page: Page):
    from competition.models import Job

    office = Office()
    job = Job(kind="people_import", competition_id=office.competition.id, requested_by_id=office.organiser.id,
              status="running", params={}, progress_done=1, progress_total=4)
    db.session.add(job)
    db.session.commit()
    page = browser_page
    sign_in(page, office.organiser)
    page.goto(f"/jobs/{job.id}")
    page.evaluate("window.stayedOnThePage = true")
    expect(page.locator("#job-progress-label")).to_have_text("1 dari 4")
    job.progress_done = 3
    db.session.commit()
    expect(page.locator("#job-progress-label")).to_have_text("3 dari 4")   # polled, same page
    expect(page.locator("#job-progress-bar")).to_have_attribute("style", re.compile(r"width: 75%"))
    assert page.evaluate("window.stayedOnThePage") is True
    job.status, job.progress_done, job.summary = "done", 4, "Pengguna: 4 baru."
    db.session.commit()
    expect(page.locator("#job")).to_contain_text("Pengguna: 4 baru.")   # reloaded once it ended
    expect(page.locator("#job-status")).to_have_text("Selesai")


def test_the_rancang_bangun_words_are_counted_as_they_are_typed(live_server: LiveServer,
                                                                browser_page: Page):
    opd = Opd()
    entry = make_entry(opd.competition, opd.dinkes, title="Si-Sehat", rancang_bangun=words(120))
    page = browser_page
    sign_in(page, opd.operator)
    page.goto(f"/innovations/{entry.id}/edit")
    counter = page.locator("#rancang_bangun-count")
    expect(counter).to_have_text("120 kata: perlu 180 lagi")
    page.get_by_label("Rancang bangun", exact=True).fill(words(299) + "  ")
    expect(counter).to_have_text("299 kata: perlu 1 lagi")
    page.get_by_label("Rancang bangun", exact=True).press("End")
    page.get_by_label("Rancang bangun", exact=True).type(" terakhir")
    expect(counter).to_have_text("300 kata")
    expect(counter).to_have_class(re.compile(r"\btext-success\b"))


def test_an_upload_shows_its_progress_and_then_the_page_with_its_message(live_server: LiveServer,
                                                                        browser_page: Page, tmp_path):
    opd = Opd()
    entry = make_entry(opd.competition, opd.dinkes, title="Si-Sehat")
    pdf = tmp_path / "laporan.pdf"
    pdf.write_bytes(b"%PDF-1.4\n" + b"0" * 3_000_000 + b"\n%%EOF\n")
    page = browser_page
    sign_in(page, opd.operator)
    page.goto(f"/innovations/{entry.id}")
    sent: list[str | None] = []

    def slowly(route):  # the upload takes a moment, as on a regional connection
        sent.append(route.request.headers.get("x-upload-progress"))
        time.sleep(1.5)
        route.continue_()

    page.route("**/evidence", slowly)
    page.get_by_label("Berkas", exact=True).set_input_files(pdf)
    page.get_by_role("button", name="Unggah").click()
    expect(page.locator("#upload-progress")).to_be_visible()   # shown while it goes
    expect(page.get_by_role("button", name="Unggah")).to_be_disabled()
    expect(flash(page, "1 data dukung ditambahkan.")).to_be_visible()
    expect(page.get_by_role("link", name="laporan.pdf")).to_be_visible()
    assert sent == ["1"]   # sent by the script, which shows the progress


def test_deleting_evidence_and_leaving_a_tie_break_rule_out_ask_first(live_server: LiveServer,
                                                                      browser_page: Page):
    opd = Opd()
    entry = make_entry(opd.competition, opd.dinkes, title="Si-Sehat")
    organiser = make_user(opd.competition, "organiser", name="Panitia")
    page = browser_page
    asked: list[str] = []

    def answer(accept: bool):
        def handle(dialog) -> None:
            asked.append(dialog.message)
            dialog.accept() if accept else dialog.dismiss()
        return handle

    sign_in(page, opd.operator)
    page.goto(f"/innovations/{entry.id}")
    page.once("dialog", answer(False))
    page.get_by_role("button", name="Hapus data dukung SK Inovasi", exact=True).click()
    page.wait_for_timeout(200)
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Evidence)) == 1
    page.once("dialog", answer(True))
    page.get_by_role("button", name="Hapus data dukung SK Inovasi", exact=True).click()
    expect(flash(page, "Data dukung telah dihapus.")).to_be_visible()
    assert asked == ["Hapus data dukung SK Inovasi? Tindakan ini tidak dapat dibatalkan."] * 2
    sign_out(page, opd.operator)

    sign_in(page, organiser)
    page.goto(f"/manage/{opd.competition.id}/setup/rules")
    chain = list(db.session.get(Competition, opd.competition.id).tie_break_chain)
    first = page.locator("#chain button[value$=':remove']").first
    page.once("dialog", answer(False))
    first.click()
    page.wait_for_timeout(200)
    db.session.expire_all()
    assert db.session.get(Competition, opd.competition.id).tie_break_chain == chain
    moved = page.locator("#chain button[value$=':down']").first
    moved.click()   # moving a rule asks nothing
    page.wait_for_load_state("load")
    assert len(asked) == 3 and asked[2].startswith("Keluarkan ")

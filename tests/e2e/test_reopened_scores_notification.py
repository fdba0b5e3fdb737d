"""An organiser reopens a judge's confirmed scores with a reason in the browser; the judge finds
the notification in the list, follows its link (the page's script marks it read with a POST on
the way) and reads the reason on the scoring sheet; the e-mail carries the reason and the link."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect
from sqlalchemy import select

from competition.extensions import db
from competition.models import Notification
from competition.notifications.operations import send_outbox
from tests.e2e.conftest import Inbox, LiveServer, flash, sign_in, sign_out
from tests.judging.test_scoring_views import Jury
from tests.notifications.test_judging_notifications import confirmed

REASON = "Nilai Kebaharuan tidak sesuai catatan rapat pleno."


def test_the_judge_follows_the_notification_to_the_reason(live_server: LiveServer, browser_page: Page,
                                                         smtp_inbox: Inbox):
    jury = Jury()
    sheet = confirmed(jury, jury.first)
    db.session.commit()
    page = browser_page

    sign_in(page, jury.organiser)
    page.goto(f"/manage/{jury.competition.id}/panels/assignments/{sheet.id}/reopen")
    page.get_by_label("Alasan", exact=True).fill(REASON)
    page.get_by_role("button", name="Buka kembali nilai", exact=True).click()
    expect(flash(page, "Si-Sehat")).to_be_visible()
    sign_out(page, jury.organiser)

    sign_in(page, jury.judge)
    page.get_by_role("link", name=re.compile(r"^Notifikasi")).click()
    item = page.get_by_role("link", name=re.compile('Nilai Anda untuk "Si-Sehat" dibuka kembali'))
    expect(item).to_have_attribute("href", f"/scoring/{sheet.id}")
    item.click()
    expect(page).to_have_url(f"{live_server.url}/scoring/{sheet.id}")
    expect(page.get_by_role("alert").filter(has_text="Dibuka kembali oleh panitia:")).to_have_text(
        f"Dibuka kembali oleh panitia: {REASON}")
    db.session.expire_all()
    read = db.session.scalars(select(Notification).where(
        Notification.user_id == jury.judge.id, Notification.link == f"/scoring/{sheet.id}",
        Notification.message.contains("dibuka kembali"))).one()
    assert read.read_at is not None                                   # marked by the POST on the way

    page.goto("/notifications")
    expect(page.get_by_role("link", name=re.compile('Nilai Anda untuk "Si-Sehat"'))).not_to_have_attribute(
        "data-read-url", re.compile(".*"))

    assert send_outbox().failed == 0
    [mail] = [m for m in smtp_inbox.to(jury.judge.email) if "dibuka kembali" in m["Subject"]]
    text = mail.get_content().replace("\r\n", "\n")
    assert f"Alasan:\n{REASON}" in text
    assert f"Buka lembar penilaian: {live_server.url}/scoring/{sheet.id}\n" in text

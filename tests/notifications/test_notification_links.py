"""Each in-app notification is a link to where it leads; following it marks it read through a
POST (never a GET); the API gives the link on BASE_URL; the judge's sheet shows why the
organisers reopened it."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from competition.extensions import db
from competition.jobs.schedule import tick
from competition.judging.scoring import confirm_scores, reopen_scores
from competition.models import Notification, OutboxMessage
from competition.models.types import utcnow
from competition.people.tokens import create_token
from tests.factories import make_entry, make_organisation, make_user
from tests.jobs.test_phase_schedule import DAY, NOW, at, scheduled
from tests.judging.test_scoring_views import Jury
from tests.notifications.test_judging_notifications import BASE, confirmed, notes
from tests.web.pages import page, sign_in

REASON = "Nilai Kebaharuan tidak sesuai catatan rapat."


@pytest.fixture
def jury(app):
    app.config["BASE_URL"] = BASE
    jury = Jury()
    reopen_scores(confirmed(jury, jury.first), jury.organiser, REASON)
    return jury


def test_each_item_is_a_link_to_where_it_leads_and_viewing_the_list_changes_nothing(client, jury):
    sign_in(client, jury.judge, language=None)
    [reopened] = notes(jury.judge, "Nilai Anda")
    listed = page(client.get("/notifications"))
    assert (f'<a href="/scoring/{jury.first.id}" class="list-group-item list-group-item-action fw-semibold"\n'
            f'     data-read-url="/notifications/{reopened.id}/open">\n'
            f'    Nilai Anda untuk &#34;Si-Sehat&#34; dibuka kembali') in listed
    assert listed.count('<a href="/scoring" class="list-group-item') == 2      # the panel, the round opening
    assert '<script src="/static/notifications/list.js"></script>' in listed
    db.session.expire_all()
    assert all(n.read_at is None for n in notes(jury.judge))                   # a GET marks nothing read

    followed = client.post(f"/notifications/{reopened.id}/open")
    assert (followed.status_code, followed.location) == (302, f"/scoring/{jury.first.id}")
    db.session.expire_all()
    assert [n.id for n in notes(jury.judge) if n.read_at is not None] == [reopened.id]
    read = page(client.get("/notifications"))
    assert f'data-read-url="/notifications/{reopened.id}/open"' not in read     # nothing left to mark
    assert f'<a href="/scoring/{jury.first.id}" class="list-group-item list-group-item-action "' in read


def test_another_users_notification_cannot_be_marked(client, jury):
    [reopened] = notes(jury.judge, "Nilai Anda")
    sign_in(client, jury.other_judge)
    assert client.post(f"/notifications/{reopened.id}/open").status_code == 404


def test_the_api_gives_each_link_on_the_base_url(client, jury):
    secret = create_token(jury.judge, name="skrip", scopes=("read",), days=30).secret
    db.session.commit()
    answer = client.get("/api/v1/notifications", headers={"Authorization": f"Bearer {secret}"}).get_json()
    assert answer["items"][0]["message"] == 'Nilai Anda untuk "Si-Sehat" dibuka kembali'
    assert answer["items"][0]["link"] == f"{BASE}/scoring/{jury.first.id}"
    assert {item["link"] for item in answer["items"]} >= {f"{BASE}/scoring"}


@pytest.mark.parametrize("link", ["https://evil.example/scoring", "//evil.example/scoring",
                                  "/\\evil.example/scoring", "scoring/1"])
def test_a_link_is_always_a_path_inside_the_app(app, link):
    jury = Jury()
    db.session.add(Notification(user_id=jury.judge.id, message="Uji", link=link, created_at=utcnow()))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_the_sheet_shows_why_it_was_reopened_until_it_is_confirmed_again(client, jury):
    sign_in(client, jury.judge, language=None)
    alert = f"Dibuka kembali oleh panitia: {REASON}"
    assert alert in page(client.get(f"/scoring/{jury.first.id}"))
    assert "Dibuka kembali oleh panitia" not in page(client.get(f"/scoring/{jury.second.id}"))
    sign_in(client, jury.judge, language="en")
    assert f"Reopened by the organisers: {REASON}" in page(client.get(f"/scoring/{jury.first.id}"))
    confirm_scores(jury.first, jury.judge)
    assert "Reopened by the organisers" not in page(client.get(f"/scoring/{jury.first.id}"))


def test_the_other_judge_of_the_innovation_sees_no_reason(client, jury):
    sign_in(client, jury.other_judge, language=None)
    assert "Dibuka kembali oleh panitia" not in page(client.get(f"/scoring/{jury.others.id}"))


# -- reminders lead to the page they talk about --------------------------------------------------

def test_a_verification_reminder_leads_to_the_verification_queue(app):
    competition = scheduled("verification", (), reminder_days=5,
                            **at("verification_closes_at", NOW + 3 * DAY))
    region = competition.region
    make_entry(competition, make_organisation(region, "Dinas Kesehatan"), status="submitted")
    verifier = make_user(competition, "verifier", organisation=make_organisation(region, "Bappeda"))
    db.session.commit()
    assert tick(now=NOW, send_mail=False).reminders == 1
    [note] = db.session.scalars(select(Notification).where(Notification.user_id == verifier.id)).all()
    assert note.link == "/verification"


def test_a_judging_reminder_leads_to_the_judges_sheets(app):
    jury = Jury()
    jury.competition.reminder_days = 5
    db.session.commit()
    assert tick(now=jury.competition.judging_closes_at - 2 * DAY, send_mail=False).reminders >= 1
    notes = db.session.scalars(select(Notification.link).where(Notification.user_id == jury.judge.id)
                               .order_by(Notification.id.desc())).all()
    assert notes[0] == "/scoring"


def test_a_refused_scheduled_change_leads_to_the_schedule(app):
    competition = scheduled("verification", ("start_judging",), **at("verification_closes_at", NOW - DAY))
    make_entry(competition, make_organisation(competition.region, "Dinas Kesehatan"), status="submitted")
    organiser = make_user(competition, "organiser")
    db.session.commit()
    assert tick(now=NOW, send_mail=False).refused
    [note] = db.session.scalars(select(Notification).where(Notification.user_id == organiser.id)).all()
    assert note.link == f"/manage/{competition.id}/setup#schedule"


def test_a_blind_rounds_reason_names_no_opd_on_the_sheet_in_the_mail_or_in_the_api(client, app):
    """The organiser's reason may name the innovation's OPD; in a blind round the judge reads it
    with "[OPD]" there, as every other text of the innovation."""
    app.config["BASE_URL"] = BASE
    jury = Jury(blind=True)
    reopen_scores(confirmed(jury, jury.first), jury.organiser,
                  "Nilai untuk Dinas Kesehatan perlu dicek ulang; dinas kesehatan sudah dihubungi.")
    db.session.commit()
    masked = "Nilai untuk [OPD] perlu dicek ulang; [OPD] sudah dihubungi."
    sign_in(client, jury.judge, language=None)
    shown = page(client.get(f"/scoring/{jury.first.id}"))
    assert f"Dibuka kembali oleh panitia: {masked}" in shown and "Dinas Kesehatan" not in shown
    [mail] = db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == jury.judge.email,
                                                            OutboxMessage.subject.contains("dibuka kembali")))
    assert masked in mail.body and "Kesehatan" not in mail.body
    secret = create_token(jury.judge, name="skrip", scopes=("read",), days=30).secret
    db.session.commit()
    answer = client.get(f"/api/v1/assignments/{jury.first.id}/sheet",
                        headers={"Authorization": f"Bearer {secret}"}).get_json()
    assert answer["reopened_reason"] == masked


def test_the_api_sheet_gives_the_reason_until_it_is_confirmed_again(client, jury):
    secret = create_token(jury.judge, name="skrip", scopes=("read",), days=30).secret
    db.session.commit()
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get(f"/api/v1/assignments/{jury.first.id}/sheet", headers=headers
                      ).get_json()["reopened_reason"] == REASON
    assert client.get(f"/api/v1/assignments/{jury.second.id}/sheet", headers=headers
                      ).get_json()["reopened_reason"] is None
    confirm_scores(jury.first, jury.judge)
    db.session.commit()
    assert client.get(f"/api/v1/assignments/{jury.first.id}/sheet", headers=headers
                      ).get_json()["reopened_reason"] is None

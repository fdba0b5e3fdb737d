"""The organisers' "Pesan" page through the HTTP client: a message from a template to every OPD,
to the OPDs with nothing submitted or to every judge, previewed with its recipient count and one
message as it is read, then queued in the outbox with an in-app notification each, in one
transaction, with an audit row; placeholders filled per recipient, unknown ones refused by name."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from competition.documents.formatting import format_datetime
from competition.extensions import db
from competition.models import AuditEvent
from competition.notifications.bulk import recipients
from competition.notifications.models import Notification, OutboxMessage
from tests.factories import make_competition, make_entry, make_organisation, make_user
from tests.web.pages import page, sign_in

CLOSES = datetime(2030, 3, 31, 16, 59, tzinfo=UTC)   # 31 Maret 2030 23.59 WIB


class Region:
    """A competition open for submissions in Kota Kediri, with:

    - Dinas Kesehatan: an innovation submitted; the Puskesmas under it: nothing of its own;
    - Dinas Pendidikan: a draft only; Dinas Perhubungan: an innovation withdrawn; Dinas Kominfo:
      nothing, with a second operator whose account is switched off;
    - two judges and a judge whose account is switched off; a verifier;
    - someone of another region made an operator of this competition (left out of the OPDs);
    - another competition of the region, and one of another region, with people of their own.
    """

    def __init__(self) -> None:
        self.competition = make_competition(name="Lomba Inovasi Kota Kediri 2026", year=2026,
                                            submission_closes_at=CLOSES,
                                            verification_closes_at=CLOSES + timedelta(days=30),
                                            judging_closes_at=CLOSES + timedelta(days=60))
        region = self.competition.region
        self.organiser = make_user(self.competition, "organiser", name="Panitia Bappeda")
        dinkes = make_organisation(region, "Dinas Kesehatan")
        puskesmas = make_organisation(region, "Puskesmas Sukorame", parent=dinkes)
        dikbud = make_organisation(region, "Dinas Pendidikan")
        dishub = make_organisation(region, "Dinas Perhubungan")
        kominfo = make_organisation(region, "Dinas Kominfo")
        operator = lambda name, opd: make_user(self.competition, "submitter", organisation=opd,  # noqa: E731
                                               name=name)
        self.ops = {"dinkes": operator("Ani Dinkes", dinkes),
                    "puskesmas": operator("Budi Puskesmas", puskesmas),
                    "dikbud": operator("Citra Dikbud", dikbud), "dishub": operator("Dewi Dishub", dishub),
                    "kominfo": operator("Eko Kominfo", kominfo)}
        self.asleep = operator("Fajar Kominfo", kominfo)
        self.asleep.active = False
        make_entry(self.competition, dinkes, status="submitted", title="Si-Sehat")
        make_entry(self.competition, dinkes, title="Draf Dinkes")
        make_entry(self.competition, dikbud, title="Sekolah Pintar")
        make_entry(self.competition, dishub, status="withdrawn", title="Bus Pintar")
        self.judges = [make_user(self.competition, "judge", name=f"Prof. Juri {n}") for n in ("Satu", "Dua")]
        self.judge_asleep = make_user(self.competition, "judge", name="Juri Nonaktif")
        self.judge_asleep.active = False
        self.verifier = make_user(self.competition, "verifier", organisation=dikbud, name="Verifikator")
        elsewhere = make_competition(name="Lomba Kota Lain")
        self.stranger = make_user(elsewhere, "submitter", organisation=make_organisation(elsewhere.region),
                                  name="Operator Kota Lain")
        make_user(elsewhere, "judge", name="Juri Kota Lain")
        stray = make_user(self.competition, "submitter", organisation=make_organisation(elsewhere.region),
                          name="Operator Nyasar")
        self.stray = stray
        alongside = make_competition(region=region, name="Anugerah Pelayanan Publik")
        make_user(alongside, "submitter", organisation=kominfo, name="Operator Lomba Lain")
        make_user(alongside, "judge", name="Juri Lomba Lain")
        self.organiser_alongside = make_user(alongside, "organiser", name="Panitia Lain")
        db.session.commit()

    def url(self, path: str = "") -> str:
        return f"/manage/{self.competition.id}/messages{path}"


@pytest.fixture
def region(app):
    return Region()


def names(audience: str, region: Region) -> list[str]:
    return sorted(person.name for person in recipients(region.competition, audience))


def message(audience: str = "opds", template: str = "pesan_bebas", subject: str = "Rapat {kompetisi}",
            body: str = "Yth. {nama},\n\nSalam.", batch: str | None = None) -> dict[str, str]:
    data = {"audience": audience, "template": template, "subject": subject, "body": body}
    if batch is not None:
        data["batch"] = batch
    return data


def batch_of(html: str) -> str:
    return re.search(r'name="batch" value="([0-9a-f]{32})"', html).group(1)


def outbox() -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.recipient)))


def rows(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# -- who receives it ------------------------------------------------------------------------------------

def test_each_audience_reaches_exactly_its_people(region):
    # Active operators of this competition whose OPD is of its region.
    assert names("opds", region) == ["Ani Dinkes", "Budi Puskesmas", "Citra Dikbud", "Dewi Dishub",
                                     "Eko Kominfo"]
    # Dinas Kesehatan submitted; a unit under it did not, and a withdrawn innovation or a draft is
    # nothing submitted.
    assert names("opds_without_submission", region) == ["Budi Puskesmas", "Citra Dikbud", "Dewi Dishub",
                                                        "Eko Kominfo"]
    assert names("judges", region) == ["Prof. Juri Dua", "Prof. Juri Satu"]


def test_sending_queues_one_email_and_one_notification_per_recipient_and_an_audit_row(client, region):
    sign_in(client, region.organiser)
    preview = client.post(region.url("/preview"), data=message("opds_without_submission"))
    assert preview.status_code == 200
    html = page(preview)
    assert 'data-recipients="4"' in html and "This message goes to 4 recipients" in html
    assert rows(OutboxMessage) == 0 and rows(Notification) == 0   # a preview sends nothing
    sent = client.post(region.url("/send"), data=message("opds_without_submission", batch=batch_of(html)),
                       follow_redirects=True)
    assert "The message is on its way to 4 recipients" in page(sent)
    expected = sorted(region.ops[k].email for k in ("puskesmas", "dikbud", "dishub", "kominfo"))
    assert [m.recipient for m in outbox()] == expected
    assert {m.subject for m in outbox()} == {"[Anugerah] Rapat Lomba Inovasi Kota Kediri 2026"}
    notified = db.session.scalars(select(Notification.user_id)).all()
    assert sorted(notified) == sorted(region.ops[k].id for k in ("puskesmas", "dikbud", "dishub", "kominfo"))
    audit = db.session.scalars(select(AuditEvent).where(AuditEvent.kind == "messages.sent")).one()
    assert audit.actor_id == region.organiser.id and audit.competition_id == region.competition.id
    assert audit.details == {"audience": "opds_without_submission", "template": "pesan_bebas", "count": 4,
                             "subject": "Rapat {kompetisi}"}
    trail = page(client.get(f"/manage/{region.competition.id}/audit"))
    assert "Message sent to many" in trail and "OPDs with nothing submitted" in trail


def test_the_judges_receive_it_and_nobody_else(client, region):
    sign_in(client, region.organiser)
    html = page(client.post(region.url("/preview"), data=message("judges")))
    client.post(region.url("/send"), data=message("judges", batch=batch_of(html)))
    assert [m.recipient for m in outbox()] == sorted(j.email for j in region.judges)


def test_placeholders_are_filled_for_each_recipient(client, region):
    sign_in(client, region.organiser)
    body = "Yth. {nama} ({opd}),\nbatas {batas_waktu} untuk {kompetisi} {tahun}. {{bukan isian}} {tautan}"
    data = message("opds", subject="{nama}: pengingat {kompetisi}", body=body)
    html = page(client.post(region.url("/preview"), data=data))
    # The sample is the first recipient by name.
    assert "Ani Dinkes: pengingat Lomba Inovasi Kota Kediri 2026" in html
    client.post(region.url("/send"), data={**data, "batch": batch_of(html)})
    letters = {m.recipient: m for m in outbox()}
    assert len(letters) == 5
    eko = letters[region.ops["kominfo"].email]
    deadline = format_datetime(CLOSES, "Asia/Jakarta", "id")
    assert deadline == "31 Maret 2030 23.59 WIB"
    assert eko.subject == "[Anugerah] Eko Kominfo: pengingat Lomba Inovasi Kota Kediri 2026"
    assert eko.body == ("Yth. Eko Kominfo (Dinas Kominfo),\nbatas 31 Maret 2030 23.59 WIB untuk "
                        "Lomba Inovasi Kota Kediri 2026 2026. {bukan isian} http://127.0.0.1:5000/")
    assert letters[region.ops["puskesmas"].email].body.startswith("Yth. Budi Puskesmas (Puskesmas Sukorame),")


def test_an_unknown_placeholder_is_refused_by_name_and_nothing_is_sent(client, region):
    sign_in(client, region.organiser)
    data = message(subject="Rapat {kompetisi} {tanggal}", body="Yth. {nam}, {nama.upper} {nama!r} {nama}")
    for path in ("/preview", "/send"):
        response = client.post(region.url(path), data={**data, "batch": "a" * 32})
        html = page(response)
        assert response.status_code == 422
        assert "unknown placeholder {tanggal}" in html
        assert "unknown placeholder {nam}, {nama.upper}, {nama!r}" in html
    lone = client.post(region.url("/preview"), data=message(body="Yth. {nama"))
    assert lone.status_code == 422 and "a lone { or }" in page(lone)
    assert rows(OutboxMessage) == 0 and rows(Notification) == 0
    assert db.session.scalars(select(AuditEvent).where(AuditEvent.kind == "messages.sent")).all() == []


def test_an_unknown_placeholder_is_named_in_bahasa_indonesia(app, region):
    client = app.test_client()
    sign_in(client, region.organiser, language=None)
    html = page(client.post(region.url("/preview"), data=message(body="Yth. {jabatan}")))
    assert "isian tidak dikenal {jabatan}" in html


def test_the_subject_and_body_have_size_limits(client, region):
    sign_in(client, region.organiser)
    for data, field in ((message(subject="x" * 151), "Subject"), (message(body="y" * 5_001), "Message"),
                        (message(subject=""), "Subject"), (message(subject="baris\nbaru"), "Subject")):
        response = client.post(region.url("/send"), data={**data, "batch": "b" * 32})
        assert response.status_code == 422, data
        assert f"{field}: " in page(response) or "Fill this in." in page(response)
    assert client.post(region.url("/preview"), data=message(subject="x" * 150)).status_code == 200
    assert rows(OutboxMessage) == 0


def test_one_preview_is_sent_once(client, region):
    sign_in(client, region.organiser)
    html = page(client.post(region.url("/preview"), data=message("judges")))
    first = client.post(region.url("/send"), data=message("judges", batch=batch_of(html)))
    assert first.status_code == 302
    again = client.post(region.url("/send"), data=message("judges", batch=batch_of(html)))
    assert again.status_code == 422 and "already been sent" in page(again)
    unpreviewed = client.post(region.url("/send"), data=message("judges"))
    assert unpreviewed.status_code == 422
    assert rows(OutboxMessage) == 2 and rows(Notification) == 2


def test_nobody_to_send_to_is_said_and_refused(client, app):
    competition = make_competition()
    organiser = make_user(competition, "organiser")
    sign_in(client, organiser)
    html = page(client.post(f"/manage/{competition.id}/messages/preview", data=message("judges")))
    assert 'data-recipients="0"' in html and "Nobody would receive this message" in html
    refused = client.post(f"/manage/{competition.id}/messages/send", data=message("judges", batch="c" * 32))
    assert refused.status_code == 422 and "nobody would receive this message" in page(refused)
    assert rows(OutboxMessage) == 0


def test_a_template_fills_the_form(client, region):
    sign_in(client, region.organiser)
    html = page(client.get(region.url("?template=pengingat_batas_waktu")))
    assert 'value="Pengingat batas waktu pengajuan {kompetisi}"' in html
    assert "batas waktu pengajuan inovasi untuk {kompetisi} adalah {batas_waktu}" in html
    assert '<option selected value="pengingat_batas_waktu">' in html
    invitation = page(client.get(region.url("?template=undangan_penganugerahan")))
    assert "Undangan malam penganugerahan {kompetisi}" in invitation
    # Each template passes its own checks.
    from competition.notifications.bulk import TEMPLATES
    for key, template in TEMPLATES.items():
        data = message(template=key, subject=template.subject or "Pengumuman", body=template.body)
        assert client.post(region.url("/preview"), data=data).status_code == 200, key


def test_only_the_competitions_organisers_reach_the_page(app, region):
    anonymous = app.test_client()
    assert "/login" in anonymous.get(region.url()).headers["Location"]
    for person in (region.ops["dinkes"], region.verifier, region.judges[0], region.organiser_alongside,
                   region.stranger):
        client = app.test_client()
        sign_in(client, person)
        assert client.get(region.url()).status_code == 403, person.name
        assert client.post(region.url("/preview"), data=message()).status_code == 403
        assert client.post(region.url("/send"), data=message(batch="d" * 32)).status_code == 403
    client = app.test_client()
    sign_in(client, region.organiser)
    assert client.get(f"/manage/{region.competition.id + 100}/messages").status_code == 404
    tab = page(client.get(f"/manage/{region.competition.id}/audit"))
    assert f'href="/manage/{region.competition.id}/messages"' in tab
    assert rows(OutboxMessage) == 0 and rows(Notification) == 0


def test_one_preview_sent_twice_at_the_same_moment_goes_out_once(app, region):
    """Found in review: two sends of one preview at once (a double click, two tabs) both found it
    unsent and the second failed on the outbox's keys (a server error). The second now waits or
    finds the first's keys, and is told it was sent."""
    import threading

    from competition.errors import InvalidInput
    from competition.models import Competition, User
    from competition.notifications.bulk import new_batch, send_message

    competition_id, organiser_id, batch = region.competition.id, region.organiser.id, new_batch()
    db.session.remove()
    both_ready = threading.Barrier(2, timeout=10)
    outcomes: list[str] = []

    def send() -> None:
        with app.app_context():
            competition = db.session.get(Competition, competition_id)
            organiser = db.session.get(User, organiser_id)
            both_ready.wait()
            try:
                send_message(competition, organiser, audience="judges", template="pesan_bebas",
                             subject="Rapat {kompetisi}", body="Yth. {nama},\n\nSalam.", batch=batch)
                db.session.commit()
                outcomes.append("sent")
            except InvalidInput as refused:
                db.session.rollback()
                outcomes.append(str(refused))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["This message has already been sent.", "sent"]
    assert rows(OutboxMessage) == 2 and rows(Notification) == 2

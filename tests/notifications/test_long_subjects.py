"""The outbox keeps a subject of at most 250 characters, "[Anugerah] " included. Subjects built
from names people type (an innovation's title up to 250 characters, a judge's name up to 120, a
competition's name up to 200) are cut to fit, ending in "…": on PostgreSQL a longer one failed
the whole request (a judge could not declare a conflict, an organiser could not reopen scores,
the tick's digest failed every minute)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from competition.extensions import db
from competition.judging.operations import declare_conflict
from competition.judging.scoring import confirm_scores, reopen_scores, save_scores
from competition.models import OutboxMessage
from competition.models.types import utcnow
from competition.notifications.operations import digest_cutoff, queue_verifier_digests
from tests.factories import make_competition, make_entry, make_organisation, make_user
from tests.judging.test_scoring_views import Jury

LONG_TITLE = "Inovasi " + "sangat panjang " * 16        # 248 characters, within the title's 250
LONG_NAME = "Prof. Dr. " + "Juri Bernama Panjang " * 5    # 115 characters, within a name's 120


def subjects() -> list[str]:
    return list(db.session.scalars(select(OutboxMessage.subject)))


def test_a_conflict_on_a_long_titled_innovation_fits_the_outbox(app):
    jury = Jury()
    jury.sehat.title = LONG_TITLE[:250]
    jury.judge.name = LONG_NAME
    db.session.commit()
    declare_conflict(jury.sehat, jury.judge, "Saya pernah menjadi konsultan OPD ini.")
    db.session.commit()
    too_long = [s for s in subjects() if len(s) > 250]
    assert too_long == []


def test_reopened_scores_of_a_long_titled_innovation_fit_the_outbox(app):
    jury = Jury()
    jury.sehat.title = LONG_TITLE[:250]
    db.session.commit()
    save_scores(jury.first, jury.judge, {jury.novelty.id: 80, jury.regulation.id: 2})
    confirm_scores(jury.first, jury.judge)
    reopen_scores(jury.first, jury.organiser, "Nilai Kebaharuan perlu ditinjau ulang.")
    db.session.commit()
    assert [s for s in subjects() if len(s) > 250] == []


def test_a_digest_of_a_long_named_competition_fits_the_outbox(app):
    competition = make_competition(name=("Lomba Inovasi Daerah " + "Kota Kediri " * 16)[:200])   # 200
    region = competition.region
    make_user(competition, "verifier", organisation=make_organisation(region, "Bappeda"))
    entry = make_entry(competition, make_organisation(region, "Dinas Kesehatan"))
    db.session.commit()
    from competition.entries.operations import change_entry_status
    change_entry_status(entry, "submit", make_user(competition, "submitter", organisation=entry.organisation))
    db.session.commit()
    tomorrow = (utcnow() + timedelta(days=1)).date()
    now = digest_cutoff(tomorrow) + timedelta(minutes=1)
    assert queue_verifier_digests(competition, now=now) == 1
    db.session.commit()
    assert [s for s in subjects() if len(s) > 250] == []


def test_a_long_named_panel_of_a_long_named_round_fits_the_outbox(app):
    from competition.judging.operations import add_round, create_panel

    competition = make_competition(phase="judging")
    organiser = make_user(competition, "organiser")
    judge = make_user(competition, "judge")
    round_ = add_round(competition, organiser, name=("Penilaian " * 12)[:120].strip())
    create_panel(round_, organiser, name=("Tim penilai " * 10)[:120].strip(), judges=[judge])
    db.session.commit()
    assert [s for s in subjects() if len(s) > 250] == []


def test_a_judge_declares_a_conflict_on_a_long_titled_innovation_in_the_browser(app, client):
    """Through the HTTP client: on PostgreSQL the INSERT of the organisers' e-mail fails and the
    judge gets a server error instead of the declaration."""
    from tests.web.pages import sign_in

    jury = Jury()
    jury.sehat.title = LONG_TITLE[:250]
    db.session.commit()
    sign_in(client, jury.judge)
    response = client.post(f"/scoring/{jury.first.id}/conflict",
                           data={"reason": "Saya pernah menjadi konsultan OPD ini."})
    assert response.status_code == 302
    assert [s for s in subjects() if len(s) > 250] == []


def test_a_cut_subject_ends_in_an_ellipsis_and_the_in_app_line_keeps_it_whole(app):
    jury = Jury()
    jury.sehat.title = LONG_TITLE
    db.session.commit()
    save_scores(jury.first, jury.judge, {jury.novelty.id: 80, jury.regulation.id: 2})
    confirm_scores(jury.first, jury.judge)
    reopen_scores(jury.first, jury.organiser, "Nilai Kebaharuan perlu ditinjau ulang.")
    db.session.commit()
    from competition.notifications.models import Notification

    mailed = db.session.scalar(select(OutboxMessage.subject)
                               .where(OutboxMessage.recipient == jury.judge.email)
                               .order_by(OutboxMessage.id.desc()))
    shown = db.session.scalar(select(Notification.message).where(Notification.user_id == jury.judge.id)
                              .order_by(Notification.id.desc()))
    assert len(mailed) == 250 and mailed.startswith("[Anugerah] ") and mailed.endswith("…")
    assert LONG_TITLE.strip() in shown

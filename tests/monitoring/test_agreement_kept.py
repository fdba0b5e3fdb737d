"""The judge-agreement figures of a large competition are kept between dashboard visits and read
again only while their inputs are unchanged: a sheet confirmed or reopened, or a rubric changed,
works them out anew. Here every competition counts as large (``keep_every_time``) unless a test
says otherwise."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event, select, text

from competition.extensions import db
from competition.judging.scoring import confirm_scores, reopen_scores, save_scores
from competition.models import AgreementFigures, Assignment
from competition.models.types import utcnow
from competition.monitoring import queries
from competition.monitoring.queries import judge_agreement
from tests.conftest import on_postgres
from tests.factories import force_status, make_user
from tests.monitoring.test_queries import Kota


@pytest.fixture(autouse=True)
def keep_every_time(monkeypatch):
    monkeypatch.setattr(queries, "KEEP_AGREEMENT_FROM", 0)


@contextmanager
def statements() -> Iterator[list[str]]:
    """The SQL the block sends."""
    sent: list[str] = []

    def keep(_connection, _cursor, statement, *_args) -> None:
        sent.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", keep)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", keep)


def fresh(competition) -> dict:
    """The figures worked out without what is kept."""
    db.session.execute(AgreementFigures.__table__.delete())
    return judge_agreement(competition)


def totals_ratings(figures: dict) -> int:
    return figures["rounds"][0]["totals"]["ratings"]


def test_a_second_visit_reads_the_kept_figures_without_reading_a_mark(app):
    kota = Kota()
    first = judge_agreement(kota.competition)
    db.session.commit()
    kept = db.session.get(AgreementFigures, kota.competition.id)
    assert kept is not None and kept.figures == first and len(kept.inputs_key) == 64
    db.session.expire_all()
    with statements() as sent:
        again = judge_agreement(kota.competition)
    assert again == first
    assert not [s for s in sent if "FROM score" in s or "JOIN score" in s]


def test_confirming_or_reopening_a_sheet_works_the_figures_out_again(app):
    kota = Kota()
    force_status(kota.competition, "judging")
    organiser = make_user(kota.competition, "organiser")
    before = judge_agreement(kota.competition)
    db.session.commit()
    assert totals_ratings(before) == 5          # B ×2, A1 ×2, A ×1 (confirmed sheets only)

    sheet = db.session.scalar(select(Assignment).where(Assignment.entry_id == kota.b_verified.id,
                                                       Assignment.judge_id == kota.judge1.id))
    reopen_scores(sheet, organiser, "Nilai K1 salah ketik")
    db.session.commit()
    reopened = judge_agreement(kota.competition)
    db.session.commit()
    assert totals_ratings(reopened) == 4 and reopened != before

    save_scores(sheet, kota.judge1, {kota.k1.id: 80})
    confirm_scores(sheet, kota.judge1)
    db.session.commit()
    confirmed = judge_agreement(kota.competition)
    db.session.commit()
    assert totals_ratings(confirmed) == 5 and confirmed != before      # 80 where there was 90
    assert confirmed == fresh(kota.competition)


def test_figures_kept_for_other_inputs_are_not_read(app):
    kota = Kota()
    right = judge_agreement(kota.competition)
    kept = db.session.get(AgreementFigures, kota.competition.id)
    kept.inputs_key, kept.figures = "0" * 64, {"format": 1, "rounds": []}
    db.session.commit()
    assert judge_agreement(kota.competition) == right
    assert db.session.get(AgreementFigures, kota.competition.id).figures == right


def test_a_sheet_confirmed_again_with_an_earlier_clock_still_changes_the_figures(app):
    """Another server's clock behind this one's: the confirmation is stamped before the round's
    latest, and the figures still follow it (the key counts the sheets' events, not their times)."""
    kota = Kota()
    force_status(kota.competition, "judging")
    organiser = make_user(kota.competition, "organiser")
    before = judge_agreement(kota.competition)
    db.session.commit()
    sheet = db.session.scalar(select(Assignment).where(Assignment.entry_id == kota.b_verified.id,
                                                       Assignment.judge_id == kota.judge1.id))
    earlier = utcnow() - timedelta(days=30)
    reopen_scores(sheet, organiser, "Nilai K1 salah ketik", now=earlier)
    save_scores(sheet, kota.judge1, {kota.k1.id: 80})
    confirm_scores(sheet, kota.judge1, now=earlier)
    db.session.commit()
    after = judge_agreement(kota.competition)
    assert after != before and after == fresh(kota.competition)


def test_a_small_competitions_figures_are_not_kept(app, monkeypatch):
    monkeypatch.setattr(queries, "KEEP_AGREEMENT_FROM", 6)     # Kota has 5 confirmed sheets
    kota = Kota()
    assert judge_agreement(kota.competition)["rounds"]
    db.session.commit()
    assert db.session.get(AgreementFigures, kota.competition.id) is None


@pytest.mark.skipif(on_postgres(), reason="SQLite's single writer: on PostgreSQL a visit keeping its figures "
                    "waits for no other writer but one keeping the same row, which the first test covers")
def test_a_visit_that_cannot_write_now_shows_its_figures_all_the_same(app):
    kota = Kota()
    expected = fresh(kota.competition)
    db.session.rollback()
    with db.engine.connect() as other:
        other.exec_driver_sql("BEGIN IMMEDIATE")              # another request writing meanwhile
        db.session.execute(text("PRAGMA busy_timeout = 50"))
        assert judge_agreement(kota.competition) == expected
        assert db.session.get(AgreementFigures, kota.competition.id) is None   # the page goes on reading
        db.session.commit()                                                    # and its unit ends as usual
        other.exec_driver_sql("ROLLBACK")
    assert db.session.get(AgreementFigures, kota.competition.id) is None

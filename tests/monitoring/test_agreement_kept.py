"""The judge-agreement figures are kept between dashboard visits and read again only while their
inputs are unchanged: a sheet confirmed or reopened, or a rubric changed, works them out anew."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event, select

from competition.extensions import db
from competition.judging.scoring import confirm_scores, reopen_scores, save_scores
from competition.models import AgreementFigures, Assignment
from competition.monitoring.queries import judge_agreement
from tests.factories import force_status, make_user
from tests.monitoring.test_queries import Kota


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

"""The migrations build exactly the schema the models describe, on an empty database."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from competition import create_app
from competition.extensions import db
from competition.models import Competition


def test_upgrade_from_empty_matches_the_models_and_downgrades_cleanly(fresh_database, tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": fresh_database, "TESTING": True})
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, db.metadata) == []
            tables = set(inspect(connection).get_table_names())
        assert tables == {t.name for t in db.metadata.sorted_tables} | {"alembic_version"}
        downgrade(revision="base")
        with db.engine.connect() as connection:
            assert set(inspect(connection).get_table_names()) <= {"alembic_version"}
        db.engine.dispose()


def test_existing_competitions_get_the_result_defaults(fresh_database):
    app = create_app({"SQLALCHEMY_DATABASE_URI": fresh_database, "TESTING": True})
    with app.app_context():
        upgrade(revision="0001")
        with db.engine.begin() as connection:
            connection.execute(text("INSERT INTO region (id, name, kind) VALUES (1, 'Kota Kediri', 'kota')"))
            connection.execute(text(
                "INSERT INTO competition (id, name, year, region_id, phase, submission_opens_at, "
                "submission_closes_at, verification_closes_at, judging_closes_at, version, created_at) "
                "VALUES (1, 'Lomba 2025', 2025, 1, 'closed', '2025-03-01 00:00:00', '2025-04-01 00:00:00', "
                "'2025-05-01 00:00:00', '2025-06-01 00:00:00', 1, '2025-02-01 00:00:00')"))
        upgrade()
        competition = db.session.get(Competition, 1)
        assert competition.tie_break_chain == ["heaviest_criterion", "top_marks", "earlier_submission",
                                               "organiser_decision"]
        assert competition.bands == [{"label": "Sangat Inovatif", "minimum": 60.01},
                                     {"label": "Inovatif", "minimum": 35.0},
                                     {"label": "Kurang Inovatif", "minimum": 0.01}]
        assert (competition.disagreement_threshold, competition.one_award_per_organisation) == (20.0, True)
        assert [(a.name, a.subject, a.positions, a.policy) for a in competition.awards] == [
            ("OPD Terinovatif", "organisation", 5, "index")]
        db.session.remove()
        db.engine.dispose()

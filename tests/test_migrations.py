"""The migrations build exactly the schema the models describe, on an empty database."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from competition import create_app
from competition.extensions import db


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

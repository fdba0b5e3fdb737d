"""The database itself refuses to change or delete audit rows, on SQLite and on PostgreSQL: a
raw SQL statement is refused by a trigger, whatever the application does."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from competition.extensions import db
from competition.models import (
    Assignment,
    AuditEvent,
    CompetitionEvent,
    EntryEvent,
    ResultSet,
    ResultSetEvent,
    Round,
    RoundEvent,
    ScoringEvent,
)
from tests.conftest import on_postgres
from tests.factories import make_competition, make_entry, make_organisation, make_user

# Each audit table, with a column an UPDATE tries to change.
EDITS = {"entry_event": "comment", "competition_event": "comment", "round_event": "comment",
         "scoring_event": "reason", "result_set_event": "comment", "audit_event": "kind"}


def one_row_of_each() -> dict[str, int]:
    """One row in each audit table, with the rows they belong to; their ids by table."""
    competition = make_competition()
    organiser = make_user(competition, "organiser")
    entry = make_entry(competition, make_organisation(competition.region))
    round_ = Round(competition=competition, position=1, name="Presentasi")
    sheet = Assignment(round=round_, entry=entry, judge=organiser)
    result_set = ResultSet(competition=competition, version=1, sha256="0" * 64, inputs={}, results={})
    db.session.add_all([round_, sheet, result_set])
    rows = [EntryEvent(entry=entry, entry_version=2, trigger="submit", from_status="draft",
                       to_status="submitted", actor_id=organiser.id),
            CompetitionEvent(competition=competition, trigger="open_submissions", from_phase="setup",
                             to_phase="open"),
            RoundEvent(round=round_, trigger="open", from_status="setup", to_status="open"),
            ScoringEvent(assignment=sheet, action="confirm"),
            ResultSetEvent(result_set=result_set, trigger="publish", from_status="sealed",
                           to_status="published"),
            AuditEvent(kind="role.granted", competition_id=competition.id, details={"role": "judge"})]
    db.session.add_all(rows)
    db.session.commit()
    return {type(row).__tablename__: row.id for row in rows}


@pytest.mark.parametrize("table", sorted(EDITS))
def test_a_raw_delete_or_update_of_an_audit_row_is_refused(app, table):
    ids = one_row_of_each()
    column = EDITS[table]
    before = db.session.execute(text(f"SELECT * FROM {table} WHERE id = :id"), {"id": ids[table]}).one()
    db.session.rollback()
    for statement in (f"DELETE FROM {table} WHERE id = :id",
                      f"UPDATE {table} SET {column} = 'diubah' WHERE id = :id",
                      f"DELETE FROM {table}"):
        with pytest.raises(IntegrityError, match="audit rows are never changed or deleted"), \
                db.engine.begin() as connection:
            connection.execute(text(statement), {"id": ids[table]})
    after = db.session.execute(text(f"SELECT * FROM {table} WHERE id = :id"), {"id": ids[table]}).one()
    assert after == before


@pytest.mark.skipif(not on_postgres(), reason="TRUNCATE is PostgreSQL's; SQLite has none")
def test_truncating_an_audit_table_is_refused(app):
    one_row_of_each()
    db.session.remove()   # TRUNCATE waits for every reader of the table
    for table in EDITS:
        with pytest.raises(IntegrityError, match="audit rows are never changed or deleted: TRUNCATE"), \
                db.engine.begin() as connection:
            connection.execute(text(f"TRUNCATE {table} CASCADE"))
    with db.engine.connect() as connection:
        assert connection.scalar(text("SELECT count(*) FROM audit_event")) == 1


def test_the_application_cannot_delete_them_either(app):
    """Deleting a sheet through the ORM deletes its events first: refused, and nothing goes."""
    ids = one_row_of_each()
    sheet = db.session.get(Assignment, db.session.get(ScoringEvent, ids["scoring_event"]).assignment_id)
    db.session.delete(sheet)
    with pytest.raises(IntegrityError, match="audit rows are never changed or deleted"):
        db.session.commit()
    db.session.rollback()
    assert db.session.get(ScoringEvent, ids["scoring_event"]) is not None

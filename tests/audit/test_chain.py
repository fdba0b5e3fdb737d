"""Every audit row carries the hash of the row before it in its table and its own, and
``flask audit verify`` walks each chain: OK with its counts, or the first row edited, deleted or
inserted out of order, named, with exit code 1. The attacker here has the database's own rights:
they drop the trigger that refuses the change first."""

from __future__ import annotations

import hashlib
import threading
import time
from datetime import UTC, datetime

import pytest
from sqlalchemy import select, text

from competition.audit import models as audit_models
from competition.audit.chain import GENESIS, row_digest
from competition.audit.queries import verify_chain
from competition.extensions import db
from competition.models import AuditEvent, EntryEvent
from tests.audit.test_kept import one_row_of_each
from tests.conftest import audit_guards_lifted, on_postgres

MOMENT = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)


def failed_sign_ins(count: int) -> list[AuditEvent]:
    rows = [AuditEvent(kind="sign_in.failed", at=MOMENT, details={"email_hmac": f"{n:02d}"})
            for n in range(1, count + 1)]
    db.session.add_all(rows)
    db.session.commit()
    return rows


def as_attacker(*statements: str, table: str = "audit_event") -> None:
    with db.engine.begin() as connection, audit_guards_lifted(connection, [table]):
        for statement in statements:
            connection.execute(text(statement))


def test_a_row_s_hash_covers_its_fields_and_the_row_before_it(app):
    first, second = failed_sign_ins(2)
    canonical = ('{"previous":"' + "0" * 64 + '","row":{"actor_id":null,"at":"2026-03-02 02:00:00.000000",'
                 '"competition_id":null,"details":{"email_hmac":"01"},"entry_id":null,"id":1,'
                 '"kind":"sign_in.failed","subject_id":null,"subject_type":null},"table":"audit_event"}')
    assert (first.id, first.prev_hash) == (1, GENESIS)
    assert first.row_hash == hashlib.sha256(canonical.encode()).hexdigest()
    assert (second.id, second.prev_hash) == (2, first.row_hash)
    assert second.row_hash == hashlib.sha256(
        canonical.replace("0" * 64, first.row_hash).replace('"01"', '"02"').replace('"id":1', '"id":2')
        .encode()).hexdigest()


def test_rows_added_in_one_flush_chain_in_the_order_of_their_ids(app):
    rows = failed_sign_ins(3)
    stored = db.session.execute(select(AuditEvent.id, AuditEvent.prev_hash, AuditEvent.row_hash)
                                .order_by(AuditEvent.id)).all()
    assert [r.id for r in stored] == [1, 2, 3] == [r.id for r in rows]
    assert [r.prev_hash for r in stored] == [GENESIS, stored[0].row_hash, stored[1].row_hash]


def test_each_table_has_a_chain_of_its_own_and_a_moment_in_another_zone_hashes_as_in_utc(app):
    ids = one_row_of_each()
    event = db.session.get(EntryEvent, ids["entry_event"])
    assert event.prev_hash == GENESIS
    values = {c.name: getattr(event, c.key) for c in EntryEvent.__table__.columns
              if c.name not in ("prev_hash", "row_hash")}
    wib = values["created_at"].astimezone(__import__("zoneinfo").ZoneInfo("Asia/Jakarta"))
    assert row_digest("entry_event", GENESIS, {**values, "created_at": wib}) == event.row_hash


def test_verify_prints_each_table_s_count_and_ok(app, runner):
    one_row_of_each()
    failed_sign_ins(2)
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert [line.split(", the chain holds")[0] for line in lines[:-1]] == [
        "audit_event: 3 rows", "competition_event: 1 rows", "entry_event: 1 rows",
        "result_set_event: 1 rows", "round_event: 1 rows", "scoring_event: 1 rows"]
    assert lines[-1] == "OK"


def test_verify_names_a_row_edited(app, runner):
    failed_sign_ins(4)
    as_attacker("UPDATE audit_event SET details = '{\"email_hmac\": \"99\"}' WHERE id = 3")
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert "audit_event: row 3 was edited: its fields no longer give its hash" in result.output
    assert "the audit trail is broken in 1 of 6 tables" in result.output


def test_verify_names_a_row_edited_and_its_hash_made_again(app, runner):
    rows = failed_sign_ins(4)
    values = {"id": 2, "at": MOMENT, "actor_id": None, "competition_id": None, "entry_id": None,
              "kind": "sign_in", "subject_type": None, "subject_id": None, "details": {"email_hmac": "02"}}
    digest = row_digest("audit_event", rows[0].row_hash, values)
    as_attacker(f"UPDATE audit_event SET kind = 'sign_in', row_hash = '{digest}' WHERE id = 2")
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert ("audit_event: row 3 chains to a row that is not there: a row between 2 and 3 was deleted, "
            "or row 2 was edited and its hash made again") in result.output


def test_verify_names_the_row_after_one_deleted(app, runner):
    failed_sign_ins(4)
    as_attacker("DELETE FROM audit_event WHERE id = 2")
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert ("audit_event: row 3 chains to a row that is not there: a row between 1 and 3 was deleted"
            in result.output)


def test_verify_names_a_row_inserted_out_of_order(app, runner):
    """A row added at the end, chained (with a correct hash of its own) to row 2 rather than to
    the last row, 4."""
    rows = failed_sign_ins(4)
    values = {"id": 5, "at": MOMENT, "actor_id": None, "competition_id": None, "entry_id": None,
              "kind": "sign_in", "subject_type": None, "subject_id": None, "details": {}}
    digest = row_digest("audit_event", rows[1].row_hash, values)
    as_attacker("INSERT INTO audit_event (id, at, kind, details, prev_hash, row_hash) VALUES "
                f"(5, '2026-03-02 02:00:00.000000', 'sign_in', '{{}}', '{rows[1].row_hash}', '{digest}')")
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert "audit_event: row 5 was inserted out of order: it chains to row 2, not to row 4 before it" \
        in result.output


def test_verify_names_a_row_slipped_into_a_gap(app, runner):
    """Rows 1, 2 and 4 (3 was rolled back); a row slipped in as 3, chained to 2 with a correct
    hash: row 4 chains to 2 as well, and row 5 follows row 4, so 3 is the one inserted."""
    failed_sign_ins(2)
    with pytest.raises(RuntimeError):
        with db.session.begin_nested():
            db.session.add(AuditEvent(kind="sign_in", at=MOMENT))
            db.session.flush()
            raise RuntimeError("refused")
    db.session.commit()
    four, five = failed_sign_ins(2)
    assert (four.id, five.id) == (4, 5) if db.engine.dialect.name == "postgresql" else (3, 4)
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite gives the rolled-back id to the next row: there is no gap to slip into")
    second = db.session.get(AuditEvent, 2)
    values = {"id": 3, "at": MOMENT, "actor_id": None, "competition_id": None, "entry_id": None,
              "kind": "sign_in", "subject_type": None, "subject_id": None, "details": {}}
    digest = row_digest("audit_event", second.row_hash, values)
    as_attacker("INSERT INTO audit_event (id, at, kind, details, prev_hash, row_hash) VALUES "
                f"(3, '2026-03-02 02:00:00.000000', 'sign_in', '{{}}', '{second.row_hash}', '{digest}')")
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert "audit_event: row 3 was inserted out of order: it chains to row 2, as row 4 after it does" \
        in result.output


@pytest.mark.skipif(not on_postgres(), reason="SQLite lets one writer in at a time, so two transactions "
                    "cannot read the head of a chain at once; CI runs this on PostgreSQL")
@pytest.mark.parametrize("locking", [True, False], ids=["with the table's lock", "without it"])
def test_two_transactions_adding_rows_at_once_chain_one_after_the_other(app, monkeypatch, locking):
    """The race is made certain: each transaction, once it has read the head of the chain, waits
    until the other has read it too, or is waiting for the lock. Without the lock both chain to
    the same row and verification names the second; with it the second waits for the first to
    commit and chains to its row."""
    failed_sign_ins(1)
    db.session.remove()
    read: list[int] = []
    real_head = audit_models._head

    def someone_waits_for_a_lock() -> bool:
        with db.engine.connect() as connection:
            return bool(connection.scalar(text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock'")))

    def unlocked_head(connection, table):   # as the hook reads the head, but taking no lock
        return tuple(connection.execute(text(
            f"SELECT last.id, last.row_hash, nextval(pg_get_serial_sequence('{table}', 'id')) "
            f"FROM (SELECT id, row_hash FROM {table} ORDER BY id DESC LIMIT 1) AS last")).one())

    def head_when_both_have_read(connection, table):
        found = (real_head if locking else unlocked_head)(connection, table)
        read.append(1)
        deadline = time.monotonic() + 10
        while len(read) < 2 and not someone_waits_for_a_lock():
            assert time.monotonic() < deadline, "the other transaction neither read nor waited"
            time.sleep(0.005)
        return found

    monkeypatch.setattr(audit_models, "_head", head_when_both_have_read)
    errors: list[BaseException] = []

    def add(n: int) -> None:
        with app.app_context():
            try:
                db.session.add(AuditEvent(kind="sign_in.failed", at=MOMENT, details={"n": n}))
                db.session.commit()
            except BaseException as error:  # reported by the assertion below
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=add, args=(n,)) for n in (2, 3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == [] and len(read) == 2
    first, second, third = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    if locking:
        assert (second.prev_hash, third.prev_hash) == (first.row_hash, second.row_hash)
        assert verify_chain(AuditEvent.__table__).problem is None
    else:
        assert second.prev_hash == third.prev_hash == first.row_hash
        assert verify_chain(AuditEvent.__table__).problem == (
            f"row {third.id} was inserted out of order: it chains to row {first.id}, "
            f"not to row {second.id} before it")

"""The migrations build exactly the schema the models describe, on an empty database."""

from __future__ import annotations

import json

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from competition import create_app
from competition.extensions import db
from competition.models import Competition, ResultSet
from competition.ranking.results import seal_hash
from competition.results.operations import sealed_hash


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


# Rows as 0004 left them: two sheets of a closed round, one confirmed; an outcome decided as the
# confirmed sheet came in, and one decided when the round closed.
BEFORE_0005 = (
    "INSERT INTO region (id, name, kind) VALUES (1, 'Kota Kediri', 'kota')",
    "INSERT INTO competition (id, name, year, region_id, phase, submission_opens_at, submission_closes_at, "
    "verification_closes_at, judging_closes_at, version, created_at) VALUES (1, 'Lomba 2025', 2025, 1, "
    "'results', '2025-03-01 00:00:00', '2025-04-01 00:00:00', '2025-05-01 00:00:00', '2025-06-01 00:00:00', "
    "1, '2025-02-01 00:00:00')",
    "INSERT INTO organisation (id, region_id, name, active) VALUES (1, 1, 'Dinas Kesehatan', TRUE)",
    "INSERT INTO user_account (id, email, name, password_hash, active, created_at) "
    "VALUES (1, 'juri@kedirikota.go.id', 'Juri', 'x', TRUE, '2025-01-01 00:00:00')",
    *(f"INSERT INTO entry (id, competition_id, organisation_id, title, inisiator, tahapan, jenis, bentuk, "
      f"urusan, urusan_terkait, rancang_bangun, tujuan, manfaat, hasil, status, version, submitted_at, "
      f"created_at, updated_at) VALUES ({n}, 1, 1, 'Inovasi {n}', 'asn', 'inisiatif', 'digital', "
      f"'tata_kelola', '', '', '', '', '', '', 'scored', 3, '2025-03-02 00:00:00', '2025-03-02 00:00:00', "
      f"'2025-03-02 00:00:00')" for n in (1, 2)),
    "INSERT INTO judging_round (id, competition_id, position, name, blind, aggregation, normalise, "
    "advancement, weight, judges_per_entry, status, closed_at) VALUES (1, 1, 1, 'Presentasi', FALSE, "
    "'mean', FALSE, 'all', 1.0, 1, 'closed', '2025-05-20 00:00:00')",
    "INSERT INTO assignment (id, round_id, entry_id, judge_id, source, confirmed_at, created_at) "
    "VALUES (1, 1, 1, 1, 'auto', '2025-05-10 00:00:00', '2025-05-01 00:00:00')",
    "INSERT INTO assignment (id, round_id, entry_id, judge_id, source, confirmed_at, created_at) "
    "VALUES (2, 1, 2, 1, 'auto', NULL, '2025-05-01 00:00:00')",
    "INSERT INTO round_outcome (id, round_id, entry_id, score, advanced, decided_at) "
    "VALUES (1, 1, 1, 70.0, FALSE, '2025-05-10 00:00:00')",
    "INSERT INTO round_outcome (id, round_id, entry_id, score, advanced, decided_at) "
    "VALUES (2, 1, 2, NULL, FALSE, '2025-05-20 00:00:00')",
)


def test_sheets_get_their_status_and_closing_s_outcomes_are_marked(fresh_database):
    """0005: a sheet with a confirmation time is confirmed, one without is open, and the database
    keeps the two in step; the outcomes written when a round closed are marked as the closing's."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": fresh_database, "TESTING": True})
    with app.app_context():
        upgrade(revision="0004")
        with db.engine.begin() as connection:
            for statement in BEFORE_0005:
                connection.execute(text(statement))
        upgrade()
        with db.engine.begin() as connection:
            assert connection.execute(text("SELECT id, status FROM assignment ORDER BY id")).all() == [
                (1, "confirmed"), (2, "open")]
            outcomes = connection.execute(text("SELECT id, decided_at_close FROM round_outcome ORDER BY id"))
            assert [(i, bool(c)) for i, c in outcomes] == [(1, False), (2, True)]
            checks = {c["name"] for c in inspect(connection).get_check_constraints("assignment")}
            assert {"ck_assignment_status_known", "ck_assignment_confirmed_has_time"} <= checks
        with pytest.raises(IntegrityError, match="confirmed_has_time"), db.engine.begin() as connection:
            connection.execute(text("UPDATE assignment SET status = 'confirmed' WHERE id = 2"))
        db.engine.dispose()


def test_the_first_submission_is_read_from_the_audit_trail(fresh_database):
    """0006: an innovation returned and resubmitted keeps the moment of its first submission;
    one with no audit trail (entered before it was kept) takes its submission time."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": fresh_database, "TESTING": True})
    with app.app_context():
        upgrade(revision="0004")
        with db.engine.begin() as connection:
            for statement in BEFORE_0005:
                connection.execute(text(statement))
            for version, (trigger, source, destination, moment, comment) in enumerate((
                    ("submit", "draft", "submitted", "2025-03-01 05:00:00", None),
                    ("return_for_revision", "submitted", "returned", "2025-03-01 09:00:00", "Lengkapi"),
                    ("resubmit", "returned", "submitted", "2025-03-02 00:00:00", None)), start=2):
                connection.execute(text(
                    "INSERT INTO entry_event (entry_id, entry_version, trigger, from_status, to_status, "
                    "comment, created_at) VALUES (1, :version, :trigger, :source, :destination, :comment, "
                    ":moment)"), {"version": version, "trigger": trigger, "source": source,
                                  "destination": destination, "comment": comment, "moment": moment})
        upgrade()
        with db.engine.begin() as connection:
            first = dict(connection.execute(
                text("SELECT id, first_submitted_at FROM entry ORDER BY id")).all())
        assert {n: str(moment)[:19] for n, moment in first.items()} == {
            1: "2025-03-01 05:00:00", 2: "2025-03-02 00:00:00"}
        db.engine.dispose()


def test_existing_competitions_let_units_compete_on_their_own(fresh_database):
    """0007: every competition already there keeps units as entrants of their own (as Kota Kediri
    ranked Puskesmas Ngletih in 2022); the database knows only the two rules."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": fresh_database, "TESTING": True})
    with app.app_context():
        upgrade(revision="0004")
        with db.engine.begin() as connection:   # a competition its innovations and rounds refer to
            for statement in BEFORE_0005:
                connection.execute(text(statement))
        upgrade()
        with db.engine.begin() as connection:
            assert connection.execute(text("SELECT id, units_compete FROM competition")).all() == [(1, "own")]
            checks = {c["name"] for c in inspect(connection).get_check_constraints("competition")}
            assert {"ck_competition_units_compete_known", "ck_competition_phase_known",
                    "ck_competition_submission_window_ordered"} <= checks
            connection.execute(text("UPDATE competition SET units_compete = 'parent' WHERE id = 1"))
        with pytest.raises(IntegrityError, match="units_compete_known"), db.engine.begin() as connection:
            connection.execute(text("UPDATE competition SET units_compete = 'bidang' WHERE id = 1"))
        downgrade(revision="0006")
        with db.engine.connect() as connection:
            columns = {c["name"] for c in inspect(connection).get_columns("competition")}
        assert "units_compete" not in columns and "phase" in columns
        upgrade()   # and back again
        db.engine.dispose()


def test_accounts_take_the_region_of_their_opd_or_of_their_competitions(fresh_database):
    app = create_app({"SQLALCHEMY_DATABASE_URI": fresh_database, "TESTING": True})
    with app.app_context():
        upgrade(revision="0010")
        with db.engine.begin() as connection:
            for statement in (
                "INSERT INTO region (id, name, kind) VALUES (1, 'Kota Kediri', 'kota')",
                "INSERT INTO region (id, name, kind) VALUES (2, 'Kota Blitar', 'kota')",
                "INSERT INTO organisation (id, region_id, name, active) "
                "VALUES (1, 2, 'Dinas Kesehatan', TRUE)",
                *(f"INSERT INTO competition (id, name, year, region_id, phase, submission_opens_at, "
                  f"submission_closes_at, verification_closes_at, judging_closes_at, version, created_at) "
                  f"VALUES ({n}, 'Lomba {n}', 2025, {n}, 'closed', '2025-03-01 00:00:00', "
                  f"'2025-04-01 00:00:00', '2025-05-01 00:00:00', '2025-06-01 00:00:00', 1, "
                  f"'2025-02-01 00:00:00')" for n in (1, 2)),
                *(f"INSERT INTO user_account (id, email, name, password_hash, active, created_at, "
                  f"organisation_id) VALUES ({n}, 'u{n}@x.go.id', 'U{n}', 'x', TRUE, "
                  f"'2025-01-01 00:00:00', {organisation})"
                  for n, organisation in ((1, 1), (2, "NULL"), (3, "NULL"), (4, "NULL"))),
                # 1: an operator of Blitar's OPD, judging in Kediri; 2: a Kediri judge;
                # 3: judging in both; 4: no roles.
                *(f"INSERT INTO membership (user_id, competition_id, role, created_at) "
                  f"VALUES ({user}, {competition}, 'judge', '2025-01-01 00:00:00')"
                  for user, competition in ((1, 1), (2, 1), (3, 1), (3, 2))),
            ):
                connection.execute(text(statement))
        upgrade()
        with db.engine.begin() as connection:
            assert connection.execute(text("SELECT id, region_id FROM user_account ORDER BY id")).all() == [
                (1, 2), (2, 1), (3, None), (4, None)]
        downgrade(revision="0010")
        with db.engine.connect() as connection:
            assert "region_id" not in {c["name"] for c in inspect(connection).get_columns("user_account")}
        upgrade()
        db.engine.dispose()


def test_the_audit_rows_already_there_are_chained_and_kept(fresh_database):
    """0011: the entry's three status changes and the sheet's confirmation recorded before it
    get their chain in id order (verify finds it holding) and the database refuses to change
    them; the sheets are as they were, one of them open."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": fresh_database, "TESTING": True})
    with app.app_context():
        upgrade(revision="0004")
        with db.engine.begin() as connection:
            for statement in BEFORE_0005:
                connection.execute(text(statement))
            for version, (trigger, source, destination, moment) in enumerate((
                    ("submit", "draft", "submitted", "2025-03-01 05:00:00"),
                    ("verify", "submitted", "verified", "2025-03-03 05:00:00"),
                    ("complete_scoring", "verified", "scored", "2025-05-10 00:00:00")), start=2):
                connection.execute(text(
                    "INSERT INTO entry_event (entry_id, entry_version, trigger, from_status, to_status, "
                    "created_at) VALUES (1, :version, :trigger, :source, :destination, :moment)"),
                    {"version": version, "trigger": trigger, "source": source, "destination": destination,
                     "moment": moment})
        upgrade(revision="0010")
        results = {"entries": [], "awards": []}
        with db.engine.begin() as connection:
            connection.execute(text("INSERT INTO scoring_event (assignment_id, action, actor_id, created_at) "
                                    "VALUES (1, 'confirm', 1, '2025-05-10 00:00:00')"))
            connection.execute(text(
                "INSERT INTO result_set (id, competition_id, version, status, sha256, inputs, results, "
                "sealed_by_id, sealed_at) VALUES (1, 1, 1, 'sealed', :hash, '{}', :results, 1, "
                "'2025-06-02 00:00:00')"), {"hash": seal_hash({}, results), "results": json.dumps(results)})
        upgrade()
        sealed_before = db.session.get(ResultSet, 1)   # format 1: its inputs and rows, as sealed
        assert (sealed_before.seal_format, sealed_hash(sealed_before)) == (1, sealed_before.sha256)
        db.session.remove()
        result = app.test_cli_runner().invoke(args=["audit", "verify"])
        assert result.exit_code == 0, result.output
        assert "entry_event: 3 rows, the chain holds" in result.output
        assert "scoring_event: 1 rows, the chain holds" in result.output
        with db.engine.connect() as connection:
            hashes = connection.execute(text("SELECT prev_hash, row_hash FROM entry_event ORDER BY id")).all()
            assert hashes[0][0] == "0" * 64 and [h[0] for h in hashes[1:]] == [h[1] for h in hashes[:2]]
            assert connection.execute(text("SELECT id, status FROM assignment ORDER BY id")).all() == [
                (1, "confirmed"), (2, "open")]
        for statement in ("DELETE FROM entry_event WHERE id = 2", "UPDATE scoring_event SET reason = 'x'"):
            with pytest.raises(IntegrityError, match="audit rows are never changed or deleted"), \
                    db.engine.begin() as connection:
                connection.execute(text(statement))
        downgrade(revision="0010")
        with db.engine.begin() as connection:
            assert "row_hash" not in {c["name"] for c in inspect(connection).get_columns("entry_event")}
            connection.execute(text("DELETE FROM scoring_event"))   # no longer refused
        db.engine.dispose()


def test_competitions_closing_submissions_on_schedule_keep_doing_so(fresh_database):
    """0020: the boolean that let the schedule close submissions becomes a scheduled phase change
    (and comes back on the way down); competitions that did not ask get none."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": fresh_database, "TESTING": True})
    with app.app_context():
        upgrade(revision="0018")
        with db.engine.begin() as connection:
            connection.execute(text("INSERT INTO region (id, name, kind) VALUES (1, 'Kota Kediri', 'kota')"))
            for number, on_schedule in ((1, "TRUE"), (2, "FALSE")):
                connection.execute(text(
                    "INSERT INTO competition (id, name, year, region_id, phase, submission_opens_at, "
                    "submission_closes_at, verification_closes_at, judging_closes_at, version, created_at, "
                    "tie_break_chain, bands, disagreement_threshold, one_award_per_organisation, "
                    f"close_submissions_on_schedule) VALUES ({number}, 'Lomba {number}', 2030, 1, 'open', "
                    "'2030-03-01 00:00:00', '2030-04-01 00:00:00', '2030-05-01 00:00:00', "
                    f"'2030-06-01 00:00:00', 1, '2030-02-01 00:00:00', '[]', '[]', 20, TRUE, {on_schedule})"))
        upgrade()
        with db.engine.connect() as connection:
            scheduled = text("SELECT competition_id, trigger, refusal FROM scheduled_phase_change")
            assert connection.execute(scheduled).all() == [(1, "close_submissions", None)]
            assert "close_submissions_on_schedule" not in {
                c["name"] for c in inspect(connection).get_columns("competition")}
        assert [db.session.get(Competition, n).scheduled_triggers for n in (1, 2)] == [
            ["close_submissions"], []]
        db.session.remove()
        downgrade(revision="0018")
        with db.engine.connect() as connection:
            restored = text("SELECT id, close_submissions_on_schedule FROM competition ORDER BY id")
            assert connection.execute(restored).all() == [(1, True), (2, False)]
        db.engine.dispose()

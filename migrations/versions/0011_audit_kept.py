"""the audit trail is kept

A judge taken off an innovation no longer deletes their sheet: it is marked removed (a new state
of the scoring-sheet workflow) and kept with its scores and history; only one sheet per judge,
innovation and round is in use at a time.

A general audit log (audit_event) for what has no event table of its own. Every audit table's
rows carry the hash of the row before them and their own (competition.audit.chain): the rows
already there are chained here, in id order. Triggers then refuse UPDATE and DELETE of audit rows
(and TRUNCATE on PostgreSQL).

A sealed version's hash now also covers the competition, the version's number, who sealed it and
when (format 2); the versions already sealed keep format 1, which covers their inputs and rows.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-08

"""
from alembic import op
import sqlalchemy as sa

import competition.models.types
from competition.audit.chain import GENESIS, row_digest
from competition.audit.guards import guard_statements, unguard_statements


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

IN_USE = "status <> 'removed'"
EVENT_TABLES = ('entry_event', 'competition_event', 'round_event', 'scoring_event', 'result_set_event')
AUDIT_TABLES = (*EVENT_TABLES, 'audit_event')


def _foreign_keys(on):
    """SQLite recreates a table to change its constraints, and dropping the old ``assignment``
    would break the references of its scores and events: the foreign keys are off meanwhile (as
    SQLite's own procedure for changing a table says), which only takes effect outside a
    transaction, so what is done so far is committed first; then they are checked."""
    bind = op.get_bind()
    if bind.dialect.name != 'sqlite':
        return
    connection = bind.connection.dbapi_connection
    if on:
        problems = bind.exec_driver_sql('PRAGMA foreign_key_check').all()
        assert not problems, f'rows refer to rows that are not there: {problems}'
    if connection.in_transaction:
        connection.commit()
    bind.exec_driver_sql(f"PRAGMA foreign_keys = {'ON' if on else 'OFF'}")


def upgrade():
    _foreign_keys(on=False)
    _keep_removed_sheets()
    with op.batch_alter_table('result_set', schema=None) as batch_op:
        batch_op.add_column(sa.Column('seal_format', sa.Integer(), nullable=True))
    op.execute('UPDATE result_set SET seal_format = 1')
    with op.batch_alter_table('result_set', schema=None) as batch_op:
        batch_op.alter_column('seal_format', existing_type=sa.Integer(), nullable=False)
    _create_audit_event()
    for table in EVENT_TABLES:
        _chain_existing_rows(table)
    dialect = op.get_bind().dialect.name
    for table in AUDIT_TABLES:
        for statement in guard_statements(table, dialect):
            op.execute(statement)
    _foreign_keys(on=True)


def _create_audit_event():
    op.create_table(
        'audit_event',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('at', competition.models.types.UTCDateTime(), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('competition_id', sa.Integer(), nullable=True),
        sa.Column('entry_id', sa.Integer(), nullable=True),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('subject_type', sa.String(length=40), nullable=True),
        sa.Column('subject_id', sa.Integer(), nullable=True),
        sa.Column('details', sa.JSON(), nullable=False),
        sa.Column('prev_hash', sa.String(length=64), nullable=False),
        sa.Column('row_hash', sa.String(length=64), nullable=False),
        sa.CheckConstraint('length(kind) > 0', name=op.f('ck_audit_event_kind_given')),
        sa.ForeignKeyConstraint(['actor_id'], ['user_account.id'], name=op.f('fk_audit_event_actor_id_user_account')),
        sa.ForeignKeyConstraint(['competition_id'], ['competition.id'],
                                name=op.f('fk_audit_event_competition_id_competition')),
        sa.ForeignKeyConstraint(['entry_id'], ['entry.id'], name=op.f('fk_audit_event_entry_id_entry')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_event')),
    )
    op.create_index(op.f('ix_audit_event_actor_id'), 'audit_event', ['actor_id'], unique=False)
    op.create_index(op.f('ix_audit_event_entry_id'), 'audit_event', ['entry_id'], unique=False)
    op.create_index('ix_audit_event_competition_id_at', 'audit_event', ['competition_id', 'at'], unique=False)


def _chain_existing_rows(name):
    """The table's rows chained in id order, then the hashes required."""
    with op.batch_alter_table(name, schema=None) as batch_op:
        batch_op.add_column(sa.Column('prev_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('row_hash', sa.String(length=64), nullable=True))
    bind = op.get_bind()
    table = sa.Table(name, sa.MetaData(), autoload_with=bind)
    previous, hashes = GENESIS, []
    for row in bind.execute(sa.select(table).order_by(table.c.id)).mappings():
        values = {column: value for column, value in row.items() if column not in ('prev_hash', 'row_hash')}
        digest = row_digest(name, previous, values)
        hashes.append({'row_id': row['id'], 'prev_hash': previous, 'row_hash': digest})
        previous = digest
    if hashes:
        bind.execute(table.update().where(table.c.id == sa.bindparam('row_id'))
                     .values(prev_hash=sa.bindparam('prev_hash'), row_hash=sa.bindparam('row_hash')), hashes)
    with op.batch_alter_table(name, schema=None) as batch_op:
        batch_op.alter_column('prev_hash', existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column('row_hash', existing_type=sa.String(length=64), nullable=False)


def _keep_removed_sheets():
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.drop_constraint('uq_assignment_round_id_entry_id_judge_id', type_='unique')
        batch_op.drop_constraint(batch_op.f('ck_assignment_status_known'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_assignment_status_known'),
                                         "status IN ('open', 'confirmed', 'removed')")
    op.create_index('uq_assignment_in_use', 'assignment', ['round_id', 'entry_id', 'judge_id'], unique=True,
                    sqlite_where=sa.text(IN_USE), postgresql_where=sa.text(IN_USE))
    with op.batch_alter_table('scoring_event', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_scoring_event_action_known'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_scoring_event_reopen_has_reason'), type_='check')
        batch_op.alter_column('action', existing_type=sa.String(length=10), type_=sa.String(length=20),
                              existing_nullable=False)
        batch_op.create_check_constraint(batch_op.f('ck_scoring_event_action_known'),
                                         "action IN ('confirm', 'reopen', 'remove', 'declare_conflict')")
        batch_op.create_check_constraint(
            batch_op.f('ck_scoring_event_reopen_and_conflict_have_reason'),
            "action NOT IN ('reopen', 'declare_conflict') OR (reason IS NOT NULL AND length(trim(reason)) > 0)")


def downgrade():
    _foreign_keys(on=False)
    dialect = op.get_bind().dialect.name
    for table in AUDIT_TABLES:
        for statement in unguard_statements(table, dialect):
            op.execute(statement)
    if dialect == 'postgresql':
        op.execute('DROP FUNCTION IF EXISTS audit_row_kept()')
    op.drop_index('ix_audit_event_competition_id_at', table_name='audit_event')
    op.drop_index(op.f('ix_audit_event_entry_id'), table_name='audit_event')
    op.drop_index(op.f('ix_audit_event_actor_id'), table_name='audit_event')
    op.drop_table('audit_event')
    with op.batch_alter_table('result_set', schema=None) as batch_op:
        batch_op.drop_column('seal_format')
    for table in EVENT_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('row_hash')
            batch_op.drop_column('prev_hash')
    # Sheets taken off their judges were deleted before this revision; so they are again.
    removed = "(SELECT id FROM assignment WHERE status = 'removed')"
    op.execute(f"DELETE FROM scoring_event WHERE assignment_id IN {removed}")
    op.execute(f"DELETE FROM score WHERE assignment_id IN {removed}")
    op.execute("DELETE FROM assignment WHERE status = 'removed'")
    with op.batch_alter_table('scoring_event', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_scoring_event_reopen_and_conflict_have_reason'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_scoring_event_action_known'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_scoring_event_action_known'),
                                         "action IN ('confirm', 'reopen')")
        batch_op.alter_column('action', existing_type=sa.String(length=20), type_=sa.String(length=10),
                              existing_nullable=False)
        batch_op.create_check_constraint(batch_op.f('ck_scoring_event_reopen_has_reason'),
                                         "action <> 'reopen' OR (reason IS NOT NULL AND length(trim(reason)) > 0)")
    op.drop_index('uq_assignment_in_use', table_name='assignment')
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_assignment_status_known'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_assignment_status_known'),
                                         "status IN ('open', 'confirmed')")
        batch_op.create_unique_constraint('uq_assignment_round_id_entry_id_judge_id',
                                          ['round_id', 'entry_id', 'judge_id'])
    _foreign_keys(on=True)

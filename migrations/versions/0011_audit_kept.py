"""the audit trail is kept

A judge taken off an innovation no longer deletes their sheet: it is marked removed (a new state
of the scoring-sheet workflow) and kept with its scores and history; only one sheet per judge,
innovation and round is in use at a time.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-08

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

IN_USE = "status <> 'removed'"


def upgrade():
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
        batch_op.create_check_constraint(batch_op.f('ck_scoring_event_action_known'),
                                         "action IN ('confirm', 'reopen', 'remove', 'declare_conflict')")
        batch_op.create_check_constraint(
            batch_op.f('ck_scoring_event_reopen_and_conflict_have_reason'),
            "action NOT IN ('reopen', 'declare_conflict') OR (reason IS NOT NULL AND length(trim(reason)) > 0)")


def downgrade():
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
        batch_op.create_check_constraint(batch_op.f('ck_scoring_event_reopen_has_reason'),
                                         "action <> 'reopen' OR (reason IS NOT NULL AND length(trim(reason)) > 0)")
    op.drop_index('uq_assignment_in_use', table_name='assignment')
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_assignment_status_known'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_assignment_status_known'),
                                         "status IN ('open', 'confirmed')")
        batch_op.create_unique_constraint('uq_assignment_round_id_entry_id_judge_id',
                                          ['round_id', 'entry_id', 'judge_id'])

"""Scheduled phase changes: each phase change with a date may be made by the schedule

One row per competition and phase change the organiser let the schedule make at its date
(opening submissions, closing them, closing verification, closing judging), with why the
workflow last refused it. Competitions whose submissions closed on schedule keep doing so: the
boolean ``close_submissions_on_schedule`` becomes a ``close_submissions`` row, then goes.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07

"""
from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa

import competition.models.types  # noqa: F401  (column types used by autogenerate)


# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'scheduled_phase_change',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('competition_id', sa.Integer(), nullable=False),
        sa.Column('trigger', sa.String(length=40), nullable=False),
        sa.Column('created_at', competition.models.types.UTCDateTime(), nullable=False),
        sa.Column('refusal', sa.Text(), nullable=True),
        sa.Column('refused_at', competition.models.types.UTCDateTime(), nullable=True),
        sa.CheckConstraint("trigger IN ('open_submissions', 'close_submissions', 'start_judging', "
                           "'close_judging')", name=op.f('ck_scheduled_phase_change_trigger_schedulable')),
        sa.CheckConstraint('(refusal IS NULL) = (refused_at IS NULL)',
                           name=op.f('ck_scheduled_phase_change_refusal_has_time')),
        sa.ForeignKeyConstraint(['competition_id'], ['competition.id'],
                                name=op.f('fk_scheduled_phase_change_competition_id_competition')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_scheduled_phase_change')),
        sa.UniqueConstraint('competition_id', 'trigger',
                            name=op.f('uq_scheduled_phase_change_competition_id_trigger')),
    )
    op.create_index(op.f('ix_scheduled_phase_change_competition_id'), 'scheduled_phase_change',
                    ['competition_id'], unique=False)
    now = datetime.now(UTC).replace(tzinfo=None)   # stored as naive UTC, as UTCDateTime does
    op.execute(sa.text("INSERT INTO scheduled_phase_change (competition_id, trigger, created_at) "
                       "SELECT id, 'close_submissions', :now FROM competition "
                       "WHERE close_submissions_on_schedule")
               .bindparams(sa.bindparam("now", value=now, type_=sa.DateTime())))
    op.drop_column('competition', 'close_submissions_on_schedule')


def downgrade():
    op.add_column('competition', sa.Column('close_submissions_on_schedule', sa.Boolean(), nullable=False,
                                           server_default=sa.text('false')))
    op.execute("UPDATE competition SET close_submissions_on_schedule = TRUE WHERE id IN "
               "(SELECT competition_id FROM scheduled_phase_change WHERE trigger = 'close_submissions')")
    op.drop_index(op.f('ix_scheduled_phase_change_competition_id'), table_name='scheduled_phase_change')
    op.drop_table('scheduled_phase_change')

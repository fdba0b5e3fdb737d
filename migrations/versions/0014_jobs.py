"""background jobs, and a competition's schedule that closes submissions and sends reminders

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06

"""
from alembic import op
import sqlalchemy as sa

from competition.models.types import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'job',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('competition_id', sa.Integer(), nullable=True),
        sa.Column('requested_by_id', sa.Integer(), nullable=True),
        sa.Column('params', sa.JSON(), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('progress_done', sa.Integer(), nullable=False),
        sa.Column('progress_total', sa.Integer(), nullable=True),
        sa.Column('summary', sa.Text(), nullable=True),
        sa.Column('file_path', sa.String(length=300), nullable=True),
        sa.Column('file_name', sa.String(length=200), nullable=True),
        sa.Column('media_type', sa.String(length=100), nullable=True),
        sa.Column('error', sa.Text(), nullable=True),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('started_at', UTCDateTime(), nullable=True),
        sa.Column('finished_at', UTCDateTime(), nullable=True),
        sa.CheckConstraint("status IN ('queued', 'running', 'done', 'failed')",
                           name=op.f('ck_job_known_status')),
        sa.CheckConstraint('progress_done >= 0', name=op.f('ck_job_progress_not_negative')),
        sa.CheckConstraint("status != 'failed' OR error IS NOT NULL", name=op.f('ck_job_failure_has_reason')),
        sa.ForeignKeyConstraint(['competition_id'], ['competition.id'],
                                name=op.f('fk_job_competition_id_competition')),
        sa.ForeignKeyConstraint(['requested_by_id'], ['user_account.id'],
                                name=op.f('fk_job_requested_by_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_job')),
    )
    op.create_index(op.f('ix_job_competition_id'), 'job', ['competition_id'], unique=False)
    op.create_index(op.f('ix_job_requested_by_id'), 'job', ['requested_by_id'], unique=False)
    # Plain ADD COLUMNs, which SQLite does in place (a batch would rebuild the competition table).
    op.add_column('competition', sa.Column('close_submissions_on_schedule', sa.Boolean(), nullable=False,
                                           server_default=sa.text('false')))
    op.add_column('competition', sa.Column('reminder_days', sa.Integer(), nullable=True))


def downgrade():
    op.drop_column('competition', 'reminder_days')
    op.drop_column('competition', 'close_submissions_on_schedule')
    op.drop_index(op.f('ix_job_requested_by_id'), table_name='job')
    op.drop_index(op.f('ix_job_competition_id'), table_name='job')
    op.drop_table('job')

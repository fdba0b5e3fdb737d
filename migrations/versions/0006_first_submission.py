"""first submission

The moment an innovation was first submitted, kept apart from its last resubmission, for the
tie-break "earlier submission". Filled from the audit trail: the earliest event that moved the
innovation to submitted.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06

"""
from alembic import op
import sqlalchemy as sa

import competition.models.types


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('entry', schema=None) as batch_op:
        batch_op.add_column(sa.Column('first_submitted_at', competition.models.types.UTCDateTime(), nullable=True))
    op.execute(
        "UPDATE entry SET first_submitted_at = ("
        " SELECT min(entry_event.created_at) FROM entry_event"
        " WHERE entry_event.entry_id = entry.id AND entry_event.to_status = 'submitted')")
    op.execute("UPDATE entry SET first_submitted_at = submitted_at "
               "WHERE first_submitted_at IS NULL AND submitted_at IS NOT NULL")


def downgrade():
    with op.batch_alter_table('entry', schema=None) as batch_op:
        batch_op.drop_column('first_submitted_at')

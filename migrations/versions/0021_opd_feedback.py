"""Feedback to OPDs: the judges' comments, anonymised, once the results are published

One flag per competition, off by default: when on, an OPD's operators read the judges' comments
on their own innovations after publication.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN, which SQLite does in place (a batch would rebuild the competition table).
    op.add_column('competition', sa.Column('opd_feedback', sa.Boolean(), nullable=False,
                                           server_default=sa.text('false')))


def downgrade():
    op.drop_column('competition', 'opd_feedback')

"""sheet summaries

A confirmed scoring sheet keeps its summary in whole numbers — the points behind the judge's
total, the mark on the heaviest criterion, top marks and marks given — written when it is
confirmed, so national-scale results read one row per sheet instead of adding up every mark.
Sheets confirmed before this have none; the results sum their marks in SQL as before.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMNs, done in place by SQLite too: rebuilding the table, as a batch would,
    # means dropping a table that scores and scoring events refer to.
    op.add_column('assignment', sa.Column('points', sa.BigInteger(), nullable=True))
    op.add_column('assignment', sa.Column('heaviest_mark', sa.BigInteger(), nullable=True))
    op.add_column('assignment', sa.Column('top_marks', sa.Integer(), nullable=True))
    op.add_column('assignment', sa.Column('marks', sa.Integer(), nullable=True))


def downgrade():
    for column in ('marks', 'top_marks', 'heaviest_mark', 'points'):
        op.drop_column('assignment', column)

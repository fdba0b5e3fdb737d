"""units rule

Whether units under an OPD (bidang, UPT, puskesmas) compete as entrants of their own ('own') or
count for their top-level OPD ('parent'), per competition. Competitions already there get 'own',
as Kota Kediri ranked Puskesmas Ngletih in 2022.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN with its CHECK, which SQLite can do in place: rebuilding the table, as a
    # batch would, means dropping a table that every entry, round and award refers to.
    op.add_column('competition', sa.Column(
        'units_compete', sa.String(length=10),
        sa.CheckConstraint("units_compete IN ('own', 'parent')",
                           name=op.f('ck_competition_units_compete_known')),
        nullable=False, server_default=sa.text("'own'")))


def downgrade():
    # SQLite drops a column together with its own CHECK in place too.
    op.drop_column('competition', 'units_compete')

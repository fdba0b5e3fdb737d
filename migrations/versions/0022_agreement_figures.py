"""Judge agreement kept between dashboard visits

One row per competition: the agreement figures of its rounds as last worked out, with the key of
the inputs they came from. Derived data; nothing to fill in.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07

"""
from alembic import op
import sqlalchemy as sa

import competition.models.types  # noqa: F401  (column types used by autogenerate)


# revision identifiers, used by Alembic.
revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'agreement_figures',
        sa.Column('competition_id', sa.Integer(), nullable=False),
        sa.Column('inputs_key', sa.String(length=64), nullable=False),
        sa.Column('figures', sa.JSON(), nullable=False),
        sa.Column('computed_at', competition.models.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['competition_id'], ['competition.id'],
                                name=op.f('fk_agreement_figures_competition_id_competition')),
        sa.PrimaryKeyConstraint('competition_id', name=op.f('pk_agreement_figures')),
    )


def downgrade():
    op.drop_table('agreement_figures')

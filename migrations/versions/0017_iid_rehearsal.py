"""IID rehearsal: indicator levels per innovation and the region's own rows

Each innovation's IID indicator levels as its OPD claims them (with the evidence backing each)
and as a verifier confirmed or lowered them; each competition's regional (SPD) rows as the
Bappeda sets them.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07

"""
from alembic import op
import sqlalchemy as sa

import competition.models.types  # noqa: F401  (column types used by autogenerate)


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'iid_indicator_level',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('entry_id', sa.Integer(), nullable=False),
        sa.Column('indicator', sa.String(length=40), nullable=False),
        sa.Column('claimed_level', sa.Integer(), nullable=False),
        sa.Column('evidence_id', sa.Integer(), nullable=True),
        sa.Column('claimed_by_id', sa.Integer(), nullable=True),
        sa.Column('claimed_at', competition.models.types.UTCDateTime(), nullable=False),
        sa.Column('verified_level', sa.Integer(), nullable=True),
        sa.Column('verified_note', sa.Text(), nullable=False),
        sa.Column('verified_by_id', sa.Integer(), nullable=True),
        sa.Column('verified_at', competition.models.types.UTCDateTime(), nullable=True),
        sa.CheckConstraint('claimed_level BETWEEN 0 AND 3', name=op.f('ck_iid_indicator_level_claimed_level_known')),
        sa.CheckConstraint('verified_level IS NULL OR (verified_level BETWEEN 0 AND claimed_level)',
                           name=op.f('ck_iid_indicator_level_verified_at_most_claimed')),
        sa.CheckConstraint('(verified_level IS NULL) = (verified_by_id IS NULL AND verified_at IS NULL)',
                           name=op.f('ck_iid_indicator_level_verified_by_someone')),
        sa.CheckConstraint('length(indicator) > 0', name=op.f('ck_iid_indicator_level_indicator_given')),
        sa.ForeignKeyConstraint(['entry_id'], ['entry.id'], name=op.f('fk_iid_indicator_level_entry_id_entry')),
        sa.ForeignKeyConstraint(['evidence_id'], ['evidence.id'], ondelete='SET NULL',
                                name=op.f('fk_iid_indicator_level_evidence_id_evidence')),
        sa.ForeignKeyConstraint(['claimed_by_id'], ['user_account.id'],
                                name=op.f('fk_iid_indicator_level_claimed_by_id_user_account')),
        sa.ForeignKeyConstraint(['verified_by_id'], ['user_account.id'],
                                name=op.f('fk_iid_indicator_level_verified_by_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_iid_indicator_level')),
        sa.UniqueConstraint('entry_id', 'indicator', name=op.f('uq_iid_indicator_level_entry_id_indicator')),
    )
    with op.batch_alter_table('iid_indicator_level', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_iid_indicator_level_entry_id'), ['entry_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_iid_indicator_level_evidence_id'), ['evidence_id'], unique=False)
    op.create_table(
        'iid_region_level',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('competition_id', sa.Integer(), nullable=False),
        sa.Column('row', sa.String(length=40), nullable=False),
        sa.Column('level', sa.Integer(), nullable=False),
        sa.Column('set_by_id', sa.Integer(), nullable=True),
        sa.Column('set_at', competition.models.types.UTCDateTime(), nullable=False),
        sa.CheckConstraint('level BETWEEN 0 AND 3', name=op.f('ck_iid_region_level_level_known')),
        sa.CheckConstraint('length(row) > 0', name=op.f('ck_iid_region_level_row_given')),
        sa.ForeignKeyConstraint(['competition_id'], ['competition.id'],
                                name=op.f('fk_iid_region_level_competition_id_competition')),
        sa.ForeignKeyConstraint(['set_by_id'], ['user_account.id'],
                                name=op.f('fk_iid_region_level_set_by_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_iid_region_level')),
        sa.UniqueConstraint('competition_id', 'row', name=op.f('uq_iid_region_level_competition_id_row')),
    )
    with op.batch_alter_table('iid_region_level', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_iid_region_level_competition_id'), ['competition_id'], unique=False)


def downgrade():
    with op.batch_alter_table('iid_region_level', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_iid_region_level_competition_id'))
    op.drop_table('iid_region_level')
    with op.batch_alter_table('iid_indicator_level', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_iid_indicator_level_evidence_id'))
        batch_op.drop_index(batch_op.f('ix_iid_indicator_level_entry_id'))
    op.drop_table('iid_indicator_level')

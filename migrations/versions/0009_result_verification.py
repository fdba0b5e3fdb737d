"""result verification

Each check of a sealed version is stored — when it is sealed, before it is published, and when
someone asks — so pages show the newest instead of recomputing every version on every load.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06

"""
from alembic import op
import sqlalchemy as sa

import competition.models.types


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'result_verification',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('result_set_id', sa.Integer(), nullable=False),
        sa.Column('verified_at', competition.models.types.UTCDateTime(), nullable=False),
        sa.Column('verified_by_id', sa.Integer(), nullable=True),
        sa.Column('problems', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['result_set_id'], ['result_set.id'],
                                name=op.f('fk_result_verification_result_set_id_result_set')),
        sa.ForeignKeyConstraint(['verified_by_id'], ['user_account.id'],
                                name=op.f('fk_result_verification_verified_by_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_result_verification')),
    )
    with op.batch_alter_table('result_verification', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_result_verification_result_set_id'), ['result_set_id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('result_verification', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_result_verification_result_set_id'))
    op.drop_table('result_verification')

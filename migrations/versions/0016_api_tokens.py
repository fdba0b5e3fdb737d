"""personal API tokens

A token lets a script act as its owner through /api/v1, within its scopes (read, write, judge),
until it expires or is revoked. The table keeps the SHA-256 digest of the secret, never the
secret itself.

Revision ID: 0016
Revises: 0014
Create Date: 2026-12-06

"""
from alembic import op
import sqlalchemy as sa

import competition.models.types  # noqa: F401  (column types used by autogenerate)


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'api_token',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=80), nullable=False),
        sa.Column('scopes', sa.String(length=40), nullable=False),
        sa.Column('digest', sa.String(length=64), nullable=False),
        sa.Column('prefix', sa.String(length=16), nullable=False),
        sa.Column('created_at', competition.models.types.UTCDateTime(), nullable=False),
        sa.Column('expires_at', competition.models.types.UTCDateTime(), nullable=False),
        sa.Column('last_used_at', competition.models.types.UTCDateTime(), nullable=True),
        sa.Column('revoked_at', competition.models.types.UTCDateTime(), nullable=True),
        sa.CheckConstraint("scopes <> ''", name=op.f('ck_api_token_has_scopes')),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'],
                                name=op.f('fk_api_token_user_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_api_token')),
        sa.UniqueConstraint('digest', name=op.f('uq_api_token_digest')),
    )
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_token_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_token_user_id'))
    op.drop_table('api_token')

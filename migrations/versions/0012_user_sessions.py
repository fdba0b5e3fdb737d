"""user sessions

Every sign-in gets a row, checked on each request, so that signing out, a new password,
deactivation, idleness and age end a session on the server and not only in the browser. Nobody
is signed in by the table alone: it keeps the SHA-256 digest of the cookie's token. Cookies made
before this revision name no session, so everyone signs in once more.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07

"""
from alembic import op
import sqlalchemy as sa

import competition.models.types  # noqa: F401  (column types used by autogenerate)


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'user_session',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('token_digest', sa.String(length=64), nullable=False),
        sa.Column('created_at', competition.models.types.UTCDateTime(), nullable=False),
        sa.Column('last_seen_at', competition.models.types.UTCDateTime(), nullable=False),
        sa.Column('ended_at', competition.models.types.UTCDateTime(), nullable=True),
        sa.Column('end_reason', sa.String(length=20), nullable=True),
        sa.CheckConstraint("end_reason IN ('signed_out', 'password_changed', 'deactivated', 'idle', 'expired')",
                           name=op.f('ck_user_session_end_reason_known')),
        sa.CheckConstraint('(ended_at IS NULL AND end_reason IS NULL) OR '
                           '(ended_at IS NOT NULL AND end_reason IS NOT NULL)',
                           name=op.f('ck_user_session_ended_with_reason')),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'],
                                name=op.f('fk_user_session_user_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_user_session')),
        sa.UniqueConstraint('token_digest', name=op.f('uq_user_session_token_digest')),
    )
    with op.batch_alter_table('user_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_session_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('user_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_session_user_id'))
    op.drop_table('user_session')

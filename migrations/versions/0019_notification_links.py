"""Notification links: where each in-app notification leads

A nullable ``link`` on each notification: a path inside the application (never an address on
another host, as a CHECK says). Existing notifications about an innovation lead to its page.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None

LINK_IS_A_PATH = "link IS NULL OR (substr(link, 1, 1) = '/' AND substr(link, 2, 1) NOT IN ('/', '\\'))"


def upgrade():
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.add_column(sa.Column('link', sa.String(length=500), nullable=True))
        batch_op.create_check_constraint(batch_op.f('ck_notification_link_is_a_path'), LINK_IS_A_PATH)
    op.execute("UPDATE notification SET link = '/innovations/' || entry_id WHERE entry_id IS NOT NULL")


def downgrade():
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_notification_link_is_a_path'), type_='check')
        batch_op.drop_column('link')

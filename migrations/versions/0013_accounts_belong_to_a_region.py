"""accounts belong to a region

Every account belongs to a region, and only that region's organisers manage it. Accounts with
an OPD take their OPD's region; the others take the region of the competitions they hold roles
in, when that is one region; an account with roles in several regions, or none, is left without
one, and only the command line manages it.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == 'sqlite':
        # A plain ADD COLUMN with its REFERENCES, which SQLite can do in place: rebuilding the
        # table, as a batch would, means dropping a table that most others refer to.
        op.execute('ALTER TABLE user_account ADD COLUMN region_id INTEGER REFERENCES region (id)')
    else:
        op.add_column('user_account', sa.Column('region_id', sa.Integer(), nullable=True))
        op.create_foreign_key(op.f('fk_user_account_region_id_region'), 'user_account', 'region',
                              ['region_id'], ['id'])
    op.create_index(op.f('ix_user_account_region_id'), 'user_account', ['region_id'], unique=False)
    op.execute("""
        UPDATE user_account SET region_id = (
            SELECT organisation.region_id FROM organisation
            WHERE organisation.id = user_account.organisation_id)
        WHERE organisation_id IS NOT NULL
    """)
    op.execute("""
        UPDATE user_account SET region_id = (
            SELECT MIN(competition.region_id) FROM membership
            JOIN competition ON competition.id = membership.competition_id
            WHERE membership.user_id = user_account.id)
        WHERE region_id IS NULL AND (
            SELECT COUNT(DISTINCT competition.region_id) FROM membership
            JOIN competition ON competition.id = membership.competition_id
            WHERE membership.user_id = user_account.id) = 1
    """)


def downgrade():
    op.drop_index(op.f('ix_user_account_region_id'), table_name='user_account')
    if op.get_bind().dialect.name == 'sqlite':
        # SQLite drops a column that references another table only by rebuilding its table, and
        # the rebuild drops a table others refer to: their references are off meanwhile.
        op.execute('PRAGMA foreign_keys = OFF')
        with op.batch_alter_table('user_account') as batch_op:
            batch_op.drop_column('region_id')
        op.execute('PRAGMA foreign_keys = ON')
    else:
        op.drop_constraint(op.f('fk_user_account_region_id_region'), 'user_account', type_='foreignkey')
        op.drop_column('user_account', 'region_id')

"""What each submission held, for its receipt

One row per submission or resubmission (the entry and version of its entry_event): the innovation's fields,
OPD, category and evidence as they were, from which the receipt works out its digest. Submissions made
before this have none; their receipt shows the innovation as it is and says so.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-07

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'submitted_content',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('entry_id', sa.Integer(), nullable=False),
        sa.Column('entry_version', sa.Integer(), nullable=False),
        sa.Column('content', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['entry_id'], ['entry.id'], name=op.f('fk_submitted_content_entry_id_entry')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_submitted_content')),
        sa.UniqueConstraint('entry_id', 'entry_version', name=op.f('uq_submitted_content_entry_id_entry_version')),
    )


def downgrade():
    op.drop_table('submitted_content')

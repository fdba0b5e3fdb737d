"""result rows

A sealed version's ranked rows, kept apart one per row so that a page reads fifty of a national
ranking's forty thousand, and a small summary of what pages need besides. Versions sealed before
this have neither; pages read them from the sealed JSON as before.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('result_set', sa.Column('summary', sa.JSON(), nullable=True))
    op.create_table(
        'result_row',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('result_set_id', sa.Integer(), nullable=False),
        sa.Column('award_id', sa.Integer(), nullable=True),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('subject_id', sa.Integer(), nullable=False),
        sa.Column('data', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['result_set_id'], ['result_set.id'],
                                name=op.f('fk_result_row_result_set_id_result_set')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_result_row')),
        sa.UniqueConstraint('result_set_id', 'award_id', 'position',
                            name=op.f('uq_result_row_result_set_id_award_id_position')),
    )
    op.create_index('ix_result_row_subject', 'result_row', ['result_set_id', 'award_id', 'subject_id'],
                    unique=False)


def downgrade():
    op.drop_index('ix_result_row_subject', table_name='result_row')
    op.drop_table('result_row')
    op.drop_column('result_set', 'summary')

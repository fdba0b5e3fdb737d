"""Ceremony settings: who signs the certificates, where and when, and the logo

One row per competition: the signatory's name, title (jabatan) and NIP, an optional second
signatory, the place and date printed above the signatures, and the logo (kept by its SHA-256
in the evidence folder).

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07

"""
from alembic import op
import sqlalchemy as sa

import competition.models.types  # noqa: F401  (column types used by autogenerate)


# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'ceremony_settings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('competition_id', sa.Integer(), nullable=False),
        sa.Column('signatory_name', sa.String(length=120), nullable=False),
        sa.Column('signatory_title', sa.String(length=160), nullable=False),
        sa.Column('signatory_nip', sa.String(length=18), nullable=False),
        sa.Column('second_name', sa.String(length=120), nullable=False),
        sa.Column('second_title', sa.String(length=160), nullable=False),
        sa.Column('second_nip', sa.String(length=18), nullable=False),
        sa.Column('place', sa.String(length=80), nullable=False),
        sa.Column('ceremony_date', sa.Date(), nullable=True),
        sa.Column('logo_sha256', sa.String(length=64), nullable=True),
        sa.Column('logo_media_type', sa.String(length=40), nullable=True),
        sa.Column('logo_name', sa.String(length=255), nullable=False),
        sa.Column('logo_size', sa.Integer(), nullable=False),
        sa.Column('changed_at', competition.models.types.UTCDateTime(), nullable=False),
        sa.CheckConstraint('length(signatory_nip) IN (0, 18)',
                           name=op.f('ck_ceremony_settings_signatory_nip_digits')),
        sa.CheckConstraint('length(second_nip) IN (0, 18)', name=op.f('ck_ceremony_settings_second_nip_digits')),
        sa.CheckConstraint('(logo_sha256 IS NULL) = (logo_media_type IS NULL)',
                           name=op.f('ck_ceremony_settings_logo_typed')),
        sa.ForeignKeyConstraint(['competition_id'], ['competition.id'],
                                name=op.f('fk_ceremony_settings_competition_id_competition')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_ceremony_settings')),
        sa.UniqueConstraint('competition_id', name=op.f('uq_ceremony_settings_competition_id')),
    )


def downgrade():
    op.drop_table('ceremony_settings')

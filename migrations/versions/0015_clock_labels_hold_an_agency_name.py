"""a partner's deadline is named after the agency: clock labels hold a policy's label and an agency's
name at their longest (160 characters)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 02:50:00

"""
import sqlalchemy as sa
from alembic import op


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('clocks') as batch:
        batch.alter_column('label', type_=sa.String(255), existing_type=sa.String(120), existing_nullable=False)


def downgrade():
    # Labels longer than before are cut to fit rather than lost with the clock.
    op.execute(sa.text("UPDATE clocks SET label = substr(label, 1, 120) WHERE length(label) > 120"))
    with op.batch_alter_table('clocks') as batch:
        batch.alter_column('label', type_=sa.String(120), existing_type=sa.String(255), existing_nullable=False)

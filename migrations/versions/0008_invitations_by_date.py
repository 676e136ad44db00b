"""invitations by the date they were sent: partner engagement over a period

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-22 08:30:00

"""
from alembic import op


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_invitations_created', 'invitations', ['created_at'])


def downgrade():
    op.drop_index('ix_invitations_created', table_name='invitations')

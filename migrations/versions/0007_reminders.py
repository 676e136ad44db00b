"""reminders: an invitation's reminder and the link it replaced

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22 10:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('invitations') as batch_op:
        batch_op.add_column(sa.Column('previous_token_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('last_reminded_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_invitations_previous_token_hash'), ['previous_token_hash'])


def downgrade():
    with op.batch_alter_table('invitations') as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_invitations_previous_token_hash'), type_='unique')
        batch_op.drop_column('last_reminded_at')
        batch_op.drop_column('previous_token_hash')

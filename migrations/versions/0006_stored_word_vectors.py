"""each recommendation's word-piece vectors, stored so that a check encodes only its own text

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22 09:00:00

Rows written before this revision have none; a check encodes their texts instead.
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('recommendation_vectors') as batch_op:
        batch_op.add_column(sa.Column('word_vectors', sa.LargeBinary(), nullable=True))


def downgrade():
    with op.batch_alter_table('recommendation_vectors') as batch_op:
        batch_op.drop_column('word_vectors')

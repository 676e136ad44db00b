"""the read trail: who opened which sensitive record (a debrief, a partner's contribution, a death), and when

Revision ID: 0012
Revises: 0010
Create Date: 2026-12-07 01:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('record_views',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('entity', sa.String(length=40), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_record_views_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_record_views'))
    )
    with op.batch_alter_table('record_views', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_record_views_at'), ['at'], unique=False)
        batch_op.create_index('ix_record_views_user_at', ['user_id', 'at'], unique=False)
        batch_op.create_index('ix_record_views_entity_at', ['entity', 'entity_id', 'at'], unique=False)


def downgrade():
    with op.batch_alter_table('record_views', schema=None) as batch_op:
        batch_op.drop_index('ix_record_views_entity_at')
        batch_op.drop_index('ix_record_views_user_at')
        batch_op.drop_index(batch_op.f('ix_record_views_at'))

    op.drop_table('record_views')

"""imports of recommendations answer at once and their vectors are computed afterwards: each import's
counts, and the recommendations still waiting for their vectors; an analysis of death reports asked
for from the Deaths page runs after the request, kept by the process running it until claimed_until

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-08 09:00:00

Recommendations imported before this revision already have their vectors: nothing waits.
"""
import sqlalchemy as sa
from alembic import op


revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('recommendation_imports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('by_id', sa.Integer(), nullable=True),
    sa.Column('accepted', sa.Integer(), nullable=False),
    sa.Column('rejected', sa.Integer(), nullable=False),
    sa.Column('encoded', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['by_id'], ['users.id'], name=op.f('fk_recommendation_imports_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recommendation_imports'))
    )
    op.create_table('recommendations_awaiting_vectors',
    sa.Column('recommendation_id', sa.Integer(), nullable=False),
    sa.Column('import_id', sa.Integer(), nullable=False),
    sa.Column('claimed_by', sa.String(length=32), nullable=True),
    sa.Column('claimed_until', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['import_id'], ['recommendation_imports.id'],
                            name=op.f('fk_recommendations_awaiting_vectors_import_id_recommendation_imports'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recommendation_id'], ['recommendations.id'],
                            name=op.f('fk_recommendations_awaiting_vectors_recommendation_id_recommendations'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('recommendation_id', name=op.f('pk_recommendations_awaiting_vectors'))
    )
    with op.batch_alter_table('recommendations_awaiting_vectors', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recommendations_awaiting_vectors_import_id'), ['import_id'], unique=False)
    with op.batch_alter_table('death_analyses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claimed_until', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('death_analyses', schema=None) as batch_op:
        batch_op.drop_column('claimed_until')
    with op.batch_alter_table('recommendations_awaiting_vectors', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recommendations_awaiting_vectors_import_id'))
    op.drop_table('recommendations_awaiting_vectors')
    op.drop_table('recommendation_imports')

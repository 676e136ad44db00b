"""learning across forces, at a force (issue 25): the drafts shared with the national library, the
queue of what the library is still to be told, the pulls of other forces' recommendations, and those
recommendations beside the imported recommendations that repeat detection searches

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-08 12:00:00
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('library_pulls',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('since', sa.DateTime(timezone=True), nullable=True),
    sa.Column('changed_up_to', sa.DateTime(timezone=True), nullable=True),
    sa.Column('succeeded', sa.Boolean(), nullable=False),
    sa.Column('added', sa.Integer(), nullable=False),
    sa.Column('updated', sa.Integer(), nullable=False),
    sa.Column('removed', sa.Integer(), nullable=False),
    sa.Column('error', sa.String(length=500), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_library_pulls'))
    )
    op.create_table('other_force_recommendations',
    sa.Column('recommendation_id', sa.Integer(), nullable=False),
    sa.Column('library_id', sa.Integer(), nullable=False),
    sa.Column('force', sa.String(length=200), nullable=False),
    sa.Column('products', sa.JSON(), nullable=False),
    sa.Column('themes', sa.JSON(), nullable=False),
    sa.Column('incident_type', sa.String(length=40), nullable=True),
    sa.ForeignKeyConstraint(['recommendation_id'], ['recommendations.id'], name=op.f('fk_other_force_recommendations_recommendation_id_recommendations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('recommendation_id', name=op.f('pk_other_force_recommendations')),
    sa.UniqueConstraint('library_id', name=op.f('uq_other_force_recommendations_library_id'))
    )
    op.create_table('library_drafts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('lesson_id', sa.Integer(), nullable=True),
    sa.Column('recommendation_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('redactions', sa.JSON(), nullable=False),
    sa.Column('themes', sa.JSON(), nullable=False),
    sa.Column('incident_type', sa.String(length=40), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('recommendation_status', sa.String(length=20), nullable=True),
    sa.Column('closure_code', sa.String(length=30), nullable=True),
    sa.Column('products', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('library_id', sa.Integer(), nullable=True),
    sa.Column('problem', sa.String(length=500), nullable=True),
    sa.Column('taken_by', sa.Integer(), nullable=True),
    sa.Column('found_as_repeat', sa.Integer(), nullable=True),
    sa.Column('uses_fetched_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('approved_by_id', sa.Integer(), nullable=True),
    sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('withdrawn_by_id', sa.Integer(), nullable=True),
    sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('draft', 'queued', 'published', 'withdrawn')", name=op.f('ck_library_drafts_status')),
    sa.ForeignKeyConstraint(['approved_by_id'], ['users.id'], name=op.f('fk_library_drafts_approved_by_id_users')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_library_drafts_created_by_id_users')),
    sa.ForeignKeyConstraint(['lesson_id'], ['lessons.id'], name=op.f('fk_library_drafts_lesson_id_lessons'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['recommendation_id'], ['recommendations.id'], name=op.f('fk_library_drafts_recommendation_id_recommendations'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['withdrawn_by_id'], ['users.id'], name=op.f('fk_library_drafts_withdrawn_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_library_drafts'))
    )
    with op.batch_alter_table('library_drafts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_library_drafts_lesson_id'), ['lesson_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_library_drafts_recommendation_id'), ['recommendation_id'], unique=False)
        batch_op.create_index('ix_library_drafts_status', ['status', 'id'], unique=False)

    op.create_table('library_sends',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('draft_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=10), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.String(length=500), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['draft_id'], ['library_drafts.id'], name=op.f('fk_library_sends_draft_id_library_drafts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_library_sends')),
    sa.UniqueConstraint('draft_id', 'action', name='uq_library_sends_draft_action')
    )
    with op.batch_alter_table('library_sends', schema=None) as batch_op:
        batch_op.create_index('ix_library_sends_due', ['status', 'next_attempt_at'], unique=False)



def downgrade():
    with op.batch_alter_table('library_sends', schema=None) as batch_op:
        batch_op.drop_index('ix_library_sends_due')

    op.drop_table('library_sends')
    with op.batch_alter_table('library_drafts', schema=None) as batch_op:
        batch_op.drop_index('ix_library_drafts_status')
        batch_op.drop_index(batch_op.f('ix_library_drafts_recommendation_id'))
        batch_op.drop_index(batch_op.f('ix_library_drafts_lesson_id'))

    op.drop_table('library_drafts')
    op.drop_table('other_force_recommendations')
    op.drop_table('library_pulls')

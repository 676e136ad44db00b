"""lessons, recommendations, learning products, board decisions

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21 23:56:54.734886

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('recommendations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference_year', sa.Integer(), nullable=False),
    sa.Column('reference_number', sa.Integer(), nullable=False),
    sa.Column('debrief_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('priority', sa.String(length=10), nullable=False),
    sa.Column('source', sa.String(length=30), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('closure_code', sa.String(length=30), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_recommendations_created_by_id_users')),
    sa.ForeignKeyConstraint(['debrief_id'], ['debriefs.id'], name=op.f('fk_recommendations_debrief_id_debriefs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_recommendations_owner_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recommendations')),
    sa.UniqueConstraint('reference_year', 'reference_number', name='uq_recommendations_reference')
    )
    with op.batch_alter_table('recommendations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recommendations_debrief_id'), ['debrief_id'], unique=False)
        batch_op.create_index('ix_recommendations_due_id', ['due_date', 'id'], unique=False)
        batch_op.create_index('ix_recommendations_not_closed_owner', ['owner_id', 'due_date', 'id'], unique=False,
                              postgresql_where=sa.text("status <> 'closed'"), sqlite_where=sa.text("status <> 'closed'"))
        batch_op.create_index('ix_recommendations_not_closed_due', ['due_date', 'id'], unique=False,
                              postgresql_where=sa.text("status <> 'closed'"), sqlite_where=sa.text("status <> 'closed'"))
        batch_op.create_index('ix_recommendations_status_due', ['status', 'due_date'], unique=False)

    op.create_table('board_decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('recommendation_id', sa.Integer(), nullable=False),
    sa.Column('decision', sa.String(length=20), nullable=False),
    sa.Column('closure_code', sa.String(length=30), nullable=True),
    sa.Column('rationale', sa.Text(), nullable=True),
    sa.Column('new_due_date', sa.Date(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_board_decisions_decided_by_id_users')),
    sa.ForeignKeyConstraint(['recommendation_id'], ['recommendations.id'], name=op.f('fk_board_decisions_recommendation_id_recommendations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_board_decisions'))
    )
    with op.batch_alter_table('board_decisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_board_decisions_decided_at'), ['decided_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_board_decisions_recommendation_id'), ['recommendation_id'], unique=False)

    op.create_table('learning_products',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('recommendation_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('audience', sa.JSON(), nullable=False),
    sa.Column('target_count', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('delivered_on', sa.Date(), nullable=True),
    sa.Column('reached_count', sa.Integer(), nullable=True),
    sa.Column('evidence', sa.Text(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_learning_products_created_by_id_users')),
    sa.ForeignKeyConstraint(['recommendation_id'], ['recommendations.id'], name=op.f('fk_learning_products_recommendation_id_recommendations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_learning_products'))
    )
    with op.batch_alter_table('learning_products', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_learning_products_recommendation_id'), ['recommendation_id'], unique=False)
        batch_op.create_index('ix_learning_products_status', ['status'], unique=False)

    op.create_table('recommendation_updates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('recommendation_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_recommendation_updates_author_id_users')),
    sa.ForeignKeyConstraint(['recommendation_id'], ['recommendations.id'], name=op.f('fk_recommendation_updates_recommendation_id_recommendations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recommendation_updates'))
    )
    with op.batch_alter_table('recommendation_updates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recommendation_updates_recommendation_id'), ['recommendation_id'], unique=False)

    op.create_table('lessons',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('debrief_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('category', sa.String(length=30), nullable=False),
    sa.Column('themes', sa.JSON(), nullable=False),
    sa.Column('contribution_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['contribution_id'], ['contributions.id'], name=op.f('fk_lessons_contribution_id_contributions')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_lessons_created_by_id_users')),
    sa.ForeignKeyConstraint(['debrief_id'], ['debriefs.id'], name=op.f('fk_lessons_debrief_id_debriefs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lessons'))
    )
    with op.batch_alter_table('lessons', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lessons_contribution_id'), ['contribution_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_lessons_debrief_id'), ['debrief_id'], unique=False)

    op.create_table('recommendation_lessons',
    sa.Column('recommendation_id', sa.Integer(), nullable=False),
    sa.Column('lesson_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['lesson_id'], ['lessons.id'], name=op.f('fk_recommendation_lessons_lesson_id_lessons'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recommendation_id'], ['recommendations.id'], name=op.f('fk_recommendation_lessons_recommendation_id_recommendations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('recommendation_id', 'lesson_id', name=op.f('pk_recommendation_lessons'))
    )
    with op.batch_alter_table('recommendation_lessons', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recommendation_lessons_lesson_id'), ['lesson_id'], unique=False)

    with op.batch_alter_table('clocks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('recommendation_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_clocks_recommendation_id'), ['recommendation_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_clocks_recommendation_id_recommendations'), 'recommendations', ['recommendation_id'], ['id'], ondelete='CASCADE')



def downgrade():
    with op.batch_alter_table('clocks', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_clocks_recommendation_id_recommendations'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_clocks_recommendation_id'))
        batch_op.drop_column('recommendation_id')

    with op.batch_alter_table('recommendation_lessons', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recommendation_lessons_lesson_id'))

    op.drop_table('recommendation_lessons')
    with op.batch_alter_table('lessons', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lessons_debrief_id'))
        batch_op.drop_index(batch_op.f('ix_lessons_contribution_id'))

    op.drop_table('lessons')
    with op.batch_alter_table('recommendation_updates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recommendation_updates_recommendation_id'))

    op.drop_table('recommendation_updates')
    with op.batch_alter_table('learning_products', schema=None) as batch_op:
        batch_op.drop_index('ix_learning_products_status')
        batch_op.drop_index(batch_op.f('ix_learning_products_recommendation_id'))

    op.drop_table('learning_products')
    with op.batch_alter_table('board_decisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_board_decisions_recommendation_id'))
        batch_op.drop_index(batch_op.f('ix_board_decisions_decided_at'))

    op.drop_table('board_decisions')
    with op.batch_alter_table('recommendations', schema=None) as batch_op:
        batch_op.drop_index('ix_recommendations_status_due')
        batch_op.drop_index('ix_recommendations_not_closed_due')
        batch_op.drop_index('ix_recommendations_not_closed_owner')
        batch_op.drop_index('ix_recommendations_due_id')
        batch_op.drop_index(batch_op.f('ix_recommendations_debrief_id'))

    op.drop_table('recommendations')

"""the board's figures and the learning queue from indexes: open recommendations by owner, products by kind and in development, partner engagement

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 20:50:00

"""
import sqlalchemy as sa
from alembic import op


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

NOT_CLOSED = sa.text("status <> 'closed'")
IN_DEVELOPMENT = sa.text("status IN ('planned', 'in_development')")
INVITATION_COLUMNS = ['id', 'agency_id', 'opened_at', 'responded_at', 'revoked_at', 'expires_at']


def upgrade():
    op.drop_index('ix_recommendations_not_closed_owner', table_name='recommendations')
    op.create_index('ix_recommendations_not_closed_owner', 'recommendations', ['owner_id', 'due_date', 'id'],
                    postgresql_include=['status', 'debrief_id'],
                    postgresql_where=NOT_CLOSED, sqlite_where=NOT_CLOSED)
    op.create_index('ix_learning_products_kind_status', 'learning_products', ['kind', 'status'])
    op.create_index('ix_learning_products_in_development', 'learning_products', ['created_at', 'id'],
                    postgresql_where=IN_DEVELOPMENT, sqlite_where=IN_DEVELOPMENT)
    op.drop_index('ix_invitations_created', table_name='invitations')
    op.create_index('ix_invitations_created', 'invitations', ['created_at'], postgresql_include=INVITATION_COLUMNS)
    op.drop_index('ix_clocks_invitation_id', table_name='clocks')
    op.create_index('ix_clocks_invitation_id', 'clocks', ['invitation_id'], postgresql_include=['due_at'])


def downgrade():
    op.drop_index('ix_clocks_invitation_id', table_name='clocks')
    op.create_index('ix_clocks_invitation_id', 'clocks', ['invitation_id'])
    op.drop_index('ix_invitations_created', table_name='invitations')
    op.create_index('ix_invitations_created', 'invitations', ['created_at'])
    op.drop_index('ix_learning_products_in_development', table_name='learning_products')
    op.drop_index('ix_learning_products_kind_status', table_name='learning_products')
    op.drop_index('ix_recommendations_not_closed_owner', table_name='recommendations')
    op.create_index('ix_recommendations_not_closed_owner', 'recommendations', ['owner_id', 'due_date', 'id'],
                    postgresql_where=NOT_CLOSED, sqlite_where=NOT_CLOSED)

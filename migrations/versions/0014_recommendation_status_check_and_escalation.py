"""a recommendation's status is one the lifecycle knows (a check constraint), and an escalation names
the senior officer it goes to

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 01:40:00

"""
import sqlalchemy as sa
from alembic import op


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

# As the model has it (models/learning.py RECOMMENDATION_STATUSES), written out: a migration does not change
# when the code does.
STATUS_CHECK = "status IN ('open', 'in_progress', 'awaiting_closure', 'closed')"


def upgrade():
    # SQLite cannot add a constraint to a table: batch mode copies it (PostgreSQL alters it in place).
    with op.batch_alter_table('recommendations') as batch:
        batch.create_check_constraint(op.f('ck_recommendations_status'), STATUS_CHECK)
    with op.batch_alter_table('board_decisions') as batch:
        batch.add_column(sa.Column('escalated_to_id', sa.Integer(), nullable=True))
        batch.create_foreign_key(op.f('fk_board_decisions_escalated_to_id_users'), 'users', ['escalated_to_id'], ['id'])


def downgrade():
    with op.batch_alter_table('board_decisions') as batch:
        batch.drop_constraint(op.f('fk_board_decisions_escalated_to_id_users'), type_='foreignkey')
        batch.drop_column('escalated_to_id')
    with op.batch_alter_table('recommendations') as batch:
        batch.drop_constraint(op.f('ck_recommendations_status'), type_='check')

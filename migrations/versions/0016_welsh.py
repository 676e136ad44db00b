"""Welsh beside English: a person's chosen language, an invitation's language, an agency's default
language and Welsh name, an incident type's Welsh label

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 05:10:00

"""
import sqlalchemy as sa
from alembic import op


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

LANGUAGE = "language IN ('en', 'cy')"


def upgrade():
    with op.batch_alter_table('users') as batch:
        batch.add_column(sa.Column('language', sa.String(2), nullable=True))
        batch.create_check_constraint(op.f('ck_users_language'), f"language IS NULL OR {LANGUAGE}")
    with op.batch_alter_table('agencies') as batch:
        batch.add_column(sa.Column('name_cy', sa.String(160), nullable=True))
        batch.add_column(sa.Column('language', sa.String(2), nullable=False, server_default='en'))
        batch.create_check_constraint(op.f('ck_agencies_language'), LANGUAGE)
    with op.batch_alter_table('invitations') as batch:
        batch.add_column(sa.Column('language', sa.String(2), nullable=False, server_default='en'))
        batch.create_check_constraint(op.f('ck_invitations_language'), LANGUAGE)
    with op.batch_alter_table('incident_types') as batch:
        batch.add_column(sa.Column('label_cy', sa.String(120), nullable=True))


def downgrade():
    with op.batch_alter_table('incident_types') as batch:
        batch.drop_column('label_cy')
    for table in ('invitations', 'agencies', 'users'):
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(op.f(f'ck_{table}_language'), type_='check')
            batch.drop_column('language')
    with op.batch_alter_table('agencies') as batch:
        batch.drop_column('name_cy')

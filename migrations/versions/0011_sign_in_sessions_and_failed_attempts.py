"""sign-in sessions kept on the server (signing out ends one at once), and failed attempts counted in
the database so that throttling holds across workers and servers; users lose session_nonce

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 01:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('sign_in_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('secret_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_sign_in_sessions_user_id_users'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_in_sessions')),
    sa.UniqueConstraint('secret_hash', name=op.f('uq_sign_in_sessions_secret_hash'))
    )
    with op.batch_alter_table('sign_in_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sign_in_sessions_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sign_in_sessions_created_at'), ['created_at'], unique=False)

    op.create_table('failed_attempts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_failed_attempts'))
    )
    with op.batch_alter_table('failed_attempts', schema=None) as batch_op:
        batch_op.create_index('ix_failed_attempts_key_at', ['key', 'at'], unique=False)
        batch_op.create_index(batch_op.f('ix_failed_attempts_at'), ['at'], unique=False)

    # Sessions now end through sign_in_sessions; every session signed with a nonce ends here (everyone
    # signs in once more after this release).
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('session_nonce')


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_nonce', sa.String(length=32), nullable=False,
                                      server_default=''))
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('session_nonce', server_default=None)

    with op.batch_alter_table('failed_attempts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_failed_attempts_at'))
        batch_op.drop_index('ix_failed_attempts_key_at')
    op.drop_table('failed_attempts')

    with op.batch_alter_table('sign_in_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sign_in_sessions_created_at'))
        batch_op.drop_index(batch_op.f('ix_sign_in_sessions_user_id'))
    op.drop_table('sign_in_sessions')

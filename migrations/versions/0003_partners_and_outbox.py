"""partner agencies, invitations, contributions, outbox

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21 23:29:35.454218

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('agencies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=160), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agencies')),
    sa.UniqueConstraint('name', name=op.f('uq_agencies_name'))
    )
    op.create_table('outbox_emails',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('idempotency_key', sa.String(length=200), nullable=False),
    sa.Column('to_address', sa.String(length=254), nullable=False),
    sa.Column('reply_to', sa.String(length=254), nullable=True),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('sealed_link', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.String(length=500), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_emails')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_outbox_emails_idempotency_key'))
    )
    with op.batch_alter_table('outbox_emails', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_emails_due', ['status', 'next_attempt_at'], unique=False)

    op.create_table('invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('debrief_id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('contact_email', sa.String(length=254), nullable=False),
    sa.Column('contact_name', sa.String(length=120), nullable=True),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('invited_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('responded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_invitations_agency_id_agencies')),
    sa.ForeignKeyConstraint(['debrief_id'], ['debriefs.id'], name=op.f('fk_invitations_debrief_id_debriefs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['invited_by_id'], ['users.id'], name=op.f('fk_invitations_invited_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invitations')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_invitations_token_hash'))
    )
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.create_index('ix_invitations_agency_created', ['agency_id', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_invitations_debrief_id'), ['debrief_id'], unique=False)

    op.create_table('contributions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('invitation_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('attending', sa.Boolean(), nullable=False),
    sa.Column('prior_contact', sa.String(length=10), nullable=False),
    sa.Column('contact_summary', sa.Text(), nullable=True),
    sa.Column('learning', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['invitation_id'], ['invitations.id'], name=op.f('fk_contributions_invitation_id_invitations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contributions')),
    sa.UniqueConstraint('invitation_id', 'version', name='uq_contributions_version')
    )
    with op.batch_alter_table('contributions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contributions_invitation_id'), ['invitation_id'], unique=False)

    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('invitation_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_audit_events_invitation_id'), ['invitation_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_audit_events_invitation_id_invitations'), 'invitations', ['invitation_id'], ['id'])

    with op.batch_alter_table('clocks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('invitation_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('days_before_meeting', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_clocks_invitation_id'), ['invitation_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_clocks_invitation_id_invitations'), 'invitations', ['invitation_id'], ['id'], ondelete='CASCADE')

    with op.batch_alter_table('debriefs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('meeting_scheduled_for', sa.DateTime(timezone=True), nullable=True))



def downgrade():
    with op.batch_alter_table('debriefs', schema=None) as batch_op:
        batch_op.drop_column('meeting_scheduled_for')

    with op.batch_alter_table('clocks', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_clocks_invitation_id_invitations'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_clocks_invitation_id'))
        batch_op.drop_column('days_before_meeting')
        batch_op.drop_column('invitation_id')

    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_audit_events_invitation_id_invitations'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_audit_events_invitation_id'))
        batch_op.drop_column('invitation_id')

    with op.batch_alter_table('contributions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contributions_invitation_id'))

    op.drop_table('contributions')
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invitations_debrief_id'))
        batch_op.drop_index('ix_invitations_agency_created')

    op.drop_table('invitations')
    with op.batch_alter_table('outbox_emails', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_emails_due')

    op.drop_table('outbox_emails')
    op.drop_table('agencies')

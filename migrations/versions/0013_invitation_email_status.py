"""invitation email status: the outbox email carrying an invitation's link, and when the link first reached the contact

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 02:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

INVITATION_COLUMNS = ["id", "agency_id", "opened_at", "responded_at", "revoked_at", "expires_at"]


def upgrade():
    with op.batch_alter_table('outbox_emails') as batch_op:
        batch_op.add_column(sa.Column('invitation_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_outbox_emails_invitation_id_invitations'), 'invitations',
                                    ['invitation_id'], ['id'], ondelete='SET NULL')
        batch_op.create_index(batch_op.f('ix_outbox_emails_invitation_id'), ['invitation_id'], unique=False)
    with op.batch_alter_table('invitations') as batch_op:
        batch_op.add_column(sa.Column('delivered_at', sa.DateTime(timezone=True), nullable=True))

    # Emails queued before this revision name their invitation only in their key:
    # "invitation:<id>" and "invitation-reminder:<id>:<due date>".
    conn = op.get_bind()
    outbox = sa.table('outbox_emails', sa.column('id', sa.Integer), sa.column('idempotency_key', sa.String),
                      sa.column('invitation_id', sa.Integer), sa.column('status', sa.String),
                      sa.column('sent_at', sa.DateTime(timezone=True)))
    invitations = sa.table('invitations', sa.column('id', sa.Integer), sa.column('opened_at', sa.DateTime(timezone=True)),
                           sa.column('delivered_at', sa.DateTime(timezone=True)))
    rows = conn.execute(sa.select(outbox.c.id, outbox.c.idempotency_key).where(sa.or_(
        outbox.c.idempotency_key.like('invitation:%'), outbox.c.idempotency_key.like('invitation-reminder:%')))).all()
    known = set(conn.execute(sa.select(invitations.c.id)).scalars())
    links = []
    for email_id, key in rows:
        part = key.split(':')[1]
        if part.isdigit() and int(part) in known:
            links.append({'email_id': email_id, 'invitation_id': int(part)})
    if links:
        conn.execute(sa.update(outbox).where(outbox.c.id == sa.bindparam('email_id'))
                     .values(invitation_id=sa.bindparam('invitation_id')), links)
    first_sent = (sa.select(sa.func.min(outbox.c.sent_at))
                  .where(outbox.c.invitation_id == invitations.c.id, outbox.c.status == 'sent').scalar_subquery())
    conn.execute(sa.update(invitations).values(delivered_at=sa.func.coalesce(first_sent, invitations.c.opened_at)))

    op.drop_index('ix_invitations_created', table_name='invitations')
    op.create_index('ix_invitations_created', 'invitations', ['created_at'],
                    postgresql_include=[*INVITATION_COLUMNS, 'delivered_at'])


def downgrade():
    op.drop_index('ix_invitations_created', table_name='invitations')
    op.create_index('ix_invitations_created', 'invitations', ['created_at'], postgresql_include=INVITATION_COLUMNS)
    with op.batch_alter_table('invitations') as batch_op:
        batch_op.drop_column('delivered_at')
    with op.batch_alter_table('outbox_emails') as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_emails_invitation_id'))
        batch_op.drop_constraint(batch_op.f('fk_outbox_emails_invitation_id_invitations'), type_='foreignkey')
        batch_op.drop_column('invitation_id')

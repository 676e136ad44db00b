"""debriefs, incident types, meeting attendees, clocks

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21 23:07:55.099958

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('incident_types',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('label', sa.String(length=120), nullable=False),
    sa.Column('is_homicide', sa.Boolean(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_incident_types')),
    sa.UniqueConstraint('code', name=op.f('uq_incident_types_code'))
    )
    op.create_table('debriefs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference_year', sa.Integer(), nullable=False),
    sa.Column('reference_number', sa.Integer(), nullable=False),
    sa.Column('incident_type_code', sa.String(length=40), nullable=False),
    sa.Column('crime_reference', sa.String(length=40), nullable=False),
    sa.Column('operation_name', sa.String(length=120), nullable=True),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reported_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('area', sa.String(length=120), nullable=True),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('partner_briefing', sa.Text(), nullable=True),
    sa.Column('victim_age', sa.Integer(), nullable=True),
    sa.Column('victim_sex', sa.String(length=10), nullable=True),
    sa.Column('relationship_to_suspect', sa.String(length=20), nullable=True),
    sa.Column('domestic', sa.Boolean(), nullable=False),
    sa.Column('weapon', sa.String(length=10), nullable=True),
    sa.Column('prior_police_contact', sa.Boolean(), nullable=False),
    sa.Column('reviewer_id', sa.Integer(), nullable=False),
    sa.Column('meeting_held_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['incident_type_code'], ['incident_types.code'], name=op.f('fk_debriefs_incident_type_code_incident_types')),
    sa.ForeignKeyConstraint(['reviewer_id'], ['users.id'], name=op.f('fk_debriefs_reviewer_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_debriefs')),
    sa.UniqueConstraint('crime_reference', name=op.f('uq_debriefs_crime_reference')),
    sa.UniqueConstraint('reference_year', 'reference_number', name='uq_debriefs_reference')
    )
    with op.batch_alter_table('debriefs', schema=None) as batch_op:
        batch_op.create_index('ix_debriefs_reported_at_id', ['reported_at', 'id'], unique=False)
        batch_op.create_index('ix_debriefs_reviewer_open', ['reviewer_id', 'meeting_held_at'], unique=False)

    op.create_table('clocks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('debrief_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('label', sa.String(length=120), nullable=False),
    sa.Column('source', sa.String(length=255), nullable=False),
    sa.Column('unit', sa.String(length=30), nullable=False),
    sa.Column('length', sa.Integer(), nullable=False),
    sa.Column('waits_for', sa.String(length=40), nullable=True),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('base_due_date', sa.Date(), nullable=True),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('met_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('paused_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('pause_reason', sa.Text(), nullable=True),
    sa.Column('extension_reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['debrief_id'], ['debriefs.id'], name=op.f('fk_clocks_debrief_id_debriefs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_clocks'))
    )
    with op.batch_alter_table('clocks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_clocks_debrief_id'), ['debrief_id'], unique=False)
        batch_op.create_index('ix_clocks_open_due', ['due_at'], unique=False, postgresql_where=sa.text('met_at IS NULL'), sqlite_where=sa.text('met_at IS NULL'))

    op.create_table('debrief_themes',
    sa.Column('debrief_id', sa.Integer(), nullable=False),
    sa.Column('theme', sa.String(length=30), nullable=False),
    sa.CheckConstraint("theme IN ('serious_violence', 'drugs', 'vulnerability', 'domestic_abuse')", name=op.f('ck_debrief_themes_known_theme')),
    sa.ForeignKeyConstraint(['debrief_id'], ['debriefs.id'], name=op.f('fk_debrief_themes_debrief_id_debriefs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('debrief_id', 'theme', name=op.f('pk_debrief_themes'))
    )
    with op.batch_alter_table('debrief_themes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_debrief_themes_theme'), ['theme'], unique=False)

    op.create_table('meeting_attendees',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('debrief_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('agency', sa.String(length=120), nullable=False),
    sa.ForeignKeyConstraint(['debrief_id'], ['debriefs.id'], name=op.f('fk_meeting_attendees_debrief_id_debriefs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_attendees'))
    )
    with op.batch_alter_table('meeting_attendees', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_attendees_debrief_id'), ['debrief_id'], unique=False)

    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('debrief_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_audit_events_debrief_id'), ['debrief_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_audit_events_debrief_id_debriefs'), 'debriefs', ['debrief_id'], ['id'])

    # The incident classes in product.md; administrators add more through the service.
    incident_types = sa.table(
        "incident_types", sa.column("code", sa.String), sa.column("label", sa.String),
        sa.column("is_homicide", sa.Boolean), sa.column("active", sa.Boolean), sa.column("position", sa.Integer),
    )
    op.bulk_insert(incident_types, [
        {"code": code, "label": label, "is_homicide": homicide, "active": True, "position": n * 10}
        for n, (code, label, homicide) in enumerate([
            ("murder", "Murder", True),
            ("manslaughter", "Manslaughter", True),
            ("infanticide", "Infanticide", True),
            ("corporate_manslaughter", "Corporate manslaughter", True),
            ("attempted_murder", "Attempted murder", False),
            ("threats_to_kill", "Threats to kill", False),
            ("wounding_with_intent", "Wounding with intent (section 18)", False),
            ("wounding", "Wounding (section 20)", False),
            ("non_fatal_strangulation", "Non-fatal strangulation or suffocation", False),
            ("other_serious_violence", "Other serious violence", False),
        ], start=1)
    ])


def downgrade():
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_audit_events_debrief_id_debriefs'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_audit_events_debrief_id'))
        batch_op.drop_column('debrief_id')

    with op.batch_alter_table('meeting_attendees', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_attendees_debrief_id'))

    op.drop_table('meeting_attendees')
    with op.batch_alter_table('debrief_themes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_debrief_themes_theme'))

    op.drop_table('debrief_themes')
    with op.batch_alter_table('clocks', schema=None) as batch_op:
        batch_op.drop_index('ix_clocks_open_due', postgresql_where=sa.text('met_at IS NULL'), sqlite_where=sa.text('met_at IS NULL'))
        batch_op.drop_index(batch_op.f('ix_clocks_debrief_id'))

    op.drop_table('clocks')
    with op.batch_alter_table('debriefs', schema=None) as batch_op:
        batch_op.drop_index('ix_debriefs_reviewer_open')
        batch_op.drop_index('ix_debriefs_reported_at_id')

    op.drop_table('debriefs')
    op.drop_table('incident_types')

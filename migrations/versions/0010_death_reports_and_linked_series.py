"""death reports and linked series: reports from three sources, deaths linked from them, possible matches and
analysts' decisions, linked series, the analyses run, and counters so that a reference is never given twice

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 22:49:43.249514

"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('deaths',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference_year', sa.Integer(), nullable=False),
    sa.Column('reference_number', sa.Integer(), nullable=False),
    sa.Column('found_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('age', sa.Integer(), nullable=True),
    sa.Column('sex', sa.String(length=10), nullable=True),
    sa.Column('location_type', sa.String(length=30), nullable=True),
    sa.Column('apparent_cause', sa.String(length=30), nullable=True),
    sa.Column('substances', sa.JSON(), nullable=False),
    sa.Column('indicators', sa.JSON(), nullable=False),
    sa.Column('classification', sa.String(length=20), nullable=True),
    sa.Column('latitude', sa.Float(), nullable=True),
    sa.Column('longitude', sa.Float(), nullable=True),
    sa.Column('area', sa.String(length=10), nullable=True),
    sa.Column('sources', sa.String(length=40), nullable=False),
    sa.Column('similar', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deaths')),
    sa.UniqueConstraint('reference_year', 'reference_number', name='uq_deaths_reference'),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('deaths', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deaths_apparent_cause'), ['apparent_cause'], unique=False)
        batch_op.create_index(batch_op.f('ix_deaths_area'), ['area'], unique=False)
        batch_op.create_index('ix_deaths_found_at_id', ['found_at', 'id'], unique=False)

    op.create_table('reference_counters',
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('last_number', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('kind', 'year', name=op.f('pk_reference_counters'))
    )
    op.create_table('death_analyses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reports', sa.Integer(), nullable=False),
    sa.Column('deaths', sa.Integer(), nullable=False),
    sa.Column('candidate_series', sa.Integer(), nullable=False),
    sa.Column('new_series', sa.Integer(), nullable=False),
    sa.Column('seconds', sa.Float(), nullable=False),
    sa.Column('extent', sa.JSON(), nullable=False),
    sa.Column('started_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['started_by_id'], ['users.id'], name=op.f('fk_death_analyses_started_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_death_analyses'))
    )
    op.create_table('death_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('source_reference', sa.String(length=100), nullable=False),
    sa.Column('reported_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('found_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('family_name', sa.String(length=100), nullable=True),
    sa.Column('given_names', sa.String(length=200), nullable=True),
    sa.Column('date_of_birth', sa.Date(), nullable=True),
    sa.Column('sex', sa.String(length=10), nullable=True),
    sa.Column('nhs_number', sa.String(length=10), nullable=True),
    sa.Column('latitude', sa.Float(), nullable=True),
    sa.Column('longitude', sa.Float(), nullable=True),
    sa.Column('location_type', sa.String(length=30), nullable=True),
    sa.Column('apparent_cause', sa.String(length=30), nullable=True),
    sa.Column('substances', sa.JSON(), nullable=False),
    sa.Column('indicators', sa.JSON(), nullable=False),
    sa.Column('initial_classification', sa.String(length=20), nullable=True),
    sa.Column('narrative', sa.Text(), nullable=True),
    sa.Column('death_id', sa.Integer(), nullable=True),
    sa.Column('imported_by_id', sa.Integer(), nullable=True),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['death_id'], ['deaths.id'], name=op.f('fk_death_reports_death_id_deaths'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['imported_by_id'], ['users.id'], name=op.f('fk_death_reports_imported_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_death_reports')),
    sa.UniqueConstraint('source', 'source_reference', name='uq_death_reports_source_reference')
    )
    with op.batch_alter_table('death_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_death_reports_death_id'), ['death_id'], unique=False)

    op.create_table('linked_series',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference_year', sa.Integer(), nullable=False),
    sa.Column('reference_number', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('reasons', sa.JSON(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('debrief_id', sa.Integer(), nullable=True),
    sa.Column('found_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('candidate', 'confirmed', 'dismissed')", name=op.f('ck_linked_series_ck_linked_series_status')),
    sa.ForeignKeyConstraint(['debrief_id'], ['debriefs.id'], name=op.f('fk_linked_series_debrief_id_debriefs'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_linked_series_decided_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_linked_series')),
    sa.UniqueConstraint('reference_year', 'reference_number', name='uq_linked_series_reference'),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('linked_series', schema=None) as batch_op:
        batch_op.create_index('ix_linked_series_status_score', ['status', 'score'], unique=False)

    op.create_table('possible_matches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_a_id', sa.Integer(), nullable=False),
    sa.Column('report_b_id', sa.Integer(), nullable=False),
    sa.Column('probability', sa.Float(), nullable=False),
    sa.Column('reasons', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['report_a_id'], ['death_reports.id'], name=op.f('fk_possible_matches_report_a_id_death_reports'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['report_b_id'], ['death_reports.id'], name=op.f('fk_possible_matches_report_b_id_death_reports'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_possible_matches')),
    sa.UniqueConstraint('report_a_id', 'report_b_id', name='uq_possible_matches_pair')
    )
    with op.batch_alter_table('possible_matches', schema=None) as batch_op:
        batch_op.create_index('ix_possible_matches_probability', ['probability'], unique=False)
        batch_op.create_index(batch_op.f('ix_possible_matches_report_b_id'), ['report_b_id'], unique=False)

    op.create_table('report_pair_decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_a_id', sa.Integer(), nullable=False),
    sa.Column('report_b_id', sa.Integer(), nullable=False),
    sa.Column('same_person', sa.Boolean(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('report_a_id < report_b_id', name=op.f('ck_report_pair_decisions_ck_report_pair_decisions_order')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_report_pair_decisions_decided_by_id_users')),
    sa.ForeignKeyConstraint(['report_a_id'], ['death_reports.id'], name=op.f('fk_report_pair_decisions_report_a_id_death_reports'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['report_b_id'], ['death_reports.id'], name=op.f('fk_report_pair_decisions_report_b_id_death_reports'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_pair_decisions')),
    sa.UniqueConstraint('report_a_id', 'report_b_id', name='uq_report_pair_decisions_pair')
    )
    with op.batch_alter_table('report_pair_decisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_pair_decisions_report_b_id'), ['report_b_id'], unique=False)

    op.create_table('linked_series_members',
    sa.Column('series_id', sa.Integer(), nullable=False),
    sa.Column('death_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['death_id'], ['deaths.id'], name=op.f('fk_linked_series_members_death_id_deaths'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['series_id'], ['linked_series.id'], name=op.f('fk_linked_series_members_series_id_linked_series'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('series_id', 'death_id', name=op.f('pk_linked_series_members'))
    )
    with op.batch_alter_table('linked_series_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_linked_series_members_death_id'), ['death_id'], unique=False)



def downgrade():
    with op.batch_alter_table('linked_series_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_linked_series_members_death_id'))

    op.drop_table('linked_series_members')
    with op.batch_alter_table('report_pair_decisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_pair_decisions_report_b_id'))

    op.drop_table('report_pair_decisions')
    with op.batch_alter_table('possible_matches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_possible_matches_report_b_id'))
        batch_op.drop_index('ix_possible_matches_probability')

    op.drop_table('possible_matches')
    with op.batch_alter_table('linked_series', schema=None) as batch_op:
        batch_op.drop_index('ix_linked_series_status_score')

    op.drop_table('linked_series')
    with op.batch_alter_table('death_reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_death_reports_death_id'))

    op.drop_table('death_reports')
    op.drop_table('death_analyses')
    op.drop_table('reference_counters')
    with op.batch_alter_table('deaths', schema=None) as batch_op:
        batch_op.drop_index('ix_deaths_found_at_id')
        batch_op.drop_index(batch_op.f('ix_deaths_area'))
        batch_op.drop_index(batch_op.f('ix_deaths_apparent_cause'))

    op.drop_table('deaths')

"""the national library (LIBRARY_MODE): the forces that publish to it with their tokens' digests, the
lessons and recommendations they shared with their themes and meaning-search vectors, and which
other forces took each into their repeat checks or found it as a repeat

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-09 09:00:00

A force's deployment holds these tables empty: only the library writes them.
"""
import sqlalchemy as sa
from alembic import op


revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('library_forces',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('token_prefix', sa.String(length=12), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_library_forces')),
    sa.UniqueConstraint('name', name=op.f('uq_library_forces_name')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_library_forces_token_hash'))
    )
    op.create_table('library_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('force_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('text', sa.Text(), nullable=True),
    sa.Column('incident_type', sa.String(length=40), nullable=True),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=True),
    sa.Column('closure_code', sa.String(length=30), nullable=True),
    sa.Column('products', sa.JSON(), nullable=False),
    sa.Column('what_worked', sa.Boolean(), nullable=False),
    sa.Column('source_reference', sa.String(length=100), nullable=False),
    sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('lesson', 'recommendation')", name=op.f('ck_library_items_kind')),
    sa.CheckConstraint("status IS NULL OR status IN ('open', 'in_progress', 'awaiting_closure', 'closed')", name=op.f('ck_library_items_status')),
    sa.ForeignKeyConstraint(['force_id'], ['library_forces.id'], name=op.f('fk_library_items_force_id_library_forces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_library_items')),
    sa.UniqueConstraint('force_id', 'source_reference', name='uq_library_items_force_reference')
    )
    with op.batch_alter_table('library_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_library_items_incident_type'), ['incident_type'], unique=False)
        batch_op.create_index('ix_library_items_issued', ['issued_on', 'id'], unique=False)
        batch_op.create_index('ix_library_items_updated', ['updated_at', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_library_items_what_worked'), ['what_worked'], unique=False)
    op.create_table('library_item_themes',
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('theme', sa.String(length=30), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['library_items.id'], name=op.f('fk_library_item_themes_item_id_library_items'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('item_id', 'theme', name=op.f('pk_library_item_themes'))
    )
    with op.batch_alter_table('library_item_themes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_library_item_themes_theme'), ['theme'], unique=False)
    op.create_table('library_item_uses',
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('force_id', sa.Integer(), nullable=False),
    sa.Column('use', sa.String(length=20), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("use IN ('taken', 'found_as_repeat')", name=op.f('ck_library_item_uses_use')),
    sa.ForeignKeyConstraint(['force_id'], ['library_forces.id'], name=op.f('fk_library_item_uses_force_id_library_forces'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['item_id'], ['library_items.id'], name=op.f('fk_library_item_uses_item_id_library_items'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('item_id', 'force_id', 'use', name=op.f('pk_library_item_uses'))
    )
    with op.batch_alter_table('library_item_uses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_library_item_uses_force_id'), ['force_id'], unique=False)
    op.create_table('library_item_vectors',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('vector', sa.LargeBinary(), nullable=False),
    sa.Column('token_ids', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['library_items.id'], name=op.f('fk_library_item_vectors_item_id_library_items'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_library_item_vectors')),
    sa.UniqueConstraint('item_id', name=op.f('uq_library_item_vectors_item_id'))
    )


def downgrade():
    op.drop_table('library_item_vectors')
    with op.batch_alter_table('library_item_uses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_library_item_uses_force_id'))
    op.drop_table('library_item_uses')
    with op.batch_alter_table('library_item_themes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_library_item_themes_theme'))
    op.drop_table('library_item_themes')
    with op.batch_alter_table('library_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_library_items_what_worked'))
        batch_op.drop_index('ix_library_items_updated')
        batch_op.drop_index('ix_library_items_issued')
        batch_op.drop_index(batch_op.f('ix_library_items_incident_type'))
    op.drop_table('library_items')
    op.drop_table('library_forces')

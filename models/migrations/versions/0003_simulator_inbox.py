"""The simulator's own inbox: what its sender delivered, unique by delivery key.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 23:10:00
"""
from alembic import op
import sqlalchemy as sa

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'simulator_inbox',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=200), nullable=False),
        sa.Column('external_user_id', sa.String(length=100), nullable=False),
        sa.Column('payload', sa.JSON(), nullable=False),
        sa.Column('delivered_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_simulator_inbox')),
        sa.UniqueConstraint('key', name=op.f('uq_simulator_inbox_key')),
    )
    with op.batch_alter_table('simulator_inbox', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_simulator_inbox_external_user_id'), ['external_user_id'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('simulator_inbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_simulator_inbox_external_user_id'))
    op.drop_table('simulator_inbox')

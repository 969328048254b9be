"""Committee tools: confirmed actions (a confirmation acts once), announcements to one district.

New enum values (members "rejected", announcement audiences "arrears" and "district") need no DDL:
the enums are stored as short strings.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 19:20:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('confirmed_actions',
    sa.Column('token', sa.String(length=24), nullable=False),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('result', sa.String(length=100), nullable=True),
    sa.PrimaryKeyConstraint('token', name=op.f('pk_confirmed_actions'))
    )
    with op.batch_alter_table('announcements', schema=None) as batch_op:
        batch_op.add_column(sa.Column('district_th', sa.String(length=100), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('announcements', schema=None) as batch_op:
        batch_op.drop_column('district_th')
    op.drop_table('confirmed_actions')

"""Index the foreign keys that a delete on their parent table has to check.

Without them, deleting payments (or claims) scans the whole payments (or expenses) table per row.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 15:34:38.961610
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('fund_expenses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fund_expenses_claim_id'), ['claim_id'], unique=False)

    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_member_id'), ['member_id'], unique=False)

    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payments_reverses_id'), ['reverses_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payments_reverses_id'))

    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_member_id'))

    with op.batch_alter_table('fund_expenses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fund_expenses_claim_id'))


"""How to pay and whom to call (funds), everyday words, how to claim and documents (benefits).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 06:30:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

FUND_COLUMNS = (
    ('pay_at_meeting_th', sa.Text()), ('pay_at_meeting_en', sa.Text()),
    ('bank_name', sa.String(length=100)), ('bank_account_no', sa.String(length=20)),
    ('bank_account_name', sa.String(length=200)), ('promptpay_id', sa.String(length=20)),
    ('treasurer_name', sa.String(length=200)), ('treasurer_phone', sa.String(length=16)),
    ('contact_name', sa.String(length=200)), ('contact_phone', sa.String(length=16)),
)
BENEFIT_COLUMNS = ('synonyms_th', 'synonyms_en', 'how_to_claim_th', 'how_to_claim_en',
                   'documents_th', 'documents_en')


def upgrade() -> None:
    with op.batch_alter_table('funds', schema=None) as batch_op:
        for name, kind in FUND_COLUMNS:
            batch_op.add_column(sa.Column(name, kind, nullable=True))
    with op.batch_alter_table('benefit_rules', schema=None) as batch_op:
        for name in BENEFIT_COLUMNS:
            batch_op.add_column(sa.Column(name, sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('benefit_rules', schema=None) as batch_op:
        for name in reversed(BENEFIT_COLUMNS):
            batch_op.drop_column(name)
    with op.batch_alter_table('funds', schema=None) as batch_op:
        for name, _ in reversed(FUND_COLUMNS):
            batch_op.drop_column(name)

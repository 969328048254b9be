"""Link security: failed attempts and locks per target member, consent and pending links per chat,
one chat per channel per member, and the kind of each outbox row.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 04:00:00
"""
from alembic import op
import sqlalchemy as sa

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'link_failures',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('channel', sa.String(length=16), nullable=False),
        sa.Column('id_hash', sa.String(length=64), nullable=False),
        sa.Column('chat_account_id', sa.Integer(), nullable=True),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['chat_account_id'], ['chat_accounts.id'],
                                name=op.f('fk_link_failures_chat_account_id_chat_accounts'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_link_failures')),
    )
    with op.batch_alter_table('link_failures', schema=None) as batch_op:
        batch_op.create_index('ix_link_failures_id_hash_at', ['id_hash', 'at'], unique=False)
        batch_op.create_index('ix_link_failures_channel_at', ['channel', 'at'], unique=False)
        batch_op.create_index(batch_op.f('ix_link_failures_chat_account_id'), ['chat_account_id'],
                              unique=False)
    op.create_table(
        'link_locks',
        sa.Column('id_hash', sa.String(length=64), nullable=False),
        sa.Column('locked_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('locked_until', sa.DateTime(timezone=True), nullable=False),
        sa.Column('failures', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id_hash', name=op.f('pk_link_locks')),
    )
    # Before the rule "one chat per channel per member", keep only each member's newest link.
    op.execute(
        "UPDATE chat_accounts SET member_id = NULL WHERE member_id IS NOT NULL AND id NOT IN ("
        " SELECT MAX(id) FROM chat_accounts WHERE member_id IS NOT NULL GROUP BY channel, member_id)"
    )
    with op.batch_alter_table('chat_accounts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('consent_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('consent_version', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('pending_member_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('pending_since', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_chat_accounts_pending_member_id_members'),
                                    'members', ['pending_member_id'], ['id'], ondelete='SET NULL')
        batch_op.create_index(batch_op.f('ix_chat_accounts_pending_member_id'), ['pending_member_id'],
                              unique=False)
        batch_op.create_unique_constraint(batch_op.f('uq_chat_accounts_channel_member_id'),
                                          ['channel', 'member_id'])
    # Consent given before this revision was recorded on the member: it belongs to the linked chats.
    op.execute(
        "UPDATE chat_accounts SET"
        " consent_at = (SELECT consent_at FROM members WHERE members.id = chat_accounts.member_id),"
        " consent_version = (SELECT consent_version FROM members WHERE members.id = chat_accounts.member_id)"
        " WHERE member_id IS NOT NULL"
    )
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=24), nullable=False,
                                      server_default='notice'))


def downgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_column('kind')
    with op.batch_alter_table('chat_accounts', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_chat_accounts_channel_member_id'), type_='unique')
        batch_op.drop_index(batch_op.f('ix_chat_accounts_pending_member_id'))
        batch_op.drop_constraint(batch_op.f('fk_chat_accounts_pending_member_id_members'),
                                 type_='foreignkey')
        batch_op.drop_column('pending_since')
        batch_op.drop_column('pending_member_id')
        batch_op.drop_column('consent_version')
        batch_op.drop_column('consent_at')
    op.drop_table('link_locks')
    with op.batch_alter_table('link_failures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_link_failures_chat_account_id'))
        batch_op.drop_index('ix_link_failures_channel_at')
        batch_op.drop_index('ix_link_failures_id_hash_at')
    op.drop_table('link_failures')

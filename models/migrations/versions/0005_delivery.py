"""Delivery: outbox leases, retries, priorities and retry keys; channel holds and send pacing
shared by every dispatcher; job runs; announcements; members' notification choices; funds'
reminder days; moved and cancelled meetings.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 13:30:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('channel_holds',
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.String(length=40), nullable=False),
    sa.Column('until', sa.DateTime(timezone=True), nullable=False),
    sa.Column('since', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('channel', name=op.f('pk_channel_holds'))
    )
    op.create_table('job_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('job', sa.String(length=40), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided', sa.Integer(), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_job_runs'))
    )
    with op.batch_alter_table('job_runs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_job_runs_job'), ['job'], unique=False)

    op.create_table('send_pacing',
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('next_at', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_send_pacing'))
    )
    op.create_table('announcements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('fund_id', sa.Integer(), nullable=True),
    sa.Column('audience', sa.Enum('members', 'committee', name='audience', native_enum=False, length=16), nullable=False),
    sa.Column('text_th', sa.Text(), nullable=False),
    sa.Column('text_en', sa.Text(), nullable=True),
    sa.Column('send_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('author', sa.String(length=100), nullable=False),
    sa.Column('state', sa.Enum('draft', 'scheduled', 'sending', 'done', 'cancelled', name='announcementstate', native_enum=False, length=12), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('recipients', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['fund_id'], ['funds.id'], name=op.f('fk_announcements_fund_id_funds'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_announcements'))
    )
    with op.batch_alter_table('announcements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_announcements_fund_id'), ['fund_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_announcements_send_at'), ['send_at'], unique=False)

    with op.batch_alter_table('funds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reminder_days', sa.String(length=40), server_default='1,25', nullable=False))

    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sa.String(length=12), server_default='scheduled', nullable=False))
        batch_op.add_column(sa.Column('previous_starts_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('changed_at', sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.add_column(sa.Column('notify_dues', sa.Boolean(), server_default=sa.true(), nullable=False))
        batch_op.add_column(sa.Column('notify_meetings', sa.Boolean(), server_default=sa.true(), nullable=False))
        batch_op.add_column(sa.Column('notify_announcements', sa.Boolean(), server_default=sa.true(), nullable=False))

    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('priority', sa.Integer(), server_default='5', nullable=False))
        batch_op.add_column(sa.Column('content_key', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('source', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('retry_key', sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column('lease_owner', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('sent_via', sa.String(length=12), nullable=True))
        batch_op.create_index('ix_outbox_channel_external_user_id_status', ['channel', 'external_user_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_retry_key'), ['retry_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_source'), ['source'], unique=False)
        batch_op.create_index('ix_outbox_status_next_attempt_at', ['status', 'next_attempt_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_status_next_attempt_at')
        batch_op.drop_index(batch_op.f('ix_outbox_source'))
        batch_op.drop_index(batch_op.f('ix_outbox_retry_key'))
        batch_op.drop_index('ix_outbox_channel_external_user_id_status')
        batch_op.drop_column('sent_via')
        batch_op.drop_column('expires_at')
        batch_op.drop_column('next_attempt_at')
        batch_op.drop_column('lease_until')
        batch_op.drop_column('lease_owner')
        batch_op.drop_column('retry_key')
        batch_op.drop_column('source')
        batch_op.drop_column('content_key')
        batch_op.drop_column('priority')

    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.drop_column('notify_announcements')
        batch_op.drop_column('notify_meetings')
        batch_op.drop_column('notify_dues')

    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_column('changed_at')
        batch_op.drop_column('previous_starts_at')
        batch_op.drop_column('status')

    with op.batch_alter_table('funds', schema=None) as batch_op:
        batch_op.drop_column('reminder_days')

    with op.batch_alter_table('announcements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_announcements_send_at'))
        batch_op.drop_index(batch_op.f('ix_announcements_fund_id'))

    op.drop_table('announcements')
    op.drop_table('send_pacing')
    with op.batch_alter_table('job_runs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_job_runs_job'))

    op.drop_table('job_runs')
    op.drop_table('channel_holds')

"""cases wait for the reporter

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 00:10:00.000000
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.types

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Since when a case waits for its reporter's answer (its clock paused meanwhile), and
    # whether the reporter was reminded to answer.
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('waiting_since', storage.types.UTCDateTime(),
                                      nullable=True))
        batch_op.add_column(sa.Column('reporter_reminded', sa.Boolean(),
                                      server_default=sa.false(), nullable=False))
    # Cases asking their reporter right now have waited since the question (which also
    # acknowledged them).
    op.execute("UPDATE cases SET waiting_since = acked_at WHERE status = 'info'")


def downgrade() -> None:
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_column('reporter_reminded')
        batch_op.drop_column('waiting_since')

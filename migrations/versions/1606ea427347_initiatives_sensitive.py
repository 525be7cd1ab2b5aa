"""Safeguarding: initiatives and their journal entries can be held as sensitive

Revision ID: 1606ea427347
Revises: b7e3c1d9a420
Create Date: 2026-12-06 16:40:00

"""
import sqlalchemy as sa
from alembic import op

revision = "1606ea427347"
down_revision = "b7e3c1d9a420"
branch_labels = None
depends_on = None

HOLDABLE = ("initiative", "journal_entry")


def upgrade():
    for table in HOLDABLE:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("sensitive", sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    for table in HOLDABLE:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("sensitive")

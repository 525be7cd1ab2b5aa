"""Personal data: when a person asked for their account's deletion, and when it was completed

Revision ID: b7e3c1d9a420
Revises: c4a9e2f71b36
Create Date: 2026-12-02 10:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = "b7e3c1d9a420"
down_revision = "c4a9e2f71b36"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("deletion_requested_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("deleted_at", sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_column("deleted_at")
        batch_op.drop_column("deletion_requested_at")

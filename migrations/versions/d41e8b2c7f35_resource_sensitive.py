"""Safeguarding: a resource published although it may identify a child is held as sensitive

Revision ID: d41e8b2c7f35
Revises: 1606ea427347
Create Date: 2026-12-06 17:30:00

"""
import sqlalchemy as sa
from alembic import op

revision = "d41e8b2c7f35"
down_revision = "1606ea427347"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("resource", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sensitive", sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table("resource", schema=None) as batch_op:
        batch_op.drop_column("sensitive")

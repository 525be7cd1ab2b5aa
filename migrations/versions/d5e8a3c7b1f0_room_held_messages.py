"""Live room: chat messages and questions can be held (sent anyway although they may identify a
child); a question remembers the room event that announced it

Revision ID: d5e8a3c7b1f0
Revises: d41e8b2c7f35
Create Date: 2026-12-06 16:30:00

"""
import sqlalchemy as sa
from alembic import op

revision = "d5e8a3c7b1f0"
down_revision = "d41e8b2c7f35"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("chat_message", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sensitive", sa.Boolean(), server_default=sa.false(), nullable=False))
    with op.batch_alter_table("question", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sensitive", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column("event_seq", sa.Integer(), server_default="0", nullable=False))


def downgrade():
    with op.batch_alter_table("question", schema=None) as batch_op:
        batch_op.drop_column("event_seq")
        batch_op.drop_column("sensitive")
    with op.batch_alter_table("chat_message", schema=None) as batch_op:
        batch_op.drop_column("sensitive")

"""Search: the documents a committed change has not yet written to the Whoosh index
(search_pending), so that a process killed between the commit and the index write leaves a
note the next process acts on.

Revision ID: f1c7a3e5b920
Revises: b7d3e9f2a614
Create Date: 2026-12-06 18:50:00

"""
import sqlalchemy as sa
from alembic import op

revision = "f1c7a3e5b920"
down_revision = "b7d3e9f2a614"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "search_pending",
        sa.Column("search_id", sa.String(length=80), nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.Column("noted_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("search_id"),
    )


def downgrade():
    op.drop_table("search_pending")

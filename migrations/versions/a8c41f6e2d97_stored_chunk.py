"""Uploaded files kept in the database (STORAGE_BACKEND=postgres): each one rows of chunks

Revision ID: a8c41f6e2d97
Revises: e3b7c2a9d614
Create Date: 2026-12-06 16:45:00

"""
import sqlalchemy as sa
from alembic import op

revision = "a8c41f6e2d97"
down_revision = "e3b7c2a9d614"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "stored_chunk",
        sa.Column("stored_name", sa.String(length=64), nullable=False),
        sa.Column("number", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("stored_name", "number", name=op.f("pk_stored_chunk")),
    )
    if op.get_bind().dialect.name == "postgresql":
        # Uploads are mostly compressed already (images, office files): kept out of line, uncompressed.
        op.execute("ALTER TABLE stored_chunk ALTER COLUMN data SET STORAGE EXTERNAL")


def downgrade():
    op.drop_table("stored_chunk")

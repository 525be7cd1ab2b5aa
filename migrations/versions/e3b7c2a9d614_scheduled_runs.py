"""Scheduled jobs: when each one (daily digest, workshop reminders) last ran, so that two
schedulers never run the same job for the same due time

Revision ID: e3b7c2a9d614
Revises: b7d2e9f4a1c3
Create Date: 2026-12-07 10:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = "e3b7c2a9d614"
down_revision = "b7d2e9f4a1c3"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "scheduled_run",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=True),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("result", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_scheduled_run")),
    )


def downgrade():
    op.drop_table("scheduled_run")

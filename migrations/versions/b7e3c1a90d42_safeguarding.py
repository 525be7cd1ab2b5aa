"""Safeguarding: items held as sensitive, the moderators' review queue, notifications that wait

Revision ID: b7e3c1a90d42
Revises: fa2ce5ad2897
Create Date: 2026-12-06 15:10:00

"""
import sqlalchemy as sa
from alembic import op

revision = "b7e3c1a90d42"
down_revision = "fa2ce5ad2897"
branch_labels = None
depends_on = None

HOLDABLE = ("thread", "post")


def upgrade():
    op.create_table(
        "sensitive_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_type", sa.String(length=32), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("justification", sa.Text(), nullable=False),
        sa.Column("findings", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["author_id"], ["user.id"], name=op.f("fk_sensitive_item_author_id_user"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["decided_by_id"], ["user.id"], name=op.f("fk_sensitive_item_decided_by_id_user"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sensitive_item")),
        sa.UniqueConstraint("item_type", "item_id", name="uq_sensitive_item"),
    )
    with op.batch_alter_table("sensitive_item", schema=None) as batch_op:
        batch_op.create_index("ix_sensitive_item_status", ["status"], unique=False)
    for table in HOLDABLE:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("sensitive", sa.Boolean(), server_default=sa.false(), nullable=False))
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.add_column(sa.Column("held_item_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_notification_held_item_id"), ["held_item_id"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_notification_held_item_id_sensitive_item"), "sensitive_item",
                                    ["held_item_id"], ["id"], ondelete="CASCADE")


def downgrade():
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_notification_held_item_id_sensitive_item"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_notification_held_item_id"))
        batch_op.drop_column("held_item_id")
    for table in HOLDABLE:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("sensitive")
    with op.batch_alter_table("sensitive_item", schema=None) as batch_op:
        batch_op.drop_index("ix_sensitive_item_status")
    op.drop_table("sensitive_item")

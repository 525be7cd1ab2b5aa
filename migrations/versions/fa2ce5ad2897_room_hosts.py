"""Room hosts: each live-room connection names the server process holding it

Revision ID: fa2ce5ad2897
Revises: 59929ef6fb95
Create Date: 2026-12-01 10:17:54

"""
import sqlalchemy as sa
from alembic import op

revision = "fa2ce5ad2897"
down_revision = "59929ef6fb95"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "room_host",
        sa.Column("id", sa.String(length=100), nullable=False),
        sa.Column("seen_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_room_host")),
    )
    with op.batch_alter_table("room_host", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_room_host_seen_at"), ["seen_at"], unique=False)

    # Connections never outlive the deploy that runs this migration; rows left behind by the
    # old processes would name no process, so they go.
    op.execute("DELETE FROM presence")
    with op.batch_alter_table("presence", schema=None) as batch_op:
        batch_op.add_column(sa.Column("host_id", sa.String(length=100), nullable=True))
        batch_op.create_index(batch_op.f("ix_presence_host_id"), ["host_id"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_presence_host_id_room_host"), "room_host", ["host_id"], ["id"],
                                    ondelete="CASCADE")


def downgrade():
    with op.batch_alter_table("presence", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_presence_host_id_room_host"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_presence_host_id"))
        batch_op.drop_column("host_id")

    with op.batch_alter_table("room_host", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_room_host_seen_at"))
    op.drop_table("room_host")

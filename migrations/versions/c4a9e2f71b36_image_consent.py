"""Image consent: whether an uploaded image shows people, and who confirmed their consent and when

Revision ID: c4a9e2f71b36
Revises: b7e3c1a90d42
Create Date: 2026-12-06 15:10:00

"""
import sqlalchemy as sa
from alembic import op

revision = "c4a9e2f71b36"
down_revision = "b7e3c1a90d42"
branch_labels = None
depends_on = None


def upgrade():
    # Images stored before this stay without an answer (NULL): the resource page says so.
    with op.batch_alter_table("file_version", schema=None) as batch_op:
        batch_op.add_column(sa.Column("shows_people", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("consent_confirmed_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("consent_confirmed_at", sa.DateTime(), nullable=True))
        batch_op.create_index(batch_op.f("ix_file_version_consent_confirmed_by_id"), ["consent_confirmed_by_id"],
                              unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_file_version_consent_confirmed_by_id_user"), "user",
                                    ["consent_confirmed_by_id"], ["id"], ondelete="SET NULL")


def downgrade():
    with op.batch_alter_table("file_version", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_file_version_consent_confirmed_by_id_user"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_file_version_consent_confirmed_by_id"))
        batch_op.drop_column("consent_confirmed_at")
        batch_op.drop_column("consent_confirmed_by_id")
        batch_op.drop_column("shows_people")

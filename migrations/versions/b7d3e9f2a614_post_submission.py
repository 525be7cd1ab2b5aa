"""Forum posts: the key of the form that wrote them (post.submission_id), unique per author, so that
a form sent twice (a double click, a resend after a lost answer) makes one post. Existing posts have
no key (NULL: not constrained).

Revision ID: b7d3e9f2a614
Revises: c2f5e8a1d934
Create Date: 2026-12-06 18:45:00

"""
import sqlalchemy as sa
from alembic import op

revision = "b7d3e9f2a614"
down_revision = "c2f5e8a1d934"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("post") as batch:
        batch.add_column(sa.Column("submission_id", sa.String(length=36), nullable=True))
    op.create_index("uq_post_author_submission", "post", ["author_id", "submission_id"], unique=True)


def downgrade():
    op.drop_index("uq_post_author_submission", table_name="post")
    with op.batch_alter_table("post") as batch:
        batch.drop_column("submission_id")

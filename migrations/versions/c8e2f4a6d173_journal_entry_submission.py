"""Initiative journal entries: the key of the form that wrote them (journal_entry.submission_id),
unique per author, so that a form sent twice (a double click, a resend after a lost answer) makes
one entry. Existing entries have no key (NULL: not constrained).

Revision ID: c8e2f4a6d173
Revises: f1c7a3e5b920
Create Date: 2026-12-06 19:15:00

"""
import sqlalchemy as sa
from alembic import op

revision = "c8e2f4a6d173"
down_revision = "f1c7a3e5b920"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("journal_entry") as batch:
        batch.add_column(sa.Column("submission_id", sa.String(length=36), nullable=True))
    op.create_index("uq_journal_entry_author_submission", "journal_entry", ["author_id", "submission_id"],
                    unique=True)


def downgrade():
    op.drop_index("uq_journal_entry_author_submission", table_name="journal_entry")
    with op.batch_alter_table("journal_entry") as batch:
        batch.drop_column("submission_id")

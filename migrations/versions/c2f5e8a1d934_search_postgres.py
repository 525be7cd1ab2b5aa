"""Search in PostgreSQL (SEARCH_BACKEND=postgres): unaccent and pg_trgm, one text search configuration
per language (sociallab_fr, sociallab_en, sociallab_es: unaccent, then the language's stemmer), the
search_entry table (analysed text, audience, facets; GIN-indexed) and the search_word lexicon
(trigram-indexed). On SQLite the two tables are created with plain types and nothing uses them
(search runs on Whoosh there); the extensions and configurations are PostgreSQL's only.

After upgrading, a server moving to SEARCH_BACKEND=postgres fills the tables with
`flask sociallab reindex`.

Revision ID: c2f5e8a1d934
Revises: a8c41f6e2d97
Create Date: 2026-12-06 18:10:00

"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "c2f5e8a1d934"
down_revision = "a8c41f6e2d97"
branch_labels = None
depends_on = None

CONFIGURATIONS = (("sociallab_fr", "french"), ("sociallab_en", "english"), ("sociallab_es", "spanish"))
TEXT_LIST = sa.JSON().with_variant(postgresql.ARRAY(sa.Text()), "postgresql")
ANALYSED = sa.Text().with_variant(postgresql.TSVECTOR(), "postgresql")


def _postgresql():
    return op.get_bind().dialect.name == "postgresql"


def upgrade():
    if _postgresql():
        op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for name, language in CONFIGURATIONS:
            op.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {name}")
            op.execute(f"CREATE TEXT SEARCH CONFIGURATION {name} (COPY = {language})")
            op.execute(f"ALTER TEXT SEARCH CONFIGURATION {name} "
                       f"ALTER MAPPING FOR hword, hword_part, word WITH unaccent, {language}_stem")
    op.create_table(
        "search_entry",
        sa.Column("id", sa.String(length=80), nullable=False),
        sa.Column("type", sa.String(length=20), nullable=False),
        sa.Column("group_key", sa.Text(), nullable=False),
        sa.Column("lang", sa.String(length=8), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("created", sa.DateTime(), nullable=True),
        sa.Column("facets", TEXT_LIST, nullable=False),
        sa.Column("audience", TEXT_LIST, nullable=False),
        sa.Column("words", ANALYSED, nullable=False),
        sa.Column("digest", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_entry")),
    )
    op.create_index("ix_search_entry_audience", "search_entry", ["audience"], unique=False,
                    postgresql_using="gin")
    op.create_index("ix_search_entry_words", "search_entry", ["words"], unique=False, postgresql_using="gin")
    op.create_table(
        "search_word",
        sa.Column("word", sa.Text(), nullable=False),
        sa.Column("folded", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("word", name=op.f("pk_search_word")),
    )
    op.create_index("ix_search_word_folded", "search_word", ["folded"], unique=False, postgresql_using="gin",
                    postgresql_ops={"folded": "gin_trgm_ops"})


def downgrade():
    op.drop_index("ix_search_word_folded", table_name="search_word")
    op.drop_table("search_word")
    op.drop_index("ix_search_entry_words", table_name="search_entry")
    op.drop_index("ix_search_entry_audience", table_name="search_entry")
    op.drop_table("search_entry")
    if _postgresql():
        # The extensions stay: dropping them could break anything else of the database that uses them.
        for name, _language in CONFIGURATIONS:
            op.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {name}")

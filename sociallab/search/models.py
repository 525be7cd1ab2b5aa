"""The tables of the PostgreSQL search backend (SEARCH_BACKEND=postgres, sociallab/search/postgres.py).

One row per search document (search_entry) with its text analysed per language, and the words
people wrote (search_word), for "did you mean". On SQLite the same tables exist, with plain
column types, so that the schema the models describe is one on both databases; nothing uses them
there (search runs on Whoosh).

The text search configurations sociallab_fr, sociallab_en and sociallab_es (each language's
Snowball stemmer after unaccent) and the unaccent and pg_trgm extensions are created before the
tables on PostgreSQL, by the migration and, for databases built from the models (the tests'),
by the DDL attached below.
"""
from datetime import datetime

from sqlalchemy import JSON, DateTime, Index, String, Text, event, text
from sqlalchemy.dialects.postgresql import ARRAY, TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column

from sociallab.extensions import db

# A list of words: text[] on PostgreSQL (GIN-indexed where filtered on), JSON elsewhere.
TextList = JSON().with_variant(ARRAY(Text()), "postgresql")
# The analysed text: tsvector on PostgreSQL.
Analysed = Text().with_variant(TSVECTOR(), "postgresql")

# The language of an item → its text search configuration.
CONFIGURATIONS = {"fr": ("sociallab_fr", "french"), "en": ("sociallab_en", "english"),
                  "es": ("sociallab_es", "spanish")}

# Run before the tables are created on PostgreSQL (idempotent: the tests create the tables again
# on a database that keeps its configurations). The migration creates the same.
CONFIGURATION_SQL = """DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = '{name}'
                   AND cfgnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema())) THEN
        CREATE TEXT SEARCH CONFIGURATION {name} (COPY = {language});
        ALTER TEXT SEARCH CONFIGURATION {name}
            ALTER MAPPING FOR hword, hword_part, word WITH unaccent, {language}_stem;
    END IF;
END $$"""
SETUP_STATEMENTS = ["CREATE EXTENSION IF NOT EXISTS unaccent", "CREATE EXTENSION IF NOT EXISTS pg_trgm"] + [
    CONFIGURATION_SQL.format(name=name, language=language) for name, language in CONFIGURATIONS.values()]


class SearchEntry(db.Model):
    """One search document: what it says (analysed in its language), who may find it, its facets."""
    __tablename__ = "search_entry"
    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    type: Mapped[str] = mapped_column(String(20))
    # What a person would open: entries sharing a key are one result (grouping.py); its own id if none.
    group_key: Mapped[str] = mapped_column(Text)
    lang: Mapped[str] = mapped_column(String(8))
    title: Mapped[str] = mapped_column(Text)
    # The start of the text, quoted in snippets (the whole text is in `words`).
    body: Mapped[str] = mapped_column(Text)
    url: Mapped[str] = mapped_column(Text)
    created: Mapped[datetime | None] = mapped_column(DateTime)
    # "space=3", "type=resource", "lang=fr", "year=2025", "countries=sn", "themes=participation"…
    facets: Mapped[list] = mapped_column(TextList)
    # permissions.audience_tokens_for_item: found by whoever holds one of them.
    audience: Mapped[list] = mapped_column(TextList)
    words: Mapped[str] = mapped_column(Analysed)
    digest: Mapped[str] = mapped_column(String(40))

    __table_args__ = (
        Index("ix_search_entry_audience", "audience", postgresql_using="gin"),
        Index("ix_search_entry_words", "words", postgresql_using="gin"),
    )


class SearchWord(db.Model):
    """A word written somewhere (lower case, as written) and the same without accents, for the
    trigram look-up of near words. Suggestions are only ever made of words that readable items hold."""
    __tablename__ = "search_word"
    word: Mapped[str] = mapped_column(Text, primary_key=True)
    folded: Mapped[str] = mapped_column(Text)

    __table_args__ = (
        Index("ix_search_word_folded", "folded", postgresql_using="gin", postgresql_ops={"folded": "gin_trgm_ops"}),
    )


def _setup_text_search(target, connection, **kwargs):
    if connection.dialect.name == "postgresql":
        for statement in SETUP_STATEMENTS:
            connection.execute(text(statement))


event.listen(SearchEntry.__table__, "before_create", _setup_text_search)
event.listen(SearchWord.__table__, "before_create", _setup_text_search)


class SearchPending(db.Model):
    """A search document changed by a committed transaction and not yet written to the Whoosh
    index (which is written after the commit, outside the database): noted in the transaction
    itself, removed once the index holds the change. What a killed process leaves here is
    written by the next process (sociallab/search/pending.py). `token` names the transaction
    that noted it last, so a later change of the same document is never forgotten by mistake."""

    __tablename__ = "search_pending"

    search_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    token: Mapped[str] = mapped_column(String(32), nullable=False)
    noted_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)

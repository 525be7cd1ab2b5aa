""""In <country>" stored per country and language ("en Colombie", "au Sénégal", "à Madagascar");
the demo's national spaces that said "au Colombie" say it right

Revision ID: b7d2e9f4a1c3
Revises: d5e8a3c7b1f0
Create Date: 2026-12-07 10:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = "b7d2e9f4a1c3"
down_revision = "d5e8a3c7b1f0"
branch_labels = None
depends_on = None

# The demo countries (sociallab/demo PLACES_IN at the time of this migration): (fr, en, es).
PLACES_IN = {
    "bf": ("au Burkina Faso", "in Burkina Faso", "en Burkina Faso"),
    "ci": ("en Côte d'Ivoire", "in Côte d'Ivoire", "en Costa de Marfil"),
    "mg": ("à Madagascar", "in Madagascar", "en Madagascar"),
    "sn": ("au Sénégal", "in Senegal", "en Senegal"),
    "tg": ("au Togo", "in Togo", "en Togo"),
    "ma": ("au Maroc", "in Morocco", "en Marruecos"),
    "tn": ("en Tunisie", "in Tunisia", "en Túnez"),
    "co": ("en Colombie", "in Colombia", "en Colombia"),
    "cr": ("au Costa Rica", "in Costa Rica", "en Costa Rica"),
    "hn": ("au Honduras", "in Honduras", "en Honduras"),
    "pe": ("au Pérou", "in Peru", "en el Perú"),
}


def upgrade():
    with op.batch_alter_table("country", schema=None) as batch_op:
        for lang in ("fr", "en", "es"):
            batch_op.add_column(sa.Column(f"name_in_{lang}", sa.String(length=200), server_default="",
                                          nullable=False))
    bind = op.get_bind()
    country = sa.table("country", sa.column("id", sa.Integer), sa.column("iso2", sa.String),
                       sa.column("name_fr", sa.String), sa.column("name_in_fr", sa.String),
                       sa.column("name_in_en", sa.String), sa.column("name_in_es", sa.String))
    space = sa.table("space", sa.column("country_id", sa.Integer), sa.column("kind", sa.String),
                     sa.column("description_fr", sa.String), sa.column("description_es", sa.String))
    for row in bind.execute(sa.select(country.c.id, country.c.iso2, country.c.name_fr)).all():
        if row.iso2 not in PLACES_IN:
            continue
        fr, en, es = PLACES_IN[row.iso2]
        bind.execute(country.update().where(country.c.id == row.id).values(
            name_in_fr=fr, name_in_en=en, name_in_es=es))
        # Only the demo's own sentence is corrected; a description someone wrote is left as it is.
        bind.execute(space.update().where(
            space.c.country_id == row.id, space.c.kind == "national",
            space.c.description_fr == f"Les partenaires nationaux au {row.name_fr}.").values(
            description_fr=f"Les partenaires nationaux {fr}."))
        if row.iso2 == "pe":
            bind.execute(space.update().where(
                space.c.country_id == row.id, space.c.kind == "national",
                space.c.description_es == "Los socios nacionales en Perú.").values(
                description_es="Los socios nacionales en el Perú."))


def downgrade():
    with op.batch_alter_table("country", schema=None) as batch_op:
        for lang in ("es", "en", "fr"):
            batch_op.drop_column(f"name_in_{lang}")

"""The figures the programme reports, computed by SQL aggregation over what a person may read.

Only approved initiatives (published, featured or archived) count: their figures have been
reviewed by a moderator. People reached or trained add up, per indicator, the actual value of
its latest period: the indicators service keeps those sums per initiative (InitiativeFigure),
so each figure here is one aggregate query over one row per initiative. An initiative in several
countries counts in each of them, so the per-country rows may add up to more than the total.
"""
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from sociallab.extensions import db
from sociallab.initiatives import stages
from sociallab.initiatives.models import (
    Indicator,
    Initiative,
    InitiativeCoLead,
    InitiativeFigure,
    initiative_country,
    initiative_theme,
)
from sociallab.permissions import readable_initiatives_query
from sociallab.spaces.models import Country, Region, Space, Theme

BREAKDOWN = ("total", "girls", "boys", "women", "men", "unspecified", "children", "adults")


def percent(part, whole):
    """A whole percentage, rounded half up (61.5 → 62), or None when there is nothing to share."""
    if not whole:
        return None
    return int((Decimal(part) * 100 / Decimal(whole)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass
class People:
    """People counted by an indicator family, with their breakdown and shares of the total."""
    total: int = 0
    girls: int = 0
    boys: int = 0
    women: int = 0
    men: int = 0
    unspecified: int = 0
    children: int = 0
    adults: int = 0

    @property
    def age_unspecified(self):
        return max(0, self.total - self.children - self.adults)

    def share(self, cell):
        value = self.age_unspecified if cell == "age_unspecified" else getattr(self, cell)
        return percent(value, self.total)


@dataclass
class Row:
    key: object
    label: str
    initiatives: int = 0
    reached: int = 0
    children: int = 0

    @property
    def children_share(self):
        return percent(self.children, self.reached)


@dataclass
class Dashboard:
    initiatives: int = 0
    featured: int = 0
    partners: int = 0
    countries: int = 0
    by_stage: list = field(default_factory=list)
    reached: People = field(default_factory=People)
    trained: People = field(default_factory=People)
    by_country: list = field(default_factory=list)
    by_region: list = field(default_factory=list)
    by_theme: list = field(default_factory=list)


def scope_condition(space):
    """Initiatives a space's dashboard covers: its own, and for a region those of its countries."""
    if space is None or space.kind == Space.INTERNATIONAL:
        return db.true()
    if space.kind == Space.REGIONAL:
        covered = db.select(Space.id).outerjoin(Country, Country.id == Space.country_id).where(
            db.or_(Space.id == space.id, Country.region_id == space.region_id))
        return Initiative.space_id.in_(covered)
    return Initiative.space_id == space.id


def counted_ids(user, space=None):
    """The ids (as a subquery) of the initiatives the dashboard adds up for this person."""
    return (readable_initiatives_query(user)
            .where(Initiative.status.in_(Initiative.APPROVED), scope_condition(space))
            .with_only_columns(Initiative.id))


def _people_by_measure(ids):
    rows = db.session.execute(
        db.select(InitiativeFigure.measures, *[db.func.sum(getattr(InitiativeFigure, c)) for c in BREAKDOWN])
        .where(InitiativeFigure.initiative_id.in_(ids)).group_by(InitiativeFigure.measures)).all()
    found = {row[0]: People(*[int(v or 0) for v in row[1:]]) for row in rows}
    return found.get(Indicator.REACHED, People()), found.get(Indicator.TRAINED, People())


def _rows_by(pairs, ids):
    """Per key: initiatives, people reached and children among them, for (initiative_id, key) pairs."""
    pairs = pairs.where(pairs.selected_columns[0].in_(ids)).distinct().subquery()
    figure = InitiativeFigure
    result = db.session.execute(
        db.select(pairs.c.key, db.func.count(pairs.c.initiative_id),
                  db.func.coalesce(db.func.sum(figure.total), 0), db.func.coalesce(db.func.sum(figure.children), 0))
        .select_from(pairs).outerjoin(figure, db.and_(figure.initiative_id == pairs.c.initiative_id,
                                                     figure.measures == Indicator.REACHED))
        .group_by(pairs.c.key)).all()
    return {key: (int(n), int(people), int(children)) for key, n, people, children in result}


def _rows(figures, objects, label):
    rows = [Row(key=o, label=label(o), initiatives=figures[o.id][0], reached=figures[o.id][1],
                children=figures[o.id][2]) for o in objects if o.id in figures]
    return sorted(rows, key=lambda r: (-r.reached, -r.initiatives, r.label))


def dashboard(user, space=None):
    """Every figure of the dashboard, in a fixed number of aggregate queries."""
    ids = counted_ids(user, space)
    result = Dashboard()
    by_stage = {}
    for stage, count, featured in db.session.execute(
            db.select(Initiative.stage, db.func.count(Initiative.id),
                      db.func.sum(db.case((Initiative.featured.is_(True), 1), else_=0)))
            .where(Initiative.id.in_(ids)).group_by(Initiative.stage)):
        by_stage[stage] = int(count)
        result.featured += int(featured or 0)
    result.initiatives = sum(by_stage.values())
    result.by_stage = [(stage, stages.stage_label(stage), by_stage.get(stage, 0)) for stage in stages.STAGES]

    partners = db.union(
        db.select(Initiative.lead_organisation_id.label("organisation_id")).where(Initiative.id.in_(ids)),
        db.select(InitiativeCoLead.organisation_id).where(InitiativeCoLead.initiative_id.in_(ids))).subquery()
    result.partners = db.session.scalar(db.select(db.func.count(db.distinct(partners.c.organisation_id))))

    result.reached, result.trained = _people_by_measure(ids)

    by_country = _rows_by(db.select(initiative_country.c.initiative_id.label("initiative_id"),
                                    initiative_country.c.country_id.label("key")), ids)
    by_region = _rows_by(db.select(initiative_country.c.initiative_id.label("initiative_id"),
                                   Country.region_id.label("key"))
                         .join(Country, Country.id == initiative_country.c.country_id), ids)
    by_theme = _rows_by(db.select(initiative_theme.c.initiative_id.label("initiative_id"),
                                  initiative_theme.c.theme_id.label("key")), ids)
    result.countries = len(by_country)
    result.by_country = _rows(by_country, db.session.scalars(db.select(Country)).all(), lambda c: c.name)
    result.by_region = _rows(by_region, db.session.scalars(db.select(Region)).all(), lambda r: r.name)
    result.by_theme = _rows(by_theme, db.session.scalars(db.select(Theme)).all(), lambda t: t.label)
    return result

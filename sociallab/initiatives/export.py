"""CSV exports of initiatives and indicator values, limited to what the person may read.

UTF-8 with a byte-order mark (so spreadsheet software does not guess another encoding), a
header row, ISO 8601 dates, and cells that a spreadsheet would run as a formula neutralised.
"""
import csv
import io

from sqlalchemy.orm import selectinload

from sociallab.extensions import db
from sociallab.initiatives.models import (
    Indicator,
    IndicatorValue,
    Initiative,
    InitiativeCoLead,
)

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BATCH = 500

INITIATIVE_HEADER = ("id", "title", "space", "status", "stage", "featured", "lead_organisation",
                     "co_lead_organisations", "countries", "themes", "target_groups", "start_date", "end_date",
                     "language", "created_at", "last_activity_at", "summary")
VALUES_HEADER = ("initiative_id", "initiative_title", "indicator_id", "indicator", "unit", "counts",
                 "period", "breakdown", "baseline", "target", "actual")


def neutralise(value):
    """A cell as text; one starting like a formula gets a leading apostrophe."""
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def _csv_lines(header, rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    yield "\ufeff" + buffer.getvalue()
    for row in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([neutralise(v) for v in row])
        yield buffer.getvalue()


def _batched(query):
    """Rows of a big query in id-ordered batches, so memory stays flat whatever the size."""
    last = 0
    while True:
        batch = db.session.scalars(query.where(Initiative.id > last).order_by(Initiative.id).limit(BATCH)).all()
        if not batch:
            return
        yield from batch
        last = batch[-1].id


def initiatives_csv(query):
    """Lines of the initiatives CSV for a (readable, filtered) Initiative query."""
    query = query.options(selectinload(Initiative.space), selectinload(Initiative.lead_organisation),
                          selectinload(Initiative.co_leads).selectinload(InitiativeCoLead.organisation),
                          selectinload(Initiative.countries), selectinload(Initiative.themes))

    def rows():
        for i in _batched(query):
            yield (i.id, i.title, i.space.slug, i.status, i.stage, "yes" if i.featured else "no",
                   i.lead_organisation.name, "; ".join(c.organisation.name for c in i.co_leads),
                   "; ".join(c.iso2.upper() for c in i.countries), "; ".join(t.code for t in i.themes),
                   i.target_groups, i.start_date, i.end_date, i.lang,
                   i.created_at.replace(microsecond=0), i.last_activity_at.replace(microsecond=0), i.summary)
    return _csv_lines(INITIATIVE_HEADER, rows())


def values_csv(query):
    """Lines of the indicator-values CSV: initiative × indicator × period × breakdown."""
    ids = query.with_only_columns(Initiative.id)

    def rows():
        last = (0, 0)
        while True:
            # Key-set pagination over (indicator, period) keeps each batch one indexed query.
            keys = db.session.execute(
                db.select(IndicatorValue.indicator_id, IndicatorValue.period)
                .join(Indicator, Indicator.id == IndicatorValue.indicator_id)
                .where(Indicator.initiative_id.in_(ids),
                       db.tuple_(IndicatorValue.indicator_id, IndicatorValue.period) > db.tuple_(*last)
                       if last != (0, 0) else db.true())
                .group_by(IndicatorValue.indicator_id, IndicatorValue.period)
                .order_by(IndicatorValue.indicator_id, IndicatorValue.period).limit(BATCH)).all()
            if not keys:
                return
            first, final = keys[0], keys[-1]
            values = db.session.execute(
                db.select(IndicatorValue, Indicator, Initiative.title)
                .join(Indicator, Indicator.id == IndicatorValue.indicator_id)
                .join(Initiative, Initiative.id == Indicator.initiative_id)
                .where(Indicator.initiative_id.in_(ids),
                       db.tuple_(IndicatorValue.indicator_id, IndicatorValue.period) >= db.tuple_(*first),
                       db.tuple_(IndicatorValue.indicator_id, IndicatorValue.period) <= db.tuple_(*final))
                .order_by(IndicatorValue.indicator_id, IndicatorValue.period)).all()
            grouped = {}
            for value, indicator, title in values:
                grouped.setdefault((indicator.id, value.period), (indicator, title, {}))[2][value.kind] = value
            for (_id, period), (indicator, title, kinds) in grouped.items():
                for cell in IndicatorValue.CELLS:
                    cells = [getattr(kinds[k], cell) if k in kinds else None for k in IndicatorValue.KINDS]
                    if all(c is None for c in cells):
                        continue
                    yield (indicator.initiative_id, title, indicator.id, indicator.name, indicator.unit,
                           indicator.measures, period, cell, *cells)
            last = tuple(final)
    return _csv_lines(VALUES_HEADER, rows())

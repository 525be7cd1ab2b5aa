"""Indicators and their values: validating a breakdown cell by cell, and keeping the latest actual.

Saving an indicator or a period's values is one unit of work: the initiative's partners only
(checks.check_edit), the change, the figures the dashboards add up refreshed, the commit.
"""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from sociallab.audit.services import record
from sociallab.extensions import db
from sociallab.i18n import utcnow
from sociallab.initiatives.checks import InitiativeError, check_edit
from sociallab.initiatives.models import Indicator, IndicatorValue, InitiativeFigure

CELL_LABELS = {
    "total": _l("Total"), "girls": _l("Girls"), "boys": _l("Boys"), "women": _l("Women"), "men": _l("Men"),
    "unspecified": _l("Sex not specified"), "children": _l("Children"), "adults": _l("Adults"),
}
KIND_LABELS = {"baseline": _l("Baseline"), "target": _l("Target"), "actual": _l("Actual")}
MEASURE_LABELS = {"reached": _l("People reached"), "trained": _l("People trained"),
                  "other": _l("Other (not added to the roll-ups)")}
MAX_VALUE = 2_000_000_000  # fits a 32-bit integer column everywhere


class IndicatorError(InitiativeError):
    """A refused indicator: a choice outside the list (400), or a person who may not change it (403, 404)."""


def cell_name(kind, cell):
    """The form input name of one cell of the values grid."""
    return f"{kind}-{cell}"


def parse_grid(form):
    """Read the baseline/target/actual grid as typed.

    Returns (rows, errors): rows[kind] is a dict of cell → int or None (None when the whole row
    was left empty); errors maps an input name to the message shown beside that cell.
    """
    rows, errors = {}, {}
    for kind in IndicatorValue.KINDS:
        values = {}
        for cell in IndicatorValue.CELLS:
            name = cell_name(kind, cell)
            raw = (form.get(name) or "").strip().replace(" ", "").replace("\u202f", "").replace("\xa0", "")
            if raw == "":
                values[cell] = None
            elif not (raw.isascii() and raw.isdigit()):
                # str.isdigit() alone accepts "²" or "⁵", which int() refuses.
                errors[name] = _("Enter a whole number of 0 or more.")
                values[cell] = None
            elif len(raw.lstrip("0")) > len(str(MAX_VALUE)) or int(raw) > MAX_VALUE:
                errors[name] = _("This number is too large.")
                values[cell] = None
            else:
                values[cell] = int(raw)
        if all(v is None for v in values.values()) and not any(k.startswith(kind + "-") for k in errors):
            rows[kind] = None
            continue
        errors.update(check_breakdown(kind, values))
        rows[kind] = values
    return rows, errors


def check_breakdown(kind, values):
    """Errors of one row: the total is required, and the parts must add up to it."""
    errors = {}
    total = values["total"]
    if total is None:
        total = sum(values[c] or 0 for c in IndicatorValue.SEX_CELLS)
        if any(values[c] is not None for c in IndicatorValue.SEX_CELLS):
            # A breakdown without a total: the total is the sum of the parts, filled in for them.
            values["total"] = total
        else:
            errors[cell_name(kind, "total")] = _("Enter the total.")
            return errors
    sex_given = [c for c in IndicatorValue.SEX_CELLS if values[c] is not None]
    if sex_given:
        parts = sum(values[c] for c in sex_given)
        if parts != total:
            errors[cell_name(kind, "total")] = _(
                "Girls, boys, women, men and not specified add up to %(parts)s, not %(total)s.",
                parts=parts, total=total)
    children, adults = values["children"], values["adults"]
    if children is None and adults is None and sex_given:
        # Age groups follow from the sex cells when the sex of no one is unknown.
        values["children"] = (values["girls"] or 0) + (values["boys"] or 0)
        values["adults"] = (values["women"] or 0) + (values["men"] or 0)
        return errors
    minimum_children = (values["girls"] or 0) + (values["boys"] or 0)
    minimum_adults = (values["women"] or 0) + (values["men"] or 0)
    if children is not None and children < minimum_children:
        errors[cell_name(kind, "children")] = _(
            "Children cannot be fewer than girls and boys together (%(n)s).", n=minimum_children)
    if adults is not None and adults < minimum_adults:
        errors[cell_name(kind, "adults")] = _(
            "Adults cannot be fewer than women and men together (%(n)s).", n=minimum_adults)
    if (children or 0) + (adults or 0) > total:
        errors[cell_name(kind, "adults" if adults is not None else "children")] = _(
            "Children and adults add up to %(parts)s, more than the total %(total)s.",
            parts=(children or 0) + (adults or 0), total=total)
    return errors


def save_indicator(initiative, actor, name, unit, description, measures, indicator=None):
    """Add an indicator to the initiative, or change `indicator` (one of its own)."""
    check_edit(initiative, actor, IndicatorError)
    if indicator is not None and indicator.initiative_id != initiative.id:
        raise IndicatorError(_("This indicator belongs to another initiative."), status=404)
    if measures not in Indicator.MEASURES:
        raise IndicatorError(_("Choose what the indicator counts."), "measures")
    created = indicator is None
    if created:
        indicator = Indicator(initiative=initiative, position=len(initiative.indicators))
        db.session.add(indicator)
    indicator.name, indicator.unit = name.strip(), unit.strip()
    indicator.description, indicator.measures = description.strip(), measures
    initiative.last_activity_at = utcnow()
    db.session.flush()
    refresh_figures([initiative.id])
    record(actor, "indicator.create" if created else "indicator.edit", indicator,
           after={"name": indicator.name, "measures": measures, "initiative_id": initiative.id},
           space_id=initiative.space_id)
    db.session.commit()
    return indicator


def save_period(indicator, period, rows, actor):
    """Store a period's grid, or remove the period when every row was left empty.

    Returns True when values were stored, False when the period was removed.
    """
    if all(row is None for row in rows.values()):
        delete_period(indicator, period, actor)
        return False
    record_values(indicator, period, rows, actor)
    return True


def record_values(indicator, period, rows, actor):
    """Store the grid of one period (a row left empty removes that kind) and refresh `latest`."""
    check_edit(indicator.initiative, actor, IndicatorError)
    existing = {v.kind: v for v in db.session.scalars(db.select(IndicatorValue).where(
        IndicatorValue.indicator_id == indicator.id, IndicatorValue.period == period))}
    now = utcnow()
    for kind in IndicatorValue.KINDS:
        values, value = rows.get(kind), existing.get(kind)
        if values is None:
            if value is not None:
                db.session.delete(value)
            continue
        if value is None:
            value = IndicatorValue(indicator=indicator, period=period, kind=kind)
            db.session.add(value)
        for cell in IndicatorValue.CELLS:
            setattr(value, cell, values[cell])
        value.recorded_by_id, value.recorded_at = actor.id, now
    db.session.flush()
    refresh_latest(indicator)
    refresh_figures([indicator.initiative_id])
    indicator.initiative.last_activity_at = now
    record(actor, "indicator.values", indicator, after={
        "period": period.isoformat(),
        **{k: {c: v for c, v in r.items() if v is not None} for k, r in rows.items() if r}},
        space_id=indicator.initiative.space_id)
    db.session.commit()


def delete_period(indicator, period, actor):
    check_edit(indicator.initiative, actor, IndicatorError)
    db.session.execute(db.delete(IndicatorValue).where(IndicatorValue.indicator_id == indicator.id,
                                                       IndicatorValue.period == period))
    refresh_latest(indicator)
    refresh_figures([indicator.initiative_id])
    record(actor, "indicator.values_deleted", indicator, before={"period": period.isoformat()},
           space_id=indicator.initiative.space_id)
    db.session.commit()


def refresh_latest(indicator):
    """Flag the actual value of the most recent period (the one roll-ups add up)."""
    db.session.execute(db.update(IndicatorValue).where(IndicatorValue.indicator_id == indicator.id)
                       .values(latest=False))
    latest_period = db.session.scalar(db.select(db.func.max(IndicatorValue.period)).where(
        IndicatorValue.indicator_id == indicator.id, IndicatorValue.kind == IndicatorValue.ACTUAL))
    if latest_period is not None:
        db.session.execute(db.update(IndicatorValue).where(
            IndicatorValue.indicator_id == indicator.id, IndicatorValue.kind == IndicatorValue.ACTUAL,
            IndicatorValue.period == latest_period).values(latest=True))


def refresh_figures(initiative_ids=None):
    """Recompute InitiativeFigure by SQL for these initiatives (all when None)."""
    delete = db.delete(InitiativeFigure)
    source = (db.select(Indicator.initiative_id, Indicator.measures,
                        *[db.func.coalesce(db.func.sum(getattr(IndicatorValue, c)), 0) for c in InitiativeFigure.CELLS])
              .join(Indicator, Indicator.id == IndicatorValue.indicator_id)
              .where(IndicatorValue.latest.is_(True), Indicator.measures.in_((Indicator.REACHED, Indicator.TRAINED)))
              .group_by(Indicator.initiative_id, Indicator.measures))
    if initiative_ids is not None:
        delete = delete.where(InitiativeFigure.initiative_id.in_(initiative_ids))
        source = source.where(Indicator.initiative_id.in_(initiative_ids))
    db.session.execute(delete)
    db.session.execute(db.insert(InitiativeFigure).from_select(("initiative_id", "measures") + InitiativeFigure.CELLS,
                                                               source))


def typed_cells(indicator, period):
    """The values grid of one period as the form shows it: input name → stored number."""
    existing = {v.kind: v for v in indicator.values if v.period == period}
    return {cell_name(kind, cell): getattr(value, cell) for kind, value in existing.items()
            for cell in IndicatorValue.CELLS if getattr(value, cell) is not None}


def periods(indicator):
    """The indicator's values grouped by period: [(period, {kind: value})], oldest first."""
    grouped = {}
    for value in indicator.values:
        grouped.setdefault(value.period, {})[value.kind] = value
    return sorted(grouped.items())

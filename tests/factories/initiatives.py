"""Factories for initiatives: made through the services, then put in a status as curation would."""
from dataclasses import replace
from datetime import date

from sociallab.extensions import db
from sociallab.i18n import utcnow
from sociallab.initiatives import indicators as indicator_service
from sociallab.initiatives import services
from sociallab.initiatives.models import IndicatorValue, Initiative
from sociallab.spaces.models import Theme


def theme(code):
    return db.session.scalar(db.select(Theme).where(Theme.code == code))


def make_initiative(world, space=None, author=None, lead=None, co_leads=(), title="Child-friendly hearing room",
                    status=Initiative.DRAFT, stage="idea", featured=False, countries=(), themes=(), lang="fr",
                    summary="A room where children are heard by trained staff."):
    """An initiative created by the services, then put in `status` as curation would have."""
    author = author or world.member
    data = services.InitiativeData(
        title=title, summary=summary, problem="Children heard in police stations.", approach="A pilot room.",
        target_groups="Children in contact with the law", lang=lang,
        lead_organisation=lead or author.effective_organisation(), co_leads=list(co_leads),
        themes=[theme(code) for code in themes], countries=list(countries), stage=stage,
        start_date=date(2025, 1, 1), end_date=None)
    initiative = services.create_initiative(space or world.sn_space, author, data)
    now = utcnow()
    if status != Initiative.DRAFT:
        initiative.submitted_at = now
    if status in (Initiative.PUBLISHED, Initiative.ARCHIVED):
        initiative.published_at = now
    initiative.status = status
    initiative.featured = featured
    if featured:
        initiative.featured_at = now
    db.session.commit()
    return initiative


def grid(**rows):
    """A values grid as parse_grid returns it: grid(actual=dict(total=10, girls=4, boys=6))."""
    result = {}
    for kind in IndicatorValue.KINDS:
        cells = rows.get(kind)
        if cells is None:
            result[kind] = None
            continue
        values = {c: cells.get(c) for c in IndicatorValue.CELLS}
        errors = indicator_service.check_breakdown(kind, values)
        assert not errors, errors
        result[kind] = values
    return result


def add_values(indicator, period, actor, **rows):
    indicator_service.record_values(indicator, period, grid(**rows), actor)
    db.session.commit()


def add_indicator(initiative, actor, name="Children heard", measures="reached"):
    indicator = indicator_service.save_indicator(initiative, actor, name, "people", "", measures)
    db.session.commit()
    return indicator


def same_data(initiative, **changes):
    """The initiative's fields as the edit form would send them back, with `changes`."""
    data = services.InitiativeData(
        title=initiative.title, summary=initiative.summary, problem=initiative.problem,
        approach=initiative.approach, target_groups=initiative.target_groups, lang=initiative.lang,
        lead_organisation=initiative.lead_organisation, co_leads=[c.organisation for c in initiative.co_leads],
        themes=list(initiative.themes), countries=list(initiative.countries),
        start_date=initiative.start_date, end_date=initiative.end_date)
    return replace(data, **changes)


def initiative_form(world, **changes):
    """The fields of the new-initiative form, filled in for the Senegal space, with `changes`."""
    data = {"space": str(world.sn_space.id), "title": "Salle d'audition adaptée",
            "summary": "Une salle où les enfants sont entendus.", "problem": "", "approach": "",
            "lead_organisation": str(world.sn_org.id), "themes": [str(theme("child-friendly-justice").id)],
            "target_groups": "Enfants victimes", "stage": "pilot", "start_date": "2025-03-01", "end_date": "",
            "lang": "fr"}
    data.update(changes)
    return data

"""What the search page shows: filters read from the URL, facet labels and their links."""
from dataclasses import dataclass, field
from datetime import date

from flask import url_for
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict

from sociallab.extensions import db
from sociallab.i18n import LANGUAGE_NAMES
from sociallab.spaces.models import Country, Space, Theme

TYPE_LABELS = {
    "thread": _l("Discussion"),
    "initiative": _l("Initiative"),
    "journal": _l("Journal entry"),
    "resource": _l("Resource"),
    "minutes": _l("Workshop minutes"),
}
FACET_TITLES = {
    "type": _l("Type"),
    "space": _l("Space"),
    "countries": _l("Country"),
    "themes": _l("Theme"),
    "lang": _l("Language"),
    "year": _l("Year"),
}
# Facet name → URL parameter.
PARAMS = {"space": "space", "countries": "country", "themes": "theme", "type": "type", "lang": "lang",
          "year": "year"}
MAX_VALUES = 20


def _date(value):
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def parse_filters(args):
    """Facet choices and the date range from the query string (unknown values are harmless)."""
    filters = {param: [v[:64] for v in args.getlist(param) if v][:MAX_VALUES] for param in PARAMS.values()}
    filters["from"], filters["to"] = _date(args.get("from")), _date(args.get("to"))
    return filters


@dataclass
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool
    url: str


@dataclass
class SearchView:
    facets: list = field(default_factory=list)  # [(title, param, [FacetOption])]
    spaces: dict = field(default_factory=dict)
    type_labels: dict = field(default_factory=dict)
    date_from: date | None = None
    date_to: date | None = None
    active: bool = False
    page_url: object = None


def _labels(results):
    """Localised names of the spaces, countries and themes the results mention (3 queries)."""
    values = {name: {v for v, _count in results.facets.get(name, [])} for name in ("space", "countries", "themes")}
    for hit in results.hits:
        if hit.space_id:
            values["space"].add(str(hit.space_id))
    space_ids = [int(v) for v in values["space"] if v.isdigit()]
    spaces = {str(s.id): s for s in db.session.scalars(db.select(Space).where(Space.id.in_(space_ids)))} \
        if space_ids else {}
    countries = {c.iso2: c.name for c in db.session.scalars(
        db.select(Country).where(Country.iso2.in_(values["countries"])))} if values["countries"] else {}
    themes = {t.code: t.label for t in db.session.scalars(
        db.select(Theme).where(Theme.code.in_(values["themes"])))} if values["themes"] else {}
    return spaces, countries, themes


def describe(results, filters, args):
    spaces, countries, themes = _labels(results)
    label_for = {
        "space": lambda v: spaces[v].name if v in spaces else v,
        "countries": lambda v: countries.get(v, v.upper()),
        "themes": lambda v: themes.get(v, v),
        "type": lambda v: str(TYPE_LABELS.get(v, v)),
        "lang": lambda v: LANGUAGE_NAMES.get(v, v),
        "year": lambda v: v,
    }
    base = MultiDict(args)
    base.pop("page", None)

    def toggle(param, value):
        chosen = MultiDict(base)
        current = chosen.getlist(param)
        chosen.setlist(param, [v for v in current if v != value] if value in current else current + [value])
        return url_for("search.search", **chosen.to_dict(flat=False))

    view = SearchView(spaces=spaces, type_labels=TYPE_LABELS, date_from=filters.get("from"),
                      date_to=filters.get("to"))
    for name in ("type", "space", "countries", "themes", "lang", "year"):
        param = PARAMS[name]
        selected = set(filters.get(param) or ())
        options = [FacetOption(value, label_for[name](value), count, value in selected, toggle(param, value))
                   for value, count in results.facets.get(name, [])]
        if name == "year":
            options.sort(key=lambda o: o.value, reverse=True)
        if options:
            view.facets.append((FACET_TITLES[name], param, options))
        view.active = view.active or bool(selected)
    view.active = view.active or bool(view.date_from or view.date_to)

    def page_url(number):
        return url_for("search.search", page=number, **base.to_dict(flat=False))
    view.page_url = page_url
    return view

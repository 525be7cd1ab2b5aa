"""Create and edit initiatives, keep their journal, and find them (lists with filters).

Each change is one unit of work: its check (checks.py: may the acting person do it, then the
initiative's own rules), the change, the commit. Nothing is written when a check refuses.
"""
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy.orm import joinedload, selectinload

from sociallab.audit.services import record
from sociallab.extensions import db
from sociallab.forums.discussions import follow_owner
from sociallab.i18n import utcnow
from sociallab.initiatives import stages
from sociallab.initiatives.checks import InitiativeError, check_create, check_edit, check_move, check_review_queue
from sociallab.initiatives.models import (
    Initiative,
    InitiativeCoLead,
    JournalEntry,
    StageChange,
    initiative_country,
    initiative_theme,
)
from sociallab.notifications.services import follow_item
from sociallab.permissions import (
    can_create_initiative,
    can_read_initiative,
    is_admin,
    moderated_space_ids,
    readable_initiatives_query,
    unheld,
)
from sociallab.resends import written_once
from sociallab.spaces.models import Country, Organisation, Space, Theme
from sociallab.spaces.services import spaces_for

PAGE_SIZE = 20
AUDITED_FIELDS = ("title", "summary", "problem", "approach", "target_groups", "start_date", "end_date",
                  "lang", "space_id", "lead_organisation_id")


@dataclass
class InitiativeData:
    """What the create and edit forms collect."""
    title: str
    summary: str
    problem: str
    approach: str
    target_groups: str
    lang: str
    lead_organisation: Organisation
    co_leads: list = field(default_factory=list)
    themes: list = field(default_factory=list)
    countries: list = field(default_factory=list)
    start_date: date | None = None
    end_date: date | None = None
    stage: str = stages.IDEA


def initiative_data(lead_organisation_id, co_lead_ids=(), theme_ids=(), country_ids=(), **fields):
    """InitiativeData from the ids a form posts, their organisations, themes and countries loaded."""
    def by_id(model, ids):
        return db.session.scalars(db.select(model).where(model.id.in_(ids or []))).all()

    return InitiativeData(lead_organisation=db.session.get(Organisation, lead_organisation_id),
                          co_leads=by_id(Organisation, co_lead_ids), themes=by_id(Theme, theme_ids),
                          countries=by_id(Country, country_ids), **fields)


# --- which space an initiative belongs in ---------------------------------------------------

def involved_countries(data):
    """The countries chosen plus those of every partner organisation, without duplicates."""
    countries = {c.id: c for c in data.countries}
    for organisation in [data.lead_organisation, *data.co_leads]:
        countries.setdefault(organisation.country_id, organisation.country)
    return sorted(countries.values(), key=lambda c: c.iso2)


def space_covers(space, countries):
    if space.kind == Space.INTERNATIONAL:
        return True
    if space.kind == Space.REGIONAL:
        return all(c.region_id == space.region_id for c in countries)
    return all(c.id == space.country_id for c in countries)


def covering_space(countries):
    """The narrowest space that covers every country: national, regional, else international."""
    if len({c.id for c in countries}) == 1:
        kind, condition = Space.NATIONAL, Space.country_id == countries[0].id
    elif len({c.region_id for c in countries}) == 1:
        kind, condition = Space.REGIONAL, Space.region_id == countries[0].region_id
    else:
        kind, condition = Space.INTERNATIONAL, db.true()
    return db.session.scalar(db.select(Space).where(Space.kind == kind, condition, Space.archived.is_(False))
                             .order_by(Space.id).limit(1))


def check_initiative(space, data, actor):
    """Refuse what cannot be saved, naming the field; the messages are for the form."""
    if not data.title.strip():
        raise InitiativeError(_("Give the initiative a title."), "title")
    if data.lead_organisation in data.co_leads:
        raise InitiativeError(_("The lead organisation cannot also be a co-lead."), "co_leads")
    organisation = actor.effective_organisation()
    partners = [data.lead_organisation, *data.co_leads]
    if not is_admin(actor) and (organisation is None or organisation not in partners):
        raise InitiativeError(_("Your organisation (%(name)s) must be the lead or a co-lead.",
                                name=organisation.name if organisation else "—"), "lead_organisation")
    if data.start_date and data.end_date and data.end_date < data.start_date:
        raise InitiativeError(_("The end date comes before the start date."), "end_date")
    countries = involved_countries(data)
    if not space_covers(space, countries):
        suggested = covering_space(countries)
        raise InitiativeError(_(
            "The partners and countries of this initiative (%(countries)s) are not all in %(space)s. "
            "It belongs in the space that covers them all: %(suggested)s.",
            countries=", ".join(c.name for c in countries), space=space.name,
            suggested=suggested.name if suggested else "—"), "space")


def creatable_spaces(user, current=None):
    """The spaces the form offers: where the person may start an initiative, and its current one."""
    spaces = [s for s in spaces_for(user) if can_create_initiative(s, user)]
    if current is not None and current not in spaces:
        spaces.insert(0, current)
    return spaces


def _apply(initiative, data):
    initiative.title = data.title.strip()
    initiative.summary = data.summary.strip()
    initiative.problem = data.problem.strip()
    initiative.approach = data.approach.strip()
    initiative.target_groups = data.target_groups.strip()
    initiative.lang = data.lang
    initiative.start_date = data.start_date
    initiative.end_date = data.end_date
    initiative.lead_organisation = data.lead_organisation
    wanted = {o.id for o in data.co_leads}
    initiative.co_leads = [c for c in initiative.co_leads if c.organisation_id in wanted]
    have = {c.organisation_id for c in initiative.co_leads}
    initiative.co_leads += [InitiativeCoLead(organisation=o) for o in data.co_leads if o.id not in have]
    initiative.themes = list(data.themes)
    initiative.countries = involved_countries(data)


def _add_author(initiative, user):
    if user not in initiative.authors:
        initiative.authors.append(user)


def create_initiative(space, actor, data):
    """A new draft in `space`, at the stage the authors say it has reached."""
    check_create(space, actor)
    check_initiative(space, data, actor)
    if data.stage not in stages.STAGES:
        raise InitiativeError(_("Choose a stage from the list."), "stage")
    now = utcnow()
    initiative = Initiative(space=space, stage=data.stage, status=Initiative.DRAFT, created_by_id=actor.id,
                            created_at=now, updated_at=now, last_activity_at=now)
    _apply(initiative, data)
    _add_author(initiative, actor)
    db.session.add(initiative)
    initiative.stage_changes.append(StageChange(from_stage=None, to_stage=data.stage, actor_id=actor.id,
                                                comment="", created_at=now))
    db.session.flush()
    record(actor, "initiative.create", initiative, after={"title": initiative.title, "stage": data.stage},
           space_id=space.id)
    db.session.commit()
    return initiative


def update_initiative(initiative, actor, data, space=None):
    """Save an edit (possibly moving it to another space that covers its partners)."""
    space = space or initiative.space
    check_edit(initiative, actor)
    check_move(initiative, space, actor)
    check_initiative(space, data, actor)
    before = {f: str(getattr(initiative, f)) for f in AUDITED_FIELDS}
    initiative.journal  # noqa: B018  loaded now, so search re-indexes the entries (space, partners)
    audience_before = (initiative.space_id, frozenset(initiative.organisation_ids))
    initiative.space = space
    _apply(initiative, data)
    _add_author(initiative, actor)
    initiative.updated_at = initiative.last_activity_at = utcnow()
    db.session.flush()
    _carry_along(initiative, audience_changed=audience_before != (space.id, frozenset(initiative.organisation_ids)))
    after = {f: str(getattr(initiative, f)) for f in AUDITED_FIELDS}
    changed = [f for f in AUDITED_FIELDS if before[f] != after[f]]
    record(actor, "initiative.edit", initiative, before={f: before[f] for f in changed},
           after={f: after[f] for f in changed}, space_id=space.id)
    db.session.commit()
    return initiative


def _carry_along(initiative, audience_changed):
    """What hangs from the initiative follows it, in the same transaction as the edit.

    Its discussion is a forums thread read by its space's readers: it moves with the initiative
    (and takes its title), so a comment is never readable where the initiative is not. The
    journal is re-indexed through initiative_dependents (initiatives/search.py); indicators and
    figures are read through the initiative's own rule. When the space or the partners change, notifications
    linking to the initiative are withdrawn from people who may no longer read it.
    """
    if initiative.thread is not None:
        follow_owner(initiative.thread, initiative.space, initiative.title)
    if audience_changed:
        follow_item(initiative.path, initiative.space, lambda person: can_read_initiative(initiative, person))


# --- journal --------------------------------------------------------------------------------

def add_journal_entry(initiative, author, entry_date, tried, observed, adjusted, lang, submission=None):
    """What was tried, observed and adjusted on a day; the author joins the initiative's authors.
    A form sent again (the same `submission` key, date and texts) gives the entry it wrote the first time."""
    check_edit(initiative, author)
    texts = {"tried": tried.strip(), "observed": observed.strip(), "adjusted": adjusted.strip()}
    if not any(texts.values()):
        raise InitiativeError(_("Write at least what was tried, observed or adjusted."), "tried")

    def write(key):
        entry = JournalEntry(initiative=initiative, author_id=author.id, entry_date=entry_date, lang=lang,
                             submission_id=key or None, **texts)
        db.session.add(entry)
        db.session.flush()
        return entry

    entry, written = written_once(
        submission, lambda: _submitted_entry(initiative, author, submission, entry_date, texts), write)
    if not written:
        return entry
    _add_author(initiative, author)
    initiative.last_activity_at = utcnow()
    db.session.commit()
    return entry


def _submitted_entry(initiative, author, submission, entry_date, texts):
    """The entry `author` wrote from the form with the key `submission`, if this is that form sent
    again: the same initiative, date and texts. Else None (no key, or a different entry: a page
    restored by the back button and rewritten, say, which is then written without the key)."""
    if not submission:
        return None
    entry = db.session.scalar(db.select(JournalEntry).where(JournalEntry.author_id == author.id,
                                                            JournalEntry.submission_id == submission))
    if entry is None or entry.initiative_id != initiative.id or entry.entry_date != entry_date \
            or any(getattr(entry, name) != text for name, text in texts.items()):
        return None
    return entry


def visible_journal(initiative, user):
    """The initiative's journal as the person may read it: an entry held as sensitive is shown to
    its author and the space's moderators only (permissions.unheld)."""
    return db.session.scalars(db.select(JournalEntry).join(Initiative, Initiative.id == JournalEntry.initiative_id)
                              .where(JournalEntry.initiative_id == initiative.id,
                                     unheld(JournalEntry, Initiative.space_id, user))
                              .options(joinedload(JournalEntry.author))
                              .order_by(JournalEntry.entry_date.desc(), JournalEntry.id.desc())).all()


# --- finding initiatives --------------------------------------------------------------------

SORTS = {
    "activity": (Initiative.last_activity_at.desc(), Initiative.id.desc()),
    "title": (Initiative.title, Initiative.id),
}


@dataclass
class Filters:
    """The list's filters, read from the query string; unknown values are ignored."""
    space: str = ""
    country: str = ""
    theme: str = ""
    stage: str = ""
    featured: bool = False
    lang: str = ""
    sort: str = "activity"

    NAMES = ("space", "country", "theme", "stage", "featured", "lang", "sort")

    @classmethod
    def from_args(cls, args):
        return cls(space=args.get("space", "")[:64], country=args.get("country", "")[:2].lower(),
                   theme=args.get("theme", "")[:64],
                   stage=args.get("stage", "") if args.get("stage") in stages.STAGES else "",
                   featured=args.get("featured") == "1",
                   lang=args.get("lang", "") if args.get("lang") in ("fr", "en", "es") else "",
                   sort=args.get("sort") if args.get("sort") in SORTS else "activity")

    def args(self, **changes):
        """The query-string arguments with some changed (None or "" removes one)."""
        values = {n: getattr(self, n) for n in self.NAMES}
        values.update(changes)
        values["featured"] = "1" if values["featured"] else ""
        if values["sort"] == "activity":
            values["sort"] = ""
        return {k: v for k, v in values.items() if v}

    @property
    def active(self):
        return bool(self.space or self.country or self.theme or self.stage or self.featured or self.lang)


def filtered_query(user, filters):
    """Readable initiatives narrowed by the filters (shared by the list and the CSV exports)."""
    query = readable_initiatives_query(user)
    if filters.space:
        query = query.join(Space, Space.id == Initiative.space_id).where(Space.slug == filters.space)
    if filters.country:
        query = query.where(Initiative.id.in_(
            db.select(initiative_country.c.initiative_id).join(Country, Country.id == initiative_country.c.country_id)
            .where(Country.iso2 == filters.country)))
    if filters.theme:
        query = query.where(Initiative.id.in_(
            db.select(initiative_theme.c.initiative_id).join(Theme, Theme.id == initiative_theme.c.theme_id)
            .where(Theme.code == filters.theme)))
    if filters.stage:
        query = query.where(Initiative.stage == filters.stage)
    if filters.featured:
        query = query.where(Initiative.featured.is_(True), Initiative.status == Initiative.PUBLISHED)
    if filters.lang:
        query = query.where(Initiative.lang == filters.lang)
    return query


# Many-to-one relations ride along in the main query; collections come in one query each.
LIST_OPTIONS = (joinedload(Initiative.space), joinedload(Initiative.lead_organisation),
                selectinload(Initiative.themes), selectinload(Initiative.countries),
                selectinload(Initiative.co_leads).selectinload(InitiativeCoLead.organisation))


@dataclass
class Page:
    items: list
    total: int
    page: int
    pages: int


def list_initiatives(user, filters, page=1):
    query = filtered_query(user, filters)
    total = db.session.scalar(db.select(db.func.count()).select_from(query.with_only_columns(Initiative.id).subquery()))
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    items = db.session.scalars(query.options(*LIST_OPTIONS).order_by(*SORTS[filters.sort])
                               .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    return Page(items=items, total=total, page=page, pages=pages)


def good_practices(user):
    query = readable_initiatives_query(user).where(Initiative.featured.is_(True),
                                                   Initiative.status == Initiative.PUBLISHED)
    return db.session.scalars(query.options(*LIST_OPTIONS).order_by(Initiative.featured_at.desc())).all()


def review_queue(user):
    """Initiatives waiting for this moderator in the spaces they curate, oldest submission first."""
    check_review_queue(user)
    return db.session.scalars(db.select(Initiative).where(
        Initiative.status == Initiative.SUBMITTED, Initiative.space_id.in_(moderated_space_ids(user)))
        .options(*LIST_OPTIONS).order_by(Initiative.submitted_at)).all()


def international_space():
    """The space every signed-in person reads, where good practices are discussed."""
    return db.session.scalar(db.select(Space).where(Space.kind == Space.INTERNATIONAL))


def recent_in_space(user, space, limit=5):
    query = readable_initiatives_query(user).where(Initiative.space_id == space.id)
    return db.session.scalars(query.options(selectinload(Initiative.lead_organisation))
                              .order_by(Initiative.last_activity_at.desc()).limit(limit)).all()


def filter_choices():
    """Countries and themes for the filter links, in the reader's language order."""
    countries = db.session.scalars(db.select(Country).order_by(Country.iso2)).all()
    themes = db.session.scalars(db.select(Theme).where(Theme.active.is_(True)).order_by(Theme.code)).all()
    return sorted(countries, key=lambda c: c.name), sorted(themes, key=lambda t: t.label)


def organisations_by_country():
    organisations = db.session.scalars(db.select(Organisation).where(Organisation.active.is_(True))
                                       .options(selectinload(Organisation.country))).all()
    return sorted(organisations, key=lambda o: (o.country.name, o.name))

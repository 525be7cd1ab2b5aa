"""A space's library: the resources a person may read, narrowed by type, theme and language."""
from dataclasses import dataclass, field

from sqlalchemy.orm import selectinload

from sociallab import permissions
from sociallab.extensions import db
from sociallab.knowledge.models import Attachment, Resource, resource_theme
from sociallab.spaces.models import Theme

PAGE_SIZE = 20


@dataclass
class LibraryPage:
    resources: list
    total: int
    page: int
    pages: int
    type: str | None = None
    theme: str | None = None
    lang: str | None = None
    themes: list = field(default_factory=list)
    translations: dict = field(default_factory=dict)  # translation group → [(lang, resource id)]
    type_counts: dict = field(default_factory=dict)


def library_page(space, user, type=None, theme=None, lang=None, page=1):
    """One page of the library, newest first, with counts per type and linked translations."""
    readable = permissions.readable_resources_query(space, user)
    query = readable
    if type in Resource.TYPES:
        query = query.where(Resource.type == type)
    else:
        type = None
    if theme:
        query = query.where(Resource.id.in_(
            db.select(resource_theme.c.resource_id).join(Theme, Theme.id == resource_theme.c.theme_id)
            .where(Theme.code == theme)))
    if lang in ("fr", "en", "es"):
        query = query.where(Resource.lang == lang)
    else:
        lang = None
    total = db.session.scalar(db.select(db.func.count()).select_from(query.subquery()))
    pages = max(1, (total + PAGE_SIZE - 1) // PAGE_SIZE)
    page = min(max(1, page), pages)
    resources = list(db.session.scalars(
        query.options(selectinload(Resource.themes), selectinload(Resource.author),
                      selectinload(Resource.attachments).selectinload(Attachment.versions))
        .order_by(Resource.created_at.desc(), Resource.id.desc())
        .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)))
    # Other language versions of the listed resources, in one query, only those one may read.
    groups = {r.translation_group for r in resources}
    translations = {}
    if groups:
        others = readable.where(Resource.translation_group.in_(groups)).with_only_columns(
            Resource.translation_group, Resource.lang, Resource.id)
        for group, code, rid in db.session.execute(others.order_by(Resource.lang)):
            translations.setdefault(group, []).append((code, rid))
    type_counts = dict(db.session.execute(
        readable.with_only_columns(Resource.type, db.func.count()).group_by(Resource.type)).all())
    themes = list(db.session.scalars(db.select(Theme).where(Theme.active.is_(True)).order_by(Theme.id)))
    return LibraryPage(resources=resources, total=total, page=page, pages=pages, type=type, theme=theme,
                       lang=lang, themes=themes, translations=translations, type_counts=type_counts)

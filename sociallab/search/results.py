"""What a search answers: SearchResults and its hits, with highlighted titles and snippets."""
from dataclasses import dataclass, field
from datetime import datetime

from markupsafe import Markup, escape
from whoosh.highlight import (
    ContextFragmenter,
    Highlighter,
    HtmlFormatter,
    WholeFragmenter,
)

from sociallab.search.schema import LANGUAGES

# Whoosh's HtmlFormatter escapes the text around the marks it adds.
SNIPPETS = Highlighter(fragmenter=ContextFragmenter(maxchars=220, surround=60),
                       formatter=HtmlFormatter(tagname="mark", between=" … "))
TITLES = Highlighter(fragmenter=WholeFragmenter(), formatter=HtmlFormatter(tagname="mark"))
# Characters of an item's text quoted when no searched word could be marked in it.
PLAIN_SNIPPET_CHARS = 220


@dataclass
class Hit:
    """One result: a thing a person would open. `id` is the document that matched best (a thread's
    reply: "post:7"), `group` the page it opens ("/forums/threads/3"; its own id if it has none)."""
    id: str
    type: str
    title: Markup
    url: str
    space_id: int | None
    lang: str
    created_at: datetime | None
    snippet: Markup
    countries: list = field(default_factory=list)
    themes: list = field(default_factory=list)
    group: str = ""


@dataclass
class SearchResults:
    text: str = ""
    hits: list = field(default_factory=list)
    total: int = 0
    page: int = 1
    pages: int = 0
    facets: dict = field(default_factory=dict)  # facet name → [(value, count)], most first
    suggestion: str | None = None
    error: str | None = None

    @property
    def has_next(self):
        return self.page < self.pages


def to_hit(whoosh_hit, group=""):
    """A Hit with the searched words marked in its title and snippet (taken from its stored text);
    `group` is the thing it stands for (the page it opens)."""
    fields = whoosh_hit.fields()
    lang = fields.get("lang") or ""
    stored_body = fields.get("stored_body") or ""
    title = fields.get("stored_title") or ""
    snippet = ""
    languages = [lang] if lang in LANGUAGES else list(LANGUAGES)
    for fieldname in (f"body_{code}" for code in languages):
        snippet = SNIPPETS.highlight_hit(whoosh_hit, fieldname, text=stored_body, top=2)
        if snippet:
            break
    if not snippet:
        snippet = escape(stored_body[:PLAIN_SNIPPET_CHARS] + ("…" if len(stored_body) > PLAIN_SNIPPET_CHARS else ""))
    highlighted_title = ""
    for fieldname in (f"body_{code}" for code in languages):
        highlighted_title = TITLES.highlight_hit(whoosh_hit, fieldname, text=title, top=1) if title else ""
        if highlighted_title:
            break
    if highlighted_title:
        title = Markup(highlighted_title)  # noqa: S704 # nosec B704 # HtmlFormatter escapes all but its <mark>
    space = fields.get("space")
    return Hit(
        id=fields["id"],
        type=fields.get("type") or "",
        title=escape(title),  # a highlighted title is Markup already, which escape leaves as it is
        url=fields.get("url") or "",
        space_id=int(space) if space and space.isdigit() else None,
        lang=lang,
        created_at=fields.get("created"),
        snippet=Markup(snippet),  # noqa: S704 # nosec B704 # HtmlFormatter escapes all but its <mark>
        countries=[c for c in (fields.get("countries") or "").split(",") if c],
        themes=[t for t in (fields.get("themes") or "").split(",") if t],
        group=group or fields["id"],
    )

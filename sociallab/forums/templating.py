"""What forum templates need beyond the view's context: discussion helpers (registered by forums.init_app)."""
from types import SimpleNamespace

from babel.dates import get_datetime_format, parse_pattern
from babel.support import Translations
from flask import current_app, get_template_attribute, request, url_for
from flask_babel import get_locale, get_timezone
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup, escape
from wtforms.i18n import messages_path

from sociallab.forums import reading, services
from sociallab.forums.forms import PostForm
from sociallab.i18n import as_utc


def discussion_context(thread):
    """Posts, forms and read state for `forums/_discussion.html` (a thread shown on another page)."""
    posts = services.thread_posts(thread)
    # Counted as this reader sees it: hidden posts for moderators and authors, deleted for nobody.
    count = len(reading.unread_candidates(thread, posts, current_user))
    return {"posts": posts, "count": count, "form": reply_form(posts, request.args.get("quote", type=int))}


_WTFORMS_CATALOGS = {}


def _wtforms_messages():
    """WTForms' own messages for the reader's locale, read from disk once per process rather than
    on every request that shows a form (Flask-WTF keeps them on the request, where it looks first)."""
    locale = get_locale()
    key = str(locale)
    if key not in _WTFORMS_CATALOGS:
        _WTFORMS_CATALOGS[key] = Translations.load(messages_path(), [locale], domain="wtforms")
    request.wtforms_translations = _WTFORMS_CATALOGS[key]


def reply_form(posts, quote_id=None):
    """An empty reply form in the reader's language, starting with a quote when asked."""
    if getattr(request, "wtforms_translations", None) is None:
        _wtforms_messages()
    form = PostForm(formdata=None)
    form.lang.data = current_user.language if current_user.is_authenticated else "fr"
    quoted = next((p for p in posts if p.id == quote_id and p.is_public), None) if quote_id else None
    if quoted is not None:
        form.body.data = services.quote_text(quoted)
        form.quote.data = str(quoted.id)
    return form


_REPLY_FIELDS = {}


def reply_fields(form):
    """The reply form's fields (the quoted post, the message, its language) as HTML. An empty form
    is the same for everyone who reads in one language and writes in another: it is rendered once
    per process for each pair; a form with a quote or errors is rendered every time."""
    pristine = not form.body.data and not form.quote.data and not form.errors
    key = (str(get_locale()), form.lang.data) if pristine else None
    if key in _REPLY_FIELDS:
        return _REPLY_FIELDS[key]
    field = get_template_attribute("_macros/form.html", "field")
    html = Markup("\n  ").join((form.quote(), field(form.body, help=form.body.description), field(form.lang)))
    if key is not None:
        _REPLY_FIELDS[key] = html
    return html


_CLOCK_PATTERNS = {}


def post_clock():
    """Format post times in the reader's zone and locale ("short", as babel's format_datetime does),
    with the locale's patterns looked up once per process rather than once per post: clock(value)
    is the whole <time> element, its machine-readable UTC time and the local one."""
    locale, zone = get_locale(), get_timezone()
    key = str(locale)
    if key not in _CLOCK_PATTERNS:
        _CLOCK_PATTERNS[key] = (get_datetime_format("short", locale=locale).replace("'", ""),
                                parse_pattern(locale.date_formats["short"]),
                                parse_pattern(locale.time_formats["short"]))
    combined, date_pattern, time_pattern = _CLOCK_PATTERNS[key]

    def clock(value):
        moment = as_utc(value).astimezone(zone)
        text = combined.replace("{0}", time_pattern.apply(moment, locale)) \
            .replace("{1}", date_pattern.apply(moment.date(), locale))
        # An ISO time is digits and punctuation; the localised text is escaped.
        return Markup(f'<time datetime="{value.isoformat()}Z">{escape(text)}</time>')  # noqa: S704 # nosec B704
    return clock


_LABELS = {}


def post_labels():
    """The posts' action names, translated once per language and process (a hundred posts would
    look each up again), and the reader's time zone."""
    key = str(get_locale())
    if key not in _LABELS:
        _LABELS[key] = {
            "quote": _("Quote"), "edit": _("Edit"), "delete": _("Delete"), "flag": _("Flag"),
            "history": _("History"), "hide": _("Hide"), "show": _("Show again"), "edited": _("edited"),
            "redact": _("Remove identifying details")}
    # Attributes, not a dict: a template's label.quote on a dict first fails as an attribute.
    return SimpleNamespace(**_LABELS[key], zone=str(get_timezone()))


_ID = 987654321
_PATHS = {}


def post_paths():
    """The addresses of a post's actions as (before the id, after it): built once per process (and
    mount point) rather than by url_for for each post and action."""
    key = request.script_root
    if key not in _PATHS:
        def around(endpoint, **values):
            before, _sep, after = url_for(endpoint, **values).partition(str(_ID))
            return before, after
        _PATHS[key] = SimpleNamespace(
            edit=around("forums.edit_post", post_id=_ID), delete=around("forums.delete_post", post_id=_ID),
            flag=around("forums.flag_post", post_id=_ID), history=around("forums.post_history", post_id=_ID),
            hide=around("forums.hide_post", post_id=_ID), go=around("forums.go_to_post", post_id=_ID),
            redact=around("safeguarding.redact", type_name="post", item_id=_ID))
    return _PATHS[key]


# Rendered posts, by everything that shows in them: a thread read by many people is rendered once
# per language, time zone and set of actions, then copied. As the key holds every value the
# template reads (the stored HTML itself, the author's name, the dates and states), a change to
# any of them is a new key: nothing is ever stale, and nothing needs clearing when a post changes.
# Bounded: emptied when it holds POST_ITEMS_KEPT posts (a dict's get, set and clear are safe
# between a worker's threads).
_POST_ITEMS = {}
POST_ITEMS_KEPT = 4000


class PostItems:
    """`item(post, can)`: the <li> of one post for this reader (forums/_post.html), with what the
    list around the posts needs from the same context (zone, quote_base, path)."""

    def __init__(self, thread):
        self.locale, self.zone = str(get_locale()), str(get_timezone())
        self.quote_base = url_for("forums.thread", thread_id=thread.id) if thread.category_id \
            else thread.return_url
        self.path, self.script_root = post_paths(), request.script_root
        self.thread_held = bool(thread.sensitive)
        self._context = None

    def all(self, posts, actions, first_unread=None):
        """The <li> of every post this reader may see, in order, with the "new since your last
        visit" mark before the first unread one: one call from the template rather than one per post."""
        items = []
        for post in posts:
            can = actions[post.id]
            if not can:
                continue
            if first_unread and post.id == first_unread:
                items.append(Markup('<li class="unread-mark" id="unread">%s</li>') % _("New since your last visit"))
            items.append(self(post, can))
        return Markup("\n").join(items)

    def __call__(self, post, can):
        author = post.author
        held = self.thread_held or bool(post.sensitive)
        key = (self.locale, self.zone, self.quote_base, self.script_root, post.id, author.name if author else None,
               post.created_at, post.edited_at, post.hidden_at is not None, post.deleted_at is not None,
               held, post.lang, post.html, can)
        html = _POST_ITEMS.get(key)
        if html is None:
            html = Markup(self._render(post, can, held))  # noqa: S704 # nosec B704 # autoescaped template
            if len(_POST_ITEMS) >= POST_ITEMS_KEPT:
                _POST_ITEMS.clear()
            _POST_ITEMS[key] = html
        return html

    def _render(self, post, can, held):
        if self._context is None:
            self._context = {"label": post_labels(), "clock": post_clock(), "path": self.path,
                             "quote_base": self.quote_base}
        template = current_app.jinja_env.get_template("forums/_post.html")
        return template.render(self._context, post=post, can=can, held=held)


def init_app(app):
    for helper in (discussion_context, post_clock, post_labels, post_paths, reply_fields):
        app.add_template_global(helper)
    app.add_template_global(PostItems, "post_items")
    app.add_template_global(services.categories_of, "forum_categories")
    app.add_template_global(services.latest_threads, "forum_latest_threads")

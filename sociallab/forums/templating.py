"""What forum templates need beyond the view's context: discussion helpers (registered by forums.init_app)."""
from babel.dates import format_datetime
from flask import request
from flask_babel import get_locale, get_timezone
from flask_babel import gettext as _
from flask_login import current_user

from sociallab.forums import reading, services
from sociallab.forums.forms import PostForm
from sociallab.i18n import as_utc


def discussion_context(thread):
    """Posts, forms and read state for `forums/_discussion.html` (a thread shown on another page)."""
    posts = services.thread_posts(thread)
    # Counted as this reader sees it: hidden posts for moderators and authors, deleted for nobody.
    count = len(reading.unread_candidates(thread, posts, current_user))
    return {"posts": posts, "count": count, "form": reply_form(posts, request.args.get("quote", type=int))}


def reply_form(posts, quote_id=None):
    """An empty reply form in the reader's language, starting with a quote when asked."""
    form = PostForm(formdata=None)
    form.lang.data = current_user.language if current_user.is_authenticated else "fr"
    quoted = next((p for p in posts if p.id == quote_id and p.is_public), None) if quote_id else None
    if quoted is not None:
        form.body.data = services.quote_text(quoted)
        form.quote.data = str(quoted.id)
    return form


def post_clock():
    """Format post times in the reader's zone and locale, both resolved once for a whole list."""
    locale, zone = get_locale(), get_timezone()

    def clock(value):
        return format_datetime(as_utc(value), "short", tzinfo=zone, locale=locale)
    return clock


def post_labels():
    """The posts' action names, translated once per list (a hundred posts would look each up again)."""
    return {"quote": _("Quote"), "edit": _("Edit"), "delete": _("Delete"), "flag": _("Flag"),
            "history": _("History"), "hide": _("Hide"), "show": _("Show again"), "edited": _("edited"),
            "zone": str(get_timezone())}


def init_app(app):
    for helper in (discussion_context, post_clock, post_labels):
        app.add_template_global(helper)
    app.add_template_global(services.categories_of, "forum_categories")
    app.add_template_global(services.latest_threads, "forum_latest_threads")

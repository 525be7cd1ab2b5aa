"""The site's header (templates/_site_header.html), rendered once per language and state and then
copied: every page shows it, and building it (a dozen addresses, twenty labels) cost a thread page
about a tenth of its time.

What the header shows is decided here, as a small key: the reader's language, which place of the
menu is the current page or section, the two badge counts and whether the administration and
review links show. A page with the same key gets the same HTML, except the sign-out form's CSRF
token, which is the session's own and is put in at each request. The search page shows the words
searched for in the header's search box: it is rendered every time.
"""
from flask import current_app, request, url_for
from flask_babel import get_locale
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from sociallab import permissions

# The menu's places: endpoint, and when it is the current section (aria-current="true") rather
# than the current page ("page", when the address is the one shown).
PLACES = (
    ("spaces.my_spaces", lambda: request.blueprint in ("spaces", "forums")),
    ("initiatives.index", lambda: request.blueprint == "initiatives"
     and request.endpoint not in ("initiatives.good_practices", "initiatives.dashboard")),
    ("initiatives.good_practices", None),
    ("initiatives.dashboard", None),
    ("workshops.upcoming", lambda: request.blueprint == "workshops"),
    ("knowledge.all_libraries", lambda: request.blueprint == "knowledge"),
    ("notifications.index", None),
    ("safeguarding.queue", None),
    ("accounts.profile", lambda: request.blueprint == "privacy" and not request.path.startswith("/admin")),
    ("admin.index", lambda: request.path.startswith("/admin")),
    ("spaces.index", None), ("search.search", None), ("accounts.logout", None),
)
# Stands for the CSRF token in a kept header (a token is letters, digits, "-", "_" and ".").
TOKEN_MARK = "\x00csrf-token\x00"  # noqa: S105 # nosec B105 # a placeholder, not a secret
HEADERS_KEPT = 2000


class Navigation:
    """What _site_header.html reads: the places' addresses, the current one and the current section."""

    def __init__(self, urls, page, sections):
        self.urls, self.page, self.sections = urls, page, sections

    def __getitem__(self, endpoint):
        return self.urls[endpoint]


def _urls(app):
    """The addresses of the places this application has, built once per mount point."""
    built = app.extensions.setdefault("sociallab_nav_urls", {})
    root = request.script_root
    if root not in built:
        built[root] = {endpoint: url_for(endpoint) for endpoint, _rule in PLACES if endpoint in app.view_functions}
    return built[root]


def _render(app, **context):
    """The header template alone (render_template would run every context processor again)."""
    return app.jinja_env.get_template("_site_header.html").render(context)


def site_header(unread, held):
    """The <header> of every page for this reader, `unread` notifications and `held` items
    waiting for their review."""
    app = current_app._get_current_object()
    signed_in = permissions.is_signed_in()
    urls = _urls(app)
    page = next((endpoint for endpoint, url in urls.items() if url == request.path), None)
    sections = frozenset(endpoint for endpoint, rule in PLACES
                         if rule is not None and endpoint in urls and rule())
    navigation = Navigation(urls, page, sections)
    context = {"nav": navigation, "unread": unread, "held": held, "signed_in": signed_in,
               "administrator": signed_in and permissions.is_admin(),
               "reviewer": signed_in and "safeguarding.queue" in urls and permissions.can_review_sensitive()}
    context["held"] = held if context["reviewer"] else 0
    if request.endpoint == "search.search":
        html = _render(app, csrf=generate_csrf(), searched=request.args.get("q", ""), **context)
        return Markup(html)  # noqa: S704 # nosec B704 # our own template, autoescaped
    key = (str(get_locale()), request.script_root, page, sections, unread, held, signed_in,
           context["administrator"], context["reviewer"])
    kept = app.extensions.setdefault("sociallab_headers", {})
    html = kept.get(key)
    if html is None:
        html = _render(app, csrf=TOKEN_MARK, searched="", **context)
        if len(kept) >= HEADERS_KEPT:
            kept.clear()
        kept[key] = html
    if not signed_in:
        return Markup(html)  # noqa: S704 # nosec B704 # our own template, autoescaped
    return Markup(html.replace(TOKEN_MARK, generate_csrf()))  # noqa: S704 # nosec B704 # same, and a token

"""Markdown to safe HTML: markdown-it renders, nh3 sanitises against an allowlist."""
import hashlib
import threading
from collections import OrderedDict
from urllib.parse import urlparse

import nh3
from flask import current_app, has_app_context
from markdown_it import MarkdownIt
from markupsafe import Markup

EXTERNAL_REL = "nofollow noopener"

ALLOWED_TAGS = {
    "p", "br", "hr", "a", "em", "strong", "del", "s", "code", "pre", "blockquote",
    "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6",
    "table", "thead", "tbody", "tr", "th", "td", "span",
}
ALLOWED_ATTRIBUTES = {
    # rel is written by _link_open below only: markdown-it escapes any HTML in the source.
    "a": {"href", "title", "rel"},
    "th": {"align", "style"},
    "td": {"align", "style"},
    "ol": {"start"},
    "span": {"class"},
    "code": {"class"},
}
URL_SCHEMES = {"http", "https", "mailto"}


def _link_open(renderer, tokens, index, options, env):
    """A link to another host gets rel="nofollow noopener"; one on this site (relative, or on the
    host of SITE_URL) is left as written."""
    token = tokens[index]
    host = urlparse(token.attrGet("href") or "").netloc.lower()
    if host and host != env.get("local_host"):
        token.attrSet("rel", EXTERNAL_REL)
    return renderer.renderToken(tokens, index, options, env)


_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}) \
    .enable("table").enable("strikethrough")
_md.add_render_rule("link_open", _link_open)


def _rel_allowed(tag, attribute, value):
    """Only the rel this module writes survives sanitising."""
    if attribute == "rel":
        return value if tag == "a" and value == EXTERNAL_REL else None
    return value


def sanitize_html(html):
    """Clean HTML against the allowlist."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=None,
        strip_comments=True,
        filter_style_properties={"text-align"},
        attribute_filter=_rel_allowed,
    )


def _site_host():
    """This site's host (and port) from SITE_URL, never from the request, which the sender chooses."""
    if not has_app_context():
        return None
    return urlparse(current_app.config.get("SITE_URL") or "").netloc.lower() or None


# markdown-it is linear, but slow on some texts (about 40 µs a character for runs of "!["), so a
# long text shown on every visit of its page is rendered once per process: a 100,000-character
# body would otherwise cost seconds of CPU at each view. Bounded by the characters kept.
CACHE_FROM_CHARS = 2_000
CACHE_MAX_CHARS = 4_000_000
_rendered = OrderedDict()
_rendered_chars = 0
_rendered_lock = threading.Lock()


def _render(text, local_host):
    return sanitize_html(_md.render(text, {"local_host": local_host}))


def _render_cached(text, local_host):
    global _rendered_chars
    key = (hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest(), local_host)
    with _rendered_lock:
        html = _rendered.get(key)
        if html is not None:
            _rendered.move_to_end(key)
            return html
    html = _render(text, local_host)
    with _rendered_lock:
        if key not in _rendered:
            _rendered[key] = html
            _rendered_chars += len(html)
            while _rendered_chars > CACHE_MAX_CHARS and _rendered:
                _key, dropped = _rendered.popitem(last=False)
                _rendered_chars -= len(dropped)
    return html


def render_markdown(text):
    """Markdown source to sanitised HTML, ready for a template; links leaving this site are nofollow."""
    text = text or ""
    local_host = _site_host()
    html = _render_cached(text, local_host) if len(text) >= CACHE_FROM_CHARS else _render(text, local_host)
    return Markup(html)  # noqa: S704 # nosec B704 # sanitised by nh3 (_render)

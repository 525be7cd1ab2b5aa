"""Markdown to safe HTML: markdown-it renders, nh3 sanitises against an allowlist."""
import hashlib
import threading
from collections import OrderedDict
from urllib.parse import urlparse

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table").enable("strikethrough")

ALLOWED_TAGS = {
    "p", "br", "hr", "a", "em", "strong", "del", "s", "code", "pre", "blockquote",
    "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6",
    "table", "thead", "tbody", "tr", "th", "td", "span",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "th": {"align", "style"},
    "td": {"align", "style"},
    "ol": {"start"},
    "span": {"class"},
    "code": {"class"},
}
URL_SCHEMES = {"http", "https", "mailto"}


def sanitize_html(html, local_host=None):
    """Clean HTML; links to other hosts get rel="nofollow noopener"."""
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=None,
        strip_comments=True,
        filter_style_properties={"text-align"},
    )
    return _add_rel_to_external_links(cleaned, local_host)


def _add_rel_to_external_links(html, local_host):
    # nh3 has already reduced <a> to href/title, so a plain scan of the tag is safe here.
    out, pos = [], 0
    while True:
        start = html.find("<a ", pos)
        if start < 0:
            out.append(html[pos:])
            return "".join(out)
        end = html.find(">", start)
        tag = html[start:end]
        out.append(html[pos:start])
        href_at = tag.find('href="')
        href = tag[href_at + 6: tag.find('"', href_at + 6)] if href_at >= 0 else ""
        host = urlparse(href).netloc
        if host and host != local_host:
            tag += ' rel="nofollow noopener"'
        out.append(tag)
        pos = end


# markdown-it is linear, but slow on some texts (about 40 µs a character for runs of "!["), so a
# long text shown on every visit of its page is rendered once per process: a 100,000-character
# body would otherwise cost seconds of CPU at each view. Bounded by the characters kept.
CACHE_FROM_CHARS = 2_000
CACHE_MAX_CHARS = 4_000_000
_rendered = OrderedDict()
_rendered_chars = 0
_rendered_lock = threading.Lock()


def _render(text, local_host):
    return sanitize_html(_md.render(text), local_host)


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


def render_markdown(text, local_host=None):
    """Markdown source to sanitised HTML, ready for a template."""
    text = text or ""
    html = _render_cached(text, local_host) if len(text) >= CACHE_FROM_CHARS else _render(text, local_host)
    return Markup(html)  # nosec B704 # sanitised by nh3 (_render)

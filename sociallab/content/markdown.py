"""Markdown to safe HTML: markdown-it renders, nh3 sanitises against an allowlist."""
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


def render_markdown(text, local_host=None):
    """Markdown source to sanitised HTML, ready for a template."""
    return Markup(sanitize_html(_md.render(text or ""), local_host))

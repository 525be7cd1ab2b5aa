"""Find the @handles a text mentions, ignoring code and e-mail addresses."""
import re

# Handles are lowercase letters, digits and inner dots (see accounts.services.unique_handle).
_MENTION = re.compile(r"(?<![\w@./])@([A-Za-z0-9](?:[A-Za-z0-9.]*[A-Za-z0-9])?)")
_FENCED = re.compile(r"^(```|~~~).*?^\1", re.MULTILINE | re.DOTALL)
_INDENTED = re.compile(r"^(?: {4}|\t).*$", re.MULTILINE)
_INLINE_CODE = re.compile(r"(`+)(?:(?!\1).)+?\1", re.DOTALL)
_QUOTE = re.compile(r"^\s*>.*$", re.MULTILINE)

MAX_MENTIONS = 20


def extract_mentions(text, limit=MAX_MENTIONS, include_quotes=False):
    """The distinct handles mentioned in Markdown `text`, lowercased, in order of appearance.

    Mentions inside code and inside quoted passages (a quote repeats someone else's words, so it
    must not notify again; `include_quotes` keeps them, for highlighting) are ignored; at most
    `limit` handles are returned.
    """
    text = _FENCED.sub("", text or "")
    text = _INDENTED.sub("", text)
    text = _INLINE_CODE.sub("", text)
    if not include_quotes:
        text = _QUOTE.sub("", text)
    handles = []
    for match in _MENTION.finditer(text):
        handle = match.group(1).lower()
        if handle not in handles:
            handles.append(handle)
            if len(handles) >= limit:
                break
    return handles


_TAG = re.compile(r"(<[^>]*>)")
_VERBATIM = {"code", "pre", "a"}


def highlight_mentions(html, handles):
    """Wrap each @handle of `handles` (lowercase) in <span class="mention"> in sanitised HTML.

    Only text outside code and links is touched; the handle characters need no escaping.
    """
    if not handles:
        return html
    out, verbatim = [], 0
    for part in _TAG.split(html):
        if part.startswith("<"):
            name = part[1:].lstrip("/").split(" ", 1)[0].rstrip(">/").lower()
            if name in _VERBATIM:
                verbatim += -1 if part.startswith("</") else 1
            out.append(part)
        elif verbatim > 0 or "@" not in part:
            out.append(part)
        else:
            out.append(_MENTION.sub(
                lambda m: f'<span class="mention">{m.group(0)}</span>' if m.group(1).lower() in handles
                else m.group(0), part))
    return "".join(out)

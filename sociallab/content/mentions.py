"""Find the @handles a text mentions, ignoring code and e-mail addresses."""
import re
from bisect import bisect_right

# These patterns run on whatever people write, so none may backtrack more than linearly
# (tests/security/test_regex_linear.py).
# Handles are lowercase letters, digits and inner dots (see accounts.services.unique_handle).
_MENTION = re.compile(r"(?<![\w@./])@([A-Za-z0-9](?:[A-Za-z0-9.]*[A-Za-z0-9])?)")
_FENCED = re.compile(r"^(```|~~~).*?^\1", re.MULTILINE | re.DOTALL)
_INDENTED = re.compile(r"^(?: {4}|\t).*$", re.MULTILINE)
_BACKTICKS = re.compile(r"`+")
# Blanks before ">" stay on the quote's own line: "\s*" also took newlines, and rescanned every
# following blank line from each line start.
_QUOTE = re.compile(r"^[^\S\n]*>.*$", re.MULTILINE)

MAX_MENTIONS = 20


def extract_mentions(text, limit=MAX_MENTIONS, include_quotes=False):
    """The distinct handles mentioned in Markdown `text`, lowercased, in order of appearance.

    Mentions inside code and inside quoted passages (a quote repeats someone else's words, so it
    must not notify again; `include_quotes` keeps them, for highlighting) are ignored; at most
    `limit` handles are returned.
    """
    text = _FENCED.sub("", text or "")
    text = _INDENTED.sub("", text)
    text = _without_code_spans(text)
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


def _without_code_spans(text):
    """`text` without its inline code spans: a run of backticks up to the next run of as many.

    A scanner rather than a pattern with a backreference: that pattern rescanned the rest of the
    text from every backtick of an unclosed run (1,000 backticks took 18 s of CPU).
    """
    runs = [match.span() for match in _BACKTICKS.finditer(text)]
    runs_of_length = {}
    for index, (start, end) in enumerate(runs):
        runs_of_length.setdefault(end - start, []).append(index)
    kept, copied_to, index = [], 0, 0
    while index < len(runs):
        start, end = runs[index]
        same = runs_of_length[end - start]
        after = bisect_right(same, index)
        if after == len(same):  # never closed: the backticks are plain text
            index += 1
            continue
        closing = same[after]
        kept.append(text[copied_to:start])
        copied_to = runs[closing][1]
        index = closing + 1
    kept.append(text[copied_to:])
    return "".join(kept)


# Sanitised HTML escapes "<" and ">" inside text and attribute values, so a tag holds neither.
_TAG = re.compile(r"(<[^<>]*>)")
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

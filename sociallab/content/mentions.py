"""Find the @handles a text mentions, ignoring code and e-mail addresses."""
import re

# Handles are lowercase letters, digits and inner dots (see accounts.services.unique_handle).
_MENTION = re.compile(r"(?<![\w@./])@([A-Za-z0-9](?:[A-Za-z0-9.]*[A-Za-z0-9])?)")
_FENCED = re.compile(r"^(```|~~~).*?^\1", re.MULTILINE | re.DOTALL)
_INDENTED = re.compile(r"^(?: {4}|\t).*$", re.MULTILINE)
_INLINE_CODE = re.compile(r"(`+)(?:(?!\1).)+?\1", re.DOTALL)
_QUOTE = re.compile(r"^\s*>.*$", re.MULTILINE)

MAX_MENTIONS = 20


def extract_mentions(text, limit=MAX_MENTIONS):
    """The distinct handles mentioned in Markdown `text`, lowercased, in order of appearance.

    Mentions inside code and inside quoted passages (a quote repeats someone else's words, so it
    must not notify again) are ignored; at most `limit` handles are returned.
    """
    text = _FENCED.sub("", text or "")
    text = _INDENTED.sub("", text)
    text = _INLINE_CODE.sub("", text)
    text = _QUOTE.sub("", text)
    handles = []
    for match in _MENTION.finditer(text):
        handle = match.group(1).lower()
        if handle not in handles:
            handles.append(handle)
            if len(handles) >= limit:
                break
    return handles

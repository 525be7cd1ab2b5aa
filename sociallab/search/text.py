"""Markdown source to the plain text that search indexes and quotes in snippets."""
import html
import re

# Every pattern here runs on whatever people write, so none may backtrack more than linearly
# (tests/security/test_regex_linear.py). Link text stops at the next bracket and the address at
# the next unpaired parenthesis (one level of pairs, as in "wiki/Justice_(droit)"): "[^\]]*"
# alone rescanned the rest of the text from every "[" (50,000 "[" took 16 s of CPU).
_LINK = re.compile(r"!?\[([^\[\]]*)\]\((?:[^()]|\([^()]*\))*\)")
_TAG = re.compile(r"<[^<>]{0,200}>")
_MARKUP = re.compile(r"(^|\s)[#>*+\-|]+(?=\s)|[*_`~|]{1,3}", re.MULTILINE)
_SPACES = re.compile(r"[ \t]+")


def _kept_space(match):
    return match.group(1)


def plain_text(source, limit=None):
    """Text a reader would see, without Markdown marks or HTML tags; cut at `limit` characters.

    A regular expression, not a Markdown renderer: it runs on every indexed item (tens of
    thousands at a reindex) and a search snippet does not need exact rendering.
    """
    text = source or ""
    if limit is not None:
        text = text[: limit * 2]
    text = _LINK.sub(r"\1", text)
    text = _TAG.sub(" ", text)
    # A function, not the template r"\1": Python expands a template at every match, which costs
    # 2.6 times as much on text made of marks (" -" repeated: 85 ms instead of 33 per 100,000).
    text = _MARKUP.sub(_kept_space, text)
    text = html.unescape(_SPACES.sub(" ", text)).strip()
    return text[:limit] if limit is not None else text

"""Where a `next` parameter may send someone: only to a page of this site."""
import unicodedata
from urllib.parse import urlsplit


def local_path(target):
    """`target` if it can only be read as a path on this site, else None.

    Decided on the parsed URL, refusing first what browsers read differently from Python:
    they drop tabs and newlines ("/\\t/evil.example" opens //evil.example), take a backslash for
    a slash, and a header with a newline would fail the response. Any control, space, invisible
    or compatibility character ("／" for "/") is therefore refused rather than cleaned up.
    """
    if not isinstance(target, str) or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or unicodedata.normalize("NFKC", target) != target:
        return None
    if any(unicodedata.category(char)[0] in "CZ" for char in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    return target

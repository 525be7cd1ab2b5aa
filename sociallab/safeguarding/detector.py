"""What in a text could identify a child, and the same text with those passages removed.

`check(text, language)` returns findings: a character span, a kind and the reason shown to the
author. `redact(text, findings, language)` replaces each span with the placeholder of the text's
language. Checking runs the rules of every language (a French post quotes a Spanish report),
whatever the interface language.
"""
import re
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

PLACEHOLDERS = {"fr": "[retiré]", "en": "[removed]", "es": "[retirado]"}

REASONS = {
    "name_age": _l("a name next to an age"),
    "phone": _l("a phone number"),
    "address": _l("a street address"),
    "email": _l("an e-mail address"),
}

# Enough to show the author what to look at again; a text full of numbers need not list them all.
MAX_FINDINGS_PER_KIND = 20


@dataclass(frozen=True)
class Finding:
    start: int
    end: int
    kind: str

    @property
    def reason(self):
        return REASONS.get(self.kind, self.kind)

    def excerpt(self, text):
        return text[self.start:self.end]

    def as_dict(self):
        return {"start": self.start, "end": self.end, "kind": self.kind}

    @classmethod
    def from_dict(cls, data):
        return cls(int(data["start"]), int(data["end"]), str(data["kind"]))


_AGE = r"(\d{1,2})\s*(?:ans|an|años|año|years?\s*old|yo|-year-old)"
_NAME = r"[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ]{2,}"
_PATTERNS = [
    ("name_age", re.compile(rf"\b{_NAME}(?:\s+{_NAME})?\s*(?:[,(]\s*)?(?:âgée?\s+de\s+|de\s+|aged\s+|age\s+)?{_AGE}\b")),
    ("phone", re.compile(r"(?<!\d)(?:\+\d{1,3}[\s.-]?)?(?:\(?\d{2,4}\)?[\s.-]?){2,4}\d{2,4}(?!\d)")),
    ("address", re.compile(
        r"\b\d{1,4}[,\s]+(?:rue|avenue|av\.|boulevard|bd|calle|carrera|avenida|street|st\.|road|rd\.)\s+\w+",
        re.IGNORECASE)),
    ("email", re.compile(r"(?<![\w.+-])[.+-]*(?P<excerpt>\w[\w.+-]*@[\w-]+\.[\w.-]+\b)")),
]


def check(text, language=None):
    """The passages of `text` that may identify a child, in order, none overlapping another."""
    text = text or ""
    found = []
    for kind, pattern in _PATTERNS:
        count = 0
        for match in pattern.finditer(text):
            group = "excerpt" if "excerpt" in pattern.groupindex else 0
            start, end = match.span(group)
            if kind == "phone" and sum(c.isdigit() for c in text[start:end]) < 8:
                continue
            found.append(Finding(start, end, kind))
            count += 1
            if count == MAX_FINDINGS_PER_KIND:
                break
    return _without_overlaps(found)


def _without_overlaps(findings):
    kept = []
    for finding in sorted(findings, key=lambda f: (f.start, -f.end)):
        if kept and finding.start < kept[-1].end:
            if finding.end > kept[-1].end:
                kept[-1] = Finding(kept[-1].start, finding.end, kept[-1].kind)
            continue
        kept.append(finding)
    return kept


def placeholder(language):
    return PLACEHOLDERS.get(language, PLACEHOLDERS["en"])


def redact(text, findings, language=None):
    """`text` with each finding's span replaced by the placeholder of `language`."""
    text = text or ""
    mark = placeholder(language)
    pieces, position = [], 0
    for finding in _without_overlaps(findings):
        if finding.start < position or finding.end > len(text):
            continue
        pieces.append(text[position:finding.start])
        pieces.append(mark)
        position = finding.end
    pieces.append(text[position:])
    return "".join(pieces)

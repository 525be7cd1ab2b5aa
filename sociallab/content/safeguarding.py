"""Warn an author when a text looks like it identifies a child.

Heuristics only: they flag what a careful reader would look at twice (a capitalised name next
to an age, phone numbers, street addresses, e-mail addresses) so the author can redact before
publishing. They never block on their own.
"""
import re

from flask_babel import lazy_gettext as _l

# These patterns run on whatever people write, so none may backtrack more than linearly
# (tests/security/test_regex_linear.py): two blank runs side by side ("\s*[,(]?\s*") share a
# long blank run in quadratically many ways, and an e-mail's first part, tried from every
# boundary inside a long "a.a.a…" run, rescans the rest of the run from each.
_AGE = r"(\d{1,2})\s*(?:ans|an|años|año|years?\s*old|yo|-year-old)"
_NAME = r"[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ]{2,}"
# Enough to show the author what to look at again; a text full of numbers need not list them all.
MAX_FINDINGS_PER_KIND = 20
PATTERNS = [
    ("name_age", re.compile(rf"\b{_NAME}(?:\s+{_NAME})?\s*(?:[,(]\s*)?(?:âgée?\s+de\s+|de\s+|aged\s+|age\s+)?{_AGE}\b"),
     _l("a name next to an age")),
    ("phone", re.compile(r"(?<!\d)(?:\+\d{1,3}[\s.-]?)?(?:\(?\d{2,4}\)?[\s.-]?){2,4}\d{2,4}(?!\d)"),
     _l("a phone number")),
    ("address", re.compile(
        r"\b\d{1,4}[,\s]+(?:rue|avenue|av\.|boulevard|bd|calle|carrera|avenida|street|st\.|road|rd\.)\s+\w+",
        re.IGNORECASE), _l("a street address")),
    # Tried only where a run of address characters starts; the excerpt starts at its first letter.
    ("email", re.compile(r"(?<![\w.+-])[.+-]*(?P<excerpt>\w[\w.+-]*@[\w-]+\.[\w.-]+\b)"),
     _l("an e-mail address")),
]


def find_identifying_details(text):
    """A list of (kind, label, excerpt) for each passage that may identify a child."""
    findings = []
    for kind, pattern, label in PATTERNS:
        found = 0
        for match in pattern.finditer(text or ""):
            excerpt = match.group("excerpt" if "excerpt" in pattern.groupindex else 0).strip()
            if kind == "phone" and sum(c.isdigit() for c in excerpt) < 8:
                continue
            findings.append((kind, label, excerpt))
            found += 1
            if found == MAX_FINDINGS_PER_KIND:
                break
    return findings

"""What a domain's erase part is given: the person as they were, and how to take them out of text.

Names and addresses are replaced where the platform or other people wrote them (a quote's
attribution, the minutes' chat, a notification, a live room's events, the audit log) by
"Former member" in the text's language. The comparison is literal and case-insensitive, at word
boundaries, without regular expressions (tests/security/test_regex_linear.py): a name inside
a longer word is left alone.
"""
import json

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from sociallab.extensions import db

MIN_NEEDLE = 3
_NAME_JOINERS = ""
_ADDRESS_JOINERS = "._-+@"


def _is_joined(text, index, joiners):
    """Whether the character at `index` would continue the word (no boundary there)."""
    if index < 0 or index >= len(text):
        return False
    char = text[index]
    return char.isalnum() or char == "_" or char in joiners


def replace_literal(text, needle, replacement, joiners=_NAME_JOINERS):
    """`text` with each whole-word, case-insensitive occurrence of `needle` replaced."""
    if not text or not needle:
        return text
    lowered, target = text.lower(), needle.lower()
    if len(lowered) != len(text) or len(target) != len(needle):
        # Lowercasing changed lengths (rare letters): compare as written.
        lowered, target = text, needle
    pieces, kept, start = [], 0, 0
    while True:
        found = lowered.find(target, start)
        if found < 0:
            break
        end = found + len(target)
        if not _is_joined(text, found - 1, joiners) and not _is_joined(text, end, joiners):
            pieces += [text[kept:found], replacement]
            kept = end
            start = end
        else:
            start = found + 1
    if not pieces:
        return text
    pieces.append(text[kept:])
    return "".join(pieces)


def _escape_like(value):
    return value.replace("!", "!!").replace("%", "!%").replace("_", "!_")


class Erasure:
    """One account's deletion in progress: who they were, and the files to remove after the commit."""

    def __init__(self, user):
        self.user = user
        self.name = user.stored_name or ""
        self.email = user.email or ""
        self.handle = user.handle or ""
        self.files_to_delete = []
        self._replacements = {}

    def needles(self, with_handle=False):
        """(text, joiners) pairs to take out: the address first (it may contain the handle)."""
        found = [(self.email, _ADDRESS_JOINERS), (self.name, _NAME_JOINERS)]
        if with_handle:
            found.append((self.handle, _ADDRESS_JOINERS))
        return [(text, joiners) for text, joiners in found if len(text.strip()) >= MIN_NEEDLE]

    def replacement(self, lang=None):
        lang = lang if lang in current_app.config["LANGUAGES"] else current_app.config["BABEL_DEFAULT_LOCALE"]
        if lang not in self._replacements:
            with force_locale(lang):
                self._replacements[lang] = _("Former member")
        return self._replacements[lang]

    def text(self, text, lang=None, with_handle=False):
        """`text` without their e-mail address or name (mentions by @handle stay unless with_handle)."""
        if not text:
            return text
        replacement = self.replacement(lang)
        for needle, joiners in self.needles(with_handle):
            text = replace_literal(text, needle, replacement, joiners)
        return text

    def value(self, value, lang=None, with_handle=True):
        """A JSON value with every string scrubbed (dict keys included)."""
        if isinstance(value, str):
            return self.text(value, lang, with_handle)
        if isinstance(value, list):
            return [self.value(item, lang, with_handle) for item in value]
        if isinstance(value, dict):
            return {self.value(key, lang, with_handle): self.value(item, lang, with_handle)
                    for key, item in value.items()}
        return value

    def mentions_text(self, *columns):
        """SQL: rows where one of these text columns may name them (checked again in Python)."""
        return db.or_(*[column.ilike(f"%{_escape_like(needle)}%", escape="!")
                        for column in columns for needle, _joiners in self.needles()])

    def mentions_json(self, *columns, with_handle=True):
        """SQL: rows where one of these JSON columns may name them, as stored (JSON escapes accents)."""
        forms = set()
        for needle, _joiners in self.needles(with_handle):
            forms.add(needle)
            forms.add(json.dumps(needle)[1:-1])
        return db.or_(*[db.cast(column, db.Text).ilike(f"%{_escape_like(form)}%", escape="!")
                        for column in columns for form in sorted(forms)])

    def after_commit(self, action):
        """Run `action()` once the deletion is committed (a rollback skips it): removing a file from
        disk, which no rollback could bring back (knowledge.storage's delete_with)."""
        self.files_to_delete.append(action)

    def delete_files(self):
        """Remove the files once the deletion is committed (a rollback keeps them)."""
        for action in self.files_to_delete:
            action()

"""Spelling suggestions ("did you mean"), found, counted and written from a person's readable items only."""
import logging

from whoosh.codec.base import Automata

from sociallab.search.grouping import count_things

log = logging.getLogger(__name__)

# Edits allowed between a typed word and a suggestion, letters at the start it keeps (a typo is
# rarely the first letter, and keeping it makes looking up near words several times faster),
# and readable items read to find the suggested word as it is written.
SUGGESTION_DISTANCE = 2
SUGGESTION_PREFIX = 1
SUGGESTION_SAMPLES = 3
# Short words are too often right already ("en", "and") to be worth correcting.
MIN_CORRECTED_CHARS = 4


def suggest(searcher, spelling_parsers, text, readable, found):
    """A corrected query that finds more of what this person may read than `found`, else None.

    Whether a typed word is known, which words are near it and how often they occur are all
    counted in the readable items only: a word written only where the person cannot read gets
    the answer of a word written nowhere. Corrections are tried with each language's analyzer
    (`spelling_parsers`: language → one-field parser); the word shown for a corrected stem is
    taken from the text of readable items.
    """
    candidates = []
    for lang, parser in spelling_parsers.items():
        fieldname = f"body_{lang}"
        try:
            parsed = parser.parse(text)
        except Exception:  # noqa: BLE001 — the main parser understood it; this one may not
            return None
        unknown = [t for f, t in parsed.iter_all_terms()
                   if f == fieldname and len(t) >= MIN_CORRECTED_CHARS and not readable.doc_frequency(f, t)]
        if not unknown:
            return None  # every word is known in this language: nothing is misspelled
        candidates.append((fieldname, parsed, unknown))
    best = None
    for fieldname, parsed, unknown in candidates:
        try:
            suggestion = _suggest_in(searcher, fieldname, parsed, unknown, text, readable)
        except Exception:  # a suggestion is a nicety; never let it break the results
            log.exception("spelling suggestion failed for %r", text)
            continue
        if suggestion and suggestion[1] > found and (best is None or suggestion[1] > best[1]):
            best = suggestion
    return best[0] if best else None


def _suggest_in(searcher, fieldname, parsed, unknown, text, readable):
    """(corrected text, readable results it finds: a thread once) for one language's field, else None."""
    changes = {}
    for word in dict.fromkeys(unknown):
        nearest = _nearest_readable_term(searcher, fieldname, word, readable)
        if nearest is not None:
            changes[word] = nearest
    if not changes:
        return None
    corrected = parsed
    for old, new in changes.items():
        corrected = corrected.replace(fieldname, old, new)
    collector = searcher.collector(limit=None, filter=readable.docs, scored=False)
    searcher.search_with_collector(corrected, collector)
    matches = collector.results()
    if matches.is_empty():
        return None
    readable_words = _written_forms(searcher, fieldname, matches, set(changes.values()))
    analyzer = searcher.schema[fieldname].analyzer
    pieces, last = [], 0
    for token in analyzer(text, keeporiginal=True, chars=True, removestops=True):
        replacement = readable_words.get(changes.get(token.text))
        if replacement is None:
            if token.text in changes:
                return None  # a correction we cannot show in readable words
            continue
        pieces += [text[last:token.startchar], replacement]
        last = token.endchar
    suggestion = "".join(pieces) + text[last:]
    if suggestion.strip().lower() == text.strip().lower():
        return None
    return suggestion, count_things(searcher, matches.docs())


def _written_forms(searcher, fieldname, matches, stems):
    """{stem: how it is most usually written} in the first readable items that hold it."""
    analyzer = searcher.schema[fieldname].analyzer
    forms = {}
    for docnum in sorted(matches.docs())[:SUGGESTION_SAMPLES]:
        stored = searcher.stored_fields(docnum)
        sample = f"{stored.get('stored_title', '')} {stored.get('stored_body', '')}"
        for token in analyzer(sample, keeporiginal=True, removestops=True):
            if token.text in stems:
                counts = forms.setdefault(token.text, {})
                original = token.original.lower()
                counts[original] = counts.get(original, 0) + 1
    return {stem: min(counts, key=lambda form: (-counts[form], form)) for stem, counts in forms.items()}


def _nearest_readable_term(searcher, fieldname, word, readable):
    """The term that most readable items hold among those nearest to `word` (one edit away, else
    two; ties: alphabetical), else None.

    One edit is looked up first because walking the terms within two edits costs several times
    more, and a typo is most often a single edit.
    """
    seen = set()
    for edits in range(1, SUGGESTION_DISTANCE + 1):
        # What Whoosh's terms_within does per segment, with the automaton built once for all.
        automaton = Automata.levenshtein_dfa(word, edits, SUGGESTION_PREFIX)
        near = set()
        for leaf, _offset in searcher.leaf_searchers():
            near.update(Automata.find_matches(automaton, leaf.reader().cursor(fieldname)))
        near -= seen | {word}
        seen |= near
        held = [(count, term) for term in near if (count := readable.doc_frequency(fieldname, term))]
        if held:
            return min(held, key=lambda item: (-item[0], item[1]))[1]
    return None

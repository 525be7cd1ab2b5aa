"""One result per thing a person would open: a thread and its posts are found as the thread.

Documents sharing a `group` key are one result: the page they open (engine.to_fields), so a
thread and its posts are one, and so are an initiative, its journal entries and its comments.
The result is ranked, quoted and linked by the best of its documents that matched; counts, pages
and facets count results, not documents (a thread with five matching posts counts once, under each
value its matching posts have). Grouping runs on the matches the person may read only, so a post
they may not see neither finds its thread nor lends it its words, its snippet or a facet value.
"""
from bisect import bisect_left

from whoosh import sorting
from whoosh.collectors import WrappingCollector

from sociallab.search.schema import FACETS, LIST_FACETS, facet_column

GROUP = "group"


class KeysCollector(WrappingCollector):
    """Passes every match to `child` and remembers, per document, its group key and facet values
    (read from columns, as Whoosh's facet grouping does)."""

    def __init__(self, child):
        self.child = child
        self.columns = [GROUP] + [facet_column(name) for name in FACETS]

    def prepare(self, top_searcher, q, context):
        self.categorizers = [sorting.FieldFacet(column).categorizer(top_searcher) for column in self.columns]
        self.keys = {}
        self.child.prepare(top_searcher, q, context)

    def set_subsearcher(self, subsearcher, offset):
        WrappingCollector.set_subsearcher(self, subsearcher, offset)
        for categorizer in self.categorizers:
            categorizer.set_searcher(self.child.subsearcher, self.child.offset)

    def collect(self, sub_docnum):
        matcher = self.child.matcher
        self.keys[self.child.offset + sub_docnum] = tuple(
            categorizer.key_to_name(categorizer.key_for(matcher, sub_docnum)) for categorizer in self.categorizers)
        return self.child.collect(sub_docnum)


def one_per_thing(ranked, keys):
    """(best, facets): the best match of each thing, best first, as (score, docnum); and facet
    counts {name: [(value, count)]}, most first, one per thing for each value.

    `ranked`: every readable match as (score, docnum), best first; `keys`: docnum → the group key
    and facet values (KeysCollector).
    """
    best = []
    counts = [{} for _name in FACETS]
    splits = [name in LIST_FACETS for name in FACETS]
    # Group key → its first match's facet values, then, from a second match on (rarer), the
    # sets of values already counted for it.
    seen = {}
    for score, docnum in ranked:
        group, *values = keys[docnum]
        counted = seen.get(group) if group else None
        if counted is None:
            best.append((score, docnum))
            if group:
                seen[group] = values
            for index, value in enumerate(values):
                for item in (value.split(",") if splits[index] else (value,)):
                    if item:
                        counts[index][item] = counts[index].get(item, 0) + 1
            continue
        if isinstance(counted, list):  # its first match's values, counted already
            counted = seen[group] = tuple(_values(value, split) for value, split in zip(counted, splits, strict=True))
        for index, value in enumerate(values):
            for item in _values(value, splits[index]) - counted[index]:
                counted[index].add(item)
                counts[index][item] = counts[index].get(item, 0) + 1
    facets = {name: sorted(counts[index].items(), key=lambda item: (-item[1], item[0]))
              for index, name in enumerate(FACETS)}
    return best, facets


def _values(value, split):
    return {item for item in (value.split(",") if split else (value,)) if item}


def count_things(searcher, docnums):
    """How many results these documents make (the documents of one thread make one)."""
    docnums = sorted(docnums)
    groups, alone = set(), 0
    for leaf, offset in searcher.leaf_searchers():
        reader = leaf.reader()
        start, end = bisect_left(docnums, offset), bisect_left(docnums, offset + reader.doc_count_all())
        if start == end:
            continue
        column = reader.column_reader(GROUP)
        for docnum in docnums[start:end]:
            group = column[docnum - offset]
            if group:
                groups.add(group)
            else:
                alone += 1
    return len(groups) + alone

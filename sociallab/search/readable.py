"""What one person may find, and the ranking that counts word rarity in those items alone."""
import math

from whoosh import scoring


class Readable:
    """The items one person may find under the chosen filters (a document set of the current
    searcher), and the collection figures search derives counted in those items alone."""

    # Words remembered per person between two index changes (a few per query).
    MAX_FREQUENCIES = 4096

    def __init__(self, searcher, docs):
        self.searcher = searcher
        self.docs = docs
        self.count = len(docs)
        self._frequencies = {}

    def doc_frequency(self, fieldname, text):
        """How many readable items hold the term."""
        key = (fieldname, text)
        count = self._frequencies.get(key)
        if count is None:
            docs, count = self.docs, 0
            for leaf, offset in self.searcher.leaf_searchers():
                reader = leaf.reader()
                if key in reader:
                    count += sum(1 for docnum in reader.postings(fieldname, text).all_ids() if docnum + offset in docs)
            if len(self._frequencies) >= self.MAX_FREQUENCIES:
                self._frequencies.clear()
            self._frequencies[key] = count
        return count


# BM25 scales a term's weight by the length of the item against an average length. The average
# over the index would move with every item written anywhere (and tell a reader, through the
# order of their results, how much is written where they cannot read); the average over each
# person's readable items would have to be summed per person after every change. A fixed typical
# length (in indexed words: title twice and body, stop words left out) stands in for it.
TYPICAL_LENGTH = 120


class ReadableBM25F(scoring.BM25F):
    """BM25F whose word rarity (idf) is counted in the person's readable items only."""

    def __init__(self, readable):
        super().__init__()
        self.readable = readable

    def idf(self, searcher, fieldname, text):
        return math.log(self.readable.count / (self.readable.doc_frequency(fieldname, text) + 1)) + 1

    def scorer(self, searcher, fieldname, text, qf=1):
        if not searcher.schema[fieldname].scorable:
            return scoring.WeightScorer.for_(searcher, fieldname, text)
        return _ReadableBM25FScorer(searcher, fieldname, text, self.idf(searcher, fieldname, text), self.B, self.K1,
                                    qf)


class _ReadableBM25FScorer(scoring.BM25FScorer):
    def __init__(self, searcher, fieldname, text, idf, B, K1, qf=1):
        # Not BM25FScorer.__init__: it takes the idf and average length of the whole index.
        self.idf, self.avgfl = idf, TYPICAL_LENGTH
        self.B, self.K1, self.qf = B, K1, qf
        self.setup(searcher, fieldname, text)

"""The detector measured on labelled sentences written the way partners write (tests/data/).

The main corpus is the one the rules were written against: recall of at least 0.9 and a
false-positive rate of at most 0.15 (issue 12). The held-out corpus was never read while writing
the rules; it shows how they generalise, with looser bounds. Run with -s to see the figures.
"""
import csv
from pathlib import Path

import pytest

from sociallab.safeguarding.detector import check

DATA = Path(__file__).resolve().parents[1] / "data"


def _rows(name):
    with open(DATA / name, encoding="utf-8", newline="") as handle:
        return [row for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE) if row.get("text")]


def _figures(rows):
    """{language or "all": (recall, false-positive rate, identifying, ordinary)} and the misses."""
    by_language, misses = {}, []
    for row in rows:
        flagged = bool(check(row["text"], row["lang"]))
        identifying = row["label"] == "identifying"
        for key in (row["lang"], "all"):
            counts = by_language.setdefault(key, [0, 0, 0, 0])  # caught, identifying, false alarms, ordinary
            counts[0] += identifying and flagged
            counts[1] += identifying
            counts[2] += (not identifying) and flagged
            counts[3] += not identifying
        if flagged != identifying:
            misses.append(f"{row['label']}/{row['lang']}: {row['text']}")
    figures = {key: (c[0] / max(c[1], 1), c[2] / max(c[3], 1), c[1], c[3]) for key, c in by_language.items()}
    return figures, misses


def _report(name, figures):
    lines = [f"{name}: " + ", ".join(
        f"{key} recall {recall:.2f} FPR {fpr:.2f} ({identifying}+{ordinary})"
        for key, (recall, fpr, identifying, ordinary) in sorted(figures.items()))]
    print("\n" + lines[0])
    return lines[0]


def test_main_corpus_recall_and_false_positive_rate():
    rows = _rows("safeguarding_corpus.tsv")
    assert len(rows) >= 150
    figures, misses = _figures(rows)
    report = _report("main corpus", figures)
    recall, fpr, _identifying, _ordinary = figures["all"]
    assert recall >= 0.9 and fpr <= 0.15, report + "\n" + "\n".join(misses)
    for language in ("fr", "en", "es"):
        assert figures[language][0] >= 0.8 and figures[language][1] <= 0.2, report


# Measured at recall 0.77, false-positive rate 0.00 when the detector was written (issue 12), below
# the 0.9 of the main corpus: the rules were not tuned on these sentences, so this is what they
# generalise to. The bound is that figure as a floor: a change that loses ground here fails.
HELD_OUT_RECALL_FLOOR = 0.75


def test_held_out_corpus_generalises():
    """Figures only; the sentences are not shown (nothing may be tuned on them)."""
    if not (DATA / "safeguarding_heldout.tsv").exists():
        pytest.skip("no held-out corpus")
    figures, _misses = _figures(_rows("safeguarding_heldout.tsv"))
    report = _report("held-out corpus", figures)
    recall, fpr, _identifying, _ordinary = figures["all"]
    assert recall >= HELD_OUT_RECALL_FLOOR and fpr <= 0.15, report

"""What in a text could identify a child, and the same text with those passages removed.

`check(text, language)` returns findings: a character span, a kind and the reason shown to the
author. `redact(text, findings, language)` replaces each span with the placeholder of the text's
language. Checking runs the rules of every language (a French post quotes a Spanish report),
whatever the interface language.

The rules are data, in `rules/` (README.md there says how to extend them): word lists and a few
patterns per language, and lists of first names. The text is cut into words compared without
accents or capitals, so chat-style "aminata 13 ans" is read like "Aminata, 13 ans". A finding
needs a person and what would single them out: a first name (from the lists, or capitalised next
to an age, or after "named"/"prénommée"/"llamada") or initials, within the same sentence as an
individual age (not a range, a threshold or a duration), a date or year of birth, a named school,
class, village, neighbourhood or address. Phone numbers, personal e-mail addresses, dates of birth
and identity or case-file numbers are findings on their own. Adults named with their title, an
organisation's own address, switchboard or role mailbox, law numbers and amounts are not.
"""
import re
import tomllib
import unicodedata
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from pathlib import Path

from flask_babel import lazy_gettext as _l

PLACEHOLDERS = {"fr": "[retiré]", "en": "[removed]", "es": "[retirado]"}

REASONS = {
    "name_age": _l("a name next to an age"),
    "name_place": _l("a name next to a place where the person lives"),
    "name_school": _l("a name next to a school or class"),
    "birth_date": _l("a date of birth"),
    "phone": _l("a phone number"),
    "address": _l("a street address"),
    "email": _l("an e-mail address"),
    "id_number": _l("an identity, birth-certificate or case-file number"),
    "name_child": _l("a name given as a child's, or a child's relative's"),
    "age_place": _l("a child's age next to the place where they live or study"),
}

# Enough to show the author what to look at again; a text full of numbers need not list them all.
MAX_FINDINGS_PER_KIND = 20

RULES_DIR = Path(__file__).with_name("rules")
LANGUAGES = ("fr", "en", "es")
# A name and what singles the person out must stand this close (in words and signs), in one sentence.
WINDOW = 12
OLDEST_CHILD = 18


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


# -- reading the text ------------------------------------------------------------------------------

# A run of digits, a word (hyphenated words stay whole: "Marie-Claire", "year-old"), or one sign.
_TOKEN = re.compile(r"\d+|[^\W\d]+(?:-[^\W\d]+)*|\S")
_NOT_DIGITS = re.compile(r"\D+")
_ORDINAL_SUFFIXES = frozenset({"er", "re", "st", "nd", "rd", "th", "o", "e"})
_ABBREVIATIONS = frozenset({"dr", "mr", "mrs", "ms", "st", "no", "sr", "sra", "srta", "dra", "mme", "mlle", "av",
                            "prof", "lic", "jr", "nr", "art", "ref", "tel", "cel", "vol", "etc", "ing", "ave", "rd"})


class _FoldTable(dict):
    """str.translate table: lowercase without accents, one character for one (spans stay valid)."""

    def __missing__(self, code):
        char = chr(code)
        lower = char.lower()
        base = "".join(c for c in unicodedata.normalize("NFD", lower) if not unicodedata.combining(c))
        value = base if len(base) == 1 else (lower if len(lower) == 1 else char)
        self[code] = value
        return value


_FOLD = _FoldTable({ord("’"): "'", ord("ʼ"): "'", ord("º"): "o", ord("ª"): "a"})


# Words between a name and what identifies it with it, beyond which each is marked on its own.
APART = 2


def fold(text):
    """`text` in lowercase without accents, as long as `text`."""
    return text.translate(_FOLD)


class _Text:
    """The words of a text, folded, with their spans and the sentence each belongs to."""

    def __init__(self, text):
        self.text = text
        self.folded = fold(text)
        self.starts, self.ends, self.words, self.sentence = [], [], [], []
        sentence, previous_end, previous = 0, 0, ""
        for match in _TOKEN.finditer(self.folded):
            start, end = match.span()
            if previous and ("\n" in text[previous_end:start] or self._ends_sentence(previous, start)):
                sentence += 1
            word = match.group()
            self.starts.append(start)
            self.ends.append(end)
            self.words.append(word)
            self.sentence.append(sentence)
            previous_end, previous = end, word
        self.count = len(self.words)

    def _ends_sentence(self, previous, start):
        if previous in ("!", "?"):
            return True
        if previous != ".":
            return False
        before = self.words[-2] if len(self.words) > 1 else ""
        # "Dr. Diop", "A. K.", "12.03.2011" do not end a sentence.
        return (self.starts[-1] + 1 < start and not (before.isalpha() and len(before) == 1)
                and before not in _ABBREVIATIONS)

    def original(self, i):
        return self.text[self.starts[i]:self.ends[i]]

    def capitalised(self, i):
        first = self.text[self.starts[i]]
        return first.isupper()

    def lowercase(self, i):
        return self.original(i).islower()

    def is_word(self, i):
        return 0 <= i < self.count and self.words[i][0].isalpha()

    def is_number(self, i):
        return 0 <= i < self.count and self.words[i].isdigit()

    def same_sentence(self, i, j):
        return 0 <= i < self.count and 0 <= j < self.count and self.sentence[i] == self.sentence[j]

    def sentence_start(self, i):
        return i == 0 or self.sentence[i - 1] != self.sentence[i]

    def token_at(self, position):
        """The index of the first word starting at or after `position`."""
        low, high = 0, self.count
        while low < high:
            middle = (low + high) // 2
            if self.starts[middle] < position:
                low = middle + 1
            else:
                high = middle
        return low


# -- the rules, read once ----------------------------------------------------------------------------

def _words(phrase):
    return tuple(_TOKEN.findall(fold(phrase)))


class _Phrases:
    """A list of phrases of one or more words, found at a place in a text's words."""

    def __init__(self, phrases):
        self.by_first, self.by_last = {}, {}
        for phrase in {_words(p) for p in phrases if p.strip()}:
            self.by_first.setdefault(phrase[0], []).append(phrase)
            self.by_last.setdefault(phrase[-1], []).append(phrase)
        for table in (self.by_first, self.by_last):
            for phrases in table.values():
                phrases.sort(key=len, reverse=True)

    def at(self, words, i):
        """The length of the longest phrase starting at word i (0 when none does)."""
        for phrase in self.by_first.get(words[i], ()) if 0 <= i < len(words) else ():
            if tuple(words[i:i + len(phrase)]) == phrase:
                return len(phrase)
        return 0

    def ending_at(self, words, j):
        """The length of the longest phrase ending at word j (0 when none does)."""
        for phrase in self.by_last.get(words[j], ()) if 0 <= j < len(words) else ():
            start = j - len(phrase) + 1
            if start >= 0 and tuple(words[start:j + 1]) == phrase:
                return len(phrase)
        return 0

    def __contains__(self, word):
        return (word,) in self.by_first.get(word, ())


_LIST_KEYS = {
    "age": ("units", "before", "not_before", "not_after", "collective", "range", "after_bare"),
    "names": ("introducers", "before_name", "not_names", "ambiguous", "titles", "child_words", "kinship"),
    "places": ("schools", "grades", "grade_words", "ordinals", "places", "lives_in"),
    "birth": ("cues",), "identity": ("words",), "address": ("streets",),
    "organisation": ("words", "law", "phone"), "dates": ("months",),
}


class _Rules:
    def __init__(self, directory):
        common = tomllib.loads((directory / "common.toml").read_text(encoding="utf-8"))
        lists, self.numbers = {}, {}
        for language in LANGUAGES:
            data = tomllib.loads((directory / f"{language}.toml").read_text(encoding="utf-8"))
            for section, keys in _LIST_KEYS.items():
                for key in keys:
                    lists.setdefault(f"{section}.{key}", []).extend(data.get(section, {}).get(key, []))
            self.numbers.update({fold(word): value for word, value in data["age"].get("numbers", {}).items()})
        self.phrases = {name: _Phrases(words) for name, words in lists.items()}
        # Every word of the lists: a word the rules know is not taken for an unknown name.
        self.vocabulary = {word for words in lists.values() for phrase in words for word in _words(phrase)}
        self.not_names = {fold(w) for w in lists["names.not_names"]}
        self.ambiguous = {fold(w) for w in lists["names.ambiguous"]}
        self.first_names = set()
        for path in sorted((directory / "first_names").glob("*.txt")):
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip() and not line.lstrip().startswith("#"):
                    self.first_names.add(fold(line.strip()))
        self.mailboxes = {fold(w) for w in common["contact"]["generic_mailboxes"]}
        self.staff_between = {fold(w) for w in common["staff"]["between"]}
        self.saints = {fold(w) for w in common["names"]["saints"]}
        self.units_after = {fold(w) for w in common["numbers"]["units_after"]}
        self.patterns = {name: re.compile(source) for name, source in common["patterns"].items()}


_loaded = {}


def rules():
    """The rules of rules/, read at the first check and kept."""
    if "rules" not in _loaded:
        _loaded["rules"] = _Rules(RULES_DIR)
    return _loaded["rules"]


def compiled_patterns():
    """Every regular expression the detector applies (tests/security/test_regex_linear.py tries each)."""
    return [_TOKEN, _NOT_DIGITS, *rules().patterns.values()]


# -- what a text says --------------------------------------------------------------------------------

@dataclass
class _Span:
    first: int  # word indexes, both included
    last: int
    start: int  # characters
    end: int


class _Reader:
    def __init__(self, text):
        self.rules = rules()
        self.t = _Text(text)
        self.w = self.t.words
        self.found, self.counts, self.id_spans = [], {}, []

    def phrase(self, name):
        return self.rules.phrases[name]

    def span(self, first, last):
        return _Span(first, last, self.t.starts[first], self.t.ends[last])

    def pattern_spans(self, name):
        pattern = self.rules.patterns[name]
        group = "excerpt" if "excerpt" in pattern.groupindex else 0
        for match in pattern.finditer(self.t.text):
            start, end = match.span(group)
            if end > start:
                yield start, end

    def char_span(self, start, end):
        first = self.t.token_at(start)
        last = max(first, self.t.token_at(end) - 1)
        return _Span(first, min(last, self.t.count - 1), start, end)

    def add(self, kind, start, end):
        if not self.full(kind):
            self.counts[kind] = self.counts.get(kind, 0) + 1
            self.found.append(Finding(start, end, kind))

    def covered(self, span):
        return any(f.start <= span.start and span.end <= f.end for f in self.found)

    def add_pair(self, kind, one, other, distance):
        """Two passages that identify together: one finding when they are side by side ("Awa
        Diop, 12 ans"); two when words stand between them, so that redacting keeps those words
        ("[retiré], vit au [retiré]") and the author sees what to remove."""
        if distance > APART:
            self.add(kind, one.start, one.end)
            self.add(kind, other.start, other.end)
        else:
            self.add(kind, min(one.start, other.start), max(one.end, other.end))

    def full(self, kind):
        return self.counts.get(kind, 0) >= MAX_FINDINGS_PER_KIND

    # -- ages --

    def number_at(self, i):
        if self.t.is_number(i):
            return int(self.w[i]) if len(self.w[i]) <= 2 else None
        return self.rules.numbers.get(self.w[i]) if 0 <= i < self.t.count else None

    def in_range(self, i):
        """Word i is a number in a range: "de 10 à 14 ans", "10-14", "aged 10 to 14"."""
        ranges = self.phrase("age.range")
        before = ranges.ending_at(self.w, i - 1)
        if before and self.number_at(i - 1 - before) is not None:
            return True
        after = ranges.at(self.w, i + 1)
        return bool(after) and self.number_at(i + 1 + after) is not None

    def ages(self):
        """Spans of one person's age: "13 ans", "a 14-year-old", "aged 12", "diez años"."""
        found = []
        units = self.phrase("age.units")
        for i in range(self.t.count):
            if "-" in self.w[i]:  # "nine-year-old", "doce-años"
                number, _dash, rest = self.w[i].partition("-")
                if self.rules.numbers.get(number, 99) <= OLDEST_CHILD and (rest,) in units.by_first.get(rest, ()):
                    found.append(self.span(i, i))
                continue
            value = self.number_at(i)
            if value is None or self.in_range(i):
                continue
            j = i + 1 + (self.w[i + 1] == "-" if i + 1 < self.t.count else 0)
            unit = self.phrase("age.units").at(self.w, j)
            introduced = self.phrase("age.before").ending_at(self.w, i - 1)
            if not unit and not introduced:
                continue
            last = j + unit - 1 if unit else i
            limit = 36 if unit and self.w[j] in ("mois", "months", "month-old", "meses") else OLDEST_CHILD
            if value > limit or value == 0:
                continue
            if not introduced and (self.phrase("age.not_before").ending_at(self.w, i - 1)
                                   or self.phrase("age.not_after").at(self.w, last + 1)):
                continue
            if not introduced and self.collective(i):
                continue
            found.append(self.span(i - introduced if introduced else i, last))
        return found

    def collective(self, i):
        """The age is of a group: "60 % des enfants de 12 ans", "les filles de 12 ans"."""
        collective = self.phrase("age.collective")
        for k in range(i - 1, max(-1, i - 5), -1):
            if not self.t.same_sentence(k, i) or self.w[k] in (",", ";", ":", "("):
                return False
            if collective.ending_at(self.w, k):
                return True
        return False

    # -- names --

    def names(self, ages):
        """Spans of people's first names (and surnames after them) and of initials."""
        first_names, not_names = self.rules.first_names, self.rules.not_names
        introducers, before_name = self.phrase("names.introducers"), self.phrase("names.before_name")
        age_starts = {a.first for a in ages}
        age_ends = {a.last for a in ages}
        found, i = [], 0
        while i < self.t.count:
            word = self.w[i]
            if not self.t.is_word(i) or self.in_address_or_link(i):
                i += 1
                continue
            initials = self.initials(i)
            if initials:
                found.append(self.span(i, initials))
                i = initials + 1
                continue
            capital = self.t.capitalised(i)
            known = word in first_names or ("-" in word and any(p in first_names for p in word.split("-")))
            named = False
            if word in not_names or (i and self.w[i - 1] in self.rules.saints):
                pass  # "San Pedro Sula", "Sainte Marie": a place or a saint
            elif introducers.ending_at(self.w, i - 1) and len(word) > 1:
                named = True  # "named Grace", "s'appelle fatou"
            elif word in self.rules.ambiguous:
                named = capital and not (self.t.sentence_start(i) and not self.comma_or_name_next(i))
            elif known:
                named = capital or self.t.lowercase(i)
            elif capital and len(word) > 2 and word not in self.rules.vocabulary:
                announced = before_name.ending_at(self.w, i - 1)
                # "la petite Awa", not "the Child Protection Act" (a capitalised "Child" starts a name).
                announced = announced and not any(self.t.capitalised(k) and not self.t.sentence_start(k)
                                                  for k in range(i - announced, i))
                named = bool(announced) or self.next_to_age(i, age_starts, age_ends)
            elif len(word) > 2 and word not in self.rules.vocabulary and i + 2 < self.t.count:
                named = self.w[i + 1] == "(" and (i + 2) in age_starts  # chat: "la mama de nayeli (8 años)"
            if not named:
                i += 1
                continue
            last = i
            while (last + 1 < self.t.count and self.t.same_sentence(i, last + 1) and self.t.is_word(last + 1)
                   and self.t.capitalised(last + 1) and self.w[last + 1] not in not_names and last - i < 2):
                last += 1
            found.append(self.span(i, last))
            i = last + 1
        return found

    def in_address_or_link(self, i):
        """Word i is part of an e-mail address, a web address or a file name: "fatou@gmail.com"."""
        text, start, end = self.t.text, self.t.starts[i], self.t.ends[i]
        glue = "@./_" if end - start > 1 else "@/_"  # "A.K." are initials
        glued_after = end + 2 < len(text) and text[end] in glue and text[end + 1:end + 3].isalnum()
        glued_before = start >= 3 and text[start - 1] in glue and text[start - 3:start - 1].isalnum()
        return glued_after or glued_before

    def comma_or_name_next(self, i):
        return i + 1 < self.t.count and (self.w[i + 1] in (",", "(") or (self.t.is_word(i + 1)
                                                                         and self.t.capitalised(i + 1)))

    def initials(self, i):
        """The last word of initials starting at i ("A.K.", "A. K.", "M.A.R."), else None."""
        def initial(k):
            return (0 <= k < self.t.count and len(self.w[k]) == 1 and self.w[k].isalpha()
                    and self.t.original(k).isupper())
        if not initial(i) or not (i + 1 < self.t.count and self.w[i + 1] == "."):
            return None
        last, k = i + 1, i + 2
        while initial(k) and (k + 1 >= self.t.count or self.w[k + 1] == "." or not self.t.is_word(k + 1)):
            last = k + 1 if k + 1 < self.t.count and self.w[k + 1] == "." else k
            k = last + 1
        if last == i + 1 and self.t.is_word(i + 2) and self.t.capitalised(i + 2):
            return None  # "M. Diallo", "J. Smith": a title or a first name cut short, followed by a name
        if last == i + 1 and not (self.t.same_sentence(i, i + 2) and not self.t.is_word(i + 2)):
            return None  # a lone "A." ending a sentence
        return last

    def next_to_age(self, i, age_starts, age_ends):
        """A capitalised word right before or after an age: "Kouassi, 12 ans", "12 ans, Kouassi"."""
        for k in range(i + 1, min(i + 5, self.t.count)):
            if k in age_starts:
                return True
            if self.w[k] not in (",", "(", "-", ":", "de", "of", "a", "aged", "agee", "age", "tiene"):
                break
        for k in range(i - 1, max(i - 3, -1), -1):
            if k in age_ends:
                return True
            if self.w[k] not in (",", "(", "-", ":"):
                break
        return False

    def staff(self, name):
        """The name is an adult named in their role: "la coordinatrice du projet, Ana Morales",
        "Maître Diop", "Ana Morales, jueza de familia"."""
        titles, between = self.phrase("names.titles"), self.rules.staff_between
        kinship = self.phrase("names.kinship")
        for k in range(name.first - 1, max(name.first - 10, -1), -1):
            if not self.t.same_sentence(k, name.first):
                break
            length = titles.ending_at(self.w, k)
            if length:
                # "the son of the pastor in Kribi, Samuel": the name is the child's, not the title's.
                start = k - length + 1
                return not any(kinship.ending_at(self.w, j) for j in range(start - 1, max(start - 6, -1), -1))
            if not (self.w[k] in between or self.w[k] in (",", ":", "(", "-", "–", "'", ".")
                    or (self.t.is_word(k) and self.t.capitalised(k))):
                break
        k = name.last + 1
        if k < self.t.count and self.w[k] in (",", "(", "-", "–", ":"):
            for j in range(k + 1, min(k + 5, self.t.count)):
                if titles.at(self.w, j):
                    return True
                if not (self.w[j] in between or self.w[j] in ("a", "an", "une", "un", "una", "nuestra", "notre")):
                    break
        return False

    # -- places, schools, birth --

    def proper_after(self, k, limit=4):
        """The last word of a proper noun starting within `limit` words from k, else None."""
        skip = self.rules.staff_between
        for j in range(k, min(k + limit, self.t.count)):
            if self.t.is_word(j) and self.t.capitalised(j) and self.w[j] not in self.rules.not_names:
                last = j
                while last + 1 < self.t.count and ((self.t.is_word(last + 1) and self.t.capitalised(last + 1))
                                                   or (self.t.starts[last + 1] == self.t.ends[last]
                                                       and self.w[last + 1].isalnum())):
                    last += 1  # "Bel Air", "CM2"
                return last
            if self.t.is_number(j) and j == k:
                return j
            if not (self.w[j] in skip or self.w[j] in ("'", "-", "n", "°", "#", "no", ".")):
                return None
        return None

    def places(self, kind_words, kind):
        """Named places: "école de Kossou", "Kibera Primary School", "barrio El Paraíso", "vit à Ambohipo"."""
        found = []
        phrases = self.phrase(kind_words)
        for i in range(self.t.count):
            length = phrases.at(self.w, i)
            if not length:
                continue
            last = self.proper_after(i + length)
            first = i
            before = i - 1
            if (before >= 0 and self.t.is_word(before) and self.t.capitalised(before)
                    and self.t.same_sentence(before, i) and self.w[before] not in self.rules.not_names
                    and not self.t.sentence_start(before)):
                first = before  # "Kibera Primary School"
            if last is None and first == i:
                continue
            found.append((kind, self.span(first, last if last is not None else i + length - 1)))
        return found

    def grades(self):
        found = []
        grades, words, ordinals = self.phrase("places.grades"), self.phrase("places.grade_words"), \
            self.phrase("places.ordinals")
        for i in range(self.t.count):
            length = grades.at(self.w, i)
            if length:
                found.append(("name_school", self.span(i, i + length - 1)))
                continue
            length = words.at(self.w, i)
            if not length:
                continue
            after = i + length
            if self.t.same_sentence(i, after) and (
                    (self.t.is_number(after) and len(self.w[after]) <= 2) or ordinals.at(self.w, after)):
                found.append(("name_school", self.span(i, after + max(0, ordinals.at(self.w, after) - 1))))
            elif ordinals.ending_at(self.w, i - 1) and self.t.same_sentence(i - 1, i):
                found.append(("name_school", self.span(i - ordinals.ending_at(self.w, i - 1), i + length - 1)))
        return found

    def day(self, i):
        """The last word of a day of the month at i ("12", "1er", "3rd", "5 de"), else None."""
        if not (self.t.is_number(i) and len(self.w[i]) <= 2 and 0 < int(self.w[i]) <= 31):
            return None
        if i + 1 < self.t.count and self.t.starts[i + 1] == self.t.ends[i] and self.w[i + 1] in _ORDINAL_SUFFIXES:
            i += 1
        return i

    def year_after(self, k):
        """The last word of a year at k, maybe after "de" or ",", else k - 1."""
        for skip in (0, 1):
            j = k + skip
            if self.t.is_number(j) and len(self.w[j]) == 4 and self.t.same_sentence(k - 1, j):
                return j
            if not (j < self.t.count and self.w[j] in ("de", "del", ",")):
                break
        return k - 1

    def dates(self):
        """Dates: "12/03/2011", "3 mars 2012", "12 de junio de 2013", "March 12, 2011"."""
        spans = [self.char_span(s, e) for s, e in self.pattern_spans("date_numeric")]
        months = self.phrase("dates.months")
        for i in range(self.t.count):
            day = self.day(i)
            if day is not None:
                k = day + 1 + (day + 1 < self.t.count and self.w[day + 1] == "de")
                length = months.at(self.w, k)
                if length:
                    k += length - 1
                    k += k + 1 < self.t.count and self.w[k + 1] == "."
                    spans.append(self.span(i, self.year_after(k + 1)))
                continue
            length = months.at(self.w, i)
            day = self.day(i + length) if length else None
            if day is not None:
                spans.append(self.span(i, self.year_after(day + 1)))
        return sorted(spans, key=lambda s: s.start)

    def births(self, dates):
        """(span, full date?) of each date or year announced as a birth: "née le 3 mars 2012"."""
        found = []
        cues = self.phrase("birth.cues")
        date_at = {d.first: d for d in dates}
        for i in range(self.t.count):
            length = cues.at(self.w, i)
            if not length:
                continue
            for k in range(i + length, min(i + length + 4, self.t.count)):
                if k in date_at:
                    found.append((self.span(i, date_at[k].last), True))
                    break
                if self.t.is_number(k) and len(self.w[k]) == 4 and self.w[k][:2] in ("19", "20"):
                    found.append((self.span(i, k), False))
                    break
                if self.w[k] not in (":", "le", "el", "on", "en", "in", "the", "de", "del", "-", "(", ","):
                    break
        return found

    # -- putting names and what singles them out together --

    def bare_age(self, name):
        """A number right after a name is an age: "Kwame, 12, sells water", "Adama (16)", "anna 13 from…"."""
        k = name.last + 1
        if k < self.t.count and self.w[k] in (",", "("):
            k += 1
        value = self.number_at(k) if self.t.is_number(k) else None
        if value is None or not 0 < value <= OLDEST_CHILD or not self.t.same_sentence(name.last, k):
            return None
        after = k + 1
        if after >= self.t.count or self.w[after] in (",", ")", ".", ";", ":") \
                or self.phrase("age.after_bare").at(self.w, after):
            return self.span(k, k)
        return None

    def child_words(self, names):
        """Child words in apposition to a name ("Akouvi, une orpheline", "la niña, Camila"), and
        relatives ("la fille du pêcheur Moussa")."""
        found = []
        child, kinship = self.phrase("names.child_words"), self.phrase("names.kinship")
        # A word inside a name is the name's ("Nina Volunteer" is not "niña").
        in_names = {k for name in names for k in range(name.first, name.last + 1)}
        for i in range(self.t.count):
            if i in in_names:
                continue
            length = kinship.at(self.w, i)
            if length:
                found.append((self.span(i, i + length - 1), WINDOW))
                continue
            length = child.at(self.w, i)
            if length:
                found.append((self.span(i, i + length - 1), 3))
        return found

    def ages_with_places(self, ages, places):
        """One child's age and the named place where they live or study, without a name:
        "une fille de 12 ans du quartier Médina", "a 9-year-old from Kasenga village"."""
        for age in ages:
            if self.collective(age.first) or self.collective(age.first + 1):
                continue
            near = [p for _kind, p in places if self.t.same_sentence(age.first, p.first)
                    and (0 <= p.first - age.last <= WINDOW or 0 <= age.first - p.last <= WINDOW)]
            if near:
                place = min(near, key=lambda p: abs(p.first - age.first))
                distance = place.first - age.last if place.first > age.last else age.first - place.last
                self.add_pair("age_place", age, place, max(distance, 0))

    def people(self):
        ages = self.ages()
        dates = self.dates()
        births = self.births(dates)
        for span, full in births:
            if full:
                self.add("birth_date", span.start, span.end)
        places = self.places("places.places", "name_place") + self.places("places.lives_in", "name_place")
        places += self.places("places.schools", "name_school")
        # A name inside a place's name is not a person: "escuela Juan Pablo II", "rue Moussa Diop".
        in_place_names = {k for _kind, p in places for k in range(p.first + 1, p.last + 1)}
        names = [n for n in self.names(ages) if not self.staff(n)
                 and not (n.first in in_place_names and n.last in in_place_names)]
        cues = [("name_age", a, WINDOW) for a in ages] + [("birth_date", s, WINDOW) for s, _full in births]
        cues += [(kind, p, WINDOW) for kind, p in places + self.grades()]
        cues += [("name_place", self.char_span(s, e), WINDOW) for s, e in self.address_spans(organisation_ok=True)]
        cues += [("name_child", span, reach) for span, reach in self.child_words(names)]
        cues.sort(key=lambda cue: cue[1].first)
        firsts = [cue.first for _kind, cue, _reach in cues]
        longest = max((cue.last - cue.first for _kind, cue, _reach in cues), default=0)
        for name in names:
            best = None
            bare = self.bare_age(name)
            if bare:
                best = ((False, 0), "name_age", bare)
            nearby = cues[bisect_left(firsts, name.first - WINDOW - longest):bisect_right(firsts, name.last + WINDOW)]
            for kind, cue, reach in nearby:
                if not self.t.same_sentence(name.first, cue.first):
                    continue
                distance = cue.first - name.last if cue.first > name.last else name.first - cue.last
                if cue.first <= name.last and cue.last >= name.first:
                    distance = 0
                # A child word only says whose name it is: an age or a place nearby says more.
                rank = (kind == "name_child", distance)
                if distance <= reach and (best is None or rank < best[0]):
                    best = (rank, kind, cue)
            if best:
                (_child, distance), kind, cue = best
                self.add_pair(kind, name, cue, distance)
        # An age already said with a name is found; one said without a name, with a place, is too.
        self.ages_with_places([a for a in ages if not self.covered(a)], places)

    # -- numbers and addresses --

    def context_before(self, position, phrase_name, reach=8):
        """A phrase of the list ends within `reach` words before `position`, in the same sentence."""
        i = self.t.token_at(position)
        phrases = self.phrase(phrase_name)
        for k in range(i - 1, max(i - 1 - reach, -1), -1):
            if i < self.t.count and not self.t.same_sentence(k, i):
                break
            if phrases.ending_at(self.w, k):
                return True
        return False

    def phones(self):
        text = self.t.text
        for start, end in self.pattern_spans("phone"):
            number = text[start:end]
            digits = [c for c in number if c.isdigit()]
            if not 8 <= len(digits) <= 15:
                continue
            groups = _NOT_DIGITS.split(number.strip("+()"))
            cued = self.context_before(start, "organisation.phone")
            if not number.startswith("+") and not cued:
                if len(groups) == 3 and len(groups[2]) in (2, 4) and all(len(g) <= 2 for g in groups[:2]) \
                        and int(groups[1] or 0) <= 12:
                    continue  # a date: 12.03.2011
                if groups[0][:2] in ("19", "20") and len(groups[0]) == 4 and len(groups) > 1:
                    continue  # years, a law number: 2019-2023, 2005-015
                if len(groups) > 1 and len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:]):
                    continue  # an amount: 12 500 000
            if self.full("phone"):
                break
            if any(id_start < end and start < id_end for id_start, id_end in self.id_spans):
                continue  # already found as an identity number
            after = self.t.token_at(end)
            if after < self.t.count and self.w[after] in self.rules.units_after:
                continue
            if self.context_before(start, "organisation.law", reach=3):
                continue
            if self.context_before(start, "organisation.words", reach=12):
                continue
            self.add("phone", start, end)

    def emails(self):
        for start, end in self.pattern_spans("email"):
            if self.full("email"):
                break
            local = fold(self.t.text[start:end].split("@")[0]).strip(".+-")
            if local in self.rules.mailboxes or local.rstrip("0123456789") in self.rules.mailboxes:
                continue
            self.add("email", start, end)

    def numbered_streets(self):
        """Addresses written number first, from the street words: "14 rue Carnot", "12 bis, avenue X"."""
        streets = self.phrase("address.streets")
        for i in range(self.t.count):
            if not (self.t.is_number(i) and len(self.w[i]) <= 4) or (i and self.w[i - 1] in ("/", "-")):
                continue
            k = i + 1
            if k < self.t.count and (self.w[k] in ("bis", "ter") or (len(self.w[k]) == 1 and self.w[k].isalpha()
                                                                     and self.t.starts[k] == self.t.ends[i])):
                k += 1
            k += k < self.t.count and self.w[k] == ","
            length = streets.at(self.w, k)
            if length and self.t.same_sentence(i, k):
                yield self.t.starts[i], self.t.ends[k + length - 1]

    def address_spans(self, organisation_ok=False):
        regex_spans = (span for name in ("address_named", "address_street_first", "address_grid", "address_lot")
                       for span in self.pattern_spans(name))
        for spans in (self.numbered_streets(), regex_spans):
            for start, end in spans:
                    last = self.t.token_at(end) - 1
                    k = last + 1
                    # The street's name after its word: "rue Carnot", "avenue de la Paix".
                    while k < self.t.count and k - last <= 5 and self.t.same_sentence(last, k):
                        if self.t.is_word(k) and self.t.capitalised(k):
                            end = self.t.ends[k]
                        elif self.w[k] not in self.rules.staff_between and self.w[k] not in ("'", "-"):
                            break
                        k += 1
                    if organisation_ok or not self.context_before(start, "organisation.words"):
                        yield start, end

    def addresses(self):
        for start, end in self.address_spans():
            if self.full("address"):
                break
            self.add("address", start, end)

    def identity_numbers(self):
        words, code = self.phrase("identity.words"), self.rules.patterns["id_code"]
        for i in range(self.t.count):
            length = words.at(self.w, i)
            if not length:
                continue
            if self.full("id_number"):
                break
            # "n° PV 0456/2022", "de la adolescente: 1.023.456.789": the code is a few words on.
            for k in range(i + length, min(i + length + 6, self.t.count)):
                if not self.t.same_sentence(i, k):
                    break
                match = code.match(self.t.text, self.t.starts[k])
                value = match.group() if match else ""
                digits = sum(c.isdigit() for c in value)
                if digits >= 3 and not (value.isdigit() and len(value) == 4 and value[:2] in ("19", "20")):
                    self.add("id_number", match.start(), match.end())
                    self.id_spans.append(match.span())
                    break
                if digits:
                    break


def check(text, language=None):
    """The passages of `text` that may identify a child, in order, none overlapping another."""
    reader = _Reader(text or "")
    reader.people()
    reader.identity_numbers()
    reader.phones()
    reader.emails()
    reader.addresses()
    return _without_overlaps(reader.found)


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

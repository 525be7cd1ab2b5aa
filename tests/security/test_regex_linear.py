"""Every regular expression applied to what people write runs in linear time.

A pattern that backtracks more than linearly lets one saved text hold a server process for
seconds or hours (50,000 "[" in a resource took 16 s of CPU; 1,000 backticks in a post, 18 s).
Each pattern of the code base is listed in REGISTRY, and a test fails when a pattern appears in
sociallab/ without being listed, so a new one is tried on adversarial input before it ships.

The adversarial inputs are made from each pattern's own shape: the parser of the `re` module gives
short strings the pattern matches (one per alternative), and from each of them come 100,000
characters of repeated matches, repeated openers and near misses, and every opener followed by
a long run of the next character it expects. The public functions that apply the patterns get
the same inputs. Each run must take under 100 ms of CPU (time.process_time, so a busy machine
does not make the test fail).
"""
import ast
import importlib
import multiprocessing
import re
import time
from pathlib import Path
from re import _constants as sre
from re import _parser as sre_parser

import pytest

from sociallab.admin import forms as admin_forms
from sociallab.content import markdown, mentions
from sociallab.safeguarding import detector
from sociallab.search import postgres as search_postgres
from sociallab.search import schema
from sociallab.search import text as search_text

ROOT = Path(__file__).resolve().parents[2]
SIZE = 100_000
LIMIT_S = 0.100
HANG_S = 5.0

# (file, the pattern as the code applies it). Patterns given as strings are compiled here with
# the flags the code uses (WTForms' Regexp and the inline re.sub use none; Whoosh's
# RegexTokenizer compiles with re.UNICODE, the default for str patterns). "module:NAME" is
# looked up when the file exists.
REGISTRY = [
    ("sociallab/search/text.py", search_text._LINK),
    ("sociallab/search/text.py", search_text._TAG),
    ("sociallab/search/text.py", search_text._MARKUP),
    ("sociallab/search/text.py", search_text._SPACES),
    ("sociallab/search/schema.py", schema.TOKENS),
    ("sociallab/content/mentions.py", mentions._MENTION),
    ("sociallab/content/mentions.py", mentions._FENCED),
    ("sociallab/content/mentions.py", mentions._INDENTED),
    ("sociallab/content/mentions.py", mentions._BACKTICKS),
    ("sociallab/content/mentions.py", mentions._QUOTE),
    ("sociallab/content/mentions.py", mentions._TAG),
    # The detector's own patterns and those it reads from sociallab/safeguarding/rules/*.toml.
    *(("sociallab/safeguarding/detector.py", pattern) for pattern in detector.compiled_patterns()),
    ("sociallab/accounts/services.py", r"[^a-z0-9.]+"),
    ("sociallab/admin/forms.py", admin_forms.CODE.regex),
    ("sociallab/admin/forms.py", r"^[A-Za-z]{2}$"),
    ("sociallab/http_input.py", "sociallab.http_input:CONTROL_CHARACTERS"),
    ("sociallab/payloads.py", "sociallab.payloads:_DIGITS"),
    ("sociallab/payloads.py", "sociallab.payloads:_UNSENDABLE"),
    ("sociallab/http_input.py", "sociallab.http_input:SUBMISSION"),
    ("sociallab/ops/logs.py", "sociallab.ops.logs:WELL_FORMED_ID"),
    ("sociallab/ops/logs.py", "sociallab.ops.logs:EMAIL"),
    ("sociallab/search/postgres.py", "sociallab.search.postgres:WORD"),
    ("sociallab/search/postgres.py", "sociallab.search.postgres:_UNSTORABLE"),
    ("sociallab/search/postgres.py", "sociallab.search.postgres:_MARKED"),
    ("sociallab/backup/archive.py", "sociallab.backup.archive:MEMBER"),
    ("sociallab/backup/databases.py", r"(\d+)(?:\.(\d+))?"),
]


def _listed(registry):
    """REGISTRY with "module:NAME" entries looked up (and dropped where the file is absent)."""
    for path, pattern in registry:
        if isinstance(pattern, str) and pattern.startswith("sociallab.") and ":" in pattern:
            if not (ROOT / path).exists():
                continue
            module, name = pattern.split(":")
            pattern = getattr(importlib.import_module(module), name)
        yield path, pattern


REGISTRY = list(_listed(REGISTRY))

# Calls that compile or apply a pattern given as their first argument.
RE_FUNCTIONS = {"compile", "search", "match", "fullmatch", "findall", "finditer", "sub", "subn", "split"}
PATTERN_CLASSES = {"Regexp", "RegexTokenizer"}


def _compiled(pattern):
    return pattern if isinstance(pattern, re.Pattern) else re.compile(pattern)


def _pattern_sites():
    """(file, pattern text) of every regular expression call in sociallab/, and the files that
    reach the `re` machinery some other way (which this test would not see). A module that compiles
    patterns read from data (the safeguarding rules) lists them all in its `compiled_patterns()`."""
    sites, unseen = set(), []
    for path in sorted((ROOT / "sociallab").rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        tree = ast.parse(source)
        relative = path.relative_to(ROOT).as_posix()
        module = None
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module in ("re", "regex"):
                unseen.append(f"{relative}: from {node.module} import …")
            elif isinstance(node, ast.Import) and any(alias.name == "regex" or alias.asname for alias in node.names
                                                      if alias.name in ("re", "regex")):
                unseen.append(f"{relative}: import {node.names[0].name} (as another name)")
            if not isinstance(node, ast.Call) or not node.args:
                continue
            function = node.func
            is_re_call = (isinstance(function, ast.Attribute) and isinstance(function.value, ast.Name)
                          and function.value.id == "re" and function.attr in RE_FUNCTIONS)
            name = function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", None)
            if not (is_re_call or name in PATTERN_CLASSES):
                continue
            argument = node.args[0]
            if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                value = argument.value
            else:  # an f-string or a name: its value in the module
                module = module or importlib.import_module(relative[:-3].replace("/", "."))
                try:
                    value = eval(ast.unparse(argument), vars(module))  # noqa: S307 — our own source, as written
                except NameError:  # a pattern made at run time, from data
                    if not hasattr(module, "compiled_patterns"):
                        unseen.append(f"{relative}: {ast.unparse(node)} (no compiled_patterns() to list it)")
                        continue
                    sites.update((relative, p.pattern) for p in module.compiled_patterns())
                    continue
            sites.add((relative, value.pattern if isinstance(value, re.Pattern) else value))
    return sites, unseen


def test_every_pattern_in_the_code_is_listed_with_its_worst_cases():
    sites, unseen = _pattern_sites()
    listed = {(path, _compiled(pattern).pattern) for path, pattern in REGISTRY}
    assert not unseen, f"regular expressions used in a way this test cannot see: {unseen}"
    assert sites - listed == set(), ("patterns applied in sociallab/ but not tried here on adversarial "
                                     "input: add them to REGISTRY")
    assert listed - sites == set(), "REGISTRY lists patterns the code no longer has"


# -- adversarial inputs from a pattern's shape -----------------------------------------------

CANDIDATES = "aA1 .-_@é\n\t,(<[`#*x"
CATEGORIES = {
    sre.CATEGORY_DIGIT: str.isdigit, sre.CATEGORY_NOT_DIGIT: lambda c: not c.isdigit(),
    sre.CATEGORY_SPACE: str.isspace, sre.CATEGORY_NOT_SPACE: lambda c: not c.isspace(),
    sre.CATEGORY_WORD: lambda c: c.isalnum() or c == "_",
    sre.CATEGORY_NOT_WORD: lambda c: not (c.isalnum() or c == "_"),
    sre.CATEGORY_LINEBREAK: lambda c: c == "\n", sre.CATEGORY_NOT_LINEBREAK: lambda c: c != "\n",
}


def _in_class(char, items):
    negate = bool(items) and items[0][0] is sre.NEGATE
    found = False
    for op, av in items:
        if op is sre.LITERAL:
            found |= char == chr(av)
        elif op is sre.RANGE:
            found |= av[0] <= ord(char) <= av[1]
        elif op is sre.CATEGORY:
            found |= CATEGORIES[av](char)
    return found != negate


def _options(op, av, groups):
    """Short texts (with the groups they bind) that one node of a parsed pattern matches."""
    if op is sre.LITERAL:
        return [(chr(av), groups)]
    if op is sre.NOT_LITERAL:
        return [("b" if av == ord("a") else "a", groups)]
    if op is sre.ANY:
        return [("a", groups)]
    if op is sre.IN:
        return [(next((c for c in CANDIDATES if _in_class(c, av)), ""), groups)]
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
        low, high, sub = av
        times = min(max(low, 1), high)
        return [(text * times, bound) for text, bound in _sequence(list(sub), groups)]
    if op is sre.SUBPATTERN:
        group, _add, _remove, sub = av
        return [(text, {**bound, group: text} if group else bound) for text, bound in _sequence(list(sub), groups)]
    if op is sre.ATOMIC_GROUP:
        return _sequence(list(av), groups)
    if op is sre.BRANCH:
        return [option for branch in av[1] for option in _sequence(list(branch), groups)]
    if op is sre.GROUPREF_EXISTS:
        return _sequence(list(av[1]), groups)
    if op is sre.GROUPREF:
        return [(groups.get(av, ""), groups)]
    return [("", groups)]  # anchors and lookarounds take no characters


def _sequence(items, groups):
    """Texts matching a sequence of nodes: every alternative of every node appears in one of them."""
    texts = [("", groups)]
    for op, av in items:
        combined = []
        options_per_text = [_options(op, av, bound) for _text, bound in texts]
        widest = max(len(texts), max(len(options) for options in options_per_text))
        for i in range(widest):
            text, _bound = texts[i % len(texts)]
            options = options_per_text[i % len(texts)]
            option, bound = options[i % len(options)]
            combined.append((text + option, bound))
        texts = combined
    return texts


def examples(pattern):
    """Short texts the pattern matches, one or more per alternative."""
    pattern = _compiled(pattern)
    found = [text for text, _groups in _sequence(list(sre_parser.parse(pattern.pattern, pattern.flags)), {})]
    return [text for text in dict.fromkeys(found) if text]


def _fill(unit, size=SIZE):
    return (unit * (size // len(unit) + 1))[:size]


def adversarial(pattern, size=SIZE):
    """`size`-character inputs shaped to make `pattern` backtrack, if it can."""
    inputs = {}
    for example in examples(pattern):
        inputs[f"{example!r} repeated"] = _fill(example, size)
        # Cut where the expected character changes: inside a run of one character, every
        # prefix makes the same input as the run's first.
        for k in (k for k in range(len(example)) if k == 0 or example[k] != example[k - 1]):
            if k:
                inputs[f"{example[:k]!r} repeated"] = _fill(example[:k], size)  # openers, near misses
            inputs[f"{example[:k]!r} then {example[k]!r}×{size}"] = example[:k] + example[k] * (size - k)
            inputs[f"{example[:k + 1]!r} then 'x'×{size}"] = example[:k + 1] + "x" * (size - k - 1)
    return inputs


# Shapes no single pattern spells out: nested brackets, mixed openers, long blank runs.
EXTRA = {
    "nested brackets": "[" * (SIZE // 2) + "]" * (SIZE // 2),
    "unclosed links": _fill("[a]("),
    "unclosed images": _fill("!["),
    "backticks": "`" * SIZE,
    "growing backtick runs": "".join("`" * k + " " for k in range(1, 440)),
    "blank lines": "\n" * SIZE,
    "name then blanks": "Aminata" + " " * SIZE,
    "address run": "1" + " ," * (SIZE // 2),
    "e-mail-like run": _fill("a."),
    "mentions with dots": _fill(" @a" + "." * 50),
    "unclosed tags": _fill("<a "),
    "quote markers": _fill(" \n>"),
}


def _time(function, text):
    started = time.process_time()
    function(text)
    return time.process_time() - started


def _measure(function, inputs, connection, limit):
    for text in inputs.values():
        elapsed = _time(function, text)
        if elapsed > limit:  # a pause of the machine is not the pattern's fault: try again
            elapsed = min(elapsed, _time(function, text))
        connection.send(elapsed)
    connection.close()


def _slow(function, inputs, limit=LIMIT_S):
    """{input name: ms} of the inputs over the limit (twice over: backtracking is slow every
    time). Measured in a child process, stopped when one input runs for HANG_S, since a regular
    expression cannot be interrupted and a catastrophic one would otherwise hang the test run."""
    context = multiprocessing.get_context("fork")
    receiving, sending = context.Pipe(duplex=False)
    child = context.Process(target=_measure, args=(function, inputs, sending, limit), daemon=True)
    child.start()
    sending.close()
    slow = {}
    try:
        for name in inputs:
            if not receiving.poll(2 * HANG_S):
                slow[name] = f"still running after {2 * HANG_S:.0f} s"
                break
            elapsed = receiving.recv()
            if elapsed > limit:
                slow[name] = round(elapsed * 1000)
    finally:
        child.kill()
        child.join()
    return slow


def _run_pattern(pattern):
    def run(text):
        for _match in pattern.finditer(text):
            pass
    return run


@pytest.mark.parametrize("path,pattern", REGISTRY, ids=[f"{p}:{_compiled(r).pattern[:40]}" for p, r in REGISTRY])
def test_pattern_is_linear_on_adversarial_input(path, pattern):
    """Every match of the pattern over 100,000 characters of each worst case: under 100 ms."""
    pattern = _compiled(pattern)
    assert _slow(_run_pattern(pattern), {**adversarial(pattern), **EXTRA}) == {}


def _inputs_of(*patterns):
    """Fewer shapes than for each pattern alone (the patterns are tried one by one above): every
    example repeated, and its near miss repeated."""
    inputs = dict(EXTRA)
    for pattern in patterns:
        for example in examples(pattern):
            inputs[f"{example!r} repeated"] = _fill(example)
            if len(example) > 1:
                inputs[f"{example[:-1]!r} repeated"] = _fill(example[:-1])
    return inputs


TOKENIZE = schema.stemming_analyzer("fr")
FUNCTIONS = [
    ("plain_text", search_text.plain_text,
     (search_text._LINK, search_text._TAG, search_text._MARKUP, search_text._SPACES)),
    ("extract_mentions", mentions.extract_mentions,
     (mentions._MENTION, mentions._FENCED, mentions._INDENTED, mentions._BACKTICKS, mentions._QUOTE)),
    ("extract_mentions with quotes", lambda text: mentions.extract_mentions(text, include_quotes=True),
     (mentions._MENTION, mentions._FENCED, mentions._BACKTICKS)),
    ("highlight_mentions", lambda text: mentions.highlight_mentions(text, {"a", "ana"}),
     (mentions._TAG, mentions._MENTION)),
    ("search analyzer", lambda text: [token.text for token in TOKENIZE(text)], (schema.TOKENS,)),
    ("unique handle base", lambda text: re.sub(r"[^a-z0-9.]+", ".", text.lower()), (r"[^a-z0-9.]+",)),
    # PostgreSQL search: what is stored, the words a query is read as, and the marked snippet.
    ("postgres search text", lambda text: (search_postgres.storable(text), search_postgres.WORD.findall(text),
                                           [m.group(1) for m in search_postgres._MARKED.finditer(text)]),
     (search_postgres.WORD, search_postgres._UNSTORABLE, search_postgres._MARKED)),
]

# The safeguarding check reads every word of the text in Python (a few µs a word, where a pattern
# takes nanoseconds a character): 100,000 characters of one-character words take about 0.3 s. It
# gets ten times the limit, and must grow linearly (below).
CHECK_LIMIT_S = 10 * LIMIT_S
CHECKS = [("safeguarding check", detector.check, tuple(detector.compiled_patterns()))]


@pytest.mark.parametrize("name,function,patterns", FUNCTIONS, ids=[name for name, _f, _p in FUNCTIONS])
def test_function_applied_to_user_text_is_linear(name, function, patterns):
    """The functions that apply the patterns, on the same worst cases: under 100 ms each."""
    assert _slow(function, _inputs_of(*patterns)) == {}


@pytest.mark.parametrize("name,function,patterns", CHECKS, ids=[name for name, _f, _p in CHECKS])
def test_safeguarding_check_is_linear_on_worst_cases(name, function, patterns):
    """The safeguarding check on the worst cases of its patterns (those of its rule files too):
    under a second for 100,000 characters, and eight times the text in less than 20 times as long."""
    assert _slow(function, _inputs_of(*patterns), CHECK_LIMIT_S) == {}
    for unit in ("1.1.1", "Aminata, 12 ans, ", " +221 77 ", "a 14-year-old girl named ", "Ana Morales, ",
                 "école de Kossou ", "1 rue ", "A.K. ", "fille du "):
        small, large = _fill(unit, SIZE // 8), _fill(unit, SIZE)
        fastest_small = min(_time(function, small) for _ in range(3))
        # The best of two runs for the large text too: one garbage collection landing in a single
        # run doubled its time on a busy machine (measured 20.1x once, 8.5x in the same place alone).
        fastest_large = min(_time(function, large) for _ in range(2))
        assert fastest_large / max(fastest_small, 1e-3) < 20, unit


TEXT_MODULES = ("sociallab/search/", "sociallab/content/", "sociallab/accounts/", "sociallab/safeguarding/")


def test_functions_cover_every_pattern_of_the_text_modules():
    """Search text, Markdown helpers, mentions and safeguarding are also tried through their
    functions (form validators and input cleaning apply a pattern alone: tried above)."""
    covered = {_compiled(p).pattern for _name, _function, patterns in FUNCTIONS + CHECKS for p in patterns}
    own = {_compiled(p).pattern for path, p in REGISTRY if path.startswith(TEXT_MODULES)}
    assert own - covered == set()


def test_the_rewritten_patterns_still_find_what_they_are_for():
    text = ("Aminata, 12 ans, vit au 14 rue Carnot. Appeler le +221 77 123 45 67 ou "
            "..aminata.diallo@example.sn. Marie Claire (âgée de 9 ans)")
    assert [(finding.kind, finding.excerpt(text)) for finding in detector.check(text)] == [
        ("name_age", "Aminata, 12 ans"), ("address", "14 rue Carnot"), ("phone", "+221 77 123 45 67"),
        ("email", "aminata.diallo@example.sn"), ("name_age", "Marie Claire (âgée de 9 ans")]
    assert search_text.plain_text("Voir [le guide](https://fr.wikipedia.org/wiki/Justice_(droit)) et "
                                  "![photo](a.png) <b>gras</b> **fort**") == "Voir le guide et photo gras fort"
    # A run of backticks is closed only by a run as long (CommonMark): "``" before "@dan" is text.
    assert mentions.extract_mentions("Merci @ana ! ``code @bob`` et `@carl` `` @dan") == ["ana", "dan"]


def test_the_old_link_pattern_was_caught():
    """The test itself: the pattern that took 16 s on 50,000 "[" fails it within the limit."""
    old = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
    assert _slow(_run_pattern(old), {"brackets": "[" * 8_000}), "the old link pattern should be slow on 8,000 '['"


MARKDOWN_WORST = {
    "unclosed images": "![",
    "reference-like": "[x][",
    "emphasis": "*_",
}


def _render(text):
    return markdown._render(text, None)  # without the cache of render_markdown


@pytest.mark.parametrize("unit", MARKDOWN_WORST.values(), ids=MARKDOWN_WORST.keys())
def test_markdown_rendering_grows_linearly(unit):
    """markdown-it is linear by design but slow on brackets (about 40 µs a character): eight
    times the text may take about eight times as long (less than 20 times, on a noisy machine),
    never 64 times."""
    small, large = _fill(unit, 5_000), _fill(unit, 40_000)
    _render(small[:1000])  # warm up
    fastest_small = min(_time(_render, small) for _ in range(2))
    assert _time(_render, large) / max(fastest_small, 1e-3) < 20


def test_a_long_text_shown_again_is_not_rendered_again():
    """The page of a long resource costs its rendering (seconds for 100,000 characters of "![")
    once per process, not at every visit."""
    body = _fill("![", 20_000)
    first = markdown.render_markdown(body)
    assert _time(markdown.render_markdown, body) < LIMIT_S
    assert markdown.render_markdown(body) == first
    # Kept per site host (links to it are not nofollow); with no link in it, the text renders alike.
    assert markdown._render_cached(body, "lab.example") == str(first)

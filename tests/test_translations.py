"""The message catalogues are up to date with the code, and fully translated into French and Spanish."""
import importlib.util
import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, check_and_call_extract_file
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent


def _i18n_script():
    spec = importlib.util.spec_from_file_location("i18n_script", ROOT / "scripts" / "i18n.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


I18N = _i18n_script()
# Every domain, with or without a catalogue yet: one whose code holds messages must have one.
DOMAINS = ["core", *I18N.DOMAINS]


def extracted_msgids(domain):
    """The msgids `pybabel extract -F babel.cfg -k _l -k lazy_ngettext:1,2` (as scripts/i18n.py runs it) finds."""
    with (ROOT / "babel.cfg").open() as f:
        method_map, options_map = parse_mapping_cfg(f)
    keywords = {**DEFAULT_KEYWORDS, "_l": None, "lazy_ngettext": (1, 2)}
    msgids = set()
    for path in I18N.sources(domain):
        relative = str(path.relative_to(ROOT))
        for _filename, _lineno, message, _comments, _context in check_and_call_extract_file(
                relative, method_map, options_map, callback=None, keywords=keywords, comment_tags=(),
                strip_comment_tags=False, dirpath=str(ROOT)):
            msgids.add(message if isinstance(message, str) else message[0])
    return msgids


def catalogue_msgids(domain):
    po = I18N.catalogue_dir(domain) / "fr" / "LC_MESSAGES" / "messages.po"
    if not po.exists():
        return set()
    with po.open("rb") as f:
        return {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(f) if m.id}


@pytest.mark.parametrize("domain", DOMAINS)
def test_catalogue_holds_every_message_of_its_code(domain):
    missing = sorted(extracted_msgids(domain) - catalogue_msgids(domain))
    assert not missing, (f"{domain}: messages missing from the catalogue; run "
                         f"`.venv/bin/python scripts/i18n.py update {domain}` and translate them: {missing}")


def test_extraction_sees_templates_that_use_jinja_extensions():
    """A template the extractor cannot parse is skipped silently; the form macros use `{% do %}`."""
    assert "Please correct the fields marked below." in extracted_msgids("core")


def test_every_french_and_spanish_message_is_translated():
    missing = I18N.untranslated()
    assert not missing, "untranslated or fuzzy messages:\n" + "\n".join(f"{p}: {m!r}" for p, m in missing)


CATALOGUES = sorted((ROOT / "sociallab").rglob("translations/*/LC_MESSAGES/*.po"))
PLACEHOLDER = re.compile(r"%\((\w+)\)")


def _read(po):
    with po.open("rb") as f:
        return read_po(f)


def _forms(value):
    return list(value) if isinstance(value, (list, tuple)) else [value]


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda po: str(po.relative_to(ROOT / "sociallab")))
def test_no_catalogue_is_marked_fuzzy_as_a_whole(po):
    """`pybabel compile` (without --use-fuzzy, as make translations runs it) skips such a catalogue entirely."""
    assert not _read(po).fuzzy, f"{po.relative_to(ROOT)}: remove '#, fuzzy' from its header once it is checked"


@pytest.mark.parametrize("po", [po for po in CATALOGUES if po.parent.parent.name in ("fr", "es")],
                         ids=lambda po: str(po.relative_to(ROOT / "sociallab")))
def test_every_french_and_spanish_entry_is_translated_and_sure(po):
    """Every catalogue file, whatever its name: a fuzzy entry is left out at compile, an empty one shows English."""
    missing = [m.id for m in _read(po) if m.id and (m.fuzzy or not all(_forms(m.string)))]
    assert not missing, f"{po.relative_to(ROOT)}: fuzzy or empty: {missing}"


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda po: str(po.relative_to(ROOT / "sociallab")))
def test_translations_keep_the_placeholders_of_the_english_text(po):
    """A renamed or invented %(name)s would raise KeyError, a dropped one lose the value, when the page is shown."""
    wrong = []
    for message in _read(po):
        if not message.id:
            continue
        expected = set().union(*(PLACEHOLDER.findall(text) for text in _forms(message.id)))
        for text in filter(None, _forms(message.string)):
            found = set(PLACEHOLDER.findall(text))
            if not found <= expected or (not message.pluralizable and found != expected):
                wrong.append((message.id, text))
    assert not wrong, f"{po.relative_to(ROOT)}: placeholders differ: {wrong}"


def test_make_translations_leaves_fuzzy_entries_out():
    """A fuzzy entry is a guess from a similar English text: compiled, it would show a wrong sentence."""
    recipe = (ROOT / "Makefile").read_text().split("\ntranslations:", 1)[1].split("\n\n", 1)[0]
    assert "pybabel -q compile" in recipe and "--use-fuzzy" not in recipe

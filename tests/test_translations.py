"""The message catalogues are up to date with the code, and fully translated into French and Spanish."""
import importlib.util
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
DOMAINS = [d for d in ("core",) + tuple(I18N.DOMAINS)
           if (I18N.catalogue_dir(d) / "fr" / "LC_MESSAGES" / "messages.po").exists()]


def extracted_msgids(domain):
    """The msgids `pybabel extract -F babel.cfg -k _l` (as scripts/i18n.py runs it) finds in the domain."""
    with (ROOT / "babel.cfg").open() as f:
        method_map, options_map = parse_mapping_cfg(f)
    keywords = {**DEFAULT_KEYWORDS, "_l": None}
    msgids = set()
    for path in I18N.sources(domain):
        relative = str(path.relative_to(ROOT))
        for _filename, _lineno, message, _comments, _context in check_and_call_extract_file(
                relative, method_map, options_map, callback=None, keywords=keywords, comment_tags=(),
                strip_comment_tags=False, dirpath=str(ROOT)):
            msgids.add(message if isinstance(message, str) else message[0])
    return msgids


def catalogue_msgids(domain):
    with (I18N.catalogue_dir(domain) / "fr" / "LC_MESSAGES" / "messages.po").open("rb") as f:
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

"""Extract and update the message catalogues, one per domain package.

    python scripts/i18n.py update [domain ...]   extract strings and update fr/en/es .po files
    python scripts/i18n.py check                 list messages without a French or Spanish translation,
                                                 and French messages not typeset (spaces before ; : ! ?)
    python scripts/i18n.py typography            typeset every French message (also done by update)

A domain's catalogue (sociallab/<domain>/translations) holds the strings of sociallab/<domain>/
and templates/<domain>/; the core catalogue (sociallab/translations) holds everything else.
"""
import subprocess
import sys
import tempfile
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
# Run as `python scripts/i18n.py`, the project's root is not on the path: config names the domains.
sys.path.insert(0, str(ROOT))
import config  # noqa: E402
from sociallab.i18n import french_typography  # noqa: E402

PYBABEL = str(Path(sys.executable).parent / "pybabel")
LANGUAGES = ("fr", "en", "es")
DOMAINS = config.DOMAINS


def sources(domain):
    if domain == "core":
        paths = list((ROOT / "sociallab").glob("*.py"))
        paths += list((ROOT / "sociallab" / "demo").glob("*.py"))
        paths += list((ROOT / "templates").glob("*.html"))
        paths += [p for d in ("_macros", "errors") for p in (ROOT / "templates" / d).glob("*.html")]
        return paths
    paths = list((ROOT / "sociallab" / domain).rglob("*.py"))
    paths += [p for p in (ROOT / "templates" / domain).rglob("*") if p.suffix in (".html", ".txt")]
    return paths


def catalogue_dir(domain):
    return ROOT / "sociallab" / ("translations" if domain == "core" else f"{domain}/translations")


def update(domain):
    files = [str(p.relative_to(ROOT)) for p in sources(domain)]
    if not files:
        return
    target = catalogue_dir(domain)
    target.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(suffix=".pot") as pot:
        subprocess.run([PYBABEL, "-q", "extract", "-F", "babel.cfg",
                        "-k", "_l", "-k", "lazy_ngettext:1,2", "--no-location", "--sort-output",
                        "-o", pot.name, *files],
                       cwd=ROOT, check=True)
        for lang in LANGUAGES:
            po = target / lang / "LC_MESSAGES" / "messages.po"
            command = "update" if po.exists() else "init"
            args = [PYBABEL, "-q", command, "-i", pot.name,
                    "-d", str(target), "-l", lang]
            if command == "update":
                args.append("--no-fuzzy-matching")
            subprocess.run(args, cwd=ROOT, check=True)
    typeset(target / "fr" / "LC_MESSAGES" / "messages.po")


def _typeset_strings(message):
    if isinstance(message.string, (list, tuple)):
        return type(message.string)(french_typography(s) for s in message.string)
    return french_typography(message.string)


def typeset(po):
    """Give every French message of the catalogue its narrow no-break spaces (sociallab.i18n.french_typography).

    Translators type ordinary spaces; the catalogue keeps the typeset text, so whatever compiles it
    (make translations, pybabel in an image build) produces French as it should be printed.
    """
    if not po.exists():
        return
    with po.open("rb") as f:
        catalog = read_po(f)
    changed = False
    for message in catalog:
        if message.id and message.string:
            typeset_string = _typeset_strings(message)
            if typeset_string != message.string:
                message.string = typeset_string
                changed = True
    if changed:
        with po.open("wb") as f:
            write_po(f, catalog, width=76)


def french_catalogues():
    return sorted((ROOT / "sociallab").rglob("translations/fr/LC_MESSAGES/messages.po"))


def untypeset():
    """French messages whose spacing before ; : ! ? or inside « » is not the typeset one."""
    found = []
    for po in french_catalogues():
        with po.open("rb") as f:
            catalog = read_po(f)
        for message in catalog:
            if message.id and message.string and _typeset_strings(message) != message.string:
                message_id = message.id if isinstance(message.id, str) else message.id[0]
                found.append((str(po.relative_to(ROOT)), message_id))
    return found


def untranslated():
    missing = []
    for po in sorted((ROOT / "sociallab").rglob("translations/*/LC_MESSAGES/messages.po")):
        lang = po.parent.parent.name
        if lang == "en":
            continue
        with po.open("rb") as f:
            catalog = read_po(f)
        for message in catalog:
            if not message.id:
                continue
            strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
            if not all(strings) or message.fuzzy:
                message_id = message.id if isinstance(message.id, str) else message.id[0]
                missing.append((str(po.relative_to(ROOT)), message_id))
    return missing


if __name__ == "__main__":
    command, *names = sys.argv[1:] or ["check"]
    if command == "update":
        for name in names or ("core",) + DOMAINS:
            update(name)
    if command == "typography":
        for po in french_catalogues():
            typeset(po)
    missing = untranslated()
    for path, msgid in missing:
        print(f"{path}: {msgid!r}")
    unset = untypeset()
    for path, msgid in unset:
        print(f"{path}: not typeset, run `scripts/i18n.py typography`: {msgid!r}")
    sys.exit(1 if (command == "check" and (missing or unset)) else 0)

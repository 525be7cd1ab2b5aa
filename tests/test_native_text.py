"""Text that reads as native: the classes of mistake a native reader stumbles on, where a test can see them.

French country names take their own preposition and article ("en Colombie", "au Sénégal", "à Madagascar");
a message with a count has plural forms ("1 mandat", not "1 mandats"); French puts a narrow no-break space
before ; : ! ? and inside « » (one helper, sociallab.i18n.french_typography); Spanish says "usted" throughout.
"""
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask_babel import force_locale, ngettext

from sociallab.demo import COUNTRIES, PLACES_IN
from sociallab.extensions import db
from sociallab.i18n import NARROW_NBSP, french_typography
from sociallab.spaces.models import Country, Space, guessed_place_in
from tests.factories.initiatives import make_initiative

ROOT = Path(__file__).resolve().parent.parent
NNBSP = NARROW_NBSP


def _catalogues(lang):
    return sorted((ROOT / "sociallab").rglob(f"translations/{lang}/LC_MESSAGES/messages.po"))


def _entries(lang):
    for po in _catalogues(lang):
        with po.open("rb") as f:
            for message in read_po(f):
                if message.id:
                    yield po.relative_to(ROOT / "sociallab"), message


def _strings(message):
    return [s for s in (message.string if isinstance(message.string, (list, tuple)) else [message.string]) if s]


# --- French country names ----------------------------------------------------------------------

# The rule a French reader applies: "à" before an island named without article, "aux" before a plural,
# "en" before a feminine name or one that starts with a vowel, "au" before a masculine one.
ISLANDS = {"Madagascar", "Cuba", "Haïti", "Maurice", "Chypre", "Malte", "Singapour", "Sri Lanka"}
MASCULINE_IN_E = {"Mexique", "Mozambique", "Cambodge", "Zimbabwe", "Belize"}
PLURAL = {"Comores", "Philippines", "Seychelles", "Maldives", "Bahamas", "États-Unis", "Pays-Bas"}


def expected_french_preposition(name):
    if name in ISLANDS:
        return "à"
    if name in PLURAL:
        return "aux"
    if name[0].lower() in "aeiouyàâéèêîïôöûü" or (name.endswith("e") and name not in MASCULINE_IN_E):
        return "en"
    return "au"


@pytest.mark.parametrize("iso2, fr", [(c[0], c[2]) for c in COUNTRIES])
def test_every_demo_country_says_in_with_the_french_preposition_of_its_name(iso2, fr):
    in_fr, in_en, in_es = PLACES_IN[iso2]
    assert in_fr == f"{expected_french_preposition(fr)} {fr}"
    assert in_en.startswith("in ") and in_es.startswith("en ")


def test_the_country_forms_come_from_the_data_and_the_national_spaces_use_them(app, world):
    colombia = db.session.scalar(db.select(Country).where(Country.iso2 == "co"))
    assert (colombia.place_in("fr"), colombia.place_in("es"), colombia.place_in("en")) == (
        "en Colombie", "en Colombia", "in Colombia")
    for country in db.session.scalars(db.select(Country)):
        space = db.session.scalar(db.select(Space).where(Space.kind == Space.NATIONAL, Space.country_id == country.id))
        assert space.description_fr == f"Les partenaires nationaux {country.place_in('fr')}.", country.iso2
        assert space.description_es == f"Los socios nacionales {country.place_in('es')}.", country.iso2
    madagascar = db.session.scalar(db.select(Country).where(Country.iso2 == "mg"))
    with app.test_request_context("/"), force_locale("fr"):
        assert madagascar.name_in == "à Madagascar"


def test_a_country_added_without_its_forms_gets_the_usual_french_preposition():
    assert guessed_place_in("fr", "Ouganda") == "en Ouganda"
    assert guessed_place_in("fr", "Guinée") == "en Guinée"
    assert guessed_place_in("fr", "Bénin") == "au Bénin"
    assert guessed_place_in("es", "Guatemala") == "en Guatemala"


# --- Plural forms --------------------------------------------------------------------------------

# A number that agrees with no word ("Page 2 of 5", "version 3", a sum in parentheses) needs no plural.
NO_AGREEMENT = {
    "Page %(page)d of %(pages)d",
    "page %(page)d of %(pages)d",
    "version %(number)d",
    "Adults cannot be fewer than women and men together (%(n)s).",
    "Children cannot be fewer than girls and boys together (%(n)s).",
    "Children and adults add up to %(parts)s, more than the total %(total)s.",
    "Girls, boys, women, men and not specified add up to %(parts)s, not %(total)s.",
}
COUNT = re.compile(r"%\(\w+\)d|%d|%\((?:n|num|count|number|total)\)s")


def test_every_message_with_a_count_has_plural_forms():
    singular_only = sorted({(str(po), m.id) for po, m in _entries("en")
                            if not m.pluralizable and COUNT.search(m.id) and m.id not in NO_AGREEMENT})
    assert not singular_only, ("use ngettext (a count needs plural forms, '1 mandats' otherwise): "
                               f"{singular_only}")


def test_french_and_spanish_plurals_have_both_forms():
    wrong = [(str(po), m.id[0], list(m.string)) for lang in ("fr", "es") for po, m in _entries(lang)
             if m.pluralizable and (len(m.string) < 2 or not all(m.string))]
    assert not wrong, wrong


def test_a_single_current_mandate_reads_in_the_singular(app):
    with app.test_request_context("/"), force_locale("fr"):
        assert ngettext("current or future mandate", "current or future mandates", 1) == "mandat en cours ou à venir"
        assert ngettext("current or future mandate", "current or future mandates", 2) == \
            "mandats en cours ou à venir"


# --- French typography ---------------------------------------------------------------------------

@pytest.mark.parametrize("typed, printed", [
    ("Langue:", f"Langue{NNBSP}:"),
    ("Markdown :", f"Markdown{NNBSP}:"),
    ("Mot de passe oublié ?", f"Mot de passe oublié{NNBSP}?"),
    ("Vraiment !", f"Vraiment{NNBSP}!"),
    ("dont ; reste", f"dont{NNBSP}; reste"),
    ("« %(title)s »", f"«{NNBSP}%(title)s{NNBSP}»"),
    ("«titre»", f"«{NNBSP}titre{NNBSP}»"),
    ("https://example.org/a?b=1 à 20:18", "https://example.org/a?b=1 à 20:18"),
    ("a &amp; b", "a &amp; b"),
    ('<a href="/x?y=1">ici</a> : là', f'<a href="/x?y=1">ici</a>{NNBSP}: là'),
])
def test_french_typography_puts_a_narrow_no_break_space_before_high_punctuation(typed, printed):
    assert french_typography(typed) == printed
    assert french_typography(printed) == printed


def test_every_french_message_is_typeset_by_the_helper():
    """scripts/i18n.py update (or typography) applies the helper; a message typed since is caught here."""
    untypeset = [(str(po), m.id) for po, m in _entries("fr")
                 if any(french_typography(s) != s for s in _strings(m))]
    assert not untypeset, f"run `.venv/bin/python scripts/i18n.py typography`: {untypeset}"


def test_no_template_puts_punctuation_outside_the_message_it_ends():
    """`{{ _("Language") }}:` cannot be spaced in French: the colon belongs inside the message."""
    outside = re.compile(r"""_\((?:"[^"]*"|'[^']*')\)\s*\}\}[:;?!]""")
    found = [f"{path.relative_to(ROOT)}:{n}" for path in (ROOT / "templates").rglob("*.html")
             for n, line in enumerate(path.read_text().splitlines(), 1) if outside.search(line)]
    assert not found, found


def test_french_pages_show_the_narrow_no_break_space(client, world):
    html = client.get("/login", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert f"Mot de passe oublié{NNBSP}?" in html
    assert f"Langue{NNBSP}:" in html
    assert " ?" not in html.replace("&nbsp;?", "") and "Langue:" not in html


# --- One Spanish register: usted -----------------------------------------------------------------

TU_WORDS = {"tú", "tu", "tus", "te", "ti", "contigo", "puedes", "tienes", "quieres", "debes", "estás", "eres",
            "sabes", "necesitas", "inténtalo", "guárdalo", "ábrelo", "elígelo", "revísalo", "cámbialo", "quítalo"}
# A tú imperative starts a sentence; the same word inside one is often the usted form of another verb
# ("el mensaje vuelve a ser visible", "Recibe este correo" = usted recibe).
TU_IMPERATIVES = {"haz", "elige", "escribe", "introduce", "deja", "corrige", "explica", "indica", "revisa",
                  "añade", "sube", "prueba", "intenta", "pulsa", "usa", "crea", "cambia", "guarda", "abre", "pide",
                  "busca", "completa", "confirma", "da", "pon", "di", "ve", "ten", "sal", "borra", "elimina"}
NOT_TU = {"existe", "insiste", "consiste", "asiste", "resiste", "viste"}
TU_FUTURE = re.compile(r"\w+(?:arás|erás|irás|drás|brás)")
WORD = re.compile(r"[A-Za-zÁÉÍÓÚÜÑáéíóúüñ]+")


def tu_markers(text):
    found = []
    words = [(m.start(), m.group(0)) for m in WORD.finditer(text)]
    for start, word in words:
        lower = word.lower()
        starts_sentence = not text[:start].strip() or text[:start].rstrip()[-1] in ".:;!?¿¡(«\""
        if lower in TU_WORDS or (starts_sentence and lower in TU_IMPERATIVES):
            found.append(word)
        elif lower not in NOT_TU and (lower.endswith(("aste", "iste")) or TU_FUTURE.fullmatch(lower)):
            found.append(word)  # señalaste, probaste; podrás, recibirás
    return found


def test_the_marker_list_sees_tu_and_leaves_usted():
    assert tu_markers("No puedes hacer esto.") == ["puedes"]
    assert tu_markers("Elige una etapa.") == ["Elige"]
    assert tu_markers("El mensaje que señalaste") == ["señalaste"]
    assert tu_markers("%(author)s te mencionó") == ["te"]
    assert not tu_markers("Esta página no existe o usted no tiene acceso a ella. El mensaje vuelve a ser visible.")
    assert not tu_markers("Elija una etapa. Recibe este correo según sus preferencias. Dé un título.")
    assert not tu_markers("Vuelva atrás y use los botones de la página.")
    assert tu_markers("Recibirás un enlace.") == ["Recibirás"]


def test_spanish_speaks_usted_in_every_catalogue():
    found = [(str(po), s, tu_markers(s)) for po, m in _entries("es") for s in _strings(m) if tu_markers(s)]
    assert not found, "Spanish uses usted throughout: " + "\n".join(map(str, found))


# --- Labels ---------------------------------------------------------------------------------------

def test_an_author_submitting_writes_to_the_moderators_and_a_moderator_to_the_authors(app, client, auth, world):
    initiative = make_initiative(world)
    auth.login(world.member.email)  # French, the author
    html = client.get(f"/initiatives/{initiative.id}").get_data(as_text=True)
    assert "Message aux modérateurs" in html and "Commentaire pour les auteurs" not in html

"""What the safeguarding detector flags in French, English and Spanish, what it leaves alone, and
how a flagged text is redacted."""
import statistics
import time

import pytest

from sociallab.safeguarding import detector
from sociallab.safeguarding.detector import PLACEHOLDERS, REASONS, Finding, check, placeholder, redact


def _found(text, language=None):
    return [(finding.kind, finding.excerpt(text)) for finding in check(text, language)]


IDENTIFYING = [
    # a name next to an age
    ("fr", "Aminata, 13 ans, a quitté l'école.", "name_age", "Aminata, 13 ans"),
    ("fr", "aminata 13 ans elle est partie chez sa tante", "name_age", "aminata 13 ans"),
    ("fr", "Nous avons reçu Kouassi (âgé de 11 ans) au centre.", "name_age", "Kouassi (âgé de 11 ans"),
    ("en", "a 14-year-old girl named Grace was referred to us.", "name_age", ("14-year-old", "Grace")),
    ("en", "Kwame, 12, sells water at the motor park.", "name_age", "Kwame, 12"),
    ("en", "Rivo, a nine-year-old boy, was brought to the shelter.", "name_age", ("Rivo", "nine-year-old")),
    ("es", "niña de 10 años, Camila, fue atendida.", "name_age", "10 años, Camila"),
    ("es", "Brayan tiene 13 años y ya no va al colegio.", "name_age", "Brayan tiene 13 años"),
    ("es", "la mama de nayeli (8 años) vino a la oficina", "name_age", "nayeli (8 años"),
    # initials
    ("fr", "A.K., 12 ans, du quartier Bel-Air.", "name_age", "A.K., 12 ans"),
    ("en", "M.T. lives in Kibera Estate with her aunt.", "name_place", "M.T. lives in Kibera Estate"),
    # a name with a place, a school or a class
    ("fr", "Moussa vit à Yopougon avec sa tante.", "name_place", "Moussa vit à Yopougon"),
    ("fr", "La petite Awa est élève à l'école primaire de Kossou.", "name_school",
     ("Awa", "école primaire de Kossou")),
    ("en", "Esther attends Kibera Primary School.", "name_school", "Esther attends Kibera Primary School"),
    ("es", "Camila vive en la vereda El Salitre.", "name_place", ("Camila", "vereda El Salitre")),
    ("es", "Mateo está en quinto grado.", "name_school", ("Mateo", "quinto grado")),
    # one child's age and the place where they live or study, without a name
    ("fr", "Une fille de 12 ans du quartier Médina a été reçue.", "age_place", "12 ans du quartier Médina"),
    ("en", "a 9-year-old from Kasenga village called the team.", "age_place", "9-year-old from Kasenga village"),
    ("es", "Un niño de 11 años del barrio El Paraíso fue atendido.", "age_place", "11 años del barrio El Paraíso"),
    # a child named through a relative
    ("fr", "La fille du pêcheur Moussa ne va plus à l'école.", "name_child", "fille du pêcheur Moussa"),
    ("es", "La hija del pescador Mateo dejó de estudiar.", "name_child", "hija del pescador Mateo"),
    # dates of birth
    ("fr", "Née le 3 mars 2012 à Toamasina.", "birth_date", "Née le 3 mars 2012"),
    ("en", "Date of birth: 12/03/2011.", "birth_date", "Date of birth: 12/03/2011"),
    ("es", "nacida el 5 de junio de 2013 en Tumaco", "birth_date", "nacida el 5 de junio de 2013"),
    # phones, e-mails, addresses
    ("fr", "Appeler sa mère au +221 77 123 45 67 le soir.", "phone", "+221 77 123 45 67"),
    ("en", "Her phone is 0712 345 678.", "phone", "0712 345 678"),
    ("es", "El teléfono de la mamá es 987 654 321.", "phone", "987 654 321"),
    ("fr", "Écrire à fatou.diallo@gmail.com pour la suite.", "email", "fatou.diallo@gmail.com"),
    ("fr", "La famille loge au 14 bis, rue des Lilas.", "address", "14 bis, rue des Lilas"),
    ("en", "The family moved to 12 Kibera Road last week.", "address", "12 Kibera Road"),
    ("es", "Viven en la Calle 45 # 12-30 del barrio.", "address", "Calle 45 # 12-30"),
    # identity, birth-certificate and case-file numbers
    ("fr", "Acte de naissance n° 1234/2011 transmis au juge.", "id_number", "1234/2011"),
    ("en", "Case file CF-2023-0142 was opened on Monday.", "id_number", "CF-2023-0142"),
    ("es", "Número de cédula de la adolescente: 1.023.456.789.", "id_number", "1.023.456.789"),
]


@pytest.mark.parametrize("language,text,kind,excerpt", IDENTIFYING, ids=[str(row[3]) for row in IDENTIFYING])
def test_what_could_identify_a_child_is_found(language, text, kind, excerpt):
    found = _found(text, language)
    if isinstance(excerpt, tuple):
        # Words stand between the two passages: each is marked on its own, the words between kept.
        assert [e for _kind, e in found] == list(excerpt) and found[0][0] == kind
    else:
        assert (kind, excerpt) in found


ORDINARY = [
    "Nina Volunteer",  # a person's name on a profile: "Nina" is a name here, not "niña"
    "60 % of those reached were children.",
    "Children aged 10 to 14 attended the sessions in Bouaké.",
    "Les enfants de 10 à 14 ans ont participé aux ateliers du quartier.",
    "En el marco del proyecto, 45 niñas de 12 a 17 años participaron en los talleres.",
    "the project coordinator, Ana Morales, presented the results.",
    "La coordinatrice du projet, Ana Morales, a présenté les résultats à l'école de Kossou.",
    "La jueza Morales recibió el caso en Tumaco.",
    "Maître Diop, avocat de l'association, a plaidé à Dakar.",
    "Dr Kamau, the district psychologist, visited Kibera Primary School.",
    "Notre siège : 14 rue Carnot, Dakar. Standard : +221 33 823 45 67. Écrire à contact@ong.org",
    "Our head office is at 12 Kibera Road; switchboard +254 20 123 4567; info@partner.org.",
    "Nuestra sede: Av. Arequipa 2450, Lince; centralita (01) 422 1100.",
    "The national child helpline 116 is free, as is the 3919.",
    "The workshop took place on 12 March 2023 in Bouaké, twelve years after the law.",
    "Law No. 2010-04 on child protection and Décret n° 2012-1234 were discussed.",
    "La Ley 1098 de 2006 es el Código de la Infancia.",
    "Le budget de 12 500 000 FCFA a été exécuté entre 2019-2023.",
    "Grâce à l'école de Kossou, 200 enfants ont été scolarisés depuis 10 ans.",
    "Visitamos la escuela Juan Pablo II de San Pedro Sula para presentar la campaña.",
    "The Child Protection Act 2012 requires every school to appoint a focal point.",
    "Les filles de 12 ans du quartier Médina ont participé aux séances.",
    "Children aged 12 at the Kossou school took part.",
    "El programa atendió a niñas de 12 años en la vereda El Salitre.",
    "En 2023, 12 ans après la loi, le village de Kossou a ouvert une école.",
]


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_programme_text_is_left_alone(text):
    assert _found(text) == []


def test_every_language_is_checked_whatever_the_language_argument():
    for language in ("fr", "en", "es", None, "pt"):
        assert _found("niña de 10 años, Camila, fue atendida.", language) == [("name_age", "10 años, Camila")]
        assert _found("Aminata, 13 ans.", language) == [("name_age", "Aminata, 13 ans")]


def test_missing_accents_and_capitals_read_alike():
    assert _found("nee le 3 mars 2012 a toamasina") == [("birth_date", "nee le 3 mars 2012")]
    assert _found("NÉE LE 3 MARS 2012") == [("birth_date", "NÉE LE 3 MARS 2012")]
    assert _found("camila 10 anos vive en la vereda") == [("name_age", "camila 10 anos")]


def test_an_ambiguous_first_name_needs_its_capital():
    assert _found("grâce à sa mère, 12 ans après") == []
    assert _found("Sa sœur Rose, 12 ans, est restée au village.") == [("name_age", "Rose, 12 ans")]


def test_findings_are_sorted_do_not_overlap_and_have_a_reason():
    text = "Fatou, 12 ans, tél. 77 123 45 67, fatou@gmail.com. Moussa, 9 ans, vit à Yopougon."
    findings = check(text)
    assert [f.kind for f in findings] == ["name_age", "phone", "email", "name_age"]
    assert all(a.end <= b.start for a, b in zip(findings, findings[1:], strict=False))
    assert all(str(f.reason) == str(REASONS[f.kind]) for f in findings)
    assert all(kind in REASONS for kind in ("name_age", "name_place", "name_school", "name_child", "age_place",
                                            "birth_date", "phone", "email", "address", "id_number"))


def test_a_finding_travels_as_a_dict():
    finding = Finding(4, 10, "phone")
    assert finding.as_dict() == {"start": 4, "end": 10, "kind": "phone"}
    assert Finding.from_dict({"start": "4", "end": 10, "kind": "phone"}) == finding
    assert finding.excerpt("tel 771234 x") == "771234"
    assert str(Finding(0, 1, "unknown").reason) == "unknown"


def test_a_text_full_of_numbers_lists_a_bounded_number_of_them():
    text = " ".join(f"+221 77 123 45 {n:02d}." for n in range(60))
    assert len(check(text)) == detector.MAX_FINDINGS_PER_KIND


def test_empty_text():
    assert check("") == [] and check(None) == []
    assert redact(None, [], "fr") == ""


# -- redaction ---------------------------------------------------------------------------------------

def test_redact_uses_the_placeholder_of_the_text_language():
    text = "Aminata, 13 ans, a quitté l'école."
    assert redact(text, check(text), "fr") == "[retiré], a quitté l'école."
    assert redact(text, check(text), "en") == "[removed], a quitté l'école."
    assert redact(text, check(text), "es") == "[retirado], a quitté l'école."
    assert placeholder("de") == placeholder(None) == "[removed]"
    assert PLACEHOLDERS == {"fr": "[retiré]", "en": "[removed]", "es": "[retirado]"}


def test_redact_several_findings_keeps_the_rest_of_the_text():
    text = "Kwame, 12, sells water; call +233 24 123 4567 or kwame.mensah@yahoo.com. The rest stays."
    redacted = redact(text, check(text, "en"), "en")
    assert redacted == "[removed], sells water; call [removed] or [removed]. The rest stays."
    assert check(redacted) == []


def test_redact_adjacent_and_overlapping_spans():
    text = "abcdefghij"
    adjacent = [Finding(0, 3, "phone"), Finding(3, 5, "email")]
    assert redact(text, adjacent, "fr") == "[retiré][retiré]fghij"
    overlapping = [Finding(2, 6, "phone"), Finding(4, 8, "email")]
    assert redact(text, overlapping, "en") == "ab[removed]ij"
    assert redact(text, [Finding(8, 30, "phone")], "en") == text  # a span beyond the text is ignored
    assert redact(text, list(reversed(adjacent)), "es") == "[retirado][retirado]fghij"


# -- rules and speed ---------------------------------------------------------------------------------

def test_rules_are_read_once_from_the_rule_files():
    rules = detector.rules()
    assert rules is detector.rules()
    assert {"aminata", "camila", "hery", "grace"} <= rules.first_names | rules.ambiguous
    assert (detector.RULES_DIR / "README.md").exists()
    assert {"fr.toml", "en.toml", "es.toml", "common.toml"} <= {p.name for p in detector.RULES_DIR.glob("*.toml")}


REPORT = (
    "Au cours du trimestre, l'équipe a animé 24 ateliers dans 6 écoles du quartier de Yopougon et du village "
    "de Kossou ; 60 % des participants étaient des filles de 10 à 14 ans. La coordinatrice du projet, "
    "Ana Morales, a présenté les résultats au comité le 12 mars 2023. Le budget de 12 500 000 FCFA a été "
    "exécuté à 85 %. Contact : contact@ong.org, standard +221 33 823 45 67. "
    "The project coordinator, John Mensah, met the district officer in Buea; children aged 10 to 14 took "
    "part in 18 sessions. Law No. 2010-04 was presented to parents. "
    "Las niñas de 12 a 17 años participaron en los talleres de la vereda El Salitre; la jueza Morales "
    "acompañó la jornada del 5 de junio. "
)
IDENTIFYING_LINES = ("Aminata, 13 ans, vit dans le quartier Médina. ", "Kwame, 12, sells water at the park. ",
                     "Camila tiene 10 años y vive en el barrio El Paraíso. ")


def _post(size=5_000):
    text, k = "", 0
    while len(text) < size:
        text += REPORT + IDENTIFYING_LINES[k % 3]
        k += 1
    return text[:size]


def test_checking_a_5000_character_post_takes_under_20_ms():
    text = _post()
    check(text)  # rules read
    runs = []
    for _ in range(9):
        started = time.process_time()
        check(text)
        runs.append(time.process_time() - started)
    median = statistics.median(runs)
    print(f"\n5,000-character post: median {median * 1000:.1f} ms over 9 runs")
    assert median < 0.020, f"median {median * 1000:.1f} ms"


def test_a_100000_character_text_is_checked_in_reasonable_time():
    text = _post(100_000)
    started = time.process_time()
    findings = check(text)
    elapsed = time.process_time() - started
    print(f"\n100,000-character post: {elapsed * 1000:.0f} ms, {len(findings)} findings")
    assert findings and elapsed < 1.0

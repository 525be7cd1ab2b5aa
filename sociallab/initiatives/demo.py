"""Demo initiatives across the countries and stages, with journals and indicator values.

Built through the same services as the pages (stage machine, curation, indicators), so the
timeline, audit log and notifications look as they would in real use. Running it again adds
nothing: an initiative whose title exists is skipped.
"""
from datetime import date, timedelta

from sociallab.accounts.models import User
from sociallab.extensions import db
from sociallab.initiatives import curation, indicators, services, stages
from sociallab.initiatives.models import IndicatorValue, Initiative, JournalEntry
from sociallab.spaces.models import Country, Organisation, Space, Theme

PATH = ("idea", "design", "pilot", "evaluation", "adjustment", "capitalised")
QUARTERS = (date(2025, 3, 31), date(2025, 6, 30), date(2025, 9, 30), date(2025, 12, 31))

STAGE_COMMENTS = {
    "design": "Atelier de conception tenu avec les partenaires.",
    "pilot": "Le dispositif est prêt : lancement du pilote.",
    "evaluation": "Fin du pilote, évaluation avec les enfants et les professionnels.",
    "adjustment": "L'évaluation demande des ajustements.",
    "capitalised": "Pratique documentée et validée par les partenaires.",
    "scaled": "Extension à d'autres juridictions.",
    "stopped": "Financement terminé ; les enseignements sont consignés dans le journal.",
}

# (title, author country, space slug or None for national, co-lead (country, index) list, stage,
#  status, featured, themes, lang, summary, indicators: (name, measures, [actual rows per quarter]))
INITIATIVES = [
    ("Formación de 500 profesionales de la justicia en justicia adaptada a la niñez", "pe", None, [("pe", 1)],
     "capitalised", "published", True, ["child-friendly-justice", "justice-for-children"], "es",
     "Un programa de formación para fiscales, jueces y policías, co-dirigido por dos socios peruanos.",
     [("Profesionales formados", "trained",
       [{"total": 120, "women": 70, "men": 50}, {"total": 260, "women": 140, "men": 120},
        {"total": 410, "women": 215, "men": 195}, {"total": 500, "women": 262, "men": 238}])]),
    ("Salle d'audition adaptée aux enfants au tribunal de Dakar", "sn", None, [("sn", 3)], "pilot", "published",
     False, ["child-friendly-justice", "right-to-be-heard"], "fr",
     "Une salle aménagée où les enfants victimes et témoins sont entendus une seule fois, par une personne formée.",
     [("Enfants entendus dans la salle adaptée", "reached",
       [{"total": 38, "girls": 22, "boys": 16}, {"total": 95, "girls": 57, "boys": 38},
        {"total": 160, "girls": 97, "boys": 63}])]),
    ("Clubs d'enfants pour la participation dans les écoles de Lomé", "tg", None, [], "design", "published", False,
     ["participation", "right-to-be-heard"], "fr",
     "Des clubs où les élèves débattent de leurs droits et portent leurs propositions aux directions d'école.",
     [("Élèves membres des clubs", "reached", [{"total": 240, "girls": 130, "boys": 110}]),
      ("Parents associés aux clubs", "reached", [{"total": 150, "women": 96, "men": 54}])]),
    ("Protocole de référencement des enfants victimes de violences", "bf", None, [("bf", 1)], "evaluation",
     "published", False, ["protection-violence"], "fr",
     "Un circuit unique entre services sociaux, santé, police et justice pour orienter chaque enfant victime.",
     [("Enfants orientés selon le protocole", "reached",
       [{"total": 310, "girls": 180, "boys": 130}, {"total": 720, "girls": 401, "boys": 305, "unspecified": 14}]),
      ("Professionnels formés au protocole", "trained", [{"total": 85, "women": 41, "men": 44}]),
      ("Membres des communautés sensibilisés", "reached",
       [{"total": 600, "women": 330, "men": 270}, {"total": 1450, "women": 790, "men": 640, "unspecified": 20}])]),
    ("Procédures d'audition sans re-traumatisation à la brigade des mineurs", "mg", None, [("mg", 1)],
     "adjustment", "published", False, ["child-friendly-justice", "protection-violence"], "fr",
     "Des procédures d'audition revues avec la brigade des mineurs pour éviter de faire répéter les enfants.",
     [("Auditions conduites selon la procédure", "reached",
       [{"total": 60, "girls": 35, "boys": 25}, {"total": 140, "girls": 80, "boys": 60}])]),
    ("Sensibilisation communautaire contre le travail des enfants dans les plantations", "ci", None, [],
     "pilot", "submitted", False, ["child-labour", "protection-violence"], "fr",
     "Des comités villageois informent les familles et repèrent les enfants au travail dans les plantations.",
     [("Personnes sensibilisées", "reached", [{"total": 1800, "children": 700, "adults": 1100}])]),
    ("Réseau régional de formateurs en justice pour enfants", "sn", "region-ssa", [("ci", 1), ("tg", 1)],
     "scaled", "published", True, ["justice-for-children", "child-friendly-justice"], "fr",
     "Un réseau de formateurs nationaux qui démultiplient la formation des acteurs de la justice dans la région.",
     [("Acteurs de la justice formés", "trained",
       [{"total": 300, "women": 140, "men": 160}, {"total": 780, "women": 372, "men": 408},
        {"total": 1200, "women": 590, "men": 610}])]),
    ("Ligne d'écoute pour enfants victimes de violence", "ma", None, [("ma", 1)], "pilot", "published", False,
     ["protection-violence", "sgbv"], "fr",
     "Une ligne d'écoute gratuite, tenue par des écoutants formés, qui oriente vers les services de protection.",
     [("Appels d'enfants traités", "reached",
       [{"total": 420, "girls": 260, "boys": 150, "unspecified": 10},
        {"total": 910, "girls": 560, "boys": 330, "unspecified": 20}])]),
    ("Éducation sexuelle et reproductive par les pairs", "tn", None, [], "idea", "draft", False,
     ["sexual-reproductive-education", "gender-equality"], "fr",
     "Former des jeunes pairs éducateurs pour parler santé sexuelle et reproductive avec les adolescents.", []),
    ("Mesas de participación de niñas, niños y adolescentes", "co", None, [("co", 1)], "evaluation", "published",
     False, ["participation", "right-to-be-heard"], "es",
     "Mesas municipales donde niñas, niños y adolescentes presentan propuestas a las autoridades locales.",
     [("Niñas, niños y adolescentes participantes", "reached",
       [{"total": 150, "girls": 84, "boys": 66}, {"total": 390, "girls": 215, "boys": 175}]),
      ("Funcionarios municipales participantes", "reached", [{"total": 64, "women": 38, "men": 26}])]),
    ("Protocolo de atención a víctimas de violencia sexual en la Fiscalía", "hn", None, [("hn", 1)], "stopped",
     "published", False, ["sgbv", "child-friendly-justice"], "es",
     "Un protocolo de atención inmediata e integral a niñas y niños víctimas de violencia sexual.",
     [("Víctimas atendidas según el protocolo", "reached", [{"total": 75, "girls": 61, "boys": 14}])]),
    ("Escuelas libres de violencia de género", "cr", None, [], "design", "changes_requested", False,
     ["gender-equality", "sgbv"], "es",
     "Un programa escolar para prevenir la violencia de género con docentes, estudiantes y familias.", []),
    ("Guide international d'audition de l'enfant", "sn", "international", [("pe", 0), ("ma", 0)], "capitalised",
     "published", True, ["right-to-be-heard", "child-friendly-justice"], "fr",
     "Un guide commun, issu des expériences du Sénégal, du Pérou et du Maroc, pour entendre l'enfant à chaque étape.",
     [("Professionnels ayant utilisé le guide", "trained", [{"total": 640, "women": 350, "men": 290}])]),
]

JOURNAL = [
    ("Nous avons testé une première audition dans la salle avec une psychologue et un juge derrière la vitre.",
     "Les enfants parlent plus longtemps et demandent moins de pauses ; "
     "le matériel d'enregistrement a coupé deux fois.",
     "Un technicien vérifie désormais l'enregistrement avant chaque audition."),
    ("Formation de deux jours des premiers professionnels avec des mises en situation.",
     "Les mises en situation sont les moments les plus appréciés ; le module théorique est trop long.",
     "Le module théorique passe à une demi-journée, les cas pratiques sont doublés."),
]


def _org(organisations, iso2, index):
    return organisations[iso2][min(index, len(organisations[iso2]) - 1)]


def seed():
    organisations = {}
    for organisation in db.session.scalars(db.select(Organisation).join(Country).order_by(Organisation.id)):
        organisations.setdefault(organisation.country.iso2, []).append(organisation)
    themes = {t.code: t for t in db.session.scalars(db.select(Theme))}
    moderator = db.session.scalar(db.select(User).where(User.email == "moderator@example.org"))
    existing = set(db.session.scalars(db.select(Initiative.title)))
    start = date.today() - timedelta(days=420)
    for n, (title, iso2, space_slug, co_leads, stage, status, featured, theme_codes, lang, summary,
            indicator_rows) in enumerate(INITIATIVES):
        if title in existing:
            continue
        author = db.session.scalar(db.select(User).where(User.email == f"member.{iso2}@example.org"))
        if author is None or moderator is None:
            continue
        space = db.session.scalar(db.select(Space).where(Space.slug == (space_slug or f"country-{iso2}")))
        data = services.InitiativeData(
            title=title, summary=summary, lang=lang, lead_organisation=author.organisation,
            co_leads=[_org(organisations, c, i) for c, i in co_leads
                      if _org(organisations, c, i) != author.organisation],
            themes=[themes[c] for c in theme_codes if c in themes], countries=[],
            problem=summary, approach="Approche expérimentale, évaluée avec les enfants et les professionnels.",
            target_groups="Enfants victimes et témoins ; professionnels de la justice et de la protection",
            start_date=start + timedelta(days=20 * n), end_date=None)
        initiative = services.create_initiative(space, author, data)
        _walk_stages(initiative, stage, author)
        _add_journal(initiative, author, n)
        _add_indicators(initiative, author, indicator_rows)
        _curate(initiative, status, featured, author, moderator)
    db.session.flush()


def _walk_stages(initiative, target, author):
    path = [s for s in PATH if s != "idea"]
    if target == "scaled":
        path = path[:-1] + ["capitalised", "scaled"]
    elif target == "stopped":
        path = ["design", "pilot", "stopped"]
    else:
        path = path[:path.index(target) + 1] if target in path else []
    for step in path:
        if step in stages.allowed_moves(initiative.stage):
            stages.change_stage(initiative, step, author, STAGE_COMMENTS[step])


def _add_journal(initiative, author, n):
    tried, observed, adjusted = JOURNAL[n % len(JOURNAL)]
    if initiative.stage not in ("idea", "design"):
        db.session.add(JournalEntry(initiative=initiative, author_id=author.id, entry_date=QUARTERS[0],
                                    tried=tried, observed=observed, adjusted=adjusted, lang="fr"))


def _add_indicators(initiative, author, indicator_rows):
    for name, measures, actuals in indicator_rows:
        indicator = indicators.save_indicator(initiative, author, name, "personnes", "", measures)
        # An indicator may have fewer quarters of values than the year has: zip stops there.
        for quarter, actual in zip(QUARTERS, actuals, strict=False):
            rows = {"baseline": None, "target": None, "actual": _complete(dict(actual))}
            if quarter == QUARTERS[0]:
                rows["baseline"] = _complete({"total": 0})
                rows["target"] = _complete({"total": max(a["total"] for a in actuals) * 5 // 4})
            indicators.record_values(indicator, quarter, rows, author)


def _complete(cells):
    values = {c: cells.get(c) for c in IndicatorValue.CELLS}
    errors = indicators.check_breakdown("actual", values)
    if errors:
        # The demo's own figures are wrong: stop seeding rather than store them.
        raise ValueError(errors)
    return values


def _curate(initiative, status, featured, author, moderator):
    if status == "draft":
        return
    curation.curate(initiative, "submit", author)
    if status == "changes_requested":
        curation.curate(initiative, "request_changes", moderator,
                        "Merci ! Pouvez-vous préciser les indicateurs et le calendrier du pilote ?")
    elif status in ("published", "archived"):
        curation.curate(initiative, "approve", moderator, "Initiative claire et bien documentée.")
        if featured:
            curation.curate(initiative, "feature", moderator, "Une pratique à partager avec tout le Laboratoire.")

"""Demo resources: a toolkit in three linked languages and a few guides and reports (idempotent)."""
from sociallab.accounts.models import User
from sociallab.extensions import db
from sociallab.knowledge.models import Resource
from sociallab.knowledge.services import add_resource
from sociallab.spaces.models import Space

TOOLKIT = {
    "fr": ("Boîte à outils : l'audition filmée de l'enfant victime ou témoin",
           "Préparer, conduire et conserver une audition filmée qui évite à l'enfant de répéter son récit.",
           ("## Pourquoi filmer l'audition\n\nUne seule audition, enregistrée dans un cadre adapté, évite à "
           "l'enfant de raconter plusieurs fois les violences subies devant la police, le juge et le tribunal.\n\n"
           "## Les étapes\n\n1. Préparer la salle d'audition adaptée aux enfants.\n2. Expliquer à l'enfant, "
           "avec des mots simples, ce qui va se passer et son droit d'être entendu.\n3. Conduire l'entretien "
           "selon un protocole validé (questions ouvertes, pas de questions suggestives).\n4. Conserver "
           "l'enregistrement de façon confidentielle.\n\n> Ne jamais noter le nom, l'âge et l'école d'un enfant "
           "dans un même document partagé.")),
    "en": ("Toolkit: video-recorded interviews of child victims and witnesses",
           ("Preparing, conducting and keeping a recorded interview so that the child does not have to repeat "
           "their account."),
           ("## Why record the interview\n\nOne interview, recorded in a child-friendly setting, spares the child "
           "from recounting the violence again to the police, the judge and the court.\n\n## Steps\n\n"
           "1. Prepare a child-friendly interview room.\n2. Explain to the child, in plain words, what will "
           "happen and their right to be heard.\n3. Conduct the interview following a validated protocol "
           "(open questions, no leading questions).\n4. Keep the recording confidential.\n\n> Never write a "
           "child's name, age and school in the same shared document.")),
    "es": ("Caja de herramientas: la entrevista grabada de niñas y niños víctimas o testigos",
           ("Preparar, conducir y conservar una entrevista grabada para que la niña o el niño no tenga que "
           "repetir su relato."),
           ("## Por qué grabar la entrevista\n\nUna sola entrevista, grabada en un espacio adaptado, evita que "
           "la niña o el niño relate varias veces la violencia sufrida ante la policía, el juez y el tribunal."
           "\n\n## Los pasos\n\n1. Preparar una sala de entrevista adaptada a la niñez.\n2. Explicar con "
           "palabras sencillas lo que va a pasar y su derecho a ser escuchado.\n3. Conducir la entrevista "
           "según un protocolo validado (preguntas abiertas, sin preguntas sugestivas).\n4. Conservar la "
           "grabación de forma confidencial.\n\n> Nunca escribir el nombre, la edad y la escuela de una niña "
           "o un niño en un mismo documento compartido.")),
}

OTHERS = [
    ("country-sn", "member.sn@example.org", "guide", "fr",
     "Guide du circuit de signalement des violences faites aux enfants à Dakar",
     "Qui alerter, dans quel ordre, et comment suivre un signalement jusqu'à la prise en charge.",
     ("## Le circuit\n\n- Centre d'écoute : premier accueil et orientation.\n- Brigade des mineurs : enquête.\n"
     "- Éducation surveillée : accompagnement de l'enfant et de sa famille.\n\nChaque étape note la date "
     "et la personne référente, jamais d'information qui identifie l'enfant."),
     ["protection-violence", "justice-for-children"], ["sn"]),
    ("country-pe", "member.pe@example.org", "report", "es",
     "Informe: justicia juvenil restaurativa en Lima, primer año del piloto",
     "Resultados del primer año: derivaciones, acuerdos de mediación y opinión de las y los adolescentes.",
     ("## Resultados\n\nEl piloto derivó a 48 adolescentes hacia la mediación; 37 acuerdos se cumplieron. "
     "Las niñas y los niños entrevistados valoraron ser escuchados por el fiscal.\n\n## Ajustes\n\n"
     "Se reforzó la formación de los equipos de la policía sobre la escucha."),
     ["child-friendly-justice", "right-to-be-heard"], ["pe"]),
    ("region-la", "member.co@example.org", "article", "es",
     "Participación de niñas y adolescentes en los comités comunitarios de protección",
     "Cómo tres comunidades de Colombia y Honduras incorporaron la voz de las niñas.",
     ("Los comités comunitarios reservaron dos puestos a adolescentes elegidas por sus pares y adaptaron "
     "el horario de las reuniones a la escuela."),
     ["participation", "gender-equality"], ["co", "hn"]),
    ("international", "member.ma@example.org", "guide", "en",
     "Guide: gathering children's views safely in monitoring and evaluation",
     "Consent, confidentiality and child-friendly methods for evaluation interviews.",
     ("## Principles\n\n- Informed consent from the child and a guardian.\n- No identifying details in notes.\n"
     "- Feed the results back to the children who took part."),
     ["right-to-be-heard", "participation"], []),
]


def _space(slug):
    return db.session.scalar(db.select(Space).where(Space.slug == slug))


def _user(email):
    return db.session.scalar(db.select(User).where(User.email == email))


def _existing(space, title):
    return db.session.scalar(db.select(Resource).where(Resource.space_id == space.id, Resource.title == title))


def seed():
    """The demo's own rows, flushed for the seeder to commit: add_resource, not create_resource, since
    no person acts here to be checked (an author missing from a partial world leaves it unsigned)."""
    international = _space("international")
    author = _user("member.sn@example.org")
    original = None
    for lang in ("fr", "en", "es"):
        title, summary, body = TOOLKIT[lang]
        item = _existing(international, title)
        if item is None:
            item = add_resource(international, author, "toolkit", title, summary, body, lang,
                                themes=["child-friendly-justice", "right-to-be-heard"], countries=["sn", "pe"],
                                translation_of=original)
        original = original or item
    for slug, email, type_, lang, title, summary, body, themes, countries in OTHERS:
        space = _space(slug)
        if _existing(space, title) is None:
            add_resource(space, _user(email), type_, title, summary, body, lang, themes=themes,
                         countries=countries)
    db.session.flush()

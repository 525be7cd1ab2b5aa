"""Demo discussions in French, Spanish and English in several spaces, and a general category in every
other one (running it again adds nothing)."""
from sociallab.accounts.models import User
from sociallab.extensions import db
from sociallab.forums import services
from sociallab.forums.models import Category
from sociallab.spaces.models import Space

# space slug → [(category title, description, lang, [(thread title, lang, [(author e-mail, body), ...])])]
DISCUSSIONS = {
    "international": [
        ("Community of practice", "Questions and experiences shared by every partner of the Lab.", "en", [
            ("How do you collect children's views safely?", "en", [
                ("member.sn@example.org",
                 ("We are preparing consultations with children in two districts. **How do you make sure a "
                  "child can speak without being identified later?** Any checklist is welcome.")),
                ("member.pe@example.org",
                 ("En Perú usamos seudónimos desde la primera nota y nunca anotamos el colegio. "
                  "También pedimos el asentimiento del niño, no solo el consentimiento de los padres.")),
                ("moderator@example.org",
                 ("> nunca anotamos el colegio\n\nGood practice. See also the Lab's safeguarding guide:\n\n"
                  "1. pseudonyms from the first note\n2. no school, street or village names\n"
                  "3. photos only from behind, with no landmark")),
            ]),
        ]),
        ("Annonces du Laboratoire", "Les nouvelles du Laboratoire social.", "fr", [
            ("Bienvenue dans les forums du Laboratoire social", "fr", [
                ("admin@example.org",
                 ("Bienvenue ! Ces forums servent à **échanger entre partenaires**. Écrivez dans votre langue "
                  "(français, anglais ou espagnol) et indiquez-la sous le message. Mentionnez une personne avec "
                  "@ suivi de son identifiant.")),
            ]),
        ]),
    ],
    "country-sn": [
        ("Justice adaptée aux enfants", "Auditions, accompagnement et orientation des enfants.", "fr", [
            ("Salles d'audition adaptées : vos retours", "fr", [
                ("member.sn@example.org",
                 ("Nous avons aménagé une salle d'audition au commissariat de notre quartier. Quels "
                  "aménagements ont le plus changé la parole des enfants chez vous ?")),
                ("moderator@example.org",
                 "Merci pour ce fil. Pensez à partager vos photos **sans aucun enfant ni repère** du lieu."),
            ]),
        ]),
    ],
    "country-pe": [
        ("Participación infantil", "Consejos consultivos, consultas y escucha activa.", "es", [
            ("Consejos consultivos de niñas y niños", "es", [
                ("member.pe@example.org",
                 ("¿Alguien ha evaluado el impacto de los consejos consultivos municipales? "
                  "Buscamos indicadores sencillos:\n\n| indicador | línea de base |\n|---|---|\n"
                  "| propuestas adoptadas | 0 |\n| participantes (niñas / niños) | 12 / 10 |")),
            ]),
        ]),
    ],
    "region-la": [
        ("Intercambio regional", "Experiencias entre Colombia, Costa Rica, Honduras y Perú.", "es", [
            ("Protocolos de atención a víctimas", "es", [
                ("member.co@example.org",
                 ("Compartimos nuestro protocolo de atención a niñas y niños víctimas. ¿Qué adaptaciones "
                  "hicieron en Honduras?")),
                ("member.hn@example.org",
                 "En Honduras añadimos una entrevista única grabada para evitar la revictimización."),
            ]),
        ]),
    ],
}


def seed():
    people = {u.email: u for u in db.session.scalars(db.select(User))}
    for slug, categories in DISCUSSIONS.items():
        space = db.session.scalar(db.select(Space).where(Space.slug == slug))
        if space is None:
            continue
        for position, (title, description, lang, threads) in enumerate(categories, start=1):
            exists = db.session.scalar(db.select(Category.id).where(Category.space_id == space.id,
                                                                    Category.title == title))
            if exists is not None:
                continue
            admin = people.get("admin@example.org")
            category = services.create_category(space, title, description, lang, admin, position=position * 10)
            for thread_title, thread_lang, posts in threads:
                (first_author, first_body), *replies = posts
                if first_author not in people:
                    continue
                thread, _ = services.create_thread(category, thread_title, first_body, people[first_author],
                                                   thread_lang)
                for author, body in replies:
                    if author in people:
                        lang_of_reply = "es" if people[author].language == "es" else thread_lang
                        services.reply(thread, people[author], body, lang_of_reply)
    services.give_default_categories()  # Togo, Sub-Saharan Africa…: no space left without a place to talk

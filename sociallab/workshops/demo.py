"""Demo workshops: one coming up in each regional space, one live and one past with its minutes."""
from datetime import timedelta

from flask import current_app

from sociallab.accounts.models import User
from sociallab.extensions import db
from sociallab.i18n import utcnow
from sociallab.spaces.models import Space
from sociallab.workshops import room
from sociallab.workshops.models import Registration, Workshop

WORKSHOPS = [
    # (space slug, title, lang, days from now, hours long, state)
    ("region-ssa", "Entendre l'enfant victime : l'audition unique filmée", "fr", 2, 2, Workshop.SCHEDULED),
    ("region-la", "Justicia adaptada a la niñez: salas de entrevista amigables", "es", 5, 2, Workshop.SCHEDULED),
    ("international", "Partager nos expériences de participation des enfants", "fr", 0, 3, Workshop.LIVE),
    ("country-sn", "Bilan du projet pilote de médiation scolaire", "fr", -14, 2, Workshop.ENDED),
]

AGENDA = {
    "fr": "1. Accueil et tour de table\n2. Présentation de l'expérience\n3. Questions et échanges\n4. Suites à donner",
    "es": "1. Bienvenida\n2. Presentación de la experiencia\n3. Preguntas e intercambio\n4. Próximos pasos",
}


def seed():
    facilitator = db.session.scalar(db.select(User).where(User.email == "facilitator@example.org"))
    if facilitator is None:
        return
    members = db.session.scalars(db.select(User).where(User.email.like("member.%@example.org"))).all()
    for slug, title, lang, days, hours, state in WORKSHOPS:
        space = db.session.scalar(db.select(Space).where(Space.slug == slug))
        if space is None or db.session.scalar(db.select(Workshop.id).where(
                Workshop.space_id == space.id, Workshop.title == title)) is not None:
            continue
        start = (utcnow() + timedelta(days=days)).replace(minute=0, second=0, microsecond=0)
        if state == Workshop.LIVE:
            start = utcnow().replace(second=0, microsecond=0) - timedelta(minutes=30)
        workshop = Workshop(space_id=space.id, title=title, lang=lang, agenda=AGENDA[lang],
                            description=("Un atelier de démonstration." if lang == "fr"
                                         else "Un taller de demostración."),
                            starts_at=start, ends_at=start + timedelta(hours=hours), capacity=40,
                            created_by_id=facilitator.id, facilitators=[facilitator])
        workshop.space = space
        db.session.add(workshop)
        db.session.flush()
        for member in members[:4]:
            db.session.add(Registration(workshop_id=workshop.id, user_id=member.id))
        db.session.commit()
        if state != Workshop.SCHEDULED:
            room.start_session(workshop, facilitator)
            room.update_notes(workshop, facilitator, "- Idée principale retenue\n- Prochaine rencontre dans un mois", 0)
            room.ask_question(workshop, facilitator, "Comment associer les familles ?")
        if state == Workshop.ENDED:
            workshop.started_at = workshop.starts_at  # the minutes say when it was held
            with current_app.test_request_context():
                room.end_session(workshop, facilitator)

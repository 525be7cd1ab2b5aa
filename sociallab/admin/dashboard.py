"""The figures on the administration's first page: what the Lab holds today."""
from sociallab.accounts.models import Invitation, SpaceRole, User, VolunteerMandate
from sociallab.extensions import db
from sociallab.i18n import utcnow
from sociallab.spaces.models import Country, Organisation, Region, Space, Theme


def figures():
    def count(model, *where):
        return db.session.scalar(db.select(db.func.count(model.id)).where(*where))
    return {
        "regions": count(Region),
        "countries": count(Country),
        "spaces": count(Space, Space.archived.is_(False)),
        "organisations": count(Organisation, Organisation.active.is_(True)),
        "people": count(User, User.active.is_(True)),
        "mandates": count(VolunteerMandate, VolunteerMandate.end_date >= utcnow().date()),
        "roles": count(SpaceRole),
        "themes": count(Theme, Theme.active.is_(True)),
        "invitations": count(Invitation, Invitation.used_at.is_(None), Invitation.expires_at > utcnow()),
    }

"""Which spaces a person reads and belongs to is one rule: the Python checks and the SQL agree."""
import pytest

from sociallab import permissions
from sociallab.accounts.models import SpaceRole
from sociallab.extensions import db
from sociallab.spaces.models import Space
from sociallab.spaces.services import member_organisations, spaces_for
from tests import factories

INTERNATIONAL = frozenset({"international"})
SENEGAL = frozenset({"international", "region-ssa", "country-sn"})
PERU = frozenset({"international", "region-la", "country-pe"})
SENEGAL_SPACE = frozenset({"international", "country-sn"})
NOTHING = frozenset()
EVERY = "every space"

# person: (spaces read, spaces belonged to, spaces where an initiative may be started,
# spaces where a resource may be added). A role gives reading, not belonging: a staff member
# belongs to the international space only, and a deactivated organisation to no space at all.
EXPECTED = {
    "member": (SENEGAL, SENEGAL, SENEGAL, SENEGAL),
    "other_member": (PERU, PERU, PERU, PERU),
    "volunteer_in": (SENEGAL, SENEGAL, SENEGAL, SENEGAL),
    "volunteer_out": (NOTHING, NOTHING, NOTHING, NOTHING),
    "moderator": (SENEGAL_SPACE, INTERNATIONAL, NOTHING, SENEGAL_SPACE),
    "global_moderator": (EVERY, INTERNATIONAL, NOTHING, EVERY),
    "facilitator": (SENEGAL_SPACE, INTERNATIONAL, NOTHING, INTERNATIONAL),
    "admin": (EVERY, INTERNATIONAL, EVERY, EVERY),
    "deactivated_member": (NOTHING, NOTHING, NOTHING, NOTHING),
    "deactivated_volunteer": (NOTHING, NOTHING, NOTHING, NOTHING),
    "deactivated_moderator": (SENEGAL_SPACE, INTERNATIONAL, NOTHING, SENEGAL_SPACE),
    "deactivated_global_moderator": (EVERY, INTERNATIONAL, NOTHING, EVERY),
}


@pytest.fixture
def people(world):
    """The roles of the access tables, plus people whose organisation has been deactivated."""
    closed = factories.organisation(world.countries["sn"], name="Organisation fermée")
    people = {name: person for name, person in world.roles.items() if person is not None}
    people["global_moderator"] = factories.user("moderator.everywhere@example.org")
    factories.role(people["global_moderator"], SpaceRole.MODERATOR)
    people["deactivated_member"] = factories.user("closed.member@example.org", closed)
    people["deactivated_volunteer"] = factories.user("closed.volunteer@example.org")
    factories.mandate(people["deactivated_volunteer"], closed, running=True)
    # Roles keep these two reading; they no longer make them members of Senegal's spaces.
    people["deactivated_moderator"] = factories.user("closed.moderator@example.org", closed)
    factories.role(people["deactivated_moderator"], SpaceRole.MODERATOR, world.sn_space)
    people["deactivated_global_moderator"] = factories.user("closed.everywhere@example.org", closed)
    factories.role(people["deactivated_global_moderator"], SpaceRole.MODERATOR)
    closed.active = False
    db.session.commit()
    return people


def _slugs(spaces, rule, person):
    return frozenset(space.slug for space in spaces if rule(space, person))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_python_checks_and_sql_give_the_same_spaces(app, people, name):
    person = people[name]
    spaces = db.session.scalars(db.select(Space).order_by(Space.slug)).all()
    assert len(spaces) == 15
    every = frozenset(space.slug for space in spaces)
    readable, members, creates, adds = (every if column == EVERY else column for column in EXPECTED[name])
    slug_of = {space.id: space.slug for space in spaces}

    # Python, space by space.
    assert _slugs(spaces, permissions.is_space_member, person) == members
    assert _slugs(spaces, permissions.can_read_space, person) == readable
    assert _slugs(spaces, permissions.can_create_initiative, person) == creates
    assert _slugs(spaces, permissions.can_add_resource, person) == adds

    # SQL: the spaces listed for the person, and the partner organisations listed as belonging
    # to each space (the same rule asked the other way round).
    assert frozenset(slug_of[i] for i in permissions.readable_space_ids(person)) == readable
    assert frozenset(space.slug for space in spaces_for(person)) == readable
    assert frozenset(slug_of[i] for i in permissions.member_space_ids(person)) == members
    organisation = person.effective_organisation()
    by_organisation = frozenset(space.slug for space in spaces if organisation in member_organisations(space))
    # Beyond their organisation's spaces, staff and administrators belong to the international one.
    assert members - by_organisation <= INTERNATIONAL
    assert by_organisation <= members


def test_a_deactivated_organisation_gives_no_membership_where_a_role_gives_reading(app, people, world):
    """Its moderator still reads the Senegal space through the role, but is no longer a member."""
    moderator = people["deactivated_moderator"]
    assert permissions.can_read_space(world.sn_space, moderator)
    assert not permissions.is_space_member(world.sn_space, moderator)
    assert world.sn_space.id not in permissions.member_space_ids(moderator)

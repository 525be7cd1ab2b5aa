"""Who reads an initiative: drafts stay with their organisations, published ones with the space."""
from sociallab.extensions import db
from sociallab.initiatives.models import Initiative
from sociallab.permissions import (
    can_edit_initiative,
    can_read_initiative,
    readable_initiatives_query,
)
from tests.conftest import Auth


def _readable_ids(user):
    return set(db.session.scalars(readable_initiatives_query(user).with_only_columns(Initiative.id)))


def test_a_draft_is_invisible_to_other_organisations_even_in_the_same_space(world, initiative_factory):
    draft = initiative_factory()
    assert can_read_initiative(draft, world.member)
    assert can_read_initiative(draft, world.volunteer_in)  # a volunteer of the same partner
    for other in (world.member2, world.other_member, world.volunteer_out, world.moderator, world.facilitator):
        assert not can_read_initiative(draft, other), other.email
        assert draft.id not in _readable_ids(other)


def test_a_co_lead_of_another_country_reads_the_draft(world, initiative_factory):
    draft = initiative_factory(space=world.international, co_leads=[world.pe_org])
    assert can_read_initiative(draft, world.other_member)
    assert draft.id in _readable_ids(world.other_member)
    assert can_edit_initiative(draft, world.other_member)


def test_a_submitted_initiative_is_visible_to_the_space_moderators(world, initiative_factory):
    submitted = initiative_factory(status=Initiative.SUBMITTED)
    assert can_read_initiative(submitted, world.moderator)
    assert submitted.id in _readable_ids(world.moderator)
    assert not can_read_initiative(submitted, world.member2)


def test_a_published_initiative_is_visible_to_the_space_members_only(world, initiative_factory):
    published = initiative_factory(status=Initiative.PUBLISHED)
    assert can_read_initiative(published, world.member2)
    assert not can_read_initiative(published, world.other_member)
    assert published.id in _readable_ids(world.member2)
    assert published.id not in _readable_ids(world.other_member)


def test_a_featured_good_practice_is_visible_to_every_signed_in_person(world, initiative_factory):
    featured = initiative_factory(status=Initiative.PUBLISHED, featured=True)
    for person in world.roles.values():
        if person is not None:
            assert can_read_initiative(featured, person), person.email
            assert featured.id in _readable_ids(person)


def test_the_query_and_the_rule_agree_for_every_role_and_status(world, initiative_factory):
    items = [initiative_factory(status=s, title=s) for s in Initiative.STATUSES]
    items.append(initiative_factory(status=Initiative.PUBLISHED, featured=True, title="featured"))
    items.append(initiative_factory(space=world.pe_space, author=world.other_member, status=Initiative.PUBLISHED))
    for person in world.roles.values():
        if person is None:
            continue
        expected = {i.id for i in items if can_read_initiative(i, person)}
        assert _readable_ids(person) == expected, person.email


def test_other_organisations_get_404_on_a_draft_page(app, world, initiative_factory):
    draft = initiative_factory()
    for person, status in ((world.member, 200), (world.member2, 404), (world.other_member, 404)):
        client = app.test_client()
        Auth(client).login(person.email)
        assert client.get(f"/initiatives/{draft.id}").status_code == status
        assert (draft.title in client.get("/initiatives").get_data(as_text=True)) == (status == 200)

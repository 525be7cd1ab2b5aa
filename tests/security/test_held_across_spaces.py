"""A held item's place in the moderators' queue follows its content: an initiative edited into
another space leaves the first space's queue and joins the new one's."""

from sociallab.accounts.models import SpaceRole
from sociallab.extensions import db
from sociallab.initiatives import services as initiatives
from sociallab.initiatives.models import Initiative
from sociallab.safeguarding import review
from sociallab.safeguarding.models import SensitiveItem
from sociallab.safeguarding.screening import deciding
from tests.conftest import csrf_token_from
from tests.factories.initiatives import make_initiative, same_data
from tests.factories.world import role, user


def test_a_held_initiative_moved_to_another_space_changes_queue(client, auth, world):
    ssa_moderator = user("moderator.ssa@example.org", None, name="Sana Region")
    role(ssa_moderator, SpaceRole.MODERATOR, world.ssa_space)
    db.session.commit()
    with deciding("publish", "Nécessaire au suivi"):
        initiative = make_initiative(world, status=Initiative.PUBLISHED, summary="Awa Diop, 12 ans, à Pikine")
    db.session.commit()
    entry = db.session.scalar(db.select(SensitiveItem))
    assert [i.id for i, *_ in review.queue(world.moderator)] == [entry.id]
    assert review.queue(ssa_moderator) == []

    with deciding("publish", "Nécessaire au suivi"):
        initiatives.update_initiative(initiative, world.member, same_data(initiative), space=world.ssa_space)
    db.session.commit()
    assert review.queue(world.moderator) == []
    assert [i.id for i, *_ in review.queue(ssa_moderator)] == [entry.id]
    auth.login(world.moderator.email)
    page = client.get("/moderation/sensitive").get_data(as_text=True)
    assert "Awa Diop" not in page
    response = client.post(f"/moderation/sensitive/{entry.id}/approve", data={"csrf_token": csrf_token_from(page)})
    assert response.status_code == 404

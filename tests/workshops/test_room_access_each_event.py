"""Room access is decided afresh on every event, although the statements deciding it are built
once per process (permissions._space_access_statement, one per set of inputs): a role moved to
another space or a move to another country's organisation counts at the very next event."""
from sociallab.accounts.models import SpaceRole
from sociallab.extensions import db
from sociallab.workshops.models import ChatMessage


def _messages(workshop):
    return db.session.scalar(db.select(db.func.count(ChatMessage.id)).where(ChatMessage.workshop_id == workshop.id))


def test_a_role_moved_to_another_space_counts_at_the_next_event(world, workshop, connect):
    mona = connect(world.moderator, workshop)
    assert mona.act("chat", body="before the move", client_id="m-1")["ok"]
    db.session.execute(db.update(SpaceRole).where(SpaceRole.user_id == world.moderator.id)
                       .values(space_id=world.pe_space.id))
    db.session.commit()
    refused = mona.act("chat", body="after the move", client_id="m-2")
    assert not refused["ok"] and refused["code"] == 403
    assert _messages(workshop) == 1


def test_a_member_moved_to_another_countrys_organisation_loses_the_room_at_the_next_event(
        world, workshop, connect):
    amy = connect(world.member, workshop)
    moussa = connect(world.member2, workshop)
    assert amy.act("chat", body="from Dakar", client_id="a-1")["ok"]
    assert moussa.act("chat", body="from Dakar too", client_id="s-1")["ok"]
    world.member.organisation_id = world.pe_org.id
    db.session.commit()
    refused = amy.act("chat", body="from Lima", client_id="a-2")
    assert not refused["ok"] and refused["code"] == 403
    # Someone else of the same country as before is still let in.
    assert moussa.act("chat", body="still here", client_id="s-2")["ok"]
    assert _messages(workshop) == 3

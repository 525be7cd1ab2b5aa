"""Room access is decided afresh on every event, although the statements deciding it are built
once per process (permissions._space_access_statement, one per set of inputs): a role moved to
another space or a move to another country's organisation counts at the very next event."""
from sociallab import permissions
from sociallab.accounts.models import SpaceRole, User
from sociallab.extensions import db
from sociallab.workshops.models import ChatMessage, RoomRemoval
from tests.workshops.conftest import NS


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


def test_a_removal_counts_at_the_next_message_of_a_socket_still_connected(world, workshop, connect):
    """The removal is read with the workshop, on every event: a removal that closed no socket (made
    by another server process whose disconnect has not arrived yet) still refuses the next message."""
    amy = connect(world.member, workshop)
    assert amy.act("chat", body="before the removal", client_id="a-1")["ok"]
    db.session.add(RoomRemoval(workshop_id=workshop.id, user_id=world.member.id, removed_by_id=world.facilitator.id))
    db.session.commit()
    assert amy.connected
    refused = amy.act("chat", body="after the removal", client_id="a-2")
    assert not refused["ok"] and refused["code"] == 403
    assert not amy.act("raise_hand")["ok"]
    assert not amy.sio.emit("resume", {"last_seq": 0}, namespace=NS, callback=True)["ok"]
    assert _messages(workshop) == 1


def test_a_removal_of_someone_else_does_not_refuse_the_room(world, workshop, connect):
    moussa = connect(world.member2, workshop)
    db.session.add(RoomRemoval(workshop_id=workshop.id, user_id=world.member.id, removed_by_id=world.facilitator.id))
    db.session.commit()
    assert moussa.act("chat", body="still here", client_id="s-1")["ok"]


def test_the_removal_loaded_with_the_workshop_answers_one_check_only(app, world, workshop):
    """permissions.room_workshop saves the next removal check of the request one query; a later
    check asks the database again, so a removal made meanwhile is never hidden."""
    with app.test_request_context():
        person = db.session.get(User, world.member.id)
        loaded = permissions.room_workshop(workshop.id, person)
        assert permissions.can_enter_room(loaded, person)
        db.session.add(RoomRemoval(workshop_id=workshop.id, user_id=person.id))
        db.session.flush()
        assert not permissions.can_enter_room(loaded, person)
        assert permissions.room_workshop(987654, person) is None


def test_an_account_deactivated_or_signed_out_elsewhere_is_refused_at_the_next_message(world, workshop, connect):
    amy, moussa = connect(world.member, workshop), connect(world.member2, workshop)
    assert amy.act("chat", body="hello", client_id="a-1")["ok"]
    assert moussa.act("chat", body="hello", client_id="s-1")["ok"]
    world.member.active = False
    world.member2.end_all_sessions()  # a password change or a sign-out everywhere
    db.session.commit()
    for person in (amy, moussa):
        refused = person.act("chat", body="still there?", client_id="x-1")
        assert not refused["ok"] and refused["code"] == 403
    assert _messages(workshop) == 2


def test_the_workshop_statement_reads_the_space_as_the_whole_rule_does(app, world, workshop):
    """room_workshop answers whether the person reads the workshop's space from the rule's own
    statement: the same answer as the set of every space they read, for each kind of person."""
    from tests.factories.workshops import make_workshop
    elsewhere = make_workshop(world)
    elsewhere.space_id = world.pe_space.id  # a space only some of them read
    db.session.commit()
    people = (world.member, world.member2, world.other_member, world.volunteer_in, world.volunteer_out,
              world.moderator, world.facilitator, world.admin)
    for person_id in [person.id for person in people]:
        for workshop_id in (workshop.id, elsewhere.id):
            with app.test_request_context():
                person = db.session.get(User, person_id)
                loaded = permissions.room_workshop(workshop_id, person)
                answered = permissions.can_read_space_id(loaded.space_id, person)
            with app.test_request_context():
                person = db.session.get(User, person_id)
                assert answered == (loaded.space_id in permissions.readable_space_ids(person)), (person, workshop_id)

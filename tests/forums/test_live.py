"""Live replies over Socket.IO: authenticated connect, one room per thread, readers only."""
import pytest

from sociallab.extensions import db, socketio
from sociallab.forums import discussions, events, moderation, services
from tests.access_tables import ROLES
from tests.access_tables.forums import SOCKET_RECEIVES
from tests.conftest import Auth


def connect(app, person):
    client = app.test_client()
    if person is not None:
        Auth(client).login(person.email)
    return socketio.test_client(app, flask_test_client=client, namespace=events.NAMESPACE)


def test_signed_out_connection_is_refused(app, world):
    sio = connect(app, None)
    assert not sio.is_connected(events.NAMESPACE)


@pytest.mark.parametrize("role", [r for r in ROLES if r != "anonymous"])
def test_reply_is_pushed_only_to_readers_of_the_space(app, world, forum, role):
    person = world.roles[role]
    sio = connect(app, person)
    if not sio.is_connected(events.NAMESPACE):
        assert not SOCKET_RECEIVES[role]
        return
    ack = sio.emit("join", {"thread": forum.thread.id}, namespace=events.NAMESPACE, callback=True)
    assert ack["ok"] is SOCKET_RECEIVES[role]
    published = services.reply(forum.thread, world.member2, "En direct", "fr")
    db.session.commit()
    with app.test_request_context():
        events.broadcast_post(published.post)
    received = [m for m in sio.get_received(events.NAMESPACE) if m["name"] == "post"]
    if SOCKET_RECEIVES[role]:
        assert received and received[0]["args"][0]["post"] == published.post.id
    else:
        assert received == []
    sio.disconnect(namespace=events.NAMESPACE)


def test_rooms_are_isolated_per_thread(app, world, forum):
    other, _ = services.create_thread(forum.category, "Autre fil", "Texte", world.member, "fr")
    db.session.commit()
    sio = connect(app, world.member)
    sio.emit("join", {"thread": other.id}, namespace=events.NAMESPACE, callback=True)
    published = services.reply(forum.thread, world.member2, "Ailleurs", "fr")
    db.session.commit()
    with app.test_request_context():
        events.broadcast_post(published.post)
    assert [m for m in sio.get_received(events.NAMESPACE) if m["name"] == "post"] == []


def test_join_with_a_bad_thread_id_is_refused(app, world):
    sio = connect(app, world.member)
    for bad in (None, "1", {"thread": "x"}, {"thread": 999999}):
        ack = sio.emit("join", bad, namespace=events.NAMESPACE, callback=True)
        assert ack["ok"] is False and ack["code"] in (400, 404) and ack["error"]


def test_reconnecting_reader_gets_the_replies_they_missed_that_they_may_read(app, world, forum):
    sio = connect(app, world.member2)
    sio.emit("join", {"thread": forum.thread.id, "after": forum.first.id},
             namespace=events.NAMESPACE, callback=True)
    sio.disconnect(namespace=events.NAMESPACE)
    # While the connection is down: a reply, a reply hidden by a moderator, a deleted reply.
    seen = services.reply(forum.thread, world.member, "Pendant la coupure", "fr").post
    hidden = services.reply(forum.thread, world.member, "Masqué", "fr").post
    deleted = services.reply(forum.thread, world.member, "Retiré", "fr").post
    db.session.commit()
    moderation.set_hidden(hidden, world.moderator)
    services.delete_post(deleted, world.member)
    db.session.commit()

    sio = connect(app, world.member2)
    ack = sio.emit("join", {"thread": forum.thread.id, "after": forum.first.id},
                   namespace=events.NAMESPACE, callback=True)
    assert ack["ok"] and not ack["more"]
    assert [m["post"] for m in ack["missed"]] == [seen.id]
    assert ack["missed"][0]["url"] == f"/forums/posts/{seen.id}"

    moderator = connect(app, world.moderator)
    ack = moderator.emit("join", {"thread": forum.thread.id, "after": forum.first.id},
                         namespace=events.NAMESPACE, callback=True)
    assert [m["post"] for m in ack["missed"]] == [seen.id, hidden.id]


def test_catch_up_is_refused_to_a_reader_of_another_space(app, world, forum):
    services.reply(forum.thread, world.member, "Privé", "fr")
    db.session.commit()
    sio = connect(app, world.other_member)
    # The same answer as for a thread that does not exist, in Lucía's language.
    missing = sio.emit("join", {"thread": 999999}, namespace=events.NAMESPACE, callback=True)
    assert missing["ok"] is False and missing["code"] == 404 and "no existe" in missing["error"]
    ack = sio.emit("join", {"thread": forum.thread.id, "after": 0}, namespace=events.NAMESPACE, callback=True)
    assert ack == missing
    ack = sio.emit("join", {"thread": forum.thread.id, "after": forum.first.id},
                   namespace=events.NAMESPACE, callback=True)
    assert ack == missing


def test_too_many_missed_replies_ask_for_a_reload(app, world, forum):
    for i in range(events.MISSED_MAX + 1):
        services.reply(forum.thread, world.member, f"Message {i}", "fr")
    db.session.commit()
    sio = connect(app, world.member2)
    ack = sio.emit("join", {"thread": forum.thread.id, "after": forum.first.id},
                   namespace=events.NAMESPACE, callback=True)
    assert ack["more"] and len(ack["missed"]) == events.MISSED_MAX


def test_a_page_opened_before_its_thread_moved_away_receives_nothing_more(app, world, forum):
    """A discussion that follows its initiative to a national space must stop reaching the pages
    that other countries of the region opened while it was still regional."""
    from tests import factories
    national, regional = world.sn_space, world.ssa_space
    togo = factories.user("member.tg@example.org", world.organisations["tg"][0], name="Kossi Togo")
    forum.thread.space_id, forum.thread.space = regional.id, regional
    db.session.commit()
    sio = connect(app, togo)
    ack = sio.emit("join", {"thread": forum.thread.id}, namespace=events.NAMESPACE, callback=True)
    assert ack["ok"] is True

    discussions.move_to_space(forum.thread, national)
    published = services.reply(forum.thread, world.member2, "Après le déplacement", "fr")
    db.session.commit()
    with app.test_request_context():
        events.broadcast_post(published.post)
    assert [m for m in sio.get_received(events.NAMESPACE) if m["name"] == "post"] == []
    again = sio.emit("join", {"thread": forum.thread.id}, namespace=events.NAMESPACE, callback=True)
    assert again["ok"] is False and again["code"] == 404

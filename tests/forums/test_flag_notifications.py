"""Flags reach whoever can act on them, and the author of a hidden post is told why."""
from flask_babel import force_locale

from sociallab.accounts.models import SpaceRole
from sociallab.extensions import db
from sociallab.forums import flags, services
from sociallab.mail import outbox
from sociallab.notifications.messages import render
from sociallab.notifications.models import Notification
from tests import factories
from tests.conftest import post_form


def _kinds(person):
    return db.session.scalars(db.select(Notification.kind).where(Notification.user_id == person.id)).all()


def _global_moderator():
    person = factories.user("moderator.all@example.org", None, name="Gloria Global")
    factories.role(person, SpaceRole.MODERATOR)
    db.session.commit()
    return person


def test_a_flag_tells_the_space_moderators_and_not_the_global_ones(world, forum):
    everywhere = _global_moderator()
    post = services.reply(forum.thread, world.member2, "Contenu douteux", "fr").post
    db.session.commit()
    flags.flag_post(post, world.member, "abusive")
    assert "forums.flagged" in _kinds(world.moderator)
    assert "forums.flagged" not in _kinds(everywhere)


def test_a_space_without_moderators_has_its_flags_told_to_the_global_moderators(client, auth, world):
    everywhere = _global_moderator()
    category = services.create_category(world.pe_space, "Prácticas", "Intercambio", "es", everywhere)
    thread, published = services.create_thread(category, "Escucha", "Primer mensaje", world.other_member, "es")
    colleague = factories.user("member2.pe@example.org", world.organisations["pe"][1], name="Pablo Perú",
                               language="es")
    db.session.commit()
    flags.flag_post(published.post, colleague, "spam")
    [told] = db.session.scalars(db.select(Notification).where(Notification.user_id == everywhere.id)).all()
    assert told.kind == "forums.flagged" and told.url == "/spaces/country-pe/forums/review"
    assert "forums.flagged" not in _kinds(world.moderator)  # Senegal's moderator cannot act in Peru
    auth.login(everywhere.email)
    bell = client.get("/notifications").get_data(as_text=True)
    assert "A message was flagged in “Escucha”: the review queue is waiting" in bell
    assert "Primer mensaje" in client.get(told.url).get_data(as_text=True)


def test_the_author_of_a_hidden_post_is_told_the_reasons_and_the_moderators_message(client, auth, world, forum):
    author = factories.user("author.sn@example.org", world.sn_org, name="Awa Author", language="en")
    author.notify_email = "immediate"
    post = services.reply(forum.thread, author, "A doubtful message", "en").post
    db.session.commit()
    flags.flag_post(post, world.member, "abusive")
    flags.flag_post(post, world.member2, "identifies_child")
    auth.login(world.moderator.email)
    response = post_form(client, f"/forums/flags/{db.session.scalar(db.select(flags.Flag.id))}/resolve",
                         {"outcome": "hidden", "message": "Please leave out the school's name."},
                         page="/spaces/country-sn/forums/review")
    assert response.status_code == 302
    told = ("A moderator hid your message in “Écoute des enfants”. Reasons: it may identify a child, "
            "abusive or disrespectful. The moderator wrote: Please leave out the school's name.")
    [mail] = [m for m in outbox() if m["To"] == author.email]
    assert told in mail.get_content() and f"/forums/threads/{forum.thread.id}#" in mail.get_content()
    auth.logout()
    auth.login(author.email)
    assert told in client.get("/notifications").get_data(as_text=True).replace("&#39;", "'")


def test_a_hidden_post_without_a_message_still_says_why(world, forum):
    post = services.reply(forum.thread, world.member2, "Contenu douteux", "fr").post
    db.session.commit()
    flag = flags.flag_post(post, world.member, "off_topic")
    flags.resolve_flag(flag, world.moderator, "hidden")
    notification = db.session.scalar(db.select(Notification).where(Notification.user_id == world.member2.id,
                                                                   Notification.kind == "forums.post_hidden"))
    assert notification.data["reasons"] == ["off_topic"] and notification.data["text"] == ""
    with force_locale("en"):
        assert render(notification) == "A moderator hid your message in “Écoute des enfants”. Reason: off topic."


def test_a_post_hidden_without_a_flag_tells_its_author(world, forum):
    from sociallab.forums import moderation
    from sociallab.notifications.models import Notification
    moderation.set_hidden(forum.first, world.moderator)
    told = db.session.scalars(db.select(Notification).where(Notification.user_id == world.member.id)).all()
    assert [n.kind for n in told] == ["forums.post_hidden_by_moderator"]
    moderation.set_hidden(forum.first, world.moderator, hidden=False)
    moderation.set_hidden(forum.first, world.moderator)  # hidden again: told again, once per hiding
    assert db.session.scalar(db.select(db.func.count(Notification.id)).where(
        Notification.user_id == world.member.id)) == 2

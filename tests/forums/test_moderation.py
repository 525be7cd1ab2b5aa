"""Flags, the review queue, hidden posts, pin, lock, move and category management."""
from sociallab.audit.models import AuditEntry
from sociallab.extensions import db
from sociallab.forums import flags, moderation, services
from sociallab.forums.checks import ForumError
from sociallab.forums.models import Category, Flag, Thread
from sociallab.forums.search import post_document, thread_document
from sociallab.notifications.models import Notification
from tests.conftest import post_form


def flagged(world, forum):
    post = services.reply(forum.thread, world.member2, "Contenu douteux", "fr").post
    db.session.commit()
    return post


def test_flag_lands_in_the_review_queue_with_the_post_in_context(client, auth, world, forum):
    post = flagged(world, forum)
    auth.login(world.member.email)
    response = post_form(client, f"/forums/posts/{post.id}/flag", {"reason": "abusive", "note": "Ton agressif"})
    assert response.status_code == 302
    auth.logout()
    auth.login(world.moderator.email)
    queue = client.get("/spaces/country-sn/forums/review").get_data(as_text=True)
    assert "Contenu douteux" in queue and "Ton agressif" in queue and "Écoute des enfants" in queue
    assert db.session.scalar(db.select(Notification.kind).where(Notification.user_id == world.moderator.id)) \
        == "forums.flagged"


def test_people_cannot_flag_their_own_post(client, auth, world, forum):
    auth.login(world.member.email)
    assert client.get(f"/forums/posts/{forum.first.id}/flag").status_code == 403


def test_hiding_from_the_queue_is_audited_and_the_flagger_is_told(client, auth, world, forum):
    post = flagged(world, forum)
    flag = flags.flag_post(post, world.member, "abusive")
    db.session.commit()
    auth.login(world.moderator.email)
    response = post_form(client, f"/forums/flags/{flag.id}/resolve", {"outcome": "hidden"},
                         page="/spaces/country-sn/forums/review")
    assert response.status_code == 302
    db.session.refresh(post)
    assert post.is_hidden and db.session.get(Flag, flag.id).outcome == "hidden"
    actions = db.session.scalars(db.select(AuditEntry.action)).all()
    assert "forums.post.hide" in actions and "forums.flag.resolve" in actions
    assert db.session.scalar(db.select(Notification.kind).where(Notification.user_id == world.member.id,
                                                                Notification.kind.like("forums.flag%"))) \
        == "forums.flag_hidden"
    assert "Contenu douteux" not in client.get("/spaces/country-sn/forums/review").get_data(as_text=True)


def test_hidden_post_is_seen_only_by_moderators_and_its_author(client, auth, world, forum):
    post = flagged(world, forum)
    moderation.set_hidden(post, world.moderator)
    db.session.commit()
    url = f"/forums/threads/{forum.thread.id}"
    for person, sees in ((world.member, False), (world.volunteer_in, False), (world.member2, True),
                         (world.moderator, True), (world.admin, True)):
        auth.login(person.email)
        assert ("Contenu douteux" in client.get(url).get_data(as_text=True)) is sees, person.email
        assert client.get(f"/forums/posts/{post.id}").status_code == (200 if sees else 404)
        auth.logout()


def test_hidden_post_search_document_is_for_moderators_and_author_deleted_has_none(world, forum):
    post = flagged(world, forum)
    assert f"space:{world.sn_space.id}" in post_document(post)["audience"]
    moderation.set_hidden(post, world.moderator)
    audience = post_document(post)["audience"]
    assert f"space:{world.sn_space.id}" not in audience
    assert f"mod:{world.sn_space.id}" in audience and f"user:{world.member2.id}" in audience
    services.delete_post(post, world.member2)
    assert post_document(post) is None
    thread_doc = thread_document(forum.thread)
    assert thread_doc["type"] == "thread" and thread_doc["body"] == "Premier message"


def test_dismiss_lock_and_warn_outcomes(client, auth, world, forum):
    post = flagged(world, forum)
    auth.login(world.moderator.email)
    for outcome in ("dismissed", "locked", "warned"):
        flag = flags.flag_post(post, world.member, "spam")
        db.session.commit()
        post_form(client, f"/forums/flags/{flag.id}/resolve", {"outcome": outcome, "message": "Restez courtois"},
                  page="/spaces/country-sn/forums/review")
    db.session.refresh(forum.thread)
    assert forum.thread.locked
    warning = db.session.scalar(db.select(Notification).where(Notification.user_id == world.member2.id,
                                                              Notification.kind == "forums.warning"))
    assert warning.data["text"] == "Restez courtois"
    told = db.session.scalars(db.select(Notification.kind).where(Notification.user_id == world.member.id,
                                                                 Notification.kind.like("forums.flag%"))).all()
    assert sorted(told) == ["forums.flag_dismissed", "forums.flag_locked", "forums.flag_warned"]


def test_members_cannot_open_the_review_queue(client, auth, world, forum):
    auth.login(world.member.email)
    assert client.get("/spaces/country-sn/forums/review").status_code == 403


def test_moderator_pins_locks_and_moves_a_thread(client, auth, world, forum):
    other = services.create_category(world.sn_space, "Annonces", "", "fr", world.moderator)
    db.session.commit()
    auth.login(world.moderator.email)
    url = f"/forums/threads/{forum.thread.id}"
    post_form(client, f"{url}/state", {"action": "pin"}, page=url)
    post_form(client, f"{url}/state", {"action": "lock"}, page=url)
    post_form(client, f"{url}/move", {"category": str(other.id)})
    thread = db.session.get(Thread, forum.thread.id)
    db.session.refresh(thread)
    assert thread.pinned and thread.locked and thread.category_id == other.id


def test_thread_cannot_move_to_another_space(world, forum):
    pe = services.create_category(world.pe_space, "Prácticas", "", "es", world.admin)
    try:
        moderation.move_thread(forum.thread, pe, world.admin)
    except ForumError:
        pass
    else:
        raise AssertionError("moved across spaces")
    assert forum.thread.category_id == forum.category.id


def test_moderator_creates_renames_orders_and_archives_categories(client, auth, world, forum):
    auth.login(world.moderator.email)
    post_form(client, "/spaces/country-sn/forums/categories/new",
              {"title": "Ressources", "lang": "fr", "position": "1"})
    created = db.session.scalar(db.select(Category).where(Category.title == "Ressources"))
    index = client.get("/spaces/country-sn/forums").get_data(as_text=True)
    assert index.index("Ressources") < index.index("Pratiques")
    post_form(client, f"/forums/categories/{forum.category.id}/edit",
              {"title": "Bonnes pratiques", "lang": "fr", "position": "0", "archived": "y"})
    db.session.refresh(forum.category)
    assert forum.category.title == "Bonnes pratiques" and forum.category.archived
    assert "forums.category.update" in db.session.scalars(db.select(AuditEntry.action)).all()
    auth.logout()
    auth.login(world.member.email)
    assert client.get(f"/forums/categories/{forum.category.id}/new").status_code == 403
    assert client.get(f"/forums/categories/{created.id}/new").status_code == 200

"""What may identify a child in the forums: warned before publishing, redacted in one click, or
held for the moderators, who approve or redact it (its history, notifications and audit too)."""
from sociallab import search
from sociallab.audit.models import AuditEntry
from sociallab.extensions import db
from sociallab.forums import reading, services
from sociallab.forums.models import Post, PostRevision, Thread
from sociallab.notifications.models import Notification
from sociallab.notifications.services import for_user, unread_count
from sociallab.safeguarding import review
from sociallab.safeguarding.models import SensitiveItem
from sociallab.safeguarding.screening import IdentifyingDetails, deciding
from tests.conftest import csrf_token_from
from tests.factories.forums import reply_through_form

IDENTIFYING = "Awa Diop, 12 ans, vit au 14 rue Carnot"


def _found(user, text):
    return {hit.id if hasattr(hit, "id") else hit["id"] for hit in search.query(user, text).hits}


def _last_post():
    return db.session.scalars(db.select(Post).order_by(Post.id.desc())).first()


def test_publish_anyway_needs_a_reason_and_keeps_the_text(client, auth, world, forum):
    auth.login(world.member2.email)
    response = reply_through_form(client, forum.thread, IDENTIFYING, safeguarding="publish",
                                  safeguarding_justification="  ")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Expliquez pourquoi il doit être publié tel quel" in html and IDENTIFYING in html
    assert db.session.scalar(db.select(db.func.count(Post.id))) == 1


def test_an_edited_text_is_checked_again_and_can_then_publish(client, auth, world, forum):
    auth.login(world.member2.email)
    assert reply_through_form(client, forum.thread, IDENTIFYING).status_code == 422
    response = reply_through_form(client, forum.thread, "Une fille de 12 ans a été orientée vers le centre.")
    assert response.status_code == 302


def test_publish_for_review_holds_the_post_for_its_author_and_the_moderators(client, auth, world, forum):
    reading.watch(world.member, thread=forum.thread)
    auth.login(world.member2.email)
    response = reply_through_form(client, forum.thread, IDENTIFYING, safeguarding="publish",
                                  safeguarding_justification="Le juge a demandé le nom exact.")
    assert response.status_code == 302
    post = _last_post()
    assert post.sensitive and post.body == IDENTIFYING
    held = db.session.scalar(db.select(SensitiveItem))
    assert (held.item_type, held.item_id, held.status) == ("post", post.id, "held")
    assert held.justification == "Le juge a demandé le nom exact."

    # The author sees it, tagged; another member of the space does not, anywhere.
    page = client.get(f"/forums/threads/{forum.thread.id}").get_data(as_text=True)
    assert "Awa Diop" in page and "Retenu" in page
    assert _found(world.member2, "Carnot") == {f"post:{post.id}"}
    auth.logout()
    auth.login(world.member.email)
    assert "Awa Diop" not in client.get(f"/forums/threads/{forum.thread.id}").get_data(as_text=True)
    assert client.get(f"/forums/posts/{post.id}").status_code == 404
    assert _found(world.member, "Carnot") == set()
    # The watcher's reply notification waits for the moderators.
    assert unread_count(world.member) == 0

    # The moderator is told, and sees it in the queue with the passages highlighted.
    assert [n.kind for n in for_user(world.moderator).items] == ["safeguarding.held"]
    auth.logout()
    auth.login(world.moderator.email)
    queue = client.get("/moderation/sensitive").get_data(as_text=True)
    assert '<mark class="identifying">Awa Diop, 12 ans</mark>' in queue
    assert "Le juge a demandé le nom exact." in queue
    assert _found(world.moderator, "Carnot") == {f"post:{post.id}"}

    response = client.post(f"/moderation/sensitive/{held.id}/approve", data={"csrf_token": csrf_token_from(queue)})
    assert response.status_code == 302
    db.session.expire_all()
    assert not post.sensitive and held.status == "approved"
    assert _found(world.member, "Carnot") == {f"post:{post.id}"}
    assert unread_count(world.member) == 1
    assert db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "safeguarding.approved")) is not None


def test_a_held_thread_is_missing_from_the_category_for_others(client, auth, world, forum):
    with deciding("publish", "Nom nécessaire au suivi"):
        thread, _ = services.create_thread(forum.category, "Awa Diop, 12 ans", "Suivi du dossier", world.member2, "fr")
    assert thread.sensitive and thread.posts[0].is_held
    auth.login(world.member.email)
    assert "Awa Diop" not in client.get(f"/forums/categories/{forum.category.id}").get_data(as_text=True)
    assert client.get(f"/forums/threads/{thread.id}").status_code == 404
    auth.logout()
    auth.login(world.moderator.email)
    assert "Awa Diop" in client.get(f"/forums/categories/{forum.category.id}").get_data(as_text=True)


def test_a_service_refuses_identifying_text_without_a_decision(world, forum):
    try:
        services.reply(forum.thread, world.member2, IDENTIFYING, "fr")
    except IdentifyingDetails as error:
        [screened] = error.screened
        assert screened.field == "body"
        assert [f.kind for f in screened.findings][:1] == ["name_age"]
    else:
        raise AssertionError("an identifying reply was published without a decision")
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count(Post.id))) == 1


def test_moderator_redacts_after_the_fact_everywhere_it_was_copied(client, auth, world, forum):
    # Published for review then approved, then edited: the text is in the post's history too.
    with deciding("publish", "Validé avec la famille"):
        post = services.reply(forum.thread, world.member2, IDENTIFYING, "fr").post
    review.approve(db.session.scalar(db.select(SensitiveItem)), world.moderator)
    with deciding("publish", "Toujours nécessaire"):
        services.edit_post(post, world.member2, IDENTIFYING + " (mis à jour)", "fr")
        db.session.commit()
    assert db.session.scalar(db.select(PostRevision.body).where(PostRevision.post_id == post.id)) == IDENTIFYING

    auth.login(world.moderator.email)
    page = client.get(f"/moderation/redact/post/{post.id}").get_data(as_text=True)
    assert '<mark class="identifying">' in page
    response = client.post(f"/moderation/redact/post/{post.id}",
                           data={"passages": "", "csrf_token": csrf_token_from(page)})
    assert response.status_code == 302
    db.session.expire_all()
    assert "Awa Diop" not in post.body and "Awa Diop" not in post.html and "[retiré]" in post.body
    assert all("Awa Diop" not in r.body for r in post.revisions)
    assert _found(world.moderator, "Diop") == set()
    for entry in db.session.scalars(db.select(AuditEntry)):
        assert "Awa Diop" not in str(entry.before) + str(entry.after)
    redacted = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "safeguarding.redacted"))
    assert redacted.actor_id == world.moderator.id and redacted.after["passages"] >= 1


def test_a_moderator_removes_passages_the_highlighting_missed_from_titles_and_notifications(client, auth, world,
                                                                                           forum):
    thread, _ = services.create_thread(forum.category, "Suivi de Mariama à Thiès", "Bonjour", world.member2, "fr")
    reading.watch(world.member, thread=thread)
    services.reply(thread, world.member2, "Point d'étape", "fr")
    db.session.commit()
    assert any("Mariama" in str(n.data) for n in db.session.scalars(db.select(Notification)))
    auth.login(world.moderator.email)
    page = client.get(f"/moderation/redact/thread/{thread.id}").get_data(as_text=True)
    response = client.post(f"/moderation/redact/thread/{thread.id}",
                           data={"passages": "Mariama", "csrf_token": csrf_token_from(page)})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Thread, thread.id).title == "Suivi de [retiré] à Thiès"
    assert _found(world.moderator, "Mariama") == set()  # the thread and its posts, which show its title
    assert not any("Mariama" in str(n.data) for n in db.session.scalars(db.select(Notification)))


def test_nothing_to_redact_is_a_clear_400(client, auth, world, forum):
    auth.login(world.moderator.email)
    page = client.get(f"/moderation/redact/post/{forum.first.id}").get_data(as_text=True)
    response = client.post(f"/moderation/redact/post/{forum.first.id}",
                           data={"passages": "", "csrf_token": csrf_token_from(page)})
    assert response.status_code == 400
    assert "Nothing to remove was found" in response.get_data(as_text=True)


def test_a_profile_name_is_checked_too_and_the_form_keeps_what_was_typed(client, auth, world):
    auth.login(world.member.email)
    page = client.get("/account/profile").get_data(as_text=True)
    data = {"name": "Awa Diop, 12 ans", "language": "fr", "timezone": "Africa/Dakar", "notify_email": "daily",
            "csrf_token": csrf_token_from(page)}
    response = client.post("/account/profile", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and '<mark class="identifying">' in html
    assert 'value="Awa Diop, 12 ans"' in html
    assert 'value="publish"' not in html  # a profile cannot wait for a space's moderators
    db.session.expire_all()
    assert world.member.name != "Awa Diop, 12 ans"

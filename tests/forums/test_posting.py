"""Reading and writing in the forums: threads, replies, quotes, edits, deletion, preview."""
from sociallab.extensions import db
from sociallab.forums import moderation, services
from sociallab.forums.models import Post, PostRevision, Thread
from tests.conftest import csrf_token_from, post_form
from tests.factories import reply_through_form


def test_member_starts_a_thread_and_lands_on_it(client, auth, world, forum):
    auth.login(world.member2.email)
    response = post_form(client, f"/forums/categories/{forum.category.id}/new",
                         {"title": "Médiation scolaire", "body": "Qui a une **expérience**?", "lang": "fr",
                          "action": "publish"})
    assert response.status_code == 302
    thread = db.session.scalar(db.select(Thread).where(Thread.title == "Médiation scolaire"))
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "<strong>expérience</strong>" in page
    assert 'lang="fr"' in page
    assert thread.post_count == 1 and thread.author_id == world.member2.id


def test_reply_appears_in_the_thread_inside_its_language(client, auth, world, forum):
    auth.login(world.member2.email)
    response = reply_through_form(client, forum.thread, "Thanks, *great* idea", lang="en")
    assert response.status_code == 302
    post = db.session.scalar(db.select(Post).order_by(Post.id.desc()))
    assert response.headers["Location"].endswith(f"/forums/threads/{forum.thread.id}#post-{post.id}")
    page = client.get(f"/forums/threads/{forum.thread.id}").get_data(as_text=True)
    assert f'id="post-{post.id}"' in page
    assert '<div class="prose" lang="en"><p>Thanks, <em>great</em> idea</p>' in page


def test_preview_without_javascript_shows_rendered_text_and_keeps_the_form(client, auth, world, forum):
    auth.login(world.member2.email)
    response = reply_through_form(client, forum.thread, "A | B\n--|--\n1 | 2\n\n> quoted", action="preview")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<table>" in html and "<blockquote>" in html
    assert "A | B" in html  # the source is back in the textarea
    assert db.session.scalar(db.select(db.func.count(Post.id))) == 1  # nothing published


def test_empty_reply_comes_back_with_a_message(client, auth, world, forum):
    auth.login(world.member2.email)
    response = reply_through_form(client, forum.thread, "   ")
    assert response.status_code == 400
    assert "Écrivez un message avant d’envoyer." in response.get_data(as_text=True)  # in French


def test_too_long_reply_comes_back_with_the_text_kept(client, auth, world, forum):
    auth.login(world.member2.email)
    text = "mot " * 6000
    response = reply_through_form(client, forum.thread, text)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Le message est trop long" in html
    assert "mot mot mot" in html
    assert db.session.scalar(db.select(db.func.count(Post.id))) == 1


def test_expired_csrf_shows_the_typed_text(client, auth, world, forum):
    auth.login(world.member2.email)
    response = client.post(f"/forums/threads/{forum.thread.id}/reply",
                           data={"body": "Mon long texte précieux", "lang": "fr", "csrf_token": "expired"})
    assert response.status_code == 400
    assert "Mon long texte précieux" in response.get_data(as_text=True)


def test_quote_reply_prefills_the_quoted_text_and_notifies_its_author(client, auth, world, forum):
    auth.login(world.member2.email)
    page = client.get(f"/forums/threads/{forum.thread.id}?quote={forum.first.id}").get_data(as_text=True)
    assert "&gt; Premier message" in page
    token = csrf_token_from(page)
    client.post(f"/forums/threads/{forum.thread.id}/reply", data={
        "body": "> Premier message\n\nJe suis d'accord", "lang": "fr", "quote": str(forum.first.id),
        "action": "publish", "csrf_token": token})
    post = db.session.scalar(db.select(Post).order_by(Post.id.desc()))
    assert post.quoted_post_id == forum.first.id
    from sociallab.notifications.models import Notification
    kinds = db.session.scalars(db.select(Notification.kind).where(Notification.user_id == world.member.id)).all()
    assert "forums.quote" in kinds


def test_author_edits_and_the_history_is_kept_for_moderators(client, auth, world, forum):
    auth.login(world.member.email)
    response = post_form(client, f"/forums/posts/{forum.first.id}/edit",
                         {"body": "Premier message, corrigé", "lang": "fr", "action": "publish"})
    assert response.status_code == 302
    db.session.refresh(forum.first)
    assert forum.first.body == "Premier message, corrigé" and forum.first.edited_at is not None
    assert db.session.scalar(db.select(PostRevision.body)) == "Premier message"
    assert client.get(f"/forums/posts/{forum.first.id}/history").status_code == 403
    auth.logout()
    auth.login(world.moderator.email)
    history = client.get(f"/forums/posts/{forum.first.id}/history").get_data(as_text=True)
    assert "Premier message, corrigé" in history and "<p>Premier message</p>" in history


def test_someone_else_cannot_edit_a_post(client, auth, world, forum):
    auth.login(world.member2.email)
    assert client.get(f"/forums/posts/{forum.first.id}/edit").status_code == 403


def test_deleted_post_shows_as_removed_to_readers_and_in_full_to_moderators(client, auth, world, forum):
    services.reply(forum.thread, world.member2, "Message à retirer", "fr")
    db.session.commit()
    post = db.session.scalar(db.select(Post).order_by(Post.id.desc()))
    auth.login(world.member2.email)
    assert post_form(client, f"/forums/posts/{post.id}/delete", {}).status_code == 302
    auth.logout()
    auth.login(world.member.email)
    page = client.get(f"/forums/threads/{forum.thread.id}").get_data(as_text=True)
    assert "Ce message a été retiré." in page
    assert "Message à retirer" not in page
    auth.logout()
    auth.login(world.moderator.email)
    assert "Message à retirer" in client.get(f"/forums/threads/{forum.thread.id}").get_data(as_text=True)


def test_safeguarding_warning_before_publishing_then_redact_in_one_click(client, auth, world, forum):
    auth.login(world.member2.email)
    text = "Awa Diop, 12 ans, vit au 14 rue Carnot"
    response = reply_through_form(client, forum.thread, text)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert '<mark class="identifying">Awa Diop, 12 ans</mark>' in html
    assert 'value="redact"' in html and text in html  # the text is kept in the form
    assert db.session.scalar(db.select(db.func.count(Post.id))) == 1
    response = reply_through_form(client, forum.thread, text, safeguarding="redact")
    assert response.status_code == 302
    post = db.session.scalars(db.select(Post).order_by(Post.id.desc())).first()
    assert "Awa Diop" not in post.body and "[retiré]" in post.body
    assert "Awa Diop" not in post.html and not post.sensitive


def test_redacted_text_publishes_without_warning(client, auth, world, forum):
    auth.login(world.member2.email)
    response = reply_through_form(client, forum.thread, "Une fille de 12 ans, quartier non précisé")
    assert response.status_code == 302


def test_locked_thread_refuses_replies_but_not_from_moderators(client, auth, world, forum):
    moderation.set_thread_state(forum.thread, world.moderator, locked=True)
    db.session.commit()
    auth.login(world.member2.email)
    assert reply_through_form(client, forum.thread, "Encore un mot").status_code == 403
    auth.logout()
    auth.login(world.moderator.email)
    assert reply_through_form(client, forum.thread, "Mot du modérateur").status_code == 302

"""Mentions, watching, unread marks and the notifications they produce."""
from sociallab.content import extract_mentions
from sociallab.extensions import db
from sociallab.forums import discussions, moderation, reading, services
from sociallab.notifications.models import Notification
from tests.conftest import post_form
from tests.factories import reply_through_form


def kinds_for(user):
    return db.session.scalars(db.select(Notification.kind).where(Notification.user_id == user.id)
                              .order_by(Notification.id)).all()


def test_extract_mentions_ignores_code_quotes_and_emails():
    text = "Hi @amina.s and @Bob! mail x@y.org `@code`\n\n```\n@fenced\n```\n> @quoted\n@amina.s again"
    assert extract_mentions(text) == ["amina.s", "bob"]


def test_mentioning_a_member_of_the_space_notifies_them(client, auth, world, forum):
    auth.login(world.member2.email)
    reply_through_form(client, forum.thread, f"Qu'en penses-tu @{world.member.handle} ?")
    assert "forums.mention" in kinds_for(world.member)


def test_mentioning_someone_outside_the_space_notifies_nobody_and_tells_the_author(client, auth, world, forum):
    auth.login(world.member2.email)
    response = reply_through_form(client, forum.thread, f"Et toi @{world.other_member.handle} ? et @personne")
    assert kinds_for(world.other_member) == []
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"@{world.other_member.handle}" in page and "@personne" in page
    assert "flash-warning" in page


def test_watching_a_thread_notifies_replies_but_not_ones_own(world, forum):
    reading.watch(world.member2, thread=forum.thread)
    services.reply(forum.thread, world.member2, "Ma propre réponse", "fr")
    db.session.commit()
    assert kinds_for(world.member2) == []
    services.reply(forum.thread, world.volunteer_in, "Réponse d'une volontaire", "fr")
    db.session.commit()
    assert kinds_for(world.member2) == ["forums.reply"]
    assert kinds_for(world.member) == ["forums.reply", "forums.reply"]  # the author watches their thread


def test_watching_a_category_notifies_new_threads(client, auth, world, forum):
    auth.login(world.member2.email)
    post_form(client, f"/forums/categories/{forum.category.id}/watch", {"watch": "1"},
              page=f"/forums/categories/{forum.category.id}")
    services.create_thread(forum.category, "Nouveau sujet", "Texte", world.member, "fr")
    db.session.commit()
    assert kinds_for(world.member2) == ["forums.new_thread"]


def test_unwatching_stops_notifications(client, auth, world, forum):
    auth.login(world.member.email)
    post_form(client, f"/forums/threads/{forum.thread.id}/watch", {"watch": "0"},
              page=f"/forums/threads/{forum.thread.id}")
    services.reply(forum.thread, world.member2, "Réponse", "fr")
    db.session.commit()
    assert kinds_for(world.member) == []


def test_thread_list_marks_unread_threads_until_opened(client, auth, world, forum):
    auth.login(world.member2.email)
    listing = client.get(f"/forums/categories/{forum.category.id}").get_data(as_text=True)
    assert 'class="unread"' in listing
    client.get(f"/forums/threads/{forum.thread.id}")
    assert 'class="unread"' not in client.get(f"/forums/categories/{forum.category.id}").get_data(as_text=True)
    services.reply(forum.thread, world.member, "Du nouveau", "fr")
    db.session.commit()
    assert 'class="unread"' in client.get(f"/forums/categories/{forum.category.id}").get_data(as_text=True)


def test_thread_page_marks_where_the_unread_posts_start(client, auth, world, forum):
    auth.login(world.member2.email)
    client.get(f"/forums/threads/{forum.thread.id}")
    new = services.reply(forum.thread, world.member, "Du nouveau", "fr").post
    db.session.commit()
    page = client.get(f"/forums/threads/{forum.thread.id}").get_data(as_text=True)
    assert page.index('id="unread"') < page.index(f'id="post-{new.id}"')
    assert page.index(f'id="post-{forum.first.id}"') < page.index('id="unread"')


def test_threads_list_pinned_first_then_latest_activity_25_per_page(client, auth, world, forum):
    threads = [services.create_thread(forum.category, f"Sujet {i}", "Texte", world.member, "fr")[0]
               for i in range(30)]
    moderation.set_thread_state(forum.thread, world.moderator, pinned=True)
    services.reply(threads[3], world.member2, "Relance", "fr")
    db.session.commit()
    auth.login(world.member2.email)
    page1 = client.get(f"/forums/categories/{forum.category.id}").get_data(as_text=True)
    assert page1.index("Écoute des enfants") < page1.index("Sujet 3") < page1.index("Sujet 29")
    assert page1.count('class="title"') == 25
    page2 = client.get(f"/forums/categories/{forum.category.id}?page=2").get_data(as_text=True)
    assert page2.count('class="title"') == 6


def test_opening_the_thread_marks_its_notifications_read(client, auth, world, forum):
    services.reply(forum.thread, world.member2, f"@{world.member.handle} regarde", "fr")
    other = discussions.create_discussion(world.sn_space, "Ailleurs", world.member, "fr", "/spaces/country-sn")
    services.reply(other, world.member2, "Autre part", "fr")
    db.session.commit()
    auth.login(world.member.email)
    client.get(f"/forums/threads/{forum.thread.id}")
    unread = db.session.scalars(db.select(Notification.url).where(Notification.user_id == world.member.id,
                                                                  Notification.read_at.is_(None))).all()
    assert unread == [other.url + f"#post-{other.last_post_id}"]


def _list_state(user, forum):
    counts, unread = reading.thread_list_state(user, forum.category.space, [forum.thread])
    return counts[forum.thread.id], forum.thread.id in unread


def test_a_hidden_reply_counts_and_is_unread_only_for_moderators_and_its_author(world, forum):
    for person in (world.member2, world.moderator):
        reading.mark_read(person, forum.thread, forum.first.id)
    post = services.reply(forum.thread, world.member, "Un message à masquer", "fr").post
    db.session.commit()
    moderation.set_hidden(post, world.moderator)
    db.session.commit()
    assert _list_state(world.member2, forum) == (1, False)
    assert _list_state(world.moderator, forum) == (2, True)
    assert _list_state(world.member, forum) == (2, False)  # the author has read what they wrote


def test_a_deleted_reply_is_unread_and_counted_for_nobody(world, forum):
    reading.mark_read(world.moderator, forum.thread, forum.first.id)
    post = services.reply(forum.thread, world.member2, "Un message retiré", "fr").post
    db.session.commit()
    services.delete_post(post, world.member2)
    db.session.commit()
    assert _list_state(world.moderator, forum) == (1, False)
    assert _list_state(world.member, forum) == (1, False)


def test_the_category_page_shows_the_reader_s_own_count(client, auth, world, forum):
    post = services.reply(forum.thread, world.member2, "Un message à masquer", "fr").post
    db.session.commit()
    moderation.set_hidden(post, world.moderator)
    db.session.commit()
    auth.login(world.member.email)
    assert "1 message" in client.get(f"/forums/categories/{forum.category.id}").get_data(as_text=True)
    auth.logout()
    auth.login(world.moderator.email)
    assert "2 messages" in client.get(f"/forums/categories/{forum.category.id}").get_data(as_text=True)


def test_opening_a_thread_with_only_a_hidden_new_reply_moves_the_author_s_mark_past_it(client, auth, world, forum):
    post = services.reply(forum.thread, world.member2, "Un message à masquer", "fr").post
    db.session.commit()
    moderation.set_hidden(post, world.moderator)
    db.session.commit()
    auth.login(world.moderator.email)
    client.get(f"/forums/threads/{forum.thread.id}")
    assert reading.read_mark(world.moderator, forum.thread) == post.id


def test_mentions_of_people_of_the_space_are_highlighted_in_the_rendered_post(world, forum):
    body = (f"Merci @{world.member2.handle} et @{world.other_member.handle}, pas @personne "
            f"ni `@{world.member2.handle}` ni [@{world.member2.handle}](https://x.example)")
    post = services.reply(forum.thread, world.member, body, "fr").post
    db.session.commit()
    assert f'<span class="mention">@{world.member2.handle}</span>' in post.html
    assert post.html.count('class="mention"') == 1  # outside the space, unknown, code, link: plain
    assert f"@{world.other_member.handle}" in post.html and "@personne" in post.html


def test_highlighting_follows_an_edit_and_shows_on_the_thread_page(client, auth, world, forum):
    services.edit_post(forum.first, world.member, f"Bonjour @{world.member2.handle}", "fr")
    db.session.commit()
    auth.login(world.member2.email)
    page = client.get(f"/forums/threads/{forum.thread.id}").get_data(as_text=True)
    assert f'<span class="mention">@{world.member2.handle}</span>' in page


def test_highlight_mentions_leaves_code_and_links_alone():
    from sociallab.content import highlight_mentions
    html = '<p>@ana <code>@ana</code> <a href="/x">@ana</a> x@ana.org @anab</p>'
    assert highlight_mentions(html, {"ana"}) == (
        '<p><span class="mention">@ana</span> <code>@ana</code> <a href="/x">@ana</a> x@ana.org @anab</p>')

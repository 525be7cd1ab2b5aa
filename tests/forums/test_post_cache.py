"""Rendered posts are kept per process (forums.templating.PostItems), keyed by everything they
show: what a reader sees is still exactly the post as it is now, in their language, zone and role."""
from sociallab.extensions import db
from sociallab.forums import moderation, services, templating


def page(client, thread):
    response = client.get(f"/forums/threads/{thread.id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def post_item(html, post):
    """The <li> of one post on a page."""
    start = html.index(f'id="post-{post.id}"')
    return html[start:html.index("</li>", start)]


def test_an_edit_a_new_name_and_a_hidden_post_show_at_once(client, auth, world, forum):
    reply = services.reply(forum.thread, world.member2, "Première version", "fr").post
    db.session.commit()
    auth.login(world.member.email)
    first = post_item(page(client, forum.thread), reply)
    assert "Première version" in first and "Moussa Sénégal" in first
    assert page(client, forum.thread).count("Première version") == 1  # kept, shown once

    world.member2.name = "Moussa Diop"
    db.session.commit()
    renamed = post_item(page(client, forum.thread), reply)
    assert "Moussa Diop" in renamed and "Moussa Sénégal" not in renamed

    services.edit_post(reply, world.member2, "Seconde version", "fr")
    db.session.commit()
    edited = post_item(page(client, forum.thread), reply)
    assert "Seconde version" in edited and "Première version" not in edited and "modifié" in edited

    moderation.set_hidden(reply, world.moderator, hidden=True)
    db.session.commit()
    assert f'id="post-{reply.id}"' not in page(client, forum.thread)


def test_each_reader_gets_their_own_actions_language_and_zone(client, auth, world, forum):
    auth.login(world.moderator.email)
    as_moderator = post_item(page(client, forum.thread), forum.first)
    assert 'formaction="/forums/posts/' in as_moderator  # hide, for moderators only
    auth.logout()

    auth.login(world.member2.email)
    as_member = post_item(page(client, forum.thread), forum.first)
    assert "formaction" not in as_member and "Signaler" in as_member
    # The same moment, shown five hours earlier in Bogotá than in UTC.
    world.member2.timezone = "America/Bogota"
    db.session.commit()
    in_bogota = post_item(page(client, forum.thread), forum.first)
    moment = forum.first.created_at
    assert f"{moment.hour:02d}:{moment.minute:02d}" in as_member
    assert f"{(moment.hour - 5) % 24:02d}:{moment.minute:02d}" in in_bogota
    world.member2.language = "en"
    db.session.commit()
    in_english = post_item(page(client, forum.thread), forum.first)
    assert "Flag" in in_english and "Signaler" not in in_english


def test_the_kept_posts_are_bounded(client, auth, world, forum, monkeypatch):
    monkeypatch.setattr(templating, "POST_ITEMS_KEPT", 3)
    for n in range(6):
        services.reply(forum.thread, world.member2, f"Réponse {n}", "fr")
    db.session.commit()
    auth.login(world.member.email)
    html = page(client, forum.thread)
    assert all(f"Réponse {n}" in html for n in range(6))
    assert len(templating._POST_ITEMS) <= 3

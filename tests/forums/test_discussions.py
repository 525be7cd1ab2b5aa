"""The discussion contract: a thread with no category, shown on its owner's page."""
import pytest
from flask import render_template_string

from sociallab.extensions import db
from sociallab.forums import discussions, moderation, services
from sociallab.forums.models import Post
from tests.conftest import csrf_token_from


@pytest.fixture
def discussion(world):
    thread = discussions.create_discussion(world.sn_space, "Initiative: écoute", world.member, "fr",
                                        "/spaces/country-sn")
    db.session.commit()
    return thread


def test_discussion_has_no_category_and_its_page_is_the_owners(client, auth, world, discussion):
    assert discussion.category_id is None and discussion.url == "/spaces/country-sn"
    auth.login(world.member2.email)
    response = client.get(f"/forums/threads/{discussion.id}")
    assert response.status_code == 302 and response.headers["Location"] == "/spaces/country-sn"


def test_reply_to_a_discussion_returns_to_the_owner_page_and_notifies_its_author(client, auth, world, discussion):
    auth.login(world.member2.email)
    token = csrf_token_from(client.get("/spaces/country-sn").get_data(as_text=True))
    response = client.post(f"/forums/threads/{discussion.id}/reply",
                           data={"body": "Bonne idée", "lang": "fr", "action": "publish", "csrf_token": token})
    post = db.session.scalar(db.select(Post))
    assert response.headers["Location"] == f"/spaces/country-sn#post-{post.id}"
    from sociallab.notifications.models import Notification
    assert db.session.scalar(db.select(Notification.kind).where(Notification.user_id == world.member.id)) \
        == "forums.reply"


def test_discussion_include_renders_posts_and_the_reply_form(app, client, auth, world, discussion):
    services.reply(discussion, world.member2, "Un *commentaire*", "fr")
    db.session.commit()
    auth.login(world.member.email)
    with app.test_request_context("/spaces/country-sn"):
        from flask_login import login_user
        login_user(world.member)
        html = render_template_string('{% include "forums/_discussion.html" %}', thread=discussion)
    assert '<div class="prose" lang="fr"><p>Un <em>commentaire</em></p>' in html
    assert f'action="/forums/threads/{discussion.id}/reply"' in html
    assert "/static/js/forums." in html  # fingerprinted: forums.<hash>.js


def test_a_peru_member_cannot_reply_to_a_senegal_discussion(client, auth, world, discussion):
    auth.login(world.other_member.email)
    token = auth.csrf()
    response = client.post(f"/forums/threads/{discussion.id}/reply",
                           data={"body": "Hola", "lang": "es", "action": "publish", "csrf_token": token})
    assert response.status_code == 404


def test_discussion_counts_messages_as_the_reader_sees_them(app, world, discussion):
    from flask_login import login_user
    services.reply(discussion, world.member2, "Visible", "fr")
    hidden = services.reply(discussion, world.member2, "Masqué", "fr").post
    db.session.commit()
    moderation.set_hidden(hidden, world.moderator)
    db.session.commit()
    for person, expected in ((world.member, "1 message"), (world.moderator, "2 messages")):
        with app.test_request_context("/spaces/country-sn"):
            login_user(person)
            html = render_template_string('{% include "forums/_discussion.html" %}', thread=discussion)
        assert f"({expected})" in html

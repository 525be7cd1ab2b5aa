"""A form sent twice (a double click, or the browser resending it after the answer was lost) makes
one post, not two: the second answer takes the person to the post the first one made.

The forms are sent exactly as a browser resends them: every field the page's form holds (its
hidden ones included, so a submission key the form may carry goes with it), the same CSRF token,
the same text. A second post made on purpose, from the form loaded again, is still published.
"""
import re

import pytest

from sociallab.extensions import db
from sociallab.forums.models import Post, Thread

# Not yet: the forums publish every accepted form (forums/views.py new_thread and reply, through
# services.create_thread and services.reply) and nothing tells a resent form from a new one.
# Reported to the lead with a proposal (issue 15); remove this mark when the forums dedupe.
not_yet = pytest.mark.xfail(strict=True, reason="the forums do not recognise a resent form yet (issue 15)")

HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')


def form_fields(html, action):
    """The hidden fields of the page's form that posts to `action`."""
    start = html.index(f'action="{action}"')
    form = html[start:html.index("</form>", start)]
    return dict(HIDDEN.findall(form))


@not_yet
def test_a_reply_sent_twice_is_published_once(client, auth, world, forum):
    auth.login(world.member2.email)
    action = f"/forums/threads/{forum.thread.id}/reply"
    fields = {**form_fields(client.get(f"/forums/threads/{forum.thread.id}").get_data(as_text=True), action),
              "body": "Nous tenons un registre des auditions.", "lang": "fr", "action": "publish"}

    first = client.post(action, data=fields)
    again = client.post(action, data=fields)

    assert first.status_code == 302
    replies = db.session.scalars(db.select(Post).where(Post.thread_id == forum.thread.id,
                                                       Post.body == fields["body"])).all()
    assert len(replies) == 1
    assert again.status_code == 302 and again.headers["Location"] == first.headers["Location"]


@not_yet
def test_a_new_thread_sent_twice_is_started_once(client, auth, world, forum):
    auth.login(world.member2.email)
    action = f"/forums/categories/{forum.category.id}/new"
    fields = {**form_fields(client.get(action).get_data(as_text=True), action),
              "title": "Registre des auditions", "body": "Comment le tenez-vous ?", "lang": "fr",
              "action": "publish"}

    first = client.post(action, data=fields)
    again = client.post(action, data=fields)

    assert first.status_code == 302
    assert db.session.scalar(db.select(db.func.count(Thread.id)).where(Thread.title == fields["title"])) == 1
    assert again.status_code == 302 and again.headers["Location"] == first.headers["Location"]


def test_the_same_text_sent_again_from_a_fresh_form_is_a_new_post(client, auth, world, forum):
    auth.login(world.member2.email)
    action = f"/forums/threads/{forum.thread.id}/reply"
    for _ in range(2):
        fields = {**form_fields(client.get(f"/forums/threads/{forum.thread.id}").get_data(as_text=True), action),
                  "body": "+1", "lang": "fr", "action": "publish"}
        assert client.post(action, data=fields).status_code == 302
    assert db.session.scalar(db.select(db.func.count(Post.id)).where(
        Post.thread_id == forum.thread.id, Post.body == "+1")) == 2

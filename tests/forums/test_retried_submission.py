"""A form sent twice (a double click, or the browser resending it after the answer was lost) makes
one post, not two: the second answer takes the person to the post the first one made.

The forms are sent exactly as a browser resends them: every field the page's form holds (its
hidden ones included, so a submission key the form may carry goes with it), the same CSRF token,
the same text. A second post made on purpose, from the form loaded again, is still published.
"""
import re
from uuid import uuid4

import pytest

from sociallab.extensions import db
from sociallab.forums import services
from sociallab.forums.models import Post, Thread

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')


def form_fields(html, action):
    """The hidden fields of the page's form that posts to `action`."""
    start = html.index(f'action="{action}"')
    form = html[start:html.index("</form>", start)]
    return dict(HIDDEN.findall(form))


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


def test_each_page_carries_its_own_key_and_a_preview_keeps_it(client, auth, world, forum):
    # The empty reply form is rendered once per process; its key is not.
    auth.login(world.member2.email)
    page = f"/forums/threads/{forum.thread.id}"
    action = f"{page}/reply"
    keys = [form_fields(client.get(page).get_data(as_text=True), action)["submission"] for _ in range(2)]
    assert keys[0] != keys[1] and all(UUID.fullmatch(key) for key in keys)

    preview = client.post(action, data={**form_fields(client.get(page).get_data(as_text=True), action),
                                        "submission": keys[0], "body": "Brouillon", "lang": "fr", "action": "preview"})
    assert preview.status_code == 200
    assert form_fields(preview.get_data(as_text=True), action)["submission"] == keys[0]


def test_a_form_without_a_key_posts_as_before(client, auth, world, forum):
    # A page cached before the forms carried a key: each sending is published, as it was.
    auth.login(world.member2.email)
    action = f"/forums/threads/{forum.thread.id}/reply"
    fields = {**form_fields(client.get(f"/forums/threads/{forum.thread.id}").get_data(as_text=True), action),
              "body": "Sans clé", "lang": "fr", "action": "publish"}
    del fields["submission"]
    assert [client.post(action, data=fields).status_code for _ in range(2)] == [302, 302]
    assert db.session.scalar(db.select(db.func.count(Post.id)).where(Post.body == "Sans clé")) == 2


@pytest.mark.parametrize("key", ["not-a-key", "x" * 5000, "<script>", "10577E99-377D-4C3B-A76B-5BFB6DBFC721",
                                 "10577e99-377d-4c3b-a76b-5bfb6dbfc7210"])
def test_a_damaged_key_brings_the_form_back_with_the_text(client, auth, world, forum, key):
    auth.login(world.member2.email)
    action = f"/forums/categories/{forum.category.id}/new"
    fields = {**form_fields(client.get(action).get_data(as_text=True), action), "submission": key,
              "title": "Clé abîmée", "body": "Mon texte", "lang": "fr", "action": "publish"}

    response = client.post(action, data=fields)

    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Mon texte" in html and 'role="alert"' in html and key not in html
    assert db.session.scalar(db.select(db.func.count(Thread.id)).where(Thread.title == "Clé abîmée")) == 0
    # Sent again from the form that came back (it has a new key): published.
    again = client.post(action, data={**fields, **form_fields(html, action)})
    assert again.status_code == 302


def test_a_page_restored_and_rewritten_is_a_new_post(client, auth, world, forum):
    # Back to the page after sending (the browser keeps its key) and a different text written:
    # that is a new message, published, not taken for the first one.
    auth.login(world.member2.email)
    action = f"/forums/threads/{forum.thread.id}/reply"
    fields = {**form_fields(client.get(f"/forums/threads/{forum.thread.id}").get_data(as_text=True), action),
              "lang": "fr", "action": "publish"}
    first = client.post(action, data={**fields, "body": "Mon premier envoi"})
    second = client.post(action, data={**fields, "body": "Un tout autre envoi"})
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] != second.headers["Location"]
    assert db.session.scalar(db.select(db.func.count(Post.id)).where(
        Post.body.in_(["Mon premier envoi", "Un tout autre envoi"]))) == 2


def _racing(monkeypatch, second_click):
    """Two requests from one double click, both looking for the key before either post is saved:
    the first one looks, then the second click is saved (and committed) before the first saves."""
    look_up, raced = services._submitted, []

    def look_up_while_the_other_click_is_saved(*args):
        found = look_up(*args)
        if not raced:
            raced.append(True)
            raced.append(second_click())
        return found
    monkeypatch.setattr(services, "_submitted", look_up_while_the_other_click_is_saved)
    return raced


def test_a_double_click_racing_two_replies_makes_one_post(app, world, forum, monkeypatch):
    key = str(uuid4())
    send = lambda: services.reply(forum.thread, world.member2, "Deux clics", "fr", submission=key)  # noqa: E731
    raced = _racing(monkeypatch, send)

    published = send()

    winner = raced[1]
    assert published.resent and not winner.resent and published.post.id == winner.post.id
    assert db.session.scalar(db.select(db.func.count(Post.id)).where(Post.body == "Deux clics")) == 1


def test_a_double_click_racing_two_new_threads_starts_one(app, world, forum, monkeypatch):
    key = str(uuid4())
    send = lambda: services.create_thread(forum.category, "Course", "Deux clics", world.member2, "fr",  # noqa: E731
                                          submission=key)
    raced = _racing(monkeypatch, send)

    thread, published = send()

    winner_thread, winner = raced[1]
    assert published.resent and thread.id == winner_thread.id and published.post.id == winner.post.id
    assert db.session.scalar(db.select(db.func.count(Thread.id)).where(Thread.title == "Course")) == 1
    assert db.session.scalar(db.select(db.func.count(Post.id)).where(Post.body == "Deux clics")) == 1

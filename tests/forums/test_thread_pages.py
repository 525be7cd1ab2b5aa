"""Long threads are shown a page at a time: links to a post land on its page, the page stays light."""
import re

from sociallab.extensions import db
from sociallab.forums import paging, services
from sociallab.forums.models import Post
from sociallab.notifications.models import Notification
from tests.factories.forums import reply_through_form
from tests.pageweight import page_weight
from tests.querycount import count_queries

POST_RE = re.compile(r'<li class="post[^"]*" id="post-(\d+)"')


def grow(thread, world, total):
    """Bring the thread to `total` posts (written directly: the services' checks are not the point)."""
    authors = [world.member, world.member2]
    have = db.session.scalar(db.select(db.func.count(Post.id)).where(Post.thread_id == thread.id))
    for n in range(have, total):
        post = Post(thread_id=thread.id, author_id=authors[n % 2].id, lang="fr")
        post.set_body(f"Message **{n + 1}**")
        db.session.add(post)
    db.session.flush()
    thread.last_post_id = db.session.scalar(db.select(db.func.max(Post.id)).where(Post.thread_id == thread.id))
    thread.post_count = total
    db.session.commit()
    return db.session.scalars(db.select(Post).where(Post.thread_id == thread.id).order_by(Post.id)).all()


def shown(html):
    return [int(i) for i in POST_RE.findall(html)]


def test_a_long_thread_shows_50_posts_then_links_to_its_pages(client, auth, world, forum):
    posts = grow(forum.thread, world, 120)
    auth.login(world.member2.email)
    first = client.get(f"/forums/threads/{forum.thread.id}").get_data(as_text=True)
    assert shown(first) == [p.id for p in posts[:50]]
    assert f'href="/forums/threads/{forum.thread.id}?page=2"' in first
    assert f'href="/forums/threads/{forum.thread.id}?page=3"' in first
    assert first.count('class="pagination"') == 2  # above and below the posts
    second = client.get(f"/forums/threads/{forum.thread.id}?page=2").get_data(as_text=True)
    assert shown(second) == [p.id for p in posts[50:100]]
    last = client.get(f"/forums/threads/{forum.thread.id}?page=3").get_data(as_text=True)
    assert shown(last) == [p.id for p in posts[100:]]
    # A page beyond the last one (the link was written when the thread was longer) shows the last.
    assert shown(client.get(f"/forums/threads/{forum.thread.id}?page=9").get_data(as_text=True)) == shown(last)
    # Only the last page goes live: the earlier ones do not load the Socket.IO client either.
    assert 'data-later="1"' in first and 'data-later="1"' not in last


def test_a_link_to_post_75_lands_on_page_2_with_its_anchor(client, auth, world, forum):
    posts = grow(forum.thread, world, 120)
    target = posts[74]
    url = f"/forums/threads/{forum.thread.id}?page=2#post-{target.id}"
    assert services.post_url(target) == url
    assert paging.post_pages(posts) == {p.id: 1 + i // 50 for i, p in enumerate(posts)}
    assert services.post_url(posts[0]) == f"/forums/threads/{forum.thread.id}#post-{posts[0].id}"
    auth.login(world.member2.email)
    page = client.get(url.split("#")[0]).get_data(as_text=True)
    assert f'id="post-{target.id}"' in page
    # Links written before threads had pages (#post-N on the thread's first page) are sent there too.
    response = client.get(f"/forums/posts/{target.id}/go")
    assert response.status_code == 302 and response.location == url


def test_notifications_of_a_later_page_carry_the_page_and_are_read_there(client, auth, world, forum):
    grow(forum.thread, world, 120)
    published = services.reply(forum.thread, world.member, "Bonjour @" + world.member2.handle, "fr")
    db.session.commit()
    notification = db.session.scalar(db.select(Notification).where(Notification.user_id == world.member2.id))
    assert notification.url == f"/forums/threads/{forum.thread.id}?page=3#post-{published.post.id}"
    auth.login(world.member2.email)
    page = client.get(notification.url.split("#")[0]).get_data(as_text=True)
    assert f'id="post-{published.post.id}"' in page
    db.session.refresh(notification)
    assert notification.read_at is not None


def test_first_unread_lands_on_its_page(client, auth, world, forum):
    posts = grow(forum.thread, world, 60)
    auth.login(world.member2.email)
    client.get(f"/forums/threads/{forum.thread.id}?page=2")  # read everything (the mark is the newest)
    more = grow(forum.thread, world, 120)
    response = client.get(f"/forums/threads/{forum.thread.id}/unread")
    assert response.location == f"/forums/threads/{forum.thread.id}?page=2#unread"
    page = client.get(f"/forums/threads/{forum.thread.id}?page=2").get_data(as_text=True)
    assert 'id="unread">' in page and page.index('id="unread"') < page.index(f'id="post-{more[60].id}"')
    assert posts[59].id < more[60].id


def test_the_thread_page_issues_the_same_queries_whatever_its_length(client, auth, world, forum):
    small = forum.thread
    large, _ = services.create_thread(forum.category, "Long", "Premier", world.member, "fr")
    db.session.commit()
    grow(large, world, 120)
    auth.login(world.member2.email)

    def measure(url):
        client.get(url)  # the first visit moves the read mark
        db.session.expunge_all()  # as in production, nothing is loaded before the request starts
        with count_queries() as statements:
            response = client.get(url)
        assert response.status_code == 200
        return len(statements)

    small_id, large_id = small.id, large.id
    counts = [measure(f"/forums/threads/{small_id}"), measure(f"/forums/threads/{large_id}"),
              measure(f"/forums/threads/{large_id}?page=3")]
    assert len(set(counts)) == 1, counts
    assert counts[0] <= 8, counts


def test_a_page_of_a_long_thread_weighs_under_25_kb_gzipped(client, auth, world, forum):
    grow(forum.thread, world, 120)
    auth.login(world.moderator.email)  # the heaviest view: every action on every post
    for url in (f"/forums/threads/{forum.thread.id}", f"/forums/threads/{forum.thread.id}?page=3"):
        total, sizes = page_weight(client, url)
        assert total < 25 * 1024, sizes
        # The Socket.IO client is fetched by forums.js after the page is usable, not by the page.
        assert not any("socket.io" in asset for asset in sizes), sizes
    html = client.get(f"/forums/threads/{forum.thread.id}").get_data(as_text=True)
    # The moderators' Hide buttons share one form: one CSRF token on the page for them.
    assert html.count('form="post-action-form"') == 50
    assert html.count('id="post-action-form"') == 1


def test_a_reply_without_javascript_lands_on_the_last_page(client, auth, world, forum):
    grow(forum.thread, world, 120)
    auth.login(world.member2.email)
    response = reply_through_form(client, forum.thread, "Ma réponse")
    post = db.session.scalar(db.select(Post).where(Post.thread_id == forum.thread.id).order_by(Post.id.desc()))
    assert response.status_code == 302
    assert response.location == f"/forums/threads/{forum.thread.id}?page=3#post-{post.id}"
    assert f'id="post-{post.id}"' in client.get(response.location.split("#")[0]).get_data(as_text=True)


def test_the_hide_button_works_through_the_shared_form(client, auth, world, forum):
    posts = grow(forum.thread, world, 60)
    auth.login(world.moderator.email)
    html = client.get(f"/forums/threads/{forum.thread.id}?page=2").get_data(as_text=True)
    form = re.search(r'<form method="post" id="post-action-form"[^>]*>(.*?)</form>', html).group(1)
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    action = re.search(r'formaction="([^"]+)" name="hidden" value="1">[^<]*</button>', html).group(1)
    assert action == f"/forums/posts/{posts[50].id}/hide"
    response = client.post(action, data={"csrf_token": token, "hidden": "1"})
    assert response.location == f"/forums/threads/{forum.thread.id}?page=2#post-{posts[50].id}"
    db.session.refresh(posts[50])
    assert posts[50].is_hidden


def test_search_links_a_reply_to_the_page_that_shows_it(world):
    from sociallab import search
    category = services.create_category(world.sn_space, "Longue", "", "fr", world.moderator)
    thread, _ = services.create_thread(category, "Fil très long", "Début", world.member, "fr")
    for number in range(1, 60):
        services.reply(thread, world.member2, f"Réponse {number}", "fr")
    services.reply(thread, world.member2, "Une remarque zorbalesque", "fr")
    db.session.commit()
    [hit] = search.query(world.member, "zorbalesque").hits
    assert (hit.url if hasattr(hit, "url") else hit["url"]).startswith(f"/forums/threads/{thread.id}?page=2#post-")
    assert search.query(world.member, "Fil très long").total == 1


def test_a_thread_number_no_column_can_hold_is_not_found(client, auth, world, forum):
    auth.login(world.member.email)
    assert client.get("/forums/threads/99999999999999999999999").status_code == 404
    assert client.get(f"/forums/threads/{forum.thread.id}").status_code == 200

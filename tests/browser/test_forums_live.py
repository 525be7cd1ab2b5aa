"""Two people in the Senegal space: one replies, the other sees it appear live; Peru gets 404."""
from sociallab.extensions import db
from tests.browser.conftest import sign_in


def _demo_thread(live_server):
    from sociallab.forums.models import Thread
    with live_server.app.app_context():
        thread = db.session.scalar(db.select(Thread).where(Thread.title == "Salles d'audition adaptées : vos retours"))
        thread_id = thread.id
        db.session.remove()
    return thread_id


def test_a_reply_appears_live_for_the_other_reader(live_server, browser):
    thread_id = _demo_thread(live_server)
    url = f"{live_server.url}/forums/threads/{thread_id}"
    reader_context, writer_context = browser.new_context(), browser.new_context()
    reader, writer = reader_context.new_page(), writer_context.new_page()
    sign_in(reader, live_server, "moderator@example.org")
    sign_in(writer, live_server, "member.sn@example.org")
    reader.goto(url)
    reader.locator("#posts[data-live=on]").wait_for(timeout=15000)  # joined the thread's room
    writer.goto(url)
    writer.fill("#reply textarea[name=body]", "Une réponse **en direct** depuis Dakar")
    writer.click("#reply button[value=publish]")
    writer.wait_for_load_state()
    reader.locator(".post", has_text="Une réponse en direct depuis Dakar").wait_for(timeout=15000)
    assert reader.locator(".post strong", has_text="en direct").count() == 1
    assert reader.locator(".post .prose[lang=fr]", has_text="depuis Dakar").count() == 1
    live_server.screenshot(reader, "forums-live-reply")
    reader_context.close()
    writer_context.close()


def test_a_peru_member_cannot_open_the_senegal_thread(live_server, page):
    thread_id = _demo_thread(live_server)
    sign_in(page, live_server, "member.pe@example.org")
    response = page.goto(f"{live_server.url}/forums/threads/{thread_id}")
    assert response.status == 404


def test_an_old_link_to_a_post_of_page_2_lands_there(live_server, page):
    """A #post-N link written before threads had pages opens the first page: its script sends the
    reader to the post's page; the last page goes live, an earlier one does not load Socket.IO."""
    from sociallab.forums.models import Post, Thread
    thread_id = _demo_thread(live_server)
    with live_server.app.app_context():
        thread = db.session.get(Thread, thread_id)
        author_id = thread.author_id
        for n in range(60):
            post = Post(thread_id=thread_id, author_id=author_id, lang="fr")
            post.set_body(f"Message de remplissage {n}")
            db.session.add(post)
        db.session.flush()
        target = db.session.scalars(db.select(Post.id).where(Post.thread_id == thread_id)
                                    .order_by(Post.id).offset(54).limit(1)).one()
        thread.last_post_id = db.session.scalar(db.select(db.func.max(Post.id)).where(Post.thread_id == thread_id))
        db.session.commit()
        db.session.remove()
    sign_in(page, live_server, "member.sn@example.org")
    sockets = []
    page.on("request", lambda request: sockets.append(request.url) if "socket.io" in request.url else None)
    page.goto(f"{live_server.url}/forums/threads/{thread_id}#post-{target}")
    page.wait_for_url(f"**/forums/threads/{thread_id}?page=2#post-{target}", timeout=15000)
    page.locator(f"#post-{target}").wait_for(timeout=15000)
    page.locator("#posts[data-live=on]").wait_for(timeout=15000)  # the last page goes live
    assert sockets  # loaded by forums.js on the last page
    sockets.clear()
    page.goto(f"{live_server.url}/forums/threads/{thread_id}")
    page.wait_for_load_state("load")
    page.wait_for_timeout(500)
    assert not sockets  # the first page does not go live

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

"""A thread full of hostile Markdown opens with no dialog and no injected script."""
from sociallab.extensions import db
from tests.browser.conftest import sign_in
from tests.forums.test_performance_and_xss import XSS_PAYLOADS


def test_xss_corpus_runs_nothing_in_the_browser(live_server, page):
    from sociallab.accounts.models import User
    from sociallab.forums import services
    from sociallab.forums.models import Thread
    with live_server.app.app_context():
        thread = db.session.scalar(db.select(Thread).where(Thread.title == "Salles d'audition adaptées : vos retours"))
        author = db.session.scalar(db.select(User).where(User.email == "member.sn@example.org"))
        for payload in XSS_PAYLOADS:
            services.reply(thread, author, payload, "en")
        db.session.commit()
        thread_id = thread.id
        db.session.remove()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    sign_in(page, live_server, "moderator@example.org")
    page.goto(f"{live_server.url}/forums/threads/{thread_id}")
    page.wait_for_load_state("networkidle")
    for post in page.locator(".post").all()[:5]:
        post.hover()
    scripts = page.eval_on_selector_all("script", "nodes => nodes.map(n => n.getAttribute('src'))")
    assert all(src and src.startswith("/static/") for src in scripts), scripts
    assert page.locator("#posts iframe, #posts object, #posts embed, #posts svg, #posts img").count() == 0
    assert dialogs == []
    live_server.screenshot(page, "forums-xss-thread")

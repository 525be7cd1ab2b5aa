"""The forum pages pass axe-core's WCAG checks, for a member and for a moderator."""
from tests.browser.conftest import axe_violations, sign_in


def _paths(live_server):
    from sociallab.extensions import db
    from sociallab.forums.models import Post, Thread
    with live_server.app.app_context():
        thread = db.session.scalar(db.select(Thread).where(Thread.title == "Salles d'audition adaptées : vos retours"))
        post = db.session.scalar(db.select(Post).where(Post.thread_id == thread.id).order_by(Post.id))
        paths = ["/spaces/country-sn", "/spaces/country-sn/forums", f"/forums/categories/{thread.category_id}",
                 f"/forums/threads/{thread.id}", f"/forums/categories/{thread.category_id}/new",
                 f"/forums/posts/{post.id}/flag", "/notifications"]
        db.session.remove()
    return paths


def test_member_pages_have_no_accessibility_violations(live_server, page):
    sign_in(page, live_server, "member.sn@example.org")
    for path in _paths(live_server):
        page.goto(f"{live_server.url}{path}")
        assert axe_violations(page) == [], path
    live_server.screenshot(page, "forums-notifications")


def test_moderator_pages_have_no_accessibility_violations(live_server, page):
    sign_in(page, live_server, "moderator@example.org")
    for path in _paths(live_server) + ["/spaces/country-sn/forums/review", "/spaces/country-sn/forums/categories/new"]:
        page.goto(f"{live_server.url}{path}")
        assert axe_violations(page) == [], path
        name = path.strip("/").replace("/", "-")
        live_server.screenshot(page, f"forums-mod-{name}"[:60])

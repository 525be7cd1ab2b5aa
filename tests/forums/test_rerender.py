"""`flask sociallab rerender-posts` rebuilds stored post HTML, and a second run changes nothing."""
from sociallab.extensions import db
from sociallab.forums import services
from sociallab.forums.models import Post


def test_rerender_posts_rebuilds_stale_html_and_is_safe_to_run_twice(app, world, forum):
    post = services.reply(forum.thread, world.member2, f"**Gras** et @{world.member.handle}", "fr").post
    db.session.commit()
    fresh = post.html
    # As if stored under older sanitiser rules: raw markup that today's rules strip.
    db.session.execute(db.update(Post).where(Post.id == post.id).values(html="<b onclick=x>old</b>"))
    db.session.commit()
    runner = app.test_cli_runner()

    first = runner.invoke(args=["sociallab", "rerender-posts", "--batch", "1"])
    assert first.exit_code == 0, first.output
    assert "2 post(s) checked, 1 re-rendered." in first.output
    db.session.expire_all()
    assert db.session.get(Post, post.id).html == fresh
    assert '<span class="mention">' in fresh and "<strong>Gras</strong>" in fresh

    second = runner.invoke(args=["sociallab", "rerender-posts"])
    assert "2 post(s) checked, 0 re-rendered." in second.output

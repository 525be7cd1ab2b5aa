"""The forum demo data loads in several spaces and languages, and loading it again adds nothing."""
from sociallab.demo import seed_demo
from sociallab.extensions import db
from sociallab.forums.models import Category, Post, Thread


def test_demo_discussions_are_idempotent_and_multilingual(app):
    seed_demo()
    counts = [db.session.scalar(db.select(db.func.count(m.id))) for m in (Category, Thread, Post)]
    seed_demo()
    assert [db.session.scalar(db.select(db.func.count(m.id))) for m in (Category, Thread, Post)] == counts
    assert set(db.session.scalars(db.select(Post.lang))) == {"fr", "es", "en"}
    assert len(set(db.session.scalars(db.select(Thread.space_id)))) >= 3

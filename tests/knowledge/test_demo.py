"""The knowledge demo: a toolkit in three linked languages and a few resources, safe to run twice."""
from sociallab.extensions import db
from sociallab.knowledge import demo, services
from sociallab.knowledge.models import Resource


def test_demo_seeds_a_linked_toolkit_and_runs_again_without_duplicates(find, world):
    demo.seed()
    db.session.commit()
    count = db.session.scalar(db.select(db.func.count()).select_from(Resource))
    demo.seed()
    db.session.commit()
    assert db.session.scalar(db.select(db.func.count()).select_from(Resource)) == count >= 6
    toolkit = db.session.scalar(db.select(Resource).where(Resource.type == "toolkit", Resource.lang == "es"))
    assert [r.lang for r in services.versions_of(toolkit)] == ["fr", "en", "es"]
    assert find(world.other_member, "grabada").total >= 1

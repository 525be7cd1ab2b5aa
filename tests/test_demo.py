"""The demo data: the Lab's whole structure and one account per role, loaded again without change."""
from sociallab.accounts.models import User
from sociallab.demo import seed_demo
from sociallab.extensions import db
from sociallab.spaces.models import Country, Region, Space, Theme


def _row_counts():
    return {table.name: db.session.execute(db.select(db.func.count()).select_from(table)).scalar()
            for table in db.metadata.sorted_tables}


def test_demo_holds_the_structure_and_an_account_per_role(app):
    accounts = dict(seed_demo())
    assert db.session.scalar(db.select(db.func.count(Region.id))) == 3
    assert db.session.scalar(db.select(db.func.count(Country.id))) == 11
    kinds = db.session.scalars(db.select(Space.kind)).all()
    assert (kinds.count("international"), kinds.count("regional"), kinds.count("national")) == (1, 3, 11)
    for country in db.session.scalars(db.select(Country)):
        assert 2 <= sum(o.active for o in country.organisations) <= 4, country.iso2
        assert not country.is_incomplete
    assert db.session.scalar(db.select(db.func.count(Theme.id))) >= 9
    for email in ("admin@example.org", "moderator@example.org", "facilitator@example.org",
                  "volunteer@example.org", "member.sn@example.org", "member.pe@example.org"):
        assert email in accounts
    member = db.session.scalar(db.select(User).where(User.email == "member.pe@example.org"))
    assert member.language == "es" and member.organisation.focal_point_id == member.id
    volunteer = db.session.scalar(db.select(User).where(User.email == "volunteer@example.org"))
    assert volunteer.running_mandate() is not None


def test_loading_the_demo_twice_changes_nothing(app):
    seed_demo()
    before = _row_counts()
    tokens = dict(db.session.execute(db.select(User.email, User.password_hash)).all())
    seed_demo()
    db.session.expire_all()
    assert _row_counts() == before
    assert dict(db.session.execute(db.select(User.email, User.password_hash)).all()) == tokens

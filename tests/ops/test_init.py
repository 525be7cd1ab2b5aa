"""`flask sociallab init`: the Lab's real structure and its first administrator, and nothing of the demo."""
from sociallab.accounts.models import User
from sociallab.accounts.passwords import verify_password
from sociallab.audit.models import AuditEntry
from sociallab.extensions import db
from sociallab.forums.models import Category
from sociallab.spaces.models import Country, Organisation, Region, Space, Theme

PASSWORD = "a-long-real-password"


def _init(app, *args, password_input=None, env=None):
    arguments = ["sociallab", "init", "--email", "Direction@IBCR.org", *args]
    return app.test_cli_runner().invoke(args=arguments, input=password_input, env=env)


def _row_counts():
    return {table.name: db.session.execute(db.select(db.func.count()).select_from(table)).scalar()
            for table in db.metadata.sorted_tables}


def test_init_creates_the_real_structure_and_the_first_administrator(app):
    result = _init(app, "--name", "Awa Directrice", "--timezone", "America/Montreal",
                   password_input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert "3 regions, 11 countries, 15 spaces, 3 themes, 15 forum categories" in result.output
    assert PASSWORD not in result.output
    assert set(db.session.scalars(db.select(Region.code))) == {"ssa", "na", "la"}
    assert db.session.scalar(db.select(Country).where(Country.iso2 == "pe")).name_in_es == "en el Perú"
    kinds = db.session.scalars(db.select(Space.kind)).all()
    assert (kinds.count("international"), kinds.count("regional"), kinds.count("national")) == (1, 3, 11)
    themes = db.session.scalars(db.select(Theme).order_by(Theme.id)).all()
    assert [t.code for t in themes] == ["protection-violence", "child-friendly-justice", "right-to-be-heard"]
    assert all(t.label_fr and t.label_en and t.label_es for t in themes)
    spaces_with_category = set(db.session.scalars(db.select(Category.space_id)))
    assert spaces_with_category == set(db.session.scalars(db.select(Space.id)))
    # No demo person, no fictional partner.
    admin = db.session.scalar(db.select(User))
    assert db.session.scalar(db.select(db.func.count(User.id))) == 1
    assert db.session.scalar(db.select(db.func.count(Organisation.id))) == 0
    assert (admin.email, admin.name, admin.is_admin, admin.timezone) == (
        "direction@ibcr.org", "Awa Directrice", True, "America/Montreal")
    assert verify_password(admin.password_hash, PASSWORD)
    entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "person.create"))
    assert entry.target_id == admin.id and entry.actor_id is None


def test_init_twice_changes_nothing_and_leaves_the_account_alone(app):
    assert _init(app, "--name", "Awa Directrice", env={"SOCIALLAB_ADMIN_PASSWORD": PASSWORD}).exit_code == 0
    before = _row_counts()
    password_hash = db.session.scalar(db.select(User.password_hash))
    again = _init(app, "--name", "Someone Else", env={"SOCIALLAB_ADMIN_PASSWORD": "another-long-password"})
    assert again.exit_code == 0, again.output
    assert "already complete, nothing changed" in again.output
    assert "direction@ibcr.org already has an account; left unchanged" in again.output
    db.session.expire_all()
    assert _row_counts() == before
    admin = db.session.scalar(db.select(User))
    assert (admin.name, admin.password_hash) == ("Awa Directrice", password_hash)


def test_init_does_not_prompt_when_the_password_comes_from_the_environment(app):
    result = _init(app, "--name", "Awa Directrice", env={"SOCIALLAB_ADMIN_PASSWORD": PASSWORD})
    assert result.exit_code == 0, result.output
    assert "Password" not in result.output
    assert verify_password(db.session.scalar(db.select(User.password_hash)), PASSWORD)


def test_init_asks_for_the_password_twice(app):
    result = _init(app, "--name", "Awa Directrice", password_input=f"{PASSWORD}\ntypo-{PASSWORD}\n{PASSWORD}\n"
                                                                   f"{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert "do not match" in result.output
    assert verify_password(db.session.scalar(db.select(User.password_hash)), PASSWORD)


def test_init_refuses_a_weak_or_the_demo_password_and_creates_no_account(app):
    short = _init(app, "--name", "Awa Directrice", env={"SOCIALLAB_ADMIN_PASSWORD": "short"})
    assert short.exit_code == 1
    assert "The password must have at least 10 characters." in short.output
    demo = _init(app, "--name", "Awa Directrice", env={"SOCIALLAB_ADMIN_PASSWORD": "sociallab-demo"})
    assert demo.exit_code == 1 and "published with the demo" in demo.output
    assert db.session.scalar(db.select(db.func.count(User.id))) == 0
    # The structure is there all the same: running init again with a good password completes it.
    assert db.session.scalar(db.select(db.func.count(Space.id))) == 15


def test_init_refuses_a_time_zone_that_does_not_exist(app):
    result = _init(app, "--name", "Awa", "--timezone", "Mars/Olympus", env={"SOCIALLAB_ADMIN_PASSWORD": PASSWORD})
    assert result.exit_code == 1 and "not a time zone" in result.output
    assert db.session.scalar(db.select(db.func.count(User.id))) == 0


def test_init_leaves_an_existing_account_of_that_address_as_it_is(app, world):
    """An address that already has an account (here a member's) keeps it: not made administrator,
    not given another password."""
    member = world.member
    result = app.test_cli_runner().invoke(args=["sociallab", "init", "--email", member.email, "--name", "X"],
                                          env={"SOCIALLAB_ADMIN_PASSWORD": PASSWORD})
    assert result.exit_code == 0, result.output
    assert "not an administrator" in result.output
    db.session.expire_all()
    member = db.session.get(User, member.id)
    assert not member.is_admin and not verify_password(member.password_hash, PASSWORD)

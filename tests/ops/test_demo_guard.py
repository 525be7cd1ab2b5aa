"""Demo data never reaches a real platform: seed-demo writes only into an empty development database,
and a production server refuses to start while an account opens with the demo password."""
import pytest

from sociallab import demo
from sociallab.accounts.models import User
from sociallab.accounts.services import create_user
from sociallab.extensions import db
from sociallab.ops import services


def _row_counts():
    return {table.name: db.session.execute(db.select(db.func.count()).select_from(table)).scalar()
            for table in db.metadata.sorted_tables}


def _seed_demo(app):
    return app.test_cli_runner().invoke(args=["sociallab", "seed-demo"])


def test_seed_demo_is_refused_outside_development(app):
    app.config["DEVELOPMENT"] = False
    result = _seed_demo(app)
    assert result.exit_code == 1
    assert "SOCIALLAB_ENV=development" in result.output and "flask sociallab init" in result.output
    assert db.session.scalar(db.select(db.func.count(User.id))) == 0


def test_seed_demo_is_refused_into_a_database_holding_a_real_platform(app):
    app.config["DEVELOPMENT"] = True
    services.set_up_structure()
    services.create_first_admin("direction@ibcr.org", "Directrice", "a-long-real-password")
    before = _row_counts()
    result = _seed_demo(app)
    assert result.exit_code == 1
    assert "empty database" in result.output and "1 account(s) and 15 space(s)" in result.output
    db.session.expire_all()
    assert _row_counts() == before
    assert db.session.scalar(db.select(User.id).where(User.email == "admin@example.org")) is None


def test_make_run_twice_loads_the_demo_once_then_lists_its_accounts(app):
    app.config["DEVELOPMENT"] = True
    first = _seed_demo(app)
    assert first.exit_code == 0, first.output
    assert "admin@example.org" in first.output and "member.pe@example.org" in first.output
    db.session.expire_all()
    before = _row_counts()
    second = _seed_demo(app)
    assert second.exit_code == 0, second.output
    assert "already in this database: nothing written" in second.output
    listed = [line.split()[0] for line in first.output.splitlines() if line.startswith("  ")]
    assert listed and [line.split()[0] for line in second.output.splitlines() if line.startswith("  ")] == listed
    assert "partner member, Asociación Ficticia Niñez del Rímac" in second.output
    db.session.expire_all()
    assert _row_counts() == before


def _demo_admin(app, password):
    with app.app_context():
        create_user("admin@example.org", "Awa Administratrice", password, is_admin=True)
        create_user("direction@ibcr.org", "Directrice", "a-long-real-password", is_admin=True)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


def test_production_refuses_to_start_while_an_account_has_the_demo_password(app, production_on):
    _demo_admin(production_on.prepare(), app.config["DEMO_PASSWORD"])
    with pytest.raises(RuntimeError, match=r"1 account\(s\) of this database open with the demo password "
                                           r"\(admin@example.org\).*flask sociallab init"):
        production_on.production()


def test_production_starts_once_the_demo_password_is_gone(app, production_on):
    prepared = production_on.prepare()
    _demo_admin(prepared, "another-long-password")
    production_on.production()  # no error


def test_production_refuses_the_published_demo_password_even_when_demo_password_is_changed(
        app, production_on, monkeypatch):
    _demo_admin(production_on.prepare(), "sociallab-demo")
    monkeypatch.setattr("config.TestConfig.DEMO_PASSWORD", "a-changed-demo-password")
    with pytest.raises(RuntimeError, match="demo password"):
        production_on.production()


def test_the_startup_check_hashes_nothing_when_no_account_is_in_the_demo_domain(app, production_on, monkeypatch):
    prepared = production_on.prepare()
    with prepared.app_context():
        for n in range(5):
            create_user(f"person{n}@ibcr.org", f"Person {n}", "sociallab-demo")
        db.session.commit()
        db.engine.dispose()
    checked = []
    monkeypatch.setattr(demo, "verify_password", lambda *args: checked.append(args) or False)
    production_on.production()
    assert checked == []


def test_production_starts_on_a_database_not_created_yet(app, production_on):
    """`flask db upgrade` builds the tables with an app of the production configuration."""
    production_on.production()


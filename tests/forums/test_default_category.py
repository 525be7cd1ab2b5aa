"""Every space has a way to talk from day one: a space without a category gets a general one in its language."""
from sociallab.audit.models import AuditEntry
from sociallab.demo import seed_demo
from sociallab.extensions import db
from sociallab.forums.commands import default_categories_command
from sociallab.forums.models import Category, Thread
from sociallab.forums.services import give_default_categories
from sociallab.spaces.models import Country, Region, Space
from tests import factories
from tests.conftest import post_form


def _categories(space):
    return db.session.scalars(db.select(Category).where(Category.space_id == space.id)).all()


def test_after_the_demo_a_togo_member_starts_a_thread_in_the_general_discussion(app, client, auth):
    seed_demo()
    for space in db.session.scalars(db.select(Space)):
        assert _categories(space), f"{space.slug} has no forum category"
    togo = factories.space("country-tg")
    (general,) = _categories(togo)
    assert (general.title, general.lang) == ("Discussion générale", "fr")
    assert [c.title for c in _categories(factories.space("region-ssa"))] == ["Discussion générale"]
    assert "Justice adaptée aux enfants" in [c.title for c in _categories(factories.space("country-sn"))]
    assert len(_categories(factories.space("country-sn"))) == 1, "a space with its own categories gets none"

    auth.login("member.tg@example.org")
    forum = client.get("/spaces/country-tg/forums").get_data(as_text=True)
    assert "Discussion générale" in forum
    response = post_form(client, f"/forums/categories/{general.id}/new", {
        "title": "Premier échange au Togo", "body": "Qui prépare l'atelier de mars ?", "lang": "fr"})
    assert response.status_code == 302
    thread = db.session.scalar(db.select(Thread).where(Thread.title == "Premier échange au Togo"))
    assert thread.category_id == general.id


def test_a_new_country_gets_a_general_discussion_in_its_regions_language(client, auth, world):
    auth.login(world.admin.email)
    region = db.session.scalar(db.select(Region).where(Region.code == "la"))
    response = post_form(client, "/admin/countries/new", {
        "iso2": "GT", "region_id": region.id, "name_fr": "Guatemala", "name_en": "Guatemala",
        "name_es": "Guatemala", "timezone": "America/Guatemala"})
    assert response.status_code == 302
    country = db.session.scalar(db.select(Country).where(Country.iso2 == "gt"))
    space = db.session.scalar(db.select(Space).where(Space.country_id == country.id))
    (general,) = _categories(space)
    assert (general.title, general.lang) == ("Conversación general", "es")
    entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "forums.category.create",
                                                          AuditEntry.space_id == space.id))
    assert entry.actor_id == world.admin.id


def test_a_new_space_nobody_speaks_for_yet_gets_the_default_language(client, auth, world):
    auth.login(world.admin.email)
    response = post_form(client, "/admin/regions/new", {
        "code": "me", "name_fr": "Moyen-Orient", "name_en": "Middle East", "name_es": "Oriente Medio"})
    assert response.status_code == 302
    region = db.session.scalar(db.select(Region).where(Region.code == "me"))
    space = db.session.scalar(db.select(Space).where(Space.region_id == region.id))
    assert [(c.title, c.lang) for c in _categories(space)] == [("Discussion générale", "fr")]


def test_the_command_gives_existing_spaces_their_category_once(app, world):
    peru = world.pe_space  # its partner member reads Spanish
    assert not _categories(peru)
    result = app.test_cli_runner().invoke(default_categories_command)
    assert "country-pe: Conversación general (es)" in result.output
    assert [(c.title, c.lang) for c in _categories(peru)] == [("Conversación general", "es")]
    assert [c.title for c in _categories(world.sn_space)] == ["Discussion générale"]
    count = db.session.scalar(db.select(db.func.count(Category.id)))
    assert give_default_categories() == []
    assert db.session.scalar(db.select(db.func.count(Category.id))) == count


def test_an_archived_space_and_a_space_whose_categories_are_archived_get_none(app, world):
    world.pe_space.archived = True
    db.session.add(Category(space_id=world.sn_space.id, title="Ancienne", lang="fr", archived=True))
    db.session.commit()
    give_default_categories()
    assert not _categories(world.pe_space)
    assert [c.title for c in _categories(world.sn_space)] == ["Ancienne"]

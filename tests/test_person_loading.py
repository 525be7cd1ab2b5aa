"""The person of a request is loaded with their organisation, its country and their roles in one
statement (permissions.load_person), and every rule then reads those roles without asking again."""
from flask import g

from sociallab import permissions
from sociallab.extensions import db
from tests.factories.world import role
from tests.querycount import count_queries


def roles_in_the_table(person):
    return {tuple(row) for row in db.session.execute(permissions._ROLES, {"user_id": person.id})}


def test_a_person_comes_with_exactly_their_roles(app, world):
    role(world.moderator, "facilitator", world.pe_space)
    role(world.moderator, "editor")  # everywhere
    db.session.commit()
    for person in (world.moderator, world.member, world.admin, world.facilitator):
        with app.test_request_context():
            loaded = permissions.load_person(person.id)
            assert loaded.id == person.id
            assert g._space_roles[person.id] == roles_in_the_table(person)
    with app.test_request_context():
        assert permissions.load_person(987654) is None


def test_rules_after_loading_ask_no_more_about_roles(app, world):
    with app.test_request_context():
        person = permissions.load_person(world.moderator.id)
        spaces = world.sn_space, world.pe_space
        assert all(space.id for space in spaces)  # loaded before counting
        assert person.organisation is None or person.organisation.country is not None
        with count_queries() as statements:
            assert permissions.can_moderate(world.sn_space, person)
            assert not permissions.can_moderate(world.pe_space, person)
            assert permissions.can_read_space(world.sn_space, person)
        # The readable spaces take a statement; the roles none.
        assert len(statements) >= 1
        assert not [s for s in statements if "FROM space_role" in s], statements


def test_a_signed_in_page_loads_the_person_and_roles_once(client, auth, world):
    auth.login(world.moderator.email)
    with count_queries() as statements:
        assert client.get("/spaces").status_code == 200
    assert not [s for s in statements if "FROM space_role" in s and "aggregate" not in s
                and "group_concat" not in s and "string_agg" not in s], statements

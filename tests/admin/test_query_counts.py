"""Administration lists load their rows in a fixed number of queries, however many rows there are."""
import pytest

from sociallab.accounts import services as accounts
from sociallab.accounts.models import SpaceRole
from sociallab.extensions import db
from tests import factories
from tests.querycount import count_queries


def _grow(world, n):
    """Add n organisations (with a member each), mandates, roles and invitations."""
    for i in range(n):
        country = world.pe_org.country if i % 2 else world.sn_org.country
        organisation = factories.organisation(country, name=f"Grown {n}-{i}")
        organisation.active = False  # so the national spaces keep their four partners
        person = factories.user(None, organisation)
        organisation.focal_point_id = person.id
        factories.mandate(person, world.pe_org)
        factories.role(person, SpaceRole.FACILITATOR, world.pe_space)
        accounts.invite(world.admin, f"grown{n}-{i}@example.org", organisation)
    db.session.commit()


@pytest.mark.parametrize("url", ["/admin/organisations", "/admin/countries", "/admin/spaces", "/admin/mandates",
                                 "/admin/roles", "/admin/invitations", "/admin/people"])
def test_list_page_query_count_does_not_grow_with_rows(admin_client, world, url):
    _grow(world, 2)
    with count_queries() as few:
        assert admin_client.get(url).status_code == 200
    _grow(world, 15)
    with count_queries() as many:
        assert admin_client.get(url).status_code == 200
    assert len(many) == len(few), f"{url}: {len(few)} queries with few rows, {len(many)} with many"

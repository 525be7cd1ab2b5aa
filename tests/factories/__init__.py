"""Test data made through the real services, one module per domain; every builder is named here too."""
from tests.factories.forums import forum, reply_through_form
from tests.factories.initiatives import (
    add_indicator,
    add_values,
    grid,
    initiative_form,
    make_initiative,
    same_data,
    theme,
)
from tests.factories.knowledge import resource
from tests.factories.workshops import make_workshop
from tests.factories.world import (
    PASSWORD,
    build_world,
    country,
    mandate,
    organisation,
    region_member,
    role,
    space,
    user,
)

__all__ = ["PASSWORD", "add_indicator", "add_values", "build_world", "country", "forum", "grid", "initiative_form",
           "make_initiative", "same_data",
           "make_workshop", "mandate", "organisation", "region_member", "reply_through_form", "resource", "role",
           "space", "theme", "user"]

""""Capitalised" (a stage the team sets) and "featured good practice" (the moderators' choice) have their own
names, and each page where they meet says what each one means."""
import re

import pytest

from sociallab.extensions import db
from sociallab.initiatives.models import Initiative
from tests.factories import make_initiative


def _text(response):
    """The page as read: tags dropped, spaces collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]*>", " ", response.get_data(as_text=True))).replace("&#39;", "'")


def _card(page, title):
    start = page.index(title)
    return page[start:start + 300]


@pytest.fixture
def two_initiatives(world):
    """An idea the moderators featured, and a capitalised initiative nobody featured."""
    featured_idea = make_initiative(world, title="Featured idea", stage="idea", status=Initiative.PUBLISHED,
                                    featured=True, lang="en")
    capitalised = make_initiative(world, title="Documented pilot", stage="capitalised",
                                  status=Initiative.PUBLISHED, lang="en")
    return featured_idea, capitalised


def test_a_card_names_the_stage_and_the_feature_apart(client, auth, world, two_initiatives):
    auth.login(world.moderator.email)
    page = _text(client.get("/initiatives"))
    assert "Idea Featured good practice" in _card(page, "Featured idea")
    documented = _card(page, "Documented pilot")
    assert "Capitalised" in documented and "good practice" not in documented.split("Capitalised")[1][:40]
    assert "Capitalised (good practice)" not in page
    assert "A “featured good practice” is the moderators' choice" in page
    assert "not the same as the stage “Capitalised”" in page  # beside the filter
    html = client.get("/initiatives").get_data(as_text=True)
    assert 'title="Featured good practice: chosen by the moderators' in html
    assert 'title="Capitalised: the team has documented what it learned' in html


def test_the_featured_good_practices_page_and_the_dashboard_use_the_same_name(client, auth, world, two_initiatives):
    auth.login(world.moderator.email)
    page = _text(client.get("/good-practices"))
    assert "Featured good practices" in page and "Featured idea" in page and "Documented pilot" not in page
    dashboard = _text(client.get("/dashboard"))
    assert "1 featured good practice" in dashboard
    assert "“Capitalised” is a stage" in dashboard


def test_the_detail_page_says_what_each_name_means(client, auth, world, two_initiatives):
    featured_idea, capitalised = two_initiatives
    auth.login(world.moderator.email)
    page = _text(client.get(f"/initiatives/{featured_idea.id}"))
    assert "Featured good practice: chosen by the moderators as an example for the whole Lab" in page
    assert "Remove from good practices" in page
    assert "It does not change its stage: “Capitalised” is set by the team." in page  # beside the button
    page = _text(client.get(f"/initiatives/{capitalised.id}"))
    assert "Capitalised: the team has documented what it learned" in page
    assert "Featured good practice: chosen" not in page
    assert "Feature as good practice" in page and "It does not change its stage" in page


def test_the_stage_fields_say_that_being_featured_is_not_a_stage(client, auth, world, two_initiatives):
    _, capitalised = two_initiatives
    auth.login(world.admin.email)
    page = _text(client.get(f"/initiatives/{capitalised.id}"))
    assert "Being a featured good practice is not a stage" in page  # the stage change form
    world.member.language = "en"
    db.session.commit()
    auth.logout()
    auth.login(world.member.email)
    page = _text(client.get(f"/spaces/{world.sn_space.slug}/initiatives/new"))
    assert "Being a featured good practice is not a stage" in page


def test_a_french_member_reads_the_two_names_in_french(client, auth, world, two_initiatives):
    auth.login(world.member.email)
    page = _text(client.get("/initiatives"))
    assert "Idée Bonne pratique mise en avant" in _card(page, "Featured idea")
    documented = _card(page, "Documented pilot")
    assert "Capitalisée" in documented and "bonne pratique" not in documented.lower().split("capitalisée")[1][:40]
    assert "Capitalisée (bonne pratique)" not in page

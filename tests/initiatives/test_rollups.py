"""Dashboard figures against numbers computed by hand for a small seeded programme."""
from datetime import date

import pytest

from sociallab.extensions import db
from sociallab.initiatives import rollups
from sociallab.initiatives.models import Initiative
from tests.factories import add_indicator, add_values

Q1, Q2, Q3 = date(2025, 3, 31), date(2025, 6, 30), date(2025, 9, 30)


@pytest.fixture
def programme(world, initiative_factory):
    """Three approved initiatives, a draft and a Peru-only one (see the figures in each test)."""
    sn = initiative_factory(title="Hearing room", status=Initiative.PUBLISHED, stage="pilot",
                            themes=["child-friendly-justice"])
    heard = add_indicator(sn, world.member, "Children heard")
    # Q3's actual is the latest: 400 (girls 150, boys 130, women 70, men 40, unspecified 10).
    add_values(heard, Q1, world.member, actual={"total": 100, "girls": 40, "boys": 60}, target={"total": 500})
    add_values(heard, Q3, world.member,
               actual={"total": 400, "girls": 150, "boys": 130, "women": 70, "men": 40, "unspecified": 10})
    add_values(heard, Q2, world.member, actual={"total": 250})
    other = add_indicator(sn, world.member, "Hearings held", measures="other")
    add_values(other, Q3, world.member, actual={"total": 9999})

    regional = initiative_factory(title="Training", space=world.ssa_space, status=Initiative.PUBLISHED,
                                  stage="scaled", featured=True, co_leads=[world.organisations["tg"][0]],
                                  themes=["child-friendly-justice", "participation"])
    trained = add_indicator(regional, world.member, "Professionals trained", measures="trained")
    add_values(trained, Q2, world.member, actual={"total": 120, "women": 55, "men": 65})
    reached = add_indicator(regional, world.member, "Children reached")
    # Age groups typed directly with sex unknown: 60 children, 20 adults, 20 of unknown age.
    add_values(reached, Q2, world.member, actual={"total": 100, "children": 60, "adults": 20})

    # Its figures were entered while it was published: an archived one takes no more.
    archived = initiative_factory(title="Old", status=Initiative.PUBLISHED, stage="stopped")
    old = add_indicator(archived, world.member)
    add_values(old, Q1, world.member, actual={"total": 3, "girls": 1, "boys": 2})
    archived.status = Initiative.ARCHIVED
    db.session.commit()

    draft = initiative_factory(title="Draft", stage="idea")
    add_values(add_indicator(draft, world.member), Q1, world.member, actual={"total": 1000})
    peru = initiative_factory(title="Peru", space=world.pe_space, author=world.other_member,
                              status=Initiative.PUBLISHED, stage="design")
    add_values(add_indicator(peru, world.other_member), Q1, world.other_member, actual={"total": 7, "girls": 7})
    return sn, regional, archived, draft, peru


def test_the_senegal_member_sees_the_figures_of_what_they_can_read(world, programme):
    data = rollups.dashboard(world.member)
    # sn, regional, archived: the draft is not approved, Peru is not readable.
    assert data.initiatives == 3 and data.featured == 1
    assert {s: n for s, _l, n in data.by_stage} == {
        "idea": 0, "design": 0, "pilot": 1, "evaluation": 0, "adjustment": 0, "capitalised": 0, "scaled": 1,
        "stopped": 1}
    assert data.partners == 2  # sn_org leads all three, the Togo partner co-leads one
    assert data.countries == 2  # Senegal, Togo
    reached = data.reached
    # latest actuals: 400 (Q3, not 250 nor 100) + 100 + 3; the "other" indicator is not counted.
    assert reached.total == 503
    assert (reached.girls, reached.boys, reached.women, reached.men, reached.unspecified) == (151, 132, 70, 40, 10)
    assert (reached.children, reached.adults) == (150 + 130 + 60 + 3, 70 + 40 + 20)
    assert reached.age_unspecified == 503 - 343 - 130
    assert reached.share("children") == 68  # 343 / 503 = 68.19 %
    assert reached.share("girls") == 30  # 151 / 503 = 30.02 %
    assert reached.share("unspecified") == 2  # 10 / 503 = 1.99 %
    assert (data.trained.total, data.trained.women, data.trained.share("women")) == (120, 55, 46)  # 45.83 %


def test_figures_by_country_region_and_theme(world, programme):
    data = rollups.dashboard(world.member)
    by_country = {r.key.iso2: (r.initiatives, r.reached, r.children) for r in data.by_country}
    assert by_country == {"sn": (3, 503, 343), "tg": (1, 100, 60)}  # the regional one counts in both
    by_region = {r.key.code: (r.initiatives, r.reached, r.children) for r in data.by_region}
    assert by_region == {"ssa": (3, 503, 343)}  # counted once per region, not per country
    by_theme = {r.key.code: (r.initiatives, r.reached) for r in data.by_theme}
    assert by_theme == {"child-friendly-justice": (2, 500), "participation": (1, 100)}
    assert next(r.key.iso2 for r in data.by_country) == "sn"  # most people reached first


def test_the_administrator_sees_the_whole_platform(world, programme):
    data = rollups.dashboard(world.admin)
    assert data.initiatives == 4 and data.reached.total == 510 and data.countries == 3


def test_a_space_dashboard_covers_its_own_initiatives(world, programme):
    national = rollups.dashboard(world.admin, world.sn_space)
    assert national.initiatives == 2 and national.reached.total == 403
    regional = rollups.dashboard(world.admin, world.ssa_space)
    assert regional.initiatives == 3 and regional.reached.total == 503  # its own and its countries'
    latin_america = rollups.dashboard(world.admin, world.la_space)
    assert latin_america.initiatives == 1 and latin_america.reached.total == 7


def test_the_peru_member_sees_only_peru_and_the_good_practice(world, programme):
    data = rollups.dashboard(world.other_member)
    assert data.initiatives == 2 and data.reached.total == 107


@pytest.mark.parametrize("part,whole,expected", [(1, 2, 50), (1, 3, 33), (2, 3, 67), (123, 200, 62),
                                                 (1, 8, 13), (0, 5, 0), (5, 0, None)])
def test_percentages_round_half_up(part, whole, expected):
    assert rollups.percent(part, whole) == expected


def test_the_dashboard_page_writes_the_headline_and_the_charts(client, auth, world, programme):
    auth.login(world.admin.email)  # reads English
    page = client.get("/dashboard").get_data(as_text=True)
    assert "510 people reached, of which 69% children" in page  # (343 + 7) / 510 = 68.6 %
    assert "120 people trained, of which 46% women" in page
    assert "<svg" in page and "<title id=\"reached-title" in page and "style=" not in page


def test_numbers_are_localised(client, auth, world, programme):
    auth.login(world.member.email)  # reads French
    page = client.get("/dashboard").get_data(as_text=True)
    assert "68\u00a0%" in page or "68\u202f%" in page


def test_figures_follow_an_indicator_that_stops_counting_people_and_a_removed_period(world, initiative_factory):
    from sociallab.initiatives import indicators
    initiative = initiative_factory(status=Initiative.PUBLISHED)
    heard = add_indicator(initiative, world.member, "Children heard")
    add_values(heard, Q1, world.member, actual={"total": 10})
    add_values(heard, Q2, world.member, actual={"total": 25})
    assert rollups.dashboard(world.member).reached.total == 25
    indicators.delete_period(heard, Q2, world.member)
    db.session.commit()
    assert rollups.dashboard(world.member).reached.total == 10  # back to the Q1 actual
    indicators.save_indicator(initiative, world.member, "Children heard", "", "", "other", heard)
    db.session.commit()
    assert rollups.dashboard(world.member).reached.total == 0

"""Creating, editing, the journal, indicators and the list, through the pages as a member uses them."""
from datetime import date

from sociallab.extensions import db
from sociallab.initiatives.models import (
    Indicator,
    IndicatorValue,
    Initiative,
    JournalEntry,
)
from tests.conftest import post_form
from tests.factories import add_indicator, initiative_form
from tests.querycount import count_queries


def test_a_member_creates_a_draft_in_their_space(client, auth, world):
    auth.login(world.member.email)
    url = f"/spaces/{world.sn_space.slug}/initiatives/new"
    response = post_form(client, url, initiative_form(world))
    assert response.status_code == 302
    initiative = db.session.scalar(db.select(Initiative))
    assert (initiative.status, initiative.stage, initiative.space_id) == ("draft", "pilot", world.sn_space.id)
    assert [c.iso2 for c in initiative.countries] == ["sn"]
    assert initiative.created_by_id == world.member.id and world.member in initiative.authors
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Salle d&#39;audition adaptée" in page and 'lang="fr"' in page


def test_a_foreign_co_lead_needs_the_space_that_covers_both_countries_and_the_form_says_so(client, auth, world):
    auth.login(world.member.email)
    url = f"/spaces/{world.sn_space.slug}/initiatives/new"
    response = post_form(client, url, initiative_form(world, co_leads=[str(world.pe_org.id)]))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Elle doit se trouver dans l&#39;espace qui les couvre tous\u202f: International" in page
    assert "Salle d&#39;audition adaptée" in page  # what was typed is kept
    assert db.session.scalar(db.select(db.func.count(Initiative.id))) == 0
    response = post_form(client, url, initiative_form(world, co_leads=[str(world.pe_org.id)],
                                            space=str(world.international.id)))
    assert response.status_code == 302
    initiative = db.session.scalar(db.select(Initiative))
    assert initiative.space_id == world.international.id
    assert [c.iso2 for c in initiative.countries] == ["pe", "sn"]


def test_two_countries_of_one_region_belong_in_the_regional_space(client, auth, world):
    auth.login(world.member.email)
    togo = world.organisations["tg"][0]
    response = post_form(client, f"/spaces/{world.sn_space.slug}/initiatives/new",
                         initiative_form(world, co_leads=[str(togo.id)]))
    assert "Afrique subsaharienne" in response.get_data(as_text=True)  # the member reads French


def test_a_member_cannot_create_for_an_organisation_that_is_not_theirs(client, auth, world):
    auth.login(world.member.email)
    response = post_form(client, f"/spaces/{world.sn_space.slug}/initiatives/new",
                         initiative_form(world, lead_organisation=str(world.organisations["sn"][1].id)))
    assert response.status_code == 400
    assert "doit être responsable ou co-responsable" in response.get_data(as_text=True)


def test_editing_keeps_the_stage_and_records_the_editor_as_author(client, auth, world, initiative_factory):
    initiative = initiative_factory(stage="pilot")
    auth.login(world.volunteer_in.email)
    url = f"/initiatives/{initiative.id}/edit"
    form = initiative_form(world, title="Renamed pilot")
    form.pop("stage")
    assert post_form(client, url, form).status_code == 302
    db.session.expire_all()
    initiative = db.session.get(Initiative, initiative.id)
    assert initiative.title == "Renamed pilot" and initiative.stage == "pilot"
    assert world.volunteer_in in initiative.authors


def test_journal_entry_renders_markdown_sanitised(client, auth, world, initiative_factory):
    initiative = initiative_factory()
    auth.login(world.member.email)
    url = f"/initiatives/{initiative.id}/journal/new"
    response = post_form(client, url, {"entry_date": "2025-05-02", "tried": "**Hearing** in the new room",
                                       "observed": "<script>alert(1)</script>Calmer children", "adjusted": "",
                                       "lang": "fr"})
    assert response.status_code == 302
    entry = db.session.scalar(db.select(JournalEntry))
    assert entry.entry_date == date(2025, 5, 2) and entry.author_id == world.member.id
    page = client.get(f"/initiatives/{initiative.id}").get_data(as_text=True)
    assert "<strong>Hearing</strong>" in page and "<script>alert" not in page


def test_an_empty_journal_entry_is_refused(client, auth, world, initiative_factory):
    initiative = initiative_factory()
    auth.login(world.member.email)
    response = post_form(client, f"/initiatives/{initiative.id}/journal/new",
                         {"entry_date": "2025-05-02", "tried": " ", "observed": "", "adjusted": "", "lang": "fr"})
    assert response.status_code == 400


def test_indicator_values_with_a_wrong_breakdown_keep_what_was_typed_and_name_the_cell(client, auth, world,
                                                                                     initiative_factory):
    initiative = initiative_factory()
    indicator = add_indicator(initiative, world.member)
    auth.login(world.member.email)
    url = f"/initiatives/{initiative.id}/indicators/{indicator.id}/values"
    response = post_form(client, url, {"period": "2025-06-30", "actual-total": "100", "actual-girls": "30",
                                       "actual-boys": "50", "actual-women": "abc", "target-total": "-5"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'name="actual-girls" id="actual-girls" value="30"' in page
    assert 'name="actual-women" id="actual-women" value="abc"' in page
    assert 'id="actual-women-error"' in page and 'id="target-total-error"' in page
    assert db.session.scalar(db.select(db.func.count(IndicatorValue.id))) == 0
    response = post_form(client, url, {"period": "2025-06-30", "actual-total": "100", "actual-girls": "30",
                                       "actual-boys": "50", "actual-women": "15"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "totalisent 95, et non 100" in page and 'id="actual-total-error"' in page
    response = post_form(client, url, {"period": "2025-06-30", "actual-total": "100", "actual-girls": "30",
                                       "actual-boys": "50", "actual-women": "15", "actual-men": "5",
                                       "target-total": "400"})
    assert response.status_code == 302
    actual = db.session.scalar(db.select(IndicatorValue).where(IndicatorValue.kind == "actual"))
    assert (actual.total, actual.children, actual.adults, actual.latest) == (100, 80, 20, True)


def test_the_latest_actual_follows_the_most_recent_period(world, initiative_factory):
    from tests.factories import add_values
    initiative = initiative_factory()
    indicator = add_indicator(initiative, world.member)
    add_values(indicator, date(2025, 6, 30), world.member, actual={"total": 10})
    add_values(indicator, date(2025, 3, 31), world.member, actual={"total": 5}, target={"total": 50})
    add_values(indicator, date(2025, 9, 30), world.member, target={"total": 60})
    latest = db.session.scalars(db.select(IndicatorValue).where(IndicatorValue.latest.is_(True))).all()
    assert [(v.period, v.total) for v in latest] == [(date(2025, 6, 30), 10)]


def test_defining_an_indicator(client, auth, world, initiative_factory):
    initiative = initiative_factory()
    auth.login(world.member.email)
    response = post_form(client, f"/initiatives/{initiative.id}/indicators/new",
                         {"name": "Professionals trained", "unit": "people", "measures": "trained", "description": ""})
    assert response.status_code == 302
    assert db.session.scalar(db.select(Indicator)).measures == "trained"


def test_list_filters_are_plain_links_and_narrow_the_results(client, auth, world, initiative_factory):
    initiative_factory(title="Pilot in Senegal", status="published", stage="pilot",
                       themes=["child-friendly-justice"])
    initiative_factory(title="Idea in Senegal", status="published", stage="idea", lang="en")
    auth.login(world.member.email)
    page = client.get("/initiatives").get_data(as_text=True)
    assert "Pilot in Senegal" in page and "Idea in Senegal" in page
    assert 'href="/initiatives?stage=pilot"' in page
    page = client.get("/initiatives?stage=pilot").get_data(as_text=True)
    assert "Pilot in Senegal" in page and "Idea in Senegal" not in page
    page = client.get("/initiatives?theme=child-friendly-justice&country=sn").get_data(as_text=True)
    assert "Pilot in Senegal" in page and "Idea in Senegal" not in page
    page = client.get("/initiatives?lang=en").get_data(as_text=True)
    assert "Pilot in Senegal" not in page and "Idea in Senegal" in page
    page = client.get("/initiatives?sort=title").get_data(as_text=True)
    assert page.index("Idea in Senegal") < page.index("Pilot in Senegal")


def test_the_list_shows_twenty_per_page(client, auth, world, initiative_factory):
    for n in range(23):
        initiative_factory(title=f"Initiative {n:02d}", status="published")
    auth.login(world.member.email)
    first = client.get("/initiatives?sort=title").get_data(as_text=True)
    second = client.get("/initiatives?sort=title&page=2").get_data(as_text=True)
    assert "Initiative 19" in first and "Initiative 20" not in first
    # the member reads French
    assert "Initiative 20" in second and "Initiative 22" in second and "Page 2 sur 2" in second


def test_list_and_dashboard_query_counts_do_not_grow_with_rows(client, auth, world, initiative_factory):
    def measure():
        counts = []
        for url in ("/initiatives", "/dashboard", f"/spaces/{world.sn_space.slug}/dashboard", "/good-practices"):
            with count_queries() as statements:
                assert client.get(url).status_code == 200
            counts.append(len(statements))
        return counts
    auth.login(world.member.email)
    # The first row already has every kind of relation, so each eager load happens in both runs.
    first = initiative_factory(status="published", featured=True, themes=["participation"],
                               co_leads=[world.organisations["sn"][1]])
    add_indicator(first, world.member)
    baseline = measure()
    for n in range(6):
        item = initiative_factory(title=f"More {n}", status="published", featured=True,
                                  co_leads=[world.organisations["sn"][1]], themes=["participation", "sgbv"])
        add_indicator(item, world.member)
    assert measure() == baseline


def test_the_space_home_lists_its_initiatives(client, auth, world, initiative_factory):
    initiative_factory(title="Visible pilot", status="published")
    auth.login(world.member2.email)
    page = client.get(f"/spaces/{world.sn_space.slug}").get_data(as_text=True)
    assert "Visible pilot" in page and "Nouvelle initiative" in page

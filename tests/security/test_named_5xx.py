"""Each server error found by sending bad input over HTTP, as a named regression test.

Every case here answered 500 on the old code (some only on PostgreSQL, where the old code
stored a NUL on SQLite instead): now a 404 for an address that cannot exist, or the form again
with the error beside the field, what was typed kept, and nothing written.
"""
from sociallab.extensions import db
from sociallab.forums import services as forums
from sociallab.forums.models import Category, Post, Thread
from sociallab.initiatives.models import (
    Indicator,
    IndicatorValue,
    Initiative,
    JournalEntry,
)
from sociallab.knowledge.models import Resource
from sociallab.workshops.models import Workshop
from tests.conftest import post_form
from tests.factories import add_indicator, make_initiative, theme

BEYOND_32_BITS = "2147483648"  # 2^31: beyond a PostgreSQL INTEGER id column (500 there only)
BEYOND_64_BITS = "9223372036854775808"  # 2^63: beyond SQLite's INTEGER as well


def _forum(world):
    category = forums.create_category(world.sn_space, "Pratiques", "", "fr", world.moderator)
    thread, published = forums.create_thread(category, "Écoute", "Bonjour", world.member, "fr")
    db.session.commit()
    return category, thread, published.post


def _count(model):
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def test_ids_beyond_what_an_id_column_holds_are_404_not_a_server_error(client, auth, world):
    """An id no column can hold matches no route: 404 on every page taking one (was 500)."""
    _category, thread, _post = _forum(world)
    initiative = make_initiative(world)
    auth.login(world.admin.email)
    token = auth.csrf("/spaces")
    for huge in (BEYOND_32_BITS, BEYOND_64_BITS):
        _assert_all_404(client, token, world, initiative, huge)
        # A reply quoting a post by an impossible id is published without the quote.
        reply = client.post(f"/forums/threads/{thread.id}/reply", data={
            "csrf_token": token, "body": f"Quoting post {len(huge)}", "lang": "fr", "quote": huge,
            "action": "publish"})
        assert reply.status_code == 302
        assert db.session.scalar(db.select(Post).order_by(Post.id.desc()).limit(1)).body == f"Quoting post {len(huge)}"
    assert client.get(f"/forums/threads/{thread.id}").status_code == 200  # real ids still work


def _assert_all_404(client, token, world, initiative, huge):
    urls = [f"/forums/categories/{huge}", f"/forums/categories/{huge}/new", f"/forums/categories/{huge}/edit",
            f"/forums/threads/{huge}", f"/forums/threads/{huge}/move", f"/forums/posts/{huge}",
            f"/forums/posts/{huge}/edit", f"/forums/posts/{huge}/history", f"/forums/posts/{huge}/delete",
            f"/forums/posts/{huge}/flag", f"/initiatives/{huge}", f"/initiatives/{huge}/edit",
            f"/initiatives/{huge}/journal/new", f"/initiatives/{huge}/indicators/new",
            f"/initiatives/{initiative.id}/indicators/{huge}/edit",
            f"/initiatives/{initiative.id}/indicators/{huge}/values", f"/resources/{huge}",
            f"/resources/{huge}/edit", f"/files/{huge}/download", f"/organisations/{huge}/invite",
            f"/admin/regions/{huge}", f"/admin/countries/{huge}", f"/admin/spaces/{huge}",
            f"/admin/organisations/{huge}", f"/admin/people/{huge}", f"/admin/mandates/{huge}",
            f"/admin/themes/{huge}", f"/spaces/{world.sn_space.slug}/workshops/{huge}"]
    answers = {url: client.get(url).status_code for url in urls}
    assert {url: status for url, status in answers.items() if status != 404} == {}
    posts = [f"/notifications/{huge}/read", f"/forums/threads/{huge}/reply", f"/forums/flags/{huge}/resolve",
             f"/initiatives/{huge}/curate", f"/resources/{huge}/visibility", f"/admin/roles/{huge}/remove"]
    answers = {url: client.post(url, data={"csrf_token": token, "body": "x"}).status_code for url in posts}
    assert {url: status for url, status in answers.items() if status != 404} == {}


def test_a_page_number_beyond_any_list_is_404_not_a_server_error(client, auth, world):
    """?page= above 2^63 on every paged list: 404 (was 500); an unreadable page number is page 1."""
    category, _thread, _post = _forum(world)
    lists = [f"/forums/categories/{category.id}", "/notifications", "/initiatives",
             f"/spaces/{world.sn_space.slug}/library", "/admin/people", "/admin/audit", "/search?q=guide"]
    auth.login(world.admin.email)
    def with_page(url, page):
        return f"{url}{'&' if '?' in url else '?'}page={page}"

    answers = {url: client.get(with_page(url, BEYOND_64_BITS)).status_code for url in lists}
    assert {url: status for url, status in answers.items() if status != 404} == {}
    answers = {url: client.get(with_page(url, "%C2%B2")).status_code for url in lists}  # "²"
    assert {url: status for url, status in answers.items() if status != 200} == {}


def test_an_id_argument_beyond_what_a_column_holds_is_ignored(client, auth, world):
    """?organisation=, ?actor=, ?translation_of= with an impossible id: the page as without it (was 500)."""
    auth.login(world.admin.email)
    for huge in (BEYOND_32_BITS, BEYOND_64_BITS):
        urls = [f"/admin/people?organisation={huge}", f"/admin/audit?actor={huge}", f"/admin/roles?user={huge}",
                f"/admin/organisations/new?country={huge}",
                f"/spaces/{world.sn_space.slug}/library/new?translation_of={huge}"]
        answers = {url: client.get(url).status_code for url in urls}
        assert {url: status for url, status in answers.items() if status != 200} == {}


def test_a_nul_character_typed_into_a_form_is_dropped_and_the_rest_saved(client, auth, world):
    """PostgreSQL refuses NUL in text (500 there; stored as is on SQLite): the text is saved without it."""
    category, thread, _post = _forum(world)
    initiative = make_initiative(world)
    auth.login(world.member.email)
    sent = post_form(client, f"/forums/categories/{category.id}/new",
                     {"title": "Au\x00dition", "body": "Bon\x00jour", "lang": "fr", "action": "publish"})
    assert sent.status_code == 302
    new = db.session.scalar(db.select(Thread).where(Thread.id != thread.id))
    assert new.title == "Audition"
    assert post_form(client, f"/forums/threads/{thread.id}/reply",
                     {"body": "Mer\x00ci", "lang": "fr", "action": "publish"}, page=f"/forums/threads/{thread.id}") \
        .status_code == 302
    assert db.session.scalar(db.select(Post).order_by(Post.id.desc()).limit(1)).body == "Merci"
    assert post_form(client, f"/initiatives/{initiative.id}/journal/new",
                     {"entry_date": "2025-05-02", "tried": "Es\x00sai", "lang": "fr"}).status_code == 302
    assert db.session.scalar(db.select(JournalEntry)).tried == "Essai"
    assert post_form(client, f"/initiatives/{initiative.id}/indicators/new",
                     {"name": "En\x00fants", "unit": "people", "measures": "reached"}).status_code == 302
    assert db.session.scalar(db.select(Indicator)).name == "Enfants"
    assert post_form(client, f"/spaces/{world.sn_space.slug}/library/new",
                     {"type": "guide", "title": "Gu\x00ide", "lang": "fr", "status": "published"}).status_code == 302
    assert db.session.scalar(db.select(Resource)).title == "Guide"
    sent = post_form(client, f"/spaces/{world.sn_space.slug}/initiatives/new", {
        "space": str(world.sn_space.id), "title": "Sal\x00le", "summary": "Une salle.", "lang": "fr",
        "lead_organisation": str(world.sn_org.id), "stage": "idea", "problem": "", "approach": "",
        "target_groups": ""})
    assert sent.status_code == 302
    assert db.session.scalar(db.select(Initiative).order_by(Initiative.id.desc()).limit(1)).title == "Salle"
    auth.logout()
    auth.login(world.moderator.email)
    assert post_form(client, f"/spaces/{world.sn_space.slug}/forums/categories/new",
                     {"title": "An\x00nonces", "lang": "fr"}).status_code == 302
    assert db.session.scalar(db.select(Category).order_by(Category.id.desc()).limit(1)).title == "Annonces"
    auth.logout()
    auth.login(world.facilitator.email)
    assert post_form(client, f"/spaces/{world.sn_space.slug}/workshops/new", {
        "title": "Ate\x00lier", "lang": "fr", "timezone": "UTC", "starts_at": "2031-03-10T09:00",
        "ends_at": "2031-03-10T11:00", "facilitators": str(world.facilitator.id)}).status_code == 302
    assert db.session.scalar(db.select(Workshop)).title == "Atelier"


def test_a_nul_character_in_an_address_is_404_or_ignored(client, auth, world):
    """A NUL in a path segment matches no route; in a query argument it is dropped (500 on PostgreSQL)."""
    auth.login(world.member.email)
    assert client.get("/spaces/country%00-sn").status_code == 404
    assert client.get("/invitation/abc%00def").status_code == 404
    assert client.get("/initiatives?space=country%00-sn&country=s%00n&theme=a%00").status_code == 200
    assert client.get(f"/spaces/{world.sn_space.slug}/library?type=gu%00ide&theme=%00&lang=f%00r").status_code == 200


def test_a_journal_entry_with_its_optional_fields_left_out_is_saved(client, auth, world):
    """A POST without `observed` and `adjusted` (a script, an old form) saves the entry (was 500)."""
    initiative = make_initiative(world)
    auth.login(world.member.email)
    response = post_form(client, f"/initiatives/{initiative.id}/journal/new",
                         {"entry_date": "2025-05-02", "tried": "A new hearing room", "lang": "fr"})
    assert response.status_code == 302
    entry = db.session.scalar(db.select(JournalEntry))
    assert (entry.tried, entry.observed, entry.adjusted) == ("A new hearing room", "", "")


def test_an_indicator_without_unit_or_description_is_saved(client, auth, world):
    """A POST without `unit` and `description` saves the indicator (was 500)."""
    initiative = make_initiative(world)
    auth.login(world.member.email)
    response = post_form(client, f"/initiatives/{initiative.id}/indicators/new",
                         {"name": "Children heard", "measures": "reached"})
    assert response.status_code == 302
    indicator = db.session.scalar(db.select(Indicator))
    assert (indicator.name, indicator.unit, indicator.description) == ("Children heard", "", "")


def test_a_co_lead_not_in_the_list_is_a_form_error(client, auth, world):
    """An organisation id outside the choices is refused beside the field, typed text kept (was ValueError, 500)."""
    auth.login(world.member.email)
    for unknown in ("999999", BEYOND_64_BITS):
        response = post_form(client, f"/spaces/{world.sn_space.slug}/initiatives/new", {
            "space": str(world.sn_space.id), "title": "Salle d'audition", "summary": "Une salle.", "lang": "fr",
            "lead_organisation": str(world.sn_org.id), "co_leads": unknown, "stage": "idea",
            "themes": [str(theme("child-friendly-justice").id)]})
        assert response.status_code == 400
        page = response.get_data(as_text=True)
        error = page[page.index('id="co_leads-error">'):][:200]
        assert unknown in error and "n&#39;est pas un choix valide pour ce champ" in error  # the member reads French
        assert "Salle d&#39;audition" in page
    assert _count(Initiative) == 0


def test_superscript_digits_in_indicator_values_are_a_cell_error(client, auth, world):
    """`²`, `⁵` pass str.isdigit() but not int(): the cell says so, nothing is saved (was 500)."""
    initiative = make_initiative(world)
    indicator = add_indicator(initiative, world.member)
    auth.login(world.member.email)
    url = f"/initiatives/{initiative.id}/indicators/{indicator.id}/values"
    response = post_form(client, url, {"period": "2025-06-30", "actual-total": "1²", "target-total": "⁵",
                                       "baseline-total": "9" * 5000})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'id="actual-total-error"' in page and 'id="target-total-error"' in page
    assert 'id="baseline-total-error"' in page
    assert 'value="1²"' in page
    assert _count(IndicatorValue) == 0


def test_a_workshop_in_year_9999_in_lima_is_a_form_error(client, auth, world):
    """9999-12-31 23:00 in Lima is past the calendar's end in UTC: a form error, typed text kept (was 500)."""
    world.facilitator.language = "fr"
    db.session.commit()
    auth.login(world.facilitator.email)
    response = post_form(client, f"/spaces/{world.sn_space.slug}/workshops/new", {
        "title": "Audiences adaptées", "lang": "fr", "timezone": "America/Lima", "starts_at": "9999-12-31T22:00",
        "ends_at": "9999-12-31T23:00", "facilitators": str(world.facilitator.id)})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "entre les années 2000 et 2100" in page
    assert "Audiences adaptées" in page and "9999-12-31T22:00" in page
    assert _count(Workshop) == 0


"""In Chromium: search in Spanish from the header, narrow with a facet, open a result."""
from tests.browser.conftest import sign_in


def test_search_in_spanish_narrow_with_a_facet_and_open_a_result(live_server, page):
    sign_in(page, live_server, "member.pe@example.org")
    page.fill("header form.search input[name=q]", "niñas")
    page.click("header form.search button[type=submit]")
    page.wait_for_load_state()
    assert "/search?q=" in page.url
    hits = page.locator("ol.hits li.hit")
    assert hits.count() >= 2
    assert page.locator("ol.hits mark").count() >= 1
    # Nothing from Senegal or other countries the Peru member does not belong to.
    assert "Dakar" not in page.content()
    live_server.screenshot(page, "search-results-es")

    total_before = hits.count()
    facet = page.locator("aside.facets section[aria-label='Espacio'] li", has_text="Perú")
    expected = int(facet.locator(".count").inner_text())
    facet.locator("a").click()
    page.wait_for_load_state()
    assert "space=" in page.url
    assert hits.count() == expected < total_before
    assert all("Perú" in hits.nth(i).locator(".meta").inner_text() for i in range(expected))
    assert page.locator("aside.facets a[aria-current='true']").count() == 1
    live_server.screenshot(page, "search-results-es-narrowed")

    resource = hits.filter(has=page.locator(".tag", has_text="Recurso")).first
    title = resource.locator("h2 a").inner_text()
    resource.locator("h2 a").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == title
    assert page.locator("h1").get_attribute("lang") == "es"


def test_toolkit_page_switches_between_its_three_languages(live_server, page):
    sign_in(page, live_server, "member.sn@example.org")
    page.goto(f"{live_server.url}/search?q=audition+filmée")
    page.locator("ol.hits h2 a").first.click()
    page.wait_for_load_state()
    page.locator("nav.also-in a[hreflang='es']").click()
    page.wait_for_load_state()
    assert "Caja de herramientas" in page.locator("h1").inner_text()
    live_server.screenshot(page, "resource-toolkit-es")
    page.goto(f"{live_server.url}/spaces/international/library")
    assert page.locator("ul.resource-list li").count() >= 3
    assert page.locator("p.also-in a[hreflang='es']").count() >= 1
    live_server.screenshot(page, "library-international")

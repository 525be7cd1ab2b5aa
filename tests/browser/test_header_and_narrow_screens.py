"""The header on a phone and a desktop, and no page of the app wider than a 360 px phone."""
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, demo_samples, sign_in

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}
SN = "/spaces/country-sn"


def _member_pages(app):
    """Every main page a Senegalese member opens, with the demo's own ids."""
    ids = demo_samples(app)
    category, workshop = ids.category, ids.workshop
    return [
        "/spaces", SN, f"{SN}/forums", f"/forums/categories/{category}", f"/forums/threads/{ids.thread}",
        f"/forums/categories/{category}/new", "/initiatives", f"/initiatives/{ids.initiative}", f"{SN}/initiatives/new",
        "/dashboard", f"{SN}/dashboard", "/good-practices", "/library", f"{SN}/library",
        f"/resources/{ids.resource}", f"{SN}/library/new", "/workshops", f"{SN}/workshops",
        f"{SN}/workshops/{workshop}", f"{SN}/workshops/{workshop}/room", "/search?q=enfant",
        "/notifications", "/account/profile",
    ]


MODERATOR_PAGES = ["/moderation/sensitive", "/initiatives/review", f"{SN}/forums/review"]
ADMIN_PAGES = [
    "/admin/", "/admin/people", "/admin/organisations", "/admin/organisations/new", "/admin/spaces",
    "/admin/spaces/new", "/admin/regions", "/admin/countries", "/admin/themes", "/admin/mandates",
    "/admin/mandates/new", "/admin/audit", "/admin/deletion-requests", f"{SN}/workshops/new",
]


def _too_wide(page, server, paths):
    """The pages (with their width) that scroll sideways at the page's viewport."""
    offenders = []
    for path in paths:
        response = page.goto(server.url + path)
        assert response.status == 200, f"{path} answered {response.status}"
        width, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if width > inner:
            wide = page.evaluate("""() => [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)
                .slice(-3).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
                    + (typeof e.className === 'string' && e.className ? '.' + e.className.replace(/ /g, '.') : ''))""")
            offenders.append(f"{path}: {width}px ({', '.join(wide)})")
    return offenders


def test_no_main_page_scrolls_sideways_on_a_360_px_phone(live_server, browser):
    offenders = []
    for email, paths in (("member.sn@example.org", _member_pages(live_server.app)),
                         ("moderator@example.org", MODERATOR_PAGES),
                         ("admin@example.org", ADMIN_PAGES)):
        context = browser.new_context(viewport=PHONE)
        page = context.new_page()
        sign_in(page, live_server, email)
        offenders += _too_wide(page, live_server, paths)
        # The open menu must fit too.
        page.goto(live_server.url + "/spaces")
        page.locator("details.menu > summary").click()
        offenders += [f"{email} open menu: {w}px" for w, i in [page.evaluate(
            "[document.documentElement.scrollWidth, window.innerWidth]")] if w > i]
        assert axe_violations(page) == [], f"{email}: the open menu"
        context.close()
    assert offenders == []


def test_phone_header_is_a_menu_a_keyboard_opens(live_server, browser):
    """In French at 360 px: the menu is closed, Enter on its summary opens it, and it holds what
    people come for, the current page marked."""
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    sign_in(page, live_server, "member.sn@example.org")
    page.goto(f"{live_server.url}/library")
    nav = page.get_by_role("navigation", name="Principal")
    expect(page.get_by_role("link", name="Bibliothèque", exact=True)).to_be_hidden()
    live_server.screenshot(page, "header-fr-360-closed")
    page.locator("details.menu > summary").focus()
    page.keyboard.press("Enter")
    for name in ("Mes espaces", "Initiatives", "Ateliers", "Bibliothèque", "Profil"):
        expect(nav.get_by_role("link", name=name, exact=True)).to_be_visible()
    expect(nav.get_by_role("link", name="Notifications")).to_be_visible()
    expect(nav.get_by_role("button", name="Se déconnecter")).to_be_visible()
    expect(nav.get_by_role("link", name="Bibliothèque", exact=True)).to_have_attribute("aria-current", "page")
    expect(nav.get_by_role("link", name="Administration")).to_have_count(0)
    live_server.screenshot(page, "header-fr-360-open")
    page.keyboard.press("Tab")
    expect(nav.get_by_role("link", name="Mes espaces")).to_be_focused()
    context.close()


def test_desktop_header_shows_every_entry_without_a_menu(live_server, browser):
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    sign_in(page, live_server, "member.sn@example.org")
    page.goto(f"{live_server.url}/workshops")
    expect(page.locator("details.menu > summary")).to_be_hidden()
    nav = page.get_by_role("navigation", name="Principal")
    for name in ("Mes espaces", "Initiatives", "Ateliers", "Bibliothèque", "Profil"):
        expect(nav.get_by_role("link", name=name, exact=True)).to_be_visible()
    expect(nav.get_by_role("link", name="Ateliers", exact=True)).to_have_attribute("aria-current", "page")
    live_server.screenshot(page, "header-fr-1280")
    # The hidden summary takes no Tab stop: from the search button the next stop is the first entry.
    page.locator("header form.search button").focus()
    page.keyboard.press("Tab")
    expect(nav.get_by_role("link", name="Mes espaces")).to_be_focused()
    assert axe_violations(page) == []
    context.close()


def test_moderator_and_admin_find_their_queue_and_administration(live_server, browser):
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    sign_in(page, live_server, "admin@example.org")
    nav = page.locator("header nav")
    expect(nav.locator("a[href='/admin/']")).to_be_visible()
    expect(nav.locator("a[href='/moderation/sensitive']")).to_be_visible()
    context.close()

"""Every main page as a partner on a cheap phone meets it, in French and Spanish: what it weighs on
the wire (first visit and return visit), what axe-core finds, and a keyboard walk through it.

Screenshots of every page at 360×740 and 1280×800 land in tests/artifacts/every-page/, the weights
in tests/artifacts/every-page/weights-<lang>.txt.
"""
import os

import pytest

from tests.browser.conftest import ARTIFACTS, AXE, demo_samples, sign_in

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}
VIEWPORTS = {"phone": PHONE, "desktop": DESKTOP}
LANGUAGES = ("fr", "es")
SN = "/spaces/country-sn"
MEMBER = "member.sn@example.org"
ADMIN = "admin@example.org"
KB = 1024
FIRST_LOAD_BUDGET = 30 * KB
THREAD_BUDGET = 25 * KB
REPEAT_LOAD_BUDGET = 12 * KB
# What a page is made of; live data (fetch, XHR, WebSocket) and the page's own follow-ups are not.
PAGE_RESOURCES = {"Document", "Stylesheet", "Script", "Font", "Image"}
SHOTS = os.path.join(ARTIFACTS, "every-page")
# A page that changes once its script has connected is checked as it then stays.
SETTLED = {"workshop-room": "#room[data-joined=true]"}
ADMIN_PAGES = [
    ("admin", "/admin/"), ("admin-people", "/admin/people"), ("admin-organisations", "/admin/organisations"),
    ("admin-spaces", "/admin/spaces"), ("admin-countries", "/admin/countries"), ("admin-themes", "/admin/themes"),
    ("admin-mandates", "/admin/mandates"), ("admin-invitations", "/admin/invitations"),
    ("admin-audit", "/admin/audit"), ("admin-deletion-requests", "/admin/deletion-requests"),
]


def member_pages(app):
    """(name, path) of every main page a Senegalese partner opens, with the demo's own ids."""
    ids = demo_samples(app)
    return [
        ("my-spaces", "/spaces"), ("space-home", SN), ("forum-category", f"/forums/categories/{ids.category}"),
        ("thread", f"/forums/threads/{ids.thread}"), ("initiatives", "/initiatives"),
        ("initiative", f"/initiatives/{ids.initiative}"), ("dashboard", "/dashboard"),
        ("good-practices", "/good-practices"), ("libraries", "/library"), ("library", f"{SN}/library"),
        ("resource", f"/resources/{ids.resource}"), ("search", "/search?q=enfant"), ("workshops", "/workshops"),
        ("space-workshops", f"{SN}/workshops"), ("workshop-room", ids.live_room),
        ("notifications", "/notifications"), ("profile", "/account/profile"),
    ]


def open_as(browser, server, email, lang, viewport):
    """A browser context signed in as this person (or signed out, email None), in this language."""
    context = browser.new_context(viewport=viewport, locale={"fr": "fr-FR", "es": "es-ES"}[lang])
    page = context.new_page()
    if email:
        sign_in(page, server, email)
        if page.locator("html").get_attribute("lang") != lang:
            page.locator(f"footer button[lang={lang}]").click()
            page.wait_for_load_state()
    return context, page


def every_page(browser, server, lang, viewport):
    """Yield (name, url, page) for every main page, with a page signed in as the person who opens
    it, in this language and viewport; the caller opens the url."""
    groups = [(None, [("sign-in", "/login")]), (MEMBER, member_pages(server.app)), (ADMIN, ADMIN_PAGES)]
    for email, pages in groups:
        context, page = open_as(browser, server, email, lang, viewport)
        for name, path in pages:
            yield name, server.url + path, page
        context.close()


def check_opened(response, page, lang):
    assert response.status == 200, f"{response.url} answered {response.status}"
    assert page.locator("html").get_attribute("lang") == lang, response.url


def serious_violations(page):
    """What the vendored axe-core finds against WCAG 2.1 A/AA, of serious or critical impact
    (as tests/browser/conftest.py's axe_violations, but asking axe for the violations alone)."""
    if not page.evaluate("typeof axe === 'object'"):
        with open(AXE, encoding="utf-8") as f:
            page.evaluate(f.read())
    violations = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations'], runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})).violations")
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes: {[n['target'] for n in v['nodes'][:3]]})"
            for v in violations if v["impact"] in ("serious", "critical")]


# --- Keyboard ----------------------------------------------------------------------------------
# An element as the failure messages name it: tag#id "its text".
DESCRIBE = """function describe(el) {
    const name = (el.getAttribute('aria-label') || el.textContent || el.value || el.name || el.id || '')
      .trim().replace(/\\s+/g, ' ').slice(0, 30);
    return el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (name ? ` "${name}"` : '');
  }"""
# Elements a keyboard user must reach: shown, enabled, not taken out of the tab order. Of a group
# of radio buttons Tab reaches one (the checked one, else the first); arrows move within it.
FOCUSABLE = """() => {
  const selector = 'a[href], area[href], button, input:not([type=hidden]), select, textarea, summary, '
    + 'iframe, [tabindex], [contenteditable=""], [contenteditable=true], audio[controls], video[controls]';
  const radios = new Set(), stops = [];
  for (const el of document.querySelectorAll(selector)) {
    if (el.disabled || el.closest('[inert]') || el.tabIndex < 0) continue;
    if (el.matches('summary') && el.parentElement.tagName !== 'DETAILS') continue;
    if (!el.checkVisibility({checkVisibilityCSS: true})) continue;
    if (el.type === 'radio' && el.name) {
      const group = [...(el.form || document).querySelectorAll('input[type=radio]')].filter(r => r.name === el.name);
      if (radios.has(group[0])) continue;
      radios.add(group[0]);
      stops.push(group.find(r => r.checked) || el);
      continue;
    }
    stops.push(el);
  }
  return stops.map(describe);
  """ + DESCRIBE + """
}"""

# Records every focused element, with whether its focus shows (an outline or a box shadow).
RECORD_FOCUS = """() => {
  window.__focusWalk = [];
  document.addEventListener('focusin', event => {
    const el = event.target;
    const style = getComputedStyle(el);
    const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
    const shadow = style.boxShadow && style.boxShadow !== 'none';
    window.__focusWalk.push({el: describe(el), visible: outline || shadow});
    """ + DESCRIBE + """
  }, true);
}"""


def keyboard_problems(page):
    """What a keyboard user cannot reach (or reaches out of order), and where the focus is invisible."""
    expected = page.evaluate(FOCUSABLE)
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.evaluate(RECORD_FOCUS)
    page.evaluate("window.scrollTo(0, 0)")
    # A date field takes a Tab for each of its parts (day, month, year…) but is focused once; Tabs
    # past the end come back to the top, and are cut off.
    parts = page.evaluate("""() => [...document.querySelectorAll('input')].filter(el => el.checkVisibility())
        .reduce((n, el) => n + ({date: 3, month: 2, week: 2, time: 3, 'datetime-local': 6}[el.type] || 0), 0)""")
    for _ in range(len(expected) + parts):
        page.keyboard.press("Tab")
    walk = page.evaluate("window.__focusWalk")[:len(expected)]
    page.evaluate("document.activeElement && document.activeElement.blur()")
    problems = []
    reached = [step["el"] for step in walk]
    if reached != expected:
        at = next((i for i, (a, b) in enumerate(zip(reached, expected, strict=False)) if a != b),
                  min(len(reached), len(expected)))
        missing = [el for el in expected if el not in reached]
        problems.append(f"Tab reaches {len(reached)} of {len(expected)} elements, in another order from "
                        f"element {at} ({reached[at:at + 2]} instead of {expected[at:at + 2]}); "
                        f"never reached: {missing[:5]}")
    invisible = sorted({step["el"] for step in walk if not step["visible"]})
    if invisible:
        problems.append(f"focus not visible on {invisible[:5]}")
    return problems


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_page_passes_axe_and_the_keyboard(live_server, browser, lang, viewport):
    os.makedirs(SHOTS, exist_ok=True)
    problems = []
    for name, url, page in every_page(browser, live_server, lang, VIEWPORTS[viewport]):
        check_opened(page.goto(url), page, lang)
        if name in SETTLED:
            page.wait_for_selector(SETTLED[name])
        page.screenshot(path=os.path.join(SHOTS, f"{name}-{lang}-{viewport}.png"), full_page=True)
        problems += [f"{name}: {violation}" for violation in serious_violations(page)]
        problems += [f"{name}: {problem}" for problem in keyboard_problems(page)]
    assert problems == [], "\n".join(problems)


# --- Weight ------------------------------------------------------------------------------------
class Wire:
    """Bytes that reach the browser per resource type, from Chromium's own network events."""

    def __init__(self, page):
        self.cdp = page.context.new_cdp_session(page)
        self.types, self.bytes, self.pending = {}, {}, set()
        self.cdp.on("Network.requestWillBeSent", self._request)
        self.cdp.on("Network.loadingFailed", lambda event: self.pending.discard(event["requestId"]))
        self.cdp.on("Network.responseReceived", self._response)
        self.cdp.on("Network.loadingFinished", self._finished)
        self.cdp.send("Network.enable")

    def _request(self, event):
        if event.get("type") in PAGE_RESOURCES:
            self.pending.add(event["requestId"])

    def _response(self, event):
        self.types[event["requestId"]] = (event["type"], event["response"]["url"])

    def _finished(self, event):
        self.bytes[event["requestId"]] = event["encodedDataLength"]
        self.pending.discard(event["requestId"])

    def load(self, page, url, lang, cache):
        """Open url (from an empty cache, or with what the browser kept); {url: bytes} of the page's resources."""
        self.cdp.send("Network.setCacheDisabled", {"cacheDisabled": not cache})
        self.types.clear()
        self.bytes.clear()
        self.pending.clear()
        check_opened(page.goto(url, wait_until="load"), page, lang)
        # What the page's scripts load once it has loaded (forums.js: the Socket.IO client).
        page.wait_for_timeout(50)
        for _ in range(100):
            if not self.pending:
                break
            page.wait_for_timeout(20)
        return {self.types[request][1]: size for request, size in self.bytes.items()
                if request in self.types and self.types[request][0] in PAGE_RESOURCES}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_page_is_light_on_first_and_repeat_load(live_server, browser, lang):
    over, lines, details = [], [], []
    wires = {}
    for name, url, page in every_page(browser, live_server, lang, PHONE):
        if page not in wires:
            wires[page] = Wire(page)
        wire = wires[page]
        first = wire.load(page, url, lang, cache=False)
        repeat = wire.load(page, url, lang, cache=True)
        budget = THREAD_BUDGET if name == "thread" else FIRST_LOAD_BUDGET
        first_total, repeat_total = sum(first.values()), sum(repeat.values())
        lines.append(f"RESULT weight {lang} {name}: first {first_total / KB:.1f} KB "
                     f"(budget {budget // KB}), repeat {repeat_total / KB:.1f} KB ({len(first)} files)")
        details += [lines[-1]] + [f"    {size:6d} B  {url.replace(live_server.url, '')}" for url, size in first.items()]
        # Cached for a year: a return visit fetches no static file, not even to revalidate it.
        fetched_again = [url for url, size in repeat.items() if "/static/" in url and size > 0]
        if first_total > budget or repeat_total > REPEAT_LOAD_BUDGET or fetched_again:
            over.append(f"{lines[-1]}: first {first}, repeat {repeat}")
    os.makedirs(SHOTS, exist_ok=True)
    with open(os.path.join(SHOTS, f"weights-{lang}.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(details) + "\n")
    print("\n".join(lines))
    assert over == [], "\n".join(over)

"""A thread page's query count does not grow with its posts; hostile Markdown renders inert."""
from html.parser import HTMLParser

import pytest

from sociallab.extensions import db
from sociallab.forums import moderation, services
from tests import factories
from tests.querycount import count_queries

XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<iframe src=javascript:alert(1)></iframe>",
    "<body onload=alert(1)>",
    "<a href=\"javascript:alert(1)\">x</a>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](javascript&#58;alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](vbscript:msgbox(1))",
    "![img](javascript:alert(1))",
    "![img](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "[x](\"onmouseover=\"alert(1))",
    "[x](https://ok.example \"title\" onmouseover=alert(1))",
    "<div style=\"background:url(javascript:alert(1))\">x</div>",
    "<style>body{background:red}</style>",
    "<object data=javascript:alert(1)>",
    "<embed src=javascript:alert(1)>",
    "<form action=javascript:alert(1)><button>x</button></form>",
    "<input autofocus onfocus=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<a href=\"&#x6A;avascript:alert(1)\">x</a>",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
    "<base href=\"javascript:alert(1)//\">",
    "<link rel=import href=data:text/html,<script>alert(1)</script>>",
    "`<script>alert(1)</script>`",
    "```html\n<script>alert(1)</script>\n```",
    "<<script>script>alert(1)<</script>/script>",
    "<scr<script>ipt>alert(1)</script>",
    "[a](<javascript:alert(1)>)",
    "<table><tr><td onclick=alert(1)>x</td></tr></table>",
    "| a |\n|---|\n| <img src=x onerror=alert(1)> |",
    "<span class=\"x\" onmouseover=alert(1)>x</span>",
]

SAFE_TAGS = {"li", "article", "header", "strong", "a", "time", "span", "div", "p", "em", "code", "pre",
             "blockquote", "table", "thead", "tbody", "tr", "th", "td", "ul", "ol", "del", "br", "hr"}


class ExecutableMarkup(HTMLParser):
    """Collects every tag, attribute or URL that a browser could execute."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        if tag not in SAFE_TAGS:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            scheme = (value or "").strip().lower().split(":", 1)[0]
            if name.startswith("on") or name in ("style", "src", "srcdoc", "formaction"):
                self.found.append(f"{tag}[{name}]")
            if name == "href" and ":" in (value or "") and scheme not in ("http", "https", "mailto"):
                self.found.append(f"{tag}[href={value}]")


def executable_markup(html):
    parser = ExecutableMarkup()
    parser.feed(html)
    return parser.found


def test_the_corpus_is_large_enough():
    assert len(XSS_PAYLOADS) >= 30


def test_xss_corpus_is_stored_as_written_and_rendered_inert(client, auth, world, forum):
    for payload in XSS_PAYLOADS:
        services.reply(forum.thread, world.member2, payload, "en")
    db.session.commit()
    auth.login(world.member.email)
    html = client.get(f"/forums/threads/{forum.thread.id}").get_data(as_text=True)
    posts = html[html.index('<ol class="posts"'):html.index("</ol>", html.index('<ol class="posts"'))]
    found = executable_markup(posts)
    assert not found, found
    stored = db.session.scalars(db.select(services.Post.body).order_by(services.Post.id)).all()
    assert stored[1:] == [p.strip() for p in XSS_PAYLOADS]


def _thread_with(world, category, n_posts, n_authors):
    authors = [world.member, world.member2] + [
        factories.user(organisation=world.sn_org) for _ in range(max(0, n_authors - 2))]
    thread, _ = services.create_thread(category, f"Fil de {n_posts}", "Premier", authors[0], "fr")
    for i in range(n_posts - 1):
        services.reply(thread, authors[(i + 1) % len(authors)], f"Message **{i}**", "fr")
    db.session.commit()
    return thread


@pytest.fixture
def thread_queries(client, auth, world, forum):
    auth.login(world.member2.email)

    def measure(thread_id):
        client.get(f"/forums/threads/{thread_id}")  # first visit moves the read mark
        db.session.expunge_all()  # as in production, nothing is loaded before the request starts
        with count_queries() as statements:
            response = client.get(f"/forums/threads/{thread_id}")
        assert response.status_code == 200
        return len(statements)
    return measure


def test_thread_page_issues_the_same_queries_for_5_and_100_posts(world, forum, thread_queries):
    small_id = _thread_with(world, forum.category, 5, 3).id
    large_id = _thread_with(world, forum.category, 100, 20).id
    small, large = thread_queries(small_id), thread_queries(large_id)
    assert small == large
    assert large <= 10


def test_thread_list_issues_the_same_queries_for_3_and_25_threads(client, auth, world, forum):
    def category_with(n_threads, title):
        category = services.create_category(world.sn_space, title, "", "fr", world.moderator)
        for i in range(n_threads):
            thread, _published = services.create_thread(category, f"Fil {i}", "Premier", world.member, "fr")
            reply = services.reply(thread, world.member2, "Réponse", "fr").post
            if i % 2:
                moderation.set_hidden(reply, world.moderator)
        db.session.commit()
        return category.id

    def measure(category_id):
        db.session.expunge_all()  # as in production, nothing is loaded before the request starts
        with count_queries() as statements:
            response = client.get(f"/forums/categories/{category_id}")
        assert response.status_code == 200 and "Fil 2" in response.get_data(as_text=True)
        return len(statements)

    small, large = category_with(3, "Petite"), category_with(25, "Grande")
    auth.login(world.member2.email)
    assert measure(small) == measure(large)

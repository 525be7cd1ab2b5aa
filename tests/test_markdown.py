"""Links in what people write: those leaving the site are nofollow noopener, the site's own are left as written."""
import pytest

from sociallab.content.markdown import CACHE_FROM_CHARS, render_markdown, sanitize_html


def _html(text):
    return str(render_markdown(text))


def test_a_link_to_another_site_is_nofollow_noopener(app):
    assert _html("[guide](https://www.unicef.org/guide)") == \
        '<p><a href="https://www.unicef.org/guide" rel="nofollow noopener">guide</a></p>\n'


@pytest.mark.parametrize("url", ["{site}/spaces/country-sn", "{site}", "/spaces/country-sn", "#section",
                                 "mailto:focal@example.org"])
def test_a_link_on_this_site_or_to_mail_is_left_as_written(app, url):
    href = url.format(site=app.config["SITE_URL"])
    assert _html(f"[here]({href})") == f'<p><a href="{href}">here</a></p>\n'


@pytest.mark.parametrize("url", ["http://127.0.0.1.evil.example:5000/", "http://127.0.0.1:5000@evil.example/",
                                 "//evil.example/", "http://127.0.0.1:5001/"])
def test_a_host_that_only_looks_like_the_site_is_another_site(app, url):
    assert 'rel="nofollow noopener"' in _html(f"[x]({url})")


def test_the_sites_host_comes_from_site_url(app):
    app.config["SITE_URL"] = "https://sociallab.example"
    assert 'rel=' not in _html("[x](https://sociallab.example/spaces)")
    assert 'rel="nofollow noopener"' in _html("[x](http://127.0.0.1:5000/spaces)")


def test_a_long_text_is_cached_per_site(app):
    text = "x" * CACHE_FROM_CHARS + " [x](https://sociallab.example/spaces)"
    assert 'rel="nofollow noopener"' in _html(text)
    app.config["SITE_URL"] = "https://sociallab.example"
    assert 'rel=' not in _html(text)


def test_a_title_and_a_table_cell_keep_their_link(app):
    assert _html('[x](https://e.example "Guide")') == \
        '<p><a href="https://e.example" title="Guide" rel="nofollow noopener">x</a></p>\n'
    assert '<td><a href="https://e.example" rel="nofollow noopener">x</a></td>' in \
        _html("| a |\n|---|\n| [x](https://e.example) |")


def test_no_rel_but_the_sites_own_survives(app):
    assert "<a " not in _html('<a href="https://e.example" rel="opener">x</a>')  # written HTML stays text
    assert sanitize_html('<a href="https://e.example" rel="opener">x</a>') == '<a href="https://e.example">x</a>'

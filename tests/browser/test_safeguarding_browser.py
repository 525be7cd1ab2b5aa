"""A member names a 12-year-old girl and her school in a post: before anything is published the
passages are highlighted, one click removes them, and another reader sees only the redacted text.
With and without JavaScript."""
import pytest

from tests.browser.conftest import sign_in

TEXT = ("Nous suivons Fatou, 12 ans, élève à l'école élémentaire Jean Mermoz de Pikine, "
        "orientée par la brigade des mineurs.")


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
def test_a_post_naming_a_girl_and_her_school_is_redacted_in_one_click(live_server, browser, javascript):
    author = browser.new_context(java_script_enabled=javascript)
    page = author.new_page()
    sign_in(page, live_server, "member.sn@example.org")
    page.goto(f"{live_server.url}/spaces/country-sn/forums")
    page.get_by_role("link", name="Justice adaptée aux enfants").click()
    page.get_by_role("link", name="Nouveau fil").click()
    title = f"Orientation d'une élève ({'js' if javascript else 'sans js'})"
    page.fill("input[name=title]", title)
    page.fill("textarea[name=body]", TEXT)
    page.click("button[value=publish]")
    page.wait_for_load_state()

    # Nothing is published yet: the passages are marked, with their reason, and the text is kept.
    warning = page.locator("section.safeguarding")
    assert warning.is_visible()
    marked = warning.locator("mark.identifying").all_inner_texts()
    assert any("Fatou, 12 ans" in m for m in marked) and any("Jean Mermoz" in m for m in marked)
    assert page.input_value("textarea[name=body]") == TEXT
    live_server.screenshot(page, f"safeguarding-warning-{'js' if javascript else 'nojs'}")

    page.click("button[name=safeguarding][value=redact]")
    page.wait_for_load_state()
    assert page.get_by_role("heading", name=title).is_visible()
    body = page.locator("ol.posts .prose").first.inner_text()
    assert "[retiré]" in body and "Fatou" not in body and "Jean Mermoz" not in body
    author.close()

    reader = browser.new_context(java_script_enabled=javascript)
    other = reader.new_page()
    sign_in(other, live_server, "facilitator@example.org")
    other.goto(f"{live_server.url}/search?q=Pikine")
    other.get_by_role("link", name=title).first.click()
    other.wait_for_load_state()
    text = other.locator("ol.posts").inner_text()
    assert "[retiré]" in text and "Fatou" not in text and "Mermoz" not in text
    reader.close()

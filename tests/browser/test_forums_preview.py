"""Without JavaScript, the Preview button posts the form and shows the rendered text."""
import pytest

from tests.browser.conftest import sign_in


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "java_script_enabled": False}


def test_preview_and_publish_without_javascript(live_server, page):
    sign_in(page, live_server, "member.sn@example.org")
    page.goto(f"{live_server.url}/spaces/country-sn/forums")
    page.get_by_role("link", name="Justice adaptée aux enfants").click()
    page.get_by_role("link", name="Nouveau fil").click()
    page.fill("input[name=title]", "Aperçu sans JavaScript")
    page.fill("textarea[name=body]", "| a | b |\n|---|---|\n| 1 | 2 |\n\n*important*")
    page.click("button[value=preview]")
    assert page.locator(".preview table").count() == 1
    assert page.locator(".preview em", has_text="important").count() == 1
    live_server.screenshot(page, "forums-preview-nojs")
    page.click("button[value=publish]")
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Aperçu sans JavaScript").is_visible()
    live_server.screenshot(page, "forums-thread-nojs")

"""Pages stay light enough for a slow, costly mobile connection."""
from tests.pageweight import ASSET_RE, page_weight

BUDGET = 15 * 1024


def test_sign_in_page_weighs_under_15_kb_gzipped(client):
    total, sizes = page_weight(client, "/login")
    assert total < BUDGET, sizes


def test_space_home_weighs_under_15_kb_gzipped(client, auth, world):
    auth.login(world.member.email)
    total, sizes = page_weight(client, f"/spaces/{world.sn_space.slug}")
    assert total < BUDGET, sizes


def test_pages_load_assets_only_from_this_host(client, auth, world):
    auth.login(world.member.email)
    for url in ("/spaces", f"/spaces/{world.sn_space.slug}", "/account/profile"):
        html = client.get(url).get_data(as_text=True)
        for asset in ASSET_RE.findall(html):
            assert asset.startswith("/") and not asset.startswith("//"), f"{url} loads {asset}"

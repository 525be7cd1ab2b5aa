"""Weigh a page as a slow mobile link receives it: gzipped HTML plus its own CSS and JS."""
import gzip
import re

ASSET_RE = re.compile(r'<(?:link[^>]+rel="stylesheet"[^>]+href|script[^>]+src)="([^"]+)"')


def gzipped_size(data):
    return len(gzip.compress(data, compresslevel=6))


def page_weight(client, url):
    """(total gzipped bytes, {url: gzipped bytes}) for the page and every asset it loads."""
    response = client.get(url)
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    sizes = {url: gzipped_size(response.data)}
    for asset in ASSET_RE.findall(response.get_data(as_text=True)):
        assert asset.startswith("/"), f"{url} loads {asset} from another host"
        asset_response = client.get(asset)
        assert asset_response.status_code == 200, asset
        sizes[asset] = gzipped_size(asset_response.data)
        asset_response.close()
    return sum(sizes.values()), sizes

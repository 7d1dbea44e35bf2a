"""Issue 14: every page names its icon (no more 404 for /favicon.ico in the browser), and the file exists."""

from django.contrib.staticfiles import finders


def test_pages_have_a_favicon(client):
    html = client.get("/accounts/login/").content.decode()
    assert 'rel="icon"' in html and "web/favicon.svg" in html
    path = finders.find("web/favicon.svg")
    assert path and open(path).read().startswith("<svg")

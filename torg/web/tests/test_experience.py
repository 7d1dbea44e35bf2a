"""Issue 14: every page names its icon (no more 404 for /favicon.ico in the browser), and the file exists."""

from django.contrib.staticfiles import finders


def test_pages_have_a_favicon(client):
    html = client.get("/accounts/login/").content.decode()
    assert 'rel="icon"' in html and "web/favicon.svg" in html
    path = finders.find("web/favicon.svg")
    assert path and open(path).read().startswith("<svg")


def test_start_page_says_what_waits_for_me(client_for, admin_user, citizen, tenant, building):
    import datetime as dt

    from django.utils import timezone

    from torg.booking import services as booking

    room = booking.resource_create(actor=admin_user, tenant=tenant, name="Salen", building=building,
                                   requires_approval=True)
    start = timezone.now().replace(second=0, microsecond=0) + dt.timedelta(days=3)
    booking.booking_create(actor=citizen, tenant=tenant, resource=room, start=start.replace(hour=10, minute=0),
                           end=start.replace(hour=11, minute=0))
    html = client_for(admin_user).get("/").content.decode()
    assert 'data-testid="waiting"' in html and "1 bookingforespørsel å godkjenne" in html
    assert 'href="/booking/approvals/"' in html
    html = client_for(citizen).get("/").content.decode()
    assert "Ingenting venter på deg nå." in html


def test_numbers_for_people_have_the_norwegian_thousands_space():
    """Issue 14: one setting (FORMAT_MODULE_PATH → torg/formats/nb) gives every number filter the
    narrow no-break space in bokmål («12 345»), the comma in English; and no template shows a
    paginated count without the filter (a guard over every template)."""
    import re
    from pathlib import Path

    from django.utils import translation

    from torg.core.templatetags.torg import area, intspace

    with translation.override("nb"):
        assert (intspace(12345), area(1200)) == ("12\u202f345", "1\u202f200 m²")
    with translation.override("en"):
        assert intspace(12345) == "12,345"
    raw = re.compile(r"\{% blocktranslate count n=[\w.]*paginator\.count %\}(.*?)\{% endblocktranslate %\}", re.S)
    offenders = [str(path) for path in Path(__file__).resolve().parents[2].rglob("*.html")
                 if any("{{ n }}" in body for body in raw.findall(path.read_text(encoding="utf-8")))]
    assert offenders == []

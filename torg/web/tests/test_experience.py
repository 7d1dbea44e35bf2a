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

"""Prices: price rules per building and resource by payer category, the price stored on a booking,
the late cancellation rule, the invoicing basis (page, CSV/XLSX, API)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from torg.booking import pricing, queries, services
from torg.booking.models import Booking, PriceRule
from torg.core.tabular import read_table

from .conftest import at

S = Booking.Status


@pytest.fixture
def priced(tenant, admin_user, building, resource, hall):
    """The building: associations 100 kr/h, 150 kr/h on weekday evenings (17–22); private persons
    300 kr/h plus a 50 kr key fee; businesses 600 kr/h. The hall's own rule: associations 200 kr/h."""
    add = services.price_rule_create
    add(actor=admin_user, tenant=tenant, building=building, category="association", amount=Decimal("100"))
    add(actor=admin_user, tenant=tenant, building=building, category="association", amount=Decimal("150"),
        weekdays=[0, 1, 2, 3, 4], starts=dt.time(17), ends=dt.time(22))
    add(actor=admin_user, tenant=tenant, building=building, category="citizen", amount=Decimal("300"),
        late_cancel_percent=50)
    add(actor=admin_user, tenant=tenant, building=building, category="citizen", amount=Decimal("50"), unit="booking")
    add(actor=admin_user, tenant=tenant, building=building, category="commercial", amount=Decimal("600"))
    add(actor=admin_user, tenant=tenant, resource=hall[0], category="association", amount=Decimal("200"))
    return resource


def test_categories_and_rules(priced, hall, association, admin_user, tenant):
    assert pricing.category_for(actor_type="citizen") == "citizen"
    assert pricing.category_for(actor_type="unit") == pricing.category_for(actor_type="employee") == "internal"
    assert pricing.category_for(actor_type="association", organisation=association) == "association"
    association.kind = "business"
    assert pricing.category_for(actor_type="association", organisation=association) == "commercial"
    association.kind = "volunteer"
    assert pricing.category_for(actor_type="association", organisation=association) == "volunteer"
    q = pricing.price
    # Monday 15–18: 2 h at 100 and 1 h at the evening price 150.
    assert q(resource=priced, start=at(0, 15), end=at(0, 18), category="association").amount == Decimal("350.00")
    # Saturday evening is not a weekday evening.
    assert q(resource=priced, start=at(5, 17), end=at(5, 19), category="association").amount == Decimal("200.00")
    # Private persons: 1.5 h × 300 + the key fee once.
    assert q(resource=priced, start=at(1, 10), end=at(1, 11, 30), category="citizen").amount == Decimal("500.00")
    # Nothing for internal bookings or volunteers (no rule): free.
    assert q(resource=priced, start=at(1, 10), end=at(1, 12), category="internal").free
    assert q(resource=priced, start=at(1, 10), end=at(1, 12), category="volunteer").free
    # The hall's own rule beats the building's; its halves inherit it from the whole.
    assert q(resource=hall[0], start=at(0, 18), end=at(0, 19), category="association").amount == Decimal("200.00")
    assert q(resource=hall[1], start=at(0, 18), end=at(0, 19), category="association").amount == Decimal("200.00")
    # …but for private persons the building's rules apply.
    assert q(resource=hall[1], start=at(1, 10), end=at(1, 11), category="citizen").amount == Decimal("350.00")


def test_bad_rules_are_refused(admin_user, tenant, building, resource, other_tenant):
    from torg.places.models import Building

    with pytest.raises(ValidationError, match="building or a resource"):
        services.price_rule_create(actor=admin_user, tenant=tenant, category="citizen", amount=Decimal("1"))
    with pytest.raises(ValidationError, match="second after the first"):
        services.price_rule_create(actor=admin_user, tenant=tenant, resource=resource, category="citizen",
                                   amount=Decimal("1"), starts=dt.time(18), ends=dt.time(17))
    with pytest.raises(ValidationError, match="cannot be negative|greater than or equal"):
        services.price_rule_create(actor=admin_user, tenant=tenant, resource=resource, category="citizen",
                                   amount=Decimal("-1"))
    foreign = Building.objects.filter(tenant=other_tenant).first()
    if foreign is None:
        from torg.places import services as places_services
        prop = places_services.property_create(actor=None, tenant=other_tenant, name="Andre", gnr=1, bnr=1)
        foreign = places_services.building_create(actor=None, tenant=other_tenant, property=prop, name="Andre bygg")
    with pytest.raises(ValidationError, match="another municipality"):
        services.price_rule_create(actor=admin_user, tenant=tenant, building=foreign, category="citizen",
                                   amount=Decimal("1"))
    assert not PriceRule.objects.exists()


def test_price_is_stored_and_follows_a_move(priced, citizen, association_rep, association, tenant):
    b = services.booking_create(actor=citizen, tenant=tenant, resource=priced, start=at(1, 10), end=at(1, 11))
    assert (b.price, b.price_category, b.late_fee) == (Decimal("350.00"), "citizen", Decimal("200.00"))
    org = services.booking_create(actor=association_rep, tenant=tenant, resource=priced, start=at(2, 16),
                                  end=at(2, 18), organisation=association)
    assert (org.price, org.price_category) == (Decimal("250.00"), "association")
    services.booking_reschedule(actor=citizen, booking=b, start=at(1, 12), end=at(1, 14))
    b.refresh_from_db()
    assert b.price == Decimal("650.00")
    PriceRule.objects.filter(category="citizen", unit="hour").update(amount=Decimal("1"))
    b.refresh_from_db()
    assert b.price == Decimal("650.00")  # a later change of the rules never changes a booking's price


def test_late_cancellation_rule(priced, citizen, admin_user, tenant):
    early = services.booking_create(actor=citizen, tenant=tenant, resource=priced, start=at(1, 10), end=at(1, 11))
    services.booking_transition(actor=citizen, booking=early, to=S.CANCELLED)
    early.refresh_from_db()
    assert early.cancel_charge is None  # before the deadline: nothing due
    late = services.booking_create(actor=citizen, tenant=tenant, resource=priced, start=at(1, 12), end=at(1, 13))
    # Staff cancel it on the booker's request an hour before it starts: past the 24-hour deadline.
    services.booking_transition(actor=admin_user, booking=late, to=S.CANCELLED, reason="Ringte",
                                now=late.start - dt.timedelta(hours=1))
    late.refresh_from_db()
    assert late.cancel_charge == Decimal("200.00")  # 50 % of the hour (300) and all of the key fee (50)
    rows = list(queries.invoicing_rows(queries.invoicing_basis(tenant=tenant, first=at(0, 0).date(),
                                                               last=at(6, 0).date())))
    assert [(r["booking_id"], r["amount"], r["late_cancellation"]) for r in rows] == [(late.pk, Decimal("200.00"), True)]


def test_invoicing_basis_per_payer_and_period(priced, citizen, association_rep, association, employee, tenant):
    a = services.booking_create(actor=association_rep, tenant=tenant, resource=priced, start=at(2, 10),
                                end=at(2, 12), organisation=association)
    c = services.booking_create(actor=citizen, tenant=tenant, resource=priced, start=at(3, 10), end=at(3, 11))
    services.booking_create(actor=employee, tenant=tenant, resource=priced, start=at(3, 12), end=at(3, 13))  # free
    services.booking_create(actor=citizen, tenant=tenant, resource=priced, start=at(9, 10), end=at(9, 11))  # later
    basis = queries.invoicing_basis(tenant=tenant, first=at(0, 0).date(), last=at(6, 0).date())
    rows = list(queries.invoicing_rows(basis))
    assert [r["booking_id"] for r in rows] == [c.pk, a.pk] or [r["booking_id"] for r in rows] == [a.pk, c.pk]
    by_id = {r["booking_id"]: r for r in rows}
    assert by_id[a.pk]["orgnr"] == "974760673" and by_id[a.pk]["amount"] == Decimal("200.00")
    assert by_id[c.pk]["hours"] == 1 and by_id[c.pk]["category"] == "citizen"
    payers, total = queries.invoicing_summary(rows)
    assert total == Decimal("550.00") and len(payers) == 2
    only = queries.invoicing_basis(tenant=tenant, first=at(0, 0).date(), last=at(6, 0).date(), organisation=association)
    assert [b.pk for b in only] == [a.pk]
    person = queries.invoicing_basis(tenant=tenant, first=at(0, 0).date(), last=at(6, 0).date(), person=citizen)
    assert [b.pk for b in person] == [c.pk]


def test_price_pages_staff_only_and_the_form_shows_the_price(priced, client_for, admin_user, citizen, building,
                                                           association_rep, association):
    staff = client_for(admin_user)
    page = staff.get(reverse("booking:prices"))
    assert page.status_code == 200 and "300" in page.content.decode()
    answer = staff.post(reverse("booking:prices"), {"building": building.pk, "category": "volunteer", "amount": "0",
                                                    "unit": "hour", "late_cancel_percent": "100"})
    assert answer.status_code == 302 and PriceRule.objects.filter(category="volunteer").exists()
    bad = staff.post(reverse("booking:prices"), {"category": "volunteer", "amount": "10", "unit": "hour",
                                                 "late_cancel_percent": "100"})
    assert bad.status_code == 422 and "Choose a building or a resource." in bad.content.decode()
    assert client_for(citizen).get(reverse("booking:prices")).status_code == 403
    rule = PriceRule.objects.get(category="volunteer")
    assert client_for(citizen).post(reverse("booking:price_delete", args=[rule.pk])).status_code == 403
    client_for(admin_user).post(reverse("booking:price_delete", args=[rule.pk]))
    assert not PriceRule.objects.filter(pk=rule.pk).exists()
    # Before booking: the citizen sees the private price, the representative also the association's.
    form = client_for(citizen).get(reverse("booking:booking_create", args=[priced.pk])).content.decode()
    assert "Price for private persons: 300\xa0kr per hour; 50\xa0kr per booking." in form
    # The summary before confirming shows the price the booking will have (and the late cancellation fee).
    summary = client_for(citizen).post(reverse("booking:booking_create", args=[priced.pk]), {
        "date": at(1, 10).date().isoformat(), "start_time": "10:00", "end_time": "11:00", "idempotency_key": "p-1"})
    price = summary.content.decode().split('data-testid="booking-price">')[1].split("</dd>")[0]
    assert price == "350.00 kr (private persons). Cancelled after the deadline, 200.00 kr is invoiced."
    assert not Booking.objects.exists()
    form = client_for(association_rep).get(reverse("booking:booking_create", args=[priced.pk])).content.decode()
    assert "Price for associations: 100\xa0kr per hour; 150\xa0kr per hour Monday, Tuesday, Wednesday, Thursday, " \
           "Friday 17:00–22:00." in form


def test_invoicing_page_and_downloads(priced, client_for, admin_user, citizen, association_rep, association, tenant):
    a = services.booking_create(actor=association_rep, tenant=tenant, resource=priced, start=at(2, 10),
                                end=at(2, 12), organisation=association)
    services.booking_create(actor=citizen, tenant=tenant, resource=priced, start=at(3, 10), end=at(3, 11))
    period = {"first": at(0, 0).date().isoformat(), "last": at(6, 0).date().isoformat()}
    staff = client_for(admin_user)
    page = staff.get(reverse("booking:invoicing"), period).content.decode()
    assert "Testvik IL" in page and "550.00 kr" in page
    csv = staff.get(reverse("booking:invoicing"), {**period, "format": "csv"})
    assert csv["Content-Disposition"].endswith('.csv"')
    text = csv.content.decode("utf-8-sig")
    line = next(x for x in text.splitlines() if "974760673" in x)
    assert ";2,00;200,00;" in line  # hours and amount with a decimal comma, for Norwegian spreadsheets
    xlsx = staff.get(reverse("booking:invoicing"), {**period, "format": "xlsx", "organisation": association.pk})
    from django.core.files.uploadedfile import SimpleUploadedFile

    columns, rows = read_table(SimpleUploadedFile("basis.xlsx", xlsx.content))
    assert len(rows) == 1 and rows[0][1][columns[-1]] == str(a.pk)
    assert client_for(admin_user).get(reverse("booking:invoicing"), {"first": period["last"], "last": period[
        "first"]}).status_code == 422
    assert client_for(citizen).get(reverse("booking:invoicing"), period).status_code == 403


def test_prices_and_invoicing_api(priced, client_for, admin_user, citizen, association_rep, association, tenant,
                                  other_admin, building):
    c = client_for(citizen)
    quote = c.get(f"/api/v1/booking/resources/{priced.pk}/price",
                  {"start": at(1, 10).isoformat(), "end": at(1, 11).isoformat()}).json()
    assert quote["category"] == "citizen" and quote["amount"] == 350 and quote["late_fee"] == 200
    assert c.get(f"/api/v1/booking/resources/{priced.pk}/price",
                 {"start": at(1, 10).isoformat(), "end": at(1, 11).isoformat(),
                  "organisation_id": association.pk}).status_code == 404  # not the citizen's organisation
    booking = c.post("/api/v1/booking/bookings", {"resource_id": priced.pk, "start": at(1, 10).isoformat(),
                                                  "end": at(1, 11).isoformat()}, content_type="application/json")
    assert booking.json()["price"] == 350 and booking.json()["price_category"] == "citizen"
    assert len(c.get("/api/v1/booking/prices", {"resource_id": priced.pk}).json()) == 5
    assert c.post("/api/v1/booking/prices", {"building_id": building.pk, "category": "citizen", "amount": 1},
                  content_type="application/json").status_code == 403
    assert c.get("/api/v1/booking/invoicing", {"from_date": at(0, 0).date().isoformat(),
                                               "to_date": at(6, 0).date().isoformat()}).status_code == 403
    rep = client_for(association_rep)
    quote = rep.get(f"/api/v1/booking/resources/{priced.pk}/price",
                    {"start": at(0, 16).isoformat(), "end": at(0, 18).isoformat(),
                     "organisation_id": association.pk}).json()
    assert quote["amount"] == 250 and [line["minutes"] for line in quote["lines"]] == [60, 60]
    assert client_for(other_admin).delete(
        f"/api/v1/booking/prices/{PriceRule.objects.first().pk}").status_code in (403, 404)
    staff = client_for(admin_user)
    made = staff.post("/api/v1/booking/prices", {"resource_id": priced.pk, "category": "citizen", "amount": 99.5,
                                                 "starts": "08:00", "ends": "12:00", "weekdays": [1]},
                      content_type="application/json")
    assert made.status_code == 201 and made.json()["starts"] == "08:00:00"
    assert staff.post("/api/v1/booking/prices", {"resource_id": priced.pk, "category": "citizen", "amount": 1,
                                                 "starts": "12:00"}, content_type="application/json").status_code == 422
    assert staff.delete(f"/api/v1/booking/prices/{made.json()['id']}").status_code == 204
    basis = staff.get("/api/v1/booking/invoicing", {"from_date": at(0, 0).date().isoformat(),
                                                    "to_date": at(6, 0).date().isoformat()}).json()
    assert basis["total"] == 350 and basis["items"][0]["payer"] == "Innbygger Test"
    assert PriceRule.objects.count() == 6  # the other municipality's administrator removed nothing

"""Impact reports API: totals, breakdowns, the reuses behind them with the factors used, and the
factor library — the report form's checks, permissions per role and tenant isolation."""

import datetime as dt
from decimal import Decimal

import pytest

pytestmark = pytest.mark.django_db

API = "/api/v1/reuse/impact"


@pytest.fixture
def admin(api_as, admin_user, tenant):
    return api_as(admin_user, tenant)


@pytest.fixture
def reused(make_product, reuse):
    """Two chairs with their own CO2e and price in March 2026, one desk without a price in May."""
    chair = make_product("task_chair", co2e_kg="70", new_price_nok="5000")
    desk = make_product("desk", new_price_nok=None)
    return reuse(chair, count=2) + reuse(desk, when=dt.date(2026, 5, 2), kind="relocation")


def test_summary_and_breakdown_agree_and_show_the_deductions(admin, reused, cat):
    r = admin("get", f"{API}/summary")
    assert r.status_code == 200, r.content
    body = r.json()
    totals = body["totals"]
    assert (totals["reuses"], totals["items"]) == (3, 3)
    assert Decimal(totals["co2e"]) >= Decimal("140")  # two chairs with their own 70 kg, plus the desk's factor
    assert set(body["deductions"]) == {"transport_pct", "refurbishment_pct", "cost_pct", "note"}
    by_category = admin("get", f"{API}/breakdown?by=category").json()
    assert by_category["totals"]["co2e"] == totals["co2e"]
    chairs = next(row for row in by_category["rows"] if row["value"] == str(cat["task_chair"].pk))
    assert (chairs["reuses"], Decimal(chairs["co2e"]), Decimal(chairs["money"])) == (2, Decimal("140.00"),
                                                                                     Decimal("10000.00"))
    months = admin("get", f"{API}/breakdown?by=month").json()["rows"]
    assert [(m["value"], m["reuses"]) for m in months] == [("2026-03-01", 2), ("2026-05-01", 1)]
    march = admin("get", f"{API}/summary?start=2026-03-01&end=2026-03-31").json()["totals"]
    assert march["reuses"] == 2


def test_records_explain_every_figure_with_its_source_and_factor(admin, reused):
    r = admin("get", f"{API}/records")
    assert r.status_code == 200 and r.json()["count"] == 3
    rows = r.json()["items"]
    chair = next(row for row in rows if row["co2e_source"] == "product")
    assert Decimal(chair["co2e"]) == Decimal("70.00") and chair["money_source"] == "product"
    desk = next(row for row in rows if row["kind"] == "relocation")
    assert desk["co2e_source"] in ("factor_item", "factor_kg") and desk["factor"]["source"]
    factors = admin("get", f"{API}/factors").json()
    assert any(f["factor"] and f["factor"]["co2e_kg"] for f in factors)


def test_the_report_forms_checks_apply(admin, reused):
    for query in ("start=2026-05-01&end=2026-03-01", "start=1900-01-01", "by=planet", "kind=stolen",
                  "category_id=0"):
        path = "breakdown" if query.startswith("by") else "summary"
        assert admin("get", f"{API}/{path}?{query}").status_code == 422, query


def test_permissions_and_isolation(api_as, tenant, reused, employee, citizen, other_admin, other_tenant, cat):
    assert api_as(employee, tenant)("get", f"{API}/summary").status_code == 200  # observers read the reports
    assert api_as(citizen, tenant)("get", f"{API}/summary").status_code == 403
    other = api_as(other_admin, other_tenant)
    assert other("get", f"{API}/summary").json()["totals"]["reuses"] == 0
    assert other("get", f"{API}/records").json()["count"] == 0
    r = other("get", f"{API}/summary?category_id={cat['task_chair'].pk}")
    assert r.status_code == 422 and "category_id" in r.json()["detail"]  # not one of theirs

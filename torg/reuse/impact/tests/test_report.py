"""Breakdowns, periods, the reuse rate and traceability: the drill-down rows add up to the figure."""

import datetime as dt

import pytest

from torg.reuse import services as inventory
from torg.reuse.impact import queries

from .conftest import D

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def unit(tenant, admin_user):
    from torg.accounts import services as accounts

    return accounts.org_unit_create(actor=admin_user, tenant=tenant, kind="sector", name="Oppvekst")


@pytest.fixture
def second_building(tenant, admin_user, building):
    from torg.places import services as places

    return places.building_create(actor=admin_user, tenant=tenant, property=building.property, name="Nyhuset")


@pytest.fixture
def mixed(tenant, make_product, reuse, building, second_building, unit):
    """Reuses over two years, two buildings, several categories and kinds, some with gaps."""
    chair = make_product("task_chair", new_price_nok="5000")
    sofa = make_product("sofa", new_price_nok="12000")
    shelf = make_product("shelf", weight_kg="25")  # per kg 1.45 → 36.25; no price
    other = make_product("other", no_weight=True)  # no factor, no weight, no price
    reuse(chair, count=3, when=dt.date(2025, 1, 15), from_building=building, to_building=second_building,
          to_unit=unit)
    reuse(chair, count=2, kind="relocation", when=dt.date(2025, 4, 1), from_building=building,
          to_building=second_building)
    reuse(sofa, when=dt.date(2025, 12, 31), kind="given_away", from_building=second_building)
    reuse(shelf, count=2, when=dt.date(2026, 1, 1), kind="bought_used", to_building=building)
    reuse(other, when=dt.date(2026, 2, 10), to_building=building)


def _sum_rows(qs):
    rows = list(qs)
    return {
        "co2e": sum((r.row_co2e for r in rows if r.row_co2e is not None), D(0)),
        "co2e_low": sum((r.row_co2e_low for r in rows if r.row_co2e_low is not None), D(0)),
        "co2e_high": sum((r.row_co2e_high for r in rows if r.row_co2e_high is not None), D(0)),
        "money": sum((r.row_money for r in rows if r.row_money is not None), D(0)),
        "waste": sum((r.row_weight for r in rows if r.row_weight is not None), D(0)),
        "reuses": len(rows),
    }


def test_summary_figures(tenant, mixed):
    s = queries.summary(tenant=tenant, f=queries.ReportFilter())
    assert s["reuses"] == 9 and s["items"] == 9
    # 5 chairs × 35 + sofa 55 + 2 shelves × 36.25
    assert s["co2e"] == D("302.50")
    assert (s["co2e_low"], s["co2e_high"]) == (D(5 * 12 + 37) + D("2") * D("36.25"), D(5 * 100 + 55 + 2 * 75))
    assert s["money"] == D(5 * 5000 + 12000)
    assert s["waste"] == D(5 * 12 + 37 + 2 * 25)
    assert (s["missing_co2e"], s["missing_weight"], s["missing_money"]) == (1, 1, 3)
    # the drill-down of the gaps counts exactly those reuses
    f = queries.ReportFilter()
    assert queries.drilldown_totals(tenant=tenant, f=f, flag="money")["reuses"] == 3
    assert queries.drilldown(tenant=tenant, f=f, flag="money").count() == 3
    assert queries.drilldown_totals(tenant=tenant, f=f, flag="any")["reuses"] == 3
    assert queries.drilldown_totals(tenant=tenant, f=f, flag="co2e")["co2e"] == D(0)


@pytest.mark.parametrize("dimension", list(queries.DIMENSIONS))
def test_every_breakdown_adds_up_to_the_summary_and_each_group_to_its_drilldown(tenant, mixed, dimension):
    f = queries.ReportFilter()
    s = queries.summary(tenant=tenant, f=f)
    rows = queries.breakdown(tenant=tenant, f=f, dimension=dimension)
    for key in ("co2e", "co2e_low", "co2e_high", "money", "waste", "reuses"):
        assert sum(r[key] for r in rows) == s[key], key
    # the page's summary is computed from the breakdown: the same as the summary's own aggregate
    from_rows = queries.summary(tenant=tenant, f=f, rows=rows)
    assert {k: from_rows[k] for k in s} == s
    for r in rows:
        value = r["group"]
        drill = queries.ReportFilter(groups=[(dimension, value)])
        rows_sum = _sum_rows(queries.drilldown(tenant=tenant, f=drill))
        for key in ("co2e", "co2e_low", "co2e_high", "money", "waste", "reuses"):
            assert rows_sum[key] == r[key], (dimension, r["label"], key)
        totals = queries.drilldown_totals(tenant=tenant, f=drill)
        assert totals["co2e"] == r["co2e"]


def test_traceability_with_deductions_and_per_kg_rounding(tenant, admin_user, make_product, reuse):
    from torg.reuse.impact import services

    services.settings_update(actor=admin_user, tenant=tenant, transport_pct=D("7.5"), refurbishment_pct=D("3.3"))
    for w in ("12.37", "7.01", "19.99"):
        reuse(make_product("stool", weight_kg=w, model_name=w), count=3)  # 3.0 kg/kg: fractional cents
    f = queries.ReportFilter()
    s = queries.summary(tenant=tenant, f=f)
    assert _sum_rows(queries.drilldown(tenant=tenant, f=f))["co2e"] == s["co2e"]
    assert s["co2e"] == sum((D(3) * D(w) * D("0.892")).quantize(D("0.01")) * 3 for w in ("12.37", "7.01", "19.99"))


def test_period_breakdown_and_date_filter(tenant, mixed):
    by_quarter = queries.breakdown(tenant=tenant, f=queries.ReportFilter(), dimension="quarter")
    assert [(r["label"], r["reuses"]) for r in by_quarter] == [("Q1 2025", 3), ("Q2 2025", 2), ("Q4 2025", 1),
                                                               ("Q1 2026", 3)]
    by_year = queries.breakdown(tenant=tenant, f=queries.ReportFilter(), dimension="year")
    assert [(r["label"], r["reuses"]) for r in by_year] == [("2025", 6), ("2026", 3)]
    # the end date is inclusive, in Norwegian time: 31 Dec 2025 12:00 is in, 1 Jan 2026 is out
    f = queries.ReportFilter(start=dt.date(2025, 4, 1), end=dt.date(2025, 12, 31))
    assert queries.summary(tenant=tenant, f=f)["reuses"] == 3
    f = queries.ReportFilter(start=dt.date(2026, 1, 1))
    assert queries.summary(tenant=tenant, f=f)["reuses"] == 3


def test_month_boundary_is_norwegian_local_time(tenant, admin_user, make_product):
    from zoneinfo import ZoneInfo

    p = make_product("task_chair")
    item = inventory.item_register(actor=admin_user, tenant=tenant, product=p)[0]
    # 31 March 2026 23:30 UTC is 1 April 01:30 in Oslo
    inventory.reuse_record(actor=admin_user, item=item, kind="internal_order",
                           occurred_at=dt.datetime(2026, 3, 31, 23, 30, tzinfo=ZoneInfo("UTC")))
    rows = queries.breakdown(tenant=tenant, f=queries.ReportFilter(), dimension="month")
    assert [r["group"] for r in rows] == [dt.date(2026, 4, 1)]
    f = queries.ReportFilter(groups=[("month", dt.date(2026, 4, 1))])
    assert queries.drilldown(tenant=tenant, f=f).count() == 1


def test_filters_by_kind_category_building_and_unit(tenant, mixed, cat, second_building, unit):
    s = lambda **kw: queries.summary(tenant=tenant, f=queries.ReportFilter(**kw))  # noqa: E731
    assert s(kind="relocation")["reuses"] == 2
    assert s(category_id=cat["task_chair"].pk)["co2e"] == D(175)
    assert s(building_id=second_building.pk)["reuses"] == 6  # from or into the building
    assert s(unit_id=unit.pk)["reuses"] == 3


def test_breakdown_by_building_and_kind_labels(tenant, mixed, second_building):
    rows = {r["label"]: r for r in queries.breakdown(tenant=tenant, f=queries.ReportFilter(), dimension="building")}
    assert rows["Nyhuset"]["reuses"] == 5
    assert rows["Not given"]["reuses"] == 1  # given away: no receiving building
    kinds = {r["value"]: r["reuses"] for r in queries.breakdown(tenant=tenant, f=queries.ReportFilter(),
                                                                dimension="kind")}
    assert kinds == {"internal_order": 4, "relocation": 2, "given_away": 1, "bought_used": 2}


def test_reuse_rate_counts_disposals(tenant, admin_user, make_product, reuse, cat):
    chair = make_product("task_chair")
    reuse(chair, count=3)
    items = inventory.item_register(actor=admin_user, tenant=tenant, product=chair, count=1)
    inventory.item_change_status(actor=admin_user, items=items, to_status="for_recycling")
    inventory.item_change_status(actor=admin_user, items=items, to_status="disposed")
    s = queries.summary(tenant=tenant, f=queries.ReportFilter())
    assert (s["reuses"], s["disposed"], s["rate"]) == (3, 1, D("75.0"))
    rows = queries.breakdown(tenant=tenant, f=queries.ReportFilter(), dimension="category")
    assert [(r["label"], r["rate"]) for r in rows] == [(cat["task_chair"].name, D("75.0"))]
    # not defined for one kind of reuse, nor per receiving building
    assert queries.summary(tenant=tenant, f=queries.ReportFilter(kind="relocation"))["rate"] is None
    assert queries.breakdown(tenant=tenant, f=queries.ReportFilter(), dimension="building")[0]["rate"] is None


def test_location_manager_scope(tenant, mixed, second_building, building):
    f = queries.ReportFilter(buildings=frozenset({building.pk}))
    assert queries.summary(tenant=tenant, f=f)["reuses"] == 8  # everything but the sofa from Nyhuset
    f = queries.ReportFilter(buildings=frozenset())
    assert queries.summary(tenant=tenant, f=f)["reuses"] == 0


def test_quality_lists_products_with_gaps(tenant, mixed, cat):
    rows = queries.quality(tenant=tenant, f=queries.ReportFilter())
    by_category = {r["product"].category.key: r for r in rows}
    assert set(by_category) == {"shelf", "other"}  # the chairs have weight, price and factor
    assert by_category["other"]["missing_co2e"] == 1
    assert "no CO2e: no own value and no factor" in by_category["other"]["problems"]
    assert by_category["shelf"]["problems"] == ["no new price"]


def test_other_tenants_reuses_are_not_counted(tenant, other_tenant, other_admin, mixed):
    from torg.reuse.models import Category

    prod = inventory.product_create(actor=other_admin, tenant=other_tenant,
                                    category=Category.objects.get(tenant=other_tenant, key="sofa"))
    item = inventory.item_register(actor=other_admin, tenant=other_tenant, product=prod)[0]
    inventory.reuse_record(actor=other_admin, item=item, kind="given_away")
    assert queries.summary(tenant=tenant, f=queries.ReportFilter())["reuses"] == 9
    assert queries.summary(tenant=other_tenant, f=queries.ReportFilter())["reuses"] == 1

"""The factor library and the precedence of the figures per reuse (EPD → factor → missing)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from torg.core.models import AuditEvent
from torg.reuse.impact import queries, services
from torg.reuse.impact.models import Factor

from .conftest import D

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _one(tenant, record):
    """The figures of one reuse, as the drill-down computes them."""
    f = queries.ReportFilter()
    return queries.drilldown(tenant=tenant, f=f).get(pk=record.pk)


def test_every_new_tenant_gets_the_shipped_factors(tenant, cat):
    chair = Factor.objects.get(tenant=tenant, category=cat["task_chair"])
    assert (chair.basis, chair.co2e_kg, chair.co2e_low_kg, chair.co2e_high_kg, chair.default_weight_kg) == (
        "per_item", D("35"), D("12"), D("100"), D("12"))
    assert "WRAP" in chair.source and "NEPD-467-327-EN" in chair.source
    sofa = Factor.objects.get(tenant=tenant, category=cat["sofa"])
    assert (sofa.co2e_kg, sofa.co2e_low_kg, sofa.co2e_high_kg, sofa.default_weight_kg) == (D(55), D(37), D(55), D(37))
    assert Factor.objects.get(category=cat["meeting_table"]).co2e_low_kg == D(28)
    storage = Factor.objects.get(category=cat["storage"])
    assert (storage.co2e_kg, storage.co2e_low_kg, storage.co2e_high_kg, storage.default_weight_kg) == (
        D(50), D(40), D(120), D(30))
    shelf = Factor.objects.get(category=cat["shelf"])
    assert shelf.basis == "per_kg" and shelf.co2e_kg == D("1.45") and "Proxy" in shelf.source
    # electronics: no furniture default, honestly empty
    assert Factor.objects.get(category=cat["monitor"]).co2e_kg is None
    assert not Factor.objects.filter(category=cat["other"]).exists()


def test_seeding_twice_adds_nothing(tenant):
    before = Factor.objects.filter(tenant=tenant).count()
    assert services.factor_seed_defaults(tenant=tenant) == 0
    assert Factor.objects.filter(tenant=tenant).count() == before > 15


def test_product_epd_overrides_the_category_factor(tenant, make_product, reuse):
    epd = make_product("task_chair", co2e_kg="80", co2e_source="NEPD-1234", weight_kg="10")
    plain = make_product("task_chair", model_name="Plain", no_weight=True)
    (r_epd,), (r_plain,) = reuse(epd), reuse(plain)
    a, b = _one(tenant, r_epd), _one(tenant, r_plain)
    assert (a.row_co2e, a.row_co2e_low, a.row_co2e_high) == (D(80), D(80), D(80))  # own value: no range
    assert queries.explain(a)["co2e_source"] == "product"
    assert (b.row_co2e, b.row_co2e_low, b.row_co2e_high) == (D(35), D(12), D(100))
    assert queries.explain(b)["co2e_source"] == "factor_item"
    assert b.row_weight == D(12)  # factor default weight
    assert queries.explain(b)["weight_source"] == "factor"


def test_per_kg_basis_multiplies_by_the_weight_with_its_fallbacks(tenant, make_product, reuse, cat):
    heavy = make_product("lounge_chair", weight_kg="20")
    unweighed = make_product("lounge_chair", model_name="No weight", no_weight=True)  # category default 18 kg
    a, b = _one(tenant, reuse(heavy)[0]), _one(tenant, reuse(unweighed)[0])
    assert (a.row_co2e, a.row_co2e_low, a.row_co2e_high) == (D(60), D(29), D(60))
    assert queries.explain(a)["co2e_source"] == "factor_kg"
    assert b.row_weight == cat["lounge_chair"].default_weight_kg
    assert b.row_co2e == (D(3) * cat["lounge_chair"].default_weight_kg).quantize(D("0.01"))
    assert queries.explain(b)["weight_source"] == "category"


def test_missing_factor_weight_and_price_are_flagged_not_guessed(tenant, admin_user, make_product, reuse, cat):
    from torg.reuse import services as inventory

    inventory.category_update(actor=admin_user, category=cat["other"], default_weight_kg=None)
    other = make_product("other", manufacturer="Ukjent", no_weight=True)
    row = _one(tenant, reuse(other)[0])
    assert row.row_co2e is None and row.row_weight is None and row.row_money is None
    problems = queries.explain(row)["problems"]
    assert {"no CO2e factor", "no weight", "no new price"} <= set(problems)
    total = queries.summary(tenant=tenant, f=queries.ReportFilter())
    assert (total["reuses"], total["missing_co2e"], total["missing_weight"], total["missing_money"]) == (1, 1, 1, 1)
    assert total["co2e"] == D(0)
    # a per-kg factor without any weight is missing too, with its own reason
    services.factor_save(actor=admin_user, tenant=tenant, category=cat["other"], basis="per_kg", co2e_kg=D("2"),
                         source="Own estimate")
    row = _one(tenant, row)
    assert row.row_co2e is None
    assert queries.explain(row)["co2e_source"] == "no_weight"


def test_money_uses_product_price_then_factor_default(tenant, admin_user, make_product, reuse, cat):
    priced = make_product("task_chair", new_price_nok="6500")
    unpriced = make_product("task_chair", model_name="X")
    services.factor_save(actor=admin_user, tenant=tenant, category=cat["task_chair"],
                         default_new_price_nok=D("4000"))
    a, b = _one(tenant, reuse(priced)[0]), _one(tenant, reuse(unpriced)[0])
    assert a.row_money == D(6500) and queries.explain(a)["money_source"] == "product"
    assert b.row_money == D(4000) and queries.explain(b)["money_source"] == "factor"


def test_deductions_scale_co2e_and_money(tenant, admin_user, make_product, reuse):
    p = make_product("task_chair", new_price_nok="1000")
    reuse(p, count=3)
    services.settings_update(actor=admin_user, tenant=tenant, transport_pct=D("10"), refurbishment_pct=D("20"),
                             cost_pct=D("40"), note="IVL C339")
    total = queries.summary(tenant=tenant, f=queries.ReportFilter())
    assert total["co2e"] == D("73.50")  # 3 × 35 × 0.7
    assert (total["co2e_low"], total["co2e_high"]) == (D("25.20"), D("210.00"))
    assert total["money"] == D("1800.00")  # 3 × 1000 × 0.6
    assert total["waste"] == D("36.00")  # weight is not deducted
    event = AuditEvent.objects.filter(tenant=tenant, object_type="reuse_impact.impactsettings").get()
    assert event.changes["transport_pct"] == [None, "10.00"]


def test_deductions_above_100_percent_are_refused(tenant, admin_user):
    with pytest.raises(ValidationError) as exc:
        services.settings_update(actor=admin_user, tenant=tenant, transport_pct=D("60"), refurbishment_pct=D("50"))
    assert "refurbishment_pct" in exc.value.message_dict
    assert not AuditEvent.objects.filter(object_type="reuse_impact.impactsettings").exists()


def test_factor_edit_is_validated_and_audited(tenant, admin_user, cat):
    chair = cat["task_chair"]
    with pytest.raises(ValidationError) as exc:
        services.factor_save(actor=admin_user, tenant=tenant, category=chair, co2e_low_kg=D("40"))
    assert "co2e_low_kg" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.factor_save(actor=admin_user, tenant=tenant, category=chair, co2e_kg=D("20"), source="")
    assert "source" in exc.value.message_dict
    services.factor_save(actor=admin_user, tenant=tenant, category=chair, co2e_kg=D("40"), source_year=2024)
    factor = Factor.objects.get(category=chair)
    assert factor.co2e_kg == D(40) and factor.source_year == 2024
    event = AuditEvent.objects.filter(object_type="reuse_impact.factor", object_id=str(factor.pk)).latest("id")
    assert event.actor == admin_user and event.changes["co2e_kg"] == ["35.00", "40.00"]
    services.factor_reset_default(actor=admin_user, tenant=tenant, category=chair)
    factor.refresh_from_db()
    assert factor.co2e_kg == D(35) and factor.source_year is None


def test_factor_of_another_tenants_category_is_refused(tenant, other_tenant, admin_user):
    from torg.reuse.models import Category

    foreign = Category.objects.get(tenant=other_tenant, key="desk")
    with pytest.raises(ValidationError):
        services.factor_save(actor=admin_user, tenant=tenant, category=foreign, co2e_kg=D(1), source="x")


def test_range_sums_over_mixed_sources(tenant, make_product, reuse):
    reuse(make_product("sofa"), count=2)  # 55 (37–55) each
    reuse(make_product("desk", co2e_kg="42", co2e_source="EPD"))  # own value 42, no range
    total = queries.summary(tenant=tenant, f=queries.ReportFilter(end=dt.date(2030, 1, 1)))
    assert (total["co2e"], total["co2e_low"], total["co2e_high"]) == (D(152), D(116), D(152))
    assert total["has_range"]

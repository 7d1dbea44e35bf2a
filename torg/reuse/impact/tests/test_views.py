"""The pages over HTTP: permissions per role, tenant isolation, HTMX partials, exports and edits."""

import datetime as dt
import io

import pytest
from django.urls import reverse

from torg.reuse.impact.models import Factor

from .conftest import D

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(tenant, make_product, reuse, building):
    chair = make_product("task_chair", new_price_nok="5000", manufacturer="HÅG")
    other = make_product("other", manufacturer="Ukjent", no_weight=True)
    reuse(chair, count=4, when=dt.date(2026, 2, 3), to_building=building)
    reuse(other, when=dt.date(2026, 3, 3), to_building=building)
    return {"chair": chair, "other": other}


def test_report_page_shows_the_figures_and_links(client_for, admin_user, data):
    response = client_for(admin_user).get(reverse("impact:report"))
    assert response.status_code == 200
    text = response.content.decode()
    assert 'data-testid="impact-summary"' in text
    assert "140 kg" in text  # 4 × 35
    assert "20 000 kr" in text.replace("\xa0", " ").replace("\u202f", " ")
    assert reverse("impact:records") in text and "flag=co2e" in text  # the gap links to its rows
    assert "<svg" in text and "Tall per kategori" in text  # chart + its table (Norwegian by default)


def test_report_htmx_returns_the_partial(client_for, admin_user, data):
    response = client_for(admin_user).get(reverse("impact:report") + "?by=month", headers={"HX-Request": "true"})
    assert response.status_code == 200
    text = response.content.decode()
    assert "<html" not in text and 'data-testid="impact-breakdown"' in text and "februar 2026" in text


def test_bad_filter_gives_a_specific_message(client_for, admin_user, data):
    response = client_for(admin_user).get(reverse("impact:report") + "?start=2026-05-01&end=2026-01-01")
    assert response.status_code == 422
    assert "Sluttdatoen er før startdatoen." in response.content.decode()


def test_exports_contain_the_figures(client_for, admin_user, data):
    from openpyxl import load_workbook

    client = client_for(admin_user)
    response = client.get(reverse("impact:report") + "?by=category&format=xlsx")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    wb = load_workbook(io.BytesIO(response.content))
    sheet = wb.worksheets[1]
    rows = list(sheet.iter_rows(values_only=True))
    chair_row = next(r for r in rows if r[0] == data["chair"].category.name)
    assert chair_row[1:3] == (4, 140)
    assert rows[-1][0] == "Sum" and rows[-1][2] == 140
    summary = {r[0]: r[1] for r in wb.worksheets[0].iter_rows(values_only=True) if r and r[0]}
    assert summary["Penger spart NOK"] == 20000
    assert any("WRAP" in (r[7] or "") for r in wb.worksheets[2].iter_rows(values_only=True))

    pdf = client.get(reverse("impact:report") + "?format=pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    # reportlab writes the page streams uncompressed: the figures are in the file as text
    assert b"(140)" in pdf.content and data["chair"].category.name.encode() in pdf.content


def test_drilldown_lists_rows_with_sources_and_fix_links(client_for, admin_user, data):
    client = client_for(admin_user)
    response = client.get(reverse("impact:records") + "?flag=any")
    text = response.content.decode()
    assert response.status_code == 200
    assert text.count('data-testid="drill-row"') == 1
    assert reverse("reuse:product_edit", args=[data["other"].pk]) in text
    assert "ingen CO2e-faktor" in text
    response = client.get(reverse("impact:records") + f"?dim=category&value={data['chair'].category_id}")
    text = response.content.decode()
    assert text.count('data-testid="drill-row"') == 4 and "WRAP" in text
    export = client.get(reverse("impact:records") + "?format=xlsx")
    from openpyxl import load_workbook

    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert len(rows) == 6 and sum(r[9] or 0 for r in rows[1:]) == 140


def test_drilldown_is_paginated(client_for, admin_user, make_product, reuse):
    reuse(make_product("sofa"), count=55)
    response = client_for(admin_user).get(reverse("impact:records"))
    text = response.content.decode()
    assert text.count('data-testid="drill-row"') == 50 and "Side 1 av 2" in text
    assert "3 025,00 kg" in text.replace("\xa0", " ").replace("\u202f", " ")  # the totals cover all 55, not the page


def test_quality_page(client_for, admin_user, data):
    text = client_for(admin_user).get(reverse("impact:quality")).content.decode()
    assert text.count('data-testid="quality-row"') == 1 and "Ukjent" in text


@pytest.mark.parametrize("role", ["employee", "property_manager"])
def test_staff_read_but_only_admins_edit(tenant, make_member, client_for, data, role, cat):
    user = make_member(tenant, f"u-{role}", role)
    client = client_for(user)
    for name in ("impact:report", "impact:records", "impact:quality", "impact:factors"):
        assert client.get(reverse(name)).status_code == 200, name
    assert client.get(reverse("impact:factor_edit", args=[cat["task_chair"].pk])).status_code == 403
    assert client.post(reverse("impact:factor_edit", args=[cat["task_chair"].pk]),
                       {"basis": "per_item", "co2e_kg": "1", "source": "x", "boundary": "mixed"}).status_code == 403
    assert client.get(reverse("impact:settings")).status_code == 403
    assert Factor.objects.get(category=cat["task_chair"]).co2e_kg == D(35)


def test_citizen_and_anonymous_are_refused(client, citizen, client_for, data):
    assert client.get(reverse("impact:report")).status_code == 302
    assert client_for(citizen).get(reverse("impact:report")).status_code == 403


def test_admin_edits_a_factor_through_the_form(client_for, admin_user, cat, tenant):
    client = client_for(admin_user)
    url = reverse("impact:factor_edit", args=[cat["task_chair"].pk])
    bad = client.post(url, {"basis": "per_item", "co2e_kg": "30", "co2e_low_kg": "40", "source": "WRAP",
                            "boundary": "mixed"})
    assert bad.status_code == 422
    response = client.post(url, {"basis": "per_item", "co2e_kg": "30", "co2e_low_kg": "10", "co2e_high_kg": "90",
                                 "default_weight_kg": "11", "default_new_price_nok": "4500", "source": "Own EPD",
                                 "source_year": "2025", "boundary": "cradle_to_gate"})
    assert response.status_code == 302
    factor = Factor.objects.get(category=cat["task_chair"])
    assert (factor.co2e_kg, factor.default_new_price_nok, factor.source_year) == (D(30), D(4500), 2025)
    page = client.get(url).content.decode()
    assert "35.00 → 30.00" in page  # the history (old → new)
    # a category without a factor gets one
    url = reverse("impact:factor_edit", args=[cat["other"].pk])
    assert client.post(url, {"basis": "per_kg", "co2e_kg": "2", "source": "Own estimate",
                             "boundary": "unknown"}).status_code == 302
    assert Factor.objects.get(category=cat["other"]).basis == "per_kg"
    assert client.post(reverse("impact:factor_reset", args=[cat["task_chair"].pk])).status_code == 302
    assert Factor.objects.get(category=cat["task_chair"]).co2e_kg == D(35)


def test_admin_sets_deductions(client_for, admin_user, tenant, data):
    client = client_for(admin_user)
    response = client.post(reverse("impact:settings"), {"transport_pct": "10", "refurbishment_pct": "20",
                                                        "cost_pct": "0", "note": "IVL C339"})
    assert response.status_code == 302
    text = client.get(reverse("impact:report")).content.decode()
    assert "98 kg" in text  # 140 × 0.7
    bad = client.post(reverse("impact:settings"), {"transport_pct": "80", "refurbishment_pct": "30",
                                                   "cost_pct": "0"})
    assert bad.status_code == 422


def test_other_tenant_sees_nothing_and_gets_404_for_objects(client_for, other_admin, data, cat, building):
    client = client_for(other_admin)
    text = client.get(reverse("impact:report")).content.decode()
    assert "140 kg" not in text
    assert client.get(reverse("impact:records") + f"?dim=category&value={cat['task_chair'].pk}").status_code == 404
    assert client.get(reverse("impact:records") + f"?dim=building&value={building.pk}").status_code == 404
    assert client.get(reverse("impact:factor_edit", args=[cat["task_chair"].pk])).status_code == 404
    assert client.get(reverse("impact:records") + "?product=%d" % data["chair"].pk).content.decode().count(
        'data-testid="drill-row"') == 0


def test_scoped_location_manager_sees_their_buildings_only(tenant, make_member, client_for, data, building,
                                                          admin_user):
    from torg.places import services as places
    from torg.reuse import services as inventory

    elsewhere = places.building_create(actor=admin_user, tenant=tenant, property=building.property, name="Annet")

    user = make_member(tenant, "lm", "employee")
    inventory.reuse_role_set(actor=None, membership=user.memberships.get(tenant=tenant), role="location_manager",
                             buildings=[elsewhere])
    text = client_for(user).get(reverse("impact:report")).content.decode()
    assert "Ombruk som gjelder byggene du forvalter" in text
    assert 'data-testid="figure-reuses">0<' in text


def test_the_chart_has_an_axis_and_its_values_match_the_table(client_for, admin_user, data):
    """Issue 14: each bar says its value, the x axis has round ticks and a title, and the table below
    has the same numbers."""
    import re

    from torg.reuse.impact.views import _nice_step, chart

    text = client_for(admin_user).get(reverse("impact:report")).content.decode()
    text = text.replace("\xa0", " ").replace("\u202f", " ")
    svg = text[text.index('data-testid="impact-chart"'):text.index("</svg>")]
    values = re.findall(r'data-testid="bar-value">([^<]+)<', svg)
    assert "140" in values  # the chairs: 4 × 35 kg, as in the table
    table = text[text.index('data-testid="impact-breakdown"'):]
    assert all(f'<td class="torg-num">{v}</td>' in table for v in values)
    axis = svg[svg.index('data-testid="impact-axis"'):]
    ticks = re.findall(r'text-anchor="middle" class="torg-impact-chart-label">([^<]+)<', axis)
    assert ticks[0] == "0" and len(ticks) >= 3 and "CO2e spart kg" in axis  # round ticks, the axis title
    assert [_nice_step(t) for t in (140, 1000, 12345)] == [50, 250, 5000]
    rows = [{"group": 1, "co2e": D("140"), "co2e_low": D("100"), "co2e_high": D("180"), "label": "x"}]
    c = chart(rows)
    assert [t["value"] for t in c["ticks"]] == [0, 50, 100, 150, 200] and c["bars"][0]["width"] == 182.0

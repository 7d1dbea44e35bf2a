"""Energy and operating costs: kWh/m², the degree-day correction, the target, the ranking and the
costs without double counting from small data sets with hand-checked numbers; the readings, degree-day
and cost imports refuse bad rows and write nothing; the pages and the API."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from torg.core.tabular import ImportRefused
from torg.estate import energy, energy_import, queries, services
from torg.estate.models import DegreeDayMonth, Meter, MeterReading, OperatingCost
from torg.places import services as places_services


def _csv(text, name="fil.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"))


@pytest.fixture
def second(tenant, admin_user, building):
    return places_services.building_create(actor=admin_user, tenant=tenant, property=building.property,
                                           name="Skolen", building_number="1002", gross_area=1000, use="school")


@pytest.fixture
def meters(tenant, admin_user, building):
    el = services.meter_create(actor=admin_user, tenant=tenant, building=building, number="EL-1", carrier="electricity")
    fv = services.meter_create(actor=admin_user, tenant=tenant, building=building, number="FV-1",
                               carrier="district_heating")
    return el, fv


def _year(meter, year, kwh):
    MeterReading.objects.bulk_create([MeterReading(tenant=meter.tenant, meter=meter, month=dt.date(year, m, 1),
                                                   kwh=kwh) for m in range(1, 13)])


@pytest.fixture
def readings(meters, tenant):
    """2024: electricity 10 000 and district heating 5 000 kWh a month; 2025: 9 000 and 5 000."""
    el, fv = meters
    _year(el, 2024, 10000)
    _year(fv, 2024, 5000)
    _year(el, 2025, 9000)
    _year(fv, 2025, 5000)
    # degree days 2024: 100 a month against a normal of 110 (a warm year: factor 1320 / 1200 = 1.1)
    DegreeDayMonth.objects.bulk_create([DegreeDayMonth(tenant=tenant, month=dt.date(2024, m, 1), degree_days=100,
                                                       normal=110) for m in range(1, 13)])
    return el, fv


# --- Arithmetic and queries -------------------------------------------------------------------
def test_the_arithmetic_by_hand():
    assert energy.intensity(180000, 1200) == Decimal("150.0")
    # 120 000 kWh electricity (50 % heating), 60 000 district heating (90 %), factor 1.1
    corrected = energy.corrected_kwh({"electricity": 120000, "district_heating": 60000}, Decimal("1.1"))
    assert corrected == Decimal("191400.0")  # 60 000 + 66 000 + 6 000 + 59 400
    assert energy.corrected_kwh({"electricity": 1}, None) is None
    assert energy.target_intensity(Decimal(200), 2020, 2022, 3) == Decimal("188.2")  # 200 × 0.97²
    assert energy.target_intensity(Decimal(200), 2020, 2019, 3) is None
    assert energy.change_percent(Decimal(97), Decimal(100)) == Decimal("-3.0")


def test_kwh_per_m2_corrected_and_the_target(readings, tenant, admin_user, building):
    services.target_set(actor=admin_user, tenant=tenant, base_year=2024, reduction_percent=Decimal(3))
    data = queries.building_energy(tenant=tenant, building=building)
    rows = {r["year"]: r for r in data["rows"]}
    assert rows[2024]["kwh"] == 180000 and rows[2024]["kwh_m2"] == Decimal("150.0")
    assert rows[2024]["corrected_kwh_m2"] == Decimal("159.5")  # 191 400 / 1 200
    assert rows[2025]["kwh_m2"] == Decimal("140.0") and rows[2025]["corrected_kwh_m2"] is None  # no degree days
    assert rows[2025]["target_kwh_m2"] == Decimal("154.7")  # 159.5 × 0.97
    assert rows[2025]["on_target"] and rows[2024]["on_target"]
    assert data["latest"]["year"] == 2025 and [m.number for m in data["meters"]] == ["FV-1", "EL-1"]  # by carrier
    assert [b["height"] for b in data["chart"]["bars"]] == [160, 149]  # 150 is the top; 140/150 × 160


def test_an_incomplete_year_is_shown_as_such(meters, tenant, building):
    el, _fv = meters
    MeterReading.objects.create(tenant=tenant, meter=el, month=dt.date(2026, 1, 1), kwh=1000)
    row = queries.building_energy(tenant=tenant, building=building)["rows"][0]
    assert (row["year"], row["months"], row["complete"]) == (2026, 1, False)
    assert queries.building_energy(tenant=tenant, building=building)["latest"] is None


def test_ranking_and_progress(readings, tenant, admin_user, building, second):
    school = services.meter_create(actor=admin_user, tenant=tenant, building=second, number="EL-2",
                                   carrier="electricity")
    _year(school, 2024, 10000)  # 120 000 kWh / 1 000 m² = 120.0; corrected 60 000 + 66 000 = 126.0
    _year(school, 2025, Decimal("16666.7"))  # 200 000.4 kWh → 200.0
    ranking = queries.energy_ranking(tenant=tenant, year=2025)
    assert [(b.name, b.rank, b.energy_value) for b in ranking] == [("Skolen", 1, Decimal("200.0")),
                                                                   ("Testhuset", 2, Decimal("140.0"))]
    assert ranking[0].energy_change == Decimal("58.7")  # 200.0 against 126.0
    assert ranking[1].energy_change == Decimal("-12.2")  # 140.0 against 159.5
    assert queries.energy_progress(tenant=tenant, year=2025) is None  # no target yet
    services.target_set(actor=admin_user, tenant=tenant, base_year=2024, reduction_percent=Decimal(3))
    progress = queries.energy_progress(tenant=tenant, year=2025)
    # base: (191 400 + 126 000) / 2 200 = 144.3; 2025: (168 000 + 200 000.4) / 2 200 = 167.3
    assert (progress["buildings"], progress["base"], progress["now"]) == (2, Decimal("144.3"), Decimal("167.3"))
    assert progress["goal"] == Decimal("140.0") and not progress["on_target"]  # 144.3 × 0.97
    assert [b.on_target for b in queries.energy_ranking(tenant=tenant, year=2025)] == [False, True]


def test_operating_costs_without_double_counting(tenant, building, second):
    rows = [(building, "management", 60000), (building, "operation", 300000), (building, "cleaning", 100000),
            (building, "energy", 150000), (building, "maintenance", 90000),
            (second, "cleaning", 20000), (second, "energy", 30000), (second, "maintenance", 10000)]
    OperatingCost.objects.bulk_create([OperatingCost(tenant=tenant, building=b, year=2025, kostra_function="130",
                                                     kind=k, amount=a) for b, k, a in rows])
    data = queries.operating_costs(tenant=tenant, year=2025)
    first, other = data["rows"]
    assert first.name == "Testhuset" and first.costs["total"] == 450000 and first.costs_per_m2["total"] == 375
    assert first.costs["operation"] == 300000 and first.costs["cleaning"] == 100000
    # no operation total given: cleaning + energy are the operation
    assert other.costs["operation"] == 50000 and other.costs["total"] == 60000 and other.costs_per_m2["total"] == 60
    assert data["totals"]["total"] == 510000 and data["totals_per_m2"]["total"] == 232  # 510 000 / 2 200
    assert queries.building_costs(tenant=tenant, building=building)[0]["per_m2"] == 375


# --- Services ---------------------------------------------------------------------------------
def test_a_reading_entered_again_replaces_the_month(meters, admin_user, tenant):
    el, _fv = meters
    services.reading_set(actor=admin_user, meter=el, month=dt.date(2025, 3, 17), kwh=Decimal(100))
    services.reading_set(actor=admin_user, meter=el, month=dt.date(2025, 3, 1), kwh=Decimal(120))
    assert list(el.readings.values_list("month", "kwh")) == [(dt.date(2025, 3, 1), Decimal("120.0"))]
    with pytest.raises(ValidationError) as exc:
        services.reading_set(actor=admin_user, meter=el, month=dt.date(2025, 4, 1), kwh=Decimal(-1))
    assert "kwh" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.reading_set(actor=admin_user, meter=el, month=dt.date(2200, 1, 1), kwh=Decimal(1))
    assert el.readings.count() == 1


def test_meter_numbers_are_unique_and_only_managers_write(meters, tenant, admin_user, employee, building):
    with pytest.raises(ValidationError) as exc:
        services.meter_create(actor=admin_user, tenant=tenant, building=building, number="EL-1", carrier="oil")
    assert "Testhuset" in str(exc.value)
    with pytest.raises(PermissionDenied):
        services.reading_set(actor=employee, meter=meters[0], month=dt.date(2025, 1, 1), kwh=Decimal(1))
    with pytest.raises(ValidationError):
        services.label_add(actor=admin_user, tenant=tenant, building=building, grade="H",
                           issued_on=dt.date(2025, 1, 1))


# --- Imports ----------------------------------------------------------------------------------
READINGS = "bygningsnummer;målernummer;energibærer;måned;forbruk\n"


def test_readings_import_registers_meters_and_replaces_months(meters, tenant, admin_user, building):
    el, _fv = meters
    services.reading_set(actor=admin_user, meter=el, month=dt.date(2025, 1, 1), kwh=Decimal(1))
    text = READINGS + ("1001;EL-1;;2025-01;48 250\n1001;EL-1;;02.2025;45110,5\n"
                       "1001;BIO-9;bio;2025-01;700\n")
    plan = energy_import.plan_readings(tenant=tenant, upload=_csv(text))
    assert plan.errors == []
    assert {k: plan.counts[k] for k in ("readings", "meters", "new_meters", "replaced")} == {
        "readings": 3, "meters": 2, "new_meters": 1, "replaced": 1}
    energy_import.apply_readings(actor=admin_user, tenant=tenant, upload=_csv(text))
    assert list(el.readings.values_list("kwh", flat=True)) == [Decimal("48250.0"), Decimal("45110.5")]
    bio = Meter.objects.get(number="BIO-9")
    assert (bio.building, bio.carrier, bio.readings.get().kwh) == (building, "bio", Decimal("700.0"))


def test_readings_import_refuses_bad_rows_and_writes_nothing(meters, tenant, admin_user, second):
    text = READINGS + ("9999;EL-1;;2025-01;100\n"  # unknown building
                       "1001;EL-1;;2025-02;-5\n"  # negative
                       "1001;EL-1;;2025-03;100\n1001;EL-1;;2025-03;100\n"  # the same month twice
                       "1002;EL-1;;2025-04;100\n"  # the meter is on another building
                       "1001;NY-1;;2025-01;100\n"  # a new meter without a carrier
                       "1001;NY-2;kull;2025-01;100\n"  # unknown carrier
                       "1001;EL-1;;2099-01;100\n"  # a month not begun
                       "1001;EL-1;;2025-05;100\n")  # fine
    plan = energy_import.plan_readings(tenant=tenant, upload=_csv(text))
    assert sorted(plan.bad_lines) == [2, 3, 5, 6, 7, 8, 9]
    messages = " ".join(e.message for e in plan.errors)
    assert "9999" in messages and "Linje 4" in messages and "Testhuset" in messages and "kull" in messages
    assert {e.column for e in plan.errors if e.line == 3} == {"forbruk"}
    with pytest.raises(ImportRefused):
        energy_import.apply_readings(actor=admin_user, tenant=tenant, upload=_csv(text))
    assert MeterReading.objects.count() == 0 and Meter.objects.count() == 2
    energy_import.apply_readings(actor=admin_user, tenant=tenant, upload=_csv(text), valid_rows_only=True)
    assert list(MeterReading.objects.values_list("month", flat=True).order_by("month")) == [
        dt.date(2025, 3, 1), dt.date(2025, 5, 1)]


def test_degree_day_import(tenant, admin_user):
    text = "måned;graddager;normal\n" + "".join(f"2024-{m:02d};100;110\n" for m in range(1, 13))
    energy_import.apply_degree_days(actor=admin_user, tenant=tenant, upload=_csv(text))
    assert queries.degree_day_years(tenant=tenant)[2024]["factor"] == Decimal("1.1")
    again = energy_import.plan_degree_days(tenant=tenant, upload=_csv(text + "2024-01;-1;110\n"))
    assert again.counts["replaced"] == 12 and len(again.errors) == 2  # negative, and January twice


COSTS = "bygningsnummer;år;funksjon;type;beløp\n"


def test_costs_import_and_its_refusals(tenant, admin_user, building):
    good = COSTS + "1001;2025;130;forvaltning;60000\n1001;2025;130;drift;300000\n1001;2025;130;renhold;100000\n"
    energy_import.apply_costs(actor=admin_user, tenant=tenant, upload=_csv(good))
    energy_import.apply_costs(actor=admin_user, tenant=tenant, upload=_csv(COSTS + "1001;2025;130;drift;310000\n"))
    assert OperatingCost.objects.get(kind="operation").amount == 310000 and OperatingCost.objects.count() == 3
    bad = COSTS + ("1001;2025;999;drift;1\n1001;2025;130;strøm;1\n1001;2099;130;drift;1\n"
                   "1001;2024;130;drift;100\n1001;2024;130;energi;80\n1001;2024;130;renhold;40\n"
                   "1001;2023;130;drift;1\n1001;2023;130;drift;1\n")
    plan = energy_import.plan_costs(tenant=tenant, upload=_csv(bad))
    assert sorted(plan.bad_lines) == [2, 3, 4, 5, 9]
    assert "999" in plan.errors[0].message and any("120" in e.message for e in plan.errors)
    with pytest.raises(ImportRefused):
        energy_import.apply_costs(actor=admin_user, tenant=tenant, upload=_csv(bad))
    assert OperatingCost.objects.count() == 3


# --- Pages and API ----------------------------------------------------------------------------
def test_staff_read_the_energy_pages_and_managers_enter_readings(readings, building, employee, property_manager,
                                                                   client_for):
    el, _fv = readings
    client = client_for(employee)
    for url in ("/estate/energy/", "/estate/energy/?year=2024", "/estate/energy/costs/", "/estate/energy/degree-days/",
                f"/estate/buildings/{building.pk}/energy/", f"/estate/meters/{el.pk}/",
                f"/estate/buildings/{building.pk}/", f"/places/buildings/{building.pk}/"):
        assert client.get(url).status_code == 200, url
    page = client.get(f"/estate/buildings/{building.pk}/energy/").content.decode()
    assert "150,0" in page and "159,5" in page and "<svg" in page
    assert "140,0 kWh/m²" in client.get(f"/places/buildings/{building.pk}/").content.decode()
    assert client.post(f"/estate/meters/{el.pk}/", {"month": "2025-12", "kwh": "1"}).status_code == 403
    for url in ("/estate/energy/import/readings/", f"/estate/buildings/{building.pk}/meters/new/",
                f"/estate/meters/{el.pk}/edit/"):
        assert client.get(url).status_code == 403, url
    manager = client_for(property_manager)
    assert manager.post(f"/estate/meters/{el.pk}/", {"month": "2025-12", "kwh": "-3"}).status_code == 422
    assert manager.post(f"/estate/meters/{el.pk}/", {"month": "2025-12", "kwh": "8500"}).status_code == 302
    assert el.readings.get(month=dt.date(2025, 12, 1)).kwh == Decimal("8500.0")
    response = manager.post("/estate/energy/", {"base_year": "2024", "reduction_percent": "3"})
    assert response.status_code == 302
    assert "154,7" in manager.get(f"/estate/buildings/{building.pk}/energy/").content.decode()


def test_readings_import_through_the_pages(meters, property_manager, client_for):
    client = client_for(property_manager)
    page = client.post("/estate/energy/import/readings/", {"file": _csv(READINGS + "1001;EL-1;;2025-01;100\n")})
    assert page.status_code == 200
    token = page.context["preview"]["token"]
    assert client.post("/estate/energy/import/readings/confirm/", {"token": token}).status_code == 302
    assert MeterReading.objects.count() == 1
    assert client.get("/estate/energy/import/costs/template.xlsx").status_code == 200


def test_energy_api(readings, tenant, admin_user, employee, building, api_as, other_admin, other_tenant):
    api = api_as(admin_user, tenant)
    made = api("post", "/api/v1/estate/meters", {"building_id": building.pk, "number": "OLJE-1", "carrier": "oil"})
    assert made.status_code == 201
    meter = made.json()["id"]
    assert api("put", f"/api/v1/estate/meters/{meter}/readings", {"month": "2025-02-14", "kwh": "10.5"}).json() == {
        "meter_id": meter, "month": "2025-02-01", "kwh": "10.5"}
    assert api("put", f"/api/v1/estate/meters/{meter}/readings", {"month": "2025-02-01", "kwh": -1}).status_code == 422
    assert api("get", "/api/v1/estate/energy/target").json() == {"base_year": None, "reduction_percent": None}
    assert api("put", "/api/v1/estate/energy/target", {"base_year": 2024}).json()["reduction_percent"] == "3"
    years = {y["year"]: y for y in api("get", f"/api/v1/estate/buildings/{building.pk}/energy").json()["years"]}
    assert years[2024]["corrected_kwh_m2"] == "159.5" and years[2025]["target_kwh_m2"] == "154.7"
    ranking = api("get", "/api/v1/estate/energy/ranking?year=2025").json()["items"]
    assert [(r["name"], r["kwh_m2"]) for r in ranking] == [("Testhuset", "140.0")]
    assert api("get", "/api/v1/estate/energy/progress?year=2025").json()["on_target"] is True
    assert api("post", f"/api/v1/estate/buildings/{building.pk}/energy-labels",
               {"grade": "C", "issued_on": "2025-01-10"}).status_code == 201
    assert api("get", "/api/v1/estate/operating-costs").json()["buildings"] == []
    viewer = api_as(employee, tenant)
    assert viewer("get", f"/api/v1/estate/meters/{meter}/readings").json()["count"] == 1
    refused = viewer("put", f"/api/v1/estate/meters/{meter}/readings", {"month": "2025-03-01", "kwh": 1})
    assert refused.status_code == 403
    other = api_as(other_admin, other_tenant)
    assert other("get", f"/api/v1/estate/meters/{meter}").status_code == 404
    assert other("get", f"/api/v1/estate/buildings/{building.pk}/energy").status_code == 404

"""Estate: the portfolio condition view, buildings by condition, the maintenance backlog and plan, the
energy ranking and a building's energy page, over every building of the base data set (2 000;
--quick: 200) with 3 surveys × 40 building parts each, the measures the current surveys propose, and
3 000 meters (--quick: 300) × 120 monthly readings with ten years of degree days.

Rows are written with bulk_create (no services: the rules are tested elsewhere; here only the reads
count). Every case is one HTTP request through the real view; the ratio compares it with the raw SQL
the view issued.
"""

import datetime as dt
import random
from decimal import Decimal
from urllib.parse import urlencode

from django.utils import timezone

from torg.estate import grading, ns3451
from torg.estate.models import (ConditionSurvey, DegreeDayMonth, EnergyTarget, MaintenanceBudget, Measure, Meter,
                                MeterReading, SurveyPart)
from torg.places.models import Building

from ..core import Case, log

NAME = "estate"
VERSION = 1
PARTS, SURVEY_YEARS, MONTHS = 40, (2014, 2018, 2024), 120
METERS = {False: 3_000, True: 300}
CARRIERS = ["electricity", "district_heating", "bio", "heat_pump"]
NORMAL = [560, 510, 480, 360, 220, 100, 50, 60, 170, 310, 430, 530]


def _months():
    return [dt.date(2016 + i // 12, i % 12 + 1, 1) for i in range(MONTHS)]


def _generate(ctx):
    tenant, rng = ctx.tenant, random.Random(ctx.seed + 17)
    buildings = list(Building.objects.filter(tenant=tenant, archived=False).order_by("pk"))
    codes = [c for c, _label in ns3451.choices()][:PARTS]
    now = timezone.now()
    surveys = []
    for b in buildings:
        for v, year in enumerate(SURVEY_YEARS, 1):
            current = year == SURVEY_YEARS[-1]
            surveys.append(ConditionSurvey(tenant=tenant, building=b, surveyed_on=dt.date(year, 5, 1), version=v,
                                           surveyor="Benk Takst AS", status="approved" if current else "superseded",
                                           approved_at=now, is_current=current))
    ConditionSurvey.objects.bulk_create(surveys, batch_size=2000)
    parts = []
    for s in surveys:
        grades = []
        for code in codes:
            tg = rng.choice([0, 1, 1, 2, 2, 3])
            grades.append((code, tg))
            measure = rng.random() < 0.5 and tg >= 2
            parts.append(SurveyPart(tenant=tenant, survey=s, ns_code=code, condition_grade=tg,
                                    consequence_grade=rng.randint(0, 3), measure="Tiltak" if measure else "",
                                    measure_cost=Decimal(rng.randrange(1, 100) * 10_000) if measure else None,
                                    measure_year=s.surveyed_on.year + rng.randint(0, 5) if measure else None))
        s.aggregate_grade = grading.aggregate_grade(grades)
    ConditionSurvey.objects.bulk_update(surveys, ["aggregate_grade"], batch_size=2000)
    SurveyPart.objects.bulk_create(parts, batch_size=5000)
    log(f"estate: {len(surveys)} surveys, {len(parts)} parts")
    this = timezone.localdate().year
    measures = [Measure(tenant=tenant, building_id=p.survey.building_id, survey_part=p, ns_code=p.ns_code,
                        condition_grade=p.condition_grade, description=p.measure, cost=p.measure_cost,
                        due_year=p.measure_year, identified_on=p.survey.surveyed_on,
                        status=rng.choice(["proposed", "planned", "done"]),
                        planned_year=this + rng.randint(0, 4))
                for p in parts if p.measure and p.survey.is_current]
    for m in measures:
        if m.status == "done":
            m.completed_on = dt.date(2025, 6, 1)
    Measure.objects.bulk_create(measures, batch_size=5000)
    MaintenanceBudget.objects.bulk_create([MaintenanceBudget(tenant=tenant, year=this + i, amount=10**8)
                                           for i in range(5)])
    log(f"estate: {len(measures)} measures")
    months = _months()
    DegreeDayMonth.objects.bulk_create([DegreeDayMonth(tenant=tenant, month=m, normal=NORMAL[m.month - 1],
                                                       degree_days=Decimal(NORMAL[m.month - 1] * rng.uniform(0.85, 1.1))
                                                       .quantize(Decimal("0.1"))) for m in months])
    EnergyTarget.objects.create(tenant=tenant, base_year=2019, reduction_percent=3)
    meters = [Meter(tenant=tenant, building=buildings[i % len(buildings)], number=f"B-{i:06d}",
                    carrier=CARRIERS[i % len(CARRIERS)]) for i in range(METERS[ctx.quick])]
    Meter.objects.bulk_create(meters, batch_size=2000)
    batch = []
    for meter in meters:
        size = float(meter.building.gross_area or 1000) * rng.uniform(5, 20)
        for m in months:
            batch.append(MeterReading(tenant=tenant, meter=meter, month=m,
                                      kwh=Decimal(size * rng.uniform(0.7, 1.3)).quantize(Decimal("0.1"))))
        if len(batch) >= 20_000:
            MeterReading.objects.bulk_create(batch, batch_size=5000)
            batch = []
    MeterReading.objects.bulk_create(batch, batch_size=5000)
    log(f"estate: {len(meters)} meters, {len(meters) * MONTHS} readings")


def setup(ctx):
    meters = METERS[ctx.quick]
    ctx.once(f"estate:v{VERSION}:{meters}", lambda: _generate(ctx))
    ctx.sizes["estate_parts"] = SurveyPart.objects.filter(tenant=ctx.tenant).count()
    ctx.sizes["estate_readings"] = MeterReading.objects.filter(tenant=ctx.tenant).count()
    ctx.data["estate_building"] = (Meter.objects.filter(tenant=ctx.tenant).order_by("pk")
                                   .values_list("building_id", flat=True).first())


def _contains(*texts):
    def check(response):
        assert response.status_code == 200, response.status_code
        body = response.content.decode()
        for text in texts:
            assert text in body, f"{text!r} not in the page"
    return check


def cases(ctx):
    parts, readings = ctx.sizes["estate_parts"], ctx.sizes["estate_readings"]
    building = ctx.data["estate_building"]
    return [
        Case("estate: portfolio condition", "/estate/", _contains("worst-parts"), note=f"{parts} parts"),
        Case("estate: buildings by condition", "/estate/buildings/", _contains("ds-table")),
        Case("estate: backlog per year", "/estate/backlog/", _contains("backlog-over-time")),
        Case("estate: maintenance plan", "/estate/maintenance/", _contains("ds-table")),
        Case("estate: energy ranking", "/estate/energy/?" + urlencode({"year": 2025}), _contains("energy-ranking"),
             note=f"{readings} readings"),
        Case("estate: building energy", f"/estate/buildings/{building}/energy/", _contains("energy-years")),
        Case("estate: API energy ranking", "/api/v1/estate/energy/ranking?year=2025&limit=100",
             _contains('"count"')),
        Case("estate: API backlog", "/api/v1/estate/backlog", _contains('"over_time"')),
    ]

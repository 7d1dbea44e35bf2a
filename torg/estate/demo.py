"""Demo data for the estate module: Storvik's condition surveys (NS 3424).

The first systematic round (2017) covers the schools, kindergartens and nursing homes — with the
town hall and the library — after the overall mapping of 2014 (kept as older surveys of the oldest
buildings). The renovated town hall has a new survey after its reopening in 2023. One school has a
correction (version 2 superseding version 1) and two kindergartens have imported drafts waiting for
approval. Grades follow the building's age, so the portfolio view has something to say.

Energy: a meter for electricity and one for heat per building (district heating, bio, or oil until the
oil boilers were replaced in 2020), monthly readings from January 2016 to the last month begun, the
degree-day table shipped in `demo_data/graddager-storvik.csv` (servers have no internet), the 3 %
target from 2019, energy labels, and operating costs 2021–2025 by KOSTRA function. The town hall uses
less than half the energy after its renovation (closed 2022, reopened 2023).
"""

import datetime as dt
import random
from decimal import Decimal
from pathlib import Path

from django.utils import timezone

from torg.core import audit
from torg.places import queries as places_queries

from django.core.files.uploadedfile import SimpleUploadedFile

from . import energy_import, grading
from .models import (ConditionSurvey, DegreeDayMonth, EnergyLabel, EnergyTarget, MaintenanceBudget, Measure, Meter,
                     MeterReading, OperatingCost, SurveyPart)
from .services import first_of_month, measures_from_parts

PARTS = ["21", "22", "23", "24", "25", "26", "27", "28", "31", "32", "36", "43", "44", "54", "56", "62", "76"]
MEASURES = {
    "21": ("Drenering og fuktsikring av grunnmur", 260), "22": ("Utbedring av bæresystem", 400),
    "23": ("Skifte kledning og vinduer", 900), "24": ("Rehabilitering av innervegger", 300),
    "25": ("Nye gulvbelegg", 350), "26": ("Nytt tak, tekking og sluk", 1100), "27": ("Nytt fast inventar", 150),
    "28": ("Utbedre trapper og rekkverk", 120), "31": ("Nye sanitærrør og utstyr", 700),
    "32": ("Nytt varmeanlegg og styring", 650), "36": ("Nytt ventilasjonsaggregat", 900),
    "43": ("Nytt hovedfordelingsanlegg", 350), "44": ("LED-belysning med styring", 300),
    "54": ("Nytt brannalarmanlegg", 220), "56": ("Nytt SD-anlegg", 180), "62": ("Oppgradering av heis", 90),
    "76": ("Reasfaltering og nye kantsteiner", 120),
}
DESCRIPTIONS = {0: "Ingen avvik registrert.", 1: "Normal slitasje.", 2: "Tydelig slitasje og enkelte skader.",
                3: "Betydelige skader, fare for følgeskader."}
SURVEYORS = ["Takst og tilstand AS", "Norconsult", "Multiconsult"]


def _grade(rng, age, shift=0):
    base = 0 if age < 10 else 1 if age < 30 else 2
    return max(0, min(3, base + shift + rng.choice([-1, 0, 0, 0, 1])))


def _parts(rng, survey, building, year, shift=0, codes=PARTS):
    age = year - (building.year_built or 1980)
    area = float(building.gross_area or 1000)
    parts = []
    for code in codes:
        tg = _grade(rng, age, shift)
        kg = rng.choice([1, 1, 2, 2, 3]) if tg >= 2 else rng.choice([0, 1, 1])
        measure, cost = "", None
        if tg >= 2:
            text, per_m2 = MEASURES[code]
            measure = text
            cost = Decimal(round(per_m2 * area * rng.uniform(0.05, 0.2) / 10000) * 10000)
        parts.append(SurveyPart(tenant=survey.tenant, survey=survey, ns_code=code, condition_grade=tg,
                                consequence_grade=kg, description=DESCRIPTIONS[tg], measure=measure,
                                measure_cost=cost, measure_year=year + (1 if tg == 3 else rng.randint(2, 6))
                                if measure else None))
    return parts


def load(ctx):
    rng = random.Random(ctx.seed + 17)
    tenant = ctx.main
    uses = ("school", "kindergarten", "nursing_home")
    buildings = [b for b in places_queries.building_list(tenant=tenant) if b.use in uses]
    buildings += [ctx.townhall, ctx.library]
    now = timezone.now()
    surveys, parts = [], []

    def survey(building, date, *, version=1, status="approved", shift=0, replaces=None, codes=PARTS):
        s = ConditionSurvey(tenant=tenant, building=building, surveyed_on=date, version=version, status=status,
                            surveyor=rng.choice(SURVEYORS), level="1", replaces=replaces,
                            approved_at=now if status != "draft" else None)
        s.save()
        s.part_list = _parts(rng, s, building, date.year, shift, codes)
        if status != "draft":
            s.aggregate_grade = grading.aggregate_grade((p.ns_code, p.condition_grade) for p in s.part_list)
        surveys.append(s)
        parts.extend(s.part_list)
        return s

    drafts_left = 2
    for building in buildings:
        version = 1
        if (building.year_built or 2000) < 1985:  # the overall mapping of 2014, kept as history
            survey(building, dt.date(2014, rng.randint(3, 10), rng.randint(1, 28)), shift=-1, codes=PARTS[:9])
            version += 1
        if building == ctx.townhall:
            survey(building, dt.date(2017, 9, 12), version=version, shift=1)
            survey(building, dt.date(2024, 3, 5), version=version + 1, shift=-3)  # after the 2023 renovation
            continue
        date = dt.date(2017, rng.randint(1, 12), rng.randint(1, 28))
        if building.use == "kindergarten" and drafts_left and (building.year_built or 2000) > 2000:
            drafts_left -= 1
            survey(building, dt.date(2026, 9, rng.randint(1, 28)), version=version, status="draft")
            continue
        first = survey(building, date, version=version)
        if building.name == "Nordbyen skole":  # a correction after a second inspection of the roof
            first.status = "superseded"
            survey(building, date, version=version + 1, replaces=first, shift=1)
    SurveyPart.objects.bulk_create(parts)
    for s in surveys:
        ConditionSurvey.objects.filter(pk=s.pk).update(status=s.status, aggregate_grade=s.aggregate_grade)
    current = {}
    for s in surveys:
        if s.status == "approved" and (s.building_id not in current or
                                       (s.surveyed_on, s.version) > (current[s.building_id].surveyed_on,
                                                                      current[s.building_id].version)):
            current[s.building_id] = s
    ConditionSurvey.objects.filter(pk__in=[s.pk for s in current.values()]).update(is_current=True)
    audit.record_many(actor=None, tenant=tenant, objs=surveys, action=lambda o: audit.code(o, "demo_create"),
                      changes=lambda s: {"surveyed_on": [None, s.surveyed_on.isoformat()],
                                         "parts": [None, len(s.part_list)]})
    _maintenance(rng, tenant, surveys, current, ctx.townhall)
    _energy(rng, tenant, buildings, ctx.townhall)


ENERGY, SAFETY = {"32", "36", "44", "56"}, {"33", "54"}


def _maintenance(rng, tenant, surveys, current, townhall):
    """Measures from the surveys, a five-year plan from this year within yearly budgets, measures done
    in earlier years (the town hall's before its reopening in 2023), a few rejected."""
    this = timezone.localdate().year
    measures = []
    sources = list(current.values()) + [s for s in surveys if s.building_id == townhall.pk
                                        and s.surveyed_on.year == 2017]
    for s in sources:
        new, _updated, _changes = measures_from_parts(tenant=tenant, building_id=s.building_id, parts=s.part_list,
                                                      identified_on=s.surveyed_on)
        category = s.building.strategic_category
        for m in new:
            m.category = ("energy" if m.ns_code in ENERGY else "safety" if m.ns_code in SAFETY else "maintenance")
            if s.building_id == townhall.pk and s.surveyed_on.year == 2017:
                m.status, m.planned_year, m.completed_on = "done", 2021, dt.date(2023, 6, 30)
            elif m.due_year and m.due_year <= 2022 and rng.random() < 0.3:
                m.status, m.planned_year = "done", m.due_year
                m.completed_on = dt.date(m.due_year, rng.randint(3, 11), rng.randint(1, 28))
            elif category == "C" and rng.random() < 0.3:
                m.status = "rejected"
            elif category == "A" or m.condition_grade == 3:
                m.status = rng.choice(["planned", "planned", "planned", "in_progress"])
                m.planned_year = this + (rng.randint(0, 2) if m.condition_grade == 3 else rng.randint(1, 4))
                if m.status == "in_progress":
                    m.planned_year = this
        measures += new
    Measure.objects.bulk_create(measures)
    budgets = [MaintenanceBudget(tenant=tenant, year=this + i, amount=Decimal(rng.choice([38, 42, 45, 48]) * 10**6))
               for i in range(5)]
    MaintenanceBudget.objects.bulk_create(budgets)
    audit.record_many(actor=None, tenant=tenant, objs=measures + budgets, action=lambda o: audit.code(o, "demo_create"))


DEGREE_DAYS = Path(__file__).parent / "demo_data" / "graddager-storvik.csv"
# kWh/m² a year by use around 2016, before the yearly savings.
INTENSITY = {"school": 165, "kindergarten": 205, "nursing_home": 265, "office": 195, "culture": 170}
KOSTRA = {"school": "222", "kindergarten": "221", "nursing_home": "261", "office": "130", "culture": "386"}


def _degree_days(tenant):
    upload = SimpleUploadedFile(DEGREE_DAYS.name, DEGREE_DAYS.read_bytes())
    plan = energy_import.plan_degree_days(tenant=tenant, upload=upload)
    rows = DegreeDayMonth.objects.bulk_create([DegreeDayMonth(tenant=tenant, month=r.month, degree_days=r.degree_days,
                                                              normal=r.normal) for r in plan.valid_rows])
    return {r.month: (float(r.degree_days), float(r.normal)) for r in rows}


def _townhall_factor(year, month):
    if year < 2022:
        return 1.0
    if year == 2022 or (year == 2023 and month < 6):  # closed for the renovation, site heating only
        return 0.25
    return 0.46


def _energy(rng, tenant, buildings, townhall):
    dd = _degree_days(tenant)
    normal_year = sum(n for (_d, n) in list(dd.values())[:12])
    last = first_of_month(timezone.localdate())
    months = []
    month = dt.date(2016, 1, 1)
    while month < last:
        months.append(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    meters, readings, labels, costs = [], [], [], []
    energy_per_year = {}
    for i, building in enumerate(buildings):
        area = float(building.gross_area or 1000)
        base = INTENSITY.get(building.use, 180) * rng.uniform(0.8, 1.25)
        saving = rng.uniform(0.005, 0.025)
        heat_kind = "district_heating" if i % 3 == 0 else "bio" if i % 3 == 1 else "oil"
        el = Meter(tenant=tenant, building=building, number=f"7070575000{10000000 + i * 7:08d}", carrier="electricity",
                   description="Hovedmåler")
        heat = Meter(tenant=tenant, building=building, number=f"V-{1000 + i}", carrier=heat_kind,
                     description="Varmesentral", active=heat_kind != "oil")
        new_heat = Meter(tenant=tenant, building=building, number=f"FV-{2000 + i}", carrier="district_heating",
                         description="Fjernvarme fra 2020") if heat_kind == "oil" else None
        meters += [m for m in (el, heat, new_heat) if m]
        for month in months:
            year = month.year
            yearly = area * base * (1 - saving) ** (year - 2016)
            if building == townhall:
                yearly *= _townhall_factor(year, month.month)
            actual, normal = dd.get(month, (None, None)) or (None, None)
            if normal is None:
                normal = [560, 510, 480, 360, 220, 100, 50, 60, 170, 310, 430, 530][month.month - 1]
                actual = normal
            weather = actual / normal_year
            el_kwh = yearly * 0.55 * (0.5 / 12 + 0.5 * weather) * rng.uniform(0.96, 1.04)
            heat_kwh = yearly * 0.45 * (0.1 / 12 + 0.9 * weather) * rng.uniform(0.96, 1.04)
            heat_meter = new_heat if new_heat and year >= 2020 else heat
            readings.append(MeterReading(tenant=tenant, meter=el, month=month, kwh=Decimal(f"{el_kwh:.1f}")))
            readings.append(MeterReading(tenant=tenant, meter=heat_meter, month=month, kwh=Decimal(f"{heat_kwh:.1f}")))
            energy_per_year[(building.pk, year)] = energy_per_year.get((building.pk, year), 0) + el_kwh + heat_kwh
        if building == townhall:
            labels.append(EnergyLabel(tenant=tenant, building=building, grade="E", issued_on=dt.date(2015, 4, 20)))
            labels.append(EnergyLabel(tenant=tenant, building=building, grade="B", issued_on=dt.date(2023, 9, 1)))
        else:
            labels.append(EnergyLabel(tenant=tenant, building=building, grade=rng.choice("CDDEEF"),
                                      issued_on=dt.date(rng.randint(2016, 2022), rng.randint(1, 12), 15)))
        function = KOSTRA.get(building.use, "130")
        for year in range(2021, 2026):
            energy_cost = round(energy_per_year.get((building.pk, year), 0) * rng.uniform(1.0, 1.3), -3)
            cleaning = round(area * rng.uniform(110, 150), -3)
            amounts = {"management": round(area * rng.uniform(40, 60), -3),
                       "operation": energy_cost + cleaning + round(area * rng.uniform(120, 180), -3),
                       "cleaning": cleaning, "energy": energy_cost,
                       "maintenance": round(area * rng.uniform(60, 140), -3)}
            costs += [OperatingCost(tenant=tenant, building=building, year=year, kostra_function=function, kind=k,
                                    amount=Decimal(v)) for k, v in amounts.items()]
    Meter.objects.bulk_create(meters)
    MeterReading.objects.bulk_create(readings, batch_size=5000)
    EnergyLabel.objects.bulk_create(labels)
    OperatingCost.objects.bulk_create(costs, batch_size=5000)
    target = EnergyTarget.objects.create(tenant=tenant, base_year=2019, reduction_percent=Decimal(3))
    audit.record_many(actor=None, tenant=tenant, objs=meters + labels + [target],
                      action=lambda o: audit.code(o, "demo_create"))

from types import SimpleNamespace

from torg.accounts import demo as accounts_demo
from torg.estate import demo, queries
from torg.estate.models import ConditionSurvey, MaintenanceBudget, Measure
from torg.places import demo as places_demo
from torg.places.models import Building


def test_storvik_has_its_survey_round(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    ctx = SimpleNamespace(seed=2026)
    accounts_demo.load(ctx)
    places_demo.load(ctx)
    demo.load(ctx)
    scope = Building.objects.filter(tenant=ctx.main, use__in=["school", "kindergarten", "nursing_home"])
    assert scope.values("property").distinct().count() == 74
    assert 300_000 < sum(b.gross_area for b in scope) < 360_000
    surveyed = ConditionSurvey.objects.filter(tenant=ctx.main, is_current=True)
    assert surveyed.count() == 74  # 72 of the round (two wait as drafts) + the town hall and the library
    assert ConditionSurvey.objects.filter(status="draft").count() == 2
    assert ConditionSurvey.objects.filter(status="superseded").count() == 1
    townhall = queries.building_condition(tenant=ctx.main, building=ctx.townhall)
    assert townhall["current"].surveyed_on.year == 2024 and townhall["band"] <= 1
    assert [s.surveyed_on.year for s in townhall["history"]][-1] <= 2017
    portfolio = queries.portfolio(tenant=ctx.main)
    assert portfolio["tg3_parts"] > 0 and sum(portfolio["columns"][b]["count"] for b in range(4)) == 74
    assert not ConditionSurvey.objects.filter(tenant=ctx.second).exists()
    statuses = set(Measure.objects.filter(tenant=ctx.main).values_list("status", flat=True))
    assert statuses == {"proposed", "planned", "in_progress", "done", "rejected"}
    assert MaintenanceBudget.objects.filter(tenant=ctx.main).count() == 5
    plan = queries.five_year_plan(tenant=ctx.main)
    assert plan["total"] > 0 and all(b for b in plan["budgets"])
    # the town hall's measures of 2017 were done in its renovation (2023): its backlog drops to nothing
    townhall_backlog = {r["year"]: r["total"] for r in queries.backlog_over_time(tenant=ctx.main,
                                                                                   building=ctx.townhall)}
    assert townhall_backlog[2022] > 0 and townhall_backlog[2023] == 0
    # energy: ten years of monthly readings, the town hall's drop after its renovation, costs per building
    from torg.estate.models import MeterReading, OperatingCost

    assert MeterReading.objects.filter(tenant=ctx.main, month__year=2016).count() > 0
    assert MeterReading.objects.filter(tenant=ctx.main, month__year=2025).count() > 0
    energy = {r["year"]: r for r in queries.building_energy(tenant=ctx.main, building=ctx.townhall)["rows"]}
    assert energy[2024]["kwh_m2"] < energy[2021]["kwh_m2"] / 2
    assert all(energy[y]["corrected_kwh_m2"] is not None for y in range(2016, 2026))
    ranking = queries.energy_ranking(tenant=ctx.main, year=2025)
    assert len(ranking) == 76 and ranking[-1].energy_value <= ranking[0].energy_value
    assert ctx.townhall.pk in [b.pk for b in ranking[-10:]]
    progress = queries.energy_progress(tenant=ctx.main, year=2025)
    assert progress["buildings"] == 76 and progress["now"] < progress["base"]
    costs = queries.operating_costs(tenant=ctx.main, year=2025)
    assert len(costs["rows"]) == 76 and OperatingCost.objects.filter(tenant=ctx.main, year=2025).count() == 5 * 76
    assert costs["totals"]["total"] == costs["totals"]["management"] + costs["totals"]["operation"] + \
        costs["totals"]["maintenance"]

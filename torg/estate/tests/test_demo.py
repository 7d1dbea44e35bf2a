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

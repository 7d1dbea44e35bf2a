"""Participation's demo data: the volumes the issue asks for, consistent with the rules."""

from types import SimpleNamespace

import pytest
from django.db.models import Count

from torg.accounts import demo as accounts_demo
from torg.participation import demo, queries
from torg.participation.models import Input, Response
from torg.places import demo as places_demo

pytestmark = pytest.mark.django_db


def test_demo_processes_volumes_and_the_youth_gap(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path
    ctx = SimpleNamespace(seed=2026, stdout=None)
    for load in (accounts_demo.load, places_demo.load, demo.load):
        load(ctx)
    townhall, hours, strategy = (ctx.participation[k] for k in ("townhall", "opening_hours", "plan_strategy"))

    # ≈ 1 500 inputs to the town hall's early phase: survey responses, ideas, comments, pins, two workshops.
    kinds = dict(Input.objects.filter(process=townhall).values_list("kind").annotate(n=Count("id")))
    responses = Response.objects.filter(survey__process=townhall).count()
    assert kinds == {"idea": 250, "comment": 150, "pin": 200, "note": 200} and responses == 700
    assert townhall.status == "closed" and townhall.activities.filter(kind="workshop", status="held").count() == 2
    assert not Input.objects.filter(process=townhall, kind="pin", area__isnull=True).exists()
    _n, results = queries.survey_results(survey=townhall.surveys.get())
    assert sum(b["count"] for b in results[3]["bars"]) == results[3]["answered"] > 500  # the place question

    # Youth are on the stakeholder map with a large expected reach, but have said very little.
    youth = hours.target_groups.get(kind="children_youth")
    youth_inputs = Input.objects.filter(process=hours, target_group=youth).count()
    assert hours.status == "open" and youth.expected_reach == 300 and 0 < youth_inputs < 10
    assert youth_inputs / hours.inputs.count() < 0.05

    # Co-creation with elected officials: invite codes for the council and their seminar written down.
    assert strategy.identity == "invite" and strategy.invites.count() == 47
    assert Input.objects.filter(process=strategy, kind="note", target_group__kind="elected_officials").exists()

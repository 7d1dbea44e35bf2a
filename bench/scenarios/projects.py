"""Projects: the portfolio page and its filters, and the API list, over a portfolio of 2 000 projects
(--quick: 200) with 24 monthly status reports, 20 risks and 5 benefits each, and one decision per
decision point (those before the project's phase approved, with money released).

Rows are written with bulk_create (no services: the gate's rules are tested elsewhere; here only
the reads count). Every case is one HTTP request through the real view; the ratio compares it with
the raw SQL the view issued.
"""

import datetime as dt
import random
from urllib.parse import urlencode

from django.utils import timezone

from torg.accounts.models import Membership
from torg.projects.models import Benefit, Decision, Milestone, Phase, Project, ProjectModel, Risk, StatusReport

from ..core import Case, log

NAME = "projects"
VERSION = 2  # 2: milestones
SIZES = {False: 2_000, True: 200}
REPORTS, RISKS, BENEFITS, MILESTONES = 24, 20, 5, 8
LIGHTS = ["green", "green", "green", "yellow", "yellow", "red"]


def _count(ctx):
    return SIZES[ctx.quick]


def _months(today, n):
    month = today.replace(day=1)
    out = []
    for _i in range(n):
        month = (month - dt.timedelta(days=1)).replace(day=1)
        out.append(month)
    return out


def _generate(ctx, count):
    tenant, rng = ctx.tenant, random.Random(ctx.seed + 16)
    model = ProjectModel.objects.get(tenant=tenant, key="byggeprosjekt", is_current=True)
    phases = list(Phase.objects.filter(model=model).order_by("position"))
    gates = list(model.gates.select_related("phase").order_by("phase__position"))
    people = list(Membership.objects.filter(tenant=tenant, role__in=["admin", "property_manager", "employee"])
                  .values_list("user_id", flat=True)[:50])
    today = timezone.localdate()
    projects = Project.objects.bulk_create([
        Project(tenant=tenant, number=f"B-{i:06d}", name=f"Benkprosjekt {i} {rng.choice(['skole', 'sykehjem', 'hall'])}",
                model=model, phase=rng.choice(phases), status=rng.choice(["active"] * 8 + ["stopped", "closed"]),
                owner_id=rng.choice(people), manager_id=rng.choice(people), finance_number=f"INV-B{i}",
                cost_frame=rng.randrange(10, 500) * 1_000_000, starts_on=today - dt.timedelta(days=800))
        for i in range(count)], batch_size=1000)
    log(f"projects: {count} projects")
    decisions, reports, risks, benefits, milestones = [], [], [], [], []
    months = _months(today, REPORTS)
    for p in projects:
        for gate in gates:
            done = gate.phase.position < p.phase.position
            decisions.append(Decision(tenant=tenant, project=p, gate=gate, status="approved" if done else "draft",
                                      decided_on=today - dt.timedelta(days=100) if done else None,
                                      released_amount=rng.randrange(1, 50) * 1_000_000 if done else None))
        for month in months:
            due = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=5)
            light = rng.choice(LIGHTS)
            reports.append(StatusReport(tenant=tenant, project=p, period=month, overall=light, schedule=light,
                                        cost=light, scope="green", risk="yellow", benefits="green", due_on=due,
                                        submitted_on=due + dt.timedelta(days=rng.choice([-2, -1, 0, 3])),
                                        submitted_by_id=p.manager_id, spent=rng.randrange(1, 100) * 100_000,
                                        forecast=p.cost_frame))
        for r in range(RISKS):
            risks.append(Risk(tenant=tenant, project=p, title=f"Risiko {r}", probability=rng.randrange(1, 6),
                              consequence=rng.randrange(1, 6), review_on=today + dt.timedelta(days=rng.randrange(-90, 90))))
        for m in range(MILESTONES):
            due = today + dt.timedelta(days=90 * (m - 4))
            milestones.append(Milestone(tenant=tenant, project=p, title=f"Milepæl {m}", due_on=due,
                                        reached_on=due if due < today and rng.random() < 0.8 else None))
        for b in range(BENEFITS):
            benefits.append(Benefit(tenant=tenant, project=p, title=f"Gevinst {b}", indicator="indikator",
                                    baseline=100, target=rng.choice([50, 150]), owner_id=p.owner_id))
    for model_class, rows in ((Decision, decisions), (StatusReport, reports), (Risk, risks), (Benefit, benefits),
                              (Milestone, milestones)):
        model_class.objects.bulk_create(rows, batch_size=2000)
        log(f"projects: {len(rows)} {model_class._meta.verbose_name_plural}")


def setup(ctx):
    count = _count(ctx)
    ctx.once(f"projects:v{VERSION}:{count}", lambda: _generate(ctx, count))
    ctx.sizes["projects"] = Project.objects.filter(tenant=ctx.tenant).count()


def _contains(*texts):
    def check(response):
        body = response.content.decode()
        for text in texts:
            assert text in body, f"{text!r} not in the page"
    return check


def cases(ctx):
    n = ctx.sizes["projects"]
    return [
        Case("projects: portfolio", "/projects/", _contains("ds-table", "/projects/"), note=f"{n} projects"),
        Case("projects: portfolio page 20", "/projects/?page=20", _contains("ds-table")),
        Case("projects: portfolio filtered by status and phase",
             "/projects/?" + urlencode({"status": "active", "phase": "Bygging"}), _contains("ds-table")),
        Case("projects: portfolio search", "/projects/?" + urlencode({"search": "sykehjem"}), _contains("sykehjem")),
        Case("projects: API list", "/api/v1/projects/projects?limit=50", _contains('"count"')),
        Case("projects: timeline", "/projects/timeline/", _contains("<svg", "ds-table")),
        Case("projects: timeline filtered by status", "/projects/timeline/?status=active&page=10", _contains("<svg")),
    ]

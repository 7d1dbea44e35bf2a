"""Demo data: Storvik's project portfolio (~40 projects in every phase and status), built through the
services so that every decision obeys the gate: the town-hall renovation (closed), the new Flytårnet
school (BP1 taken, BP2 waiting for a participation summary), the innbyggertorg programme with
sub-projects, an energy project stopped at a null point, and a spread of others."""

import datetime as dt
import random
from decimal import Decimal

from torg.accounts.models import Membership

from torg.core import audit

from . import queries, services
from .models import Actual, Decision, DecisionItem, Milestone, Project, ProjectModel, Risk, StatusReport

NAMES = [
    "Ny barnehage på Vestbyen", "Utvidelse av Storvik ungdomsskole", "Rehabilitering av Sentrum sykehjem",
    "Nytt svømmeanlegg", "Oppgradering av brannstasjonen", "Solceller på kommunale tak",
    "Universell utforming av kulturhuset", "Ny flerbrukshall på Nordbyen", "Omsorgsboliger i Elvegata",
    "Ventilasjon i barneskolene", "Ny gravlund", "Digital byggesaksbehandling", "Felles kontaktsenter",
    "Ny sak-/arkivløsning", "Velferdsteknologi i hjemmetjenesten", "Digitalt skjemaverk", "Elektroniske låser",
    "Ny lønnsløsning", "Prosjektportal og porteføljestyring", "Åpne data", "Ny skolehelsetjeneste-journal",
    "Bibliotek som møteplass", "Ladepunkter for kommunale biler", "Energiovervåking (EOS)",
    "Oppgradering av vannverket", "Sentrumsplan-prosjektet", "Ny ungdomsklubb", "Trafikksikker skolevei",
    "Tilstandsanalyse av bygningsmassen", "Vedlikeholdsplan skolebygg", "Kjøkken i sykehjemmene",
    "Nytt kommunestyresalen-utstyr", "Idrettspark Sør",
]


def _decide(decision, *, owner, manager, on, amount=None, status="approved", reason=""):
    for item in decision.items.select_related("gate_item"):
        if item.state != DecisionItem.State.OPEN:
            continue
        if item.gate_item.document_kind:
            services.document_save(actor=manager, project=decision.project, kind=item.gate_item.document_kind,
                                   sections={"background": decision.project.description or decision.project.name,
                                             "effect_goals": "Bedre tjenester for innbyggerne.",
                                             "result_goals": "Leveranse innen rammen.",
                                             "budget": "Innenfor kostnadsrammen (P85)."})
        else:
            services.decision_item_meet(actor=manager, item=item, evidence="Dokumentert i saken.")
    services.decision_transition(actor=manager, decision=decision, status="submitted")
    if status == "submitted":
        return
    services.decision_transition(actor=owner, decision=decision, status=status, reason=reason, decided_on=on,
                                 released_amount=amount if status == "approved" else None,
                                 minutes_url="https://storvik.example.no/politikk/moter")


def _through(project, n, *, owner, manager, start, step_days=150, money=(2_000_000, 10_000_000)):
    """Take the project's first `n` decisions (approved), one every `step_days` days from `start`."""
    rng = random.Random(project.pk)
    for i, decision in enumerate(project.decisions.order_by("gate__phase__position")[:n]):
        _decide(decision, owner=owner, manager=manager, on=start + dt.timedelta(days=i * step_days),
                amount=rng.randrange(*money, 500_000))


def load(ctx):
    tenant = ctx.main
    users = ctx.users
    admin, manager, employee = users["admin"], users["eiendom"], users["ansatt"]
    others = [m.user for m in Membership.objects.filter(tenant=tenant, role="employee", is_active=True)
              .select_related("user").exclude(user=employee)]
    building = ProjectModel.objects.get(tenant=tenant, key="byggeprosjekt", is_current=True)
    pvv = ProjectModel.objects.get(tenant=tenant, key="prosjektveiviseren", is_current=True)
    today = dt.date.today()
    years_ago = today - dt.timedelta(days=4 * 365)

    def create(name, model, **fields):
        fields.setdefault("owner", admin)
        fields.setdefault("manager", manager)
        return services.project_create(actor=admin, tenant=tenant, name=name, model=model, **fields)

    townhall = create("Rehabilitering av rådhuset", building, buildings=[ctx.townhall], steering_group=[employee],
                      description="Rådhuset rehabiliteres til 37 700 m² med innbyggertorg; 43 tjenester flytter fra "
                                  "7 adresser til ett bygg, og ~80 % av møblene er ombrukt.",
                      cost_frame=1_450_000_000, steering_frame=1_300_000_000, finance_number="INV-1001",
                      starts_on=years_ago, ends_on=today - dt.timedelta(days=400))
    _through(townhall, 4, owner=admin, manager=manager, start=years_ago + dt.timedelta(days=90), step_days=320,
             money=(50_000_000, 400_000_000))

    school = create("Nye Flytårnet skole", building, steering_group=[employee],
                    description="Formålsbygg på Flytårnet-området: skole for 600 elever, tenkt på tvers av "
                                "tjenestene (testarena for StimuLab).",
                    cost_frame=520_000_000, steering_frame=470_000_000, finance_number="INV-1002",
                    starts_on=today - dt.timedelta(days=420), ends_on=today + dt.timedelta(days=5 * 365))
    _through(school, 1, owner=admin, manager=manager, start=today - dt.timedelta(days=300), money=(3_000_000, 3_500_000))
    bp2 = school.decisions.get(gate__code="BP2")
    for item in bp2.items.select_related("gate_item"):
        if "edvirkning" not in item.gate_item.text and "articipation" not in item.gate_item.text:
            if item.gate_item.document_kind:
                services.document_save(actor=manager, project=school, kind=item.gate_item.document_kind,
                                       sections={"background": "Konseptet er beskrevet.",
                                                 "schedule": "BP2 i kommunestyret i vår."})
            else:
                services.decision_item_meet(actor=manager, item=item, evidence="Konseptrapport vedlagt.")
    services.decision_transition(actor=manager, decision=bp2, status="submitted")

    programme = create("Innbyggertorg-programmet", pvv, is_programme=True, steering_group=[employee],
                       description="Innbyggertorg i kommunens bydeler: lokaler, lokale samskapingsprosesser og "
                                   "digitale løsninger for kommunikasjon, booking og meråpent.",
                       finance_number="PRG-300", starts_on=today - dt.timedelta(days=700))
    _through(programme, 3, owner=admin, manager=manager, start=today - dt.timedelta(days=650))
    subs = [("Lokaler for innbyggertorg", 3), ("Lokale samskapingsprosesser", 2),
            ("Digitale løsninger: kommunikasjon, booking og meråpent", 3), ("Politisk delprosjekt", 1),
            ("Koordinering og gevinstrealisering", 2)]
    for name, n in subs:
        sub = create(name, pvv, programme=programme, manager=employee, starts_on=today - dt.timedelta(days=600))
        _through(sub, n, owner=admin, manager=employee, start=today - dt.timedelta(days=560), step_days=120)

    energy = create("Energisparing i Storvikhallen (EPC)", building, finance_number="INV-1003",
                    description="Energisparekontrakt med garantert besparelse.", cost_frame=18_000_000,
                    starts_on=today - dt.timedelta(days=500))
    _decide(energy.decisions.get(gate__code="BP1"), owner=admin, manager=manager,
            on=today - dt.timedelta(days=380), status="stopped",
            reason="Nullpunkt: besparelsen dekkes av ny driftsavtale; ikke et byggeprosjekt.")

    rng = random.Random(ctx.seed + 16)
    for i, name in enumerate(NAMES):
        model = building if i % 3 != 2 else pvv
        start = today - dt.timedelta(days=rng.randrange(200, 1500))
        cost = rng.randrange(5, 400) * 1_000_000 if model == building else None
        project = create(name, model, manager=rng.choice(others or [manager]), starts_on=start,
                         ends_on=start + dt.timedelta(days=rng.randrange(700, 2200)), finance_number=f"INV-{2000 + i}",
                         cost_frame=cost, steering_frame=cost and cost * 9 // 10)
        gates = project.decisions.count()
        taken = rng.randrange(0, gates + 1)
        _through(project, taken, owner=admin, manager=project.manager, start=start + dt.timedelta(days=30),
                 step_days=max(20, (today - start).days // (gates + 1)))
        if taken < gates and i % 7 == 3:
            nxt = project.decisions.filter(status=Decision.Status.DRAFT).order_by("gate__phase__position").first()
            _decide(nxt, owner=admin, manager=project.manager, on=today - dt.timedelta(days=10),
                    status="redirected" if i % 2 else "stopped", reason="Andre tiltak dekker behovet.")
        elif taken < gates and i % 5 == 1:
            nxt = project.decisions.filter(status=Decision.Status.DRAFT).order_by("gate__phase__position").first()
            _decide(nxt, owner=admin, manager=project.manager, on=today, status="submitted")
    subs = list(programme.sub_projects.order_by("number"))
    for dependent, needed, what in [(subs[2], subs[0], "Rom og dører som kan bookes og låses opp"),
                                    (subs[1], subs[0], "Møteplasser i lokalene"),
                                    (subs[4], subs[2], "Bruksdata fra bookingen"),
                                    (subs[4], subs[1], "Erfaringer fra samskapingen")]:
        services.dependency_add(actor=admin, project=dependent, depends_on=needed, description=what)
    _follow_up(tenant, rng, today, admin, employee, townhall, school, programme)
    ctx.projects = {"townhall": townhall, "school": school, "programme": programme, "energy": energy}


RISKS = [("Byggekostnadene stiger mer enn antatt", "Fastpris og opsjoner i kontrakten"),
         ("Forsinket byggetillatelse", "Tidlig dialog med plan og bygg"),
         ("Brukerne involveres for sent", "Medvirkningsplan fra tidligfasen"),
         ("Nøkkelpersoner slutter", "Dokumentasjon og stedfortredere"),
         ("Leverandøren leverer ikke", "Kontraktsoppfølging og dagbøter"),
         ("Gevinstene realiseres ikke", "Gevinsteiere i linjen med måleplan")]


MILESTONES = ["Mandat godkjent", "Behovsanalyse ferdig", "Konseptvalg", "Anbud kunngjort", "Kontrakt signert",
              "Halvveis", "Testing ferdig", "Overtakelse"]


def _milestones(tenant, rng, today, project):
    """Milestones spread over the project's period: those passed mostly reached (some overdue)."""
    start = project.starts_on or today
    end = project.ends_on or (start + dt.timedelta(days=900))
    step = max((end - start).days // (len(MILESTONES) + 1), 14)
    rows = []
    for i, title in enumerate(MILESTONES[:rng.randrange(3, len(MILESTONES) + 1)], start=1):
        due = start + dt.timedelta(days=i * step)
        reached = None
        if due <= today and (project.status != Project.Status.ACTIVE or rng.random() < 0.8):
            reached = min(today, due + dt.timedelta(days=rng.randrange(-10, 30)))
        rows.append(Milestone(tenant=tenant, project=project, title=title, due_on=due, reached_on=reached))
    return rows


def _actuals(tenant, rng, today, projects):
    """Actual costs by month as the finance system's import would give them, for the long-running projects."""
    rows = []
    for project in projects:
        end = min(project.ends_on or today, today).replace(day=1)
        month = max(project.starts_on or today, today - dt.timedelta(days=730)).replace(day=1)
        scale = float(project.cost_frame or 20_000_000) / 60
        while month < end:
            rows.append(Actual(tenant=tenant, project=project, period=month,
                               amount=round(Decimal(scale * rng.uniform(0.4, 1.6)), 2)))
            month = (month + dt.timedelta(days=32)).replace(day=1)
    return rows


def _follow_up(tenant, rng, today, admin, employee, townhall, school, programme):
    """Status reports (24 months for the long-running projects, some late, some missing), risks with
    stale reviews, and benefits — the town hall's measured after it closed."""
    reports, risks, milestones = [], [], []
    for project in Project.objects.filter(tenant=tenant).order_by("number"):
        first = max(project.starts_on or today, today - dt.timedelta(days=730)).replace(day=1)
        last = (project.ends_on or today) if project.status == Project.Status.CLOSED else today
        expected = queries.expected_period(today)
        skip_last = project.pk % 6 == 0  # its latest report is missing: flagged in the portfolio
        month = first
        while month <= expected and month < last.replace(day=1) and not (skip_last and month == expected):
            due = services.report_due_on(month)
            light = rng.choices(["green", "yellow", "red"], weights=[6, 3, 1])[0]
            submitted = min(today, due + dt.timedelta(days=rng.choice([-3, -2, -1, 0, 0, 2, 9])))
            reports.append(StatusReport(
                tenant=tenant, project=project, period=month, overall=light, schedule=light,
                cost=rng.choice(["green", "yellow", light]), scope="green", risk=rng.choice(["green", "yellow"]),
                benefits="green", comment="Framdrift etter plan." if light == "green" else "Avvik følges opp.",
                due_on=due, submitted_on=submitted, submitted_by=project.manager, forecast=project.cost_frame))
            month = (month + dt.timedelta(days=32)).replace(day=1)
        for title, measures in rng.sample(RISKS, 3 if project not in (townhall, school) else 6):
            p, c = rng.randrange(1, 6), rng.randrange(1, 6)
            risks.append(Risk(tenant=tenant, project=project, title=title, probability=p, consequence=c,
                              owner=project.manager, measures=measures, residual_probability=max(1, p - 1),
                              residual_consequence=c, review_on=today + dt.timedelta(days=rng.randrange(-60, 120)),
                              closed=project.status != Project.Status.ACTIVE))
        milestones.extend(_milestones(tenant, rng, today, project))
    StatusReport.objects.bulk_create(reports, batch_size=500)
    Risk.objects.bulk_create(risks, batch_size=500)
    Milestone.objects.bulk_create(milestones, batch_size=500)
    actuals = _actuals(tenant, rng, today, [townhall, school, programme])
    Actual.objects.bulk_create(actuals)
    for rows in (actuals, milestones, reports, risks):
        audit.record_many(actor=None, tenant=tenant, objs=rows, action=lambda o: audit.code(o, "demo_create"))
    closed_on = townhall.ends_on
    for title, indicator, unit, baseline, target, values in [
            ("Arealeffektive kontorer", "m² per ansatt", "m²", 32, 20, [24, 22, 21, 20]),
            ("Ombrukte møbler", "andel av møblene som er ombrukt", "%", 0, 80, [78, 80, 81, 81]),
            ("Lavere energibruk", "kWh per m² per år", "kWh/m²", 210, 120, [150, 138, 131, 126])]:
        benefit = services.benefit_create(actor=admin, project=townhall, title=title, indicator=indicator, unit=unit,
                                          baseline=baseline, target=target, owner=employee,
                                          next_measurement_on=today + dt.timedelta(days=60))
        for i, value in enumerate(values):
            measured = closed_on + dt.timedelta(days=45 + 90 * i)
            if measured <= today:
                services.measurement_record(actor=employee, benefit=benefit, measured_on=measured, value=value)
    services.benefit_create(actor=admin, project=school, title="Plass til alle elevene", indicator="elevplasser",
                            baseline=420, target=600, owner=employee, target_on=today + dt.timedelta(days=5 * 365))
    services.benefit_create(actor=admin, project=programme, title="Flere saker løst ved første kontakt",
                            indicator="andel henvendelser løst i innbyggertorget", unit="%", baseline=55, target=80,
                            owner=employee, next_measurement_on=today + dt.timedelta(days=90))

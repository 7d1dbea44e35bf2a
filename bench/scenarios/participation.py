"""Participation, analysis and feedback: one process with 100 000 inputs (--quick: 10 000).

Data: a process "Benchvik rådhus – tidligfase" with 8 target groups, 20 themes, 100 000 ideas over
the two channels, six age bands and 40 postal codes (a tenth without background answers, 2 % hidden),
each idea coded into one or two themes (~90 %, the rest not coded yet), every theme answered and
linked to one of three decisions, and the feedback published. Written with bulk_create through the
models (so new columns with defaults are filled), cached with ctx.once.

Cases: the staff analysis page (counts per theme × target group × channel and the suggested themes),
the representation page, the public "you said — we did" page (anonymous), and the analysis and
public feedback API reads. The ratio compares each with the raw SQL it issued (the GROUP BY queries).
"""

import datetime as dt
import random

from django.test import Client
from django.utils import timezone

from torg.participation import analysis_services, services
from torg.participation.models import Input, Process, Theme

from ..core import Case, log

NAME = "participation"
VERSION = 1
TITLE = "Benchvik rådhus – tidligfase"
WORDS = ["skolegården", "trær", "benker", "lys", "belysning", "parkering", "sykkelparkering", "trafikk", "buss",
         "innbyggertorget", "åpningstid", "kveldene", "ungdom", "møterom", "kantina", "garderobe", "universell",
         "utforming", "heis", "rampe", "støy", "ventilasjon", "dagslys", "kontorplasser", "stillerom", "lekeplass",
         "bibliotek", "kafé", "toaletter", "skilting", "inngangen", "resepsjonen", "grøntareal", "takterrasse"]
THEMES = ["Grøntareal", "Trafikk", "Parkering", "Universell utforming", "Åpningstider", "Ungdom", "Inneklima",
          "Møterom", "Kantine", "Bibliotek", "Lekeplass", "Skilting", "Inngang", "Støy", "Dagslys", "Arbeidsplasser",
          "Toaletter", "Kollektivtransport", "Sykkel", "Kafé"]
GROUPS = ["employees", "union_representatives", "users_relatives", "neighbours", "associations", "future_users",
          "children_youth", "elected_officials"]


def _size(ctx):
    return 10_000 if ctx.quick else 100_000


def setup(ctx):
    size = _size(ctx)
    ctx.once(f"part:v{VERSION}:{size}", lambda: _generate(ctx, size))
    process = Process.objects.get(tenant=ctx.tenant, title=TITLE)
    ctx.data["participation"] = {"pk": process.pk, "code": process.code, "size": size}
    ctx.clients["anonymous"] = Client()


def _generate(ctx, size):
    admin = ctx.users["admin"]
    rng = random.Random(ctx.seed + 15)
    process = services.process_create(actor=admin, tenant=ctx.tenant, title=TITLE,
                                      purpose="Hva trenger de som bruker rådhuset?")
    services.process_set_status(actor=admin, process=process, status="open")
    groups = [services.target_group_create(actor=admin, process=process, kind=k, expected_reach=rng.randint(500, 20000))
              for k in GROUPS]
    now = timezone.now()
    ages = [c for c, _l in Input.AgeBand.choices]
    postal = [f"{9000 + i * 7:04d}" for i in range(40)]
    rows = []
    for i in range(size):
        background = rng.random() > 0.1
        text = " ".join(rng.choice(WORDS) for _w in range(rng.randint(8, 30)))
        rows.append(Input(
            tenant=ctx.tenant, process=process, kind=Input.Kind.IDEA, title=f"Innspill {i}: {rng.choice(WORDS)}",
            body=text, status=Input.Status.HIDDEN if rng.random() < 0.02 else Input.Status.PUBLISHED,
            channel=Input.Channel.MEETING if rng.random() < 0.25 else Input.Channel.DIGITAL,
            participant=f"b:{rng.randint(1, size * 7 // 10)}", target_group=rng.choice(groups) if background else None,
            age_band=rng.choice(ages) if background else "", postal_code=rng.choice(postal) if background else ""))
    Input.objects.bulk_create(rows, batch_size=2000)
    Input.objects.filter(process=process).update(created_at=now - dt.timedelta(days=30))
    log(f"    {size} inputs")
    themes = [analysis_services.theme_create(actor=admin, process=process, name=n,
                                             description=f"Det vi hørte om {n.lower()}.") for n in THEMES]
    ids = list(Input.objects.filter(process=process).values_list("pk", flat=True))
    through = Theme.inputs.through
    links = []
    for pk in ids:
        if rng.random() < 0.1:
            continue  # not coded yet
        for theme in rng.sample(themes, rng.choice([1, 1, 2])):
            links.append(through(theme_id=theme.pk, input_id=pk))
    through.objects.bulk_create(links, batch_size=5000)
    log(f"    {len(links)} codings")
    decisions = [analysis_services.decision_create(actor=admin, process=process, title=f"Vedtak {n}",
                                                   decided_on=dt.date(2027, 3 + n, 10), body="Kommunestyret",
                                                   case_number=f"2027/{100 + n}") for n in range(3)]
    outcomes = ["taken", "partly", "not_taken", "out_of_scope"]
    for n, theme in enumerate(themes):
        analysis_services.response_set(actor=admin, theme=theme, outcome=outcomes[n % 4], text="Slik gjorde vi det.",
                                       decision=decisions[n % 3])
    services.process_set_status(actor=admin, process=process, status="closed")
    services.process_set_status(actor=admin, process=process, status="feedback_given")


def _contains(*texts):
    def check(response):
        assert response.status_code == 200, response.status_code
        body = response.content.decode()
        for text in texts:
            assert text in body, text
    return check


def cases(ctx):
    d = ctx.data["participation"]
    pk, code = d["pk"], d["code"]
    return [
        Case("participation: analysis page", f"/participation/{pk}/analysis/", check=_contains("Grøntareal")),
        Case("participation: representation page", f"/participation/{pk}/representation/",
             check=_contains("Barn og unge")),
        Case("participation: you said — we did (public)", f"/participation/p/{code}/feedback/",
             check=_contains("Vedtak 0", "Grøntareal"), client="anonymous"),
        Case("api: participation analysis counts", f"/api/v1/participation/processes/{pk}/analysis",
             check=_contains('"themes"')),
        Case("api: participation public feedback", f"/api/v1/participation/public/processes/{code}/feedback",
             check=_contains('"decisions"'), client="anonymous"),
    ]

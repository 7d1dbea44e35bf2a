"""Demo data of analysis and feedback, on top of the participation demo's processes and inputs
(`torg.participation.demo`, which loads them first): the town-hall renovation's input coded into
themes, every theme answered and traced to the "BP2: concept approved" decision of the municipal
council, and the feedback published; the innbyggertorg opening-hours process stays open, so its
representation page shows that youth are under-represented.

Works on whatever inputs exist: coding goes by words in the text through the services (so the
history is real), and a process that is missing is left alone.
"""

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from . import analysis_services, services
from .models import Input, Process, TargetGroup

TOWNHALL = "Nye Storvik rådhus"
OPENING_HOURS = "Åpningstider og meråpent"

# theme: (what we heard, words that put an input in it, outcome, what we did and why)
THEMES = [
    ("Stillerom og støy", "Mange ansatte ber om rom for konsentrasjon og samtaler uten å forstyrre andre.",
     ["stille", "støy", "telefonboks", "lydisol", "telefonsamtal"], "taken",
     "Konseptet har ett stillerom og fire telefonbokser per etasje, og lydabsorbenter i landskapet."),
    ("Møterom", "Små møterom for to–fire personer mangler, og teamsonene bør ligge nær dem.",
     ["møterom", "teamson"], "taken", "Antall små møterom er doblet i konseptet; teamsonene ligger ved møterommene."),
    ("Dagslys og belysning", "Arbeidsplassene ved kjernen er mørke, og uteområdet er for mørkt om kvelden.",
     ["dagslys", "mørkt", "lyses"], "partly",
     "Arbeidsplassene flyttes ut mot fasadene. Ny utebelysning tas i neste fase, innenfor budsjettet."),
    ("Innbyggertorget og kafeen", "Torget og kafeen bør være åpne for alle og et møtested for nabolaget.",
     ["kafe", "kantin", "møtested", "møtepunkt", "utstilling", "toalett"], "taken",
     "Kafeen legges ut mot torget og holdes åpen for alle; toalettene på torget er offentlige."),
    ("Sykkel og parkering", "Ønske om trygg sykkelparkering; naboene er bekymret for parkeringen i gata.",
     ["sykkel", "parkering"], "partly",
     "Innendørs sykkelparkering med lading kommer i kjelleren. Flere bilplasser blir det ikke: tomten er regulert."),
    ("Universell utforming", "Trinnfri inngang, lettere dører, teleslynge og skranke i rullestolhøyde.",
     ["universell", "trinnfri", "rullestol", "teleslynge", "døra", "skranken"], "taken",
     "Alle kravene er med i konseptet og blir kontrollert av rådet for personer med funksjonsnedsettelse."),
    ("Gjenbruk og grønt", "Bruk de gamle møblene, plant grønt på torget og bevar trærne i gata.",
     ["gjenbruk", "co2", "planter", "grønne", "trærne"], "partly",
     "Møblene kartlegges for gjenbruk (ombruksmodulen). Trærne i Rådhusgata bevares; grønne vegger vurderes."),
    ("Skilting og veifinning", "Innbyggere finner ikke fram til servicetorget i dag.",
     ["skilting", "finne fram", "finner ikke fram"], "taken", "Ny skilting og en informasjonsskranke ved inngangen."),
    ("Garderober og skap", "Fri plassering krever låsbare skap nær arbeidsplassene, garderobe og dusj.",
     ["garderobe", "skap"], "not_taken",
     "Skap ved hver arbeidsplass får ikke plass; det blir skap samlet i hver etasje, og dusjene ved sykkelparkeringen."),
    ("Barn og familier", "Foreldre med små barn trenger et sted barna kan vente.",
     ["barn", "lekehjørne"], "taken", "Ventesonen på servicetorget får en lekekrok."),
    ("Arbeidsformen", "Aktivitetsbasert arbeid krever rutiner, ergonomisk utstyr og steder å spise lunsj.",
     ["aktivitetsbasert", "ergonomisk", "lunsj", "rydding"], "out_of_scope",
     "Arbeidsformen og rutinene avtales med tillitsvalgte i eget løp, ikke i byggeprosjektet."),
]


def _process(ctx, key, title):
    found = getattr(ctx, "participation", {}).get(key) if isinstance(getattr(ctx, "participation", None), dict) else None
    return found or Process.objects.filter(tenant=ctx.main, title__startswith=title).order_by("id").first()


def _townhall_feedback(admin, process, now):
    process.refresh_from_db()
    if process.feedback_published_at:
        return
    counted = Input.objects.filter(process=process).exclude(status=Input.Status.HIDDEN)
    decision = analysis_services.decision_create(
        actor=admin, process=process, title="BP2: konseptet for nye Storvik rådhus godkjent",
        decided_on=(now - dt.timedelta(days=20)).date(), body="Kommunestyret", case_number="2026/1487",
        document_url="https://innsyn.storvik.kommune.no/sak/2026-1487",
        summary=("Kommunestyret godkjente konseptet med aktivitetsbaserte arbeidsplasser, et åpent innbyggertorg og "
                 "innendørs sykkelparkering, og ba om at innspillene fra medvirkningen følges opp i forprosjektet."))
    for name, heard, words, outcome, did in THEMES:
        theme = analysis_services.theme_create(actor=admin, process=process, name=name, description=heard)
        match = Q()
        for w in words:
            match |= Q(body__icontains=w) | Q(title__icontains=w)
        ids = list(counted.filter(match).values_list("pk", flat=True))
        if ids:
            analysis_services.theme_code(actor=admin, theme=theme, inputs=ids)
        analysis_services.response_set(actor=admin, theme=theme, outcome=outcome, text=did, decision=decision)
    single = counted.filter(kind=Input.Kind.IDEA, status=Input.Status.PUBLISHED, title__icontains="gjenbruk").first()
    if single:
        analysis_services.response_set(actor=admin, input=single, outcome="taken", decision=decision,
                                       text="Møblene i dagens rådhus er registrert i ombruksmodulen før flyttingen.")
    if process.status == Process.Status.OPEN:
        process = services.process_set_status(actor=admin, process=process, status="closed")
    if process.status == Process.Status.CLOSED:
        services.process_set_status(actor=admin, process=process, status="feedback_given")


def _youth_on_the_map(admin, process):
    """The opening-hours process must have youth on its stakeholder map, so the gap shows."""
    if not TargetGroup.objects.filter(process=process, kind=TargetGroup.Kind.CHILDREN_YOUTH).exists():
        services.target_group_create(actor=admin, process=process, kind=TargetGroup.Kind.CHILDREN_YOUTH,
                                     how_reached="Ungdomsrådet, skolene og ungdomsklubben", expected_reach=300)


def load(ctx):
    admin = ctx.users["admin"]
    now = timezone.now()
    townhall = _process(ctx, "townhall", TOWNHALL)
    if townhall is not None:
        _townhall_feedback(admin, townhall, now)
    opening = _process(ctx, "opening_hours", OPENING_HOURS)
    if opening is not None:
        _youth_on_the_map(admin, opening)

"""Demo data for participation (Storvik), deterministic for a seed:

1. The town-hall renovation's early phase — employees, users and neighbours: ≈ 1 500 inputs across a
   survey (700 responses, a place question on the ground-floor plan), ideas with comments and support,
   comments pinned on the plan, and two workshops recorded by staff. Closed for input (themes,
   responses and the BP2 decision are added by the analysis part on top).
2. The innbyggertorg's opening hours and meråpent — open now; youth are on the stakeholder map with a
   large expected reach but have given only a handful of inputs (visibly under-represented).
3. The plan strategy 2028–2031 — co-creation with the elected officials, by invite codes.

Processes, plans and activities go through the services (so the history is real); the many inputs,
supports and answers are written with bulk_create, so `make demo` stays fast.
"""

import datetime as dt
import io
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from torg.places.models import Room

from . import intake, plans, services
from .models import Answer, Input, Process, Question, Response, Support

TOWNHALL_AREAS = [  # name, x, y, w, h on the ground-floor plan (relative)
    ("Hovedinngangen", 0.40, 0.82, 0.20, 0.18), ("Innbyggertorget", 0.25, 0.35, 0.50, 0.45),
    ("Kafé og kjøkken", 0.00, 0.00, 0.25, 0.35), ("Storsalen", 0.25, 0.00, 0.50, 0.35),
    ("Møterom Fjorden og Havna", 0.75, 0.00, 0.25, 0.35), ("Ungdomsrommet", 0.00, 0.35, 0.25, 0.45),
    ("Servicetorget (skranke)", 0.75, 0.35, 0.25, 0.45), ("Sykkelparkering", 0.00, 0.80, 0.25, 0.20),
]
IDEAS = [
    ("Stille soner i landskapet", "Vi trenger rom for konsentrasjonsarbeid uten støy fra telefoner."),
    ("Flere små møterom", "Det er lett å få tak i store rom, men nesten umulig å finne et rom for to."),
    ("Dagslys til alle plasser", "Arbeidsplassene ved kjernen får lite dagslys i dag."),
    ("Kantina åpen for innbyggerne", "La kafeen på torget være åpen for alle, også etter klokka 16."),
    ("Trygg sykkelparkering", "Innendørs sykkelparkering med lading og garderobe med dusj."),
    ("Universell utforming av inngangen", "Trinnfri inngang og automatiske dører på begge sider."),
    ("Gjenbruk møblene", "Bruk de gamle møblene der det går: det sparer penger og CO2."),
    ("Tydelig skilting", "Innbyggere finner ikke fram til servicetorget i dag."),
    ("Grønne vegger", "Planter på torget gir bedre luft og lavere støy."),
    ("Barnekrok ved servicetorget", "Foreldre med små barn trenger et sted barna kan vente."),
    ("Lydisolerte telefonbokser", "Flere telefonbokser i hver etasje."),
    ("Garderobe og skap", "Med fri plassering trenger vi låsbare skap nær arbeidsplassene."),
]
COMMENTS = ["Helt enig!", "Dette er viktig for oss som jobber på servicetorget.", "Husk støy fra ventilasjonen.",
            "Kan vi prøve det ut i en etasje først?", "Bra forslag, men hva koster det?", "Enig, særlig om vinteren."]
PINS = ["For trekkfullt her om vinteren.", "Her trengs det flere sitteplasser.", "Vanskelig å finne fram hit.",
        "Bra sted for en utstilling.", "Her bør det være stikkontakter for lading.", "For mørkt om kvelden.",
        "Denne døra er tung for rullestolbrukere.", "Fint sted for et møtepunkt for lag og foreninger."]
WORKSHOP_NOTES = {
    "employees": ["Vi trenger stillerom i hver etasje.", "Aktivitetsbasert arbeid krever gode rutiner for rydding.",
                  "Teamsoner må ligge nær møterommene.", "Ergonomisk utstyr må følge med fra gamle kontorer.",
                  "Lunsj må kunne spises andre steder enn i kantina.", "Tydelige regler for telefonsamtaler."],
    "neighbours": ["Parkeringen i gata er allerede full.", "Torget kan bli et møtested for nabolaget.",
                   "Bygget bør lyses opp om kvelden, men ikke blende.", "Bevar trærne langs Rådhusgata.",
                   "Innbyggertorget bør ha toalett åpent for alle."],
    "users_relatives": ["Servicetorget må ha skjermede samtalerom.", "Teleslynge i alle møterom.",
                        "Skranken må være i rullestolhøyde.", "Ventesonen trenger lekehjørne."],
}
AGE_BANDS = ["20-34", "35-49", "50-66", "67+", "35-49", "50-66"]
POSTAL = ["9008", "9010", "9012", "9015", "9019", "9020", "9024"]


def _plan_image(areas, size=(1200, 800)):
    """A simple drawn ground-floor plan (named areas as rooms), as a PNG upload."""
    img = Image.new("RGB", size, (250, 250, 246))
    draw = ImageDraw.Draw(img)
    w, h = size
    for name, x, y, aw, ah in areas:
        box = (int(x * w) + 4, int(y * h) + 4, int((x + aw) * w) - 4, int((y + ah) * h) - 4)
        draw.rectangle(box, outline=(40, 40, 40), width=4, fill=(232, 238, 244))
        draw.text((box[0] + 12, box[1] + 12), name, fill=(20, 20, 20))
    out = io.BytesIO()
    img.save(out, "PNG")
    return SimpleUploadedFile("plan.png", out.getvalue(), content_type="image/png")


def _groups(admin, process, spec):
    return {kind: services.target_group_create(actor=admin, process=process, kind=kind, how_reached=how,
                                               expected_reach=reach) for kind, how, reach in spec}


def _participant(rng):
    return f"b:demo{rng.getrandbits(48):012x}"


def _bulk_inputs(process, rows):
    return Input.objects.bulk_create([Input(tenant=process.tenant, process=process, **row) for row in rows],
                                     batch_size=500)


def _survey_answers(survey, questions, rng, count, answer):
    responses = Response.objects.bulk_create([Response(tenant=survey.tenant, survey=survey, participant=_participant(rng))
                                              for _i in range(count)], batch_size=500)
    answers = []
    for response in responses:
        for q in questions:
            value = answer(q)
            if value is not None:
                answers.append(Answer(tenant=survey.tenant, response=response, question=q, value=value))
    Answer.objects.bulk_create(answers, batch_size=1000)


def _townhall(ctx, rng, admin, now):
    tenant = ctx.main
    process = services.process_create(
        actor=admin, tenant=tenant, title="Nye Storvik rådhus – tidligfase",
        purpose=("Rådhuset skal rehabiliteres og samle 1 600 ansatte og et nytt innbyggertorg. Vi vil vite hva "
                 "ansatte, brukere og naboer trenger, før konseptet (BP2) legges fram for kommunestyret."),
        open_for_influence="Innredning av arbeidsplassene, fellesarealene, innbyggertorget og uteområdet.",
        already_decided="Bygget rehabiliteres på dagens tomt (BP1, kommunestyret).",
        responsible_unit=ctx.units.get("Eiendom"), contact_name="Eirik Eiendomsforvalter",
        contact_email="eiendom@storvik.kommune.no", moderation=Process.Moderation.POST,
        retention=Process.Retention.ANONYMISE, retention_months=24, buildings=[ctx.townhall])
    start = (now - dt.timedelta(days=120)).date()
    for kind, name, a, b in [("information", "Informasjon", 0, 14), ("input", "Innspill", 14, 60),
                             ("consultation", "Verksteder", 40, 75), ("feedback", "Tilbakemelding", 90, 120)]:
        services.phase_create(actor=admin, process=process, kind=kind, name=name, starts_on=start + dt.timedelta(a),
                              ends_on=start + dt.timedelta(b))
    groups = _groups(admin, process, [
        ("employees", "Personalmøter, intranett og verneombudene", 1600),
        ("union_representatives", "Hovedtillitsvalgte og hovedverneombud", 20),
        ("users_relatives", "Brukerrådene og servicetorget", 150),
        ("neighbours", "Brev i postkassen og folkemøte", 300),
        ("future_users", "Lag og foreninger som skal bruke innbyggertorget", 60)])
    process = services.process_set_status(actor=admin, process=process, status="open")
    rooms = {r.name: r for r in Room.objects.filter(building=ctx.townhall, floor__level=0)}
    survey_activity = services.activity_create(actor=admin, process=process, kind="survey", title="Spørreundersøkelse",
                                               starts_at=now - dt.timedelta(days=106),
                                               target_groups=list(groups.values()))
    workshops = [
        services.activity_create(actor=admin, process=process, kind="workshop", title="Verksted med ansatte",
                                 starts_at=now - dt.timedelta(days=80), ends_at=now - dt.timedelta(days=80, hours=-3),
                                 room=rooms.get("Storsalen"), target_groups=[groups["employees"]]),
        services.activity_create(actor=admin, process=process, kind="workshop",
                                 title="Verksted med naboer og brukere", starts_at=now - dt.timedelta(days=66),
                                 ends_at=now - dt.timedelta(days=66, hours=-2), room=rooms.get("Møterom Fjorden"),
                                 target_groups=[groups["neighbours"], groups["users_relatives"]])]
    for activity in [survey_activity, *workshops]:
        services.activity_set_status(actor=admin, activity=activity, status="held")

    plan = plans.plan_create(actor=admin, process=process, title="1. etasje – innbyggertorget",
                             description=("Plantegning av 1. etasje: hovedinngangen i sør, innbyggertorget i midten, "
                                          "kafé, storsal, møterom, ungdomsrom, servicetorget og sykkelparkering."),
                             upload=_plan_image(TOWNHALL_AREAS))
    areas = [plans.area_add(actor=admin, plan=plan, name=n, x=x, y=y, w=w, h=h) for n, x, y, w, h in TOWNHALL_AREAS]

    # The survey: 700 responses.
    survey = services.survey_create(actor=admin, process=process, title="Hvordan vil du ha det nye rådhuset?",
                                    intro="Det tar fem minutter. Alle spørsmål er frivillige.")
    q_role = services.question_add(actor=admin, survey=survey, kind=Question.Kind.SINGLE, text="Hvem er du?",
                                   options=["Ansatt", "Bruker eller pårørende", "Nabo", "Annet"])
    q_need = services.question_add(actor=admin, survey=survey, kind=Question.Kind.MULTIPLE,
                                   text="Hva er viktigst for deg?",
                                   options=["Stillerom", "Møterom", "Dagslys", "Kantine", "Sykkelparkering",
                                            "Tilgjengelighet"])
    q_scale = services.question_add(actor=admin, survey=survey, kind=Question.Kind.SCALE,
                                    text="Hvor fornøyd er du med dagens lokaler?")
    q_place = services.question_add(actor=admin, survey=survey, kind=Question.Kind.PLACE,
                                    text="Hvor på innbyggertorget bør det skje mest?", plan=plan)
    q_points = services.question_add(actor=admin, survey=survey, kind=Question.Kind.POINTS,
                                     text="Fordel 100 poeng på pengebruken",
                                     options=["Arbeidsplasser", "Innbyggertorget", "Uteområdet", "Energi og miljø"])
    q_text = services.question_add(actor=admin, survey=survey, kind=Question.Kind.TEXT, text="Noe mer du vil si?")
    survey = services.survey_set_status(actor=admin, survey=survey, status="open")

    def answer(q):
        if q == q_role:
            return rng.choices(range(4), weights=[70, 10, 15, 5])[0]
        if q == q_need:
            return sorted(rng.sample(range(6), rng.randint(1, 3)))
        if q == q_scale:
            return rng.choices(range(1, 6), weights=[15, 30, 30, 18, 7])[0]
        if q == q_place:
            if rng.random() < 0.2:
                return None
            a = rng.choice(areas)
            x, y = round(a.x + rng.random() * a.w, 4), round(a.y + rng.random() * a.h, 4)
            return {"x": min(x, 1.0), "y": min(y, 1.0), "area": a.pk}
        if q == q_points:
            cut = sorted(rng.sample(range(0, 101, 5), 3))
            return [cut[0], cut[1] - cut[0], cut[2] - cut[1], 100 - cut[2]]
        if q == q_text:
            return rng.choice(IDEAS)[1] if rng.random() < 0.15 else None
        return None

    _survey_answers(survey, [q_role, q_need, q_scale, q_place, q_points, q_text], rng, 700, answer)

    # Ideas (250) with comments (150) and support; comments pinned on the plan (200).
    kinds = list(groups.values())
    weights = [60, 3, 12, 20, 5]

    def background():
        return {"target_group": rng.choices(kinds, weights=weights)[0], "age_band": rng.choice(AGE_BANDS),
                "postal_code": rng.choice(POSTAL) if rng.random() < 0.6 else ""}

    rows = []
    for _i in range(250):
        title, body = rng.choice(IDEAS)
        rows.append({"kind": Input.Kind.IDEA, "title": title, "body": body, "participant": _participant(rng),
                     "status": Input.Status.HIDDEN if rng.random() < 0.02 else Input.Status.PUBLISHED,
                     **background()})
    for row in rows:
        if row["status"] == Input.Status.HIDDEN:
            row["moderation_reason"] = "Personangrep mot en navngitt ansatt."
    ideas = _bulk_inputs(process, rows)
    published = [i for i in ideas if i.status == Input.Status.PUBLISHED]
    _bulk_inputs(process, [{"kind": Input.Kind.COMMENT, "parent": rng.choice(published), "body": rng.choice(COMMENTS),
                            "status": Input.Status.PUBLISHED, "participant": _participant(rng), **background()}
                           for _i in range(150)])
    supports = {(rng.choice(published[:40]).pk, f"b:s{rng.randrange(900)}") for _i in range(900)}
    Support.objects.bulk_create([Support(tenant=tenant, input_id=i, participant=p) for i, p in supports],
                                batch_size=1000)
    pins = []
    for _i in range(200):
        a = rng.choice(areas)
        x, y = round(a.x + rng.random() * a.w, 4), round(a.y + rng.random() * a.h, 4)
        pins.append({"kind": Input.Kind.PIN, "plan": plan, "area": a, "pin_x": min(x, 1.0), "pin_y": min(y, 1.0),
                     "body": rng.choice(PINS), "status": Input.Status.PUBLISHED, "participant": _participant(rng),
                     **background()})
    _bulk_inputs(process, pins)

    # Two workshops written down by staff: 100 statements each.
    for activity, kinds_here in zip(workshops, [["employees"], ["neighbours", "users_relatives"]]):
        statements = []
        for n in range(100):
            kind = kinds_here[n % len(kinds_here)]
            statements.append(intake.MeetingRow(line=n + 1, text=rng.choice(WORKSHOP_NOTES[kind]),
                                                target_group=str(groups[kind].pk), age_band=rng.choice(AGE_BANDS)))
        intake.meeting_inputs_record(actor=admin, process=process, activity=activity, rows=statements)

    services.survey_set_status(actor=admin, survey=survey, status="closed")
    return services.process_set_status(actor=admin, process=process, status="closed")


def _opening_hours(ctx, rng, admin, now):
    tenant = ctx.main
    process = services.process_create(
        actor=admin, tenant=tenant, title="Åpningstider og meråpent på innbyggertorget",
        purpose=("Innbyggertorget kan holdes åpent også når det ikke er betjent (meråpent). Når bør det være åpent, "
                 "og hva trenger du for å bruke det på kveldstid og i helgene?"),
        open_for_influence="Åpningstidene, hvilke rom som er meråpne og reglene for bruk.",
        already_decided="Innbyggertorget er betjent på hverdager 08–16.",
        responsible_unit=ctx.units.get("Eiendom"), contact_name="Eirik Eiendomsforvalter",
        contact_email="eiendom@storvik.kommune.no", moderation=Process.Moderation.POST, buildings=[ctx.townhall])
    services.phase_create(actor=admin, process=process, kind="input", name="Innspill",
                          starts_on=(now - dt.timedelta(days=14)).date(), ends_on=(now + dt.timedelta(days=30)).date())
    groups = _groups(admin, process, [
        ("children_youth", "Ungdomsrådet, skolene og ungdomsklubben", 300),
        ("associations", "Lag og foreninger som booker rom", 80),
        ("neighbours", "Innbyggere i sentrum", 200), ("employees", "Ansatte på servicetorget", 30)])
    process = services.process_set_status(actor=admin, process=process, status="open")
    services.activity_create(actor=admin, process=process, kind="open_meeting", title="Åpent møte på torget",
                             starts_at=now + dt.timedelta(days=7), target_groups=list(groups.values()))
    survey = services.survey_create(actor=admin, process=process, title="Når vil du bruke innbyggertorget?")
    q_when = services.question_add(actor=admin, survey=survey, kind=Question.Kind.MULTIPLE,
                                   text="Når vil du helst bruke torget?",
                                   options=["Hverdager før 16", "Hverdager kveld", "Lørdag", "Søndag"])
    q_safe = services.question_add(actor=admin, survey=survey, kind=Question.Kind.SCALE,
                                   text="Hvor trygt vil det føles uten betjening?")
    survey = services.survey_set_status(actor=admin, survey=survey, status="open")
    _survey_answers(survey, [q_when, q_safe], rng, 180,
                    lambda q: sorted(rng.sample(range(4), rng.randint(1, 2))) if q == q_when else rng.randint(1, 5))
    grown_up = [groups["associations"], groups["neighbours"], groups["employees"]]
    rows = [{"kind": Input.Kind.IDEA, "title": title, "body": body, "status": Input.Status.PUBLISHED,
             "participant": _participant(rng), "target_group": rng.choice(grown_up),
             "age_band": rng.choice(["35-49", "50-66", "67+", "20-34"]), "postal_code": rng.choice(POSTAL)}
            for title, body in [("Åpent til 22 på hverdager", "Korene og korpset øver om kvelden."),
                                ("Søndagsåpent", "Familier har tid i helgene."),
                                ("Nøkkelkort for foreninger", "Vi som booker ofte trenger egen tilgang."),
                                ("Vakthold på fredager", "Noen bør være til stede sent fredag.")] * 55]
    # Youth: only a handful of inputs against an expected reach of 300 (the gap the analysis shows).
    rows += [{"kind": Input.Kind.IDEA, "title": "Sted å være etter skolen", "body": body,
              "status": Input.Status.PUBLISHED, "participant": _participant(rng),
              "target_group": groups["children_youth"], "age_band": "13-19", "postal_code": rng.choice(POSTAL)}
             for body in ["Vi trenger et sted å gjøre lekser og henge etter skolen.", "Gratis wifi og stikkontakter.",
                          "Åpent i helgene, vi har ingen andre steder å være.", "Ungdomsrommet må være åpent på kveldene.",
                          "Lov å spille musikk i ungdomsrommet.", "Mikrobølgeovn for å varme mat."]]
    _bulk_inputs(process, rows)
    return process


def _plan_strategy(ctx, rng, admin, now):
    tenant = ctx.main
    process = services.process_create(
        actor=admin, tenant=tenant, title="Planstrategi 2028–2031 – samskaping med folkevalgte",
        purpose=("Først samskaping, så den tradisjonelle beslutningsmodellen: kommunestyrets representanter "
                 "er med fra starten og prioriterer hvilke planer som skal rulleres i perioden."),
        open_for_influence="Hvilke planer som videreføres, revideres eller lages nye, og rekkefølgen.",
        already_decided="Planstrategien vedtas av kommunestyret innen ett år etter konstitueringen.",
        responsible_unit=ctx.units.get("Plan og utvikling") or ctx.units.get("Eiendom"),
        contact_name="Ada Administrator", contact_email="post@storvik.kommune.no",
        identity=Process.Identity.INVITE, moderation=Process.Moderation.POST)
    groups = _groups(admin, process, [
        ("elected_officials", "Kommunestyret, formannskapet og utvalgene", 47),
        ("employees", "Kommunedirektørens ledergruppe og planavdelingen", 25)])
    services.invites_create(actor=admin, process=process, count=47, label="Kommunestyret",
                            target_group=groups["elected_officials"])
    process = services.process_set_status(actor=admin, process=process, status="open")
    seminar = services.activity_create(
        actor=admin, process=process, kind="workshop", title="Folkevalgtseminar om planstrategien",
        starts_at=now - dt.timedelta(days=10), ends_at=now - dt.timedelta(days=10, hours=-5),
        target_groups=[groups["elected_officials"]])
    services.activity_set_status(actor=admin, activity=seminar, status="held")
    services.activity_create(actor=admin, process=process, kind="working_group", title="Arbeidsgruppe: arealplanen",
                             starts_at=now + dt.timedelta(days=21), target_groups=list(groups.values()))
    notes = ["Kommuneplanens arealdel må revideres først.", "Klimaplanen bør samordnes med energiplanen.",
             "Boligsosial plan trengs for å møte befolkningsveksten.", "Plan for idrett og friluftsliv kan videreføres.",
             "Helse- og omsorgsplanen må se på flere eldre fram mot 2040.", "Skolebruksplanen bør komme tidlig.",
             "Innbyggertorget bør brukes som arena for medvirkning i alle planene."]
    intake.meeting_inputs_record(actor=admin, process=process, activity=seminar, rows=[
        intake.MeetingRow(line=n + 1, text=text, target_group=str(groups["elected_officials"].pk))
        for n, text in enumerate(notes * 4)])
    return process


def load(ctx):
    rng = random.Random(ctx.seed + 70)
    admin = ctx.users["admin"]
    now = timezone.now()
    ctx.participation = {"townhall": _townhall(ctx, rng, admin, now),
                         "opening_hours": _opening_hours(ctx, rng, admin, now),
                         "plan_strategy": _plan_strategy(ctx, rng, admin, now)}

"""Analysis and feedback: themes and coding, counts in SQL, suggested themes, representation,
responses and decisions, publishing the feedback, the public "you said — we did" page, the
report — through the services and HTTP, with the permission and tenant checks."""

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.test.utils import CaptureQueriesContext
from django.db import connection
from django.utils import timezone

from torg.core.models import AuditEvent
from torg.participation import analysis_queries, analysis_services, services, subscriptions, terms
from torg.participation.models import FeedbackResponse, Input

from .conftest import submit as _submit


# --- Themes and coding ----------------------------------------------------------------------------
def test_themes_are_unique_per_process_whatever_the_case(open_process, admin_user):
    analysis_services.theme_create(actor=admin_user, process=open_process, name="Grøntareal")
    with pytest.raises(ValidationError) as exc:
        analysis_services.theme_create(actor=admin_user, process=open_process, name=" grøntareal ")
    assert "name" in exc.value.message_dict


def test_only_managers_code_and_only_inputs_of_the_process(coded, employee, citizen, other_admin, admin_user,
                                                           tenant, building):
    green = coded["green"]
    for outsider in (employee, citizen, other_admin):
        with pytest.raises(PermissionDenied):
            analysis_services.theme_code(actor=outsider, theme=green, inputs=[coded["inputs"][2]])
    other = services.process_create(actor=admin_user, tenant=tenant, title="Annen", purpose="Annen prosess")
    services.process_set_status(actor=admin_user, process=other, status="open")
    other.refresh_from_db()
    foreign = _submit(other, "b:9", "Fremmed", "Fra en annen prosess.")
    with pytest.raises(ValidationError):
        analysis_services.theme_code(actor=admin_user, theme=green, inputs=[foreign])
    assert not green.inputs.filter(pk=foreign.pk).exists()


def test_coding_twice_changes_nothing_and_each_change_is_one_history_entry(coded, admin_user):
    green, (a, b, c, *_rest) = coded["green"], coded["inputs"]
    before = AuditEvent.objects.filter(action="theme_code").count()
    assert analysis_services.theme_code(actor=admin_user, theme=green, inputs=[a, b, c]) == 1
    assert analysis_services.theme_code(actor=admin_user, theme=green, inputs=[a, b]) == 0
    assert AuditEvent.objects.filter(action="theme_code").count() == before + 1
    assert analysis_services.theme_code(actor=admin_user, theme=green, inputs=[c], remove=True) == 1
    assert set(green.inputs.values_list("pk", flat=True)) == {a.pk, b.pk}


def test_counts_per_theme_target_group_and_channel_in_one_query_without_hidden_input(coded):
    with CaptureQueriesContext(connection) as ctx:
        counts = analysis_queries.theme_counts(process=coded["process"])
    assert len(ctx.captured_queries) <= 4  # target groups, the GROUP BY, the themes, the total
    rows = {r["theme"].name: r for r in counts["rows"]}
    labels = [label for _gid, label in counts["groups"]]
    assert labels == ["Ansatte", "Naboer og nærmiljø"]
    assert rows["Grøntareal"]["total"] == 2 and rows["Grøntareal"]["groups"] == [1, 1]
    # the hidden input is not counted; the meeting input is
    assert rows["Trafikk og parkering"]["total"] == 2
    assert rows["Trafikk og parkering"]["groups"] == [1, 1]
    channels = [code for code, _label in counts["channels"]]
    assert dict(zip(channels, rows["Trafikk og parkering"]["channels"])) == {"digital": 1, "meeting": 1}
    assert counts["uncoded"]["total"] == 0 and counts["inputs"] == 4


def test_quotes_are_the_most_supported_then_the_newest_per_theme(open_process, admin_user):
    """Supported ideas come first (most supports, then newest); a theme with fewer supported ideas
    than quotes is filled with its newest unsupported ideas, never the same idea twice; hidden
    input and comments are never quoted."""
    now = timezone.now()

    def idea(title, days_ago, supports=0, status="published"):
        item = _submit(open_process, f"b:{title}", title, f"{title} tekst")
        item = services.input_set_status(actor=admin_user, item=item, status=status, reason="Personangrep")
        Input.objects.filter(pk=item.pk).update(created_at=now - dt.timedelta(days=days_ago))
        for n in range(supports):
            services.support_add(item=item, participant=f"b:s{n}")
        return item

    a, b, c, d = idea("A", 9, supports=2), idea("B", 1), idea("C", 5, supports=1), idea("D", 3)
    e, f, g = idea("E", 2, supports=1), idea("F", 4), idea("G", 8)
    hidden = idea("H", 0, status="hidden")
    many, few = (analysis_services.theme_create(actor=admin_user, process=open_process, name=n)
                 for n in ("Mange", "Få"))
    analysis_services.theme_code(actor=admin_user, theme=many, inputs=[a, b, c, d, hidden])
    analysis_services.theme_code(actor=admin_user, theme=few, inputs=[e, f, g, hidden])
    quotes = analysis_queries._quotes(open_process, [many.pk, few.pk], True)
    assert [q["title"] for q in quotes[many.pk]] == ["A", "C"]
    assert [q["title"] for q in quotes[few.pk]] == ["E", "F"]
    story = analysis_queries.feedback_story(process=open_process)
    assert {t.name: [q["title"] for q in t.quotes] for t in story["themes"]} == {"Mange": ["A", "C"], "Få": ["E", "F"]}
    assert {t.name: t.input_count for t in story["themes"]} == {"Mange": 4, "Få": 3}  # hidden not counted


def test_terms_are_stemmed_once_when_input_is_written_and_suggestions_stay_the_same(open_process):
    """Suggested themes read the terms stored with each input (written by save and bulk_create) and
    give what stemming the texts on the page view gave."""
    texts = [("Skolegården", "Skolegården er for liten"), ("Lys", "Skolegårdene trenger lys og benker"),
             ("Benker", "Vi vil ha mer lys i skolegården")]
    one = _submit(open_process, "b:1", *texts[0])
    bulk = Input.objects.bulk_create([Input(tenant=open_process.tenant, process=open_process, title=t, body=b,
                                            participant=f"b:{n}") for n, (t, b) in enumerate(texts[1:])])
    for item in [one, *bulk]:
        item.refresh_from_db()
        assert item.terms == terms.encode(f"{item.title} {item.body}") and item.terms
    assert one.terms.split()[:2] == [terms.stem("skolegården"), "skolegården"]
    expected = terms.frequent_terms([f"{t} {b}" for t, b in reversed(texts)], limit=12)
    assert analysis_queries.theme_suggestions(process=open_process) == expected
    assert dict(expected)["skolegården"] == 3


def test_norwegian_stemming_counts_word_forms_together_and_drops_stop_words():
    texts = ["Skolegården er for liten", "Skolegårdene trenger lys", "Vi vil ha mer lys i skolegården",
             "og og og det er"]
    found = dict(terms.frequent_terms(texts))
    assert found["skolegården"] == 3  # skolegården / skolegårdene: one stem, once per input
    assert found["lys"] == 2
    assert not {"og", "det", "er", "vil"} & set(found)
    assert "skolegården" not in dict(terms.frequent_terms(texts, exclude=["Skolegård"]))


def test_suggestions_come_from_input_not_yet_coded(coded, admin_user):
    process = coded["process"]
    x = _submit(process, "b:7", "Belysning", "Bedre belysning på stien.")
    _submit(process, "b:8", "Lys", "Stien trenger belysning om vinteren.")
    suggestions = dict(analysis_queries.theme_suggestions(process=process))
    assert suggestions.get("belysning") == 2
    assert "trafikk" not in suggestions  # coded already
    assert x.pk


# --- Representation -------------------------------------------------------------------------------
def test_representation_counts_people_against_the_expected_reach_and_names_the_gaps(coded, admin_user):
    process = coded["process"]
    youth = services.target_group_create(actor=admin_user, process=process, kind="children_youth",
                                         expected_reach=50)
    with CaptureQueriesContext(connection) as ctx:
        r = analysis_queries.representation(process=process)
    assert len(ctx.captured_queries) <= 8
    rows = {row["label"]: row for row in r["rows"]}
    # employees: b:1 and b:3 (b:4's input is hidden) of 40; neighbours: b:2 (two inputs, one person) of 200
    assert rows["Ansatte"]["people"] == 2 and rows["Ansatte"]["percent"] == 5
    assert rows["Naboer og nærmiljø"]["people"] == 1 and rows["Naboer og nærmiljø"]["inputs"] == 2
    assert rows["Barn og unge"]["state"] == "missing"
    assert {g["label"] for g in r["gaps"]} == {"Ansatte", "Naboer og nærmiljø", "Barn og unge"}
    assert youth.pk and r["people"] == 3
    assert dict(r["ages"])["35–49 år"] == 1
    assert r["postal_codes"][0] == {"postal_code": "9000", "people": 2}
    assert rows["Naboer og nærmiljø"]["channels"] == [1, 1, 0]  # digital, meeting, paper


def test_representation_page_says_the_gaps_in_words_while_open(coded, client_for, admin_user, employee):
    process = coded["process"]
    page = client_for(employee).get(f"/participation/{process.pk}/representation/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Hvem mangler vi" in text and "underrepresentert" in text
    services.process_set_status(actor=admin_user, process=process, status="closed")
    text = client_for(employee).get(f"/participation/{process.pk}/representation/").content.decode()
    assert "Hvem mangler vi" not in text and "Underrepresentert" in text


# --- Responses and decisions ----------------------------------------------------------------------
def test_a_response_not_taken_needs_a_why_and_the_database_keeps_it(coded, admin_user):
    with pytest.raises(ValidationError) as exc:
        analysis_services.response_set(actor=admin_user, theme=coded["green"], outcome="not_taken", text="  ")
    assert "text" in exc.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        FeedbackResponse.objects.create(tenant=coded["process"].tenant, process=coded["process"],
                                        theme=coded["green"], outcome="not_taken", text="")
    with pytest.raises(IntegrityError), transaction.atomic():
        FeedbackResponse.objects.create(tenant=coded["process"].tenant, process=coded["process"],
                                        theme=coded["green"], input=coded["inputs"][0], outcome="taken")


def test_one_response_per_theme_changed_in_place_and_decision_of_the_same_process(coded, admin_user, tenant):
    process, green = coded["process"], coded["green"]
    decision = analysis_services.decision_create(actor=admin_user, process=process, title="BP2: konsept godkjent",
                                                 decided_on=dt.date(2027, 6, 10), body="Kommunestyret",
                                                 case_number="2027/123")
    first = analysis_services.response_set(actor=admin_user, theme=green, outcome="partly", text="Noen trær.")
    again = analysis_services.response_set(actor=admin_user, theme=green, outcome="taken", text="Trær og benker.",
                                           decision=decision)
    assert first.pk == again.pk and FeedbackResponse.objects.filter(theme=green).count() == 1
    other = services.process_create(actor=admin_user, tenant=tenant, title="Annen", purpose="Annen prosess")
    foreign = analysis_services.decision_create(actor=admin_user, process=other, title="Annet vedtak",
                                                decided_on=dt.date(2027, 1, 1), body="Rådmannen")
    with pytest.raises(ValidationError):
        analysis_services.response_set(actor=admin_user, theme=green, outcome="taken", decision=foreign)
    single = analysis_services.response_set(actor=admin_user, input=coded["inputs"][3], outcome="out_of_scope",
                                            text="Parkering avgjøres i reguleringsplanen.")
    assert single.input_id == coded["inputs"][3].pk


def _answer_all(coded, admin_user):
    process = coded["process"]
    decision = analysis_services.decision_create(actor=admin_user, process=process, title="BP2: konsept godkjent",
                                                 decided_on=dt.date(2027, 6, 10), body="Kommunestyret",
                                                 case_number="2027/123", document_url="https://example.no/sak")
    analysis_services.response_set(actor=admin_user, theme=coded["green"], outcome="taken",
                                   text="Skolegården får trær og benker.", decision=decision)
    services.process_set_status(actor=admin_user, process=process, status="closed")
    return decision


def test_feedback_needs_every_theme_answered_then_tells_who_asked(coded, admin_user, settings,
                                                                  django_capture_on_commit_callbacks):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.TORG_PUBLIC_BASE_URL = "https://torg.example.no"
    process = coded["process"]
    _answer_all(coded, admin_user)
    with pytest.raises(ValidationError) as exc:
        services.process_set_status(actor=admin_user, process=process, status="feedback_given")
    assert "1" in " ".join(exc.value.messages)
    analysis_services.response_set(actor=admin_user, theme=coded["traffic"], outcome="not_taken",
                                   text="Trafikken ligger utenfor prosjektet.")
    with django_capture_on_commit_callbacks(execute=True):
        services.process_set_status(actor=admin_user, process=process, status="feedback_given")
    process.refresh_from_db()
    assert process.status == "feedback_given" and process.feedback_published_at is not None
    assert [m.to for m in mail.outbox] == [["ola@example.no"]]  # two inputs, one address, told once
    assert f"https://torg.example.no/participation/p/{process.code}/feedback/" in mail.outbox[0].body


def test_who_gave_input_and_follows_the_feedback_gets_one_email(coded, admin_user, settings,
                                                                 django_capture_on_commit_callbacks):
    """Input authors and subscribers are told by two paths; an address on both gets one e-mail (the
    subscriber's, with its unsubscribe link), an address on one of them gets that one."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    process = coded["process"]
    for email in ("OLA@example.no ", "kari@example.no", "news-only@example.no"):  # Ola also gave input
        sub = subscriptions.subscribe(process=process, email=email, feedback="news" not in email)
        subscriptions.confirm(token=sub.token)
    subscriptions.subscribe(process=process, email="unconfirmed@example.no")
    _submit(process, "b:unconfirmed", "Lys", "Mer lys", email="unconfirmed@example.no")
    _submit(process, "b:news", "Benker", "Flere benker", email="news-only@example.no")
    _answer_all(coded, admin_user)
    analysis_services.response_set(actor=admin_user, theme=coded["traffic"], outcome="out_of_scope")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.process_set_status(actor=admin_user, process=process, status="feedback_given")
    sent = sorted(to for m in mail.outbox for to in m.to)
    assert sent == ["kari@example.no", "news-only@example.no", "ola@example.no", "unconfirmed@example.no"]
    [ola] = [m for m in mail.outbox if m.to == ["ola@example.no"]]
    assert "List-Unsubscribe" in ola.extra_headers  # told as a subscriber, not twice


def test_public_you_said_we_did_page_only_once_published_and_drafts_are_404(coded, admin_user, client, client_for,
                                                                            other_admin, employee, process):
    p = coded["process"]
    url = f"/participation/p/{p.code}/feedback/"
    _answer_all(coded, admin_user)
    analysis_services.response_set(actor=admin_user, theme=coded["traffic"], outcome="out_of_scope")
    not_yet = client.get(url)
    assert not_yet.status_code == 200 and "Skolegården får trær" not in not_yet.content.decode()
    preview = client_for(employee).get(url).content.decode()
    assert "Forhåndsvisning" in preview and "Skolegården får trær" in preview
    services.process_set_status(actor=admin_user, process=p, status="feedback_given")
    page = client.get(url)
    text = page.content.decode()
    assert page.status_code == 200
    for expected in ("Dere sa – vi gjorde", "Grøntareal", "Tatt med i beslutningen", "Skolegården får trær",
                     "BP2: konsept godkjent", "Kommunestyret", "2027/123", "10. juni 2027", "Grønn skolegård"):
        assert expected in text, expected
    assert "Noe som ble skjult" not in text  # hidden input is never quoted
    assert client_for(other_admin).get(url).status_code == 200  # published: public to all
    draft = services.process_create(actor=admin_user, tenant=p.tenant, title="Utkast", purpose="Hemmelig")
    for c in (client, client_for(other_admin)):
        assert c.get(f"/participation/p/{draft.code}/feedback/").status_code == 404


def test_staff_pages_permissions_and_tenant_isolation(coded, client_for, admin_user, employee, citizen, other_admin):
    p = coded["process"]
    for url in (f"/participation/{p.pk}/analysis/", f"/participation/{p.pk}/representation/",
                f"/participation/{p.pk}/feedback/"):
        assert client_for(employee).get(url).status_code == 200, url
        assert client_for(citizen).get(url).status_code == 403, url
        assert client_for(other_admin).get(url).status_code == 404, url
    assert client_for(employee).get(f"/participation/{p.pk}/coding/").status_code == 403
    assert client_for(other_admin).get(f"/participation/themes/{coded['green'].pk}/response/").status_code == 404
    forged = client_for(other_admin).post(f"/participation/{p.pk}/coding/",
                                          {"theme": coded["green"].pk, "inputs": [coded["inputs"][2].pk]})
    assert forged.status_code == 404
    assert not coded["green"].inputs.filter(pk=coded["inputs"][2].pk).exists()


def test_staff_code_respond_and_record_a_decision_through_the_pages(coded, client_for, admin_user):
    p, traffic = coded["process"], coded["traffic"]
    c = client_for(admin_user)
    page = c.get(f"/participation/{p.pk}/analysis/")
    assert page.status_code == 200 and "Grøntareal" in page.content.decode()
    r = c.post(f"/participation/{p.pk}/themes/new/", {"name": "Belysning", "description": ""})
    assert r.status_code == 302
    green = coded["green"]
    r = c.post(f"/participation/{p.pk}/coding/?theme=none", {"theme": green.pk, "inputs": [coded["inputs"][2].pk]})
    assert r.status_code == 302 and green.inputs.filter(pk=coded["inputs"][2].pk).exists()
    r = c.post(f"/participation/{p.pk}/coding/", {"theme": green.pk, "inputs": [coded["inputs"][2].pk], "remove": "1"})
    assert not green.inputs.filter(pk=coded["inputs"][2].pk).exists()
    r = c.post(f"/participation/{p.pk}/decisions/new/", {"title": "BP2", "decided_on": "2027-06-10",
                                                        "body": "Kommunestyret", "case_number": "2027/1"})
    assert r.status_code == 302
    decision = p.decisions.get()
    refused = c.post(f"/participation/themes/{traffic.pk}/response/", {"outcome": "not_taken", "text": ""})
    assert refused.status_code == 422 and "Si hvorfor" in refused.content.decode()
    r = c.post(f"/participation/themes/{traffic.pk}/response/", {"outcome": "partly", "text": "Ny gangvei.",
                                                                "decision": decision.pk})
    assert r.status_code == 302 and traffic.response.decision == decision
    r = c.post(f"/participation/inputs/{coded['inputs'][0].pk}/response/", {"outcome": "taken", "text": "Ja."})
    assert r.status_code == 302
    feedback = c.get(f"/participation/{p.pk}/feedback/").content.decode()
    assert "Delvis tatt med i beslutningen" in feedback and "Grønn skolegård" in feedback


# --- The report -----------------------------------------------------------------------------------
def test_report_pdf_and_xlsx_for_staff_only(coded, admin_user, client, client_for, employee, citizen, other_admin):
    from openpyxl import load_workbook
    from pypdfium2 import PdfDocument

    p = coded["process"]
    _answer_all(coded, admin_user)
    pdf = client_for(employee).get(f"/participation/{p.pk}/report.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = "".join(page.get_textpage().get_text_range() for page in PdfDocument(pdf.content))
    for expected in ("Nye Flytårnet skole", "Grøntareal", "Skolegården får trær", "BP2: konsept godkjent", "2027/123"):
        assert expected in text, expected
    xlsx = client_for(employee).get(f"/participation/{p.pk}/report.xlsx")
    wb = load_workbook(io.BytesIO(xlsx.content))
    assert "Temaer" in wb.sheetnames and "Beslutninger" in wb.sheetnames
    themes = {row[0]: row[1] for row in wb["Temaer"].iter_rows(min_row=2, values_only=True)}
    assert themes["Grøntareal"] == 2
    for c in (client, client_for(citizen), client_for(other_admin)):
        for suffix in ("pdf", "xlsx"):
            assert c.get(f"/participation/{p.pk}/report.{suffix}").status_code == 404



# --- A building's and a property's page -------------------------------------------------------------
def test_building_and_property_pages_show_each_process_with_its_published_feedback(coded, admin_user, employee,
                                                                                 client_for, building):
    from django.urls import reverse

    p = coded["process"]
    _answer_all(coded, admin_user)
    analysis_services.response_set(actor=admin_user, theme=coded["traffic"], outcome="not_taken", text="Utenfor.")
    building_url = reverse("places:building_detail", args=[building.pk])
    property_url = reverse("places:property_detail", args=[building.property_id])
    before = client_for(employee).get(building_url).content.decode()
    assert p.title in before and "Dere sa – vi gjorde" not in before  # not published yet
    services.process_set_status(actor=admin_user, process=p, status="feedback_given")
    for url in (building_url, property_url):
        html = client_for(employee).get(url).content.decode()
        assert p.title in html, url
        assert "Tatt med i beslutningen: 1" in html and "Ikke tatt med i beslutningen: 1" in html
        assert "BP2: konsept godkjent (Kommunestyret, 10. juni 2027)" in html and "sak 2027/123" in html
        assert f"/participation/p/{p.code}/feedback/" in html
    assert "Medvirkningsprosesser som har gjeldt denne eiendommen" in client_for(employee).get(property_url).content.decode()


# --- Demo data ------------------------------------------------------------------------------------
def test_demo_codes_answers_and_publishes_the_town_hall_and_puts_youth_on_the_map(tenant, admin_user):
    from types import SimpleNamespace

    from torg.participation import demo_feedback
    from torg.participation.models import Decision, Process, Theme

    townhall = services.process_create(actor=admin_user, tenant=tenant, title="Nye Storvik rådhus – tidligfase",
                                       purpose="Rehabilitering")
    services.process_set_status(actor=admin_user, process=townhall, status="open")
    townhall.refresh_from_db()
    for n, (title, body) in enumerate([("Flere små møterom", "Nesten umulig å finne et rom for to."),
                                       ("Trygg sykkelparkering", "Innendørs sykkelparkering med lading."),
                                       ("Gjenbruk møblene", "Det sparer penger og CO2.")]):
        item = _submit(townhall, f"b:{n}", title, body)
        services.input_set_status(actor=admin_user, item=item, status="published")
    opening = services.process_create(actor=admin_user, tenant=tenant, title="Åpningstider og meråpent på torget",
                                      purpose="Når skal torget være åpent?")
    ctx = SimpleNamespace(main=tenant, users={"admin": admin_user})
    demo_feedback.load(ctx)
    townhall.refresh_from_db()
    assert townhall.status == Process.Status.FEEDBACK_GIVEN and townhall.feedback_published_at
    assert Theme.objects.filter(process=townhall).count() == len(demo_feedback.THEMES)
    assert Theme.objects.get(process=townhall, name="Møterom").inputs.count() == 1
    assert Decision.objects.get(process=townhall).case_number == "2026/1487"
    assert not townhall.themes.filter(response__isnull=True).exists()
    assert opening.target_groups.filter(kind="children_youth").exists()
    demo_feedback.load(ctx)  # a second run changes nothing
    assert Theme.objects.filter(process=townhall).count() == len(demo_feedback.THEMES)

import datetime as dt

import pytest

from torg.participation import analysis_services, services
from torg.participation.models import TargetGroup


@pytest.fixture
def process(tenant, admin_user, building):
    """A draft process linked to the test building, with two phases, two target groups and a workshop."""
    p = services.process_create(actor=admin_user, tenant=tenant, title="Nye Flytårnet skole – tidligfase",
                                purpose="Vi vil høre hva elever, ansatte og naboer trenger.",
                                open_for_influence="Uteområdet og fellesarealene.",
                                already_decided="Skolen bygges på dagens tomt.", contact_name="Kari Nordmann",
                                contact_email="kari@testvik.kommune.no", buildings=[building])
    services.phase_create(actor=admin_user, process=p, kind="information", name="Informasjon",
                          starts_on=dt.date(2027, 1, 4), ends_on=dt.date(2027, 1, 31))
    services.phase_create(actor=admin_user, process=p, kind="input", name="Innspill",
                          starts_on=dt.date(2027, 2, 1), ends_on=dt.date(2027, 3, 15))
    services.target_group_create(actor=admin_user, process=p, kind="employees", how_reached="Personalmøte",
                                 expected_reach=40)
    services.target_group_create(actor=admin_user, process=p, kind="neighbours", how_reached="Brev i postkassen",
                                 expected_reach=200)
    return p


@pytest.fixture
def published(process, admin_user):
    return services.process_set_status(actor=admin_user, process=process, status="published")


@pytest.fixture
def open_process(process, admin_user):
    """The process, open for anonymous input with pre-moderation."""
    services.process_set_status(actor=admin_user, process=process, status="open")
    process.refresh_from_db()
    return process


@pytest.fixture
def idea(open_process, admin_user):
    item = services.input_submit(process=open_process, participant="b:someone", title="Mer grøntareal",
                                 body="Skolegården trenger trær og benker.")
    return services.input_set_status(actor=admin_user, item=item, status="published")


def submit(process, who, title, body, group=None, channel="digital", age_band="", postal_code="", email=""):
    return services.input_submit(process=process, participant=who, title=title, body=body, target_group=group,
                                 channel=channel, age_band=age_band, postal_code=postal_code, notify_email=email)


@pytest.fixture
def coded(open_process, admin_user):
    """An open process with five inputs from four people, two themes and some coding."""
    employees, neighbours = TargetGroup.objects.filter(process=open_process).order_by("id")
    a = submit(open_process, "b:1", "Grønn skolegård", "Skolegården trenger trær og benker.", employees,
                age_band="35-49", postal_code="9000", email="Ola@Example.no")
    b = submit(open_process, "b:2", "Flere trær", "Plant trær i skolegården.", neighbours, postal_code="9000")
    c = submit(open_process, "b:2", "Trafikk", "Farlig trafikk ved skolen om morgenen.", neighbours,
                channel="meeting", email="ola@example.no")
    d = submit(open_process, "b:3", "Parkering", "For lite parkering for de ansatte.", employees)
    e = submit(open_process, "b:4", "Skjult", "Noe som ble skjult.", employees)
    for item in (a, b, c, d):
        services.input_set_status(actor=admin_user, item=item, status="published")
    services.input_set_status(actor=admin_user, item=e, status="hidden", reason="Utenfor tema")
    green = analysis_services.theme_create(actor=admin_user, process=open_process, name="Grøntareal")
    traffic = analysis_services.theme_create(actor=admin_user, process=open_process, name="Trafikk og parkering")
    analysis_services.theme_code(actor=admin_user, theme=green, inputs=[a, b])
    analysis_services.theme_code(actor=admin_user, theme=traffic, inputs=[c, d, e])
    return {"process": open_process, "inputs": [a, b, c, d, e], "green": green, "traffic": traffic,
            "employees": employees, "neighbours": neighbours}

import datetime as dt

import pytest

from torg.participation import services


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

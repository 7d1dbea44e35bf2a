import datetime as dt

import pytest
from django.utils import timezone

from torg.booking import services as booking_services
from torg.booking.allocation import services


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def english(settings):
    """Assertions match the English source strings; test_translations checks the Norwegian."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def hall(tenant, admin_user, building):
    """A divisible sports hall (two halves) and a meeting room; open 08–16 staffed, 16–23 meråpent."""
    from torg.places.models import Room

    rooms = {r.number: r for r in Room.objects.filter(building=building)}
    whole = booking_services.resource_create(actor=admin_user, tenant=tenant, name="Hall", building=building,
                                             room=rooms["1.01"], max_minutes=480, capacity=60)
    a = booking_services.resource_create(actor=admin_user, tenant=tenant, name="Hall A", building=building,
                                         parent=whole, kind="part", max_minutes=480, capacity=30)
    b = booking_services.resource_create(actor=admin_user, tenant=tenant, name="Hall B", building=building,
                                         parent=whole, kind="part", max_minutes=480, capacity=30)
    room = booking_services.resource_create(actor=admin_user, tenant=tenant, name="Klubbrom", building=building,
                                            room=rooms["0.01"], max_minutes=480, capacity=20)
    for weekday in range(7):
        booking_services.opening_hours_add(actor=admin_user, tenant=tenant, building=building, weekday=weekday,
                                           opens=dt.time(8), closes=dt.time(16))
        booking_services.opening_hours_add(actor=admin_user, tenant=tenant, building=building, weekday=weekday,
                                           opens=dt.time(16), closes=dt.time(23), kind="meraapent")
    return {"whole": whole, "a": a, "b": b, "room": room}


@pytest.fixture
def clubs(tenant, admin_user, association_rep):
    """Two associations the representative speaks for, and a volunteer organisation."""
    from torg.accounts import services as account_services

    one = account_services.external_organisation_create(actor=admin_user, tenant=tenant, orgnr="974760673",
                                                        name="Testvik IL")
    two = account_services.external_organisation_create(actor=admin_user, tenant=tenant, orgnr="971524960",
                                                        name="Testvik Sjakklubb")
    vol = account_services.external_organisation_create(actor=admin_user, tenant=tenant, orgnr="983971636",
                                                        name="Testvik Røde Kors", kind="volunteer")
    for org in (one, two, vol):
        org.representatives.add(association_rep)
    return {"il": one, "chess": two, "red_cross": vol}


def season():
    """A season starting next Monday + 7 days, 8 weeks long."""
    today = timezone.localdate()
    start = today + dt.timedelta(days=7 - today.weekday() + 7)
    return start, start + dt.timedelta(weeks=8) - dt.timedelta(days=1)


@pytest.fixture
def rnd(tenant, admin_user, hall):
    start, end = season()
    return services.round_create(actor=admin_user, tenant=tenant, name="Sesong", season_start=start,
                                 season_end=end, application_deadline=timezone.localdate() + dt.timedelta(days=3),
                                 complaint_deadline=timezone.localdate() + dt.timedelta(days=5),
                                 resources=[hall["whole"], hall["a"], hall["b"], hall["room"]],
                                 rules_text="Barn og unge først.")


def window(weekday, start, end, primary=True):
    return {"weekday": weekday, "starts": dt.time(*start), "ends": dt.time(*end), "primary": primary}


def apply(rnd, actor, org, choices, windows, *, sessions=1, minutes=90, age="children", size=20, activity=None,
          org_unit=None):
    return services.application_submit(
        actor=actor, tenant=rnd.tenant, rnd=rnd, organisation=org, org_unit=org_unit,
        activity=activity or f"{org.name if org else org_unit.name} trening", group_size=size, age_group=age,
        sessions_per_week=sessions, minutes=minutes, choices=choices, windows=windows)


def to_status(rnd, actor, *targets):
    for target in targets:
        rnd = services.round_transition(actor=actor, rnd=rnd, to=target)
    return rnd

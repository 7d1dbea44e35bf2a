from types import SimpleNamespace

from torg.accounts import demo as accounts_demo
from torg.booking.allocation import demo
from torg.booking.allocation.models import AllocationRound, Application, Decision
from torg.booking.models import Booking, BookingSlot
from torg.places import demo as places_demo


def test_demo_has_a_completed_and_an_open_round(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    ctx = SimpleNamespace(seed=2026)
    for load in (accounts_demo.load, places_demo.load):  # booking's own demo is not needed
        load(ctx)
    demo.load(ctx, applications=30, halls=1)  # `manage.py demo` loads 200 over three halls
    done, open_ = AllocationRound.objects.order_by("season_start")
    assert (done.status, open_.status) == ("closed", "application")
    assert Application.objects.filter(round=done).count() == 30
    council = Application.objects.get(round=done, organisation__name="Storvik idrettsråd")
    assert council.frame_time
    granted = Decision.objects.filter(round=done, granted=True)
    assert granted.count() > 10 and Decision.objects.filter(round=done, granted=False).exists()
    assert granted.filter(manual=True).count() == 1
    assert granted.filter(series__isnull=False).count() >= granted.count() - 2
    assert Booking.objects.filter(series__in=granted.values("series")).count() > 100
    assert Application.objects.filter(round=open_).count() == 5
    slots = sorted(BookingSlot.objects.filter(active=True).values_list("unit_id", "start", "end"))
    for (u1, _s1, e1), (u2, s2, _e2) in zip(slots, slots[1:]):
        assert u1 != u2 or e1 <= s2  # no overlaps, demo included

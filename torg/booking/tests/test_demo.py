from types import SimpleNamespace

from torg.accounts import demo as accounts_demo
from torg.booking import demo
from torg.booking.models import Booking, BookingSeries, BookingSlot, OpeningHours, Resource
from torg.places import demo as places_demo


def _load(seed):
    ctx = SimpleNamespace(seed=seed)
    accounts_demo.load(ctx)
    places_demo.load(ctx)
    demo.load(ctx)
    return ctx


def test_demo_data_is_complete_and_consistent(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    ctx = _load(2026)
    townhall = Resource.objects.filter(building=ctx.townhall, room__floor__level=0)
    assert townhall.count() >= 10
    assert Resource.objects.filter(parent__isnull=False).count() >= 4  # divisible hall and gym
    assert OpeningHours.objects.filter(building=ctx.library, kind="meraapent").exists()
    assert BookingSeries.objects.filter(organisation__isnull=False).count() >= 25
    statuses = set(Booking.objects.values_list("status", flat=True))
    assert statuses == {"requested", "confirmed", "rejected", "cancelled"}
    assert Booking.objects.filter(meraapent=True).exists()
    desks = Resource.objects.filter(building=ctx.townhall, name__startswith="Arbeidsplass", parent__isnull=False,
                                    own_rules__checkin_minutes__isnull=False)
    assert desks.count() == 12  # an activity-based office for quick booking
    assert Booking.objects.filter(resource__in=desks).count() >= 5
    # the library's rooms follow the library's rules unless they have their own
    boka = Resource.objects.get(building=ctx.library, name="Møterom Boka")
    lecture = Resource.objects.get(building=ctx.library, name="Foredragssal")
    assert (boka.rules.source, boka.rules.age_limit, boka.rules.window_days) == ("building", 15, 60)
    assert (lecture.rules.source, lecture.rules.requires_approval, lecture.rules.age_limit) == ("resource", True, 15)
    # the database invariant holds for the demo too
    slots = list(BookingSlot.objects.filter(active=True).values_list("unit_id", "start", "end"))
    by_unit = {}
    for unit, s, e in sorted(slots):
        assert by_unit.get(unit, s) <= s
        by_unit[unit] = e

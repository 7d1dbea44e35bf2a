"""Places register: the pages and API lists a property manager uses every day, on the big tenant
(2 000 buildings / 100 000 rooms; --quick: 200 / 10 000)."""

from urllib.parse import urlencode

from torg.places.models import Building, Room

from ..core import Case
from ..dataset import LARGE_BUILDING

NAME = "places"


def setup(ctx):
    """The base data set already holds the register; only look up the facts the cases need."""
    large = Building.objects.get(tenant=ctx.tenant, name=LARGE_BUILDING)
    ctx.data["places"] = {
        "large_building": large.pk,
        "large_building_rooms": Room.objects.filter(building=large, archived=False).count(),
    }


def _contains(*needles):
    def check(response):
        text = response.content.decode()
        for needle in needles:
            if needle not in text:
                raise AssertionError(f"expected {needle!r} in the response")
    return check


def _api_page(ctx, model, expected_items):
    """The API returned a full page, and only rows of the benchmark tenant."""
    def check(response):
        data = response.json()
        if len(data["items"]) != expected_items or data["count"] < expected_items:
            raise AssertionError(f"expected {expected_items} items, got {len(data['items'])} of {data['count']}")
        ids = [item["id"] for item in data["items"]]
        if model.objects.filter(pk__in=ids).exclude(tenant=ctx.tenant).exists():
            raise AssertionError("the API returned rows of another tenant")
    return check


def cases(ctx):
    large = ctx.data["places"]["large_building"]
    return [
        Case("places: building list", "/places/", _contains("ds-table", "/places/buildings/"),
             note="first page, 50 buildings with room totals and register totals"),
        Case("places: building search", "/places/?" + urlencode({"q": "skole"}), _contains("skole"),
             note="name/address/number icontains 'skole'"),
        Case("places: building detail (large)", f"/places/buildings/{large}/", _contains(LARGE_BUILDING, "ds-table"),
             note=f"{ctx.data['places']['large_building_rooms']} rooms on {6} floors"),
        Case("places: room list", "/places/rooms/", _contains("/places/rooms/")),
        Case("places: room list filtered", "/places/rooms/?" + urlencode({"function": "meeting", "capacity": 10}),
             _contains("/places/rooms/"), note="function=meeting, capacity ≥ 10"),
        Case("places: search", "/places/search/?" + urlencode({"q": "nord"}), _contains("Nordby"),
             note="buildings, rooms and properties matching 'nord'"),
        Case("places: property list", "/places/properties/", _contains("/places/properties/")),
        Case("audit log", "/accounts/admin/audit/", _contains("ds-table"),
             note="newest 50 of one event per building and room, with filter choices"),
        Case("audit log: one object", "/accounts/admin/audit/?" + urlencode(
            {"type": "places.building", "id": large}), _contains(LARGE_BUILDING),
             note="the large building's events (the link from its history)"),
        Case("api: rooms limit=100", "/api/v1/places/rooms?limit=100", _api_page(ctx, Room, 100)),
        Case("api: buildings limit=100", "/api/v1/places/buildings?limit=100", _api_page(ctx, Building, 100)),
    ]

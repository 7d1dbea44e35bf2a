"""Places register API: list/get/create/update with the same permission rules as the UI."""

from decimal import Decimal
from typing import Annotated

from django.db import transaction
from ninja import Field, ModelSchema, Status
from ninja.pagination import paginate

from torg.core.api import (ApiRouter, Id, InSchema, Int32, Omitted, Pagination, PatchSchema,
                           PositiveInt32)
from torg.core.views import require_api_perm


from . import queries, services
from .models import Building, Floor, Property, Room

router = ApiRouter(tags=["places"])

# Cadastre numbers as the matrikkel has them: gnr up to five digits, bnr/fnr/snr up to four.
Gnr = Annotated[int, Field(ge=0, le=99_999)]  # 0 is left to the model, which says why
Bnr = Annotated[int, Field(ge=0, le=9_999)]
SubNumber = Annotated[int, Field(ge=0, le=9_999)]


# --- Schemas --------------------------------------------------------------------------------
class PropertyOut(ModelSchema):
    cadastre: str

    class Meta:
        model = Property
        fields = ["id", "name", "gnr", "bnr", "fnr", "snr", "address", "postal_code", "postal_place", "archived"]


class PropertyIn(InSchema):
    gnr: Gnr
    bnr: Bnr
    fnr: SubNumber = 0
    snr: SubNumber = 0
    name: str = ""
    address: str = ""
    postal_code: str = ""
    postal_place: str = ""


class PropertyPatch(PatchSchema):
    gnr: Gnr = Omitted
    bnr: Bnr = Omitted
    fnr: SubNumber | None = None  # null: 0
    snr: SubNumber | None = None
    name: str | None = None
    address: str | None = None
    postal_code: str | None = None
    postal_place: str | None = None
    archived: bool = Omitted


class BuildingOut(ModelSchema):
    property_id: int

    class Meta:
        model = Building
        fields = ["id", "building_number", "name", "address", "year_built", "gross_area", "use",
                  "strategic_category", "archived"]


class BuildingIn(InSchema):
    property_id: Id
    name: str
    building_number: str = ""
    address: str = ""
    year_built: PositiveInt32 | None = None
    gross_area: Decimal | None = None
    use: Building.Use = Building.Use.OFFICE
    strategic_category: str = Field("", description="A, B, C or empty")


class BuildingPatch(PatchSchema):
    property_id: Id = Omitted
    name: str = Omitted
    building_number: str | None = None
    address: str | None = None
    year_built: PositiveInt32 | None = None
    gross_area: Decimal | None = None
    use: Building.Use = Omitted
    strategic_category: str | None = Field(None, description="A, B, C or empty (null: empty)")
    archived: bool = Omitted


class FloorOut(ModelSchema):
    building_id: int

    class Meta:
        model = Floor
        fields = ["id", "level", "name", "archived"]


class FloorIn(InSchema):
    building_id: Id
    level: Int32
    name: str = ""


class FloorPatch(PatchSchema):
    level: Int32 = Omitted
    name: str | None = None
    archived: bool = Omitted


class RoomOut(ModelSchema):
    building_id: int
    floor_id: int

    class Meta:
        model = Room
        fields = ["id", "number", "name", "net_area", "capacity", "function", "archived"]


class RoomIn(InSchema):
    floor_id: Id
    number: str
    name: str = ""
    net_area: Decimal | None = None
    capacity: PositiveInt32 | None = None
    function: Room.Function = Room.Function.OTHER


class RoomPatch(PatchSchema):
    floor_id: Id = Omitted
    number: str = Omitted
    name: str | None = None
    net_area: Decimal | None = None
    capacity: PositiveInt32 | None = None
    function: Room.Function = Omitted
    archived: bool = Omitted


def _patch_fields(payload, tenant, resolvers):
    """Turn a PATCH payload into service fields; *_id references resolve within the tenant (404)."""
    data = payload.changes()
    for key, resolve in resolvers.items():
        if key in data:
            data[key.removesuffix("_id")] = resolve(tenant=tenant, pk=data.pop(key))
    return data


# --- Properties -----------------------------------------------------------------------------
@router.get("/properties", response=list[PropertyOut])
@paginate(Pagination)
def list_properties(request, q: str = "", include_archived: bool = False):
    require_api_perm(request, "places.view_places")
    return queries.property_list(tenant=request.tenant, search=q, include_archived=include_archived)


@router.get("/properties/{int:pk}", response=PropertyOut)
def get_property(request, pk: Id):
    require_api_perm(request, "places.view_places")
    return queries.property_get(tenant=request.tenant, pk=pk)


@router.post("/properties", response={201: PropertyOut})
def create_property(request, payload: PropertyIn):
    require_api_perm(request, "places.manage_places")
    return Status(201, services.property_create(actor=request.user, tenant=request.tenant, **payload.dict()))


@router.patch("/properties/{int:pk}", response=PropertyOut)
@transaction.atomic  # field changes and archiving succeed or fail together
def update_property(request, pk: Id, payload: PropertyPatch):
    require_api_perm(request, "places.manage_places")
    prop = queries.property_get(tenant=request.tenant, pk=pk)
    fields = _patch_fields(payload, request.tenant, {})
    archived = fields.pop("archived", None)
    if fields:
        services.property_update(actor=request.user, prop=prop, **fields)
    if archived is not None and archived != prop.archived:
        services.property_set_archived(actor=request.user, prop=prop, archived=archived)
    return prop


# --- Buildings ------------------------------------------------------------------------------
@router.get("/buildings", response=list[BuildingOut])
@paginate(Pagination)
def list_buildings(request, q: str = "", use: str = "", category: str = "", property_id: Id | None = None,
                   include_archived: bool = False):
    require_api_perm(request, "places.view_places")
    return queries.building_list(tenant=request.tenant, search=q, use=use, category=category,
                                 property_id=property_id, include_archived=include_archived)


@router.get("/buildings/{int:pk}", response=BuildingOut)
def get_building(request, pk: Id):
    require_api_perm(request, "places.view_places")
    return queries.building_get(tenant=request.tenant, pk=pk)


@router.post("/buildings", response={201: BuildingOut})
def create_building(request, payload: BuildingIn):
    require_api_perm(request, "places.manage_places")
    data = payload.dict()
    prop = queries.property_get(tenant=request.tenant, pk=data.pop("property_id"))
    return Status(201, services.building_create(actor=request.user, tenant=request.tenant, property=prop, **data))


@router.patch("/buildings/{int:pk}", response=BuildingOut)
@transaction.atomic  # field changes and archiving succeed or fail together
def update_building(request, pk: Id, payload: BuildingPatch):
    require_api_perm(request, "places.manage_places")
    building = queries.building_get(tenant=request.tenant, pk=pk)
    fields = _patch_fields(payload, request.tenant, {"property_id": queries.property_get})
    archived = fields.pop("archived", None)
    if fields:
        services.building_update(actor=request.user, building=building, **fields)
    if archived is not None and archived != building.archived:
        services.building_set_archived(actor=request.user, building=building, archived=archived)
    return building


# --- Floors ---------------------------------------------------------------------------------
@router.get("/floors", response=list[FloorOut])
@paginate(Pagination)
def list_floors(request, building_id: Id | None = None):
    require_api_perm(request, "places.view_places")
    return queries.floor_list(tenant=request.tenant, building_id=building_id)


@router.get("/floors/{int:pk}", response=FloorOut)
def get_floor(request, pk: Id):
    require_api_perm(request, "places.view_places")
    return queries.floor_get(tenant=request.tenant, pk=pk)


@router.post("/floors", response={201: FloorOut})
def create_floor(request, payload: FloorIn):
    require_api_perm(request, "places.manage_places")
    data = payload.dict()
    building = queries.building_get(tenant=request.tenant, pk=data.pop("building_id"))
    return Status(201, services.floor_create(actor=request.user, tenant=request.tenant, building=building, **data))


@router.patch("/floors/{int:pk}", response=FloorOut)
@transaction.atomic  # field changes and archiving succeed or fail together
def update_floor(request, pk: Id, payload: FloorPatch):
    require_api_perm(request, "places.manage_places")
    floor = queries.floor_get(tenant=request.tenant, pk=pk)
    fields = _patch_fields(payload, request.tenant, {})
    archived = fields.pop("archived", None)
    if fields:
        services.floor_update(actor=request.user, floor=floor, **fields)
    if archived is not None and archived != floor.archived:
        services.floor_set_archived(actor=request.user, floor=floor, archived=archived)
    return floor


# --- Rooms ----------------------------------------------------------------------------------
@router.get("/rooms", response=list[RoomOut])
@paginate(Pagination)
def list_rooms(request, q: str = "", building_id: Id | None = None, floor_id: Id | None = None,
               function: str = "", min_capacity: PositiveInt32 | None = None, include_archived: bool = False):
    require_api_perm(request, "places.view_places")
    return queries.room_list(tenant=request.tenant, search=q, building_id=building_id, floor_id=floor_id,
                             function=function, min_capacity=min_capacity, include_archived=include_archived)


@router.get("/rooms/{int:pk}", response=RoomOut)
def get_room(request, pk: Id):
    require_api_perm(request, "places.view_places")
    return queries.room_get(tenant=request.tenant, pk=pk)


@router.post("/rooms", response={201: RoomOut})
def create_room(request, payload: RoomIn):
    require_api_perm(request, "places.manage_places")
    data = payload.dict()
    floor = queries.floor_get(tenant=request.tenant, pk=data.pop("floor_id"))
    return Status(201, services.room_create(actor=request.user, tenant=request.tenant, floor=floor, **data))


@router.patch("/rooms/{int:pk}", response=RoomOut)
@transaction.atomic  # field changes and archiving succeed or fail together
def update_room(request, pk: Id, payload: RoomPatch):
    require_api_perm(request, "places.manage_places")
    room = queries.room_get(tenant=request.tenant, pk=pk)
    fields = _patch_fields(payload, request.tenant, {"floor_id": queries.floor_get})
    archived = fields.pop("archived", None)
    if fields:
        services.room_update(actor=request.user, room=room, **fields)
    if archived is not None and archived != room.archived:
        services.room_set_archived(actor=request.user, room=room, archived=archived)
    return room

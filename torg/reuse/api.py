"""Reuse inventory API: products and items (list with filters, get, create, update, status
change, move) with the same permission rules as the UI. Status changes go through the item machine
(`states.ITEM_MACHINE`) as a person's change: the statuses the marketplace manages (listed, ordered,
given away) are never set or left through these endpoints (422 naming the marketplace). Each item
lists the statuses the caller may give it now (`allowed_statuses`)."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import prefetch_related_objects
from django.http import Http404
from ninja import Field, ModelSchema, Schema
from ninja import Status as Answer
from ninja.pagination import paginate

from torg.core.api import (ApiRouter, Id, IdList, InSchema, Int32, Omitted, Pagination, PatchSchema, PhotoOut,
                           PositiveInt32, photo_out)
from torg.core.views import require_api_perm
from torg.places import queries as places_queries

from . import queries, services
from .models import Category, Condition, Item, Product, Status
from .states import ITEM_MACHINE, marketplace_refusal

router = ApiRouter(tags=["reuse"])


# --- Schemas --------------------------------------------------------------------------------
class CategoryOut(ModelSchema):
    class Meta:
        model = Category
        fields = ["id", "key", "name", "default_weight_kg", "sort_order", "archived"]


class ProductOut(ModelSchema):
    category_id: int
    photos: list[PhotoOut]

    @staticmethod
    def resolve_photos(obj):
        return [photo_out(p) for p in obj.photos.all()]

    class Meta:
        model = Product
        fields = ["id", "manufacturer", "model_name", "width_cm", "depth_cm", "height_cm", "colour", "material",
                  "weight_kg", "new_price_nok", "co2e_kg", "co2e_source", "description", "archived"]


class ProductIn(InSchema):
    category_id: Id
    manufacturer: str = ""
    model_name: str = ""
    width_cm: PositiveInt32 | None = None
    depth_cm: PositiveInt32 | None = None
    height_cm: PositiveInt32 | None = None
    colour: str = ""
    material: str = ""
    weight_kg: Decimal | None = None
    new_price_nok: Decimal | None = None
    co2e_kg: Decimal | None = None
    co2e_source: str = ""
    description: str = ""


class ProductPatch(PatchSchema):
    category_id: Id = Omitted
    manufacturer: str | None = None
    model_name: str | None = None
    width_cm: PositiveInt32 | None = None
    depth_cm: PositiveInt32 | None = None
    height_cm: PositiveInt32 | None = None
    colour: str | None = None
    material: str | None = None
    weight_kg: Decimal | None = None
    new_price_nok: Decimal | None = None
    co2e_kg: Decimal | None = None
    co2e_source: str | None = None
    description: str | None = None
    archived: bool = Omitted


class ItemOut(ModelSchema):
    product_id: int
    building_id: int | None
    room_id: int | None
    parent_id: int | None
    allowed_statuses: list[str]
    photos: list[PhotoOut] = Field(description="The item's own photos")
    product_photos: list[PhotoOut] = Field(description="The photos of its product (catalogue pictures)")

    @staticmethod
    def resolve_photos(obj):
        return [photo_out(p) for p in obj.photos.all()]

    @staticmethod
    def resolve_product_photos(obj):
        return [photo_out(p) for p in obj.product.photos.all()]

    @staticmethod
    def resolve_allowed_statuses(obj, context):
        """The statuses the caller may give the item now (`ITEM_MACHINE.available`)."""
        request = context["request"]
        if obj.tenant_id == request.tenant.pk:
            obj.tenant = request.tenant  # the role check reads the item's tenant: no query per listed item
        return [t.target for t in ITEM_MACHINE.available(obj, request.user)]

    class Meta:
        model = Item
        fields = ["id", "code", "number", "placement_text", "condition", "damage_description", "status",
                  "created_at", "updated_at"]


class ItemIn(InSchema):
    product_id: Id
    building_id: Id | None = None
    room_id: Id | None = None
    placement_text: str = ""
    condition: Condition = Condition.GOOD
    damage_description: str = ""
    status: Status = Status.IN_USE
    parent_id: Id | None = None
    count: PositiveInt32 = 1
    claim_code: str = ""
    comment: str = ""


class ItemPatch(PatchSchema):
    product_id: Id = Omitted
    condition: Condition = Omitted
    damage_description: str | None = None
    parent_id: Id | None = None
    comment: str = ""


class StatusChangeIn(InSchema):
    item_ids: IdList
    to_status: Status
    comment: str = ""


class MoveIn(InSchema):
    item_ids: IdList
    building_id: Id | None = None
    room_id: Id | None = None
    placement_text: str = ""
    comment: str = ""


class ChangedOut(Schema):
    changed: list[ItemOut]


ITEM_PHOTOS = ("photos", "product__photos")


def _with_photos(items):
    """Items of an answer with their photos and their products' in two queries, not two per item."""
    items = list(items)
    prefetch_related_objects(items, *ITEM_PHOTOS)
    return items


def _items(request, ids, perm):
    items = queries.items_by_ids(tenant=request.tenant, ids=ids)
    if len(items) != len(set(ids)):
        raise Http404
    for item in items:
        require_api_perm(request, perm, item)
    return items


def _location(request, building_id, room_id):
    building = places_queries.building_get(tenant=request.tenant, pk=building_id) if building_id else None
    room = places_queries.room_get(tenant=request.tenant, pk=room_id) if room_id else None
    return building, room


# --- Categories and products ----------------------------------------------------------------
@router.get("/categories", response=list[CategoryOut])
def list_categories(request):
    require_api_perm(request, "reuse.view_items")
    return queries.category_list(tenant=request.tenant)


@router.get("/products", response=list[ProductOut])
@paginate(Pagination)
def list_products(request, q: str = "", category_id: Id | None = None, include_archived: bool = False):
    require_api_perm(request, "reuse.view_items")
    return queries.product_list(tenant=request.tenant, search=q, category_id=category_id,
                                include_archived=include_archived).prefetch_related("photos")


@router.get("/products/{int:pk}", response=ProductOut)
def get_product(request, pk: Id):
    require_api_perm(request, "reuse.view_items")
    return queries.product_get(tenant=request.tenant, pk=pk)


@router.post("/products", response={201: ProductOut})
def create_product(request, payload: ProductIn):
    require_api_perm(request, "reuse.register_items")
    data = payload.dict()
    category = queries.category_get(tenant=request.tenant, pk=data.pop("category_id"))
    return Answer(201, services.product_create(actor=request.user, tenant=request.tenant, category=category, **data))


@router.patch("/products/{int:pk}", response=ProductOut)
def update_product(request, pk: Id, payload: ProductPatch):
    require_api_perm(request, "reuse.edit_item")
    product = queries.product_get(tenant=request.tenant, pk=pk)
    data = payload.changes()
    if "category_id" in data:
        data["category"] = queries.category_get(tenant=request.tenant, pk=data.pop("category_id"))
    if data:
        services.product_update(actor=request.user, product=product, **data)
    return product


# --- Items ----------------------------------------------------------------------------------
@router.get("/items", response=list[ItemOut])
@paginate(Pagination)
def list_items(request, q: str = "", category_id: Id | None = None, colour: str = "", condition: Int32 | None = None,
               status: str = "", building_id: Id | None = None, floor_id: Id | None = None,
               room_id: Id | None = None, product_id: Id | None = None, parent_id: Id | None = None,
               include_gone: bool = False, sort: str = "number"):
    """Items matching every filter. Without `status`, items that left the inventory (disposed, given
    away) are left out unless `include_gone`. `sort`: number, -number, category, building, condition,
    status, updated."""
    require_api_perm(request, "reuse.view_items")
    qs = queries.item_list(tenant=request.tenant, search=q, category_id=category_id, colour=colour,
                           condition=condition, status=status, building_id=building_id, floor_id=floor_id,
                           room_id=room_id, product_id=product_id, sort=sort, include_disposed=include_gone)
    qs = qs.prefetch_related(*ITEM_PHOTOS)
    return qs.filter(parent_id=parent_id) if parent_id else qs


@router.get("/items/{int:pk}", response=ItemOut)
def get_item(request, pk: Id):
    require_api_perm(request, "reuse.view_items")
    return queries.item_get(tenant=request.tenant, pk=pk)


@router.get("/codes/{code}", response=ItemOut)
def get_item_by_code(request, code: str):
    require_api_perm(request, "reuse.view_items")
    return queries.item_by_code(tenant=request.tenant, code=code)


@router.post("/items", response={201: list[ItemOut]})
def create_items(request, payload: ItemIn):
    data = payload.dict()
    building, room = _location(request, data.pop("building_id"), data.pop("room_id"))
    require_api_perm(request, "reuse.register_items", room or building)
    product = queries.product_get(tenant=request.tenant, pk=data.pop("product_id"))
    parent_id = data.pop("parent_id")
    parent = queries.item_get(tenant=request.tenant, pk=parent_id) if parent_id else None
    items = services.item_register(actor=request.user, tenant=request.tenant, product=product, building=building,
                                   room=room, parent=parent, **data)
    return Answer(201, _with_photos(items))


@router.patch("/items/{int:pk}", response=ItemOut)
def update_item(request, pk: Id, payload: ItemPatch):
    item = queries.item_get(tenant=request.tenant, pk=pk)
    require_api_perm(request, "reuse.edit_item", item)
    data = payload.changes()
    comment = data.pop("comment", "")
    if "product_id" in data:
        data["product"] = queries.product_get(tenant=request.tenant, pk=data.pop("product_id"))
    if "parent_id" in data:
        parent_id = data.pop("parent_id")
        data["parent"] = queries.item_get(tenant=request.tenant, pk=parent_id) if parent_id else None
    if data:
        services.item_update(actor=request.user, item=item, comment=comment, **data)
    return item


@router.post("/items/status", response=ChangedOut)
def change_status(request, payload: StatusChangeIn):
    items = _items(request, payload.item_ids, "reuse.change_status")
    try:
        changed = services.item_change_status(actor=request.user, items=items, to_status=payload.to_status,
                                              comment=payload.comment)
    except PermissionDenied:  # every item passed reuse.change_status: the machine refused a marketplace change
        raise marketplace_refusal(items, payload.to_status) from None
    return {"changed": _with_photos(changed)}


@router.post("/items/move", response=ChangedOut)
def move(request, payload: MoveIn):
    items = _items(request, payload.item_ids, "reuse.move_items")
    building, room = _location(request, payload.building_id, payload.room_id)
    require_api_perm(request, "reuse.move_items", room or building)
    moved = services.item_move(actor=request.user, items=items, building=building, room=room,
                               placement_text=payload.placement_text, comment=payload.comment)
    return {"changed": _with_photos(moved)}

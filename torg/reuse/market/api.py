"""Marketplace API: listings (search, your own, create, withdraw), orders (place, list, read with the
transitions open to the caller, apply a transition, receive by code) and saved searches. The same
permissions, visibility and services as the pages under /reuse/market/.

Orders are the one place where two municipalities meet (orders from partner municipalities): an
order is read with the request's tenant as seller (`tenant`) or buyer (`buyer_tenant`). Its status
changes only through the marketplace's state machine (`states.ORDER_MACHINE`), which decides the
caller's parts (buyer, seller) and the steps open to them, as on the order page."""

import datetime as dt
from typing import Annotated, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja import Status as Answer
from ninja.pagination import paginate

from torg.accounts import queries as accounts_queries
from torg.core import audit
from torg.core.api import ApiRouter, Id, IdList, InSchema, Pagination, PhotoOut, PositiveInt32, photo_out
from torg.core.views import require_api_perm
from torg.places import queries as places_queries
from torg.reuse import queries as inventory

from . import queries, services
from .models import DeliveryMethod, Listing, Order
from .states import ORDER_MACHINE

router = ApiRouter(tags=["marketplace"])

LISTING_PHOTOS = 6
PHOTOS = "lines__item__photos"  # prefetched for a page of listings: three queries, not three per listing
ConditionCode = Annotated[int, Field(ge=0, le=3)]
Day = Annotated[dt.date, Field(ge=dt.date(2000, 1, 1), le=dt.date(2200, 12, 31))]


# --- Schemas --------------------------------------------------------------------------------
class ListingOut(Schema):
    id: int
    code: str
    number: str
    title: str
    description: str
    product_id: int
    category_id: int
    building_id: int | None
    owner_unit_id: int | None
    condition: int
    available_from: dt.date
    available_until: dt.date | None
    requires_approval: bool
    pickup: bool
    delivery: bool
    status: str
    stage: str = Field(description="Who sees it now: seller, unit, municipality, partners or public")
    published_at: dt.datetime
    available_count: int = Field(description="Items that can still be ordered")
    photos: list[PhotoOut] = Field(description="Photos of its items, the first six (as the listing page)")

    @staticmethod
    def resolve_category_id(obj):
        return obj.product.category_id

    @staticmethod
    def resolve_stage(obj):
        return obj.stage()

    @staticmethod
    def resolve_photos(obj):
        found = sorted((p for line in obj.lines.all() for p in line.item.photos.all()), key=lambda p: p.pk)
        return [photo_out(p) for p in found[:LISTING_PHOTOS]]

    @staticmethod
    def resolve_available_count(obj):
        return getattr(obj, "available_count", 0)


class ListingIn(InSchema):
    item_ids: IdList = Field(description="Items of one product, at one location, owned by one unit, in one "
                                         "condition, in use or available")
    title: str = ""
    description: str = ""
    available_from: Day | None = None
    available_until: Day | None = None
    requires_approval: bool = False
    pickup: bool = True
    delivery: bool = False
    to_partners: bool = True
    to_public: bool = False


class CommentIn(InSchema):
    comment: str = Field("", max_length=500)


class OrderIn(InSchema):
    quantity: PositiveInt32 = 1
    delivery_room_id: Id
    to_unit_id: Id
    delivery_method: DeliveryMethod = DeliveryMethod.PICKUP
    note: str = ""


class OrderEventOut(Schema):
    from_status: str
    to_status: str
    comment: str
    created_at: dt.datetime


class OrderOut(Schema):
    id: int
    number: str
    listing_id: int
    listing_title: str
    buyer_id: int
    buyer_municipality: str
    seller_municipality: str
    partner: bool = Field(description="Placed by a partner municipality")
    quantity: int
    to_unit_id: int | None
    delivery_room_id: int
    delivery_method: str
    note: str
    status: str
    reason: str
    received_at: dt.datetime | None
    created_at: dt.datetime

    @staticmethod
    def resolve_listing_title(obj):
        return obj.listing.title

    @staticmethod
    def resolve_buyer_municipality(obj):
        return obj.buyer_tenant.name

    @staticmethod
    def resolve_seller_municipality(obj):
        return obj.tenant.name

    @staticmethod
    def resolve_partner(obj):
        return obj.is_partner


class StepOut(Schema):
    to_status: str
    verb: str = Field(description="approve, reject, cancel, process, ready, dispatch or receive")
    label: str
    reason_required: bool


class OrderDetailOut(OrderOut):
    sides: list[str] = Field(description="Your parts on this order: buyer, seller or both")
    allowed_transitions: list[StepOut] = Field(description="The steps you may take now (the state machine's list "
                                                           "for you); `received` goes through /receive")
    history: list[OrderEventOut] = Field(description="Every status change, oldest first")


class TransitionIn(InSchema):
    to_status: Order.Status
    reason: str = ""


class ReceiveIn(InSchema):
    code: str = Field(max_length=200, description="The code (or QR URL) of one of the order's items")


class SavedSearchOut(Schema):
    id: int
    name: str
    query: str
    category_id: int | None
    condition: int | None
    building_id: int | None
    colour: str
    email: bool


class SavedSearchIn(InSchema):
    name: str = ""
    query: str = Field("", max_length=100)
    category_id: Id | None = None
    condition: ConditionCode | None = None
    building_id: Id | None = None
    colour: str = Field("", max_length=60)
    email: bool = True


# --- Helpers ------------------------------------------------------------------------------------
def _order(request, pk):
    require_api_perm(request, "reuse_market.view_market")
    order = queries.order_get(tenant=request.tenant, pk=pk)
    if not request.user.has_perm("reuse_market.view_order", order):
        raise PermissionDenied
    return order


def _order_detail(request, order):
    order.sides = sorted(ORDER_MACHINE.parts(order, request.user))
    order.allowed_transitions = [
        {"to_status": t.target, "verb": t.verb, "label": str(t.label), "reason_required": t.reason}
        for t in services.order_steps(order, request.user)]
    order.history = _status_history(order)
    return order


def _status_history(order):
    """The order's status changes, oldest first, from its audit history (kept in the seller's
    municipality, as on the order page)."""
    out = []
    for event in reversed(list(audit.history_for(order, order.tenant)[:200])):
        status = (event.changes or {}).get("status")
        if isinstance(status, list | tuple) and len(status) == 2 and status[1]:
            out.append({"from_status": status[0] or "", "to_status": status[1], "comment": event.comment,
                        "created_at": event.created_at})
    return out


def _visible_listing(request, pk):
    listing = queries.listing_get(tenant=request.tenant, pk=pk)
    if not (request.user.has_perm("reuse_market.manage_listing", listing)
            or queries.listing_visible_to(listing, user=request.user)):
        raise Http404  # a listing you cannot see yet does not exist for you
    return listing


# --- Listings -------------------------------------------------------------------------------
@router.get("/listings", response=list[ListingOut])
@paginate(Pagination)
def search_listings(request, q: Annotated[str, Field(max_length=100)] = "", category_id: Id | None = None,
                    condition: ConditionCode | None = None, building_id: Id | None = None,
                    colour: Annotated[str, Field(max_length=60)] = ""):
    """What you can order now: open listings you can see, not expired, with items left; newest first."""
    require_api_perm(request, "reuse_market.view_market")
    return queries.listing_search(tenant=request.tenant, user=request.user, search=q.strip(),
                                  category_id=category_id, condition="" if condition is None else str(condition),
                                  building_id=building_id, colour=colour).prefetch_related(PHOTOS)


@router.get("/listings/mine", response=list[ListingOut])
@paginate(Pagination)
def my_listings(request, status: Listing.Status | None = None):
    """Listings you manage (yours; all of your buildings' as a location manager; all as reuse administrator)."""
    require_api_perm(request, "reuse_market.view_market")
    return queries.seller_listings(tenant=request.tenant, user=request.user, status=status or "").prefetch_related(
        PHOTOS)


@router.get("/listings/{int:pk}", response=ListingOut)
def get_listing(request, pk: Id):
    require_api_perm(request, "reuse_market.view_market")
    return _visible_listing(request, pk)


@router.post("/listings", response={201: ListingOut})
def create_listing(request, payload: ListingIn):
    """List items (they become `listed`). You need the right to list each of them."""
    require_api_perm(request, "reuse_market.list_items")
    data = payload.dict()
    ids = data.pop("item_ids")
    items = inventory.items_by_ids(tenant=request.tenant, ids=ids)
    if len(items) != len(set(ids)):
        raise Http404
    for item in items:
        require_api_perm(request, "reuse_market.list_items", item)
    listing = services.listing_create(actor=request.user, tenant=request.tenant, items=items, **data)
    return Answer(201, queries.listing_get(tenant=request.tenant, pk=listing.pk))


@router.post("/listings/{int:pk}/withdraw", response=ListingOut)
def withdraw_listing(request, pk: Id, payload: CommentIn):
    """Withdraw an open listing without open orders: its items get their previous status back."""
    require_api_perm(request, "reuse_market.view_market")
    listing = queries.listing_get(tenant=request.tenant, pk=pk)
    require_api_perm(request, "reuse_market.manage_listing", listing)
    services.listing_withdraw(actor=request.user, listing=listing, comment=payload.comment)
    return queries.listing_get(tenant=request.tenant, pk=pk)


# --- Orders ---------------------------------------------------------------------------------
@router.post("/listings/{int:pk}/orders", response={201: OrderDetailOut})
def create_order(request, pk: Id, payload: OrderIn):
    """Order items of a listing for a unit and a room of your municipality. It waits for the
    seller's approval when the listing or the settings ask for it."""
    require_api_perm(request, "reuse_market.order")
    listing = _visible_listing(request, pk)
    if listing.created_by_id == request.user.pk:
        raise ValidationError(_("You cannot order from your own listing."))
    room = places_queries.room_get(tenant=request.tenant, pk=payload.delivery_room_id)
    unit = accounts_queries.org_unit_get(tenant=request.tenant, pk=payload.to_unit_id)
    order = services.order_create(actor=request.user, tenant=request.tenant, listing=listing,
                                  quantity=payload.quantity, delivery_room=room, to_unit=unit,
                                  delivery_method=payload.delivery_method, note=payload.note)
    return Answer(201, _order_detail(request, _order(request, order.pk)))


@router.get("/orders", response=list[OrderOut])
@paginate(Pagination)
def list_orders(request, side: Literal["buying", "selling"] = "buying", open_only: bool = True):
    """Your orders as the buyer (`buying`, including those placed with partner municipalities) or the
    orders of listings you manage (`selling`); open ones only unless `open_only=false`."""
    require_api_perm(request, "reuse_market.view_market")
    list_for = queries.buyer_orders if side == "buying" else queries.seller_orders
    return list_for(tenant=request.tenant, user=request.user, open_only=open_only)


@router.get("/orders/{int:pk}", response=OrderDetailOut)
def get_order(request, pk: Id):
    """An order with its history and the transitions open to you now."""
    return _order_detail(request, _order(request, pk))


@router.post("/orders/{int:pk}/transitions", response=OrderDetailOut)
def apply_transition(request, pk: Id, payload: TransitionIn):
    """Take one of the `allowed_transitions` (through the marketplace's state machine, as the order
    page does): a step you may not take is 403, one the order cannot take now 422. Rejecting, and
    cancelling once processing has started, needs a `reason` (the other side sees it). Receiving is
    /receive."""
    order = _order(request, pk)
    if payload.to_status == Order.Status.RECEIVED:
        raise ValidationError({"to_status": _("Receive the order by the code of one of its items.")})
    services.order_transition(actor=request.user, order=order, to_status=payload.to_status, reason=payload.reason)
    return _order_detail(request, _order(request, pk))


@router.post("/orders/{int:pk}/receive", response=OrderDetailOut)
def receive_order(request, pk: Id, payload: ReceiveIn):
    """Receive the order by the code on one of its items' labels: the items move to the delivery
    room and the buyer's unit (for a partner order they are registered in the buyer's inventory)."""
    order = _order(request, pk)
    services.order_receive_by_code(actor=request.user, order=order, code=payload.code)
    return _order_detail(request, _order(request, pk))


# --- Saved searches -------------------------------------------------------------------------
@router.get("/saved-searches", response=list[SavedSearchOut])
def list_saved_searches(request):
    """Your saved searches (you are told when a new listing matches)."""
    require_api_perm(request, "reuse_market.view_market")
    return list(queries.saved_searches(tenant=request.tenant, user=request.user))


@router.post("/saved-searches", response={201: SavedSearchOut})
def create_saved_search(request, payload: SavedSearchIn):
    require_api_perm(request, "reuse_market.order")
    data = payload.dict()
    category_id, building_id = data.pop("category_id"), data.pop("building_id")
    category = inventory.category_get(tenant=request.tenant, pk=category_id) if category_id else None
    building = places_queries.building_get(tenant=request.tenant, pk=building_id) if building_id else None
    search = services.saved_search_create(actor=request.user, tenant=request.tenant, category=category,
                                          building=building, **data)
    return Answer(201, search)


@router.delete("/saved-searches/{int:pk}", response={204: None})
def delete_saved_search(request, pk: Id):
    require_api_perm(request, "reuse_market.view_market")
    search = queries.saved_search_get(tenant=request.tenant, user=request.user, pk=pk)
    services.saved_search_delete(actor=request.user, search=search)
    return Answer(204, None)

"""Furnishing plans API: plans (list, read with their figures, create, edit, status), needs per room,
the matching run, the planner's overrides of single lines, and move lists. The same permissions and
services as the pages under /reuse/plans/."""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja import Status as Answer
from ninja.pagination import paginate

from torg.core.api import ApiRouter, Id, InSchema, Omitted, Pagination, PatchSchema, omitted
from torg.core.views import require_api_perm
from torg.places import queries as places_queries
from torg.reuse import queries as inventory

from . import movelists, queries, services
from .models import Line, Plan
from .states import PLAN_MACHINE

router = ApiRouter(tags=["furnishing plans"])

Cm = Annotated[int, Field(ge=0, le=10_000)]
Quantity = Annotated[int, Field(ge=1, le=100_000)]
ConditionCode = Annotated[int, Field(ge=0, le=3)]


# --- Schemas --------------------------------------------------------------------------------
class PlanOut(Schema):
    id: int
    number: str
    name: str
    building_id: int
    source_building_ids: list[int]
    target_reuse_percent: int
    status: str
    description: str
    matched_at: dt.datetime | None
    match_outdated: bool = Field(description="Needs or offers changed after the last matching")

    @staticmethod
    def resolve_source_building_ids(obj):
        return sorted(b.pk for b in obj.source_buildings.all())


class FiguresOut(Schema):
    total: int
    own: int
    used: int
    new: int
    open: int
    reuse: int
    own_share: float
    used_share: float
    new_share: float
    open_share: float
    reuse_share: float
    target: int
    meets_target: bool
    gap: int = Field(description="Pieces more to cover by reuse to meet the target")
    used_cost: Decimal
    new_cost: Decimal
    unpriced_new: int
    delivered_own: int
    delivered_used: int
    locked: int


class CategoryRowOut(Schema):
    category_id: int
    category: str
    total: int
    own: int
    used: int
    new: int
    open: int
    reuse_share: float


class PlanDetailOut(PlanOut):
    allowed_statuses: list[str] = Field(description="The statuses you may move the plan to now (the plan "
                                                    "machine's steps for you)")
    figures: FiguresOut
    categories: list[CategoryRowOut]


class PlanIn(InSchema):
    name: str
    building_id: Id
    target_reuse_percent: Annotated[int, Field(ge=0, le=100)] = 80
    source_building_ids: list[Id] = Field(default_factory=list, max_length=1000)
    description: str = ""


class PlanPatch(PatchSchema):
    name: str = Omitted
    building_id: Id = Omitted
    target_reuse_percent: Annotated[int, Field(ge=0, le=100)] = Omitted
    source_building_ids: list[Id] = omitted(max_length=1000)
    description: str | None = None


class PlanStatusIn(InSchema):
    to_status: Plan.Status
    comment: str = ""


class MatchOut(Schema):
    own: int = 0
    used: int = 0
    new: int = 0
    open: int = 0
    changed: int
    reserved: int
    released: int


class NeedOut(Schema):
    id: int
    room_id: int
    category_id: int
    quantity: int
    min_width_cm: int | None
    max_width_cm: int | None
    min_depth_cm: int | None
    max_depth_cm: int | None
    colour: str
    max_condition: int | None
    product_id: int | None
    note: str


class NeedIn(InSchema):
    room_id: Id
    category_id: Id
    quantity: Quantity = 1
    min_width_cm: Cm | None = None
    max_width_cm: Cm | None = None
    min_depth_cm: Cm | None = None
    max_depth_cm: Cm | None = None
    colour: str = ""
    max_condition: ConditionCode | None = None
    product_id: Id | None = None
    note: str = ""


class NeedPatch(PatchSchema):
    category_id: Id = Omitted
    quantity: Quantity = Omitted
    min_width_cm: Cm | None = None
    max_width_cm: Cm | None = None
    min_depth_cm: Cm | None = None
    max_depth_cm: Cm | None = None
    colour: str | None = None
    max_condition: ConditionCode | None = None
    product_id: Id | None = None
    note: str | None = None


class LineOut(Schema):
    id: int
    need_id: int
    room_id: int
    category_id: int
    source: str = Field(description="own, used, new or open")
    item_id: int | None
    item_number: str | None
    offer_id: int | None
    unit_price_nok: Decimal | None
    locked: bool = Field(description="Set by the planner: matching keeps it")
    delivered_at: dt.datetime | None

    @staticmethod
    def resolve_room_id(obj):
        return obj.need.room_id

    @staticmethod
    def resolve_category_id(obj):
        return obj.need.category_id

    @staticmethod
    def resolve_item_number(obj):
        return obj.item.number if obj.item_id else None


class OverrideIn(InSchema):
    source: Line.Source
    item: str = Field("", max_length=200, description="For `own`: the item's number or code")
    offer_id: Id | None = Field(None, description="For `used`: one of the plan's offers of used furniture")
    comment: str = ""


class OverrideOut(Schema):
    line: LineOut
    warnings: list[str] = Field(description="Where the chosen item does not meet the need")


class MoveSourceOut(Schema):
    building_id: int | None = Field(description="null: items without a location")
    name: str
    pieces: int
    delivered: int


class MoveListsOut(Schema):
    sources: list[MoveSourceOut]


class MoveRowOut(Schema):
    number: str
    code: str
    product: str
    source: str
    from_: str = Field(alias="from")
    from_building: str
    from_room: str
    placement: str
    to_floor: str
    to_room: str
    to: str
    delivered: bool


# --- Helpers ------------------------------------------------------------------------------------
def _plan(request, pk, perm=None):
    require_api_perm(request, "reuse_relocation.view_plans")
    plan = queries.plan_get(tenant=request.tenant, pk=pk)
    if perm:
        require_api_perm(request, perm, plan)
    return plan


def _buildings(request, ids):
    return [places_queries.building_get(tenant=request.tenant, pk=pk) for pk in dict.fromkeys(ids)]


def _plan_detail(request, plan):
    plan = Plan.objects.select_related("building").prefetch_related("source_buildings").get(pk=plan.pk)
    plan.allowed_statuses = sorted(t.target for t in PLAN_MACHINE.available(plan, request.user))
    plan.figures = queries.figures(plan=plan)
    plan.categories = [{"category_id": r["category"].pk, "category": r["category"].name,
                        **{k: r[k] for k in ("total", "own", "used", "new", "open", "reuse_share")}}
                       for r in queries.category_breakdown(plan=plan)]
    return plan


def _need_refs(request, plan, data):
    if "room_id" in data:
        data["room"] = queries.plan_room(plan=plan, pk=data.pop("room_id"))
    if "category_id" in data:
        data["category"] = inventory.category_get(tenant=request.tenant, pk=data.pop("category_id"))
    if "product_id" in data:
        pk = data.pop("product_id")
        data["product"] = inventory.product_get(tenant=request.tenant, pk=pk) if pk else None
    return data


# --- Plans ----------------------------------------------------------------------------------
@router.get("/plans", response=list[PlanOut])
@paginate(Pagination)
def list_plans(request, status: Plan.Status | None = None):
    require_api_perm(request, "reuse_relocation.view_plans")
    return queries.plan_list(tenant=request.tenant, status=status or "").prefetch_related("source_buildings")


@router.get("/plans/{int:pk}", response=PlanDetailOut)
def get_plan(request, pk: Id):
    """A plan with its figures (pieces by source, shares against the target, cost) and a breakdown
    by category."""
    return _plan_detail(request, _plan(request, pk))


@router.post("/plans", response={201: PlanDetailOut})
def create_plan(request, payload: PlanIn):
    require_api_perm(request, "reuse_relocation.manage_plan")
    data = payload.dict()
    building = places_queries.building_get(tenant=request.tenant, pk=data.pop("building_id"))
    sources = _buildings(request, data.pop("source_building_ids"))
    plan = services.plan_create(actor=request.user, tenant=request.tenant, building=building,
                                source_buildings=sources, **data)
    return Answer(201, _plan_detail(request, plan))


@router.patch("/plans/{int:pk}", response=PlanDetailOut)
def update_plan(request, pk: Id, payload: PlanPatch):
    plan = _plan(request, pk, "reuse_relocation.manage_plan")
    data = payload.changes()
    if "building_id" in data:
        data["building"] = places_queries.building_get(tenant=request.tenant, pk=data.pop("building_id"))
    if "source_building_ids" in data:
        data["source_buildings"] = _buildings(request, data.pop("source_building_ids") or [])
    if data:
        services.plan_update(actor=request.user, plan=plan, **data)
    return _plan_detail(request, plan)


@router.post("/plans/{int:pk}/status", response=PlanDetailOut)
def change_plan_status(request, pk: Id, payload: PlanStatusIn):
    """Move the plan to one of `allowed_statuses`, through the plan's state machine as on the plan
    page (draft → active → completed, back one step; completing waits for every reused piece)."""
    plan = _plan(request, pk, "reuse_relocation.manage_plan")
    plan = services.plan_change_status(actor=request.user, plan=plan, to_status=payload.to_status,
                                       comment=payload.comment)
    return _plan_detail(request, plan)


@router.post("/plans/{int:pk}/match", response=MatchOut)
def run_matching(request, pk: Id):
    """Match every undecided line to stock (own items first, then used offers, then new); lines the
    planner set are kept. Returns the pieces by source and what changed."""
    plan = _plan(request, pk, "reuse_relocation.manage_plan")
    return services.plan_match(actor=request.user, plan=plan)


# --- Needs ----------------------------------------------------------------------------------
@router.get("/plans/{int:pk}/needs", response=list[NeedOut])
@paginate(Pagination)
def list_needs(request, pk: Id, room_id: Id | None = None):
    plan = _plan(request, pk)
    qs = plan.needs.order_by("room__number", "pk")
    return qs.filter(room_id=room_id) if room_id else qs


@router.post("/plans/{int:pk}/needs", response={201: NeedOut})
def create_need(request, pk: Id, payload: NeedIn):
    """Add a need to a room of the target building (its lines start open until the next matching)."""
    plan = _plan(request, pk, "reuse_relocation.manage_plan")
    data = _need_refs(request, plan, payload.dict())
    return Answer(201, services.need_create(actor=request.user, plan=plan, **data))


@router.patch("/plans/{int:pk}/needs/{int:need_pk}", response=NeedOut)
def update_need(request, pk: Id, need_pk: Id, payload: NeedPatch):
    plan = _plan(request, pk, "reuse_relocation.manage_plan")
    need = queries.need_get(plan=plan, pk=need_pk)
    data = _need_refs(request, plan, payload.changes())
    if data:
        need = services.need_update(actor=request.user, need=need, **data)
    return need


@router.delete("/plans/{int:pk}/needs/{int:need_pk}", response={204: None})
def delete_need(request, pk: Id, need_pk: Id):
    plan = _plan(request, pk, "reuse_relocation.manage_plan")
    services.need_delete(actor=request.user, need=queries.need_get(plan=plan, pk=need_pk))
    return Answer(204, None)


# --- Lines and overrides ----------------------------------------------------------------------
@router.get("/plans/{int:pk}/lines", response=list[LineOut])
@paginate(Pagination)
def list_lines(request, pk: Id, source: Line.Source | None = None, category_id: Id | None = None,
               room_id: Id | None = None, delivered: Literal["", "yes", "no"] = "", locked: Literal["", "yes"] = ""):
    """One line per piece needed, with where it comes from."""
    plan = _plan(request, pk)
    return queries.line_list(plan=plan, source=source or "", category_id=category_id, room_id=room_id,
                             delivered=delivered, locked=locked)


@router.post("/plans/{int:pk}/lines/{int:line_pk}/override", response=OverrideOut)
def override_line(request, pk: Id, line_pk: Id, payload: OverrideIn):
    """The planner decides one piece: an own item (`item`: number or code), a used offer, new, or
    open. The line is locked, so matching keeps it."""
    plan = _plan(request, pk, "reuse_relocation.manage_plan")
    line = queries.line_get(plan=plan, pk=line_pk)
    item = offer = None
    if payload.source == Line.Source.OWN:
        item = queries.item_for_override(plan=plan, text=payload.item)
        if item is None:
            raise ValidationError({"item": _("No item with this number or code in %(tenant)s.")
                                   % {"tenant": plan.tenant.name}})
    if payload.offer_id:
        offer = queries.offer_get(plan=plan, pk=payload.offer_id)
    warnings = services.line_override(actor=request.user, line=line, source=payload.source, item=item,
                                      offer=offer, comment=payload.comment)
    return {"line": queries.line_get(plan=plan, pk=line_pk), "warnings": warnings}


@router.post("/plans/{int:pk}/lines/{int:line_pk}/unlock", response=LineOut)
def unlock_line(request, pk: Id, line_pk: Id):
    """Give a line back to the matching."""
    plan = _plan(request, pk, "reuse_relocation.manage_plan")
    services.line_unlock(actor=request.user, line=queries.line_get(plan=plan, pk=line_pk))
    return queries.line_get(plan=plan, pk=line_pk)


# --- Move lists -----------------------------------------------------------------------------
@router.get("/plans/{int:pk}/move-lists", response=MoveListsOut)
def move_lists(request, pk: Id):
    """The locations own items come from, with their pieces (for a move list per location)."""
    plan = _plan(request, pk)
    return {"sources": [{"building_id": s["pk"], "name": s["name"], "pieces": s["n"], "delivered": s["delivered"]}
                        for s in queries.source_buildings_of_lines(plan=plan)]}


@router.get("/plans/{int:pk}/move-list", response=list[MoveRowOut], by_alias=True)
def move_list(request, pk: Id, from_building_id: Id | None = None, no_location: bool = False,
              to_room_id: Id | None = None, to_floor_id: Id | None = None):
    """The rows of one move list (as in the PDF and XLSX): own items from one location
    (`from_building_id`, or `no_location`), or everything bound for one room or floor of the
    target building. Give exactly one of them."""
    plan = _plan(request, pk)
    if sum(bool(v) for v in (from_building_id, no_location, to_room_id, to_floor_id)) != 1:
        raise ValidationError(_("Choose one location, room or floor."))
    if from_building_id:
        building = places_queries.building_get(tenant=request.tenant, pk=from_building_id)
        lines = queries.move_lines(plan=plan, building_id=building.pk)
    elif no_location:
        lines = queries.move_lines(plan=plan, no_location=True)
    elif to_room_id:
        lines = queries.move_lines(plan=plan, room_id=queries.plan_room(plan=plan, pk=to_room_id).pk)
    else:
        floor = plan.building.floors.filter(pk=to_floor_id).first()
        if floor is None:
            raise Http404
        lines = queries.move_lines(plan=plan, floor_id=floor.pk)
    return [{**row, "product": str(row["product"]), "from": str(row["from"]), "to": str(row["to"]),
             "source": str(row["source"])} for row in movelists.rows(lines)]

"""Writes of the furnishing plans. Keyword-only, atomic, validated and audited. Items change status
and place only through the inventory's services (`item_change_status`, `item_move`,
`item_register`), and every delivery writes a `ReuseRecord` through `reuse_record`."""

from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from torg.core import audit
from torg.core.ids import normalize_public_code
from torg.core.sequences import next_label
from torg.core.services import create_object, require_same_tenant, update_object
from torg.reuse import services as inventory
from torg.reuse.models import GONE_STATUSES, MARKET_STATUSES, Item, ReuseRecord, Status
from torg.reuse.states import ITEM_MACHINE

from . import matching, queries
from .models import Line, Need, Plan, PurchaseRequest, UsedOffer
from .states import PLAN_MACHINE

PLAN_PREFIX = "FP"
CHUNK = 2000
NEED_FIELDS = ("category", "quantity", "min_width_cm", "max_width_cm", "min_depth_cm", "max_depth_cm", "colour",
               "max_condition", "product", "note")
CONSTRAINT_FIELDS = NEED_FIELDS[2:9]


def _chunks(seq, size=CHUNK):
    seq = list(seq)
    for i in range(0, len(seq), size):
        yield seq[i:i + size]


def _require_editable(plan):
    if not plan.editable:
        raise ValidationError(_("The plan is completed. Reopen it to change it."))


def _touch(plan):
    plan.changed_at = timezone.now()
    Plan.objects.filter(pk=plan.pk).update(changed_at=plan.changed_at)


# --- Plans ----------------------------------------------------------------------------------
def _check_sources(plan_tenant, building, source_buildings):
    require_same_tenant(plan_tenant, *source_buildings, field="source_buildings")
    if building is not None and any(b.pk == building.pk for b in source_buildings):
        raise ValidationError({"source_buildings": _("The target building cannot also be a location being "
                                                     "vacated.")})


@transaction.atomic
def plan_create(*, actor, tenant, name, building, target_reuse_percent=80, source_buildings=(), description="",
                status=Plan.Status.DRAFT) -> Plan:
    require_same_tenant(tenant, building, field="building")
    source_buildings = list(source_buildings)
    _check_sources(tenant, building, source_buildings)
    plan = Plan(tenant=tenant, number=next_label(tenant, PLAN_PREFIX), name=name.strip(), building=building,
                target_reuse_percent=target_reuse_percent, description=description, status=status,
                created_by=audit.actor_or_none(actor))
    create_object(plan, actor=actor, tenant=tenant)
    plan.source_buildings.set(source_buildings)
    return plan


PLAN_FIELDS = {"name", "target_reuse_percent", "description"}


@transaction.atomic
def plan_update(*, actor, plan, source_buildings=None, **fields) -> Plan:
    """Name, target share, description and the locations being vacated (the target building is fixed
    once needs exist: the rooms belong to it)."""
    unknown = set(fields) - PLAN_FIELDS - {"building"}
    if unknown:
        raise ValidationError(_("These fields cannot be edited here: %(fields)s") % {"fields": ", ".join(unknown)})
    if "building" in fields and fields["building"].pk != plan.building_id:
        require_same_tenant(plan.tenant, fields["building"], field="building")
        if plan.needs.exists():
            raise ValidationError({"building": _("The target building cannot change once the plan has needs.")})
    else:
        fields.pop("building", None)
    update_object(plan, actor=actor, tenant=plan.tenant, fields=fields)
    if source_buildings is not None:
        source_buildings = list(source_buildings)
        _check_sources(plan.tenant, plan.building, source_buildings)
        before = sorted(plan.source_buildings.values_list("pk", flat=True))
        after = sorted(b.pk for b in source_buildings)
        if before != after:
            plan.source_buildings.set(source_buildings)
            audit.record(actor=actor, tenant=plan.tenant, obj=plan, action=audit.code(plan, "update"),
                         changes={"source_buildings": [before, after]})
            _touch(plan)
    return plan


@transaction.atomic
def plan_change_status(*, actor, plan, to_status, comment="") -> Plan:
    """Change the plan's status through its state machine (`states.PLAN_MACHINE`): who may, and a
    plan is completed only when every reused piece is delivered."""
    plan = Plan.objects.select_for_update(of=("self",)).get(pk=plan.pk)
    PLAN_MACHINE.apply(plan, to_status, actor=actor, reason=comment)
    return plan


# --- Offers of used furniture ---------------------------------------------------------------
OFFER_FIELDS = {"supplier", "category", "description", "quantity", "unit_price_nok", "width_cm", "depth_cm", "colour",
                "condition", "product"}


def _check_offer_product(plan, fields, category):
    """A catalogue product of the offer's category; its size and colour fill what the offer leaves out."""
    product = fields.get("product")
    if product is None:
        return
    require_same_tenant(plan.tenant, product, field="product")
    if category is not None and product.category_id != category.pk:
        raise ValidationError({"product": _("The product is not in the category %(category)s.")
                               % {"category": category.name}})
    for field, value in (("width_cm", product.width_cm), ("depth_cm", product.depth_cm), ("colour", product.colour)):
        if fields.get(field) in (None, ""):
            fields[field] = value if value is not None else fields.get(field)


@transaction.atomic
def offer_create(*, actor, plan, **fields) -> UsedOffer:
    _require_editable(plan)
    require_same_tenant(plan.tenant, fields.get("supplier"), field="supplier")
    require_same_tenant(plan.tenant, fields.get("category"), field="category")
    _check_offer_product(plan, fields, fields.get("category"))
    offer = create_object(UsedOffer(tenant=plan.tenant, plan=plan, **fields), actor=actor, tenant=plan.tenant)
    _touch(plan)
    return offer


@transaction.atomic
def offer_update(*, actor, offer, **fields) -> UsedOffer:
    plan = offer.plan
    _require_editable(plan)
    unknown = set(fields) - OFFER_FIELDS
    if unknown:
        raise ValidationError(_("These fields cannot be edited here: %(fields)s") % {"fields": ", ".join(unknown)})
    require_same_tenant(plan.tenant, fields.get("supplier"), field="supplier")
    require_same_tenant(plan.tenant, fields.get("category"), field="category")
    if "category" in fields and fields["category"].pk != offer.category_id and offer.lines.exists():
        raise ValidationError({"category": _("Lines use this offer; its category cannot change.")})
    _check_offer_product(plan, fields, fields.get("category", offer.category))
    if "quantity" in fields:
        fixed = offer.lines.filter(Q(locked=True) | Q(delivered_at__isnull=False)).count()
        if fields["quantity"] < fixed:
            raise ValidationError({"quantity": _("%(n)d pieces of this offer are delivered or set by the planner; "
                                                 "the quantity cannot be less.") % {"n": fixed}})
    update_object(offer, actor=actor, tenant=plan.tenant, fields=fields)
    _touch(plan)
    return offer


# --- Needs ----------------------------------------------------------------------------------
def _check_need(plan, room, fields):
    tenant = plan.tenant
    require_same_tenant(tenant, room, field="room")
    require_same_tenant(tenant, fields.get("category"), field="category")
    require_same_tenant(tenant, fields.get("product"), field="product")
    if room is not None and room.building_id != plan.building_id:
        raise ValidationError({"room": _("The room is not in the plan's target building.")})
    product, category = fields.get("product"), fields.get("category")
    if product is not None and category is not None and product.category_id != category.pk:
        raise ValidationError({"product": _("The product is not in the category %(category)s.")
                               % {"category": category.name}})


def _new_lines(need, count):
    return [Line(tenant_id=need.tenant_id, plan_id=need.plan_id, need=need) for _i in range(count)]


@transaction.atomic
def need_create(*, actor, plan, room, category, quantity, **constraints) -> Need:
    _require_editable(plan)
    fields = {"category": category, "quantity": quantity, **constraints}
    _check_need(plan, room, fields)
    need = create_object(Need(tenant=plan.tenant, plan=plan, room=room, **fields), actor=actor, tenant=plan.tenant)
    Line.objects.bulk_create(_new_lines(need, need.quantity))
    _touch(plan)
    return need


def _insert_lines(needs):
    """The open lines of new needs (`quantity` each) in one executemany: `bulk_create` spends most of
    its time compiling SQL per row, which for the thousands of lines of an import or a whole building
    is most of the time."""
    now = timezone.now()
    fields = [f for f in Line._meta.concrete_fields if not f.primary_key]
    qn = connection.ops.quote_name
    sql = (f"INSERT INTO {qn(Line._meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) "
           f"VALUES ({', '.join(['%s'] * len(fields))})")
    rows = []
    for need in needs:
        line = Line(tenant_id=need.tenant_id, plan_id=need.plan_id, need_id=need.pk, created_at=now, updated_at=now)
        rows += [tuple(f.get_db_prep_save(getattr(line, f.attname), connection) for f in fields)] * need.quantity
    with connection.cursor() as cursor:
        for chunk in _chunks(rows, 5000):
            cursor.executemany(sql, chunk)


@transaction.atomic
def needs_create_rows(*, actor, plan, rows, comment="") -> list[Need]:
    """Many needs at once (import, copy): rows are dicts with room, category, quantity and the
    constraint fields, already loaded objects of the tenant. Validated, then written in bulk."""
    _require_editable(plan)
    needs = []
    for r in rows:
        r = dict(r)
        room = r.pop("room")
        _check_need(plan, room, r)
        need = Need(tenant=plan.tenant, plan=plan, room=room, **r)
        # The range constraints (min ≤ max) can only fail when both ends of a range are given: only
        # then ask the database (one query per constraint and row).
        ranges = ((need.min_width_cm, need.max_width_cm), (need.min_depth_cm, need.max_depth_cm))
        need.full_clean(exclude=["tenant", "plan", "room", "category", "product"],
                        validate_constraints=any(lo is not None and hi is not None for lo, hi in ranges))
        needs.append(need)
    Need.objects.bulk_create(needs, batch_size=1000)
    if needs and not needs[0].pk:  # pragma: no cover - databases without RETURNING
        raise RuntimeError("bulk_create did not return primary keys")
    _insert_lines(needs)
    audit.record_many(actor=actor, tenant=plan.tenant, objs=needs, action=lambda o: audit.code(o, "create"), comment=comment,
                      changes=lambda o: audit.diff({}, audit.snapshot(o)))
    if needs:
        _touch(plan)
    return needs


def _release_lines(actor, lines, comment):
    """Let go of the items held by `lines` (delete or reassignment follows): each item that is still
    reserved goes back to the status it had before the plan reserved it."""
    by_status = defaultdict(list)
    ids = [ln.item_id for ln in lines if ln.item_id and not ln.delivered]
    if not ids:
        return
    before = {ln.item_id: ln.item_status_before for ln in lines if ln.item_id}
    for chunk in _chunks(ids):
        for item in Item.objects.filter(pk__in=chunk, status=Status.RESERVED).select_related("tenant",
                                                                                              "product__category"):
            target = before.get(item.pk) or Status.AVAILABLE
            if ITEM_MACHINE.get(Status.RESERVED, target) is None:
                target = Status.AVAILABLE
            by_status[target].append(item)
    for target, items in by_status.items():
        for chunk in _chunks(items):
            inventory.item_change_status(actor=actor, items=chunk, to_status=target, comment=comment, system=True)


def _reserve(actor, items, comment):
    todo = [i for i in items if i.status != Status.RESERVED]
    for chunk in _chunks(todo):
        inventory.item_change_status(actor=actor, items=chunk, to_status=Status.RESERVED, comment=comment, system=True)


def _remove_lines(actor, need, count):
    """Remove `count` undelivered lines of a need: open ones first, then bought, then reused, the
    planner's own choices last."""
    rank = {Line.Source.OPEN: 0, Line.Source.NEW: 1, Line.Source.USED: 2, Line.Source.OWN: 3}
    candidates = sorted(need.lines.filter(delivered_at__isnull=True),
                        key=lambda ln: (ln.locked, rank[ln.source], -ln.pk))[:count]
    _release_lines(actor, candidates, _("Released by furnishing plan %(plan)s") % {"plan": need.plan.number})
    Line.objects.filter(pk__in=[ln.pk for ln in candidates]).delete()


@transaction.atomic
def need_update(*, actor, need, **fields) -> Need:
    plan = need.plan
    _require_editable(plan)
    unknown = set(fields) - set(NEED_FIELDS)
    if unknown:
        raise ValidationError(_("These fields cannot be edited here: %(fields)s") % {"fields": ", ".join(unknown)})
    merged = {"category": fields.get("category", need.category), "product": fields.get("product", need.product)}
    _check_need(plan, need.room, merged)
    delivered = need.lines.filter(delivered_at__isnull=False).count()
    if "category" in fields and fields["category"].pk != need.category_id and delivered:
        raise ValidationError({"category": _("Pieces of this need are delivered; its category cannot change.")})
    if "quantity" in fields and fields["quantity"] < delivered:
        raise ValidationError({"quantity": _("%(n)d pieces are already delivered; the quantity cannot be less.")
                               % {"n": delivered}})
    old_quantity = need.quantity
    update_object(need, actor=actor, tenant=plan.tenant, fields=fields)
    if need.quantity > old_quantity:
        Line.objects.bulk_create(_new_lines(need, need.quantity - old_quantity))
    elif need.quantity < old_quantity:
        _remove_lines(actor, need, old_quantity - need.quantity)
    _touch(plan)
    return need


@transaction.atomic
def need_delete(*, actor, need):
    plan = need.plan
    _require_editable(plan)
    if need.lines.filter(delivered_at__isnull=False).exists():
        raise ValidationError(_("Pieces of this need are delivered; set its quantity to what was delivered "
                                "instead."))
    lines = list(need.lines.all())
    _release_lines(actor, lines, _("Released by furnishing plan %(plan)s") % {"plan": plan.number})
    audit.record(actor=actor, tenant=plan.tenant, obj=need, action=audit.code(need, "delete"),
                 changes={"room": [need.room_id, None], "category": [need.category_id, None],
                          "quantity": [need.quantity, None]})
    Line.objects.filter(need=need).delete()
    need.delete()
    _touch(plan)


@transaction.atomic
def needs_copy(*, actor, plan, from_room, to_rooms, replace=False) -> int:
    """Copy a room's needs to other rooms of the plan; with `replace`, their needs are removed first
    (refused for a room with deliveries). Returns the number of needs created."""
    _require_editable(plan)
    to_rooms = [r for r in to_rooms if r.pk != from_room.pk]
    if not to_rooms:
        raise ValidationError({"rooms": _("Choose at least one other room.")})
    source = list(plan.needs.filter(room=from_room).order_by("pk"))
    if not source:
        raise ValidationError(_("The room has no needs to copy."))
    if replace:
        for need in plan.needs.filter(room__in=to_rooms):
            need_delete(actor=actor, need=need)
    rows = [{"room": room, **{f: getattr(n, f) for f in NEED_FIELDS}} for room in to_rooms for n in source]
    created = needs_create_rows(actor=actor, plan=plan, rows=rows,
                                comment=_("Copied from room %(room)s") % {"room": from_room.number})
    return len(created)


# --- Matching -------------------------------------------------------------------------------
@transaction.atomic
def plan_match(*, actor, plan) -> dict:
    """Match every undecided line of the plan to stock (see `matching`), reserve the newly matched
    items and release those no longer matched. Returns the counts by source and of changed lines."""
    plan = Plan.objects.select_for_update(of=("self",)).select_related("tenant").get(pk=plan.pk)
    _require_editable(plan)
    data = queries.matching_input(plan=plan)
    result = matching.match(needs=data["needs"], lines=data["lines"], stock=data["stock"],
                            products=data["products"], offers=data["offers"])
    comment = _("Furnishing plan %(plan)s") % {"plan": plan.number}
    old = {ln.id: ln for ln in data["lines"]}
    status_before = data["status_before"]  # item id -> status before the plan reserved it
    stock_status = {it.id: it.status for it in data["stock"]}
    held_before = {ln.item_id for ln in data["lines"] if ln.item_id and not (ln.locked or ln.delivered)}
    held_after = {a.item_id for a in result.values() if a.item_id}

    changed = []
    for line_id, a in result.items():
        o = old[line_id]
        if (o.source, o.item_id, o.offer_id) == (a.source, a.item_id, a.offer_id) and \
                data["prices"].get(line_id) == a.unit_price:
            continue
        changed.append(_Change(pk=line_id, source=a.source, item_id=a.item_id, offer_id=a.offer_id,
                               unit_price_nok=a.unit_price,
                               item_status_before=(status_before.get(a.item_id) or stock_status.get(a.item_id, ""))
                               if a.item_id else ""))
    released = held_before - held_after
    newly = held_after - held_before
    if released:
        _release_lines(actor, [Line(item_id=i, item_status_before=status_before.get(i, "")) for i in released],
                       comment)
    if changed:
        _write_lines(changed)
    if newly:
        items = []
        for chunk in _chunks(newly):
            items += Item.objects.filter(pk__in=chunk).select_related("product__category")
        for item in items:  # all of the plan's municipality: one tenant object, not one per item
            item.tenant = plan.tenant
        _reserve(actor, items, comment)
    plan.matched_at = timezone.now()
    plan.save(update_fields=["matched_at", "updated_at"])
    counts = _counts_by_source(result.values())
    counts.update({"changed": len(changed), "reserved": len(newly), "released": len(released)})
    audit.record(actor=actor, tenant=plan.tenant, obj=plan, action="plan_match", changes={"result": [None, counts]})
    return counts


@dataclass(slots=True)
class _Change:
    """A line's new match (plain data: thousands of them per matching, no model instances needed)."""

    pk: int
    source: str
    item_id: int | None
    offer_id: int | None
    unit_price_nok: object
    item_status_before: str


def _write_lines(changed):
    """Write matching results: lines without an item in one UPDATE per distinct value set, lines
    with an item (each its own) in one executemany — far faster than a CASE-per-row bulk_update."""
    now = timezone.now()
    # Free the items first (an item is unique per open line, and one may pass from line to line). A
    # line without an item cannot stay "own" (relocation_line_own_has_item), so it is open until the
    # writes below give it its new match — all inside plan_match's transaction.
    for chunk in _chunks([ln.pk for ln in changed]):
        Line.objects.filter(pk__in=chunk).update(item=None, source=Line.Source.OPEN, updated_at=now)
    groups = defaultdict(list)
    with_item = []
    for ln in changed:
        if ln.item_id:
            with_item.append(ln)
        else:
            groups[(ln.source, ln.offer_id, ln.unit_price_nok)].append(ln.pk)
    for (source, offer_id, price), pks in groups.items():
        for chunk in _chunks(pks):
            Line.objects.filter(pk__in=chunk).update(source=source, offer_id=offer_id, unit_price_nok=price,
                                                     item_status_before="", updated_at=now)
    if with_item:
        table = connection.ops.quote_name(Line._meta.db_table)
        sql = (f"UPDATE {table} SET source = %s, item_id = %s, offer_id = NULL, unit_price_nok = NULL, "
               f"item_status_before = %s, updated_at = %s WHERE id = %s")
        updated_at = Line._meta.get_field("updated_at").get_db_prep_value(now, connection)
        with connection.cursor() as cursor:
            cursor.executemany(sql, [(ln.source, ln.item_id, ln.item_status_before, updated_at, ln.pk)
                                     for ln in with_item])


def _counts_by_source(assignments):
    counts = {"own": 0, "used": 0, "new": 0}
    for a in assignments:
        counts[a.source] += 1
    return counts


# --- Overrides ------------------------------------------------------------------------------
STOCK_STATUSES = (Status.AVAILABLE, Status.FOR_RELOCATION, Status.IN_USE)


@transaction.atomic
def line_override(*, actor, line, source, item=None, offer=None, comment="") -> list[str]:
    """The planner decides a line: an own item, a used offer, buy new, or leave it open. The line is
    locked, so matching keeps it. Returns warnings (e.g. the chosen item does not meet the need's
    constraints); refuses what cannot be (another category, an item that is not stock)."""
    line = Line.objects.select_for_update(of=("self",)).select_related("plan__tenant", "need__category", "need__product",
                                                           "need__room").get(pk=line.pk)
    plan, need = line.plan, line.need
    _require_editable(plan)
    if line.delivered:
        raise ValidationError(_("This piece is already delivered."))
    if source not in Line.Source.values:
        raise ValidationError({"source": _("Choose where the piece comes from.")})
    warnings = []
    plan_comment = comment or _("Furnishing plan %(plan)s") % {"plan": plan.number}
    status_before = ""
    if source == Line.Source.OWN:
        if item is None:
            raise ValidationError({"item": _("Give the number or code of the item.")})
        require_same_tenant(plan.tenant, item, field="item")
        item = Item.objects.select_for_update(of=("self",)).select_related("product__category", "tenant").get(pk=item.pk)
        if item.product.category_id != need.category_id:
            raise ValidationError({"item": _("Item %(number)s is a %(category)s, not a %(wanted)s.")
                                   % {"number": item.number, "category": item.product.category.name,
                                      "wanted": need.category.name}})
        holder = Line.objects.filter(item=item, delivered_at__isnull=True).exclude(pk=line.pk) \
            .select_related("plan").first()
        if holder is not None and (holder.plan_id != plan.pk or holder.locked):
            raise ValidationError({"item": _("Item %(number)s is already matched in %(plan)s.")
                                   % {"number": item.number, "plan": holder.plan}})
        if holder is None and item.status not in STOCK_STATUSES and item.pk != line.item_id:
            raise ValidationError({"item": _("Item %(number)s is “%(status)s” and cannot be used in a plan.")
                                   % {"number": item.number, "status": item.get_status_display()}})
        if line.item_id != item.pk and Line.objects.filter(plan=plan, item=item).exclude(pk=line.pk) \
                .filter(delivered_at__isnull=False).exists():
            raise ValidationError({"item": _("Item %(number)s is already delivered in this plan.")
                                   % {"number": item.number}})
        if holder is not None:  # taken over from an undecided line of this plan
            status_before = holder.item_status_before
            Line.objects.filter(pk=holder.pk).update(item=None, source=Line.Source.OPEN, item_status_before="",
                                                     updated_at=timezone.now())
        else:
            status_before = item.status if item.pk != line.item_id else line.item_status_before
        fit = queries.item_fit_problems(need=need, item=item)
        warnings += fit
    if source == Line.Source.USED:
        if offer is None or offer.plan_id != plan.pk:
            raise ValidationError({"offer": _("Choose one of the plan's offers.")})
        if offer.category_id != need.category_id:
            raise ValidationError({"offer": _("The offer is for %(category)s, not %(wanted)s.")
                                   % {"category": offer.category.name, "wanted": need.category.name}})
        used = offer.lines.exclude(pk=line.pk).filter(Q(locked=True) | Q(delivered_at__isnull=False)).count()
        if used >= offer.quantity:
            raise ValidationError({"offer": _("All %(n)d pieces of this offer are taken.") % {"n": offer.quantity}})
    old_item_id = line.item_id
    if old_item_id and (source != Line.Source.OWN or item.pk != old_item_id):
        _release_lines(actor, [line], plan_comment)
    before = {"source": line.source, "item": line.item_id, "offer": line.offer_id, "locked": line.locked}
    line.source = source
    line.item = item if source == Line.Source.OWN else None
    line.item_status_before = status_before if source == Line.Source.OWN else ""
    line.offer = offer if source == Line.Source.USED else None
    if source == Line.Source.USED:
        line.unit_price_nok = offer.unit_price_nok
    elif source == Line.Source.NEW:
        line.unit_price_nok = queries.new_price(need=need)
    else:
        line.unit_price_nok = None
    line.locked = True
    line.full_clean(exclude=["tenant", "plan", "need", "item", "offer", "delivered_by"])
    line.save()
    if source == Line.Source.OWN and item.status != Status.RESERVED:
        _reserve(actor, [item], plan_comment)
    audit.record(actor=actor, tenant=plan.tenant, obj=line, action="line_override", comment=comment,
                 changes={k: [v, {"source": line.source, "item": line.item_id, "offer": line.offer_id,
                                  "locked": True}[k]] for k, v in before.items()})
    return warnings


@transaction.atomic
def line_unlock(*, actor, line) -> Line:
    """Give a line back to automatic matching (it keeps its current match until matching runs)."""
    _require_editable(line.plan)
    if line.delivered:
        raise ValidationError(_("This piece is already delivered."))
    if line.locked:
        Line.objects.filter(pk=line.pk).update(locked=False, updated_at=timezone.now())
        line.locked = False
        audit.record(actor=actor, tenant=line.plan.tenant, obj=line, action=audit.code(line, "update"), changes={"locked": [True, False]})
        _touch(line.plan)
    return line


# --- Delivery -------------------------------------------------------------------------------
class DeliveryError(ValidationError):
    """A scanned code that cannot be delivered, with the reason for the crew."""


def _delivered_text(line):
    when = formats.date_format(timezone.localtime(line.delivered_at), "SHORT_DATETIME_FORMAT")
    return _("%(number)s was already delivered to room %(room)s (%(when)s).") % {
        "number": line.item.number, "room": line.need.room.number, "when": when}


@transaction.atomic
def deliver_item(*, actor, plan, code) -> Line:
    """The crew scanned or typed an item's code on arrival: move the item into its destination room,
    put it in use, write the ReuseRecord (relocation) and mark the line delivered."""
    if plan.status != Plan.Status.ACTIVE:
        raise DeliveryError(_("The plan is not active: activate it before delivering."))
    normalized = normalize_public_code((code or "").strip().rstrip("/").rsplit("/q/", 1)[-1])
    if not normalized:
        raise DeliveryError(_("That is not a valid code. Codes have 12 letters and digits."))
    item = Item.objects.filter(tenant=plan.tenant, code=normalized).select_related("tenant").first()
    if item is None:
        raise DeliveryError(_("No item with this code in %(tenant)s.") % {"tenant": plan.tenant.name})
    line = Line.objects.select_for_update(of=("self",)).filter(plan=plan, item=item).select_related("need__room").first()
    if line is None:
        other = Line.objects.filter(item=item, delivered_at__isnull=True).exclude(plan=plan) \
            .select_related("plan").first()
        if other is not None:
            raise DeliveryError(_("%(number)s belongs to another plan (%(plan)s), not this one.")
                                % {"number": item.number, "plan": other.plan})
        raise DeliveryError(_("%(number)s is not in this plan. Leave it aside and tell the planner.")
                            % {"number": item.number})
    if line.delivered:
        line.item = item
        raise DeliveryError(_delivered_text(line))
    return deliver_lines(actor=actor, plan=plan, lines=[line])[0]


LINE_DELIVERY_RELATED = ("need__room__building", "need__category", "item__building", "item__room",
                         "item__owner_unit", "item__tenant", "item__product__category")


def _lock_lines(plan, lines, *related):
    """The plan's lines with these ids, locked and loaded again (they may have changed since the
    caller read them), in id order; a DeliveryError when one is not of the plan."""
    ids = sorted({ln.pk for ln in lines})
    locked = []
    for chunk in _chunks(ids):
        locked += Line.objects.select_for_update(of=("self",)).filter(plan=plan, pk__in=chunk) \
            .select_related(*related).order_by("pk")
    if len(locked) != len(ids):
        raise DeliveryError(_("Only lines of this plan can be delivered here."))
    return locked


@transaction.atomic
def deliver_lines(*, actor, plan, lines) -> list[Line]:
    """Deliver own items of the plan: move each into its destination room, put it in use, write its
    ReuseRecord (relocation) and mark the lines delivered. The scan page delivers one; a whole room
    or floor at once goes through here too (lines already delivered are left out)."""
    if plan.status != Plan.Status.ACTIVE:
        raise DeliveryError(_("The plan is not active: activate it before delivering."))
    lines = [ln for ln in _lock_lines(plan, lines, *LINE_DELIVERY_RELATED) if not ln.delivered]
    if any(ln.source != Line.Source.OWN or not ln.item_id for ln in lines):
        raise DeliveryError(_("Only reused own items of this plan can be delivered here."))
    for ln in lines:
        item = ln.item
        if item.status in GONE_STATUSES or item.status in MARKET_STATUSES:
            raise DeliveryError(_("%(number)s is “%(status)s” in the inventory and cannot be delivered.")
                                % {"number": item.number, "status": item.get_status_display()})
    if not lines:
        return []
    comment = _("Delivered for furnishing plan %(plan)s") % {"plan": plan.number}
    from_building = {ln.item.pk: (ln.item.building, ln.item.owner_unit) for ln in lines}
    by_room = defaultdict(list)
    for ln in lines:
        room = ln.need.room
        if ln.item.room_id != room.pk or ln.item.building_id != room.building_id:
            by_room[room].append(ln.item)
    for room, items in by_room.items():
        inventory.item_move(actor=actor, items=items, room=room, comment=comment)
    not_in_use = [ln.item for ln in lines if ln.item.status != Status.IN_USE]
    for chunk in _chunks(not_in_use):
        inventory.item_change_status(actor=actor, items=chunk, to_status=Status.IN_USE, comment=comment, system=True)
    now = timezone.now()
    rows = []
    for ln in lines:
        building, unit = from_building[ln.item.pk]
        rows.append({"item": ln.item, "from_building": building, "to_building": plan.building, "from_unit": unit,
                     "to_unit": unit, "reference": plan.number})
        ln.delivered_at, ln.delivered_by = now, audit.actor_or_none(actor)
    inventory.reuse_record_many(actor=actor, kind=ReuseRecord.Kind.RELOCATION, rows=rows, occurred_at=now)
    for chunk in _chunks([ln.pk for ln in lines]):
        Line.objects.filter(pk__in=chunk).update(delivered_at=now, delivered_by=audit.actor_or_none(actor),
                                                 updated_at=now)
    audit.record_many(actor=actor, tenant=plan.tenant, objs=lines, action="line_deliver",
                      changes=lambda o: {"item": [None, o.item_id]})
    return lines


def _used_product(actor, plan, offer):
    """What a delivered piece of `offer` is in the catalogue: the offer's product, else the product
    found or registered from its description, size and colour."""
    if offer.product_id:
        return offer.product
    return inventory.product_find_or_create(
        actor=actor, tenant=plan.tenant, category=offer.category, model_name=offer.description[:150],
        colour=offer.colour, width_cm=offer.width_cm, depth_cm=offer.depth_cm)


@transaction.atomic
def deliver_used_lines(*, actor, plan, lines, claim_code="") -> list[Line]:
    """Used purchases arrived: register each piece as a new item of the inventory in its destination
    room, in use — an item of the offer's catalogue product when it has one — write its ReuseRecord
    (bought used) and mark the lines delivered. One piece may go on a pre-printed label
    (`claim_code`); a room's or a floor's pieces at once go through here too."""
    if plan.status != Plan.Status.ACTIVE:
        raise DeliveryError(_("The plan is not active: activate it before delivering."))
    lines = _lock_lines(plan, lines, "need__room__building", "need__category", "item", "offer__category",
                        "offer__supplier", "offer__product")
    for ln in lines:
        if ln.source != Line.Source.USED:
            raise DeliveryError(_("This line is not a used purchase."))
        if ln.delivered:
            raise DeliveryError(_("This used purchase is already delivered as %(number)s.")
                                % {"number": ln.item.number if ln.item_id else "–"})
    if claim_code and len(lines) != 1:
        raise DeliveryError(_("A pre-printed label can be claimed for one item only."))
    products = {}
    by_supplier = defaultdict(list)  # one registration (and history comment) per supplier
    for ln in lines:
        if ln.offer_id not in products:
            products[ln.offer_id] = _used_product(actor, plan, ln.offer)
        by_supplier[ln.offer.supplier].append(ln)
    rows = []
    for supplier, group in by_supplier.items():
        comment = _("Bought used from %(supplier)s for furnishing plan %(plan)s") % {
            "supplier": supplier.name, "plan": plan.number}
        rows_ = [{"product": products[ln.offer_id], "room": ln.need.room, "condition": ln.offer.condition,
                  "status": Status.IN_USE} for ln in group]
        if claim_code:  # the one piece on a pre-printed label, with the label's own checks and messages
            items = inventory.item_register(actor=actor, tenant=plan.tenant, claim_code=claim_code, comment=comment,
                                            **rows_[0])
        else:
            items = inventory.item_register_rows(actor=actor, tenant=plan.tenant, comment=comment, rows=rows_)
        for ln, item in zip(group, items, strict=True):
            ln.item = item
            rows.append({"item": item, "to_building": plan.building,
                         "reference": f"{plan.number} {supplier.name}"[:100]})
    now = timezone.now()
    inventory.reuse_record_many(actor=actor, kind=ReuseRecord.Kind.BOUGHT_USED, rows=rows, occurred_at=now)
    for ln in lines:
        ln.delivered_at, ln.delivered_by = now, audit.actor_or_none(actor)
    Line.objects.bulk_update(lines, ["item", "delivered_at", "delivered_by", "updated_at"], batch_size=500)
    audit.record_many(actor=actor, tenant=plan.tenant, objs=lines, action="line_deliver",
                      changes=lambda o: {"item": [None, o.item_id]})
    return lines


@transaction.atomic
def deliver_used(*, actor, line, claim_code="") -> Line:
    """One used purchase arrived (the delivery page): see `deliver_used_lines`."""
    return deliver_used_lines(actor=actor, plan=line.plan, lines=[line], claim_code=claim_code)[0]


# --- "Reuse first" purchase requests --------------------------------------------------------
@transaction.atomic
def purchase_request_create(*, actor, tenant, unit, category, quantity, reason, decision, decision_reason="",
                            seen_available=None) -> PurchaseRequest:
    """Record a unit's purchase need with its decision. The available stock is counted again here:
    if it grew since the unit looked (`seen_available`), the unit must look again."""
    require_same_tenant(tenant, unit, field="unit")
    require_same_tenant(tenant, category, field="category")
    available = queries.available_count(tenant=tenant, category=category)
    if seen_available is None or available > seen_available:
        raise ValidationError({"decision": _("%(n)d matching items are available in stock. Look at them before "
                                             "you decide.") % {"n": available}})
    if decision not in PurchaseRequest.Decision.values:
        raise ValidationError({"decision": _("Choose whether to use stock or buy.")})
    decision_reason = (decision_reason or "").strip()
    if decision == PurchaseRequest.Decision.BUY and available and not decision_reason:
        raise ValidationError({"decision_reason": _("Say why the %(n)d available items cannot be used.")
                               % {"n": available}})
    if decision == PurchaseRequest.Decision.USE_STOCK and not available:
        raise ValidationError({"decision": _("There is nothing in stock to use.")})
    request = PurchaseRequest(tenant=tenant, unit=unit, category=category, quantity=quantity, reason=reason.strip(),
                              available_count=available, decision=decision, decision_reason=decision_reason,
                              requested_by=audit.actor_or_none(actor))
    return create_object(request, actor=actor, tenant=tenant)


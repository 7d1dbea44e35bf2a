"""Writes of the reuse inventory. Every function is keyword-only, atomic, validated and audited.

An item's history is its audit events (`audit.history_for(item, tenant)`), one per fact, with the
codes `item_create`, `item_edit`, `item_move`, `item_photo_add`, `item_photo_remove` and the item
machine's `item_<verb>` for status changes (states.py); bulk writes use `audit.record_many`."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from torg.core import audit, photos
from torg.core.ids import format_sequence, new_public_code, normalize_public_code
from torg.core.sequences import next_number
from torg.core.services import create_object, require_same_tenant, set_archived, update_object

from .models import (
    GONE_STATUSES, MARKET_STATUSES, Category, ImportJob, Item, ItemPhoto, Label,
    Product, ProductPhoto, ReuseRecord, ReuseRole, Status,
)
from .states import ITEM_MACHINE
from .taxonomy import seed_categories

ITEM_PREFIX = "M"
MAX_REGISTER_COUNT = 500
MAX_LABEL_BATCH = 2000


# --- Categories and products ----------------------------------------------------------------
@transaction.atomic
def category_seed_defaults(*, tenant) -> int:
    return seed_categories(tenant, Category)


def _category_key(tenant, name):
    base = (slugify(name.replace("æ", "ae").replace("ø", "o").replace("å", "aa")).replace("-", "_") or "category")[:44]
    taken = set(Category.objects.filter(tenant=tenant, key__startswith=base).values_list("key", flat=True))
    key, n = base, 2
    while key in taken:
        key, n = f"{base}_{n}", n + 1
    return key


def _check_category_name(tenant, name, exclude_pk=None):
    clash = Category.objects.filter(tenant=tenant, name__iexact=name.strip()).exclude(pk=exclude_pk).first()
    if clash is not None:
        raise ValidationError({"name": _("There is already a category called “%(name)s”%(archived)s.") % {
            "name": clash.name, "archived": _(" (archived)") if clash.archived else ""}})


@transaction.atomic
def category_create(*, actor, tenant, name, key="", **fields) -> Category:
    """A new category of the tenant's taxonomy; the key is made from the name when not given."""
    name = name.strip()
    _check_category_name(tenant, name)
    key = key or _category_key(tenant, name)
    if "sort_order" not in fields or fields["sort_order"] is None:
        last = Category.objects.filter(tenant=tenant).order_by("-sort_order").values_list("sort_order", flat=True)
        fields["sort_order"] = (last.first() or 0) + 10
    return create_object(Category(tenant=tenant, key=key, name=name, **fields), actor=actor, tenant=tenant)


CATEGORY_FIELDS = {"name", "default_weight_kg", "sort_order"}


@transaction.atomic
def category_update(*, actor, category, **fields) -> Category:
    """Rename a category or change its defaults. Its key (used by imports) stays; products keep it."""
    unknown = set(fields) - CATEGORY_FIELDS
    if unknown:
        raise ValidationError(_("These fields cannot be edited here: %(fields)s") % {"fields": ", ".join(unknown)})
    if "name" in fields:
        fields["name"] = fields["name"].strip()
        _check_category_name(category.tenant, fields["name"], exclude_pk=category.pk)
    return update_object(category, actor=actor, tenant=category.tenant, fields=fields)


@transaction.atomic
def category_set_archived(*, actor, category, archived) -> Category:
    """Archive (or restore) a category: it is no longer offered for new products, registration and
    import; products and items that have it keep it and are still found by it."""
    return set_archived(category, actor=actor, tenant=category.tenant, archived=archived)


@transaction.atomic
def product_create(*, actor, tenant, category, **fields) -> Product:
    """A new product. Its weight defaults to the category's; its CO2e is only its own value (e.g. from
    an EPD) — without one, the impact reports use the category's factor from the factor library."""
    require_same_tenant(tenant, category, field="category")
    product = Product(tenant=tenant, category=category, **fields)
    if product.weight_kg is None and category.default_weight_kg is not None:
        product.weight_kg = category.default_weight_kg
    return create_object(product, actor=actor, tenant=tenant)


class RowValidationError(ValidationError):
    """A ValidationError of row `index` of a batch (so an import can name the line)."""

    def __init__(self, index, error):
        super().__init__(error.messages)
        self.index, self.error = index, error


@transaction.atomic
def product_create_many(*, actor, tenant, rows) -> list[Product]:
    """Create several products at once (the import): the same defaults and validation as
    `product_create`, one insert and one audit write for all. Each row: category plus fields."""
    products = []
    for index, fields in enumerate(rows):
        fields = {k: v for k, v in fields.items() if v not in (None, "")}
        category = fields.pop("category")
        require_same_tenant(tenant, category, field="category")
        product = Product(tenant=tenant, category=category, **fields)
        if product.weight_kg is None and category.default_weight_kg is not None:
            product.weight_kg = category.default_weight_kg
        try:
            product.full_clean(exclude=["tenant", "category"])  # both checked above, already loaded
        except ValidationError as exc:
            raise RowValidationError(index, exc) from exc
        products.append(product)
    created = Product.objects.bulk_create(products, batch_size=1000)
    if created and not created[0].pk:  # pragma: no cover - databases without RETURNING
        raise RuntimeError("bulk_create did not return primary keys")
    audit.record_many(actor=actor, tenant=tenant, objs=created, action=lambda o: audit.code(o, "create"),
                      changes=lambda o: audit.diff({}, audit.snapshot(o)))
    return created


@transaction.atomic
def product_update(*, actor, product, photo=None, **fields) -> Product:
    """Edit a product (every item of it sees the change); `photo` adds a catalogue photo."""
    if "category" in fields:
        require_same_tenant(product.tenant, fields["category"], field="category")
    update_object(product, actor=actor, tenant=product.tenant, fields=fields)
    if photo:
        product_add_photo(actor=actor, product=product, upload=photo)
    return product


@transaction.atomic
def product_find_or_create(*, actor, tenant, category, manufacturer="", model_name="", colour="", **extra) -> Product:
    """The tenant's product with this category, manufacturer, model and colour, or a new one."""
    require_same_tenant(tenant, category, field="category")
    found = Product.objects.filter(
        tenant=tenant, category=category, archived=False, manufacturer__iexact=manufacturer.strip(),
        model_name__iexact=model_name.strip(), colour__iexact=colour.strip(),
    ).order_by("pk").first()
    if found:
        return found
    extra = {k: v for k, v in extra.items() if v not in (None, "")}
    return product_create(actor=actor, tenant=tenant, category=category, manufacturer=manufacturer.strip(),
                          model_name=model_name.strip(), colour=colour.strip(), **extra)


@transaction.atomic
def product_add_photo(*, actor, product, upload) -> ProductPhoto:
    """A catalogue photo of the product (re-encoded like every upload), shown for all its items."""
    photo = photos.save_photo(ProductPhoto(tenant=product.tenant, product=product), upload)
    audit.record(actor=actor, tenant=product.tenant, obj=product, action="product_photo_add",
                 changes={"photo": [None, photo.image.name]})
    return photo


@transaction.atomic
def photo_remove(*, actor, photo) -> None:
    """Remove a wrongly taken photo of an item or a product (the file goes with it, unless another
    photo row shares it: several items registered together, demo photos, a partner's item)."""
    is_item = isinstance(photo, ItemPhoto)
    owner = photo.item if is_item else photo.product
    name = photo.image.name
    audit.record(actor=actor, tenant=owner.tenant, obj=owner,
                 action="item_photo_remove" if is_item else "product_photo_remove", changes={"photo": [name, None]})
    photo.delete()
    photos.release(name)


# --- Locations ------------------------------------------------------------------------------
def _location(tenant, building, room):
    """Check and complete (building, room): the room decides the building."""
    require_same_tenant(tenant, building, field="building")
    require_same_tenant(tenant, room, field="room")
    if room is not None:
        if building is not None and room.building_id != building.pk:
            raise ValidationError({"room": _("The room is not in the selected building.")})
        building = room.building
    return building, room


# --- Items ----------------------------------------------------------------------------------
def _claim(tenant, code):
    """The unclaimed pre-printed label with this code in the tenant (locked), or a ValidationError."""
    normalized = normalize_public_code(code)
    label = None
    if normalized:
        label = Label.objects.select_for_update().filter(tenant=tenant, code=normalized).first()
    if label is None:
        raise ValidationError({"claim_code": _("No pre-printed label with this code exists.")})
    if label.item_id is not None:
        raise ValidationError({"claim_code": _("This label is already used for item %(number)s.")
                               % {"number": label.item.number}})
    return label


@transaction.atomic
def item_register(*, actor, tenant, product, count=1, building=None, room=None, placement_text="",
                  condition=1, damage_description="", status=Status.IN_USE, parent=None, owner_unit=None,
                  claim_code="", photo=None, comment="") -> list[Item]:
    """Register `count` identical items; returns them in number order.

    With `claim_code` the single item gets the pre-printed label's code; otherwise each item gets
    a new unguessable code. A photo (optional) is attached to every item registered.
    """
    if not 1 <= count <= MAX_REGISTER_COUNT:
        raise ValidationError({"count": _("Register between 1 and %(max)d items at a time.")
                               % {"max": MAX_REGISTER_COUNT}})
    if status not in Status.values or status in (Status.DISPOSED, Status.ORDERED, Status.GIVEN_AWAY):
        raise ValidationError({"status": _("A new item cannot have this status.")})
    require_same_tenant(tenant, product, field="product")
    require_same_tenant(tenant, parent, field="parent")
    require_same_tenant(tenant, owner_unit, field="owner_unit")
    building, room = _location(tenant, building, room)
    label = None
    if claim_code:
        if count != 1:
            raise ValidationError({"claim_code": _("A pre-printed label can be claimed for one item only.")})
        label = _claim(tenant, claim_code)
    jpeg = photos.reencode_photo(photo) if photo else None

    first = next_number(tenant, ITEM_PREFIX, count)
    items = []
    for i in range(count):
        item = Item(
            tenant=tenant, code=label.code if label else new_public_code(),
            number=format_sequence(ITEM_PREFIX, first + i), product=product, building=building, room=room,
            placement_text=placement_text, condition=condition, damage_description=damage_description,
            status=status, parent=parent, owner_unit=owner_unit,
        )
        item.full_clean(validate_unique=False, validate_constraints=False)
        items.append(item)
    Item.objects.bulk_create(items)
    if not items[0].pk:  # pragma: no cover - databases without RETURNING
        items = list(Item.objects.filter(tenant=tenant, number__in=[i.number for i in items]).order_by("pk"))
    if label is not None:
        label.item = items[0]
        label.claimed_at = timezone.now()
        label.save(update_fields=["item", "claimed_at", "updated_at"])
    if jpeg is not None:  # one file, shared by the photo rows of all the items registered together
        content, width, height = jpeg
        first = ItemPhoto(tenant=tenant, item=items[0], width=width, height=height)
        first.image.save("photo.jpg", content, save=True)
        ItemPhoto.objects.bulk_create([ItemPhoto(tenant=tenant, item=item, image=first.image.name, width=width,
                                                 height=height) for item in items[1:]])
    audit.record_many(actor=actor, tenant=tenant, objs=items, action="item_create", comment=comment,
                      changes=lambda o: audit.diff({}, audit.snapshot(o)))
    return items


ITEM_FIELDS = {"placement_text", "condition", "damage_description", "status"}


@transaction.atomic
def item_register_rows(*, actor, tenant, rows, comment="") -> list[Item]:
    """Register many rows of items at once (the import): the same checks, codes, numbers, history
    and audit as `item_register`, but a handful of queries per thousand items instead of ~10 per row.

    Each row is a dict with product, building and/or room, count (default 1), claim_code (optional)
    and the item fields placement_text, condition, damage_description, status. The products,
    buildings and rooms must already be loaded objects of the tenant.
    """
    rows = list(rows)
    claims = {}
    for r in rows:
        count = r.get("count", 1)
        if not 1 <= count <= MAX_REGISTER_COUNT:
            raise ValidationError({"count": _("Register between 1 and %(max)d items at a time.")
                                   % {"max": MAX_REGISTER_COUNT}})
        status = r.get("status", Status.IN_USE)
        if status not in Status.values or status in (Status.DISPOSED, Status.ORDERED, Status.GIVEN_AWAY):
            raise ValidationError({"status": _("A new item cannot have this status.")})
        room, building = r.get("room"), r.get("building")
        require_same_tenant(tenant, r["product"], field="product")
        require_same_tenant(tenant, building, field="building")
        require_same_tenant(tenant, room, field="room")
        if room is not None and building is not None and room.building_id != building.pk:
            raise ValidationError({"room": _("The room is not in the selected building.")})
        if r.get("claim_code"):
            if count != 1:
                raise ValidationError({"claim_code": _("A pre-printed label can be claimed for one item only.")})
            code = normalize_public_code(r["claim_code"])
            if not code or code in claims:
                raise ValidationError({"claim_code": _("No pre-printed label with this code exists.")})
            claims[code] = None
    if claims:
        for label in Label.objects.select_for_update().filter(tenant=tenant, code__in=list(claims),
                                                              item__isnull=True):
            claims[label.code] = label
        if not all(claims.values()):
            raise ValidationError({"claim_code": _("No pre-printed label with this code exists.")})
    total = sum(r.get("count", 1) for r in rows)
    if not total:
        return []
    number = next_number(tenant, ITEM_PREFIX, total)
    items, claimed = [], []
    skip = ["tenant", "product", "building", "room", "parent", "owner_unit"]  # checked above, already loaded
    for r in rows:
        room = r.get("room")
        code = normalize_public_code(r["claim_code"]) if r.get("claim_code") else ""
        for _i in range(r.get("count", 1)):
            item = Item(tenant=tenant, code=code or new_public_code(), number=format_sequence(ITEM_PREFIX, number),
                        product=r["product"], room=room, **{k: v for k, v in r.items() if k in ITEM_FIELDS})
            if room is not None:
                item.building_id = room.building_id
            else:
                item.building = r.get("building")
            item.full_clean(exclude=skip, validate_unique=False, validate_constraints=False)
            items.append(item)
            if code:
                claimed.append((claims[code], item))
            number += 1
    Item.objects.bulk_create(items, batch_size=1000)
    if items and not items[0].pk:  # pragma: no cover - databases without RETURNING
        by_number = dict(Item.objects.filter(tenant=tenant, number__in=[i.number for i in items])
                         .values_list("number", "pk"))
        for item in items:
            item.pk = by_number[item.number]
    if claimed:
        now = timezone.now()
        for label, item in claimed:
            label.item, label.claimed_at, label.updated_at = item, now, now
        Label.objects.bulk_update([lb for lb, _i in claimed], ["item", "claimed_at", "updated_at"])
    audit.record_many(actor=actor, tenant=tenant, objs=items, action="item_create", comment=comment,
                      changes=lambda o: audit.diff({}, audit.snapshot(o)))
    return items


EDITABLE_FIELDS = {"product", "condition", "damage_description", "parent", "owner_unit"}


@transaction.atomic
def item_update(*, actor, item, comment="", **fields) -> Item:
    """Edit the item's description (not its location or status: see item_move/item_change_status)."""
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise ValidationError(_("These fields cannot be edited here: %(fields)s") % {"fields": ", ".join(unknown)})
    for key in ("product", "parent", "owner_unit"):
        if fields.get(key) is not None:
            require_same_tenant(item.tenant, fields[key], field=key)
    if fields.get("parent") is not None and fields["parent"].pk == item.pk:
        raise ValidationError({"parent": _("An item cannot be a part of itself.")})
    if all(getattr(item, key) == value for key, value in fields.items()):
        return item  # the phone form sends every field: only a real change is a history entry
    return update_object(item, actor=actor, tenant=item.tenant, fields=fields, action="item_edit", comment=comment)


def _item_name(item):
    return _("Item %(number)s") % {"number": item.number}


@transaction.atomic
def item_change_status(*, actor, items, to_status, comment="", system=False) -> list[Item]:
    """Change the status of one item or a selection through the item machine (`states.ITEM_MACHINE`).

    - `actor`: who makes the change (recorded in the history even when `system`).
    - `items`: items of one municipality; they are locked and read again, so a stale status in the
      caller's objects does no harm. Items already in `to_status` are left alone.
    - `to_status`: a `Status` value. `comment`: kept as the history entry's comment.
    - `system=False`: a person's change (item page, selection, API): the actor must play one of the
      machine's people parts for every item (a reuse role that may change status, a location
      manager only in their buildings), else `PermissionDenied`. The statuses the marketplace
      manages (listed, ordered, given away) are never entered or left this way.
      `system=True`: the marketplace's and the relocation plans' services, after their own permission
      checks: the change plays the part `states.SYSTEM`, which the marketplace transitions require.

    All or nothing: a transition that is not declared for one item refuses the whole selection
    (`ValidationError` naming the item and the allowed next statuses). One UPDATE and one history
    entry per changed item (audit action `item_<verb>`). Returns the changed items, with their new
    status set; refuses a selection where nothing changes."""
    items = list(items)
    if not items:
        raise ValidationError(_("Select at least one item."))
    if len({i.tenant_id for i in items}) != 1:
        raise ValidationError(_("The selection spans more than one municipality."))
    tenant = items[0].tenant
    current = dict(Item.objects.select_for_update().filter(pk__in=[i.pk for i in items]).values_list("pk", "status"))
    for item in items:
        item.tenant = tenant  # one tenant object for the role checks, no query per item
        item.status = current[item.pk]
    if all(i.status == to_status for i in items):
        if to_status not in Status.values:
            raise ValidationError({"to_status": _("Unknown status “%(status)s”.") % {"status": to_status}})
        raise ValidationError(_("The selected items already have the status “%(to)s”.")
                              % {"to": Status(to_status).label})
    return ITEM_MACHINE.apply_many(items, to_status, actor=actor, reason=comment, system=system,
                                   describe=_item_name)


@transaction.atomic
def item_move(*, actor, items, room=None, building=None, placement_text="", comment="") -> list[Item]:
    """Move one item or a selection to a room (or a building without a room) and placement."""
    items = list(items)
    if not items:
        raise ValidationError(_("Select at least one item."))
    tenant = items[0].tenant
    if any(i.tenant_id != tenant.pk for i in items):
        raise ValidationError(_("The selection spans more than one municipality."))
    if room is None and building is None:
        raise ValidationError({"building": _("Choose the building or room to move to.")})
    building, room = _location(tenant, building, room)
    gone = [i for i in items if i.status in GONE_STATUSES]
    if gone:
        raise ValidationError(_("Item %(number)s has left the inventory (%(status)s) and cannot be moved.")
                              % {"number": gone[0].number, "status": Status(gone[0].status).label})
    held = [i for i in items if i.status in MARKET_STATUSES]
    if held:
        raise ValidationError(_("Item %(number)s is %(status)s in the marketplace and cannot be moved. "
                                "Withdraw the listing or finish the order first.")
                              % {"number": held[0].number, "status": Status(held[0].status).label.lower()})
    after = {"building": building.pk if building else None, "room": room.pk if room else None,
             "placement_text": placement_text}
    moved, changes = [], {}
    for item in items:
        # From → to of what changed, by field: the history shows the building and room by name.
        change = {k: [v, after[k]] for k, v in (("building", item.building_id), ("room", item.room_id),
                                                  ("placement_text", item.placement_text)) if v != after[k]}
        if not change:
            continue
        changes[item.pk] = change
        item.building, item.room, item.placement_text = building, room, placement_text
        moved.append(item)
    if not moved:
        raise ValidationError(_("The selected items are already there."))
    Item.objects.filter(pk__in=[i.pk for i in moved]).update(
        building=building, room=room, placement_text=placement_text, updated_at=timezone.now())
    audit.record_many(actor=actor, tenant=tenant, objs=moved, action="item_move", comment=comment,
                      changes=lambda o: changes[o.pk])
    return moved


@transaction.atomic
def item_add_photo(*, actor, item, upload) -> ItemPhoto:
    photo = photos.save_photo(ItemPhoto(tenant=item.tenant, item=item), upload)
    audit.record(actor=actor, tenant=item.tenant, obj=item, action="item_photo_add",
                 changes={"photo": [None, photo.image.name]})
    return photo


@transaction.atomic
def item_reuse_photos(*, actor, item, photos) -> list[ItemPhoto]:
    """Show already stored photos (e.g. those of the item it came from in a partner municipality) for
    `item` too, without copying the files: `photo_remove` deletes a file only when nothing uses it."""
    rows = ItemPhoto.objects.bulk_create([ItemPhoto(tenant=item.tenant, item=item, image=p.image.name, width=p.width,
                                                    height=p.height) for p in photos])
    if rows:
        audit.record(actor=actor, tenant=item.tenant, obj=item, action="item_photo_add",
                     changes={"photo": [None, [r.image.name for r in rows]]})
    return rows


@transaction.atomic
def item_save_changes(*, actor, item, comment="", status=None, building=None, room=None, placement_text=None,
                      photo=None, **fields) -> Item:
    """The phone edit form: description fields, location, status and a photo in one transaction."""
    if fields:
        item_update(actor=actor, item=item, comment=comment, **fields)
    if building is not None or room is not None or placement_text is not None:
        new_building, new_room = _location(item.tenant, building, room)
        placement = item.placement_text if placement_text is None else placement_text
        if ((new_building.pk if new_building else None) != item.building_id
                or (new_room.pk if new_room else None) != item.room_id or placement != item.placement_text):
            item_move(actor=actor, items=[item], building=new_building, room=new_room, placement_text=placement,
                      comment=comment)
    if status and status != item.status:
        item_change_status(actor=actor, items=[item], to_status=status, comment=comment)
    if photo:
        item_add_photo(actor=actor, item=item, upload=photo)
    return item


# --- Labels ---------------------------------------------------------------------------------
@transaction.atomic
def label_batch_create(*, actor, tenant, count) -> list[Label]:
    """A batch of new unassigned codes for pre-printed labels."""
    if not 1 <= count <= MAX_LABEL_BATCH:
        raise ValidationError({"count": _("Print between 1 and %(max)d labels at a time.") % {"max": MAX_LABEL_BATCH}})
    batch = next_number(tenant, "reuse-label-batch")
    labels = Label.objects.bulk_create([Label(tenant=tenant, code=new_public_code(), batch=batch)
                                        for _i in range(count)])
    if not labels[0].pk:  # pragma: no cover
        labels = list(Label.objects.filter(tenant=tenant, batch=batch).order_by("pk"))
    audit.record_many(actor=actor, tenant=tenant, objs=labels, action=lambda o: audit.code(o, "create"),
                      changes={"batch": [None, batch]})
    return labels


# --- Roles ----------------------------------------------------------------------------------
@transaction.atomic
def reuse_role_set(*, actor, membership, role, buildings=()) -> ReuseRole | None:
    """Give a member a reuse role (with buildings for a location manager); role "" removes it."""
    existing = ReuseRole.objects.filter(membership=membership).first()
    if not role:
        if existing:
            audit.record(actor=actor, tenant=membership.tenant, obj=existing, action=audit.code(existing, "delete"))
            existing.delete()
        return None
    if role not in ReuseRole.Role.values:
        raise ValidationError({"role": _("Unknown reuse role.")})
    buildings = list(buildings)
    require_same_tenant(membership.tenant, *buildings, field="buildings")
    if role == ReuseRole.Role.LOCATION_MANAGER and not buildings:
        raise ValidationError({"buildings": _("Choose the locations the location manager manages.")})
    if existing:
        row = update_object(existing, actor=actor, tenant=membership.tenant, fields={"role": role})
    else:
        row = create_object(ReuseRole(tenant=membership.tenant, membership=membership, role=role),
                            actor=actor, tenant=membership.tenant)
    row.buildings.set(buildings if role == ReuseRole.Role.LOCATION_MANAGER else [])
    return row


# --- Import jobs (the user's steps; the checking and writing steps are in importer.py) ------
IMPORT_FILE_KEEP = timedelta(days=7)


@transaction.atomic
def import_job_create(*, actor, tenant, file_name, data, language="") -> ImportJob:
    """Store an uploaded file as a queued import job (checked by `importer.import_job_validate`)."""
    job = ImportJob(tenant=tenant, file_name=file_name[:255], data=data, created_by=audit.actor_or_none(actor),
                    language=language or translation.get_language() or "")
    job.full_clean(exclude=["data"])
    job.save()
    # Uploaded files are kept only as long as needed: drop those of old, finished or abandoned jobs.
    ImportJob.objects.filter(tenant=tenant, created_at__lt=timezone.now() - IMPORT_FILE_KEEP) \
        .exclude(status__in=ImportJob.RUNNING).exclude(data=b"").update(data=b"")
    audit.record(actor=actor, tenant=tenant, obj=job, action=audit.code(job, "create"), changes={"file_name": [None, job.file_name]})
    return job


@transaction.atomic
def import_job_confirm(*, actor, job, valid_rows_only=False) -> ImportJob:
    """The user confirmed the preview: queue the write (`importer.import_job_apply`)."""
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.status != ImportJob.Status.READY:
        raise ValidationError(_("This import is not waiting for confirmation."))
    if job.errors and not valid_rows_only:
        raise ValidationError(_("The file has errors. Fix them and upload again, or import only the valid rows."))
    if not job.counts.get("valid_rows"):
        raise ValidationError(_("The file has no valid rows to import."))
    job.status, job.valid_rows_only, job.refused, job.processed_rows = ImportJob.Status.QUEUED, valid_rows_only, \
        False, 0
    job.save(update_fields=["status", "valid_rows_only", "refused", "processed_rows", "updated_at"])
    audit.record(actor=actor, tenant=job.tenant, obj=job, action="import_job_confirm",
                 changes={"valid_rows_only": [None, valid_rows_only]})
    return job


# --- Reuse records (written by the marketplace, relocation plans and give-aways) ------------
@transaction.atomic
def reuse_record(*, actor, item, kind, occurred_at=None, from_building=None, to_building=None, from_unit=None,
                 to_unit=None, recipient=None, reference="") -> ReuseRecord:
    """Record that `item` was reused (see `ReuseRecord`). Call inside the transaction that made it so."""
    if kind not in ReuseRecord.Kind.values:
        raise ValidationError({"kind": _("Unknown kind of reuse.")})
    require_same_tenant(item.tenant, *(o for o in (from_building, to_building, from_unit, to_unit, recipient) if o))
    record = ReuseRecord(tenant=item.tenant, item=item, kind=kind, occurred_at=occurred_at or timezone.now(),
                         from_building=from_building, to_building=to_building, from_unit=from_unit,
                         to_unit=to_unit, recipient=recipient, reference=reference, actor=audit.actor_or_none(actor))
    record.full_clean()
    record.save()
    audit.record(actor=actor, tenant=item.tenant, obj=record, action="reuse_record_create",
                 changes={"item": [None, item.pk], "kind": [None, kind]})
    return record


REUSE_RECORD_LINKS = ("from_building", "to_building", "from_unit", "to_unit", "recipient")


@transaction.atomic
def reuse_record_many(*, actor, kind, rows, occurred_at=None) -> list[ReuseRecord]:
    """`reuse_record` for many items at once (a room delivered, a batch of used purchases): the same
    checks and audit, one insert and one audit write. Each row is a dict with `item` and, optionally,
    the loaded objects from_building, to_building, from_unit, to_unit, recipient and a reference."""
    if kind not in ReuseRecord.Kind.values:
        raise ValidationError({"kind": _("Unknown kind of reuse.")})
    rows = list(rows)
    if not rows:
        return []
    tenant = rows[0]["item"].tenant
    occurred_at = occurred_at or timezone.now()
    records = []
    for row in rows:
        item = row["item"]
        links = {k: row.get(k) for k in REUSE_RECORD_LINKS}
        require_same_tenant(tenant, item, *(o for o in links.values() if o))
        record = ReuseRecord(tenant=tenant, item=item, kind=kind, occurred_at=occurred_at,
                             reference=row.get("reference", ""), actor=audit.actor_or_none(actor), **links)
        record.full_clean(exclude=["tenant", "item", "actor", *REUSE_RECORD_LINKS])  # loaded and checked above
        records.append(record)
    ReuseRecord.objects.bulk_create(records, batch_size=1000)
    audit.record_many(actor=actor, tenant=tenant, objs=records, action="reuse_record_create",
                      changes=lambda o: {"item": [None, o.item_id], "kind": [None, kind]})
    return records

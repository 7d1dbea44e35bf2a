"""Import of items from XLSX or CSV: one row per item, or per product with a quantity.

`plan_import` reads and validates the whole file and writes nothing. `apply_import` validates
again and writes every row in one transaction, refusing when any row is bad unless
`valid_rows_only` is set. The background tasks (tasks.py) run `import_job_validate` and
`import_job_apply` on an uploaded job (`services.import_job_create` / `import_job_confirm`).
The importer calls the inventory's services to write; the services never call the importer. Buildings are found by building number or name, rooms by number within
the building, categories by key or name, pre-printed codes among the tenant's unused labels.
"""

import functools
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook
from openpyxl.styles import Font

from torg.core.ids import normalize_public_code
from torg.core.tabular import (ImportRefused, RowError, TableError, choice_lookup, parse_number, read_table,
                               write_xlsx)
from torg.places.models import Building, Room

from . import services
from .models import Category, ImportJob, Label, Product, Status
from .taxonomy import DEFAULT_CATEGORIES

COLUMNS = [
    ("building", gettext_lazy("Building number or name. Required.")),
    ("room_number", gettext_lazy("Room number in the building (optional).")),
    ("placement", gettext_lazy("Free-text placement in the room (optional).")),
    ("category", gettext_lazy("Category key or name, e.g. task_chair or Kontorstol. Required.")),
    ("manufacturer", gettext_lazy("Manufacturer (optional).")),
    ("model", gettext_lazy("Model (optional).")),
    ("colour", gettext_lazy("Colour (optional).")),
    ("material", gettext_lazy("Material (optional).")),
    ("width_cm", gettext_lazy("Width in cm (optional).")),
    ("depth_cm", gettext_lazy("Depth in cm (optional).")),
    ("height_cm", gettext_lazy("Height in cm (optional).")),
    ("weight_kg", gettext_lazy("Weight in kg (optional).")),
    ("new_price_nok", gettext_lazy("Price new in NOK (optional).")),
    ("condition", gettext_lazy("Condition 0 (as new) to 3 (needs repair/unusable). Default 1.")),
    ("status", gettext_lazy("Status, e.g. in_use, available, for_relocation. Default in_use.")),
    ("damage", gettext_lazy("Damage description (optional).")),
    ("quantity", gettext_lazy("Number of identical items on this row. Default 1.")),
    ("code", gettext_lazy("Code of a pre-printed label to use (only with quantity 1).")),
    ("co2e_kg", gettext_lazy("The product's own CO2e in kg, e.g. from its EPD (optional; without it the category's "
                             "default factor is used).")),
    ("co2e_source", gettext_lazy("Source of the product's own CO2e, e.g. the EPD number (optional).")),
]
COLUMN_NAMES = [c for c, _h in COLUMNS]
# The columns' Norwegian names: the template and the preview use them in a Norwegian UI, and a file
# may use either name for a column (the English names stay accepted).
NB_COLUMNS = {
    "building": "bygg", "room_number": "romnummer", "placement": "plassering", "category": "kategori",
    "manufacturer": "produsent", "model": "modell", "colour": "farge", "material": "materiale",
    "width_cm": "bredde_cm", "depth_cm": "dybde_cm", "height_cm": "høyde_cm", "weight_kg": "vekt_kg",
    "new_price_nok": "nypris_kr", "condition": "tilstand", "status": "status", "damage": "skade",
    "quantity": "antall", "code": "etikettkode", "co2e_kg": "co2e_kg", "co2e_source": "co2e_kilde",
}
ALIASES = {nb: en for en, nb in NB_COLUMNS.items()}


def column_label(name: str) -> str:
    """A column's name in the UI's language (Norwegian unless the UI is English)."""
    return name if (translation.get_language() or "nb").startswith("en") else NB_COLUMNS.get(name, name)
REQUIRED_COLUMNS = {"building", "category"}
MAX_QUANTITY = 500


@dataclass
class ItemRow:
    line: int
    building: Building
    room: Room | None
    category: Category
    product: dict
    item: dict
    quantity: int
    code: str


@dataclass
class ImportPlan:
    rows: list[ItemRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    total_rows: int = 0

    @property
    def bad_lines(self):
        return {e.line for e in self.errors}

    @property
    def counts(self):
        return {"rows": self.total_rows, "valid_rows": len(self.rows), "error_rows": len(self.bad_lines),
                "items": sum(r.quantity for r in self.rows)}




PROGRESS_EVERY = 500


def plan_import(*, tenant, upload, may_import=None, progress=None) -> ImportPlan:
    """Validate a file; nothing is written. `may_import(building)` → False marks the row as refused.

    `progress(processed_rows, total_rows)` (optional) is called after reading and every
    `PROGRESS_EVERY` rows."""
    columns, rows = read_table(upload)
    if progress is not None:
        progress(0, len(rows))
    used = {ALIASES.get(c, c): c for c in columns}  # our name → the file's heading, for the messages
    columns = [ALIASES.get(c, c) for c in columns]
    rows = [(line, {ALIASES.get(k, k): v for k, v in cells.items()}) for line, cells in rows]
    missing = REQUIRED_COLUMNS - set(columns)
    if missing:
        raise TableError(_("The file is missing the column(s): %(columns)s. Download the template to see the columns.")
                         % {"columns": ", ".join(sorted(column_label(c) for c in missing))})
    unknown = [c for c in columns if c not in COLUMN_NAMES]
    if unknown:
        raise TableError(_("Unknown column(s): %(columns)s.") % {"columns": ", ".join(unknown)})

    buildings = {}
    for b in Building.objects.filter(tenant=tenant, archived=False).only(
            "pk", "tenant_id", "name", "building_number"):
        b.tenant = tenant  # the permission check asks for the building's tenant: no query per building
        buildings.setdefault(b.name.lower(), b)
        if b.building_number:
            buildings[b.building_number.lower()] = b
    # Only the rooms of the buildings the file names, and only the codes it names (a register has
    # 100 000 rooms; a file a few hundred buildings).
    named = {buildings[key].pk for key in {cells.get("building", "").lower() for _line, cells in rows}
             if key in buildings}
    rooms = {(r.building_id, r.number.lower()): r for r in Room.objects.filter(
        tenant=tenant, archived=False, building_id__in=named).only("pk", "tenant_id", "building_id", "number")}
    categories = {}
    for c in Category.objects.filter(tenant=tenant, archived=False):
        categories[c.key.lower()] = c
        categories[c.name.lower()] = c
    for key, label, _weight in DEFAULT_CATEGORIES:  # the default names in either language
        for lang in ("en", "nb"):
            with translation.override(lang):
                categories.setdefault(str(label).lower(), categories.get(key))
    codes = {normalize_public_code(cells["code"]) for _line, cells in rows if cells.get("code")} - {None}
    labels = {lb.code: lb for lb in Label.objects.filter(tenant=tenant, item__isnull=True, code__in=list(codes))}
    statuses = choice_lookup(Status)
    allowed = {}  # building pk -> may_import(building), asked once per building

    def _may(building):
        if building.pk not in allowed:
            allowed[building.pk] = bool(may_import(building))
        return allowed[building.pk]

    plan = ImportPlan(total_rows=len(rows))
    errors = plan.errors
    seen_codes = {}

    for index, (line, cells) in enumerate(rows):
        if progress is not None and index and index % PROGRESS_EVERY == 0:
            progress(index, len(rows))
        before = len(errors)
        building = buildings.get(cells.get("building", "").lower())
        if not cells.get("building"):
            errors.append(RowError(line, "building", _("Give the building's number or name.")))
        elif building is None:
            errors.append(RowError(line, "building", _("No building “%(value)s” in the places register.")
                                   % {"value": cells["building"]}))
        elif may_import is not None and not _may(building):
            errors.append(RowError(line, "building", _("You may not import items into %(building)s.")
                                   % {"building": building.name}))
        room = None
        if building is not None and cells.get("room_number"):
            room = rooms.get((building.pk, cells["room_number"].lower()))
            if room is None:
                errors.append(RowError(line, "room_number", _("No room %(room)s in %(building)s.")
                                       % {"room": cells["room_number"], "building": building.name}))
        category = categories.get(cells.get("category", "").lower())
        if category is None:
            errors.append(RowError(line, "category", _("Unknown category “%(value)s”.") % {"value": cells.get("category", "")}))
        product = {"manufacturer": cells.get("manufacturer", "")[:100], "model_name": cells.get("model", "")[:150],
                   "colour": cells.get("colour", "")[:60], "material": cells.get("material", "")[:100]}
        for col in ("width_cm", "depth_cm", "height_cm"):
            product[col] = parse_number(cells.get(col, ""), line, col, errors, whole=True, maximum=10000)
        product["weight_kg"] = parse_number(cells.get("weight_kg", ""), line, "weight_kg", errors, maximum=99999)
        product["new_price_nok"] = parse_number(cells.get("new_price_nok", ""), line, "new_price_nok", errors,
                                           maximum=10**9)
        product["co2e_kg"] = parse_number(cells.get("co2e_kg", ""), line, "co2e_kg", errors, maximum=9999999)
        product["co2e_source"] = cells.get("co2e_source", "")[:300]
        if product["co2e_source"] and product["co2e_kg"] is None and not cells.get("co2e_kg"):
            errors.append(RowError(line, "co2e_kg", _("Give the CO2e value that the source belongs to.")))
        condition = parse_number(cells.get("condition", ""), line, "condition", errors, whole=True, maximum=3)
        status = Status.IN_USE
        if cells.get("status"):
            status = statuses.get(cells["status"].lower())
            if status is None or status in (Status.DISPOSED, Status.ORDERED, Status.GIVEN_AWAY):
                errors.append(RowError(line, "status", _("Status “%(value)s” is not allowed for a new item.")
                                       % {"value": cells["status"]}))
        quantity = parse_number(cells.get("quantity", ""), line, "quantity", errors, whole=True, maximum=MAX_QUANTITY)
        if quantity == 0:
            errors.append(RowError(line, "quantity", _("Quantity must be at least 1.")))
        code = ""
        if cells.get("code"):
            code = normalize_public_code(cells["code"]) or ""
            if code not in labels:
                errors.append(RowError(line, "code", _("No unused pre-printed label with this code.")))
            elif code in seen_codes:
                errors.append(RowError(line, "code", _("The code is also used on line %(other)s.")
                                       % {"other": seen_codes[code]}))
            elif (quantity or 1) > 1:
                errors.append(RowError(line, "code", _("A pre-printed label can be claimed for one item only.")))
            seen_codes.setdefault(code, line)
        if len(errors) == before:
            plan.rows.append(ItemRow(
                line=line, building=building, room=room, category=category, product=product,
                item={"placement_text": cells.get("placement", "")[:200], "damage_description": cells.get("damage", ""),
                      "condition": 1 if condition is None else condition, "status": status},
                quantity=quantity or 1, code=code,
            ))
    if progress is not None:
        progress(len(rows), len(rows))
    # Name each problem's column as the file does.
    plan.errors[:] = [RowError(e.line, used.get(e.column, column_label(e.column)) if e.column else e.column, e.message)
                      for e in plan.errors]
    return plan



def apply_import(*, actor, tenant, upload, valid_rows_only=False, may_import=None) -> ImportPlan:
    plan = plan_import(tenant=tenant, upload=upload, may_import=may_import)
    if plan.errors and not valid_rows_only:
        raise ImportRefused(plan)
    return apply_plan(actor=actor, tenant=tenant, plan=plan)


def _product_key(category_id, manufacturer, model_name, colour):
    return (category_id, manufacturer.strip().lower(), model_name.strip().lower(), colour.strip().lower())


def apply_plan(*, actor, tenant, plan) -> ImportPlan:
    """Write the valid rows of a checked plan in one transaction (all or nothing): products found
    or created once per (category, manufacturer, model, colour), items registered in bulk."""
    existing = {}
    for p in Product.objects.filter(tenant=tenant, archived=False).order_by("pk"):
        existing.setdefault(_product_key(p.category_id, p.manufacturer, p.model_name, p.colour), p)
    with transaction.atomic():
        # The products the file describes and the register does not have yet: created together.
        new, lines = {}, {}
        for row in plan.rows:
            key = _product_key(row.category.pk, row.product["manufacturer"], row.product["model_name"],
                               row.product["colour"])
            if key not in existing and key not in new:
                new[key] = {"category": row.category, **row.product}
                lines[key] = row.line
        if new:
            try:
                created = services.product_create_many(actor=actor, tenant=tenant, rows=list(new.values()))
            except services.RowValidationError as exc:
                raise ImportRefused(ImportPlan(errors=[RowError(lines[list(new)[exc.index]], "", "; ".join(
                    exc.error.messages))], total_rows=plan.total_rows)) from exc
            existing.update(zip(new, created, strict=True))
        batch = []
        for row in plan.rows:
            product = existing[_product_key(row.category.pk, row.product["manufacturer"], row.product["model_name"],
                                            row.product["colour"])]
            product.category = row.category
            batch.append({"product": product, "building": row.building, "room": row.room,
                          "count": row.quantity, "claim_code": row.code, **row.item})
        try:
            services.item_register_rows(actor=actor, tenant=tenant, rows=batch, comment=_("Imported"))
        except ValidationError as exc:
            raise ImportRefused(ImportPlan(errors=[RowError(0, "", "; ".join(exc.messages))],
                                           total_rows=plan.total_rows)) from exc
    return plan


# --- Import jobs: the steps the background tasks run (tasks.py) -----------------------------
MAX_STORED_ERRORS = 2000


def _job_upload(job):
    return SimpleUploadedFile(job.file_name, bytes(job.data))


def _job_may_import(job):
    user = job.created_by
    return lambda building: user is not None and user.has_perm("reuse.import_items", building)


def _job_progress(job):
    def progress(processed, total):
        ImportJob.objects.filter(pk=job.pk).update(processed_rows=processed, total_rows=total)
    return progress


def _job_store_plan(job, plan, **fields):
    counts = plan.counts
    counts["errors"] = len(plan.errors)
    ImportJob.objects.filter(pk=job.pk).update(
        total_rows=plan.total_rows, processed_rows=plan.total_rows, counts=counts,
        errors=[{"line": e.line, "column": e.column, "message": str(e.message)}
                for e in plan.errors[:MAX_STORED_ERRORS]],
        updated_at=timezone.now(), **fields)


def _job_fail(job, message):
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.FAILED, message=message,
                                               finished_at=timezone.now(), updated_at=timezone.now())


def _in_job_language(func):
    """Run a job step in the uploader's language (a worker has none of its own)."""

    @functools.wraps(func)
    def wrapper(*, job_id):
        language = ImportJob.objects.filter(pk=job_id).values_list("language", flat=True).first()
        with translation.override(language or None):
            return func(job_id=job_id)
    return wrapper


@_in_job_language
def import_job_validate(*, job_id) -> ImportJob:
    """Read and check the job's file and store the preview (counts and per-row errors); writes no
    items. Progress is saved as it goes (outside a transaction, so the preview page sees it)."""
    job = ImportJob.objects.select_related("tenant", "created_by").get(pk=job_id)
    if job.status not in (ImportJob.Status.QUEUED, ImportJob.Status.VALIDATING):
        return job
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.VALIDATING, processed_rows=0)
    try:
        plan = plan_import(tenant=job.tenant, upload=_job_upload(job), may_import=_job_may_import(job),
                           progress=_job_progress(job))
    except TableError as exc:
        _job_fail(job, str(exc))
    except Exception:  # noqa: BLE001 - the job must not stay "validating" for ever
        _job_fail(job, _("The file could not be read."))
        raise
    else:
        _job_store_plan(job, plan, status=ImportJob.Status.READY)
    job.refresh_from_db()
    return job


@_in_job_language
def import_job_apply(*, job_id) -> ImportJob:
    """Check the file again (the register may have changed) and write every valid row in one
    transaction. With new errors and not `valid_rows_only` the job goes back to the preview."""
    job = ImportJob.objects.select_related("tenant", "created_by").get(pk=job_id)
    if job.status != ImportJob.Status.QUEUED or not job.counts:
        return job
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.IMPORTING, processed_rows=0)
    try:
        # The second check reports its progress (outside the write transaction, so it is seen);
        # the write itself is one transaction and shows as "saving".
        plan = plan_import(tenant=job.tenant, upload=_job_upload(job), may_import=_job_may_import(job),
                           progress=_job_progress(job))
        if plan.errors and not job.valid_rows_only:
            _job_store_plan(job, plan, status=ImportJob.Status.READY, refused=True)
        else:
            apply_plan(actor=job.created_by, tenant=job.tenant, plan=plan)
            _job_store_plan(job, plan, status=ImportJob.Status.DONE, finished_at=timezone.now(), data=b"")
    except ImportRefused as exc:
        _job_store_plan(job, exc.plan, status=ImportJob.Status.READY, refused=True)
    except TableError as exc:
        _job_fail(job, str(exc))
    except Exception:  # noqa: BLE001
        _job_fail(job, _("The import failed; nothing was saved."))
        raise
    job.refresh_from_db()
    return job


def template_xlsx() -> bytes:
    """The example file: the columns with two sample rows, and a second sheet that explains them."""
    wb = load_workbook(io.BytesIO(_template_sheet()))
    ws = wb.create_sheet(str(_("Columns"))[:31])
    ws.append([str(_("Column")), str(_("Meaning")), str(_("Required")), str(_("Also accepted"))])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for name, help_text in COLUMNS:
        ws.append([column_label(name), str(help_text), str(_("Yes")) if name in REQUIRED_COLUMNS else "",
                   name if column_label(name) != name else ""])
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 90
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _template_sheet() -> bytes:
    """Two sample rows with the categories and statuses named in the UI's language (codes work too)."""
    names = {key: str(label) for key, label, _weight in DEFAULT_CATEGORIES}
    sample = [
        ["300100123", "2.014", "ved vinduet", names["task_chair"], "HÅG", "Capisco 8106", "Svart", "", "", "", "",
         "12", "6500", "1", str(Status.IN_USE.label), "", "4", "", "72", "EPD NEPD-0000-000-NO"],
        ["Gamle rådhus", "", "lager kjeller", names["meeting_table"], "", "", "Bjørk", "laminat", "180", "90", "72",
         "", "", "2", str(Status.AVAILABLE.label), "riper i bordplaten", "1", "", "", ""],
    ]
    return write_xlsx([column_label(c) for c in COLUMN_NAMES], sample, title="Inventar")

"""Reuse inventory pages, phone first. Thin: parse, check permission, call a query or service, render."""

from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from torg.core.ids import normalize_public_code
from torg.core.tabular import write_csv, write_xlsx
from torg.core.tasks import enqueue
from torg.core.views import (apply_validation_error, breadcrumbs, form_page, int_param, paginate, require_perm,
                             tenant_lookup)
from torg.core.views import download as download_file  # label_sheet has a `download` flag
from torg.places.models import Building

from . import importer, labels, queries, services, tasks
from .forms import (
    CategoryForm, EditForm, ImportForm, LabelBatchForm, MoveForm, ProductForm, RegisterForm, ReuseRoleForm, StatusForm,
    product_queryset, room_choices,
)
from .models import Condition, ReuseRole, Status
from .rules import denied_items, reuse_role_in
from .states import ITEM_MACHINE, marketplace_refusal

STICKY_KEY = "reuse_register_sticky"
LAST_REGISTERED_KEY = "reuse_register_last"
MAX_EXPORT_ROWS = 100_000
OVERVIEW_LOCATIONS_PER_PAGE = 100
MAX_BULK_ITEMS = 5000


_tenant = tenant_lookup("reuse.view_items")


_crumbs = breadcrumbs((gettext_lazy("Reuse"), "reuse:overview"))


def _can(request, tenant):
    return {
        name: request.user.has_perm(f"reuse.{name}", tenant)
        for name in ("register_items", "edit_item", "change_status", "move_items", "print_labels", "import_items",
                     "manage_reuse")
    }


# --- Overview -------------------------------------------------------------------------------
@login_required
def overview(request):
    tenant = _tenant(request)
    building_id = int_param(request.GET.get("building"))
    building = None
    if building_id:
        building = Building.objects.filter(tenant=tenant, pk=building_id).first()
        if building is None:
            raise Http404
    f = _filters(request)
    dimension = request.GET.get("by", "status")
    # One row per location: a page at a time for large municipalities.
    data = queries.overview(tenant=tenant, building_id=building_id, category_id=f["category_id"], status=f["status"],
                            condition=f["condition"], dimension=dimension,
                            paginate_locations=lambda rows: paginate(request, rows,
                                                                     per_page=OVERVIEW_LOCATIONS_PER_PAGE))
    page_obj = data["page_obj"]
    return render(request, "reuse/overview.html", {
        "data": data, "page_obj": page_obj, "building": building, "statuses": Status.choices, "conditions": Condition.choices, "f": f,
        "dimensions": [("status", _("Status")), ("condition", _("Condition")), ("category", _("Category"))],
        "categories": queries.category_list(tenant=tenant, include_archived=True),
        "can": _can(request, tenant),
        "crumbs": _crumbs((building.name, None)) if building else None,
    })


# --- Search and export ----------------------------------------------------------------------
def _filters(request):
    return _filters_from(request.GET)


def _filters_from(g):
    return {
        "search": g.get("q", "").strip(), "category_id": int_param(g.get("category")), "colour": g.get("colour", ""),
        "condition": g.get("condition", "") if g.get("condition", "") in {"0", "1", "2", "3"} else "",
        "status": g.get("status", "") if g.get("status", "") in Status.values else "",
        "building_id": int_param(g.get("building")), "room_id": int_param(g.get("room")), "product_id": int_param(g.get("product")),
        "sort": g.get("sort", "number"),
    }


# The same column names as the import where the meaning is the same (building, room_number, …), plus
# what only an export has (number, code, floor, status label, part of, last changed).
EXPORT_COLUMNS = ["number", "code", "category", "manufacturer", "model", "colour", "material", "width_cm", "depth_cm",
                  "height_cm", "weight_kg", "building", "floor", "room_number", "room_name", "placement", "condition",
                  "status", "damage", "part_of", "new_price_nok", "co2e_kg", "co2e_source", "updated"]


def _export_row(i):
    p, room = i.product, i.room
    return [
        i.number, i.code, p.category.name, p.manufacturer, p.model_name, p.colour, p.material, p.width_cm, p.depth_cm,
        p.height_cm, p.weight_kg, i.building.name if i.building_id else "", str(room.floor) if room else "",
        room.number if room else "", room.name if room else "", i.placement_text, i.condition,
        i.get_status_display(), i.damage_description, i.parent.number if i.parent_id else "", p.new_price_nok,
        p.co2e_kg, p.co2e_source, timezone.localtime(i.updated_at).strftime("%Y-%m-%d %H:%M"),
    ]


def _export(qs, fmt):
    qs = qs.select_related("room__floor", "parent")
    rows = (_export_row(i) for i in qs[:MAX_EXPORT_ROWS].iterator(chunk_size=2000))
    if fmt == "xlsx":
        data = write_xlsx(EXPORT_COLUMNS, ([float(v) if isinstance(v, Decimal) else v for v in r] for r in rows),
                          title=_("Items"))
        return download_file(data, "items.xlsx")
    return download_file(write_csv(EXPORT_COLUMNS, rows), "items.csv")


@login_required
def item_list(request):
    tenant = _tenant(request)
    filters = _filters(request)
    if filters["room_id"] and filters["building_id"] and not queries.room_in_building(
            tenant=tenant, room_id=filters["room_id"], building_id=filters["building_id"]):
        filters["room_id"] = None  # the location changed: the room of the previous one no longer applies
    qs = queries.item_list(tenant=tenant, **filters)
    fmt = request.GET.get("export")
    if fmt in ("xlsx", "csv"):
        return _export(qs, fmt)
    page = paginate(request, qs)
    context = {
        "page_obj": page, "f": filters, "categories": queries.category_list(tenant=tenant, include_archived=True),
        "colours": queries.colour_choices(tenant=tenant), "statuses": Status.choices,
        "conditions": Condition.choices,
        "buildings": Building.objects.filter(tenant=tenant, archived=False).order_by("name").values_list("pk", "name"),
        "rooms": room_choices(tenant, filters["building_id"])[1:] if filters["building_id"] else [],
        "sorts": [("number", _("Number")), ("-number", _("Newest number first")), ("category", _("Category")),
                  ("building", _("Location")), ("condition", _("Condition")), ("status", _("Status")),
                  ("updated", _("Last changed"))],
        "can": _can(request, tenant), "crumbs": _crumbs((_("Items"), None)),
    }
    template = "reuse/partials/item_table.html" if request.htmx and not request.htmx.boosted else "reuse/item_list.html"
    return render(request, template, context)


# --- Item detail, registration, edit -----------------------------------------------------------
@login_required
def item_detail(request, pk):
    tenant = _tenant(request)
    item = queries.item_get(tenant=tenant, pk=pk)
    return render(request, "reuse/item_detail.html", {
        "item": item, "history": queries.item_history(item=item), "photos": item.photos.all(),
        "product_photos": item.product.photos.all(),
        "qr_svg": labels.qr_svg(labels.qr_url(labels.public_base_url(request), item.code),
                                label=_("QR code of %(number)s") % {"number": item.number}),
        "components": item.components.select_related("product__category"),
        "can_edit": request.user.has_perm("reuse.edit_item", item),
        "can_print": request.user.has_perm("reuse.print_labels", item),
        "can_register": request.user.has_perm("reuse.register_items", item),
        "allowed_next": [ITEM_MACHINE.label(t.target) for t in ITEM_MACHINE.available(item, request.user)],
        "crumbs": _crumbs((_("Items"), reverse("reuse:item_list")), (item.number, None)),
    })


@login_required
def room_options(request):
    """<option>s of a building's rooms (HTMX, for the room select following the building select)."""
    tenant = _tenant(request)
    choices = [
        {"group": value, "options": label} if isinstance(label, list) else {"value": value, "label": label}
        for value, label in room_choices(tenant, int_param(request.GET.get("building")))
    ]
    return render(request, "reuse/partials/room_options.html", {"choices": choices})


@login_required
def item_register(request):
    tenant = _tenant(request, "reuse.register_items")
    sticky = request.session.get(STICKY_KEY, {})
    initial = {**sticky, "count": 1}
    if request.GET.get("claim"):
        initial["claim_code"] = request.GET["claim"][:32]
    parent = queries.item_by_number(tenant=tenant, number=request.GET.get("parent", ""))
    if parent is not None:  # "register a component of this item": where the whole is
        initial.update(parent=parent.number, building=parent.building_id, room=parent.room_id or "",
                       placement_text=parent.placement_text, condition=parent.condition, status=parent.status,
                       product="", category="")
        sticky = {**sticky, "building": parent.building_id, "category": None}
    post = request.method == "POST"
    building_id = int_param(request.POST.get("building")) if post else sticky.get("building")
    category_id = int_param(request.POST.get("category")) if post else sticky.get("category")
    form = RegisterForm(request.POST or None, request.FILES or None, tenant=tenant, building_id=building_id,
                        category_id=category_id, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        target = d["room"] or d["building"]
        if not request.user.has_perm("reuse.register_items", target):
            form.add_error("building", _("You may not register items in this building."))
        else:
            try:
                product = d["product"] or services.product_find_or_create(
                    actor=request.user, tenant=tenant, category=d["category"], manufacturer=d["manufacturer"],
                    model_name=d["model_name"], colour=d["colour"])
                items = services.item_register(
                    actor=request.user, tenant=tenant, product=product, count=d["count"], building=d["building"],
                    room=d["room"], placement_text=d["placement_text"], condition=d["condition"],
                    damage_description=d["damage_description"], status=d["status"], claim_code=d["claim_code"],
                    photo=d["photo"], parent=d["parent"])
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                request.session[STICKY_KEY] = {
                    "building": d["building"].pk, "room": d["room"].pk if d["room"] else "",
                    "category": d["category"].pk, "product": product.pk, "placement_text": d["placement_text"],
                    "condition": d["condition"], "status": d["status"],
                }
                # The new items as links, and kept for "print labels for these" on the register page.
                request.session[LAST_REGISTERED_KEY] = [i.pk for i in items]
                links = format_html_join(", ", '<a class="ds-link" href="{}">{}</a>',
                                         ((reverse("reuse:item_detail", args=[i.pk]), i.number) for i in items))
                if len(items) == 1:
                    messages.success(request, format_html(_("Registered {number}."), number=links))
                else:
                    messages.success(request, format_html(_("Registered {count} items: {links}."),
                                                          count=len(items), links=links))
                if "another" in request.POST:
                    return redirect("reuse:item_register")
                if len(items) == 1:
                    return redirect("reuse:item_detail", pk=items[0].pk)
                return redirect(reverse("reuse:item_list") + "?sort=-number")
    status = 422 if request.method == "POST" else 200
    last = queries.items_by_ids(tenant=tenant, ids=request.session.get(LAST_REGISTERED_KEY, []))
    return render(request, "reuse/item_register.html", {
        "form": form, "room_options_url": reverse("reuse:room_options"), "last_registered": last,
        "can_print": request.user.has_perm("reuse.print_labels", tenant),
        "crumbs": _crumbs((_("Register"), None)),
    }, status=status)


@login_required
def product_options(request):
    """<option>s of the known products of a category (HTMX, for the registration form)."""
    tenant = _tenant(request)
    choices = [{"value": "", "label": "---------"}] + [
        {"value": p.pk, "label": str(p)} for p in product_queryset(tenant, int_param(request.GET.get("category")))[:500]
    ]
    return render(request, "reuse/partials/room_options.html", {"choices": choices})


@login_required
def item_edit(request, pk):
    tenant = _tenant(request)
    item = queries.item_get(tenant=tenant, pk=pk)
    require_perm(request, "reuse.edit_item", item)
    initial = {"condition": item.condition, "damage_description": item.damage_description, "status": item.status,
               "building": item.building_id, "room": item.room_id or "", "placement_text": item.placement_text}
    building_id = int_param(request.POST.get("building")) if request.method == "POST" else item.building_id
    form = EditForm(request.POST or None, request.FILES or None, tenant=tenant, item=item, user=request.user,
                    building_id=building_id, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        target = d["room"] or d["building"]
        moving = (d["building"].pk, d["room"].pk if d["room"] else None) != (item.building_id, item.room_id) \
            or d["placement_text"] != item.placement_text
        if moving and not request.user.has_perm("reuse.move_items", target):
            form.add_error("building", _("You may not move items to this building."))
        else:
            try:
                services.item_save_changes(
                    actor=request.user, item=item, comment=d["comment"], status=d["status"], building=d["building"],
                    room=d["room"], placement_text=d["placement_text"], photo=d["photo"],
                    condition=d["condition"], damage_description=d["damage_description"])
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("Saved %(number)s.") % {"number": item.number})
                return redirect("reuse:item_detail", pk=item.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "reuse/item_edit.html", {
        "form": form, "item": item, "room_options_url": reverse("reuse:room_options"),
        "crumbs": _crumbs((item.number, reverse("reuse:item_detail", args=[item.pk])), (_("Edit"), None)),
    }, status=status)


@login_required
@require_POST
def item_photo_remove(request, pk, photo_pk):
    tenant = _tenant(request)
    item = queries.item_get(tenant=tenant, pk=pk)
    require_perm(request, "reuse.edit_item", item)
    photo = get_object_or_404(item.photos, pk=photo_pk)
    services.photo_remove(actor=request.user, photo=photo)
    messages.success(request, _("The photo was removed."))
    return redirect("reuse:item_detail", pk=item.pk)


@login_required
@require_POST
def product_photo_remove(request, pk, photo_pk):
    tenant = _tenant(request, "reuse.edit_item")
    product = queries.product_get(tenant=tenant, pk=pk)
    photo = get_object_or_404(product.photos, pk=photo_pk)
    services.photo_remove(actor=request.user, photo=photo)
    messages.success(request, _("The photo was removed."))
    return redirect("reuse:product_edit", pk=product.pk)


# --- Bulk actions on a selection ------------------------------------------------------------
@login_required
@require_POST
def bulk(request):
    """Status change, move or labels for the items ticked in the list (ids in POST "item")."""
    tenant = _tenant(request)
    action = request.POST.get("action", "")
    # Either the ticked items, or every item that matches the list's filter ("all N items").
    match = request.POST.get("match", "")
    if request.POST.get("all_matching") == "1":
        qs = queries.item_list(tenant=tenant, **_filters_from(QueryDict(match)))
        total = qs.count()
        if total > MAX_BULK_ITEMS:
            messages.error(request, _("%(n)d items match the filter; narrow it down to at most %(max)d items to "
                                      "change them together.") % {"n": total, "max": MAX_BULK_ITEMS})
            return redirect(_safe_next(request))
        items = list(qs.order_by("number"))
    else:
        items = queries.items_by_ids(tenant=tenant, ids=request.POST.getlist("item"))
    back = _safe_next(request)
    if not items:
        messages.error(request, _("Select at least one item."))
        return redirect(back)
    if action == "labels":
        require_perm(request, "reuse.print_labels", tenant)
        return _labels_response(request, tenant, [labels.LabelData(i.code, i.number) for i in items],
                                request.POST.get("layout", "3x8"), start=int_param(request.POST.get("start")))
    perm = {"status": "reuse.change_status", "move": "reuse.move_items"}.get(action)
    if perm is None:
        raise Http404
    require_perm(request, perm, tenant)
    denied = denied_items(request.user, perm, items)
    if denied:
        raise PermissionDenied
    confirmed = "confirm" in request.POST
    if action == "status":
        form = StatusForm(request.POST if confirmed else None)
    else:
        form = MoveForm(request.POST if confirmed else None, tenant=tenant,
                        building_id=int_param(request.POST.get("building")))
    if confirmed and form.is_valid():
        d = form.cleaned_data
        try:
            if action == "status":
                try:
                    changed = services.item_change_status(actor=request.user, items=items,
                                                          to_status=d["to_status"], comment=d["comment"])
                except PermissionDenied:
                    # Each item passed reuse.change_status above: the machine refused a marketplace change.
                    raise marketplace_refusal(items, d["to_status"]) from None
                messages.success(request, _("Changed the status of %(n)d items.") % {"n": len(changed)})
            else:
                target = d["room"] or d["building"]
                if not request.user.has_perm("reuse.move_items", target):
                    raise PermissionDenied
                moved = services.item_move(actor=request.user, items=items, building=d["building"], room=d["room"],
                                           placement_text=d["placement_text"], comment=d["comment"])
                messages.success(request, _("Moved %(n)d items.") % {"n": len(moved)})
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            return redirect(back)
    return render(request, "reuse/bulk.html", {
        "form": form, "items": items, "action": action, "next": back,
        "all_matching": request.POST.get("all_matching") == "1", "match": match,
        "room_options_url": reverse("reuse:room_options"),
        "title": _("Change status") if action == "status" else _("Move items"),
        "crumbs": _crumbs((_("Items"), reverse("reuse:item_list")), (_("Selection"), None)),
    }, status=422 if confirmed else 200)


def _safe_next(request):
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = ""
    return back or reverse("reuse:item_list")


# --- Labels ---------------------------------------------------------------------------------
def _labels_response(request, tenant, label_data, layout_key, filename="labels.pdf", download=False, start=1):
    """The label sheet PDF: shown in the browser to print (item labels), or downloaded (batches).
    `start`: the first free position on a partly used sheet."""
    if layout_key not in labels.LAYOUTS:
        layout_key = "3x8"
    pdf = labels.label_sheet_pdf(label_data, layout_key=layout_key, tenant_name=tenant.name,
                                 base_url=labels.public_base_url(request), start=start or 1)
    return download_file(pdf, filename, inline=not download)


@login_required
def item_label(request, pk):
    tenant = _tenant(request)
    item = queries.item_get(tenant=tenant, pk=pk)
    require_perm(request, "reuse.print_labels", item)
    return _labels_response(request, tenant, [labels.LabelData(item.code, item.number)],
                            request.GET.get("layout", "3x8"), start=int_param(request.GET.get("start")))


@login_required
def label_batch(request):
    """Print a batch of new unassigned codes for pre-printed labels."""
    tenant = _tenant(request, "reuse.print_labels")
    if request.method == "POST" and request.POST.get("reprint"):
        # Print the still unused codes of an earlier batch again (a jammed printer, a lost sheet).
        batch = int_param(request.POST["reprint"]) or -1
        codes = queries.unclaimed_labels(tenant=tenant, batch=batch)
        if not codes.exists():
            raise Http404
        return _labels_response(request, tenant, [labels.LabelData(lb.code) for lb in codes],
                                request.POST.get("layout", "3x8"), filename=f"labels-batch-{batch}.pdf",
                                download=True)
    form = LabelBatchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            batch = services.label_batch_create(actor=request.user, tenant=tenant, count=form.cleaned_data["count"])
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            return _labels_response(request, tenant, [labels.LabelData(lb.code) for lb in batch],
                                    form.cleaned_data["layout"], filename=f"labels-batch-{batch[0].batch}.pdf",
                                    download=True, start=form.cleaned_data.get("start"))
    return render(request, "reuse/labels.html", {
        "form": form, "unclaimed": queries.unclaimed_labels(tenant=tenant).count(),
        "batches": queries.label_batches(tenant=tenant), "layouts": [(k, v.title) for k, v in labels.LAYOUTS.items()],
        "crumbs": _crumbs((_("Labels"), None)),
    }, status=422 if request.method == "POST" else 200)


# --- QR -------------------------------------------------------------------------------------
@login_required
def resolve_code(request, code):
    """`/q/<code>`: the item with this code in the user's municipality (login first).

    An unclaimed pre-printed label of the municipality opens the registration form with the code; an
    unknown code opens the scan page, which says so (404)."""
    tenant = request.tenant
    if tenant is None or not request.user.has_perm("reuse.view_items", tenant):
        raise Http404
    found = _code_target(request, tenant, code)
    if found is not None:
        return found
    return _scan_page(request, code, _unknown_code_text(code), status=404)


def _code_target(request, tenant, code):
    """Where a code leads: its item's page, the registration form for an unclaimed label, or None."""
    try:
        item = queries.item_by_code(tenant=tenant, code=code)
    except Http404:
        label = queries.label_by_code(tenant=tenant, code=code)
        if label is not None and label.item_id is None and request.user.has_perm("reuse.register_items", tenant):
            return redirect(reverse("reuse:item_register") + f"?claim={label.code}")
        return None
    return redirect("reuse:item_detail", pk=item.pk)


def _unknown_code_text(code):
    return _("No item or label in your municipality has the code %(code)s. Check the code and type it again — "
             "or the label may belong to another municipality, or its item may have been deleted.") % {"code": code}


def _scan_page(request, code, error, status=200):
    return render(request, "reuse/scan.html", {"code": code, "error": error, "crumbs": _crumbs((_("Scan"), None))},
                  status=status)


@login_required
def scan(request):
    tenant = _tenant(request)
    code = request.GET.get("code", "").strip()
    error = ""
    if code:
        # A scanned QR holds the whole URL; a typed code is just the code.
        raw = code.rstrip("/").rsplit("/q/", 1)[-1] if "/q/" in code else code
        normalized = normalize_public_code(raw)
        if normalized:
            if _code_target(request, tenant, normalized) is not None:
                return redirect("reuse:resolve", code=normalized)
            return _scan_page(request, code, _unknown_code_text(normalized), status=404)
        error = _("That is not a valid code. Codes have 12 letters and digits.")
    return _scan_page(request, code, error)


# --- Import ---------------------------------------------------------------------------------
def _import_job(request, pk):
    tenant = _tenant(request, "reuse.import_items")
    job = queries.import_job_get(tenant=tenant, pk=pk)
    if job.created_by_id != request.user.pk and not request.user.has_perm("reuse.manage_reuse", tenant):
        raise Http404
    return job


@login_required
def import_upload(request):
    tenant = _tenant(request, "reuse.import_items")
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > settings.TORG_MAX_IMPORT_BYTES:
            form.add_error("file", _("The file is too large (max %(mb)d MB).")
                           % {"mb": settings.TORG_MAX_IMPORT_BYTES // (1024 * 1024)})
        else:
            job = services.import_job_create(actor=request.user, tenant=tenant, file_name=upload.name,
                                             data=upload.read())
            enqueue(tasks.validate_import, job.pk)
            return redirect("reuse:import_job", pk=job.pk)
    return render(request, "reuse/import_upload.html", {
        "form": form, "columns": importer.COLUMNS, "crumbs": _crumbs((_("Import"), None)),
        "jobs": queries.import_jobs(tenant=tenant, user=request.user)[:10],
    }, status=422 if form.errors else 200)


@login_required
def import_job(request, pk):
    """The preview page: progress while the file is checked or written (HTMX polls the status
    partial every second while the job runs), then the counts, per-row errors and the confirm form."""
    job = _import_job(request, pk)
    context = {"job": job, "Status": job.Status, "crumbs": _crumbs((_("Import"), reverse("reuse:import")),
                                                                  (job.file_name, None))}
    if request.htmx and not request.htmx.boosted:
        return render(request, "reuse/partials/import_job_status.html", context)
    return render(request, "reuse/import_job.html", context)


@login_required
@require_POST
def import_job_confirm(request, pk):
    job = _import_job(request, pk)
    try:
        services.import_job_confirm(actor=request.user, job=job,
                                    valid_rows_only=request.POST.get("valid_rows_only") == "1")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        enqueue(tasks.apply_import, job.pk)
    return redirect("reuse:import_job", pk=job.pk)


@login_required
def import_template(request):
    _tenant(request, "reuse.import_items")
    return download_file(importer.template_xlsx(), "torg-reuse-import.xlsx")


# --- Reuse roles ----------------------------------------------------------------------------
@login_required
def role_list(request):
    tenant = _tenant(request, "reuse.manage_reuse")
    members = queries.reuse_members(tenant=tenant)
    labels_by_role = dict(ReuseRole.Role.choices)
    for m in members:
        role, scope = reuse_role_in(m.user, tenant)
        m.effective = labels_by_role.get(role, "–")
    return render(request, "reuse/role_list.html", {"members": members, "crumbs": _crumbs((_("Roles"), None))})


@login_required
def role_edit(request, pk):
    tenant = _tenant(request, "reuse.manage_reuse")
    membership = queries.membership_get(tenant=tenant, pk=pk)
    row = ReuseRole.objects.filter(membership=membership).prefetch_related("buildings").first()
    initial = {"role": row.role, "buildings": list(row.buildings.all())} if row else {}
    form = ReuseRoleForm(request.POST or None, tenant=tenant, initial=initial)
    return form_page(
        request, form=form,
        save=lambda d: services.reuse_role_set(actor=request.user, membership=membership, role=d["role"],
                                               buildings=d["buildings"]),
        success_url=reverse("reuse:roles"), success_message=_("The reuse role was saved."),
        context={"title": _("Reuse role for %(name)s") % {"name": membership.user},
                 "cancel_url": reverse("reuse:roles"),
                 "intro": _("Tenant administrators are always reuse administrators. Without a reuse role, property "
                            "managers are location managers for all buildings and other employees are observers."),
                 "crumbs": _crumbs((_("Roles"), reverse("reuse:roles")), (str(membership.user), None))},
    )


# --- Products -------------------------------------------------------------------------------
@login_required
def product_list(request):
    tenant = _tenant(request)
    search = request.GET.get("q", "").strip()
    page = paginate(request, queries.product_list(tenant=tenant, search=search))
    return render(request, "reuse/product_list.html", {
        "page_obj": page, "search": search, "can": _can(request, tenant), "crumbs": _crumbs((_("Products"), None)),
    })


@login_required
def product_edit(request, pk):
    tenant = _tenant(request, "reuse.edit_item")
    product = queries.product_get(tenant=tenant, pk=pk)
    form = ProductForm(request.POST or None, request.FILES or None,
                       instance=queries.product_get(tenant=tenant, pk=pk), tenant=tenant)
    return form_page(
        request, form=form, template="reuse/product_edit.html",
        save=lambda d: services.product_update(actor=request.user, product=product, **d),
        success_url=reverse("reuse:product_edit", args=[product.pk]), success_message=_("The product was saved."),
        context={"title": _("Edit %(name)s") % {"name": product}, "cancel_url": reverse("reuse:product_list"),
                 "product": product, "photos": product.photos.all(), "multipart": True,
                 "intro": _("Changes apply to every item of this product. Fill in CO2e only with the product's own "
                            "value, e.g. from its EPD; without one the impact reports use the category's default "
                            "factor."),
                 "crumbs": _crumbs((_("Products"), reverse("reuse:product_list")), (str(product), None))},
    )


# --- Categories (the tenant's maintained taxonomy) ------------------------------------------
@login_required
def category_list(request):
    tenant = _tenant(request, "reuse.manage_reuse")
    return render(request, "reuse/category_list.html", {
        "categories": queries.category_admin_list(tenant=tenant), "can": _can(request, tenant),
        "crumbs": _crumbs((_("Categories"), None)),
    })


def _category_context(title, *extra):
    return {"title": title, "cancel_url": reverse("reuse:categories"),
            "crumbs": _crumbs((_("Categories"), reverse("reuse:categories")), (title, None), *extra)}


@login_required
def category_create(request):
    tenant = _tenant(request, "reuse.manage_reuse")
    form = CategoryForm(request.POST or None, initial={"sort_order": None})
    form.fields["sort_order"].required = False
    return form_page(
        request, form=form,
        save=lambda d: services.category_create(actor=request.user, tenant=tenant, **d),
        success_url=reverse("reuse:categories"), success_message=_("The category was added."),
        context=_category_context(_("New category")),
    )


@login_required
def category_edit(request, pk):
    tenant = _tenant(request, "reuse.manage_reuse")
    category = queries.category_get(tenant=tenant, pk=pk)
    form = CategoryForm(request.POST or None, instance=queries.category_get(tenant=tenant, pk=pk))
    return form_page(
        request, form=form,
        save=lambda d: services.category_update(actor=request.user, category=category, **d),
        success_url=reverse("reuse:categories"), success_message=_("The category was saved."),
        context={**_category_context(_("Edit %(name)s") % {"name": category.name}),
                 "intro": _("Renaming changes the name everywhere; products and items keep the category.")},
    )


@login_required
@require_POST
def category_archive(request, pk):
    tenant = _tenant(request, "reuse.manage_reuse")
    category = queries.category_get(tenant=tenant, pk=pk)
    archived = request.POST.get("archived") == "1"
    services.category_set_archived(actor=request.user, category=category, archived=archived)
    messages.success(request, (_("%(name)s was archived.") if archived else _("%(name)s was restored."))
                     % {"name": category.name})
    return redirect("reuse:categories")

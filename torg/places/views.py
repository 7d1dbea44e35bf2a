"""Places register pages. Thin: parse, check permission, call one query or service, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from torg.accounts.views import history_context
from torg.core import stash
from torg.core.views import (
    breadcrumbs,
    download,
    form_page,
    import_confirm_step,
    import_errors_response,
    import_preview,
    import_upload_step,
    paginate,
    tenant_lookup,
)

from . import importer, queries, services
from .forms import BuildingForm, FloorForm, ImportForm, PropertyForm, RoomForm
from .models import Building, Room
from .panels import building_panels, property_panels


_tenant = tenant_lookup("places.view_places")


_crumbs = breadcrumbs((gettext_lazy("Places"), "places:building_list"))


def _building_crumbs(building, *extra):
    return _crumbs((building.name, reverse("places:building_detail", args=[building.pk])), *extra)


def _list_template(request, full, partial):
    return partial if request.htmx and not request.htmx.boosted else full


# --- Buildings ------------------------------------------------------------------------------
@login_required
def building_list(request):
    tenant = _tenant(request)
    search = request.GET.get("q", "").strip()
    use = request.GET.get("use", "")
    category = request.GET.get("category", "")
    archived = request.GET.get("archived") == "1"
    page = paginate(request, queries.building_list(
        tenant=tenant, search=search, use=use, category=category, include_archived=archived))
    totals = queries.building_room_totals(b.pk for b in page)
    for b in page:
        b.totals = totals.get(b.pk, {})
    context = {
        "page_obj": page, "search": search, "use": use, "category": category, "show_archived": archived,
        "uses": Building.Use.choices, "categories": Building.StrategicCategory.choices,
        "can_manage": request.user.has_perm("places.manage_places", tenant),
    }
    if not request.htmx:  # the partial (live filtering) does not show the register totals
        context["register_totals"] = queries.register_totals(tenant=tenant)
    return render(request, _list_template(request, "places/building_list.html", "places/partials/building_table.html"),
                  context)


ROOMS_SHOWN_UNFOLDED = 40  # a building with more rooms shows its floors folded


@login_required
def building_detail(request, pk):
    tenant = _tenant(request)
    building = queries.building_get(tenant=tenant, pk=pk)
    show_archived = request.GET.get("archived") == "1"
    q = request.GET.get("q", "")[:100]
    floors = queries.building_floors_with_rooms(building=building, include_archived=show_archived, q=q)
    totals = queries.building_room_totals([building.pk]).get(building.pk, {})
    return render(request, "places/building_detail.html", {
        "building": building, "floors": floors, "totals": totals, "show_archived": show_archived,
        "q": q.strip(), "matches": sum(len(f.room_list) for f in floors) if q.strip() else None,
        # a small building shows its rooms at once; a large one folds each floor (a search opens them)
        "fold_floors": not q.strip() and (totals.get("rooms") or 0) > ROOMS_SHOWN_UNFOLDED,
        "can_manage": request.user.has_perm("places.manage_places", building),
        "panels": building_panels(request, building),
        **history_context(request, tenant, building),
        "crumbs": _crumbs((building.name, None)),
    })


@login_required
def building_create(request):
    tenant = _tenant(request, "places.manage_places")
    form = BuildingForm(request.POST or None, tenant=tenant, initial={"property": request.GET.get("property")})
    return form_page(
        request, form=form,
        save=lambda d: services.building_create(actor=request.user, tenant=tenant, **d),
        success_url=lambda b: reverse("places:building_detail", args=[b.pk]),
        success_message=_("The building was created."),
        context={"title": _("New building"), "cancel_url": reverse("places:building_list"),
                 "crumbs": _crumbs((_("New building"), None))},
    )


@login_required
def building_edit(request, pk):
    tenant = _tenant(request, "places.manage_places")
    building = queries.building_get(tenant=tenant, pk=pk)
    form = BuildingForm(request.POST or None, instance=queries.building_get(tenant=tenant, pk=pk), tenant=tenant)
    return form_page(
        request, form=form,
        save=lambda d: services.building_update(actor=request.user, building=building, **d),
        success_url=reverse("places:building_detail", args=[pk]),
        success_message=_("The building was saved."),
        context={"title": _("Edit %(name)s") % {"name": building.name},
                 "cancel_url": reverse("places:building_detail", args=[pk]),
                 "crumbs": _building_crumbs(building, (_("Edit"), None))},
    )


@login_required
@require_POST
def building_archive(request, pk):
    tenant = _tenant(request, "places.manage_places")
    building = queries.building_get(tenant=tenant, pk=pk)
    try:
        services.building_set_archived(actor=request.user, building=building, archived=not building.archived)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request,
                         _("The building was archived.") if building.archived else _("The building was restored."))
    return redirect("places:building_detail", pk=pk)


# --- Properties -----------------------------------------------------------------------------
@login_required
def property_list(request):
    tenant = _tenant(request)
    search = request.GET.get("q", "").strip()
    archived = request.GET.get("archived") == "1"
    page = paginate(request, queries.property_list(tenant=tenant, search=search, include_archived=archived))
    template = _list_template(request, "places/property_list.html", "places/partials/property_table.html")
    return render(request, template, {
        "page_obj": page, "search": search, "show_archived": archived,
        "can_manage": request.user.has_perm("places.manage_places", tenant),
        "crumbs": _crumbs((_("Properties"), None)),
    })


@login_required
def property_detail(request, pk):
    tenant = _tenant(request)
    prop = queries.property_get(tenant=tenant, pk=pk)
    buildings = list(queries.building_list(tenant=tenant, property_id=prop.pk, include_archived=True))
    totals = queries.building_room_totals(b.pk for b in buildings)
    for b in buildings:
        b.totals = totals.get(b.pk, {})
    return render(request, "places/property_detail.html", {
        "property": prop, "buildings": buildings,
        "gross_area": sum((b.gross_area or 0) for b in buildings if not b.archived),
        "can_manage": request.user.has_perm("places.manage_places", prop),
        "panels": property_panels(request, prop),
        **history_context(request, tenant, prop),
        "crumbs": _crumbs((_("Properties"), reverse("places:property_list")), (str(prop), None)),
    })


@login_required
def property_create(request):
    tenant = _tenant(request, "places.manage_places")
    form = PropertyForm(request.POST or None)
    return form_page(
        request, form=form,
        save=lambda d: services.property_create(actor=request.user, tenant=tenant, **d),
        success_url=lambda p: reverse("places:property_detail", args=[p.pk]),
        success_message=_("The property was registered."),
        context={"title": _("New property"), "cancel_url": reverse("places:property_list"),
                 "crumbs": _crumbs((_("Properties"), reverse("places:property_list")), (_("New"), None))},
    )


@login_required
def property_edit(request, pk):
    tenant = _tenant(request, "places.manage_places")
    prop = queries.property_get(tenant=tenant, pk=pk)
    form = PropertyForm(request.POST or None, instance=queries.property_get(tenant=tenant, pk=pk))
    detail_url = reverse("places:property_detail", args=[pk])
    return form_page(
        request, form=form,
        save=lambda d: services.property_update(actor=request.user, prop=prop, **d),
        success_url=detail_url,
        success_message=_("The property was saved."),
        context={"title": _("Edit %(name)s") % {"name": prop}, "cancel_url": detail_url,
                 "crumbs": _crumbs((_("Properties"), reverse("places:property_list")), (str(prop), detail_url),
                                   (_("Edit"), None))},
    )


@login_required
@require_POST
def property_archive(request, pk):
    tenant = _tenant(request, "places.manage_places")
    prop = queries.property_get(tenant=tenant, pk=pk)
    try:
        services.property_set_archived(actor=request.user, prop=prop, archived=not prop.archived)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The property was archived.") if prop.archived else _("The property was restored."))
    return redirect("places:property_detail", pk=pk)


# --- Floors ---------------------------------------------------------------------------------
@login_required
def floor_create(request, building_pk):
    tenant = _tenant(request, "places.manage_places")
    building = queries.building_get(tenant=tenant, pk=building_pk)
    form = FloorForm(request.POST or None)
    return form_page(
        request, form=form,
        save=lambda d: services.floor_create(actor=request.user, tenant=tenant, building=building, **d),
        success_url=reverse("places:building_detail", args=[building.pk]),
        success_message=_("The floor was added."),
        context={"title": _("New floor in %(building)s") % {"building": building.name},
                 "cancel_url": reverse("places:building_detail", args=[building.pk]),
                 "crumbs": _building_crumbs(building, (_("New floor"), None))},
    )


@login_required
def floor_edit(request, pk):
    tenant = _tenant(request, "places.manage_places")
    floor = queries.floor_get(tenant=tenant, pk=pk)
    form = FloorForm(request.POST or None, instance=queries.floor_get(tenant=tenant, pk=pk))
    return form_page(
        request, form=form,
        save=lambda d: services.floor_update(actor=request.user, floor=floor, **d),
        success_url=reverse("places:building_detail", args=[floor.building_id]),
        success_message=_("The floor was saved."),
        template="places/floor_form.html",
        context={"title": _("Edit %(floor)s") % {"floor": floor}, "object": floor,
                 **history_context(request, tenant, floor),
                 "cancel_url": reverse("places:building_detail", args=[floor.building_id]),
                 "crumbs": _building_crumbs(floor.building, (str(floor), None))},
    )


@login_required
@require_POST
def floor_archive(request, pk):
    tenant = _tenant(request, "places.manage_places")
    floor = queries.floor_get(tenant=tenant, pk=pk)
    try:
        services.floor_set_archived(actor=request.user, floor=floor, archived=not floor.archived)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The floor was archived.") if floor.archived else _("The floor was restored."))
    return redirect("places:building_detail", pk=floor.building_id)


# --- Rooms ----------------------------------------------------------------------------------
@login_required
def room_list(request):
    tenant = _tenant(request)
    search = request.GET.get("q", "").strip()
    function = request.GET.get("function", "")
    building_id = request.GET.get("building") or None
    try:
        min_capacity = int(request.GET.get("capacity") or 0) or None
    except ValueError:
        min_capacity = None
    if building_id and not str(building_id).isdigit():
        building_id = None
    page = paginate(request, queries.room_list(
        tenant=tenant, search=search, function=function, building_id=building_id, min_capacity=min_capacity))
    return render(request, _list_template(request, "places/room_list.html", "places/partials/room_table.html"), {
        "page_obj": page, "search": search, "function": function, "functions": Room.Function.choices,
        "building_id": int(building_id) if building_id else None, "capacity": min_capacity or "",
        "buildings": queries.building_choices(tenant=tenant),
        "can_manage": request.user.has_perm("places.manage_places", tenant),
        "crumbs": _crumbs((_("Rooms"), None)),
    })


@login_required
def room_detail(request, pk):
    tenant = _tenant(request)
    room = queries.room_get(tenant=tenant, pk=pk)
    return render(request, "places/room_detail.html", {
        "room": room, "can_manage": request.user.has_perm("places.manage_places", room),
        **history_context(request, tenant, room),
        "crumbs": _building_crumbs(room.building, (str(room), None)),
    })


@login_required
def room_create(request, building_pk):
    tenant = _tenant(request, "places.manage_places")
    building = queries.building_get(tenant=tenant, pk=building_pk)
    form = RoomForm(request.POST or None, building=building, initial={"floor": request.GET.get("floor")})
    return form_page(
        request, form=form,
        save=lambda d: services.room_create(actor=request.user, tenant=tenant, **d),
        success_url=lambda r: reverse("places:room_detail", args=[r.pk]),
        success_message=_("The room was added."),
        context={"title": _("New room in %(building)s") % {"building": building.name},
                 "cancel_url": reverse("places:building_detail", args=[building.pk]),
                 "crumbs": _building_crumbs(building, (_("New room"), None))},
    )


@login_required
def room_edit(request, pk):
    tenant = _tenant(request, "places.manage_places")
    room = queries.room_get(tenant=tenant, pk=pk)
    form = RoomForm(request.POST or None, instance=queries.room_get(tenant=tenant, pk=pk), building=room.building)
    return form_page(
        request, form=form,
        save=lambda d: services.room_update(actor=request.user, room=room, **d),
        success_url=reverse("places:room_detail", args=[pk]),
        success_message=_("The room was saved."),
        context={"title": _("Edit room %(room)s") % {"room": room},
                 "cancel_url": reverse("places:room_detail", args=[pk]),
                 "crumbs": _building_crumbs(room.building, (str(room), reverse("places:room_detail", args=[pk])),
                                            (_("Edit"), None))},
    )


@login_required
@require_POST
def room_archive(request, pk):
    tenant = _tenant(request, "places.manage_places")
    room = queries.room_get(tenant=tenant, pk=pk)
    try:
        services.room_set_archived(actor=request.user, room=room, archived=not room.archived)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The room was archived.") if room.archived else _("The room was restored."))
    return redirect("places:room_detail", pk=pk)


# --- Search ---------------------------------------------------------------------------------
@login_required
def search(request):
    tenant = _tenant(request)
    q = request.GET.get("q", "").strip()
    return render(request, "places/search.html", {
        "q": q, "results": queries.places_search(tenant=tenant, q=q), "crumbs": _crumbs((_("Search"), None)),
        "can_manage": request.user.has_perm("places.manage_places", tenant),
    })


# --- Import ---------------------------------------------------------------------------------
IMPORT_SESSION_KEY = "torg_places_import"
IMPORT_SAMPLE_ROWS = 10


def _unstash(request, token):
    return stash.get(request, key=IMPORT_SESSION_KEY, tenant=request.tenant, token=token)


@login_required
def import_upload(request):
    tenant = _tenant(request, "places.manage_places")
    form = ImportForm(request.POST or None, request.FILES or None)
    preview = import_upload_step(
        request, form=form, key=IMPORT_SESSION_KEY, tenant=tenant,
        plan_import=lambda upload: importer.plan_import(tenant=tenant, upload=upload),
        preview=lambda plan, token, name: render(request, "places/import_preview.html",
                                                 _preview_context(plan, token, name)))
    if preview:
        return preview
    columns = [(name, help_text, ", ".join(importer.ALIASES.get(name, []))) for name, help_text in importer.COLUMNS]
    context = {"form": form, "columns": columns, "crumbs": _crumbs((_("Import"), None))}
    return render(request, "places/import_upload.html", context, status=422 if form.errors else 200)


@login_required
@require_POST
def import_confirm(request):
    tenant = _tenant(request, "places.manage_places")
    plan, response = import_confirm_step(
        request, key=IMPORT_SESSION_KEY, tenant=tenant,
        apply_import=lambda upload, valid_only: importer.apply_import(actor=request.user, tenant=tenant, upload=upload,
                                                                      valid_rows_only=valid_only),
        refused=lambda plan, token, name: render(request, "places/import_preview.html",
                                                 _preview_context(plan, token, name, refused=True)),
        back_url=reverse("places:import"),
        expired_message=_("This file has already been imported, or the upload has expired. "
                          "Check the register, or upload the file again."))
    if response:
        return response
    messages.success(request, _("Import finished: %(created)d created, %(updated)d updated, %(skipped)d rows skipped.")
                     % {"created": plan.counts["created"], "updated": plan.counts["updated"],
                        "skipped": plan.counts["error_rows"]})
    return redirect("places:building_list")


def _sample_rows(plan):
    """The first valid rows, flattened for the preview table."""
    sample = []
    for row in plan.valid_rows[:IMPORT_SAMPLE_ROWS]:
        room = row.room or {}
        kind, key = row.building_key
        sample.append({
            "line": row.line, "building": row.building.get("name") or row.building.get("building_number") or key,
            "floor": row.floor_level, "room": room.get("number", ""), "name": room.get("name", ""),
            "net_area": room.get("net_area"), "capacity": room.get("capacity"),
        })
    return sample


def _preview_context(plan, token, file_name, refused=False):
    c = plan.counts
    preview = import_preview(
        token=token, file_name=file_name, counts=c, errors=plan.errors, refused=refused,
        summary=[(_("New buildings"), c["new_buildings"]), (_("New properties"), c["new_properties"]),
                 (_("Floors"), c["floors"]), (_("Rooms (new or updated)"), c["rooms"])],
        confirm_url=reverse("places:import_confirm"), back_url=reverse("places:import"),
        errors_url=reverse("places:import_errors"))
    return {
        "plan": plan, "token": token, "preview": preview, "sample_rows": _sample_rows(plan),
        "crumbs": _crumbs((_("Import"), reverse("places:import")), (_("Check the import"), None)),
    }


@login_required
def import_errors(request):
    """The preview's problems as a spreadsheet (line, column, problem), for fixing a large file."""
    tenant = _tenant(request, "places.manage_places")
    return import_errors_response(_unstash(request, request.GET.get("token", "")),
                                  lambda upload: importer.plan_import(tenant=tenant, upload=upload))


@login_required
def import_template(request):
    _tenant(request, "places.manage_places")
    return download(importer.template_xlsx(), "torg-places-import.xlsx")

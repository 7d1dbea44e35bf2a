"""Furnishing-plan pages. Thin: find the tenant and plan (404 for another tenant's), check the
permission, call one query or service, render (a partial when HTMX asks)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from torg.accounts.models import OrgUnit
from torg.core import stash
from torg.core.views import (
    apply_validation_error,
    breadcrumbs,
    download,
    form_page,
    import_confirm_step,
    import_errors_response,
    import_preview,
    import_upload_step,
    int_param,
    paginate,
    require_perm,
    tenant_lookup,
)
from torg.places.models import Building
from torg.reuse.labels import public_base_url
from torg.reuse.queries import category_list

from . import importer, movelists, queries, services
from .forms import (
    CopyNeedsForm, DeliveryForm, ImportForm, NeedForm, OfferForm, OverrideForm, PlanForm, PurchaseDecisionForm,
    PurchaseRequestForm, purchase_form,
)
from .models import Line, Plan, PurchaseRequest, UsedOffer
from .states import PLAN_MACHINE


_tenant = tenant_lookup("reuse_relocation.view_plans")


def _plan(request, pk, perm=None):
    tenant = _tenant(request)
    plan = queries.plan_get(tenant=tenant, pk=pk)
    if perm:
        require_perm(request, perm, plan)
    return plan


_crumbs = breadcrumbs((gettext_lazy("Reuse"), "reuse:overview"), (gettext_lazy("Furnishing plans"), "relocation:plan_list"))


def _plan_crumbs(plan, *extra):
    return _crumbs((plan.number, reverse("relocation:plan_detail", args=[plan.pk])), *extra)


def _can(request, plan):
    return {"manage": request.user.has_perm("reuse_relocation.manage_plan", plan),
            "deliver": request.user.has_perm("reuse_relocation.deliver", plan)}


def _changed(response):
    """Tell the page's live parts (the figures) that the plan changed."""
    response["HX-Trigger"] = "relocation-changed"
    return response


# --- Plans ----------------------------------------------------------------------------------
@login_required
def plan_list(request):
    tenant = _tenant(request)
    status = request.GET.get("status", "")
    page = paginate(request, queries.plan_list(tenant=tenant, status=status))
    return render(request, "relocation/plan_list.html", {
        "page_obj": page, "status": status, "statuses": Plan.Status.choices,
        "can_create": request.user.has_perm("reuse_relocation.manage_plan", tenant),
        "can_request": request.user.has_perm("reuse_relocation.request_purchase", tenant),
        "crumbs": _crumbs()[:-1] + [(_("Furnishing plans"), None)],
    })


@login_required
def plan_create(request):
    tenant = _tenant(request, "reuse_relocation.manage_plan")
    form = PlanForm(request.POST or None, tenant=tenant)
    if request.method == "POST" and form.is_valid() and \
            not request.user.has_perm("reuse_relocation.manage_plan", form.cleaned_data["building"]):
        form.add_error("building", _("You may not plan for this building."))
    return form_page(
        request, form=form,
        save=lambda d: services.plan_create(actor=request.user, tenant=tenant, **d),
        success_url=lambda plan: reverse("relocation:plan_detail", args=[plan.pk]),
        success_message=_("The plan was created. Add the needs room by room, or import them."),
        context={"title": _("New furnishing plan"), "cancel_url": reverse("relocation:plan_list"),
                 "crumbs": _crumbs((_("New furnishing plan"), None))},
    )


@login_required
def plan_edit(request, pk):
    plan = _plan(request, pk, "reuse_relocation.manage_plan")
    locked = plan.needs.exists()
    initial = {"name": plan.name, "building": plan.building, "target_reuse_percent": plan.target_reuse_percent,
               "source_buildings": list(plan.source_buildings.all()), "description": plan.description}
    form = PlanForm(request.POST or None, tenant=plan.tenant, building_locked=locked, initial=initial)
    return form_page(
        request, form=form,
        save=lambda d: services.plan_update(actor=request.user, plan=plan, **d),
        success_url=reverse("relocation:plan_detail", args=[plan.pk]), success_message=_("The plan was saved."),
        context={"title": _("Edit %(name)s") % {"name": plan}, "cancel_url": reverse("relocation:plan_detail",
                                                                                     args=[plan.pk]),
                 "crumbs": _plan_crumbs(plan, (_("Edit"), None))},
    )


ROOMS_SHOWN_UNFOLDED = 40  # as on a building's page


def _int_or_none(value):
    return int(value) if value and value.isdigit() and len(value) < 10 else None


def _figures_context(plan):
    return {"plan": plan, "fig": queries.figures(plan=plan), "categories": queries.category_breakdown(plan=plan)}


@login_required
def plan_detail(request, pk):
    plan = _plan(request, pk)
    floors = queries.room_summary(plan=plan)
    return render(request, "relocation/plan_detail.html", {
        **_figures_context(plan), "can": _can(request, plan),
        "floors": floors,
        "open_floor": _int_or_none(request.GET.get("floor")),  # ?floor=<id>: that floor unfolded
        # a small building shows its rooms at once; a large one folds each floor
        "fold_floors": sum(len(f["rooms"]) for f in floors) > ROOMS_SHOWN_UNFOLDED,
        "sources": plan.source_buildings.order_by("name"),
        "transitions": [(t.target, PLAN_MACHINE.label(t.target)) for t in PLAN_MACHINE.available(plan, request.user)],
        "progress": queries.delivery_progress(plan=plan),
        "crumbs": _crumbs((plan.number, None)),
    })


@login_required
def plan_figures(request, pk):
    plan = _plan(request, pk)
    return render(request, "relocation/partials/figures.html", _figures_context(plan))


@login_required
@require_POST
def plan_match(request, pk):
    plan = _plan(request, pk, "reuse_relocation.manage_plan")
    try:
        counts = services.plan_match(actor=request.user, plan=plan)
    except ValidationError as exc:
        message, ok = " ".join(exc.messages), False
    else:
        message, ok = _("Matching done: %(own)d reuse own, %(used)d buy used, %(new)d buy new; %(changed)d lines "
                        "changed.") % counts, True
    if request.htmx:
        plan.refresh_from_db()
        return _changed(render(request, "relocation/partials/figures.html",
                               {**_figures_context(plan), "message": message, "ok": ok}))
    (messages.success if ok else messages.error)(request, message)
    return redirect("relocation:plan_detail", pk=plan.pk)


@login_required
@require_POST
def plan_status(request, pk):
    plan = _plan(request, pk, "reuse_relocation.manage_plan")
    try:
        plan = services.plan_change_status(actor=request.user, plan=plan, to_status=request.POST.get("status", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The plan is now “%(status)s”.") % {"status": plan.get_status_display()})
    return redirect("relocation:plan_detail", pk=plan.pk)


# --- Needs per room -------------------------------------------------------------------------
NEED_INITIAL_FIELDS = ("category", "quantity", "min_width_cm", "max_width_cm", "min_depth_cm", "max_depth_cm",
                       "colour", "max_condition", "product", "note")


def _last_need(plan):
    return plan.needs.select_related("category", "room").order_by("-pk").first()


def _need_values(need):
    return {f: getattr(need, f) for f in NEED_INITIAL_FIELDS}


def _room_context(request, plan, room, form=None):
    last = _last_need(plan)
    if form is None:
        form = NeedForm(tenant=plan.tenant, initial=_need_values(last) if last else None)
    rooms = list(queries.plan_rooms(plan=plan))
    index = next((i for i, r in enumerate(rooms) if r.pk == room.pk), 0)
    return {
        "plan": plan, "room": room, "needs": queries.room_needs(plan=plan, room=room), "form": form, "last": last,
        "can": _can(request, plan), "prev_room": rooms[index - 1] if index > 0 else None,
        "next_room": rooms[index + 1] if index + 1 < len(rooms) else None,
        "copy_form": CopyNeedsForm(rooms=queries.plan_rooms(plan=plan).exclude(pk=room.pk)),
        "crumbs": _plan_crumbs(plan, (_("Room %(number)s") % {"number": room.number}, None)),
    }


def _room_response(request, plan, room, form=None, status=200):
    context = _room_context(request, plan, room, form)
    if not request.htmx:
        return render(request, "relocation/room_needs.html", context, status=status)
    # HTMX swaps only 2xx answers: the partial (with the form's errors, if any) comes back as 200.
    response = render(request, "relocation/partials/room_needs.html", context)
    return _changed(response) if request.method == "POST" and status == 200 else response


@login_required
def room_needs(request, pk, room_pk):
    plan = _plan(request, pk)
    room = queries.plan_room(plan=plan, pk=room_pk)
    if request.method != "POST":
        return _room_response(request, plan, room)
    require_perm(request, "reuse_relocation.manage_plan", plan)
    last = _last_need(plan)
    if request.POST.get("action") == "repeat" and last is not None:
        form = NeedForm({k: ("" if v is None else getattr(v, "pk", v)) for k, v in _need_values(last).items()},
                        tenant=plan.tenant)
    else:
        form = NeedForm(request.POST, tenant=plan.tenant)
    if form.is_valid():
        try:
            need = services.need_create(actor=request.user, plan=plan, room=room, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Added %(need)s.") % {"need": need})
            if not request.htmx:
                return redirect("relocation:room_needs", pk=plan.pk, room_pk=room.pk)
            return _room_response(request, plan, room, NeedForm(tenant=plan.tenant,
                                                                initial=_need_values(need)))
    return _room_response(request, plan, room, form, status=422)


@login_required
def need_edit(request, pk, need_pk):
    plan = _plan(request, pk, "reuse_relocation.manage_plan")
    need = queries.need_get(plan=plan, pk=need_pk)
    form = NeedForm(request.POST or None, tenant=plan.tenant, initial=_need_values(need))
    back = reverse("relocation:room_needs", args=[plan.pk, need.room_id])
    return form_page(
        request, form=form, save=lambda d: services.need_update(actor=request.user, need=need, **d),
        success_url=back, success_message=_("The need was saved."),
        context={"title": _("Edit need in room %(room)s") % {"room": need.room.number}, "cancel_url": back,
                 "intro": _("Lowering the quantity removes open and bought lines first; reused items are released."),
                 "crumbs": _plan_crumbs(plan, (_("Room %(number)s") % {"number": need.room.number}, back),
                                        (_("Edit"), None))},
    )


@login_required
@require_POST
def need_delete(request, pk, need_pk):
    plan = _plan(request, pk, "reuse_relocation.manage_plan")
    need = queries.need_get(plan=plan, pk=need_pk)
    room = need.room
    try:
        services.need_delete(actor=request.user, need=need)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The need was removed."))
    if request.htmx:
        return _room_response(request, plan, room)
    return redirect("relocation:room_needs", pk=plan.pk, room_pk=room.pk)


@login_required
@require_POST
def room_copy(request, pk, room_pk):
    plan = _plan(request, pk, "reuse_relocation.manage_plan")
    room = queries.plan_room(plan=plan, pk=room_pk)
    form = CopyNeedsForm(request.POST, rooms=queries.plan_rooms(plan=plan).exclude(pk=room.pk))
    if form.is_valid():
        try:
            n = services.needs_copy(actor=request.user, plan=plan, from_room=room, to_rooms=form.cleaned_data["rooms"],
                                    replace=form.cleaned_data["replace"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Copied: %(n)d needs added to %(rooms)d rooms.")
                             % {"n": n, "rooms": len(form.cleaned_data["rooms"])})
    else:
        messages.error(request, _("Choose at least one other room."))
    return redirect("relocation:room_needs", pk=plan.pk, room_pk=room.pk)


# --- Lines and overrides ----------------------------------------------------------------------
@login_required
def line_list(request, pk):
    plan = _plan(request, pk)
    g = request.GET
    f = {"source": g.get("source", ""), "category_id": int_param(g.get("category")), "building_id": int_param(g.get("from")),
         "room_id": int_param(g.get("room")), "delivered": g.get("delivered", ""), "locked": g.get("locked", ""),
         "search": g.get("q", "").strip()[:40], "sort": g.get("sort", "room")}
    page = paginate(request, queries.line_list(plan=plan, **f), per_page=100)
    context = {"plan": plan, "page_obj": page, "f": f, "sources": Line.Source.choices,
               "categories": category_list(tenant=plan.tenant, include_archived=True),
               "from_buildings": queries.source_buildings_of_lines(plan=plan), "can": _can(request, plan),
               "crumbs": _plan_crumbs(plan, (_("Lines"), None))}
    if request.htmx and not request.htmx.boosted:
        return render(request, "relocation/partials/line_table.html", context)
    return render(request, "relocation/line_list.html", context)


@login_required
def line_override(request, pk, line_pk):
    plan = _plan(request, pk, "reuse_relocation.manage_plan")
    line = queries.line_get(plan=plan, pk=line_pk)
    offers = UsedOffer.objects.filter(plan=plan, category_id=line.need.category_id).select_related("supplier")
    initial = {"source": line.source, "item": line.item.number if line.item_id else "", "offer": line.offer_id}
    if request.method == "POST" and request.POST.get("pick"):
        data = {"source": Line.Source.OWN, "item": request.POST["pick"], "comment": request.POST.get("comment", "")}
        form = OverrideForm(data, offers=offers)
    else:
        form = OverrideForm(request.POST or None, offers=offers, initial=initial)
    back = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = ""
    back = back or reverse("relocation:room_needs", args=[plan.pk, line.need.room_id])
    if request.method == "POST" and request.POST.get("action") == "unlock":
        try:
            services.line_unlock(actor=request.user, line=line)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The line is matched automatically again at the next matching."))
        return redirect(back)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        item = None
        if d["source"] == Line.Source.OWN:
            item = queries.item_for_override(plan=plan, text=d["item"])
            if item is None:
                form.add_error("item", _("No item with this number or code in %(tenant)s.")
                               % {"tenant": plan.tenant.name})
        if not form.errors:
            try:
                warnings = services.line_override(actor=request.user, line=line, source=d["source"], item=item,
                                                  offer=d["offer"], comment=d["comment"])
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("The line was changed and is kept at re-matching."))
                if warnings:
                    messages.warning(request, _("Note: the item does not meet the need: %(problems)s.")
                                     % {"problems": ", ".join(warnings)})
                return redirect(back)
    return render(request, "relocation/line_override.html", {
        "plan": plan, "line": line, "form": form, "candidates": queries.candidate_items(line=line), "next": back,
        "crumbs": _plan_crumbs(plan, (_("Room %(number)s") % {"number": line.need.room.number},
                                      reverse("relocation:room_needs", args=[plan.pk, line.need.room_id])),
                               (_("Change line"), None)),
    }, status=422 if request.method == "POST" else 200)


# --- Offers of used furniture ---------------------------------------------------------------
@login_required
def offer_list(request, pk):
    plan = _plan(request, pk)
    can = _can(request, plan)
    form = OfferForm(request.POST or None, tenant=plan.tenant)
    if request.method == "POST":
        require_perm(request, "reuse_relocation.manage_plan", plan)
        if form.is_valid():
            try:
                services.offer_create(actor=request.user, plan=plan, **form.cleaned_data)
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("The offer was added. Run the matching to use it."))
                return redirect("relocation:offer_list", pk=plan.pk)
    return render(request, "relocation/offer_list.html", {
        "plan": plan, "offers": queries.offers(plan=plan), "form": form, "can": can,
        "crumbs": _plan_crumbs(plan, (_("Used offers"), None)),
    }, status=422 if request.method == "POST" else 200)


@login_required
def offer_edit(request, pk, offer_pk):
    plan = _plan(request, pk, "reuse_relocation.manage_plan")
    offer = queries.offer_get(plan=plan, pk=offer_pk)
    fields = ("supplier", "category", "description", "product", "quantity", "unit_price_nok", "width_cm", "depth_cm",
              "colour", "condition")
    form = OfferForm(request.POST or None, tenant=plan.tenant, initial={f: getattr(offer, f) for f in fields})
    back = reverse("relocation:offer_list", args=[plan.pk])
    return form_page(
        request, form=form, save=lambda d: services.offer_update(actor=request.user, offer=offer, **d),
        success_url=back, success_message=_("The offer was saved."),
        context={"title": _("Edit offer"), "cancel_url": back,
                 "crumbs": _plan_crumbs(plan, (_("Used offers"), back), (_("Edit"), None))},
    )


# --- Import of needs --------------------------------------------------------------------------
def _stash_key(plan):
    return f"torg_relocation_import_{plan.pk}"


def _unstash(request, plan, token):
    return stash.get(request, key=_stash_key(plan), tenant=plan.tenant, token=token)


def _preview_context(plan, checked, token, file_name, refused=False):
    preview = import_preview(
        token=token, file_name=file_name, counts=checked.counts, errors=checked.errors, refused=refused,
        summary=[(_("Pieces needed"), checked.counts["pieces"]), (_("Rooms"), checked.counts["rooms"])],
        confirm_url=reverse("relocation:need_import_confirm", args=[plan.pk]),
        back_url=reverse("relocation:need_import", args=[plan.pk]),
        errors_url=reverse("relocation:need_import_errors", args=[plan.pk]))
    return {"plan": plan, "checked": checked, "token": token, "preview": preview,
            "crumbs": _plan_crumbs(plan, (_("Import needs"), None))}


@login_required
def need_import(request, pk):
    plan = _plan(request, pk, "reuse_relocation.manage_plan")
    form = ImportForm(request.POST or None, request.FILES or None)
    preview = import_upload_step(
        request, form=form, key=_stash_key(plan), tenant=plan.tenant,
        plan_import=lambda upload: importer.plan_import(plan=plan, upload=upload),
        preview=lambda checked, token, name: render(request, "relocation/import_preview.html",
                                                    _preview_context(plan, checked, token, name)))
    if preview:
        return preview
    context = {"plan": plan, "form": form, "columns": importer.COLUMNS,
               "crumbs": _plan_crumbs(plan, (_("Import needs"), None))}
    return render(request, "relocation/import_upload.html", context, status=422 if form.errors else 200)


@login_required
@require_POST
def need_import_confirm(request, pk):
    plan = _plan(request, pk, "reuse_relocation.manage_plan")
    checked, response = import_confirm_step(
        request, key=_stash_key(plan), tenant=plan.tenant,
        apply_import=lambda upload, valid_only: importer.apply_import(actor=request.user, plan=plan, upload=upload,
                                                                      valid_rows_only=valid_only),
        refused=lambda checked, token, name: render(request, "relocation/import_preview.html",
                                                    _preview_context(plan, checked, token, name, refused=True)),
        back_url=reverse("relocation:need_import", args=[plan.pk]),
        expired_message=_("This file has already been imported, or the upload has expired. "
                          "Check the plan, or upload the file again."))
    if response:
        return response
    messages.success(request, _("Imported %(needs)d needs (%(pieces)d pieces); %(skipped)d rows skipped. Run the "
                                "matching to cover them.") % {"needs": checked.counts["valid_rows"],
                                                              "pieces": checked.counts["pieces"],
                                                              "skipped": checked.counts["error_rows"]})
    return redirect("relocation:plan_detail", pk=plan.pk)


@login_required
def need_import_errors(request, pk):
    """The preview's problems as a spreadsheet (line, column, problem), for fixing a large file."""
    plan = _plan(request, pk, "reuse_relocation.manage_plan")
    return import_errors_response(_unstash(request, plan, request.GET.get("token", "")),
                                  lambda upload: importer.plan_import(plan=plan, upload=upload),
                                  file_name="torg-furnishing-needs-problems.csv")


@login_required
def need_import_template(request, pk):
    plan = _plan(request, pk, "reuse_relocation.manage_plan")
    return download(importer.template_xlsx(plan), "torg-furnishing-needs.xlsx")


# --- Move lists -------------------------------------------------------------------------------
@login_required
def move_lists(request, pk):
    plan = _plan(request, pk)
    return render(request, "relocation/move_lists.html", {
        "plan": plan, "sources": queries.source_buildings_of_lines(plan=plan), "can": _can(request, plan),
        "floors": queries.room_summary(plan=plan),
        "crumbs": _plan_crumbs(plan, (_("Move lists"), None)),
    })


@login_required
def move_list_download(request, pk):
    plan = _plan(request, pk)
    g = request.GET
    fmt = g.get("format", "pdf")
    if fmt not in ("pdf", "xlsx"):
        raise Http404
    if g.get("from"):
        if g["from"] == "none":
            lines, where = queries.move_lines(plan=plan, no_location=True), _("no location")
        else:
            building = Building.objects.filter(tenant=plan.tenant, pk=int_param(g["from"])).first()
            if building is None:
                raise Http404
            lines, where = queries.move_lines(plan=plan, building_id=building.pk), building.name
        title = _("Move list from %(where)s") % {"where": where}
    elif g.get("room"):
        room = queries.plan_room(plan=plan, pk=int_param(g["room"]) or 0)
        lines = queries.move_lines(plan=plan, room_id=room.pk)
        where = room.number
        title = _("Move list to room %(where)s") % {"where": " ".join(p for p in (room.number, room.name) if p)}
    elif g.get("floor"):
        floor = plan.building.floors.filter(pk=int_param(g["floor"]) or 0).first()
        if floor is None:
            raise Http404
        lines, where = queries.move_lines(plan=plan, floor_id=floor.pk), floor.name or str(floor.level)
        title = _("Move list to %(where)s") % {"where": where}
    else:
        raise Http404
    base = public_base_url(request)
    name = f"{plan.number}-{slugify(where) or 'list'}"
    if fmt == "xlsx":
        return download(movelists.move_list_xlsx(lines, base_url=base), f"{name}.xlsx")
    pdf = movelists.move_list_pdf(lines, title=title, subtitle=f"{plan.number} {plan.name} → {plan.building.name}",
                                  tenant_name=plan.tenant.name, base_url=base)
    return download(pdf, f"{name}.pdf")


# --- Delivery (phone first) -------------------------------------------------------------------
def _delivery_context(request, plan, form, result=None, error=""):
    return {"plan": plan, "form": form, "result": result, "error": error, "can": _can(request, plan),
            "progress": queries.delivery_progress(plan=plan),
            "recent": queries.recent_deliveries(plan=plan, user=request.user),
            "pending_used": queries.pending_used(plan=plan)[:50],
            "crumbs": _plan_crumbs(plan, (_("Delivery"), None))}


@login_required
def delivery(request, pk):
    plan = _plan(request, pk, "reuse_relocation.deliver")
    if request.method != "POST":
        return render(request, "relocation/delivery.html", _delivery_context(request, plan, DeliveryForm()))
    form = DeliveryForm(request.POST)
    result, error = None, ""
    if form.is_valid():
        try:
            result = services.deliver_item(actor=request.user, plan=plan, code=form.cleaned_data["code"])
        except ValidationError as exc:
            error = " ".join(exc.messages)
    else:
        error = _("Type or scan the code on the label.")
    template = "relocation/partials/delivery_panel.html" if request.htmx else "relocation/delivery.html"
    # HTMX swaps only 2xx answers: the panel with the error comes back as 200 there.
    return render(request, template, _delivery_context(request, plan, DeliveryForm(), result, error),
                  status=422 if error and not request.htmx else 200)


@login_required
@require_POST
def deliver_used(request, pk, line_pk):
    plan = _plan(request, pk, "reuse_relocation.deliver")
    line = queries.line_get(plan=plan, pk=line_pk)
    try:
        line = services.deliver_used(actor=request.user, line=line, claim_code=request.POST.get("claim_code", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Registered %(number)s in room %(room)s (bought used).")
                         % {"number": line.item.number, "room": line.need.room.number})
    return redirect("relocation:delivery", pk=plan.pk)


# --- "Reuse first" purchase requests ---------------------------------------------------------
@login_required
def purchase_list(request):
    tenant = _tenant(request, "reuse_relocation.view_purchase_requests")
    g = request.GET
    f = {"unit_id": int_param(g.get("unit")), "category_id": int_param(g.get("category")), "decision": g.get("decision", "")}
    page = paginate(request, queries.purchase_requests(tenant=tenant, **f))
    return render(request, "relocation/purchase_list.html", {
        "page_obj": page, "f": f, "decisions": PurchaseRequest.Decision.choices,
        "units": OrgUnit.objects.filter(tenant=tenant, archived=False).order_by("name"),
        "categories": category_list(tenant=tenant, include_archived=True),
        "can_request": request.user.has_perm("reuse_relocation.request_purchase", tenant),
        "crumbs": _crumbs((_("Purchase requests"), None)),
    })


@login_required
def purchase_create(request):
    """Step 1: unit, category, quantity, reason → the matching stock is shown. Step 2: the decision."""
    tenant = _tenant(request, "reuse_relocation.request_purchase")
    context = {"crumbs": _crumbs((_("Purchase requests"), reverse("relocation:purchase_list")),
                                 (_("New purchase request"), None))}
    step = request.POST.get("step", "check") if request.method == "POST" else ""
    if step == "decide":
        form = purchase_form(PurchaseDecisionForm, request.POST, tenant=tenant)
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.purchase_request_create(
                    actor=request.user, tenant=tenant, unit=d["unit"], category=d["category"],
                    quantity=d["quantity"], reason=d["reason"], decision=d["decision"],
                    decision_reason=d["decision_reason"], seen_available=d["seen_available"])
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("The purchase request and the decision were recorded."))
                return redirect("relocation:purchase_list")
        category = form.cleaned_data.get("category")
        return render(request, "relocation/purchase_form.html", {
            **context, "form": form, "step": "decide", "category": category, "unit": form.cleaned_data.get("unit"),
            "available": queries.available_count(tenant=tenant, category=category) if category else 0,
        }, status=422)
    form = purchase_form(PurchaseRequestForm, request.POST or None, tenant=tenant)
    if step == "check" and form.is_valid():
        d = form.cleaned_data
        available = queries.available_count(tenant=tenant, category=d["category"])
        decide = purchase_form(PurchaseDecisionForm, initial={
            "unit": d["unit"], "category": d["category"], "quantity": d["quantity"], "reason": d["reason"],
            "seen_available": available,
            "decision": PurchaseRequest.Decision.USE_STOCK if available else PurchaseRequest.Decision.BUY},
            tenant=tenant)
        return render(request, "relocation/purchase_form.html", {
            **context, "form": decide, "step": "decide", "category": d["category"], "unit": d["unit"],
            "available": available})
    return render(request, "relocation/purchase_form.html", {**context, "form": form, "step": "check"},
                  status=422 if request.method == "POST" else 200)

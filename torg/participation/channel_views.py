"""Participation pages for the input channels beside the web forms, and for following a process:

- staff record what was said at meetings and workshops (bulk entry form, XLSX/CSV import with a
  preview) and attach flipchart photos to the activity;
- floor and site plans: staff upload a plan and name its areas; participants pin comments on it —
  by pointing, or by choosing an area from a list / moving the pin with the arrow keys;
- following a process by e-mail (double opt-in, unsubscribe by token), news;
- a participant's private receipt link to see and delete their input without logging in.

Thin like `views.py`, whose helpers (tenant, breadcrumbs, the visitor's identity) they share.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from torg.core import photos, stash
from torg.core.tabular import TableError
from torg.core.views import apply_validation_error, download, import_errors_response, import_preview, paginate

from . import importer, intake, plans, queries, retention, services, subscriptions
from .forms import (AreaForm, MeetingForm, MeetingImportForm, MeetingRowForm, NewsForm, PhotoForm, PinForm, PlanForm,
                    SubscribeForm)
from .views import _crumbs, _manage, _open_process, _process_crumb, _thank, _who

BULK_ROWS = 10
IMPORT_KEY = "torg_participation_import"
HEAD_KEY = "torg_participation_import_head"


def _base_url(request):
    return request.build_absolute_uri("/")


# --- Staff: what was said at meetings -------------------------------------------------------------
@login_required
def meeting_input(request, pk):
    """The bulk entry form: one activity and channel, many statements at once (empty rows ignored)."""
    process = _manage(request, queries.process_get, pk)
    try:
        rows = max(BULK_ROWS, min(100, int(request.POST.get("rows") or request.GET.get("rows") or BULK_ROWS)))
    except ValueError:
        rows = BULK_ROWS
    data = request.POST if request.method == "POST" and "more" not in request.POST else None
    head = MeetingForm(data, process=process, initial={"activity": request.GET.get("activity")})
    row_forms = [MeetingRowForm(data, process=process, prefix=f"r{i}") for i in range(rows)]
    if request.method == "POST" and "more" in request.POST:  # keep what was typed, add ten rows
        head = MeetingForm(request.POST, process=process)
        row_forms = [MeetingRowForm(request.POST if i < rows else None, process=process, prefix=f"r{i}")
                     for i in range(rows + BULK_ROWS)]
        rows += BULK_ROWS
    elif data is not None and head.is_valid() and all(f.is_valid() for f in row_forms):
        given = [intake.MeetingRow(line=i + 1, text=f.cleaned_data["text"],
                                   target_group=str(f.cleaned_data["target_group"].pk)
                                   if f.cleaned_data["target_group"] else "",
                                   age_band=f.cleaned_data["age_band"])
                 for i, f in enumerate(row_forms) if (f.cleaned_data.get("text") or "").strip()]
        try:
            created = intake.meeting_inputs_record(actor=request.user, process=process, rows=given,
                                                   **head.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(head, exc)
        else:
            messages.success(request, _("%(n)d statements were recorded.") % {"n": len(created)})
            return redirect(reverse("participation:meeting_input", args=[process.pk])
                            + f"?activity={head.cleaned_data['activity'].pk}")
    title = _("Record input from a meeting")
    return render(request, "participation/meeting_input.html", {
        "process": process, "head": head, "row_forms": row_forms, "rows": rows, "title": title,
        "recorded": paginate(request, queries.recorded_inputs(process=process), per_page=20),
        "crumbs": _crumbs(_process_crumb(process), (title, None)),
    }, status=422 if data is not None else 200)


def _import_crumbs(process, *extra):
    return _crumbs(_process_crumb(process), (_("Record input from a meeting"),
                                             reverse("participation:meeting_input", args=[process.pk])), *extra)


def _import_preview(process, plan, token, file_name, head, refused=False):
    confirm = reverse("participation:meeting_import_confirm", args=[process.pk])
    preview = import_preview(
        token=token, file_name=file_name, counts=plan.counts, errors=plan.errors, refused=refused,
        summary=[(_("Activity"), head["activity"]), (_("Channel"), dict(importer.CHANNELS)[head["channel"]])],
        confirm_url=confirm, back_url=reverse("participation:meeting_import", args=[process.pk]),
        errors_url=reverse("participation:meeting_import_errors", args=[process.pk]))
    return {"process": process, "preview": preview, "head": head, "sample": plan.inputs[:10],
            "crumbs": _import_crumbs(process, (_("Check the import"), None))}


@login_required
def meeting_import(request, pk):
    """Upload a file of statements; the preview shows what will be recorded and every bad row."""
    process = _manage(request, queries.process_get, pk)
    form = MeetingImportForm(request.POST or None, request.FILES or None, process=process)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > settings.TORG_MAX_IMPORT_BYTES:
            form.add_error("file", _("The file is too large (max %(mb)d MB).")
                           % {"mb": settings.TORG_MAX_IMPORT_BYTES // (1024 * 1024)})
        else:
            token = stash.put(request, key=IMPORT_KEY, tenant=process.tenant, name=upload.name, data=upload.read())
            head = {k: form.cleaned_data[k] for k in ("activity", "channel")}
            request.session[HEAD_KEY] = {"activity": head["activity"].pk, "channel": head["channel"]}
            try:
                plan = importer.plan_import(process=process, upload=stash.get(
                    request, key=IMPORT_KEY, tenant=process.tenant, token=token), **head)
            except TableError as exc:
                stash.drop(request, key=IMPORT_KEY)
                form.add_error("file", str(exc))
            else:
                return render(request, "participation/meeting_import_preview.html",
                              _import_preview(process, plan, token, upload.name, head))
    return render(request, "participation/meeting_import.html", {
        "process": process, "form": form, "columns": [(n, h, ", ".join(importer.ALIASES.get(n, [])))
                                                      for n, h in importer.COLUMNS],
        "crumbs": _import_crumbs(process, (_("Import"), None)),
    }, status=422 if form.errors else 200)


def _head(request, process):
    """The activity and channel chosen with the previewed file (kept in the session beside it)."""
    form = MeetingForm(request.session.get(HEAD_KEY) or {}, process=process)
    if not form.is_valid():
        raise Http404
    return form.cleaned_data


@login_required
@require_POST
def meeting_import_confirm(request, pk):
    """Record every row of the previewed file in one transaction — or nothing, when a row is bad."""
    process = _manage(request, queries.process_get, pk)
    head = _head(request, process)
    token = request.POST.get("token", "")
    try:
        with transaction.atomic():  # a refused import rolls the claim back: it can be confirmed again
            upload = stash.claim(request, key=IMPORT_KEY, tenant=process.tenant, token=token)
            if upload is None:
                messages.error(request, _("This file has already been imported, or the upload has expired. "
                                          "Check the register, or upload the file again."))
                return redirect("participation:meeting_import", process.pk)
            plan = importer.apply_import(actor=request.user, process=process, upload=upload, **head)
    except importer.ImportRefused as exc:
        return render(request, "participation/meeting_import_preview.html",
                      _import_preview(process, exc.plan, token, upload.name, head, refused=True), status=422)
    except (TableError, ValidationError) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        stash.drop(request, key=IMPORT_KEY)
        return redirect("participation:meeting_import", process.pk)
    stash.drop(request, key=IMPORT_KEY)
    messages.success(request, _("%(n)d statements were recorded.") % {"n": len(plan.inputs)})
    return redirect(reverse("participation:meeting_input", args=[process.pk]) + f"?activity={head['activity'].pk}")


@login_required
def meeting_import_errors(request, pk):
    process = _manage(request, queries.process_get, pk)
    head = _head(request, process)
    return import_errors_response(
        stash.get(request, key=IMPORT_KEY, tenant=process.tenant, token=request.GET.get("token", "")),
        lambda upload: importer.plan_import(process=process, upload=upload, **head))


@login_required
def meeting_import_template(request, pk):
    _manage(request, queries.process_get, pk)
    return download(importer.template_xlsx(), "torg-meeting-input.xlsx")


@login_required
def activity_photos(request, pk):
    """Flipchart and post-it photos of an activity: add (with what they show) or remove."""
    activity = _manage(request, queries.activity_get, pk)
    process = activity.process
    form = PhotoForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and "delete" in request.POST:
        photo = queries.activity_photo_get(tenant=process.tenant, pk=request.POST["delete"])
        if photo.activity_id != activity.pk:
            raise Http404
        intake.activity_photo_delete(actor=request.user, photo=photo)
        messages.success(request, _("The photo is removed."))
        return redirect("participation:activity_photos", activity.pk)
    if request.method == "POST" and form.is_valid():
        try:
            intake.activity_photo_add(actor=request.user, activity=activity, upload=form.cleaned_data["photo"],
                                      alt=form.cleaned_data["alt"])
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The photo is added."))
            return redirect("participation:activity_photos", activity.pk)
    title = _("Photos from %(activity)s") % {"activity": activity.title}
    return render(request, "participation/activity_photos.html", {
        "activity": activity, "process": process, "form": form, "title": title,
        "photos": [(p, photos.url_for(p)) for p in queries.activity_photos(activity=activity)],
        "recorded": queries.recorded_inputs(process=process, activity=activity)[:200],
        "crumbs": _crumbs(_process_crumb(process), (title, None)),
    }, status=422 if form.errors else 200)


# --- Staff: plans ---------------------------------------------------------------------------------
@login_required
def plan_list(request, pk):
    process = _manage(request, queries.process_get, pk)
    form = PlanForm(request.POST or None, request.FILES or None, process=process)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            plan = plans.plan_create(actor=request.user, process=process, title=d["title"],
                                     description=d["description"], upload=d["image"], activity=d["activity"])
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The plan is added. Name its areas, so people can choose from a list."))
            return redirect("participation:plan_detail", plan.pk)
    title = _("Plans")
    return render(request, "participation/plan_list.html", {
        "process": process, "form": form, "plans": queries.plan_list(process=process), "title": title,
        "crumbs": _crumbs(_process_crumb(process), (title, None)),
    }, status=422 if form.errors else 200)


def _pin_rows(pins):
    return [{"pin": p, "words": plans.pin_words(p.pin_x, p.pin_y, p.area)} for p in pins]


@login_required
def plan_detail(request, pk):
    """A plan for staff: its areas (add, remove), every pin with its place in words."""
    plan = _manage(request, queries.plan_get, pk)
    form = AreaForm(request.POST or None)
    if request.method == "POST" and "delete_area" in request.POST:
        area = queries.area_get(tenant=plan.tenant, pk=request.POST["delete_area"])
        if area.plan_id != plan.pk:
            raise Http404
        plans.area_delete(actor=request.user, area=area)
        messages.success(request, _("The area is removed."))
        return redirect("participation:plan_detail", plan.pk)
    if request.method == "POST" and "open_for_pins" in request.POST:
        plans.plan_set_open(actor=request.user, plan=plan, open_for_pins=request.POST["open_for_pins"] == "1")
        messages.success(request, _("The plan was saved."))
        return redirect("participation:plan_detail", plan.pk)
    if request.method == "POST" and form.is_valid():
        try:
            plans.area_add(actor=request.user, plan=plan, name=form.cleaned_data["name"], **form.box())
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The area is added."))
            return redirect("participation:plan_detail", plan.pk)
    return render(request, "participation/plan_detail.html", {
        "plan": plan, "process": plan.process, "form": form, "image_url": photos.url_for(plan),
        "areas": plan.areas.all(), "pins": _pin_rows(queries.plan_pins(plan=plan, everything=True)),
        "public_url": reverse("participation:public_plan", args=[plan.process.code, plan.pk]),
        "crumbs": _crumbs(_process_crumb(plan.process), (_("Plans"), reverse("participation:plan_list",
                                                                             args=[plan.process_id])),
                          (plan.title, None)),
    }, status=422 if form.errors else 200)


@login_required
def news_create(request, pk):
    process = _manage(request, queries.process_get, pk)
    form = NewsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            subscriptions.news_publish(actor=request.user, process=process, base_url=_base_url(request),
                                       **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The news is published and sent to those who follow the process."))
            return redirect("participation:process_detail", process.pk)
    title = _("Publish news")
    counts = queries.subscriber_counts(process=process)
    return render(request, "web/form_page.html", {
        "form": form, "title": title, "cancel_url": reverse("participation:process_detail", args=[process.pk]),
        "intro": _("%(n)d people follow the news of this process.") % {"n": counts["news"]},
        "crumbs": _crumbs(_process_crumb(process), (title, None)),
    }, status=422 if form.errors else 200)


# --- Public: plans and pins -----------------------------------------------------------------------
def public_plan(request, code, plan_pk):
    """A plan with its pinned comments — each pin also a row of the list, with its place in words —
    and, while the process is open, the form to pin a comment."""
    process = queries.process_by_code(code=code, user=request.user)
    plan = queries.public_plan(process=process, pk=plan_pk)
    participant, invite = _who(request, process)
    is_open = process.status == process.Status.OPEN and plan.open_for_pins
    form = None
    if is_open:
        form = PinForm(request.POST or None, plan=plan, user=request.user)
    if request.method == "POST":
        if not is_open:
            messages.error(request, _("This plan does not take comments."))
            return redirect("participation:public_plan", process.code, plan.pk)
        process, participant, invite, refusal = _open_process(request, code)
        if refusal:
            return refusal
        if form.is_valid():
            d = form.cleaned_data
            try:
                item = services.pin_submit(
                    plan=plan, participant=participant, invite=invite, user=request.user, body=d["body"],
                    x=d.get("x"), y=d.get("y"), area=form.areas.get(d.get("area")),
                    target_group=d.get("target_group"), age_band=d.get("age_band", ""),
                    postal_code=d.get("postal_code", ""), notify_email=d.get("notify_email", ""))
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                _thank(request, item)
                return redirect(reverse("participation:public_plan", args=[process.code, plan.pk]) + "#pins")
    return render(request, "participation/public_plan.html", {
        "process": process, "public_tenant": process.tenant, "plan": plan, "form": form, "is_open": is_open,
        "image_url": photos.url_for(plan), "areas": plans.area_dicts(plan.areas.all()),
        "pins": _pin_rows(queries.plan_pins(plan=plan, participant=participant or "")),
        "participant": participant,
    }, status=422 if form is not None and form.errors else 200)


# --- Public: following a process ------------------------------------------------------------------
def subscribe(request, code):
    process = queries.process_by_code(code=code, user=request.user)
    form = SubscribeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            subscriptions.subscribe(process=process, base_url=_base_url(request), **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            return render(request, "participation/subscribe.html", {
                "process": process, "public_tenant": process.tenant, "sent": form.cleaned_data["email"]})
    return render(request, "participation/subscribe.html", {
        "process": process, "public_tenant": process.tenant, "form": form},
        status=422 if form.errors else 200)


def subscription_confirm(request, token):
    """The link in the confirmation e-mail (opening it is the confirmation: it changes only this
    subscription's own state, and only from unconfirmed to confirmed)."""
    sub = subscriptions.confirm(token=token)
    if sub is None:
        raise Http404
    return render(request, "participation/subscription.html", {
        "process": sub.process, "public_tenant": sub.process.tenant, "confirmed": True, "sub": sub})


def unsubscribe(request, token):
    """Stop following: the link in every e-mail; a button confirms (a link preview must not unsubscribe)."""
    sub = subscriptions.by_token(token)
    if sub is None:
        return render(request, "participation/subscription.html", {"gone": True}, status=404)
    if request.method == "POST":
        process = subscriptions.unsubscribe(token=token)
        return render(request, "participation/subscription.html", {
            "process": process, "public_tenant": process.tenant, "stopped": True})
    return render(request, "participation/subscription.html", {
        "process": sub.process, "public_tenant": sub.process.tenant, "ask": True, "token": token})


# --- Public: a participant's private receipt ------------------------------------------------------
def receipt(request, token):
    """The private receipt link of one input: its author sees it and may delete it, without login."""
    item = retention.by_receipt(token)
    if item is None:
        raise Http404
    if request.method == "POST":
        process = retention.delete_by_receipt(token=token)
        messages.success(request, _("Your input was deleted."))
        return redirect("participation:public_detail", process.code)
    words = plans.pin_words(item.pin_x, item.pin_y, item.area) if item.kind == item.Kind.PIN else ""
    return render(request, "participation/receipt.html", {
        "item": item, "process": item.process, "public_tenant": item.process.tenant, "words": words,
        "link": request.build_absolute_uri(),
    })


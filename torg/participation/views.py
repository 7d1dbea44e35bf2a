"""Participation pages. Thin: parse, check permission, call one query or service, render.

Staff pages address objects by id within the user's municipality (another municipality's id: 404).
Public pages address a process by its unguessable public code and need no login; a draft answers
404 to anyone who may not see it.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from torg.accounts.views import history_context
from torg.core.views import breadcrumbs, form_page, paginate, tenant_lookup

from . import queries, services
from .forms import ActivityForm, PhaseForm, ProcessFilterForm, ProcessForm, ReasonForm, TargetGroupForm
from .states import ACTIVITY_MACHINE, PROCESS_MACHINE


_tenant = tenant_lookup("participation.view_processes")


_crumbs = breadcrumbs((gettext_lazy("Participation"), "participation:process_list"))


def _process_crumb(process):
    return (process.title, reverse("participation:process_detail", args=[process.pk]))


# --- Staff: processes -------------------------------------------------------------------------
@login_required
def process_list(request):
    tenant = _tenant(request)
    form = ProcessFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    page = paginate(request, queries.process_list(tenant=tenant, status=filters.get("status", ""),
                                                  search=filters.get("search", "")))
    return render(request, "participation/process_list.html", {
        "form": form, "page_obj": page, "public_url": reverse("participation:public_list", args=[tenant.slug]),
        "can_manage": request.user.has_perm("participation.manage_processes", tenant),
        "crumbs": [(_("Participation"), None)],
    })


@login_required
def process_create(request):
    tenant = _tenant(request, "participation.manage_processes")
    form = ProcessForm(request.POST or None, tenant=tenant)
    return form_page(
        request, form=form,
        save=lambda d: services.process_create(actor=request.user, tenant=tenant, **d),
        success_url=lambda p: reverse("participation:process_detail", args=[p.pk]),
        success_message=_("The process was created as a draft."),
        context={"title": _("New participation process"), "cancel_url": reverse("participation:process_list"),
                 "crumbs": _crumbs((_("New participation process"), None))},
    )


@login_required
def process_detail(request, pk):
    tenant = _tenant(request)
    process = queries.process_detail(tenant=tenant, pk=pk)
    can_manage = request.user.has_perm("participation.manage_processes", process)
    return render(request, "participation/process_detail.html", {
        "process": process, "can_manage": can_manage,
        "transitions": PROCESS_MACHINE.available(process, request.user),
        "activity_transitions": {a.pk: ACTIVITY_MACHINE.available(a, request.user) for a in process.activities.all()},
        "public_url": reverse("participation:public_detail", args=[process.code]),
        **history_context(request, tenant, process),
        "crumbs": _crumbs((process.title, None)),
    })


@login_required
def process_edit(request, pk):
    tenant = _tenant(request, "participation.manage_processes")
    process = queries.process_get(tenant=tenant, pk=pk)
    form = ProcessForm(request.POST or None, instance=process, tenant=tenant)
    return form_page(
        request, form=form,
        save=lambda d: services.process_update(actor=request.user, process=process, **d),
        success_url=reverse("participation:process_detail", args=[process.pk]),
        success_message=_("The process was saved."),
        context={"title": _("Edit %(title)s") % {"title": process.title},
                 "cancel_url": reverse("participation:process_detail", args=[process.pk]),
                 "crumbs": _crumbs(_process_crumb(process), (_("Edit"), None))},
    )


def _status_change(request, obj, change, back):
    form = ReasonForm(request.POST)
    if not form.is_valid():
        raise Http404
    try:
        change(form.cleaned_data["status"], form.cleaned_data["reason"])
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The status was changed."))
    return redirect(back)


@login_required
@require_POST
def process_status(request, pk):
    tenant = _tenant(request, "participation.manage_processes")
    process = queries.process_get(tenant=tenant, pk=pk)
    return _status_change(
        request, process,
        lambda status, reason: services.process_set_status(actor=request.user, process=process, status=status,
                                                           reason=reason),
        reverse("participation:process_detail", args=[process.pk]))


# --- Staff: phases, stakeholder map, plan -----------------------------------------------------
def _sub_form(request, *, process, form, save, title, message):
    back = reverse("participation:process_detail", args=[process.pk])
    return form_page(request, form=form, save=save, success_url=back, success_message=message,
                     context={"title": title, "cancel_url": back,
                              "crumbs": _crumbs(_process_crumb(process), (title, None))})


def _manage(request, get, pk):
    """A row of a process (phase, target group, activity) the user may manage, within their municipality."""
    return get(tenant=_tenant(request, "participation.manage_processes"), pk=pk)


def _remove(request, obj, delete, message):
    delete(actor=request.user, obj=obj)
    messages.success(request, message)
    return redirect("participation:process_detail", obj.process_id)


@login_required
def phase_create(request, pk):
    process = _manage(request, queries.process_get, pk)
    return _sub_form(request, process=process, form=PhaseForm(request.POST or None),
                     save=lambda d: services.phase_create(actor=request.user, process=process, **d),
                     title=_("Add phase"), message=_("The phase was added."))


@login_required
def phase_edit(request, pk):
    phase = _manage(request, queries.phase_get, pk)
    return _sub_form(request, process=phase.process, form=PhaseForm(request.POST or None, instance=phase),
                     save=lambda d: services.phase_update(actor=request.user, phase=phase, **d),
                     title=_("Edit phase"), message=_("The phase was saved."))


@login_required
@require_POST
def phase_delete(request, pk):
    return _remove(request, _manage(request, queries.phase_get, pk),
                   lambda actor, obj: services.phase_delete(actor=actor, phase=obj), _("The phase was removed."))


@login_required
def target_group_create(request, pk):
    process = _manage(request, queries.process_get, pk)
    return _sub_form(request, process=process, form=TargetGroupForm(request.POST or None),
                     save=lambda d: services.target_group_create(actor=request.user, process=process, **d),
                     title=_("Add target group"), message=_("The target group was added."))


@login_required
def target_group_edit(request, pk):
    group = _manage(request, queries.target_group_get, pk)
    return _sub_form(request, process=group.process, form=TargetGroupForm(request.POST or None, instance=group),
                     save=lambda d: services.target_group_update(actor=request.user, group=group, **d),
                     title=_("Edit target group"), message=_("The target group was saved."))


@login_required
@require_POST
def target_group_delete(request, pk):
    return _remove(request, _manage(request, queries.target_group_get, pk),
                   lambda actor, obj: services.target_group_delete(actor=actor, group=obj),
                   _("The target group was removed."))


@login_required
def activity_create(request, pk):
    process = _manage(request, queries.process_get, pk)
    return _sub_form(request, process=process, form=ActivityForm(request.POST or None, process=process),
                     save=lambda d: services.activity_create(actor=request.user, process=process, **d),
                     title=_("Add activity"), message=_("The activity was added to the plan."))


@login_required
def activity_edit(request, pk):
    activity = _manage(request, queries.activity_get, pk)
    form = ActivityForm(request.POST or None, instance=activity, process=activity.process)
    return _sub_form(request, process=activity.process, form=form,
                     save=lambda d: services.activity_update(actor=request.user, activity=activity, **d),
                     title=_("Edit activity"), message=_("The activity was saved."))


@login_required
@require_POST
def activity_status(request, pk):
    activity = _manage(request, queries.activity_get, pk)
    return _status_change(
        request, activity,
        lambda status, reason: services.activity_set_status(actor=request.user, activity=activity, status=status,
                                                            reason=reason),
        reverse("participation:process_detail", args=[activity.process_id]))


# --- Public pages (no login) ------------------------------------------------------------------
def public_list(request, slug):
    tenant = queries.public_tenant(slug=slug)
    return render(request, "participation/public_list.html", {
        "public_tenant": tenant, "processes": queries.public_processes(tenant=tenant)})


def public_detail(request, code):
    process = queries.process_by_code(code=code, user=request.user)
    staff = request.user.has_perm("participation.view_processes", process.tenant)
    return render(request, "participation/public_detail.html", {
        "process": process, "public_tenant": process.tenant, "is_staff": staff,
        "status_label": PROCESS_MACHINE.label(process.status),
    })

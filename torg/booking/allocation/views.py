"""Seasonal allocation pages. Thin: parse, check permission, call one query or service, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from torg.core import audit
from torg.core.views import breadcrumbs, form_page, require_perm, tenant_lookup

from . import explain, queries, services
from .forms import (AdjustForm, AnswerForm, ApplicationForm, ComplaintForm, LadderForm, PassOnForm, ReleaseForm,
                    RoundForm)
from .models import AllocationRound, Complaint
from .states import COMPLAINT_MACHINE, ROUND_MACHINE

_tenant = tenant_lookup("booking_allocation.apply")
_crumbs = breadcrumbs((gettext_lazy("Booking"), "booking:home"),
                      (gettext_lazy("Seasonal allocation"), "booking_allocation:index"))
MANAGE = "booking_allocation.manage_rounds"


def _error(request, exc):
    messages.error(request, " ".join(exc.messages))


@login_required
def index(request):
    tenant = _tenant(request)
    staff = request.user.has_perm(MANAGE, tenant)
    return render(request, "booking_allocation/index.html", {
        "staff": staff, "rounds": queries.round_list(tenant=tenant) if staff else None,
        "open_rounds": queries.rounds_open_for_applications(tenant=tenant),
        "applications": queries.my_applications(tenant=tenant, user=request.user),
        "crumbs": _crumbs()[:1] + [(_("Seasonal allocation"), None)],
    })


def _round_fields(data):
    return {k: data.get(k) for k in services.ROUND_FIELDS if k in data}


@login_required
def round_create(request):
    tenant = _tenant(request, MANAGE)
    form = RoundForm(request.POST or None, tenant=tenant)
    return form_page(request, form=form, success_url=lambda r: reverse("booking_allocation:round_detail", args=[r.pk]),
                     save=lambda d: services.round_create(actor=request.user, tenant=tenant, resources=d["resources"],
                                                          **_round_fields(d)),
                     success_message=_("Round created with the usual priority ladder."),
                     context={"title": _("New allocation round"), "crumbs": _crumbs((_("New round"), None)),
                              "cancel_url": reverse("booking_allocation:index")})


@login_required
def round_edit(request, pk):
    tenant = _tenant(request, MANAGE)
    rnd = queries.round_get(tenant=tenant, pk=pk)
    initial = {k: getattr(rnd, k) for k in services.ROUND_FIELDS} | {"resources": list(rnd.resources.all())}
    form = RoundForm(request.POST or None, tenant=tenant, initial=initial)
    url = reverse("booking_allocation:round_detail", args=[rnd.pk])
    return form_page(request, form=form, success_url=url,
                     save=lambda d: services.round_update(actor=request.user, rnd=rnd, resources=d["resources"],
                                                          **_round_fields(d)),
                     context={"title": _("Edit %(round)s") % {"round": rnd.name}, "cancel_url": url,
                              "crumbs": _crumbs((rnd.name, url), (_("Edit"), None))})


@login_required
def ladder_edit(request, pk):
    tenant = _tenant(request, MANAGE)
    rnd = queries.round_get(tenant=tenant, pk=pk)
    form = LadderForm(request.POST or None, rungs=queries.ladder_of(rnd))
    url = reverse("booking_allocation:round_detail", args=[rnd.pk])
    return form_page(request, form=form, success_url=url,
                     save=lambda d: services.ladder_save(actor=request.user, rnd=rnd, rungs=form.rungs()),
                     context={"title": _("Priority ladder of %(round)s") % {"round": rnd.name}, "cancel_url": url,
                              "intro": _("Applications are placed in the first group (top down) they belong to. "
                                         "Leave a name empty to remove a group."),
                              "crumbs": _crumbs((rnd.name, url), (_("Priority ladder"), None))})


def _tables(figures):
    return [(figures["by_rung"], _("By priority group")), (figures["by_age"], _("By age group"))]


def _decision_rows(decisions):
    return [{"d": d, "lines": explain.describe(d.explanation)} for d in decisions]


@login_required
def round_detail(request, pk):
    tenant = _tenant(request, MANAGE)
    rnd = queries.round_get(tenant=tenant, pk=pk)
    ladder = queries.ladder_of(rnd)
    applications = list(queries.applications_of(rnd))
    flags = queries.no_show_flags(rnd)
    for app in applications:
        app.rung = queries.rung_of(app, ladder)
        app.no_show_flags = flags.get(app.pk, [])
    dry = None
    if request.GET.get("dry_run") and rnd.status == AllocationRound.Status.ALLOCATION:
        result = services.proposal(actor=request.user, rnd=rnd, dry_run=True)
        apps = result["applications"]
        resources = {r.pk: r for r in rnd.resources.all()}
        dry = {"figures": result["figures"], "tables": _tables(result["figures"]), "rows": [
            {"application": apps[o.claim_id], "o": o, "resource": resources.get(o.resource_id),
             "weekday": explain.WEEKDAYS[o.weekday] if o.granted else "",
             "time": f"{services.engine.hhmm(o.start)}–{services.engine.hhmm(o.end)}" if o.granted else "",
             "lines": explain.describe(o.notes)} for o in result["outcomes"]]}
    decisions = list(queries.decisions_of(rnd))
    figures = queries.figures(queries.decision_rows(rnd), ladder) if decisions else None
    return render(request, "booking_allocation/round_detail.html", {
        "round": rnd, "ladder": ladder, "applications": applications, "resources": queries.round_resources(rnd),
        "transitions": ROUND_MACHINE.available(rnd, request.user), "dry": dry,
        "decisions": _decision_rows(decisions),
        "figures": figures, "figure_tables": _tables(figures) if figures else None,
        "complaints": queries.complaints_of(rnd), "answer_form": AnswerForm(),
        "can_edit": rnd.status in AllocationRound.OPEN or rnd.status == AllocationRound.Status.DRAFT,
        "history": audit.history_for(rnd, tenant)[:30],
        "crumbs": _crumbs((rnd.name, None)),
    })


@login_required
@require_POST
def round_transition(request, pk):
    tenant = _tenant(request, MANAGE)
    rnd = queries.round_get(tenant=tenant, pk=pk)
    try:
        services.round_transition(actor=request.user, rnd=rnd, to=request.POST.get("to", ""),
                                  reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("The round is now: %(status)s.") % {"status": ROUND_MACHINE.label(
            request.POST.get("to", ""))})
    return redirect("booking_allocation:round_detail", pk=rnd.pk)


@login_required
@require_POST
def round_propose(request, pk):
    tenant = _tenant(request, MANAGE)
    rnd = queries.round_get(tenant=tenant, pk=pk)
    try:
        result = services.proposal(actor=request.user, rnd=rnd, dry_run=False)
    except ValidationError as exc:
        _error(request, exc)
    else:
        f = result["figures"]
        messages.success(request, _("Proposal saved: %(granted)s of %(sessions)s sessions granted.") % f)
    return redirect(reverse("booking_allocation:round_detail", args=[rnd.pk]) + "#decisions")


@login_required
def application_create(request, pk):
    tenant = _tenant(request)
    rnd = queries.round_get(tenant=tenant, pk=pk)
    staff = request.user.has_perm(MANAGE, tenant)
    if rnd.status != AllocationRound.Status.APPLICATION:
        raise Http404
    form = ApplicationForm(request.POST or None, tenant=tenant, user=request.user, rnd=rnd, staff=staff)
    return form_page(request, form=form, template="booking_allocation/application_form.html",
                     success_url=lambda a: reverse("booking_allocation:application_detail", args=[a.pk]),
                     save=lambda d: services.application_submit(actor=request.user, tenant=tenant, rnd=rnd,
                                                                **form.service_kwargs()),
                     success_message=_("Your application is submitted."),
                     context={"round": rnd, "ladder": queries.ladder_of(rnd),
                              "crumbs": _crumbs((rnd.name, None), (_("Apply"), None))})


def _application(request, pk):
    tenant = _tenant(request)
    app = queries.application_get(tenant=tenant, pk=pk)
    if not queries.may_see_application(request.user, app):
        raise Http404  # do not reveal other organisations' applications
    return tenant, app


@login_required
def application_detail(request, pk):
    tenant, app = _application(request, pk)
    rnd = app.round
    visible = rnd.status in (AllocationRound.Status.PUBLISHED, AllocationRound.Status.COMPLAINTS,
                             AllocationRound.Status.CLOSED) or request.user.has_perm(MANAGE, tenant)
    decisions = (list(app.decisions.select_related("resource", "series").prefetch_related("complaints"))
                 if visible else [])
    rows = []
    for d in decisions:
        first = d.series.bookings.order_by("start").first() if d.series_id else None
        row = {"d": d, "lines": explain.describe(d.explanation), "first_booking": first,
               "complaints": list(d.complaints.all())}
        d.application = app
        if services.may_manage_frame_time(request.user, d):
            row["frame"] = {"split": queries.frame_time_split(d, timezone.now()),
                            "pass_on": PassOnForm(tenant=tenant, umbrella=app.organisation, prefix=f"p{d.pk}"),
                            "release": ReleaseForm(prefix=f"r{d.pk}")}
        rows.append(row)
    can_complain = rnd.status == AllocationRound.Status.COMPLAINTS and (app.applicant_id == request.user.pk or bool(
        app.organisation_id and app.organisation.representatives.filter(pk=request.user.pk).exists()))
    return render(request, "booking_allocation/application_detail.html", {
        "app": app, "round": rnd, "rows": rows, "visible": visible, "can_complain": can_complain,
        "complaint_form": ComplaintForm(), "rung": queries.rung_of(app, queries.ladder_of(rnd)),
        "no_show_flags": queries.no_show_flags(rnd).get(app.pk, []) if request.user.has_perm(MANAGE, tenant) else [],
        "can_withdraw": rnd.status == AllocationRound.Status.APPLICATION and not app.withdrawn,
        "crumbs": _crumbs((app.activity, None)),
    })


@login_required
@require_POST
def application_withdraw(request, pk):
    _tenant_, app = _application(request, pk)
    try:
        services.application_withdraw(actor=request.user, application=app)
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("The application is withdrawn."))
    return redirect("booking_allocation:application_detail", pk=app.pk)


@login_required
def decision_adjust(request, pk):
    tenant = _tenant(request, MANAGE)
    decision = queries.decision_get(tenant=tenant, pk=pk)
    rnd = decision.round
    form = AdjustForm(request.POST or None, rnd=rnd, initial={
        "granted": "1" if decision.granted else "0", "resource": decision.resource_id, "weekday": decision.weekday,
        "starts": decision.starts, "ends": decision.ends})
    url = reverse("booking_allocation:round_detail", args=[rnd.pk]) + "#decisions"
    return form_page(request, form=form, success_url=url,
                     save=lambda d: services.decision_adjust(actor=request.user, decision=decision, **d),
                     success_message=_("Decision adjusted."),
                     context={"title": _("Adjust: %(app)s, session %(n)s") % {"app": decision.application,
                                                                               "n": decision.session},
                              "intro": " ".join(explain.describe(decision.explanation)), "cancel_url": url,
                              "crumbs": _crumbs((rnd.name, url), (_("Adjust"), None))})


@login_required
@require_POST
def complaint_create(request, pk):
    tenant = _tenant(request)
    decision = queries.decision_get(tenant=tenant, pk=pk)
    if not queries.may_see_application(request.user, decision.application):
        raise Http404
    form = ComplaintForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors["text"])
        services.complaint_file(actor=request.user, decision=decision, text=form.cleaned_data["text"])
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("Your complaint is filed. The staff will answer it."))
    return redirect("booking_allocation:application_detail", pk=decision.application_id)


@login_required
@require_POST
def complaint_answer(request, pk):
    tenant = _tenant(request, MANAGE)
    complaint = queries.complaint_get(tenant=tenant, pk=pk)
    require_perm(request, MANAGE, complaint)
    to = request.POST.get("to", "")
    try:
        services.complaint_transition(actor=request.user, complaint=complaint, to=to,
                                      reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("The complaint is answered: %(status)s.") % {
            "status": COMPLAINT_MACHINE.label(to) if to in Complaint.Status.values else to})
    return redirect(reverse("booking_allocation:round_detail", args=[complaint.decision.round_id]) + "#complaints")


def _frame_decision(request, pk):
    tenant = _tenant(request)
    decision = queries.decision_get(tenant=tenant, pk=pk)
    if not queries.may_see_application(request.user, decision.application):
        raise Http404
    return tenant, decision


def _frame_action(request, pk, make_form, act, done):
    """Validate the form of a frame-time action on one decision, run it, and say how it went."""
    tenant, decision = _frame_decision(request, pk)
    form = make_form(tenant, decision)
    try:
        if not form.is_valid():
            raise ValidationError([e for errors in form.errors.values() for e in errors])
        n = act(decision, form.cleaned_data)
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(request, done(n, form.cleaned_data))
    return redirect("booking_allocation:application_detail", pk=decision.application_id)


@login_required
@require_POST
def frame_pass_on(request, pk):
    return _frame_action(
        request, pk,
        lambda tenant, d: PassOnForm(request.POST, tenant=tenant, umbrella=d.application.organisation, prefix=f"p{pk}"),
        lambda d, data: services.frame_time_pass_on(actor=request.user, decision=d, **data),
        lambda n, data: _("%(n)s dates passed on to %(club)s.") % {"n": n, "club": data["club"].name})


@login_required
@require_POST
def frame_release(request, pk):
    return _frame_action(
        request, pk, lambda tenant, d: ReleaseForm(request.POST, prefix=f"r{pk}"),
        lambda d, data: services.frame_time_release(actor=request.user, decision=d, **data),
        lambda n, data: _("%(n)s dates released as drop-in time.") % {"n": n})

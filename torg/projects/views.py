"""Project pages. Thin: parse, check permission, call one query or service, render.

Objects are addressed by id within the user's municipality (another municipality's id: 404)."""

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

from torg.accounts.views import history_context
from torg.core import stash
from torg.core.tabular import write_xlsx
from torg.core.views import (breadcrumbs, download, form_page, import_confirm_step, import_errors_response, import_preview,
                             import_upload_step, paginate, require_perm, tenant_lookup)

from . import exports, finance, queries, services
from .forms import (BenefitForm, DecisionForm, DependencyForm, DocumentForm, GateItemForm, ItemMeetForm, MeasurementForm,
                    GateForm, ImportForm, MilestoneForm, PhaseForm, ModelCopyForm, PortfolioFilterForm, ProjectForm, RiskForm, StatusForm, StatusReportForm,
                    WaiveForm)
from .models import Decision, DocumentKind
from .states import DECISION_MACHINE, PROJECT_MACHINE, is_decider

_tenant = tenant_lookup("projects.view_projects")
_crumbs = breadcrumbs((gettext_lazy("Projects"), "projects:portfolio"))


def _project_crumb(project):
    return (str(project), reverse("projects:project_detail", args=[project.pk]))


def _errors(request, exc):
    for message in exc.messages:
        messages.error(request, message)


# --- Portfolio --------------------------------------------------------------------------------
PORTFOLIO_COLUMNS = ["number", "name", "programme", "model", "phase", "status", "owner", "manager", "finance_number",
                     "cost_frame", "steering_frame", "released", "spent", "forecast", "report_month", "overall",
                     "report_late"]


def _portfolio(request, tenant):
    form = PortfolioFilterForm(request.GET or None, tenant=tenant)
    filters = form.cleaned_data if form.is_valid() else {}
    return form, queries.with_latest_report(queries.portfolio(
        tenant=tenant, status=filters.get("status", ""), model=filters.get("model", ""), phase=filters.get("phase", ""),
        search=filters.get("search", "")))


@login_required
def portfolio(request):
    tenant = _tenant(request)
    form, projects = _portfolio(request, tenant)
    page = paginate(request, projects)
    today = timezone.localdate()
    summary = queries.benefit_summary(projects=[p.pk for p in page])
    for p in page:
        p.report_missing = queries.report_missing(p, today)
        p.benefits_planned, p.benefits_realised = summary.get(p.pk, (0, 0))
    return render(request, "projects/portfolio.html", {
        "form": form, "page_obj": page,
        "can_manage": request.user.has_perm("projects.manage_portfolio", tenant),
        "export_query": request.GET.urlencode(), "crumbs": [(_("Projects"), None)],
    })


@login_required
def portfolio_export(request):
    tenant = _tenant(request)
    _form, projects = _portfolio(request, tenant)
    rows = ([p.number, p.name, p.programme.name if p.programme else "", str(p.model), p.phase.name,
             p.get_status_display(), str(p.owner), str(p.manager), p.finance_number, p.cost_frame, p.steering_frame,
             p.released, p.spent, p.forecast, p.report_period.strftime("%Y-%m") if p.report_period else "",
             p.report_overall or "", _("yes") if p.report_late else ""] for p in projects.iterator(chunk_size=500))
    return download(write_xlsx(PORTFOLIO_COLUMNS, rows, title=_("Projects")), "torg-projects.xlsx")


@login_required
def portfolio_timeline(request):
    """The portfolio's timeline: each project's period, milestones and decisions on one axis, with a
    table that says the same."""
    tenant = _tenant(request)
    form, projects = _portfolio(request, tenant)
    page = paginate(request, projects, per_page=25)
    return render(request, "projects/timeline.html", {
        "form": form, "page_obj": page, "timeline": queries.timeline(projects=page, today=timezone.localdate()),
        "crumbs": _crumbs((_("Timeline"), None)),
    })


# --- Projects ---------------------------------------------------------------------------------
@login_required
def project_create(request):
    tenant = _tenant(request, "projects.manage_portfolio")
    form = ProjectForm(request.POST or None, tenant=tenant)
    return form_page(
        request, form=form,
        save=lambda d: services.project_create(actor=request.user, tenant=tenant, **d),
        success_url=lambda p: reverse("projects:project_detail", args=[p.pk]),
        success_message=_("The project was created."),
        context={"title": _("New project"), "cancel_url": reverse("projects:portfolio"),
                 "crumbs": _crumbs((_("New project"), None))},
    )


@login_required
def project_detail(request, pk):
    tenant = _tenant(request)
    project = queries.project_detail(tenant=tenant, pk=pk)
    decisions = list(project.decisions.all())
    latest = queries.latest_documents(project=project)
    by_phase = {d.gate.phase_id: d for d in decisions}
    phases = [{"phase": ph, "decision": by_phase.get(ph.pk), "current": ph.pk == project.phase_id,
               "done": ph.position < project.phase.position} for ph in project.model.phases.all()]
    return render(request, "projects/project_detail.html", {
        "project": project, "phases": phases, "decisions": decisions,
        "documents": [(kind, label, latest.get(kind)) for kind, label in DocumentKind.choices],
        "can_manage": request.user.has_perm("projects.manage_project", project),
        "transitions": PROJECT_MACHINE.available(project, request.user),
        **_follow_up(project),
        "processes": queries.linked_processes(project=project, ideas=0),
        "actuals": queries.actuals(project=project),
        **history_context(request, tenant, project),
        "crumbs": _crumbs((str(project), None)),
    })


def _follow_up(project):
    today = timezone.localdate()
    risks = list(queries.risks(project=project))
    depends_on, dependents = queries.dependencies(project=project)
    next_period, next_due, _window = queries.reminder_period(today)
    reminder = queries.report_reminder_latest(project=project)
    return {"next_period": next_period, "next_due": next_due,
            "next_reported": project.status_reports.filter(period=next_period).exists(),
            "reminder": reminder if reminder and reminder.period == next_period else None,"reports": list(queries.status_reports(project=project)[:6]), "risks": risks,
            "timeline": queries.timeline(projects=[project], today=today),
            "risk_matrix": queries.risk_matrix(risks), "today": today,
            "stale_risks": [r for r in risks if not r.closed and r.review_on and r.review_on < today],
            "depends_on": depends_on, "dependents": dependents, "benefits": queries.benefits(project=project)}


@login_required
def project_edit(request, pk):
    tenant = _tenant(request)
    project = queries.project_get(tenant=tenant, pk=pk)
    require_perm(request, "projects.manage_project", project)
    form = ProjectForm(request.POST or None, instance=project, tenant=tenant)
    return form_page(
        request, form=form,
        save=lambda d: services.project_update(actor=request.user, project=project, **d),
        success_url=reverse("projects:project_detail", args=[project.pk]),
        success_message=_("The project was saved."),
        context={"title": _("Edit %(name)s") % {"name": project.name},
                 "cancel_url": reverse("projects:project_detail", args=[project.pk]),
                 "crumbs": _crumbs(_project_crumb(project), (_("Edit"), None))},
    )


@login_required
@require_POST
def project_status(request, pk):
    tenant = _tenant(request)
    project = queries.project_get(tenant=tenant, pk=pk)
    form = StatusForm(request.POST)
    if not form.is_valid():
        raise Http404
    try:
        services.project_set_status(actor=request.user, project=project, status=form.cleaned_data["status"],
                                    reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("The status was changed."))
    return redirect("projects:project_detail", pk=project.pk)


# --- Documents --------------------------------------------------------------------------------
@login_required
def document_edit(request, pk, kind):
    tenant = _tenant(request)
    project = queries.project_get(tenant=tenant, pk=pk)
    if kind not in DocumentKind.values:
        raise Http404
    require_perm(request, "projects.manage_project", project)
    latest = queries.latest_documents(project=project).get(kind)
    form = DocumentForm(request.POST or None, initial_sections=latest.sections if latest else None)
    label = DocumentKind(kind).label
    return form_page(
        request, form=form,
        save=lambda d: services.document_save(actor=request.user, project=project, kind=kind, sections=form.sections()),
        success_url=lambda doc: reverse("projects:document_detail", args=[doc.pk]),
        success_message=_("A new version was saved."),
        context={"title": _("%(document)s – %(project)s") % {"document": label, "project": project.name},
                 "cancel_url": reverse("projects:project_detail", args=[project.pk]),
                 "crumbs": _crumbs(_project_crumb(project), (label, None))},
    )


@login_required
def document_pdf(request, pk):
    """The document version as PDF: the sections, the project's key facts, its milestones, open risks
    and effect goals."""
    document = queries.document_get(tenant=_tenant(request), pk=pk)
    return download(exports.document_pdf(document),
                    f"{document.project.number}-{document.get_kind_display().lower().replace(' ', '-')}-v{document.version}.pdf")


@login_required
def project_list_export(request, pk, kind):
    """One of the project's lists as XLSX: status reports, risks, benefits (a row per measurement),
    milestones."""
    project = queries.project_get(tenant=_tenant(request), pk=pk)
    if kind not in exports.LISTS:
        raise Http404
    content, name = exports.project_list_xlsx(project, kind)
    return download(content, name)


@login_required
def document_detail(request, pk):
    tenant = _tenant(request)
    document = queries.document_get(tenant=tenant, pk=pk)
    project = document.project
    return render(request, "projects/document_detail.html", {
        "document": document, "project": project,
        "versions": queries.document_versions(project=project, kind=document.kind),
        "can_manage": request.user.has_perm("projects.manage_project", project),
        "crumbs": _crumbs(_project_crumb(project), (str(document), None)),
    })


# --- Decisions --------------------------------------------------------------------------------
@login_required
def decision_detail(request, pk):
    tenant = _tenant(request)
    decision = queries.decision_get(tenant=tenant, pk=pk)
    project = decision.project
    items = list(queries.decision_items(decision=decision))
    can_manage = request.user.has_perm("projects.manage_project", project)
    open_for_work = decision.status in (Decision.Status.DRAFT, Decision.Status.RETURNED, Decision.Status.SUBMITTED)
    return render(request, "projects/decision_detail.html", {
        "decision": decision, "project": project, "items": items,
        "transitions": DECISION_MACHINE.available(decision, request.user),
        "can_manage": can_manage and open_for_work,
        "can_waive": decision.status == Decision.Status.SUBMITTED and is_decider(request.user, decision),
        "decision_form": DecisionForm(), "today": timezone.localdate(),
        "current": decision.gate.phase_id == project.phase_id,
        "processes": queries.linked_processes(project=project),
        "asks_participation": any(i.gate_item.kind == "participation" for i in items),
        "linked_decisions": {d.pk for d in decision.participation_decisions.all()},
        "can_link": can_manage,
        **history_context(request, tenant, decision),
        "crumbs": _crumbs(_project_crumb(project), (decision.gate.code, None)),
    })


@login_required
@require_POST
def decision_status(request, pk):
    tenant = _tenant(request)
    decision = queries.decision_get(tenant=tenant, pk=pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            for error in errors:
                messages.error(request, f"{form.fields[field].label}: {error}" if field in form.fields else error)
        return redirect("projects:decision_detail", pk=decision.pk)
    d = form.cleaned_data
    try:
        services.decision_transition(actor=request.user, decision=decision, status=d["status"], reason=d["reason"],
                                     decided_on=d["decided_on"], minutes_url=d["minutes_url"],
                                     released_amount=d["released_amount"], released_mandate=d["released_mandate"])
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("The decision was recorded."))
    return redirect("projects:decision_detail", pk=decision.pk)


@login_required
def item_meet(request, pk):
    tenant = _tenant(request)
    item = queries.decision_item_get(tenant=tenant, pk=pk)
    form = ItemMeetForm(request.POST or None, initial={"evidence": item.evidence, "link": item.link})
    return form_page(
        request, form=form,
        save=lambda d: services.decision_item_meet(actor=request.user, item=item, **d),
        success_url=reverse("projects:decision_detail", args=[item.decision_id]),
        success_message=_("The item is marked as met."),
        context={"title": item.gate_item.text,
                 "cancel_url": reverse("projects:decision_detail", args=[item.decision_id]),
                 "crumbs": _crumbs(_project_crumb(item.decision.project),
                                   (item.decision.gate.code, reverse("projects:decision_detail", args=[item.decision_id])),
                                   (_("Met"), None))},
    )


@login_required
def item_waive(request, pk):
    tenant = _tenant(request)
    item = queries.decision_item_get(tenant=tenant, pk=pk)
    form = WaiveForm(request.POST or None)
    return form_page(
        request, form=form,
        save=lambda d: services.decision_item_waive(actor=request.user, item=item, reason=d["reason"]),
        success_url=reverse("projects:decision_detail", args=[item.decision_id]),
        success_message=_("The item was waived."),
        context={"title": _("Waive: %(item)s") % {"item": item.gate_item.text},
                 "cancel_url": reverse("projects:decision_detail", args=[item.decision_id]),
                 "crumbs": _crumbs(_project_crumb(item.decision.project),
                                   (item.decision.gate.code, reverse("projects:decision_detail", args=[item.decision_id])),
                                   (_("Waive"), None))},
    )


@login_required
@require_POST
def item_reopen(request, pk):
    tenant = _tenant(request)
    item = queries.decision_item_get(tenant=tenant, pk=pk)
    try:
        services.decision_item_reopen(actor=request.user, item=item)
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("projects:decision_detail", pk=item.decision_id)


# --- Project models ---------------------------------------------------------------------------
@login_required
def model_list(request):
    tenant = _tenant(request)
    return render(request, "projects/model_list.html", {
        "models": queries.model_list(tenant=tenant),
        "can_manage": request.user.has_perm("projects.manage_portfolio", tenant),
        "crumbs": _crumbs((_("Project models"), None)),
    })


@login_required
def model_detail(request, pk):
    tenant = _tenant(request)
    model = queries.model_detail(tenant=tenant, pk=pk)
    can_manage = request.user.has_perm("projects.manage_portfolio", tenant)
    return render(request, "projects/model_detail.html", {
        "model": model, "can_manage": can_manage, "copy_form": ModelCopyForm(),
        **history_context(request, tenant, model),
        "crumbs": _crumbs((_("Project models"), reverse("projects:model_list")), (str(model), None)),
    })


@login_required
@require_POST
def model_copy(request, pk):
    tenant = _tenant(request, "projects.manage_portfolio")
    model = queries.model_detail(tenant=tenant, pk=pk)
    form = ModelCopyForm(request.POST)
    if not form.is_valid():
        raise Http404
    try:
        copy = services.model_copy(actor=request.user, model=model, name=form.cleaned_data["name"])
    except ValidationError as exc:
        _errors(request, exc)
        return redirect("projects:model_detail", pk=model.pk)
    messages.success(request, _("The model was copied; adapt the copy."))
    return redirect("projects:model_detail", pk=copy.pk)


@login_required
def gate_item_add(request, pk):
    tenant = _tenant(request, "projects.manage_portfolio")
    gate = queries.gate_get(tenant=tenant, pk=pk)
    form = GateItemForm(request.POST or None)
    return form_page(
        request, form=form,
        save=lambda d: services.gate_item_add(actor=request.user, gate=gate, **d),
        success_url=lambda item: reverse("projects:model_detail", args=[item.gate.model_id]),
        success_message=_("The checklist item was added."),
        context={"title": _("Add a checklist item to %(gate)s") % {"gate": gate},
                 "cancel_url": reverse("projects:model_detail", args=[gate.model_id]),
                 "crumbs": _crumbs((_("Project models"), reverse("projects:model_list")),
                                   (str(gate.model), reverse("projects:model_detail", args=[gate.model_id])),
                                   (_("Add checklist item"), None))},
    )


def _model_part_edit(request, part, *, form, save, title):
    back = reverse("projects:model_detail", args=[part.model_id])
    return form_page(
        request, form=form, save=save, success_url=lambda saved: reverse("projects:model_detail", args=[saved.model_id]),
        success_message=_("Saved. When projects use the model, this is a new version and they keep theirs."),
        context={"title": title, "cancel_url": back,
                 "crumbs": _crumbs((_("Project models"), reverse("projects:model_list")), (str(part.model), back),
                                   (title, None))})


@login_required
def phase_edit(request, pk):
    phase = queries.phase_get(tenant=_tenant(request, "projects.manage_portfolio"), pk=pk)
    return _model_part_edit(request, phase, form=PhaseForm(request.POST or None, instance=phase),
                            save=lambda d: services.phase_update(actor=request.user, phase=phase, **d),
                            title=_("Edit the phase %(name)s") % {"name": phase.name})


@login_required
def gate_edit(request, pk):
    gate = queries.gate_get(tenant=_tenant(request, "projects.manage_portfolio"), pk=pk)
    return _model_part_edit(request, gate, form=GateForm(request.POST or None, instance=gate),
                            save=lambda d: services.gate_update(actor=request.user, gate=gate, **d),
                            title=_("Edit the decision point %(code)s") % {"code": gate.code})


@login_required
@require_POST
def gate_item_remove(request, pk):
    tenant = _tenant(request, "projects.manage_portfolio")
    item = queries.gate_item_get(tenant=tenant, pk=pk)
    try:
        model = services.gate_item_remove(actor=request.user, item=item)
    except ValidationError as exc:
        _errors(request, exc)
        return redirect("projects:model_detail", pk=item.gate.model_id)
    messages.success(request, _("The checklist item was removed."))
    return redirect("projects:model_detail", pk=model.pk)



# --- Follow-up: status reports, risks, dependencies, benefits ----------------------------------
def _project_form(request, pk, *, form_class, save, title, message, form_kwargs):
    tenant = _tenant(request)
    project = queries.project_get(tenant=tenant, pk=pk)
    require_perm(request, "projects.manage_project", project)
    form = form_class(request.POST or None, **form_kwargs(tenant, project))
    back = reverse("projects:project_detail", args=[project.pk])
    return form_page(request, form=form, save=lambda d: save(project, d), success_url=back, success_message=message,
                     context={"title": f"{title} – {project.name}", "cancel_url": back,
                              "crumbs": _crumbs(_project_crumb(project), (title, None))})


@login_required
def status_report_create(request, pk):
    return _project_form(
        request, pk, form_class=StatusReportForm, title=_("New status report"),
        message=_("The status report was submitted."), form_kwargs=lambda tenant, project: {},
        save=lambda project, d: services.status_report_submit(actor=request.user, project=project, **d))


@login_required
def status_report_list(request, pk):
    tenant = _tenant(request)
    project = queries.project_get(tenant=tenant, pk=pk)
    return render(request, "projects/status_reports.html", {
        "project": project, "reports": queries.status_reports(project=project),
        "crumbs": _crumbs(_project_crumb(project), (_("Status reports"), None)),
    })


@login_required
def risk_create(request, pk):
    return _project_form(
        request, pk, form_class=RiskForm, title=_("New risk"), message=_("The risk was added."),
        form_kwargs=lambda tenant, project: {"tenant": tenant},
        save=lambda project, d: services.risk_create(actor=request.user, project=project, **d))


def _row_edit(request, row, *, form, save, message):
    """Edit one row of a project (a risk, a milestone): its manager, owner or a portfolio manager."""
    require_perm(request, "projects.manage_project", row.project)
    back = reverse("projects:project_detail", args=[row.project_id])
    return form_page(request, form=form, save=save, success_url=back, success_message=message,
                     context={"title": row.title, "cancel_url": back,
                              "crumbs": _crumbs(_project_crumb(row.project), (row.title, None))})


@login_required
def risk_edit(request, pk):
    tenant = _tenant(request)
    risk = queries.risk_get(tenant=tenant, pk=pk)
    return _row_edit(request, risk, form=RiskForm(request.POST or None, instance=risk, tenant=tenant),
                     save=lambda d: services.risk_update(actor=request.user, risk=risk, **d),
                     message=_("The risk was saved."))


@login_required
def dependency_add(request, pk):
    return _project_form(
        request, pk, form_class=DependencyForm, title=_("New dependency"), message=_("The dependency was added."),
        form_kwargs=lambda tenant, project: {"project": project},
        save=lambda project, d: services.dependency_add(actor=request.user, project=project, **d))


@login_required
@require_POST
def dependency_remove(request, pk):
    tenant = _tenant(request)
    dependency = queries.dependency_get(tenant=tenant, pk=pk)
    services.dependency_remove(actor=request.user, dependency=dependency)
    messages.success(request, _("The dependency was removed."))
    return redirect("projects:project_detail", pk=dependency.project_id)


@login_required
def benefit_create(request, pk):
    return _project_form(
        request, pk, form_class=BenefitForm, title=_("New effect goal"), message=_("The effect goal was added."),
        form_kwargs=lambda tenant, project: {"tenant": tenant},
        save=lambda project, d: services.benefit_create(actor=request.user, project=project, **d))


@login_required
def measurement_add(request, pk):
    tenant = _tenant(request)
    benefit = queries.benefit_get(tenant=tenant, pk=pk)
    back = reverse("projects:project_detail", args=[benefit.project_id])
    return form_page(
        request, form=MeasurementForm(request.POST or None, initial={"measured_on": timezone.localdate()}),
        save=lambda d: services.measurement_record(actor=request.user, benefit=benefit, **d), success_url=back,
        success_message=_("The measurement was recorded."),
        context={"title": _("Measurement: %(benefit)s") % {"benefit": benefit.title}, "cancel_url": back,
                 "crumbs": _crumbs(_project_crumb(benefit.project), (benefit.title, None))})


# --- Milestones -------------------------------------------------------------------------------
@login_required
def milestone_create(request, pk):
    return _project_form(
        request, pk, form_class=MilestoneForm, title=_("New milestone"), message=_("The milestone was added."),
        form_kwargs=lambda tenant, project: {},
        save=lambda project, d: services.milestone_create(actor=request.user, project=project, **d))


@login_required
def milestone_edit(request, pk):
    milestone = queries.milestone_get(tenant=_tenant(request), pk=pk)
    return _row_edit(request, milestone, form=MilestoneForm(request.POST or None, instance=milestone),
                     save=lambda d: services.milestone_update(actor=request.user, milestone=milestone, **d),
                     message=_("The milestone was saved."))


@login_required
@require_POST
def milestone_delete(request, pk):
    tenant = _tenant(request)
    milestone = queries.milestone_get(tenant=tenant, pk=pk)
    services.milestone_delete(actor=request.user, milestone=milestone)
    messages.success(request, _("The milestone was removed."))
    return redirect("projects:project_detail", pk=milestone.project_id)


# --- Finance: actual costs from the finance system ---------------------------------------------
IMPORT_SESSION_KEY = "torg_projects_actuals_import"


def _actuals_preview(request, plan, token, file_name, refused=False):
    c = plan.counts
    preview = import_preview(
        token=token, file_name=file_name, counts=c, errors=plan.errors, refused=refused,
        summary=[(_("Projects"), c["projects"]), (_("Project months"), c["months"]),
                 (_("Months already imported (replaced)"), c["replaced"]),
                 (_("Total (NOK)"), f"{c['total']:,.2f}".replace(",", " ").replace(".", ","))],
        confirm_url=reverse("projects:actuals_import_confirm"), back_url=reverse("projects:actuals_import"),
        errors_url=reverse("projects:actuals_import_errors"))
    return render(request, "projects/actuals_preview.html", {
        "plan": plan, "preview": preview, "sample_rows": plan.valid_rows[:10],
        "crumbs": _crumbs((_("Import actual costs"), reverse("projects:actuals_import")), (_("Check the import"), None)),
    }, status=422 if refused else 200)


@login_required
def actuals_import(request):
    tenant = _tenant(request, "projects.manage_portfolio")
    form = ImportForm(request.POST or None, request.FILES or None)
    preview = import_upload_step(
        request, form=form, key=IMPORT_SESSION_KEY, tenant=tenant,
        plan_import=lambda upload: finance.plan_import(tenant=tenant, upload=upload),
        preview=lambda plan, token, name: _actuals_preview(request, plan, token, name))
    if preview:
        return preview
    return render(request, "projects/actuals_import.html", {
        "form": form, "columns": finance.column_help(), "template_url": reverse("projects:actuals_template"),
        "crumbs": _crumbs((_("Import actual costs"), None))}, status=422 if form.errors else 200)


@login_required
@require_POST
def actuals_import_confirm(request):
    tenant = _tenant(request, "projects.manage_portfolio")
    plan, response = import_confirm_step(
        request, key=IMPORT_SESSION_KEY, tenant=tenant,
        apply_import=lambda upload, valid_only: finance.apply_import(actor=request.user, tenant=tenant, upload=upload,
                                                                     valid_rows_only=valid_only),
        refused=lambda plan, token, name: _actuals_preview(request, plan, token, name, refused=True),
        back_url=reverse("projects:actuals_import"),
        expired_message=_("This file has already been imported, or the upload has expired. "
                          "Check the portfolio, or upload the file again."))
    if response:
        return response
    messages.success(request, _("Import finished: actual costs of %(months)d project months in %(projects)d projects.")
                     % {"months": plan.counts["months"], "projects": plan.counts["projects"]})
    return redirect("projects:portfolio")


@login_required
def actuals_import_errors(request):
    tenant = _tenant(request, "projects.manage_portfolio")
    return import_errors_response(
        stash.get(request, key=IMPORT_SESSION_KEY, tenant=tenant, token=request.GET.get("token", "")),
        lambda upload: finance.plan_import(tenant=tenant, upload=upload), file_name="torg-actuals-import-problems.csv")


@login_required
def actuals_template(request):
    _tenant(request, "projects.manage_portfolio")
    return download(finance.template_xlsx(), "torg-actual-costs.xlsx")


# --- Participation decisions at a decision point ------------------------------------------------
@login_required
@require_POST
def decision_participation(request, pk):
    """Link (or, with `remove`, unlink) a participation process's decision record to this decision point."""
    tenant = _tenant(request)
    decision = queries.decision_get(tenant=tenant, pk=pk)
    try:
        other = queries.participation_decision_get(tenant=tenant, pk=int(request.POST.get("participation_decision", "")))
    except ValueError:
        raise Http404 from None
    service = services.decision_unlink_participation if request.POST.get("remove") else services.decision_link_participation
    try:
        service(actor=request.user, decision=decision, participation_decision=other)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("The link was removed.") if request.POST.get("remove") else _("The decision was linked."))
    return redirect("projects:decision_detail", pk=decision.pk)

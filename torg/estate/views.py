"""Estate pages. Thin: parse, check permission, call one query or service, render.

Objects are addressed by id within the user's municipality (another municipality's id: 404).
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
from torg.core import stash
from torg.core.views import (breadcrumbs, download, form_page, import_confirm_step, import_errors_response,
                             import_preview, import_upload_step, int_param, paginate, require_perm, tenant_lookup)
from torg.places import queries as places_queries

from . import importer, ns3451, queries, services
from .forms import (BudgetForm, BuildingFilterForm, ImportForm, MeasureFilterForm, MeasureForm, MeasureStatusForm, PartForm,
                    StatusForm, SurveyForm)
from .models import ConditionSurvey
from .states import CONDITION_SURVEY_MACHINE, MEASURE_MACHINE

_tenant = tenant_lookup("estate.view_estate")
_crumbs = breadcrumbs((gettext_lazy("Building management"), "estate:portfolio"))


def _building_crumb(building):
    return (building.name, reverse("estate:building", args=[building.pk]))


def _survey_crumb(survey):
    return (_("Survey %(date)s (v%(version)d)") % {"date": survey.surveyed_on.strftime("%d.%m.%Y"),
                                                   "version": survey.version},
            reverse("estate:survey", args=[survey.pk]))


# --- Portfolio --------------------------------------------------------------------------------
@login_required
def portfolio(request):
    tenant = _tenant(request)
    return render(request, "estate/portfolio.html", {
        "portfolio": queries.portfolio(tenant=tenant), "worst": queries.worst_parts(tenant=tenant),
        "can_manage": request.user.has_perm("estate.manage_estate", tenant),
        "crumbs": [(_("Building management"), None)],
    })


@login_required
def building_list(request):
    tenant = _tenant(request)
    form = BuildingFilterForm(request.GET or None)
    category = form.cleaned_data.get("category", "") if form.is_valid() else ""
    band = request.GET.get("band", "")
    band = "none" if band == "none" else int(band) if band in ("0", "1", "2", "3") else None
    rows = queries.building_grades(tenant=tenant, category=category, band=band)
    return render(request, "estate/building_list.html", {
        "form": form, "page_obj": paginate(request, rows), "count": len(rows),
        "crumbs": _crumbs((_("Buildings by condition"), None)),
    })


@login_required
def tg3_list(request):
    tenant = _tenant(request)
    form = BuildingFilterForm(request.GET or None)
    category = form.cleaned_data.get("category", "") if form.is_valid() else ""
    return render(request, "estate/tg3_list.html", {
        "form": form, "page_obj": paginate(request, queries.tg3_list(tenant=tenant, category=category), 100),
        "crumbs": _crumbs((_("TG3 list"), None)),
    })


# --- A building's condition -------------------------------------------------------------------
@login_required
def building(request, pk):
    tenant = _tenant(request)
    building = places_queries.building_get(tenant=tenant, pk=pk)
    return render(request, "estate/building.html", {
        "building": building, "condition": queries.building_condition(tenant=tenant, building=building),
        "can_manage": request.user.has_perm("estate.manage_estate", tenant),
        "plan": queries.five_year_plan(tenant=tenant, building=building),
        "measures": queries.measure_list(tenant=tenant, building=building, status="open"),
        **queries.building_backlog(tenant=tenant, building=building),
        "crumbs": _crumbs((building.name, None)),
    })


@login_required
def survey_create(request, pk):
    tenant = _tenant(request, "estate.manage_estate")
    building = places_queries.building_get(tenant=tenant, pk=pk)
    form = SurveyForm(request.POST or None)
    return form_page(
        request, form=form,
        save=lambda d: services.survey_create(actor=request.user, tenant=tenant, building=building, **d),
        success_url=lambda s: reverse("estate:survey", args=[s.pk]),
        success_message=_("The survey was started as a draft. Grade the building parts, then approve it."),
        context={"title": _("New condition survey of %(building)s") % {"building": building.name},
                 "cancel_url": reverse("estate:building", args=[building.pk]),
                 "crumbs": _crumbs(_building_crumb(building), (_("New condition survey"), None))},
    )


@login_required
def survey_detail(request, pk):
    tenant = _tenant(request)
    survey = queries.survey_detail(tenant=tenant, pk=pk)
    can_manage = request.user.has_perm("estate.manage_estate", survey)
    return render(request, "estate/survey_detail.html", {
        "survey": survey, "building": survey.building, "can_manage": can_manage,
        "editable": can_manage and survey.is_editable,
        "transitions": CONDITION_SURVEY_MACHINE.available(survey, request.user),
        "correction": survey.corrections.filter(status=ConditionSurvey.Status.DRAFT).first(),
        **history_context(request, tenant, survey),
        "crumbs": _crumbs(_building_crumb(survey.building), (_survey_crumb(survey)[0], None)),
    })


@login_required
def survey_edit(request, pk):
    tenant = _tenant(request, "estate.manage_estate")
    survey = queries.survey_get(tenant=tenant, pk=pk)
    form = SurveyForm(request.POST or None, instance=survey)
    return form_page(
        request, form=form,
        save=lambda d: services.survey_update(actor=request.user, survey=survey, **d),
        success_url=reverse("estate:survey", args=[survey.pk]), success_message=_("The survey was saved."),
        context={"title": _("Edit the survey"), "cancel_url": reverse("estate:survey", args=[survey.pk]),
                 "crumbs": _crumbs(_building_crumb(survey.building), _survey_crumb(survey), (_("Edit"), None))},
    )


@login_required
@require_POST
def survey_status(request, pk):
    tenant = _tenant(request, "estate.manage_estate")
    survey = queries.survey_get(tenant=tenant, pk=pk)
    form = StatusForm(request.POST)
    if not form.is_valid():
        raise Http404
    try:
        services.survey_set_status(actor=request.user, survey=survey, status=form.cleaned_data["status"],
                                   reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The status was changed."))
    return redirect("estate:survey", pk=survey.pk)


@login_required
@require_POST
def survey_correct(request, pk):
    tenant = _tenant(request, "estate.manage_estate")
    survey = queries.survey_get(tenant=tenant, pk=pk)
    try:
        draft = services.survey_correct(actor=request.user, survey=survey)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("estate:survey", pk=survey.pk)
    messages.success(request, _("A correction was started as a new version. The approved survey is kept as it was."))
    return redirect("estate:survey", pk=draft.pk)


# --- Building parts ---------------------------------------------------------------------------
def _part_page(request, *, form, survey, save, title, extra_crumb):
    return form_page(
        request, form=form, save=save,
        success_url=reverse("estate:survey", args=[survey.pk]) + "#parts",
        success_message=_("The building part was saved."),
        context={"title": title, "multipart": True, "cancel_url": reverse("estate:survey", args=[survey.pk]),
                 "crumbs": _crumbs(_building_crumb(survey.building), _survey_crumb(survey), (extra_crumb, None))},
    )


@login_required
def part_create(request, pk):
    tenant = _tenant(request, "estate.manage_estate")
    survey = queries.survey_get(tenant=tenant, pk=pk)
    form = PartForm(request.POST or None, request.FILES or None)
    return _part_page(request, form=form, survey=survey, title=_("Grade a building part"),
                      extra_crumb=_("Grade a building part"),
                      save=lambda d: services.part_add(actor=request.user, survey=survey, **d))


@login_required
def part_edit(request, pk):
    tenant = _tenant(request, "estate.manage_estate")
    part = queries.part_get(tenant=tenant, pk=pk)
    form = PartForm(request.POST or None, request.FILES or None, instance=part)
    return _part_page(request, form=form, survey=part.survey, title=_("Edit %(part)s") % {"part": part.part_label},
                      extra_crumb=part.part_label,
                      save=lambda d: services.part_update(actor=request.user, part=part, **d))


def _post_action(request, action, back, success):
    try:
        action()
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, success)
    return redirect(back)


@login_required
@require_POST
def part_delete(request, pk):
    tenant = _tenant(request, "estate.manage_estate")
    part = queries.part_get(tenant=tenant, pk=pk)
    return _post_action(request, lambda: services.part_remove(actor=request.user, part=part),
                        reverse("estate:survey", args=[part.survey_id]), _("The building part was removed."))


@login_required
@require_POST
def photo_delete(request, pk):
    tenant = _tenant(request, "estate.manage_estate")
    photo = queries.photo_get(tenant=tenant, pk=pk)
    return _post_action(request, lambda: services.part_photo_remove(actor=request.user, photo=photo),
                        reverse("estate:survey", args=[photo.part.survey_id]), _("The photo was removed."))


# --- Import -----------------------------------------------------------------------------------
IMPORT_SESSION_KEY = "torg_estate_survey_import"


def _unstash(request, token):
    return stash.get(request, key=IMPORT_SESSION_KEY, tenant=request.tenant, token=token)


def _preview_context(plan, token, file_name, refused=False):
    c = plan.counts
    preview = import_preview(
        token=token, file_name=file_name, counts=c, errors=plan.errors, refused=refused,
        summary=[(_("Surveys (drafts)"), c["surveys"]), (_("Buildings"), c["buildings"]),
                 (_("Building parts"), c["parts"]), (_("Parts with TG3"), c["tg3"])],
        confirm_url=reverse("estate:import_confirm"), back_url=reverse("estate:import"),
        errors_url=reverse("estate:import_errors"))
    return {"plan": plan, "preview": preview, "sample_rows": plan.valid_rows[:10],
            "crumbs": _crumbs((_("Import a condition survey"), reverse("estate:import")),
                              (_("Check the import"), None))}


@login_required
def import_upload(request):
    tenant = _tenant(request, "estate.manage_estate")
    form = ImportForm(request.POST or None, request.FILES or None)
    preview = import_upload_step(
        request, form=form, key=IMPORT_SESSION_KEY, tenant=tenant,
        plan_import=lambda upload: importer.plan_import(tenant=tenant, upload=upload),
        preview=lambda plan, token, name: render(request, "estate/import_preview.html",
                                                 _preview_context(plan, token, name)))
    if preview:
        return preview
    return render(request, "estate/import_upload.html", {
        "form": form, "columns": importer.column_help(), "codes": ns3451.choices(),
        "template_url": reverse("estate:import_template"),
        "crumbs": _crumbs((_("Import a condition survey"), None))}, status=422 if form.errors else 200)


@login_required
@require_POST
def import_confirm(request):
    tenant = _tenant(request, "estate.manage_estate")
    plan, response = import_confirm_step(
        request, key=IMPORT_SESSION_KEY, tenant=tenant,
        apply_import=lambda upload, valid_only: importer.apply_import(actor=request.user, tenant=tenant, upload=upload,
                                                                      valid_rows_only=valid_only),
        refused=lambda plan, token, name: render(request, "estate/import_preview.html",
                                                 _preview_context(plan, token, name, refused=True)),
        back_url=reverse("estate:import"),
        expired_message=_("This file has already been imported, or the upload has expired. "
                          "Check the surveys, or upload the file again."))
    if response:
        return response
    messages.success(request, _("Import finished: %(surveys)d draft surveys with %(parts)d building parts. "
                                "Check and approve them.") % {"surveys": plan.counts["surveys"],
                                                              "parts": plan.counts["parts"]})
    return redirect("estate:survey_list")


@login_required
def import_errors(request):
    tenant = _tenant(request, "estate.manage_estate")
    return import_errors_response(_unstash(request, request.GET.get("token", "")),
                                  lambda upload: importer.plan_import(tenant=tenant, upload=upload),
                                  file_name="torg-survey-import-problems.csv")


@login_required
def import_template(request):
    _tenant(request, "estate.manage_estate")
    return download(importer.template_xlsx(), "torg-condition-survey.xlsx")


@login_required
def survey_list(request):
    """Every survey of the municipality, drafts first: imported surveys wait here to be approved."""
    tenant = _tenant(request)
    status = request.GET.get("status", "")
    status = status if status in ConditionSurvey.Status.values else ""
    return render(request, "estate/survey_list.html", {
        "page_obj": paginate(request, queries.survey_list(tenant=tenant, status=status)), "status": status,
        "statuses": ConditionSurvey.Status.choices,
        "crumbs": _crumbs((_("Condition surveys"), None)),
    })


# --- Maintenance ------------------------------------------------------------------------------
def _year(value):
    year = int_param(value)
    return year if year and 1900 <= year <= 2200 else None


@login_required
def maintenance(request):
    """The portfolio's five-year maintenance plan by year and category, against the yearly budget."""
    tenant = _tenant(request)
    can_manage = request.user.has_perm("estate.manage_estate", tenant)
    start = _year(request.GET.get("from"))
    plan = queries.five_year_plan(tenant=tenant, start=start)
    form = BudgetForm(request.POST or None, years=plan["years"]) if can_manage else None
    if request.method == "POST":
        require_perm(request, "estate.manage_estate", tenant)
        if form.is_valid():
            services.budget_set(actor=request.user, tenant=tenant, **form.cleaned_data)
            messages.success(request, _("The budget was saved."))
            return redirect(request.get_full_path())
    return render(request, "estate/maintenance.html", {
        "plan": plan, "form": form, "can_manage": can_manage,
        "backlog": queries.backlog_summary(tenant=tenant),
        "previous": plan["years"][0] - queries.PLAN_YEARS, "next": plan["years"][0] + queries.PLAN_YEARS,
        "crumbs": _crumbs((_("Maintenance plan"), None)),
    }, status=422 if form is not None and form.errors else 200)


@login_required
def backlog(request):
    tenant = _tenant(request)
    return render(request, "estate/backlog.html", {
        "summary": queries.backlog_summary(tenant=tenant), "over_time": queries.backlog_over_time(tenant=tenant),
        "page_obj": paginate(request, queries.backlog_by_building(tenant=tenant)),
        "crumbs": _crumbs((_("Maintenance backlog"), None)),
    })


@login_required
def measure_list(request):
    tenant = _tenant(request)
    form = MeasureFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    return render(request, "estate/measure_list.html", {
        "form": form, "page_obj": paginate(request, queries.measure_list(
            tenant=tenant, status=filters.get("status", ""), year=filters.get("year"),
            category=filters.get("category", ""))),
        "can_manage": request.user.has_perm("estate.manage_estate", tenant),
        "crumbs": _crumbs((_("Measures"), None)),
    })


@login_required
def measure_create(request, pk):
    tenant = _tenant(request, "estate.manage_estate")
    building = places_queries.building_get(tenant=tenant, pk=pk)
    form = MeasureForm(request.POST or None)
    return form_page(
        request, form=form,
        save=lambda d: services.measure_create(actor=request.user, tenant=tenant, building=building, **d),
        success_url=lambda m: reverse("estate:measure", args=[m.pk]),
        success_message=_("The measure was added as a proposal."),
        context={"title": _("New measure for %(building)s") % {"building": building.name},
                 "cancel_url": reverse("estate:building", args=[building.pk]),
                 "crumbs": _crumbs(_building_crumb(building), (_("New measure"), None))},
    )


@login_required
def measure_detail(request, pk):
    tenant = _tenant(request)
    measure = queries.measure_get(tenant=tenant, pk=pk)
    return render(request, "estate/measure_detail.html", {
        "measure": measure, "building": measure.building,
        "can_manage": request.user.has_perm("estate.manage_estate", measure),
        "transitions": MEASURE_MACHINE.available(measure, request.user),
        **history_context(request, tenant, measure),
        "crumbs": _crumbs(_building_crumb(measure.building), (measure.description, None)),
    })


@login_required
def measure_edit(request, pk):
    tenant = _tenant(request, "estate.manage_estate")
    measure = queries.measure_get(tenant=tenant, pk=pk)
    form = MeasureForm(request.POST or None, instance=measure)
    return form_page(
        request, form=form,
        save=lambda d: services.measure_update(actor=request.user, measure=measure, **d),
        success_url=reverse("estate:measure", args=[measure.pk]), success_message=_("The measure was saved."),
        context={"title": _("Edit the measure"), "cancel_url": reverse("estate:measure", args=[measure.pk]),
                 "crumbs": _crumbs(_building_crumb(measure.building),
                                   (measure.description, reverse("estate:measure", args=[measure.pk])),
                                   (_("Edit"), None))},
    )


@login_required
@require_POST
def measure_status(request, pk):
    tenant = _tenant(request, "estate.manage_estate")
    measure = queries.measure_get(tenant=tenant, pk=pk)
    form = MeasureStatusForm(request.POST)
    if not form.is_valid():
        raise Http404
    return _post_action(request, lambda: services.measure_set_status(
        actor=request.user, measure=measure, status=form.cleaned_data["status"], reason=form.cleaned_data["reason"],
        planned_year=form.cleaned_data.get("planned_year")),
        reverse("estate:measure", args=[measure.pk]), _("The status was changed."))

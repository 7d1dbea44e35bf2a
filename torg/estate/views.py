"""Estate pages. Thin: parse, check permission, call one query or service, render.

Objects are addressed by id within the user's municipality (another municipality's id: 404).
"""

from collections.abc import Callable
from dataclasses import dataclass

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
from torg.core.templatetags.torg import intspace
from torg.core.views import (apply_validation_error, breadcrumbs, download, form_page, import_confirm_step,
                             import_errors_response, import_preview, import_upload_step, int_param, paginate,
                             require_perm, tenant_lookup)
from torg.places import queries as places_queries

from . import energy_import, importer, kostra, ns3451, queries, services
from .forms import (BudgetForm, BuildingFilterForm, ImportForm, LabelForm, MeasureFilterForm, MeasureForm,
                    MeasureStatusForm, MeterForm, PartForm, ReadingForm, StatusForm, SurveyForm, TargetForm)
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
        "energy_summary": queries.building_energy_summary(tenant=tenant, building=building),
        "crumbs": _crumbs((building.name, None)),
    })


def _building_form_page(request, pk, *, form_class, service, success, success_message, title, crumb):
    """A form page that adds something to a building (a survey, a measure, a meter, a label): the
    manager's permission, the building within the municipality, and `service(actor, tenant, building,
    **cleaned_data)` on a valid POST; then to `success` (a URL name taking the new row's id, or a callable)."""
    tenant = _tenant(request, "estate.manage_estate")
    building = places_queries.building_get(tenant=tenant, pk=pk)
    return form_page(
        request, form=form_class(request.POST or None),
        save=lambda d: service(actor=request.user, tenant=tenant, building=building, **d),
        success_url=success if callable(success) else lambda obj: reverse(success, args=[obj.pk]),
        success_message=success_message,
        context={"title": title % {"building": building.name},
                 "cancel_url": reverse("estate:building", args=[building.pk]),
                 "crumbs": _crumbs(_building_crumb(building), (crumb, None))},
    )


def _inline_form(request, form, obj, save, message):
    """A form inside a page (a budget, the energy target, a month's reading): on a POST, the manager's
    permission on `obj`, then `save(cleaned_data)`, a ValidationError landing on the form. Returns the
    redirect back after saving, else None (the page is shown, with the form's errors)."""
    if request.method != "POST":
        return None
    require_perm(request, "estate.manage_estate", obj)
    if not form.is_valid():
        return None
    try:
        save(form.cleaned_data)
    except ValidationError as exc:
        apply_validation_error(form, exc)
        return None
    messages.success(request, message)
    return redirect(request.get_full_path())


@login_required
def survey_create(request, pk):
    return _building_form_page(
        request, pk, form_class=SurveyForm, service=services.survey_create, success="estate:survey",
        success_message=_("The survey was started as a draft. Grade the building parts, then approve it."),
        title=_("New condition survey of %(building)s"), crumb=_("New condition survey"))


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


def _edit_page(request, obj, *, form_class, update, field, url_name, message, title, crumbs):
    """The edit page of a row (a survey, a measure, a meter): `update(actor=…, <field>=obj, **cleaned_data)`,
    then back to the row's page (`url_name`)."""
    back = reverse(url_name, args=[obj.pk])
    return form_page(request, form=form_class(request.POST or None, instance=obj),
                     save=lambda d: update(actor=request.user, **{field: obj}, **d), success_url=back,
                     success_message=message, context={"title": title, "cancel_url": back, "crumbs": crumbs})


@login_required
def survey_edit(request, pk):
    survey = queries.survey_get(tenant=_tenant(request, "estate.manage_estate"), pk=pk)
    return _edit_page(request, survey, form_class=SurveyForm, update=services.survey_update, field="survey",
                      url_name="estate:survey", message=_("The survey was saved."), title=_("Edit the survey"),
                      crumbs=_crumbs(_building_crumb(survey.building), _survey_crumb(survey), (_("Edit"), None)))


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


# --- Imports ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class ImportKind:
    """One of the estate imports, all on the house's steps (upload → preview → confirm): the survey,
    the meter readings, the degree days and the operating costs. `url` is the prefix of its URL names."""

    url: str
    title: str
    intro: str
    plan: Callable
    apply: Callable
    template: Callable
    file_name: str
    columns: list
    summary: Callable  # counts → [(label, value)]
    done: Callable  # counts → message
    done_url: str
    sample: str = ""  # a partial showing the first rows as they will be saved
    extra: str = ""  # a partial under the upload form


IMPORTS = {
    "surveys": ImportKind(
        url="import", title=gettext_lazy("Import a condition survey"),
        intro=gettext_lazy("Upload the consultant's Excel (.xlsx) or CSV file with one row per building part. Rows "
                           "of the same building, date and surveyor become one survey, saved as a draft for you to "
                           "check and approve. You will see a preview and every problem before anything is saved."),
        plan=importer.plan_import, apply=importer.apply_import, template=importer.template_xlsx,
        file_name="torg-condition-survey", columns=importer.COLUMNS,
        summary=lambda c: [(_("Surveys (drafts)"), c["surveys"]), (_("Buildings"), c["buildings"]),
                           (_("Building parts"), c["parts"]), (_("Parts with TG3"), c["tg3"])],
        done=lambda c: _("Import finished: %(surveys)d draft surveys with %(parts)d building parts. "
                         "Check and approve them.") % {"surveys": c["surveys"], "parts": c["parts"]},
        done_url="estate:survey_list", sample="estate/partials/import_sample_surveys.html",
        extra="estate/partials/ns3451_codes.html"),
    "readings": ImportKind(
        url="readings_import", title=gettext_lazy("Import meter readings"),
        intro=gettext_lazy("Upload the energy monitoring system's export (.xlsx or CSV) with one row per meter and "
                           "month. A meter not registered yet is registered on the row's building when the row gives "
                           "its energy carrier. A month imported again replaces the earlier reading."),
        plan=energy_import.plan_readings, apply=energy_import.apply_readings,
        template=energy_import.readings_template, file_name="torg-meter-readings",
        columns=energy_import.READING_COLUMNS,
        summary=lambda c: [(_("Meters"), c["meters"]), (_("New meters"), c["new_meters"]),
                           (_("Readings"), c["readings"]), (_("Readings replaced"), c["replaced"]),
                           (_("kWh in total"), intspace(c["kwh"]))],
        done=lambda c: _("Import finished: %(readings)d readings of %(meters)d meters.")
        % {"readings": c["readings"], "meters": c["meters"]}, done_url="estate:energy"),
    "degree_days": ImportKind(
        url="degree_days_import", title=gettext_lazy("Import degree days"),
        intro=gettext_lazy("Upload the weather station's heating degree days (.xlsx or CSV), one row per month with "
                           "the normal for that month. A month imported again replaces the earlier one."),
        plan=energy_import.plan_degree_days, apply=energy_import.apply_degree_days,
        template=energy_import.degree_days_template, file_name="torg-degree-days",
        columns=energy_import.DEGREE_DAY_COLUMNS,
        summary=lambda c: [(_("Months"), c["months"]), (_("Months replaced"), c["replaced"])],
        done=lambda c: _("Import finished: degree days of %(months)d months.") % {"months": c["months"]},
        done_url="estate:degree_days"),
    "costs": ImportKind(
        url="costs_import", title=gettext_lazy("Import operating costs"),
        intro=gettext_lazy("Upload the accounting system's operating costs (.xlsx or CSV): one row per building, "
                           "year, KOSTRA function and cost type. Operation is the whole operation; cleaning and "
                           "energy are part of it and are not added to it again. A cost imported again replaces "
                           "the earlier amount."),
        plan=energy_import.plan_costs, apply=energy_import.apply_costs, template=energy_import.costs_template,
        file_name="torg-operating-costs", columns=energy_import.COST_COLUMNS,
        summary=lambda c: [(_("Buildings"), c["buildings"]), (_("Years"), c["years"]),
                           (_("Operating costs (NOK)"), intspace(c["amount"]))],
        done=lambda c: _("Import finished: operating costs of %(buildings)d buildings.")
        % {"buildings": c["buildings"]},
        done_url="estate:costs", extra="estate/partials/kostra_functions.html"),
}


def _import_key(kind):
    return f"torg_estate_{kind}_import"


def _preview_context(kind, plan, token, file_name, refused=False):
    spec = IMPORTS[kind]
    preview = import_preview(
        token=token, file_name=file_name, counts=plan.counts, errors=plan.errors, refused=refused,
        summary=spec.summary(plan.counts), confirm_url=reverse(f"estate:{spec.url}_confirm"),
        back_url=reverse(f"estate:{spec.url}"), errors_url=reverse(f"estate:{spec.url}_errors"))
    return {"plan": plan, "preview": preview, "sample_rows": plan.valid_rows[:10], "spec": spec,
            "crumbs": _crumbs((spec.title, reverse(f"estate:{spec.url}")), (_("Check the import"), None))}


@login_required
def import_upload(request, kind):
    tenant = _tenant(request, "estate.manage_estate")
    spec = IMPORTS[kind]
    form = ImportForm(request.POST or None, request.FILES or None)
    preview = import_upload_step(
        request, form=form, key=_import_key(kind), tenant=tenant,
        plan_import=lambda upload: spec.plan(tenant=tenant, upload=upload),
        preview=lambda plan, token, name: render(request, "estate/import_preview.html",
                                                 _preview_context(kind, plan, token, name)))
    if preview:
        return preview
    return render(request, "estate/import_upload.html", {
        "form": form, "spec": spec, "columns": importer.column_help(spec.columns), "codes": ns3451.choices(),
        "functions": kostra.choices(), "template_url": reverse(f"estate:{spec.url}_template"),
        "crumbs": _crumbs((spec.title, None))}, status=422 if form.errors else 200)


@login_required
@require_POST
def import_confirm(request, kind):
    tenant = _tenant(request, "estate.manage_estate")
    spec = IMPORTS[kind]
    plan, response = import_confirm_step(
        request, key=_import_key(kind), tenant=tenant,
        apply_import=lambda upload, valid_only: spec.apply(actor=request.user, tenant=tenant, upload=upload,
                                                           valid_rows_only=valid_only),
        refused=lambda plan, token, name: render(request, "estate/import_preview.html",
                                                 _preview_context(kind, plan, token, name, refused=True)),
        back_url=reverse(f"estate:{spec.url}"),
        expired_message=_("This file has already been imported, or the upload has expired. "
                          "Check what was imported, or upload the file again."))
    if response:
        return response
    messages.success(request, spec.done(plan.counts))
    return redirect(spec.done_url)


@login_required
def import_errors(request, kind):
    tenant = _tenant(request, "estate.manage_estate")
    spec = IMPORTS[kind]
    upload = stash.get(request, key=_import_key(kind), tenant=request.tenant, token=request.GET.get("token", ""))
    return import_errors_response(upload, lambda upload: spec.plan(tenant=tenant, upload=upload),
                                  file_name=f"{spec.file_name}-problems.csv")


@login_required
def import_template(request, kind):
    _tenant(request, "estate.manage_estate")
    spec = IMPORTS[kind]
    return download(spec.template(), f"{spec.file_name}.xlsx")


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
    saved = _inline_form(request, form, tenant, lambda d: services.budget_set(actor=request.user, tenant=tenant, **d),
                         _("The budget was saved."))
    if saved:
        return saved
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
    return _building_form_page(
        request, pk, form_class=MeasureForm, service=services.measure_create, success="estate:measure",
        success_message=_("The measure was added as a proposal."),
        title=_("New measure for %(building)s"), crumb=_("New measure"))


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
    measure = queries.measure_get(tenant=_tenant(request, "estate.manage_estate"), pk=pk)
    return _edit_page(request, measure, form_class=MeasureForm, update=services.measure_update, field="measure",
                      url_name="estate:measure", message=_("The measure was saved."), title=_("Edit the measure"),
                      crumbs=_crumbs(_building_crumb(measure.building),
                                     (measure.description, reverse("estate:measure", args=[measure.pk])),
                                     (_("Edit"), None)))


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


# --- Energy and operating costs ---------------------------------------------------------------
def _chosen_year(request, years, default):
    year = _year(request.GET.get("year"))
    return year if year in years else default


@login_required
def energy(request):
    """The portfolio's energy: progress against the target and the buildings ranked by kWh/m²."""
    tenant = _tenant(request)
    can_manage = request.user.has_perm("estate.manage_estate", tenant)
    years = queries.energy_years(tenant=tenant)
    year = _chosen_year(request, years, queries.default_energy_year(years))
    form = TargetForm(request.POST or None, instance=queries.target_get(tenant=tenant)) if can_manage else None
    saved = _inline_form(request, form, tenant, lambda d: services.target_set(actor=request.user, tenant=tenant, **d),
                         _("The energy target was saved."))
    if saved:
        return saved
    overview = queries.energy_overview(tenant=tenant, year=year)
    return render(request, "estate/energy.html", {
        "year": year, "years": years, "progress": overview["progress"], "corrected": overview["corrected"],
        "page_obj": paginate(request, overview["ranking"]), "count": len(overview["ranking"]), "form": form,
        "can_manage": can_manage,
        "crumbs": _crumbs((_("Energy"), None)),
    }, status=422 if form is not None and form.errors else 200)


@login_required
def costs(request):
    """Operating costs (FDV) per building and m² in a year, without double counting."""
    tenant = _tenant(request)
    years = queries.cost_years(tenant=tenant)
    year = _chosen_year(request, years, years[0] if years else None)
    data = queries.operating_costs(tenant=tenant, year=year) if year else None
    return render(request, "estate/costs.html", {
        "year": year, "years": years, "data": data, "page_obj": paginate(request, data["rows"] if data else []),
        "functions": [kostra.label(f) for f in data["functions"]] if data else [],
        "can_manage": request.user.has_perm("estate.manage_estate", tenant),
        "crumbs": _crumbs((_("Operating costs"), None)),
    })


@login_required
def degree_days(request):
    tenant = _tenant(request)
    return render(request, "estate/degree_days.html", {
        "page_obj": paginate(request, queries.degree_days(tenant=tenant), 60),
        "years": sorted(queries.degree_day_years(tenant=tenant).items(), reverse=True),
        "can_manage": request.user.has_perm("estate.manage_estate", tenant),
        "crumbs": _crumbs((_("Energy"), reverse("estate:energy")), (_("Degree days"), None)),
    })


@login_required
def building_energy(request, pk):
    """A building's energy by year (with its chart and table), meters, label and operating costs."""
    tenant = _tenant(request)
    building = places_queries.building_get(tenant=tenant, pk=pk)
    return render(request, "estate/building_energy.html", {
        "building": building, "energy": queries.building_energy(tenant=tenant, building=building),
        "costs": queries.building_costs(tenant=tenant, building=building),
        "can_manage": request.user.has_perm("estate.manage_estate", tenant),
        "crumbs": _crumbs(_building_crumb(building), (_("Energy"), None)),
    })


def _energy_url(building):
    return reverse("estate:building_energy", args=[building.pk])


@login_required
def meter_create(request, pk):
    return _building_form_page(
        request, pk, form_class=MeterForm, service=services.meter_create, success="estate:meter",
        success_message=_("The meter was registered."), title=_("New energy meter for %(building)s"),
        crumb=_("New energy meter"))


@login_required
def label_create(request, pk):
    return _building_form_page(
        request, pk, form_class=LabelForm, service=services.label_add,
        success=lambda label: _energy_url(label.building), success_message=_("The energy label was saved."),
        title=_("Energy label of %(building)s"), crumb=_("Energy label"))


@login_required
def meter_detail(request, pk):
    """A meter's readings, newest first, and (for managers) the form to enter a month by hand."""
    tenant = _tenant(request)
    meter = queries.meter_get(tenant=tenant, pk=pk)
    can_manage = request.user.has_perm("estate.manage_estate", meter)
    form = ReadingForm(request.POST or None) if can_manage else None
    saved = _inline_form(request, form, meter, lambda d: services.reading_set(actor=request.user, meter=meter, **d),
                         _("The reading was saved."))
    if saved:
        return saved
    return render(request, "estate/meter_detail.html", {
        "meter": meter, "building": meter.building, "form": form, "can_manage": can_manage,
        "page_obj": paginate(request, queries.readings(tenant=tenant, meter=meter), 36),
        **history_context(request, tenant, meter),
        "crumbs": _crumbs(_building_crumb(meter.building), (_("Energy"), _energy_url(meter.building)),
                          (str(meter), None)),
    }, status=422 if form is not None and form.errors else 200)


@login_required
def meter_edit(request, pk):
    meter = queries.meter_get(tenant=_tenant(request, "estate.manage_estate"), pk=pk)
    return _edit_page(request, meter, form_class=MeterForm, update=services.meter_update, field="meter",
                      url_name="estate:meter", message=_("The meter was saved."), title=_("Edit the meter"),
                      crumbs=_crumbs(_building_crumb(meter.building), (_("Energy"), _energy_url(meter.building)),
                                     (str(meter), reverse("estate:meter", args=[meter.pk])), (_("Edit"), None)))

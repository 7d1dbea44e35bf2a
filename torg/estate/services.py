"""Every write to the estate module. Each service checks the actor's permission itself (the UI, the
API and the importer call the same ones), validates, writes in one transaction and records the
change in the audit log. A survey's status changes only through `CONDITION_SURVEY_MACHINE`."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from torg.core import audit, photos
from torg.core.services import create_object, require_same_tenant, update_object

from . import grading, ns3451
from .models import (ConditionSurvey, DegreeDayMonth, EnergyLabel, EnergyTarget, MaintenanceBudget, Measure, Meter,
                     MeterReading, SurveyPart, SurveyPartPhoto, risk_class)
from .states import CONDITION_SURVEY_MACHINE, MEASURE_MACHINE

SURVEY_FIELDS = ["surveyed_on", "surveyor", "level", "note"]
PART_FIELDS = ["ns_code", "condition_grade", "consequence_grade", "description", "measure", "measure_cost",
               "measure_year"]


def require_manage(actor, obj):
    if not actor.has_perm("estate.manage_estate", obj):
        raise PermissionDenied


def _unknown(fields, allowed):
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")


def _check_survey(survey):
    if survey.surveyed_on and survey.surveyed_on > timezone.localdate():
        raise ValidationError({"surveyed_on": _("A survey cannot be dated in the future.")})
    if survey.building_id and survey.building.archived:
        raise ValidationError({"building": _("%(place)s is archived; restore it first.") % {"place": survey.building}})


def _require_draft(survey):
    if survey.status != ConditionSurvey.Status.DRAFT:
        raise ValidationError(_("An approved survey cannot be changed. Start a correction: it becomes a new "
                                "version, and the approved one is kept."))


def _create_on_building(model, *, actor, tenant, building, fields, allowed, check, **values):
    """A new row of `model` on a building of the actor's municipality: the manager's permission, only
    the `allowed` optional fields, `check(obj)` (raises ValidationError), saved with its audit event."""
    require_manage(actor, tenant)
    _unknown(fields, allowed)
    require_same_tenant(tenant, building, field="building")
    obj = model(tenant=tenant, building=building, **values, **fields)
    check(obj)
    return create_object(obj, actor=actor, tenant=tenant)


def _set_row(model, *, actor, tenant, lookup, values):
    """The municipality's one row of `model` for `lookup` (a year, a month…): made, or changed if it exists."""
    require_manage(actor, tenant)
    row = model.objects.select_for_update().filter(tenant=tenant, **lookup).first()
    if row is None:
        return create_object(model(tenant=tenant, **lookup, **values), actor=actor, tenant=tenant)
    return update_object(row, actor=actor, tenant=tenant, fields=values)


# --- Surveys ----------------------------------------------------------------------------------
@transaction.atomic
def survey_create(*, actor, tenant, building, surveyed_on, surveyor, **fields) -> ConditionSurvey:
    """A new survey of a building, as a draft: parts are graded on it, then it is approved."""
    return _create_on_building(ConditionSurvey, actor=actor, tenant=tenant, building=building, fields=fields,
                               allowed=SURVEY_FIELDS, check=_check_survey, surveyed_on=surveyed_on,
                               surveyor=surveyor)


@transaction.atomic
def survey_update(*, actor, survey, **fields) -> ConditionSurvey:
    require_manage(actor, survey)
    _unknown(fields, SURVEY_FIELDS)
    survey = ConditionSurvey.objects.select_for_update().select_related("building").get(pk=survey.pk)
    _require_draft(survey)
    probe = ConditionSurvey(building=survey.building, **{**{k: getattr(survey, k) for k in SURVEY_FIELDS}, **fields})
    _check_survey(probe)
    return update_object(survey, actor=actor, tenant=survey.tenant, fields=fields)


def _refresh_current(building_id):
    """Mark the building's latest approved survey (by date, then version) as its current one."""
    surveys = ConditionSurvey.objects.filter(building_id=building_id)
    latest = (surveys.filter(status=ConditionSurvey.Status.APPROVED)
              .order_by("-surveyed_on", "-version", "-pk").values_list("pk", flat=True).first())
    surveys.exclude(pk=latest).filter(is_current=True).update(is_current=False)
    if latest:
        surveys.filter(pk=latest).update(is_current=True)


@transaction.atomic
def survey_set_status(*, actor, survey, status, reason="") -> ConditionSurvey:
    """Approve or discard a draft — only what `CONDITION_SURVEY_MACHINE` declares. Approving keeps
    the aggregate grade with the survey and supersedes the version it corrects."""
    survey = ConditionSurvey.objects.select_for_update().get(pk=survey.pk)
    approving = status == ConditionSurvey.Status.APPROVED
    if approving:
        survey.aggregate_grade = grading.aggregate_grade(survey.parts.values_list("ns_code", "condition_grade"))
        survey.approved_at = timezone.now()
    CONDITION_SURVEY_MACHINE.apply(survey, status, actor=actor, reason=reason)
    if approving:
        ConditionSurvey.objects.filter(pk=survey.pk).update(aggregate_grade=survey.aggregate_grade,
                                                            approved_at=survey.approved_at)
        if survey.replaces_id:
            old = ConditionSurvey.objects.select_for_update().get(pk=survey.replaces_id)
            if old.status == ConditionSurvey.Status.APPROVED:
                CONDITION_SURVEY_MACHINE.apply(old, ConditionSurvey.Status.SUPERSEDED, actor=actor, system=True,
                                               reason=_("Corrected by version %(v)d") % {"v": survey.version})
        _refresh_current(survey.building_id)
        _measures_from_survey(survey, actor)
    return survey


@transaction.atomic
def survey_correct(*, actor, survey) -> ConditionSurvey:
    """A correction of an approved survey: a new draft version with the same parts (and photos), which
    supersedes the approved one when it is approved itself. The approved survey stays as it was.
    Asking again while a correction is open returns that draft."""
    require_manage(actor, survey)
    survey = ConditionSurvey.objects.select_for_update().get(pk=survey.pk)
    if survey.status != ConditionSurvey.Status.APPROVED:
        raise ValidationError(_("Only an approved survey is corrected; a draft is edited directly."))
    open_draft = survey.corrections.filter(status=ConditionSurvey.Status.DRAFT).first()
    if open_draft:
        return open_draft
    top = ConditionSurvey.objects.filter(building_id=survey.building_id).order_by("-version").first()
    draft = ConditionSurvey.objects.create(
        tenant=survey.tenant, building_id=survey.building_id, surveyed_on=survey.surveyed_on, surveyor=survey.surveyor,
        level=survey.level, note=survey.note, replaces=survey, version=max(survey.version, top.version) + 1)
    for part in survey.parts.prefetch_related("photos"):
        part_photos = list(part.photos.all())
        part.pk = None
        part.survey = draft
        part.save()
        SurveyPartPhoto.objects.bulk_create([SurveyPartPhoto(tenant=p.tenant, part=part, image=p.image.name,
                                                             width=p.width, height=p.height) for p in part_photos])
    audit.record(actor=actor, tenant=survey.tenant, obj=survey, action="condition_survey_correct",
                 changes={"version": [survey.version, draft.version]})
    audit.record(actor=actor, tenant=survey.tenant, obj=draft, action=audit.code(draft, "create"),
                 changes={"replaces": [None, survey.pk], "version": [None, draft.version]})
    return draft


# --- Building parts ---------------------------------------------------------------------------
def _check_part(part):
    part.ns_code = ns3451.normalize(part.ns_code)
    if not ns3451.is_known(part.ns_code):
        raise ValidationError({"ns_code": _("Unknown NS 3451 code “%(code)s”.") % {"code": part.ns_code}})
    if part.measure_cost is not None and part.measure_cost < 0:
        raise ValidationError({"measure_cost": _("Must be zero or more.")})
    if (part.measure_cost or part.measure_year) and not part.measure:
        raise ValidationError({"measure": _("Describe the measure the cost and year belong to.")})


def _locked_draft(survey):
    survey = ConditionSurvey.objects.select_for_update().get(pk=survey.pk)
    _require_draft(survey)
    return survey


@transaction.atomic
def part_add(*, actor, survey, photo=None, **fields) -> SurveyPart:
    """Grade one building part on a draft survey; `photo` (an upload) is added to it."""
    require_manage(actor, survey)
    _unknown(fields, PART_FIELDS)
    survey = _locked_draft(survey)
    part = SurveyPart(tenant=survey.tenant, survey=survey, **fields)
    _check_part(part)
    part.full_clean()
    part.save()
    audit.record(actor=actor, tenant=survey.tenant, obj=survey, action="survey_part_add",
                 changes={k: [None, v] for k, v in audit.snapshot(part, PART_FIELDS).items() if v not in (None, "")})
    if photo:
        part_photo_add(actor=actor, part=part, upload=photo)
    return part


@transaction.atomic
def part_update(*, actor, part, photo=None, **fields) -> SurveyPart:
    require_manage(actor, part)
    _unknown(fields, PART_FIELDS)
    _locked_draft(part.survey)
    probe = SurveyPart(**{**{k: getattr(part, k) for k in PART_FIELDS}, **fields})
    _check_part(probe)
    if "ns_code" in fields:
        fields["ns_code"] = probe.ns_code
    part = update_object(part, actor=actor, tenant=part.tenant, fields=fields, action="survey_part_update")
    if photo:
        part_photo_add(actor=actor, part=part, upload=photo)
    return part


@transaction.atomic
def part_remove(*, actor, part) -> None:
    require_manage(actor, part)
    survey = _locked_draft(part.survey)
    names = list(part.photos.values_list("image", flat=True))
    audit.record(actor=actor, tenant=part.tenant, obj=survey, action="survey_part_remove",
                 changes={"ns_code": [part.ns_code, None], "condition_grade": [part.condition_grade, None]})
    part.delete()
    photos.release(*names)


@transaction.atomic
def part_photo_add(*, actor, part, upload) -> SurveyPartPhoto:
    require_manage(actor, part)
    _locked_draft(part.survey)
    photo = photos.save_photo(SurveyPartPhoto(tenant=part.tenant, part=part), upload)
    audit.record(actor=actor, tenant=part.tenant, obj=part, action="survey_part_photo_add",
                 changes={"photo": [None, photo.image.name]})
    return photo


@transaction.atomic
def part_photo_remove(*, actor, photo) -> None:
    require_manage(actor, photo)
    _locked_draft(photo.part.survey)
    name = photo.image.name
    audit.record(actor=actor, tenant=photo.tenant, obj=photo.part, action="survey_part_photo_remove",
                 changes={"photo": [name, None]})
    photo.delete()
    photos.release(name)



# --- Measures ---------------------------------------------------------------------------------
def _priority(part):
    risk = risk_class(part.condition_grade * part.consequence_grade)
    return {"high": Measure.Priority.HIGH, "medium": Measure.Priority.MEDIUM}.get(risk, Measure.Priority.LOW)


def measures_from_parts(*, tenant, building_id, parts, identified_on):
    """The measures a survey proposes: one per part with a recommended measure. An open proposal for
    the same building part and measure (from an earlier version of the survey) is brought up to date
    instead of doubled. Returns (new measures, updated measures, {id: changes}); writes nothing."""
    existing = {(m.ns_code, m.description.lower()): m for m in Measure.objects.filter(
        building_id=building_id, status__in=Measure.OPEN)}
    new, updated, changes = [], [], {}
    for part in parts:
        if not part.measure:
            continue
        values = {"survey_part": part, "condition_grade": part.condition_grade, "cost": part.measure_cost or 0,
                  "due_year": part.measure_year}
        found = existing.get((part.ns_code, part.measure.lower()))
        if found is None:
            new.append(Measure(tenant=tenant, building_id=building_id, ns_code=part.ns_code,
                               description=part.measure, priority=_priority(part), identified_on=identified_on,
                               **values))
        elif found.status == Measure.Status.PROPOSED:
            diff = {k: [getattr(found, k + "_id" if k == "survey_part" else k), getattr(v, "pk", v)]
                    for k, v in values.items() if getattr(found, k) != v}
            if diff:
                for k, v in values.items():
                    setattr(found, k, v)
                updated.append(found)
                changes[found.pk] = {k: [str(a) if a is not None else None, str(b) if b is not None else None]
                                     for k, (a, b) in diff.items()}
    return new, updated, changes


def _measures_from_survey(survey, actor):
    new, updated, changes = measures_from_parts(tenant=survey.tenant, building_id=survey.building_id,
                                                parts=list(survey.parts.all()), identified_on=survey.surveyed_on)
    Measure.objects.bulk_create(new)
    Measure.objects.bulk_update(updated, ["survey_part", "condition_grade", "cost", "due_year", "updated_at"])
    audit.record_many(actor=actor, tenant=survey.tenant, objs=new, action="measure_propose",
                      changes=lambda m: {"survey": [None, survey.pk], "cost": [None, str(m.cost)]})
    audit.record_many(actor=actor, tenant=survey.tenant, objs=updated, action=lambda o: audit.code(o, "update"),
                      changes=lambda m: changes[m.pk])


MEASURE_FIELDS = ["ns_code", "condition_grade", "description", "cost", "due_year", "planned_year", "priority",
                  "category"]


def _check_measure(measure):
    if measure.ns_code:
        measure.ns_code = ns3451.normalize(measure.ns_code)
        if not ns3451.is_known(measure.ns_code):
            raise ValidationError({"ns_code": _("Unknown NS 3451 code “%(code)s”.") % {"code": measure.ns_code}})
    if measure.building_id and measure.building.archived:
        raise ValidationError({"building": _("%(place)s is archived; restore it first.") % {"place": measure.building}})


@transaction.atomic
def measure_create(*, actor, tenant, building, description, cost, **fields) -> Measure:
    """A measure added by hand (not from a survey), proposed."""
    return _create_on_building(Measure, actor=actor, tenant=tenant, building=building, fields=fields,
                               allowed=MEASURE_FIELDS, check=_check_measure, description=description, cost=cost,
                               identified_on=timezone.localdate())


@transaction.atomic
def measure_update(*, actor, measure, **fields) -> Measure:
    require_manage(actor, measure)
    _unknown(fields, MEASURE_FIELDS)
    measure = Measure.objects.select_for_update().select_related("building").get(pk=measure.pk)
    if measure.status in (Measure.Status.DONE, Measure.Status.REJECTED):
        raise ValidationError(_("A completed or rejected measure is kept as it was; reopen a rejected one first."))
    probe = Measure(building=measure.building, **{**{k: getattr(measure, k) for k in MEASURE_FIELDS}, **fields})
    _check_measure(probe)
    if "ns_code" in fields:
        fields["ns_code"] = probe.ns_code
    if measure.status != Measure.Status.PROPOSED and fields.get("planned_year", 1) is None:
        raise ValidationError({"planned_year": _("A planned measure needs its year; take it out of the plan first.")})
    return update_object(measure, actor=actor, tenant=measure.tenant, fields=fields)


@transaction.atomic
def measure_set_status(*, actor, measure, status, reason="", planned_year=None) -> Measure:
    """Plan, start, complete, reject or reopen — what `MEASURE_MACHINE` declares. Planning may set the
    year in the same step; completing records the date (the backlog counts it until then)."""
    measure = Measure.objects.select_for_update().get(pk=measure.pk)
    if status == Measure.Status.PLANNED and not (planned_year or measure.planned_year):
        raise ValidationError({"planned_year": _("Set the planned year first.")})
    if planned_year and status == Measure.Status.PLANNED and measure.planned_year != planned_year:
        require_manage(actor, measure)
        measure = update_object(measure, actor=actor, tenant=measure.tenant, fields={"planned_year": planned_year})
    MEASURE_MACHINE.apply(measure, status, actor=actor, reason=reason)
    completed = timezone.localdate() if status == Measure.Status.DONE else None
    if measure.completed_on != completed:
        Measure.objects.filter(pk=measure.pk).update(completed_on=completed)
        measure.completed_on = completed
    return measure


@transaction.atomic
def budget_set(*, actor, tenant, year, amount) -> MaintenanceBudget:
    """The maintenance budget of one year (set again to change it)."""
    return _set_row(MaintenanceBudget, actor=actor, tenant=tenant, lookup={"year": year}, values={"amount": amount})


# --- Energy -----------------------------------------------------------------------------------
METER_FIELDS = ["number", "carrier", "description", "active"]


def first_of_month(day):
    return day.replace(day=1)


def _check_meter(meter):
    meter.number = (meter.number or "").strip()
    if not meter.number:
        raise ValidationError({"number": _("Give the meter number.")})
    clash = Meter.objects.filter(tenant_id=meter.tenant_id, number=meter.number).exclude(pk=meter.pk).first()
    if clash:
        raise ValidationError({"number": _("Meter %(number)s is already registered on %(building)s.")
                               % {"number": meter.number, "building": clash.building.name}})
    if meter.carrier not in Meter.Carrier.values:
        raise ValidationError({"carrier": _("Choose an energy carrier.")})
    if meter.building_id and meter.building.archived:
        raise ValidationError({"building": _("%(place)s is archived; restore it first.") % {"place": meter.building}})


@transaction.atomic
def meter_create(*, actor, tenant, building, number, carrier, **fields) -> Meter:
    """A meter of a building (its number is unique in the municipality)."""
    return _create_on_building(Meter, actor=actor, tenant=tenant, building=building, fields=fields,
                               allowed=METER_FIELDS, check=_check_meter, number=number, carrier=carrier)


@transaction.atomic
def meter_update(*, actor, meter, **fields) -> Meter:
    require_manage(actor, meter)
    _unknown(fields, METER_FIELDS)
    meter = Meter.objects.select_for_update().get(pk=meter.pk)
    probe = Meter(pk=meter.pk, tenant_id=meter.tenant_id, building_id=meter.building_id,
                  **{**{k: getattr(meter, k) for k in METER_FIELDS}, **fields})
    _check_meter(probe)
    if "number" in fields:
        fields["number"] = probe.number
    return update_object(meter, actor=actor, tenant=meter.tenant, fields=fields)


def check_reading(month, kwh):
    """The problems with one month's reading, as {field: message} (empty when it may be saved)."""
    problems = {}
    if month > first_of_month(timezone.localdate()):
        problems["month"] = _("A reading cannot be for a month that has not begun.")
    if kwh is None or kwh < 0:
        problems["kwh"] = _("The energy use must be zero or more kWh.")
    return problems


@transaction.atomic
def reading_set(*, actor, meter, month, kwh) -> MeterReading:
    """A meter's energy use in a month, entered by hand: a month entered again replaces the earlier
    reading (the audit log keeps the old value)."""
    require_manage(actor, meter)
    month = first_of_month(month)
    problems = check_reading(month, kwh)
    if problems:
        raise ValidationError(problems)
    reading = MeterReading.objects.select_for_update().filter(meter=meter, month=month).first()
    if reading is None:
        reading = MeterReading.objects.create(tenant=meter.tenant, meter=meter, month=month, kwh=kwh)
        audit.record(actor=actor, tenant=meter.tenant, obj=meter, action="meter_reading_set",
                     changes={month.strftime("%Y-%m"): [None, str(kwh)]})
    elif reading.kwh != kwh:
        audit.record(actor=actor, tenant=meter.tenant, obj=meter, action="meter_reading_set",
                     changes={month.strftime("%Y-%m"): [str(reading.kwh), str(kwh)]})
        reading.kwh = kwh
        reading.save(update_fields=["kwh", "updated_at"])
    return reading


@transaction.atomic
def label_add(*, actor, tenant, building, grade, issued_on) -> EnergyLabel:
    """A building's energy label; the latest by date is the one shown."""
    require_manage(actor, tenant)
    require_same_tenant(tenant, building, field="building")
    if grade not in EnergyLabel.Grade.values:
        raise ValidationError({"grade": _("The energy label is A, B, C, D, E, F or G.")})
    if issued_on > timezone.localdate():
        raise ValidationError({"issued_on": _("The label cannot be issued in the future.")})
    return create_object(EnergyLabel(tenant=tenant, building=building, grade=grade, issued_on=issued_on),
                         actor=actor, tenant=tenant)


@transaction.atomic
def target_set(*, actor, tenant, base_year, reduction_percent) -> EnergyTarget:
    """The energy target: reduction per year from the base year (set again to change it)."""
    if base_year > timezone.localdate().year:
        raise ValidationError({"base_year": _("The base year cannot be in the future.")})
    return _set_row(EnergyTarget, actor=actor, tenant=tenant, lookup={},
                    values={"base_year": base_year, "reduction_percent": reduction_percent})


@transaction.atomic
def degree_days_set(*, actor, tenant, month, degree_days, normal) -> DegreeDayMonth:
    """One month of the degree-day table (set again to replace it)."""
    if degree_days < 0 or normal < 0:
        raise ValidationError(_("Degree days are zero or more."))
    return _set_row(DegreeDayMonth, actor=actor, tenant=tenant, lookup={"month": first_of_month(month)},
                    values={"degree_days": degree_days, "normal": normal})

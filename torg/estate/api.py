"""Estate API: condition surveys, their building parts and photos, a building's condition, the
portfolio figures and the TG3 list; measures, budgets, the plan and the backlog; meters, readings,
degree days, energy labels, the energy target and figures, operating costs — the same services,
rules and figures as the UI."""

import datetime as dt
from decimal import Decimal
from typing import Annotated

from django.utils import timezone
from ninja import Field, Schema
from ninja import Status as Answer
from ninja.pagination import paginate

from torg.core.api import ApiRouter, Id, InSchema, Omitted, Pagination, PatchSchema
from torg.core.photos import url_for
from torg.core.views import require_api_perm
from torg.places import queries as places_queries

from . import queries, services
from .models import ConditionSurvey, EnergyLabel, Measure, Meter
from .states import CONDITION_SURVEY_MACHINE, MEASURE_MACHINE

router = ApiRouter(tags=["estate"])

Grade = Annotated[int, Field(ge=0, le=3)]
Cost = Annotated[Decimal, Field(ge=0, lt=10**12, decimal_places=0)]
Year = Annotated[int, Field(ge=1900, le=2200)]


class SurveyPhotoOut(Schema):
    id: int
    url: str
    width: int
    height: int

    @staticmethod
    def resolve_url(obj):
        return url_for(obj)


class PartOut(Schema):
    id: int
    survey_id: int
    ns_code: str
    part_label: str
    condition_grade: int
    consequence_grade: int
    risk_score: int
    risk: str
    description: str
    measure: str
    measure_cost: Decimal | None
    measure_year: int | None
    photos: list[SurveyPhotoOut]

    @staticmethod
    def resolve_photos(obj):
        return list(obj.photos.all())


class SurveyTransitionOut(Schema):
    to_status: str
    verb: str
    label: str
    reason_required: bool


class ConditionSurveyOut(Schema):
    id: int
    building_id: int
    surveyed_on: dt.date
    surveyor: str
    level: str
    note: str
    status: str
    version: int
    replaces_id: int | None
    is_current: bool
    aggregate_grade: Decimal | None


class SurveyDetailOut(ConditionSurveyOut):
    parts: list[PartOut]
    allowed_transitions: list[SurveyTransitionOut]

    @staticmethod
    def resolve_parts(obj):
        return obj.part_list


class SurveyIn(InSchema):
    building_id: Id
    surveyed_on: dt.date
    surveyor: str
    level: ConditionSurvey.Level = ConditionSurvey.Level.OVERVIEW
    note: str = ""


class SurveyPatch(PatchSchema):
    surveyed_on: dt.date = Omitted
    surveyor: str = Omitted
    level: ConditionSurvey.Level = Omitted
    note: str | None = None


class PartIn(InSchema):
    ns_code: str = Field(description="NS 3451 code, e.g. 23 (external walls)")
    condition_grade: Grade
    consequence_grade: Grade = 1
    description: str = ""
    measure: str = ""
    measure_cost: Cost | None = None
    measure_year: Year | None = None


class PartPatch(PatchSchema):
    ns_code: str = Omitted
    condition_grade: Grade = Omitted
    consequence_grade: Grade = Omitted
    description: str | None = None
    measure: str | None = None
    measure_cost: Cost | None = None
    measure_year: Year | None = None


class SurveyStatusIn(InSchema):
    status: ConditionSurvey.Status
    reason: str = ""


class HistoryOut(Schema):
    id: int
    surveyed_on: dt.date
    version: int
    status: str
    is_current: bool
    aggregate_grade: Decimal | None
    part_count: int
    tg3_count: int


class BuildingConditionOut(Schema):
    building_id: int
    current_survey_id: int | None
    aggregate_grade: Decimal | None
    grade_band: int | None
    grade_counts: list[int]
    parts: list[PartOut]
    surveys: list[HistoryOut]


class CellOut(Schema):
    count: int
    area: Decimal


class PortfolioRowOut(Schema):
    category: str
    cells: list[CellOut]
    count: int
    area: Decimal


class PortfolioOut(Schema):
    bands: list[str]
    rows: list[PortfolioRowOut]
    surveyed: int
    total: int
    tg3_parts: int


class ListedPartOut(PartOut):
    building_id: int
    building_name: str

    @staticmethod
    def resolve_building_id(obj):
        return obj.survey.building_id

    @staticmethod
    def resolve_building_name(obj):
        return obj.survey.building.name


def _transitions(machine, obj, user):
    """What the caller may do next: `machine.available` as the API lists it."""
    return [{"to_status": t.target, "verb": t.verb, "label": str(t.label), "reason_required": t.reason}
            for t in machine.available(obj, user)]


def _detail(request, pk):
    survey = queries.survey_detail(tenant=request.tenant, pk=pk)
    survey.allowed_transitions = _transitions(CONDITION_SURVEY_MACHINE, survey, request.user)
    return survey


def _create_on_building(request, payload, create):
    """`create` (a service) for the building the payload names, within the caller's municipality."""
    require_api_perm(request, "estate.manage_estate")
    data = payload.dict()
    building = places_queries.building_get(tenant=request.tenant, pk=data.pop("building_id"))
    return create(actor=request.user, tenant=request.tenant, building=building, **data)


def _update(request, pk, payload, get, update, field):
    """`update` (a service) with the payload's changes to the object `get` finds in the caller's municipality."""
    require_api_perm(request, "estate.manage_estate")
    update(actor=request.user, **{field: get(tenant=request.tenant, pk=pk)}, **payload.changes())


# --- Surveys ----------------------------------------------------------------------------------
@router.get("/surveys", response=list[ConditionSurveyOut])
@paginate(Pagination)
def list_condition_surveys(request, building_id: Id | None = None, status: str = ""):
    """Every condition survey of the municipality (newest first), by building and status."""
    require_api_perm(request, "estate.view_estate")
    building = places_queries.building_get(tenant=request.tenant, pk=building_id) if building_id else None
    return queries.survey_list(tenant=request.tenant, building=building, status=status)


@router.get("/surveys/{int:pk}", response=SurveyDetailOut)
def get_condition_survey(request, pk: Id):
    """A survey with its building parts and the status changes the caller may make now."""
    require_api_perm(request, "estate.view_estate")
    return _detail(request, pk)


@router.post("/surveys", response={201: SurveyDetailOut})
def create_condition_survey(request, payload: SurveyIn):
    """A new survey of a building, as a draft."""
    survey = _create_on_building(request, payload, services.survey_create)
    return Answer(201, _detail(request, survey.pk))


@router.patch("/surveys/{int:pk}", response=SurveyDetailOut)
def update_condition_survey(request, pk: Id, payload: SurveyPatch):
    """Change a draft's date, surveyor, level or note (an approved survey: 422, correct it instead)."""
    _update(request, pk, payload, queries.survey_get, services.survey_update, "survey")
    return _detail(request, pk)


@router.post("/surveys/{int:pk}/status", response=SurveyDetailOut)
def set_condition_survey_status(request, pk: Id, payload: SurveyStatusIn):
    """Approve or discard a draft (`allowed_transitions` lists what the caller may do)."""
    require_api_perm(request, "estate.manage_estate")
    services.survey_set_status(actor=request.user, survey=queries.survey_get(tenant=request.tenant, pk=pk),
                               status=payload.status, reason=payload.reason)
    return _detail(request, pk)


@router.post("/surveys/{int:pk}/correct", response={201: SurveyDetailOut})
def correct_condition_survey(request, pk: Id):
    """A correction of an approved survey: a new draft version with the same parts."""
    require_api_perm(request, "estate.manage_estate")
    draft = services.survey_correct(actor=request.user, survey=queries.survey_get(tenant=request.tenant, pk=pk))
    return Answer(201, _detail(request, draft.pk))


# --- Building parts ---------------------------------------------------------------------------
@router.post("/surveys/{int:pk}/parts", response={201: PartOut})
def add_survey_part(request, pk: Id, payload: PartIn):
    require_api_perm(request, "estate.manage_estate")
    survey = queries.survey_get(tenant=request.tenant, pk=pk)
    part = services.part_add(actor=request.user, survey=survey, **payload.dict())
    return Answer(201, queries.part_get(tenant=request.tenant, pk=part.pk))


@router.patch("/parts/{int:pk}", response=PartOut)
def update_survey_part(request, pk: Id, payload: PartPatch):
    _update(request, pk, payload, queries.part_get, services.part_update, "part")
    return queries.part_get(tenant=request.tenant, pk=pk)


@router.delete("/parts/{int:pk}", response={204: None})
def delete_survey_part(request, pk: Id):
    require_api_perm(request, "estate.manage_estate")
    services.part_remove(actor=request.user, part=queries.part_get(tenant=request.tenant, pk=pk))
    return Answer(204, None)


@router.delete("/photos/{int:pk}", response={204: None})
def delete_survey_part_photo(request, pk: Id):
    require_api_perm(request, "estate.manage_estate")
    services.part_photo_remove(actor=request.user, photo=queries.photo_get(tenant=request.tenant, pk=pk))
    return Answer(204, None)


# --- Figures ----------------------------------------------------------------------------------
@router.get("/buildings/{int:pk}/condition", response=BuildingConditionOut)
def building_condition(request, pk: Id):
    """A building's current condition (its latest approved survey) and every survey over time."""
    require_api_perm(request, "estate.view_estate")
    building = places_queries.building_get(tenant=request.tenant, pk=pk)
    c = queries.building_condition(tenant=request.tenant, building=building)
    current = c["current"]
    return {"building_id": building.pk, "current_survey_id": current.pk if current else None,
            "aggregate_grade": current.aggregate_grade if current else None, "grade_band": c["band"],
            "grade_counts": c["grade_counts"], "parts": c["parts"], "surveys": c["history"]}


@router.get("/portfolio", response=PortfolioOut)
def estate_portfolio(request):
    """Buildings by strategic category (A, B, C, "" = none) × condition band (TG0–TG3, then not
    surveyed): number of buildings and gross area in each cell."""
    require_api_perm(request, "estate.view_estate")
    return {**queries.portfolio(tenant=request.tenant), "bands": ["0", "1", "2", "3", "none"]}


@router.get("/tg3", response=list[ListedPartOut])
@paginate(Pagination)
def estate_tg3(request, category: str = ""):
    """Building parts with TG3 in each building's latest approved survey."""
    require_api_perm(request, "estate.view_estate")
    return queries.tg3_list(tenant=request.tenant, category=category).prefetch_related("photos")


# --- Maintenance ------------------------------------------------------------------------------
class MeasureTransitionOut(SurveyTransitionOut):
    pass


class EstateMeasureOut(Schema):
    id: int
    building_id: int
    survey_part_id: int | None
    ns_code: str
    condition_grade: int | None
    description: str
    cost: Decimal
    due_year: int | None
    planned_year: int | None
    priority: int
    category: str
    status: str
    identified_on: dt.date
    completed_on: dt.date | None


class EstateMeasureDetailOut(EstateMeasureOut):
    allowed_transitions: list[MeasureTransitionOut]


class EstateMeasureIn(InSchema):
    building_id: Id
    description: str
    cost: Cost
    ns_code: str = ""
    condition_grade: Grade | None = None
    due_year: Year | None = None
    planned_year: Year | None = None
    priority: Annotated[int, Field(ge=1, le=3)] = 2
    category: Measure.Category = Measure.Category.MAINTENANCE


class EstateMeasurePatch(PatchSchema):
    description: str = Omitted
    cost: Cost = Omitted
    ns_code: str | None = None
    condition_grade: Grade | None = None
    due_year: Year | None = None
    planned_year: Year | None = None
    priority: Annotated[int, Field(ge=1, le=3)] = Omitted
    category: Measure.Category = Omitted


class EstateMeasureStatusIn(InSchema):
    status: Measure.Status
    reason: str = ""
    planned_year: Year | None = None


class MaintenanceBudgetIn(InSchema):
    year: Year
    amount: Annotated[Decimal, Field(ge=0, lt=10**14, decimal_places=0)]


class MaintenanceBudgetOut(Schema):
    year: int
    amount: Decimal


class MaintenancePlanCellOut(Schema):
    total: Decimal
    count: int


class MaintenancePlanRowOut(Schema):
    category: str
    cells: list[MaintenancePlanCellOut]
    total: Decimal


class MaintenancePlanOut(Schema):
    years: list[int]
    rows: list[MaintenancePlanRowOut]
    totals: list[Decimal]
    total: Decimal
    budgets: list[Decimal | None]
    balance: list[Decimal | None]
    proposed: MaintenancePlanCellOut


class BacklogYearOut(Schema):
    year: int
    total: Decimal


class BacklogBuildingOut(Schema):
    building_id: int
    name: str
    gross_area: Decimal | None
    backlog: Decimal
    per_m2: Decimal | None


class MaintenanceBacklogOut(Schema):
    year: int
    total: Decimal
    area: Decimal
    per_m2: Decimal | None
    over_time: list[BacklogYearOut]
    buildings: list[BacklogBuildingOut]


def _measure(request, pk):
    measure = queries.measure_get(tenant=request.tenant, pk=pk)
    measure.allowed_transitions = _transitions(MEASURE_MACHINE, measure, request.user)
    return measure


@router.get("/measures", response=list[EstateMeasureOut])
@paginate(Pagination)
def list_measures(request, building_id: Id | None = None, status: str = "", year: Year | None = None,
                  category: str = ""):
    """Measures by building, status (or `open`), planned year and category."""
    require_api_perm(request, "estate.view_estate")
    building = places_queries.building_get(tenant=request.tenant, pk=building_id) if building_id else None
    return queries.measure_list(tenant=request.tenant, building=building, status=status, year=year,
                                category=category)


@router.get("/measures/{int:pk}", response=EstateMeasureDetailOut)
def get_measure(request, pk: Id):
    require_api_perm(request, "estate.view_estate")
    return _measure(request, pk)


@router.post("/measures", response={201: EstateMeasureDetailOut})
def create_measure(request, payload: EstateMeasureIn):
    """A measure added by hand, proposed."""
    measure = _create_on_building(request, payload, services.measure_create)
    return Answer(201, _measure(request, measure.pk))


@router.patch("/measures/{int:pk}", response=EstateMeasureDetailOut)
def update_measure(request, pk: Id, payload: EstateMeasurePatch):
    _update(request, pk, payload, queries.measure_get, services.measure_update, "measure")
    return _measure(request, pk)


@router.post("/measures/{int:pk}/status", response=EstateMeasureDetailOut)
def set_measure_status(request, pk: Id, payload: EstateMeasureStatusIn):
    """Plan (with `planned_year`), start, complete, reject (with a reason) or reopen."""
    require_api_perm(request, "estate.manage_estate")
    services.measure_set_status(actor=request.user, measure=queries.measure_get(tenant=request.tenant, pk=pk),
                                status=payload.status, reason=payload.reason, planned_year=payload.planned_year)
    return _measure(request, pk)


@router.put("/budgets", response=MaintenanceBudgetOut)
def set_budget(request, payload: MaintenanceBudgetIn):
    """The maintenance budget of one year (NOK); setting it again changes it."""
    require_api_perm(request, "estate.manage_estate")
    return services.budget_set(actor=request.user, tenant=request.tenant, year=payload.year, amount=payload.amount)


@router.get("/plan", response=MaintenancePlanOut)
def maintenance_plan(request, start: Year | None = None, building_id: Id | None = None):
    """The five-year plan from `start` (default this year): planned cost by category and year, the
    budget and what is left of it (portfolio), and the proposals not planned yet."""
    require_api_perm(request, "estate.view_estate")
    building = places_queries.building_get(tenant=request.tenant, pk=building_id) if building_id else None
    return queries.five_year_plan(tenant=request.tenant, building=building, start=start)


@router.get("/backlog", response=MaintenanceBacklogOut)
def maintenance_backlog(request):
    """The maintenance backlog now, per m² of the surveyed buildings, over time and per building."""
    require_api_perm(request, "estate.view_estate")
    summary = queries.backlog_summary(tenant=request.tenant)
    buildings = [{"building_id": b.pk, "name": b.name, "gross_area": b.gross_area, "backlog": b.backlog,
                  "per_m2": b.backlog_per_m2} for b in queries.backlog_by_building(tenant=request.tenant)]
    return {**summary, "over_time": queries.backlog_over_time(tenant=request.tenant), "buildings": buildings}



# --- Energy -----------------------------------------------------------------------------------
Kwh = Annotated[Decimal, Field(ge=0, lt=10**11, decimal_places=1)]
DegreeDayValue = Annotated[Decimal, Field(ge=0, lt=10000, decimal_places=1)]


class EnergyMeterOut(Schema):
    id: int
    building_id: int
    number: str
    carrier: str
    description: str
    active: bool


class EnergyMeterIn(InSchema):
    building_id: Id
    number: Annotated[str, Field(min_length=1, max_length=50)]
    carrier: Meter.Carrier
    description: Annotated[str, Field(max_length=200)] = ""
    active: bool = True


class EnergyMeterPatch(PatchSchema):
    number: Annotated[str, Field(min_length=1, max_length=50)] = Omitted
    carrier: Meter.Carrier = Omitted
    description: Annotated[str, Field(max_length=200)] | None = None
    active: bool = Omitted


class MeterReadingOut(Schema):
    meter_id: int
    month: dt.date
    kwh: Decimal


class MeterReadingIn(InSchema):
    month: dt.date = Field(description="Any day of the month; stored as the month's first day")
    kwh: Kwh


class DegreeDaysOut(Schema):
    month: dt.date
    degree_days: Decimal
    normal: Decimal


class DegreeDaysIn(InSchema):
    month: dt.date
    degree_days: DegreeDayValue
    normal: DegreeDayValue


class EnergyLabelOut(Schema):
    id: int
    building_id: int
    grade: str
    issued_on: dt.date


class EnergyLabelIn(InSchema):
    grade: EnergyLabel.Grade
    issued_on: dt.date


class EnergyTargetOut(Schema):
    base_year: int | None
    reduction_percent: Decimal | None


class EnergyTargetIn(InSchema):
    base_year: Year
    reduction_percent: Annotated[Decimal, Field(ge=0, le=50, decimal_places=1)] = Decimal(3)


class EnergyYearOut(Schema):
    year: int
    months: int
    complete: bool
    kwh: Decimal
    kwh_m2: Decimal | None
    corrected_kwh_m2: Decimal | None
    target_kwh_m2: Decimal | None
    on_target: bool


class BuildingEnergyOut(Schema):
    building_id: int
    gross_area: Decimal | None
    label: EnergyLabelOut | None
    meters: list[EnergyMeterOut]
    years: list[EnergyYearOut]


class EnergyRankOut(Schema):
    rank: int
    building_id: int
    name: str
    gross_area: Decimal | None
    kwh: Decimal
    months: int
    kwh_m2: Decimal | None
    corrected_kwh_m2: Decimal | None
    change_percent: Decimal | None
    target_kwh_m2: Decimal | None
    on_target: bool


class EnergyProgressOut(Schema):
    year: int
    base_year: int | None
    reduction_percent: Decimal | None
    buildings: int
    area: Decimal
    base_kwh_m2: Decimal | None
    kwh_m2: Decimal | None
    target_kwh_m2: Decimal | None
    change_percent: Decimal | None
    on_target: bool


class OperatingCostYearOut(Schema):
    year: int
    management: Decimal
    operation: Decimal
    cleaning: Decimal
    energy: Decimal
    maintenance: Decimal
    total: Decimal
    per_m2: Decimal | None


class OperatingCostBuildingOut(OperatingCostYearOut):
    building_id: int
    name: str
    gross_area: Decimal | None


class OperatingCostsOut(Schema):
    year: int | None
    total: Decimal
    area: Decimal
    per_m2: Decimal | None
    kostra_functions: list[str]
    buildings: list[OperatingCostBuildingOut]


@router.get("/meters", response=list[EnergyMeterOut])
@paginate(Pagination)
def list_energy_meters(request, building_id: Id | None = None):
    """Energy meters, by building."""
    require_api_perm(request, "estate.view_estate")
    building = places_queries.building_get(tenant=request.tenant, pk=building_id) if building_id else None
    return queries.meter_list(tenant=request.tenant, building=building)


@router.post("/meters", response={201: EnergyMeterOut})
def create_energy_meter(request, payload: EnergyMeterIn):
    """Register a meter on a building (its number is unique in the municipality)."""
    return Answer(201, _create_on_building(request, payload, services.meter_create))


@router.get("/meters/{int:pk}", response=EnergyMeterOut)
def get_energy_meter(request, pk: Id):
    require_api_perm(request, "estate.view_estate")
    return queries.meter_get(tenant=request.tenant, pk=pk)


@router.patch("/meters/{int:pk}", response=EnergyMeterOut)
def update_energy_meter(request, pk: Id, payload: EnergyMeterPatch):
    _update(request, pk, payload, queries.meter_get, services.meter_update, "meter")
    return queries.meter_get(tenant=request.tenant, pk=pk)


@router.get("/meters/{int:pk}/readings", response=list[MeterReadingOut])
@paginate(Pagination)
def list_meter_readings(request, pk: Id, year: Year | None = None):
    """A meter's monthly readings, newest first."""
    require_api_perm(request, "estate.view_estate")
    return queries.readings(tenant=request.tenant, meter=queries.meter_get(tenant=request.tenant, pk=pk), year=year)


@router.put("/meters/{int:pk}/readings", response=MeterReadingOut)
def set_meter_reading(request, pk: Id, payload: MeterReadingIn):
    """A month's reading (kWh); a month sent again replaces it."""
    require_api_perm(request, "estate.manage_estate")
    meter = queries.meter_get(tenant=request.tenant, pk=pk)
    return services.reading_set(actor=request.user, meter=meter, month=payload.month, kwh=payload.kwh)


@router.get("/degree-days", response=list[DegreeDaysOut])
@paginate(Pagination)
def list_degree_days(request):
    """The degree-day table, newest month first."""
    require_api_perm(request, "estate.view_estate")
    return queries.degree_days(tenant=request.tenant)


@router.put("/degree-days", response=DegreeDaysOut)
def set_degree_days(request, payload: DegreeDaysIn):
    """A month's degree days and normal; a month sent again replaces it."""
    require_api_perm(request, "estate.manage_estate")
    return services.degree_days_set(actor=request.user, tenant=request.tenant, **payload.dict())


@router.get("/energy/target", response=EnergyTargetOut)
def get_energy_target(request):
    """The energy target (both null while none is set)."""
    require_api_perm(request, "estate.view_estate")
    return queries.target_get(tenant=request.tenant) or {"base_year": None, "reduction_percent": None}


@router.put("/energy/target", response=EnergyTargetOut)
def set_energy_target(request, payload: EnergyTargetIn):
    """The energy target: the reduction per year (per cent, compounded) from the base year."""
    require_api_perm(request, "estate.manage_estate")
    return services.target_set(actor=request.user, tenant=request.tenant, **payload.dict())


@router.post("/buildings/{int:pk}/energy-labels", response={201: EnergyLabelOut})
def add_energy_label(request, pk: Id, payload: EnergyLabelIn):
    """A building's energy label (A–G) with its date; the latest counts."""
    require_api_perm(request, "estate.manage_estate")
    building = places_queries.building_get(tenant=request.tenant, pk=pk)
    return Answer(201, services.label_add(actor=request.user, tenant=request.tenant, building=building,
                                          **payload.dict()))


@router.get("/buildings/{int:pk}/energy", response=BuildingEnergyOut)
def building_energy(request, pk: Id):
    """A building's energy per year: kWh, kWh/m², temperature corrected kWh/m², its target; meters, label."""
    require_api_perm(request, "estate.view_estate")
    building = places_queries.building_get(tenant=request.tenant, pk=pk)
    data = queries.building_energy(tenant=request.tenant, building=building)
    return {"building_id": building.pk, "gross_area": building.gross_area, "label": data["label"],
            "meters": data["meters"], "years": data["rows"]}


def _energy_year(request, year):
    return year or queries.default_energy_year(queries.energy_years(tenant=request.tenant)) or timezone.localdate().year


@router.get("/energy/ranking", response=list[EnergyRankOut])
@paginate(Pagination)
def energy_ranking(request, year: Year | None = None):
    """Buildings by kWh/m² in `year` (default last year), temperature corrected where the degree days
    allow it, highest first, with the change from the year before and the target."""
    require_api_perm(request, "estate.view_estate")
    return [{"rank": b.rank, "building_id": b.pk, "name": b.name, "gross_area": b.gross_area,
             "kwh": b.energy["kwh"], "months": b.energy["months"], "kwh_m2": b.energy["kwh_m2"],
             "corrected_kwh_m2": b.energy["corrected_kwh_m2"], "change_percent": b.energy_change,
             "target_kwh_m2": b.energy_target, "on_target": b.on_target}
            for b in queries.energy_ranking(tenant=request.tenant, year=_energy_year(request, year))]


@router.get("/energy/progress", response=EnergyProgressOut)
def energy_progress(request, year: Year | None = None):
    """The portfolio against the energy target in `year` (default last year)."""
    require_api_perm(request, "estate.view_estate")
    year = _energy_year(request, year)
    p = queries.energy_progress(tenant=request.tenant, year=year)
    if p is None:
        return {"year": year, "base_year": None, "reduction_percent": None, "buildings": 0, "area": 0,
                "base_kwh_m2": None, "kwh_m2": None, "target_kwh_m2": None, "change_percent": None,
                "on_target": False}
    return {"year": year, "base_year": p["target"].base_year, "reduction_percent": p["target"].reduction_percent,
            "buildings": p["buildings"], "area": p["area"], "base_kwh_m2": p["base"], "kwh_m2": p["now"],
            "target_kwh_m2": p["goal"], "change_percent": p["change"], "on_target": p["on_target"]}


@router.get("/operating-costs", response=OperatingCostsOut)
def operating_costs(request, year: Year | None = None):
    """Operating costs (FDV) per building in `year` (default the latest imported): management, operation
    (of which cleaning and energy), maintenance, the total without double counting and NOK/m²."""
    require_api_perm(request, "estate.view_estate")
    years = queries.cost_years(tenant=request.tenant)
    year = year or (years[0] if years else None)
    if year is None:
        return {"year": None, "total": 0, "area": 0, "per_m2": None, "kostra_functions": [], "buildings": []}
    data = queries.operating_costs(tenant=request.tenant, year=year)
    return {"year": year, "total": data["totals"]["total"], "area": data["area"],
            "per_m2": data["totals_per_m2"]["total"], "kostra_functions": data["functions"],
            "buildings": [{"building_id": b.pk, "name": b.name, "gross_area": b.gross_area, "year": year,
                           **b.costs, "per_m2": b.costs_per_m2["total"]} for b in data["rows"]]}


@router.get("/buildings/{int:pk}/operating-costs", response=list[OperatingCostYearOut])
def building_operating_costs(request, pk: Id):
    """A building's operating costs per year, newest first."""
    require_api_perm(request, "estate.view_estate")
    building = places_queries.building_get(tenant=request.tenant, pk=pk)
    return queries.building_costs(tenant=request.tenant, building=building)

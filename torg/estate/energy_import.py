"""Imports of the energy side, the house's steps (plan → preview → confirm; docs/architecture.md →
Imports), each with `plan_import(tenant, upload)`, `apply_import(actor, tenant, upload,
valid_rows_only)`, its columns and a template:

- **readings**: an energy monitoring system's export, one row per meter and month. A meter not yet
  registered is registered on the row's building when the row names its energy carrier. A month
  imported again replaces the reading.
- **degree days**: the weather station's monthly heating degree days and their normal.
- **costs**: the accounting system's operating costs by building, year, KOSTRA function and cost type.
  A building, year, function and type imported again replaces the amount.

Refused with a row error (and nothing written unless the valid rows only are asked for): an unknown
or archived building number, a meter registered on another building, an unknown carrier, KOSTRA
function or cost type, a month or year not begun, a negative or unreadable number, the same meter and
month (or the same cost) twice in the file, and cleaning plus energy above the operation they are part of.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from torg.core import audit
from torg.core.tabular import ImportPlan, RowError, choice_lookup, parse_number, write_xlsx

from . import kostra
from .importer import building_error, buildings_by_number, planned, read_rows
from .models import DegreeDayMonth, Meter, MeterReading, OperatingCost
from .services import first_of_month

BUILDING = ("building_number", gettext_lazy("Building number in the cadastre. Required; the building must be in "
                                            "the register."), ["bygningsnummer", "bygningsnr", "bygningsnr."])


def parse_month(text):
    """2024-01, 2024-01-31, 01.2024 or 31.01.2024 → the first day of the month (None if unreadable)."""
    text = (text or "").strip()[:10]
    for fmt in ("%Y-%m-%d", "%Y-%m", "%d.%m.%Y", "%m.%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date().replace(day=1)
        except ValueError:
            continue
    return None


class _Rows:
    """The row errors of one line, written against the file's own heading."""

    def __init__(self, plan, heading, line):
        self.plan, self.heading, self.line, self.before = plan, heading, line, len(plan.errors)

    def error(self, column, message):
        self.plan.errors.append(RowError(self.line, self.heading.get(column, column), message))

    @property
    def ok(self):
        return len(self.plan.errors) == self.before

    def number(self, cells, column, *, places=1, maximum=10**11 - 1, **bounds):
        """A required number (core's `parse_number`: ≥ 0 up to `maximum`, rounded to `places`), else a row error."""
        text = cells.get(column, "")
        if text == "":
            self.error(column, _("This column is required."))
            return None
        return parse_number(text, self.line, self.heading.get(column, column), self.plan.errors, places=places,
                            maximum=maximum, **bounds)

    def month(self, cells, column, this_month):
        month = parse_month(cells.get(column, ""))
        if month is None:
            self.error(column, _("“%(value)s” is not a month (use 2024-01 or 01.2024).")
                       % {"value": cells.get(column, "")})
        elif month > this_month:
            self.error(column, _("The month has not begun."))
        return month


def _lines(plan, heading, rows, buildings=None):
    """Each line of the file as (its errors, its cells, its building when `buildings` are looked up)."""
    for line, cells in rows:
        r = _Rows(plan, heading, line)
        building = None
        if buildings is not None:
            building, problem = building_error(cells.get("building_number", ""), buildings)
            if problem:
                r.error("building_number", problem)
        yield r, cells, building


def _duplicate(rows, seen, key, line, column):
    if key in seen:
        rows.error(column, _("Line %(line)d has the same already; give each once.") % {"line": seen[key]})
    else:
        seen[key] = line


# --- Readings ---------------------------------------------------------------------------------
READING_COLUMNS = [
    BUILDING,
    ("meter", gettext_lazy("The meter's number in the energy monitoring system. Required."),
     ["målernummer", "måler", "målepunkt", "målepunkt-id", "maalernummer"]),
    ("carrier", gettext_lazy("Energy carrier (electricity, district heating, bio, oil, gas, heat pump…); needed "
                             "for a meter not registered yet."), ["energibærer", "energivare"]),
    ("month", gettext_lazy("The month, 2024-01 or 01.2024. Required."), ["måned", "periode"]),
    ("kwh", gettext_lazy("Energy used in the month, kWh (zero or more). Required."), ["forbruk", "forbruk_kwh"]),
]


@dataclass
class ReadingRow:
    line: int
    building: object
    number: str
    carrier: str
    meter: Meter | None
    month: dt.date
    kwh: Decimal


def plan_readings(*, tenant, upload) -> ImportPlan:
    heading, rows = read_rows(upload, READING_COLUMNS, {"building_number", "meter", "month", "kwh"})
    buildings = buildings_by_number(tenant)
    meters = {m.number: m for m in Meter.objects.filter(tenant=tenant).select_related("building")}
    carriers = choice_lookup(Meter.Carrier) | {"bio": "bio", "fjernvarme": "district_heating",
                                               "varmepumpe": "heat_pump", "el": "electricity", "olje": "oil"}
    this_month = first_of_month(timezone.localdate())
    plan = ImportPlan(total_rows=len(rows))
    seen = {}
    for r, cells, building in _lines(plan, heading, rows, buildings):
        number = cells.get("meter", "").strip()[:50]
        meter = meters.get(number)
        carrier = carriers.get(cells.get("carrier", "").strip().lower(), "") if cells.get("carrier") else ""
        if not number:
            r.error("meter", _("Give the meter number."))
        elif meter and building and meter.building_id != building.pk:
            r.error("meter", _("Meter %(number)s is registered on %(building)s.")
                    % {"number": number, "building": meter.building.name})
        if cells.get("carrier") and not carrier:
            r.error("carrier", _("Unknown energy carrier “%(value)s”.") % {"value": cells["carrier"]})
        elif meter and carrier and meter.carrier != carrier:
            r.error("carrier", _("Meter %(number)s measures %(carrier)s.")
                    % {"number": number, "carrier": meter.get_carrier_display().lower()})
        elif number and not meter and not carrier:
            r.error("carrier", _("Meter %(number)s is not registered; give its energy carrier to register it.")
                    % {"number": number})
        month = r.month(cells, "month", this_month)
        kwh = r.number(cells, "kwh")
        if number and month:
            _duplicate(r, seen, (number, month), r.line, "month")
        if r.ok:
            plan.rows.append(ReadingRow(r.line, building, number, carrier or meter.carrier, meter, month, kwh))
    valid = plan.valid_rows
    existing = _existing_readings(tenant, valid)
    plan.counts = {"rows": plan.total_rows, "valid_rows": len(valid), "error_rows": len(plan.bad_lines),
                   "meters": len({r.number for r in valid}),
                   "new_meters": len({r.number for r in valid if not r.meter}),
                   "readings": len(valid), "replaced": sum(1 for r in valid if (r.number, r.month) in existing),
                   "kwh": sum((r.kwh for r in valid), Decimal(0))}
    return plan


def _existing_readings(tenant, rows):
    months = {r.month for r in rows if r.meter}
    if not months:
        return set()
    return set(MeterReading.objects.filter(tenant=tenant, month__in=months,
                                           meter_id__in={r.meter.pk for r in rows if r.meter})
               .values_list("meter__number", "month"))


def apply_readings(*, actor, tenant, upload, valid_rows_only=False) -> ImportPlan:
    plan = planned(plan_readings, actor=actor, tenant=tenant, upload=upload, valid_rows_only=valid_rows_only)
    rows = plan.valid_rows
    existing_meters = {r.meter.pk for r in rows if r.meter}
    with transaction.atomic():
        new = {}
        for r in rows:
            if r.meter is None and r.number not in new:
                new[r.number] = Meter(tenant=tenant, building=r.building, number=r.number, carrier=r.carrier)
        Meter.objects.bulk_create(list(new.values()))
        audit.record_many(actor=actor, tenant=tenant, objs=list(new.values()),
                          action=lambda o: audit.code(o, "import_create"),
                          changes=lambda m: {"number": [None, m.number], "carrier": [None, m.carrier]})
        by_meter = {}
        for r in rows:
            by_meter.setdefault(r.meter or new[r.number], []).append(r)
        for meter, meter_rows in by_meter.items():
            if meter.pk in existing_meters:
                MeterReading.objects.filter(meter=meter, month__in=[r.month for r in meter_rows]).delete()
        MeterReading.objects.bulk_create([MeterReading(tenant=tenant, meter=meter, month=r.month, kwh=r.kwh)
                                          for meter, meter_rows in by_meter.items() for r in meter_rows],
                                         batch_size=2000)
        audit.record_many(actor=actor, tenant=tenant, objs=list(by_meter), action="meter_readings_import",
                          changes=lambda m: {"months": [None, len(by_meter[m])],
                                             "first": [None, min(r.month for r in by_meter[m]).strftime("%Y-%m")],
                                             "last": [None, max(r.month for r in by_meter[m]).strftime("%Y-%m")]})
    return plan


def readings_template() -> bytes:
    sample = [["300123456", "707057500012345678", "electricity", "2025-01", "48250"],
              ["300123456", "707057500012345678", "electricity", "2025-02", "45110,5"],
              ["300123456", "FV-1001", "fjernvarme", "2025-01", "61200"]]
    return write_xlsx([c for c, _h, _a in READING_COLUMNS], sample, title="Energi")


# --- Degree days ------------------------------------------------------------------------------
DEGREE_DAY_COLUMNS = [
    ("month", gettext_lazy("The month, 2024-01 or 01.2024. Required."), ["måned", "periode"]),
    ("degree_days", gettext_lazy("Heating degree days of the month. Required."), ["graddager", "graddagstall"]),
    ("normal", gettext_lazy("The normal degree days of the month (reference period). Required."),
     ["normal", "normalgraddager", "normalt"]),
]


@dataclass
class DegreeDayRow:
    line: int
    month: dt.date
    degree_days: Decimal
    normal: Decimal


def plan_degree_days(*, tenant, upload) -> ImportPlan:
    heading, rows = read_rows(upload, DEGREE_DAY_COLUMNS, {"month", "degree_days", "normal"})
    this_month = first_of_month(timezone.localdate())
    plan = ImportPlan(total_rows=len(rows))
    seen = {}
    for r, cells, _building in _lines(plan, heading, rows):
        month = r.month(cells, "month", this_month)
        degree_days = r.number(cells, "degree_days", maximum=9999)
        normal = r.number(cells, "normal", maximum=9999)
        if month:
            _duplicate(r, seen, month, r.line, "month")
        if r.ok:
            plan.rows.append(DegreeDayRow(r.line, month, degree_days, normal))
    valid = plan.valid_rows
    existing = set(DegreeDayMonth.objects.filter(tenant=tenant, month__in=[r.month for r in valid])
                   .values_list("month", flat=True))
    plan.counts = {"rows": plan.total_rows, "valid_rows": len(valid), "error_rows": len(plan.bad_lines),
                   "months": len(valid), "replaced": sum(1 for r in valid if r.month in existing)}
    return plan


def apply_degree_days(*, actor, tenant, upload, valid_rows_only=False) -> ImportPlan:
    plan = planned(plan_degree_days, actor=actor, tenant=tenant, upload=upload, valid_rows_only=valid_rows_only)
    rows = plan.valid_rows
    with transaction.atomic():
        DegreeDayMonth.objects.filter(tenant=tenant, month__in=[r.month for r in rows]).delete()
        made = DegreeDayMonth.objects.bulk_create([DegreeDayMonth(tenant=tenant, month=r.month,
                                                                  degree_days=r.degree_days, normal=r.normal)
                                                   for r in rows])
        audit.record_many(actor=actor, tenant=tenant, objs=made, action=lambda o: audit.code(o, "import_create"),
                          changes=lambda d: {"degree_days": [None, str(d.degree_days)],
                                             "normal": [None, str(d.normal)]})
    return plan


def degree_days_template() -> bytes:
    sample = [["2025-01", "598,2", "560"], ["2025-02", "503,0", "510"], ["2025-03", "455,4", "480"]]
    return write_xlsx([c for c, _h, _a in DEGREE_DAY_COLUMNS], sample, title="Graddager")


# --- Operating costs --------------------------------------------------------------------------
KINDS = {"forvaltning": "management", "drift": "operation", "vedlikehold": "maintenance", "renhold": "cleaning",
         "energi": "energy"}
COST_COLUMNS = [
    BUILDING,
    ("year", gettext_lazy("The accounting year. Required."), ["år", "regnskapsår"]),
    ("kostra_function", gettext_lazy("KOSTRA function, e.g. 222 (school buildings). Required."),
     ["funksjon", "kostrafunksjon", "kostra"]),
    ("kind", gettext_lazy("Cost type: management, operation, maintenance, cleaning or energy (forvaltning, drift, "
                          "vedlikehold, renhold, energi). Operation is the whole operation: cleaning and energy are "
                          "part of it. Required."), ["type", "kostnadstype", "art"]),
    ("amount", gettext_lazy("Amount in NOK (zero or more). Required."), ["beløp", "belop", "kostnad"]),
]


@dataclass
class CostRow:
    line: int
    building: object
    year: int
    kostra_function: str
    kind: str
    amount: Decimal


def plan_costs(*, tenant, upload) -> ImportPlan:
    heading, rows = read_rows(upload, COST_COLUMNS, {c for c, _h, _a in COST_COLUMNS})
    buildings = buildings_by_number(tenant)
    kinds = choice_lookup(OperatingCost.Kind) | KINDS
    this_year = timezone.localdate().year
    plan = ImportPlan(total_rows=len(rows))
    seen = {}
    for r, cells, building in _lines(plan, heading, rows, buildings):
        year = r.number(cells, "year", places=None, whole=True, minimum=1900, maximum=this_year)
        function = cells.get("kostra_function", "").strip()
        if not kostra.is_known(function):
            r.error("kostra_function", _("Unknown KOSTRA function “%(code)s”.") % {"code": function})
        kind = kinds.get(cells.get("kind", "").strip().lower())
        if kind is None:
            r.error("kind", _("Unknown cost type “%(value)s”.") % {"value": cells.get("kind", "")})
        amount = r.number(cells, "amount", places=0, maximum=10**13 - 1)
        if r.ok:
            key = (building.pk, int(year), function, kind)
            _duplicate(r, seen, key, r.line, "kind")
        if r.ok:
            plan.rows.append(CostRow(r.line, building, int(year), function, kind, amount))
    _check_operation(plan, heading)
    valid = plan.valid_rows
    plan.counts = {"rows": plan.total_rows, "valid_rows": len(valid), "error_rows": len(plan.bad_lines),
                   "buildings": len({r.building.pk for r in valid}), "years": len({r.year for r in valid}),
                   "amount": sum((r.amount for r in valid if r.kind not in ("cleaning", "energy")), Decimal(0))}
    return plan


def _check_operation(plan, heading):
    """Cleaning and energy are part of operation: where a file gives operation, their sum cannot be more."""
    groups = {}
    for r in plan.valid_rows:
        groups.setdefault((r.building.pk, r.year, r.kostra_function), {})[r.kind] = r
    for kinds in groups.values():
        operation = kinds.get("operation")
        part = sum((kinds[k].amount for k in ("cleaning", "energy") if k in kinds), Decimal(0))
        if operation and part > operation.amount:
            plan.errors.append(RowError(operation.line, heading.get("amount", "amount"),
                                        _("Cleaning and energy (%(part)s) are part of operation and cannot be more "
                                          "than it.") % {"part": part}))


def apply_costs(*, actor, tenant, upload, valid_rows_only=False) -> ImportPlan:
    plan = planned(plan_costs, actor=actor, tenant=tenant, upload=upload, valid_rows_only=valid_rows_only)
    rows = plan.valid_rows
    with transaction.atomic():
        groups = {}
        for r in rows:
            groups.setdefault((r.building.pk, r.year, r.kostra_function), []).append(r.kind)
        for (building_id, year, function), kinds in groups.items():
            OperatingCost.objects.filter(tenant=tenant, building_id=building_id, year=year, kostra_function=function,
                                         kind__in=kinds).delete()
        made = OperatingCost.objects.bulk_create([
            OperatingCost(tenant=tenant, building=r.building, year=r.year, kostra_function=r.kostra_function,
                          kind=r.kind, amount=r.amount) for r in rows], batch_size=2000)
        audit.record_many(actor=actor, tenant=tenant, objs=made, action=lambda o: audit.code(o, "import_create"),
                          changes=lambda c: {"year": [None, c.year], "kind": [None, c.kind],
                                             "amount": [None, str(c.amount)]})
    return plan


def costs_template() -> bytes:
    sample = [["300123456", "2025", "222", "forvaltning", "210000"], ["300123456", "2025", "222", "drift", "1450000"],
              ["300123456", "2025", "222", "renhold", "520000"], ["300123456", "2025", "222", "energi", "610000"],
              ["300123456", "2025", "222", "vedlikehold", "380000"]]
    return write_xlsx([c for c, _h, _a in COST_COLUMNS], sample, title="FDV")

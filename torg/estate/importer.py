"""Import of a consultant's condition survey from XLSX or CSV: one row per building part.

Rows are grouped into surveys by building number, survey date, surveyor and level; each survey is
written as a **draft** (staff check it, correct it on site if need be, and approve it). The steps are
the house's (docs/architecture.md → Imports): `plan_import` validates every row and writes nothing;
the preview shows the counts and every row error; `apply_import` validates again and writes in one
transaction, refusing the whole file when a row is bad unless `valid_rows_only` is set.

Refused with a row error: an unknown building number (or an archived building), an unknown NS 3451
code, a grade outside TG0–TG3 / KG0–KG3, a date in the future or unreadable, a negative cost, a year
outside 1900–2200, a cost or year without a measure, and a survey that is already registered (the same
building, date and surveyor), so importing a file twice does not make two surveys.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from torg.core import audit
from torg.core.tabular import (ImportPlan, ImportRefused, RowError, check_columns, parse_number, read_table,
                               write_xlsx)
from torg.places import queries as places_queries

from . import ns3451
from .models import ConditionSurvey, SurveyPart
from .services import require_manage

COLUMNS = [
    ("building_number", gettext_lazy("Building number in the cadastre. Required; the building must be in the register."),
     ["bygningsnummer", "bygningsnr", "bygningsnr."]),
    ("survey_date", gettext_lazy("Date of the survey, 2026-05-14 or 14.05.2026. Required."),
     ["dato", "registreringsdato", "befaringsdato"]),
    ("surveyor", gettext_lazy("Who surveyed (person or firm). Required."), ["takstmann", "konsulent", "registrert_av"]),
    ("level", gettext_lazy("NS 3424 level 1, 2 or 3 (optional, default 1)."), ["nivå", "registreringsnivå"]),
    ("ns3451", gettext_lazy("Building part as an NS 3451 code, e.g. 23 or 26. Required."),
     ["bygningsdel", "ns_3451", "kode"]),
    ("condition_grade", gettext_lazy("Condition grade TG0–TG3 (“TG2” or 2). Required."), ["tg", "tilstandsgrad"]),
    ("consequence_grade", gettext_lazy("Consequence grade KG0–KG3 (optional, default KG1)."),
     ["kg", "konsekvensgrad"]),
    ("description", gettext_lazy("What was seen (optional)."), ["beskrivelse", "registrering"]),
    ("measure", gettext_lazy("Recommended measure (needed with a cost or year)."), ["tiltak", "anbefalt_tiltak"]),
    ("measure_cost", gettext_lazy("Cost estimate in NOK (optional)."), ["kostnad", "kostnadsoverslag"]),
    ("measure_year", gettext_lazy("The year the measure is needed (optional)."), ["år", "tiltaksår"]),
]
COLUMN_NAMES = [c for c, _h, _a in COLUMNS]
REQUIRED = {"building_number", "survey_date", "surveyor", "ns3451", "condition_grade"}


def column_help(columns=COLUMNS):
    return [(name, help_text, ", ".join(aliases)) for name, help_text, aliases in columns]


@dataclass
class PartRow:
    line: int
    survey_key: tuple  # (building_id, date, surveyor, level)
    building_name: str
    part: dict


def _date(text):
    text = text.strip()
    for fmt, size in (("%Y-%m-%d", 10), ("%d.%m.%Y", None)):
        try:
            return dt.datetime.strptime(text[:size] if size else text, fmt).date()
        except ValueError:
            continue
    return None


def _grade(text, prefix):
    text = text.strip().upper().replace(" ", "")
    if text.startswith(prefix):
        text = text[len(prefix):]
    return int(text) if text in ("0", "1", "2", "3") else None



def read_rows(upload, columns, required):
    """Read a file whose columns are `columns` ((name, help, aliases) triples; Norwegian aliases
    allowed): returns ({name: the file's heading}, [(line, {name: cell})]). Raises TableError for an
    unreadable file, a missing required column, an unknown column or two columns with one meaning."""
    names = [c for c, _h, _a in columns]
    canonical_of = {alias: name for name, _h, aliases in columns for alias in aliases} | {c: c for c in names}
    found, rows = read_table(upload)
    heading = check_columns(found, aliases=canonical_of, names=names, required=required)
    return heading, [(line, {canonical_of.get(k, k): v for k, v in raw.items()}) for line, raw in rows]


def buildings_by_number(tenant):
    return {b.building_number.lower(): b for b in
            places_queries.building_list(tenant=tenant, include_archived=True).exclude(building_number="")}


def building_error(number, buildings):
    """(building, None) for a known active building number, else (None, the row error's message)."""
    building = buildings.get(number.lower()) if number else None
    if not number:
        return None, _("Give the building number.")
    if building is None:
        return None, _("No building with number “%(number)s” in the register.") % {"number": number}
    if building.archived:
        return None, _("%(place)s is archived; restore it first.") % {"place": building}
    return building, None


def plan_import(*, tenant, upload) -> ImportPlan:
    """Read and validate a file; nothing is written. Raises TableError for an unreadable file."""
    heading, rows = read_rows(upload, COLUMNS, REQUIRED)
    buildings = buildings_by_number(tenant)
    existing = set(ConditionSurvey.objects.filter(tenant=tenant).exclude(status=ConditionSurvey.Status.DISCARDED)
                   .values_list("building_id", "surveyed_on", "surveyor"))
    today = timezone.localdate()
    plan = ImportPlan(total_rows=len(rows))
    errors = plan.errors
    for line, cells in rows:
        before = len(errors)

        def error(column, message):
            errors.append(RowError(line, heading.get(column, column), message))

        building, problem = building_error(cells.get("building_number", ""), buildings)
        if problem:
            error("building_number", problem)
        date = _date(cells.get("survey_date", ""))
        if date is None:
            error("survey_date", _("“%(value)s” is not a date (use 2026-05-14 or 14.05.2026).")
                  % {"value": cells.get("survey_date", "")})
        elif date > today:
            error("survey_date", _("A survey cannot be dated in the future."))
        surveyor = cells.get("surveyor", "")[:200]
        if not surveyor:
            error("surveyor", _("Name the surveyor."))
        level = cells.get("level", "") or "1"
        if level not in ConditionSurvey.Level.values:
            error("level", _("The level must be 1, 2 or 3."))
        if building and date and surveyor and (building.pk, date, surveyor) in existing:
            error("survey_date", _("A survey of %(building)s dated %(date)s by %(surveyor)s is already registered.")
                  % {"building": building.name, "date": date.strftime("%d.%m.%Y"), "surveyor": surveyor})
        code = ns3451.normalize(cells.get("ns3451", ""))
        if not ns3451.is_known(code):
            error("ns3451", _("Unknown NS 3451 code “%(code)s”.") % {"code": code})
        tg = _grade(cells.get("condition_grade", ""), "TG")
        if tg is None:
            error("condition_grade", _("The condition grade must be TG0, TG1, TG2 or TG3."))
        kg = _grade(cells.get("consequence_grade", "") or "1", "KG")
        if kg is None:
            error("consequence_grade", _("The consequence grade must be KG0, KG1, KG2 or KG3."))
        measure = cells.get("measure", "")[:500]
        cost = year = None
        if cells.get("measure_cost"):
            cost = parse_number(cells["measure_cost"], line, heading.get("measure_cost"), errors, whole=True,
                                    maximum=10**12 - 1)
        if cells.get("measure_year"):
            year = parse_number(cells["measure_year"], line, heading.get("measure_year"), errors, whole=True,
                                    minimum=1900, maximum=2200)
        if (cells.get("measure_cost") or cells.get("measure_year")) and not measure:
            error("measure", _("Describe the measure the cost and year belong to."))
        if len(errors) == before:
            plan.rows.append(PartRow(line=line, survey_key=(building.pk, date, surveyor, level),
                                     building_name=building.name,
                                     part={"ns_code": code, "condition_grade": tg, "consequence_grade": kg,
                                           "description": cells.get("description", ""), "measure": measure,
                                           "measure_cost": cost, "measure_year": year}))
    valid = plan.valid_rows
    plan.counts = {"rows": plan.total_rows, "valid_rows": len(valid), "error_rows": len(plan.bad_lines),
                   "surveys": len({r.survey_key for r in valid}), "buildings": len({r.survey_key[0] for r in valid}),
                   "parts": len(valid), "tg3": sum(1 for r in valid if r.part["condition_grade"] == 3)}
    return plan


def planned(plan_import, *, actor, tenant, upload, valid_rows_only):
    """Plan again before writing (each estate import): the manager's permission, and the whole file
    refused when a row is bad unless only the valid rows are asked for."""
    require_manage(actor, tenant)
    plan = plan_import(tenant=tenant, upload=upload)
    if plan.errors and not valid_rows_only:
        raise ImportRefused(plan)
    return plan


def apply_import(*, actor, tenant, upload, valid_rows_only=False) -> ImportPlan:
    """Validate again and write every valid row as draft surveys, in one transaction."""
    plan = planned(plan_import, actor=actor, tenant=tenant, upload=upload, valid_rows_only=valid_rows_only)
    with transaction.atomic():
        surveys = {}
        versions = {}
        for row in plan.valid_rows:
            if row.survey_key not in surveys:
                building_id, date, surveyor, level = row.survey_key
                if building_id not in versions:
                    top = (ConditionSurvey.objects.filter(building_id=building_id).order_by("-version")
                           .values_list("version", flat=True).first())
                    versions[building_id] = top or 0
                versions[building_id] += 1
                surveys[row.survey_key] = ConditionSurvey(tenant=tenant, building_id=building_id, surveyed_on=date,
                                                          surveyor=surveyor, level=level,
                                                          version=versions[building_id])
        ConditionSurvey.objects.bulk_create(list(surveys.values()))
        parts = [SurveyPart(tenant=tenant, survey=surveys[r.survey_key], **r.part) for r in plan.valid_rows]
        SurveyPart.objects.bulk_create(parts)
        audit.record_many(actor=actor, tenant=tenant, objs=list(surveys.values()), action=lambda o: audit.code(o, "import_create"),
                          changes=lambda s: {"surveyed_on": [None, s.surveyed_on.isoformat()],
                                             "surveyor": [None, s.surveyor],
                                             "parts": [None, sum(1 for p in parts if p.survey is s)]})
    return plan


def template_xlsx() -> bytes:
    """An example file with every column and three sample rows."""
    sample = [
        ["300123456", "2026-05-14", "Takst AS", "1", "23", "TG2", "KG2", "Råte i kledning mot sør",
         "Skifte kledning sørvegg", "450000", "2028"],
        ["300123456", "2026-05-14", "Takst AS", "1", "26", "TG3", "KG3", "Lekkasje ved taksluk",
         "Nytt tekke og sluk", "1200000", "2027"],
        ["300123456", "2026-05-14", "Takst AS", "1", "43", "TG1", "KG1", "Eldre sikringsskap", "", "", ""],
    ]
    return write_xlsx(COLUMN_NAMES, sample, title="Tilstand")

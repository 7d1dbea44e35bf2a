"""Import of actual costs from the finance system (XLSX or CSV): one row per project and month, or
several (per account) that are added up. The steps are the house's (docs/architecture.md → Imports):
`plan_import` validates every row and writes nothing; the preview shows the counts and every row
error; `apply_import` validates again and writes in one transaction, refusing the whole file when a
row is bad unless `valid_rows_only` is set.

A row names the project by its number in the finance system (`Project.finance_number`) or by its
Torg number (P-000001). A month already imported for a project is replaced by the file's sum, so
importing the same file twice changes nothing. Refused with a row error: an unknown project number,
a month that is not a month (or is to come), an amount that is not a number.
"""

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from torg.core import audit
from torg.core.tabular import (ImportPlan, ImportRefused, RowError, check_columns, parse_number, read_table,
                               write_xlsx)

from .models import Actual, Project

COLUMNS = [
    ("project_number", gettext_lazy("The project's number in the finance system, or its Torg number (P-000001). "
                                    "Required."), ["prosjektnummer", "prosjekt", "prosjektnr", "prosjektnr."]),
    ("period", gettext_lazy("The month: 2026-05, 05.2026 or any date in it (2026-05-31, 31.05.2026). Required."),
     ["periode", "måned", "regnskapsperiode"]),
    ("amount", gettext_lazy("The actual cost in NOK, e.g. 1 234 567,50 (a credit is negative). Required."),
     ["beløp", "belop", "regnskap", "kostnad"]),
    ("text", gettext_lazy("A note (optional; not saved)."), ["tekst", "konto", "kommentar"]),
]
COLUMN_NAMES = [c for c, _h, _a in COLUMNS]
REQUIRED = {"project_number", "period", "amount"}
_CANONICAL = {alias: name for name, _h, aliases in COLUMNS for alias in aliases} | {c: c for c in COLUMN_NAMES}
MAX_AMOUNT = Decimal("99999999999999")


def column_help():
    return [(name, help_text, ", ".join(aliases)) for name, help_text, aliases in COLUMNS]


@dataclass
class ActualRow:
    line: int
    project: Project
    period: dt.date
    amount: Decimal


def _period(text):
    text = text.strip()
    for pattern, order in ((r"(\d{4})-(\d{1,2})(?:-\d{1,2})?(?:[ T].*)?", "ym"), (r"(\d{1,2})\.(\d{4})", "my"),
                           (r"\d{1,2}\.(\d{1,2})\.(\d{4})", "my"), (r"(\d{4})(\d{2})", "ym")):
        match = re.fullmatch(pattern, text)
        if match:
            a, b = (int(g) for g in match.groups())
            year, month = (a, b) if order == "ym" else (b, a)
            if 1 <= month <= 12 and 1900 <= year <= 2200:
                return dt.date(year, month, 1)
    return None


def plan_rows(*, tenant, columns, rows) -> ImportPlan:
    """Validate rows [(line, {column: text})]; nothing is written. Raises TableError for wrong columns."""
    heading = check_columns(columns, aliases=_CANONICAL, names=COLUMN_NAMES, required=REQUIRED)
    projects = {}
    for project in Project.objects.filter(tenant=tenant):
        projects.setdefault(project.number.lower(), project)
        if project.finance_number:
            projects.setdefault(project.finance_number.lower(), project)
    this_month = timezone.localdate().replace(day=1)
    plan = ImportPlan(total_rows=len(rows))
    for line, raw in rows:
        cells = {_CANONICAL.get(k, k): (v or "").strip() for k, v in raw.items()}
        before = len(plan.errors)

        def error(column, message, line=line):
            plan.errors.append(RowError(line, heading.get(column, column), message))

        number = cells.get("project_number", "")
        project = projects.get(number.lower()) if number else None
        if not number:
            error("project_number", _("Give the project number."))
        elif project is None:
            error("project_number", _("No project with number “%(number)s” (in the finance system or in Torg).")
                  % {"number": number})
        period = _period(cells.get("period", ""))
        if period is None:
            error("period", _("“%(value)s” is not a month (use 2026-05 or 05.2026).") % {"value": cells.get("period", "")})
        elif period > this_month:
            error("period", _("The month has not come yet."))
        amount = parse_number(cells.get("amount", "").removesuffix("kr").strip(), line, heading.get("amount", "amount"),
                              plan.errors, minimum=-MAX_AMOUNT, maximum=MAX_AMOUNT, places=2)
        if not cells.get("amount"):
            error("amount", _("Give the amount."))
        if len(plan.errors) == before:
            plan.rows.append(ActualRow(line=line, project=project, period=period, amount=amount))
    totals = _totals(plan.valid_rows)
    existing = set(Actual.objects.filter(tenant=tenant).filter(
        _keys_filter(totals)).values_list("project_id", "period")) if totals else set()
    plan.counts = {"rows": plan.total_rows, "valid_rows": len(plan.valid_rows), "error_rows": len(plan.bad_lines),
                   "projects": len({key[0] for key in totals}), "months": len(totals),
                   "replaced": len(existing & set(totals)), "total": sum(totals.values(), Decimal(0))}
    return plan


def _totals(rows) -> dict:
    """{(project id, month): sum of the rows}."""
    totals = {}
    for row in rows:
        key = (row.project.pk, row.period)
        totals[key] = totals.get(key, Decimal(0)) + row.amount
    return totals


def _keys_filter(totals):
    q = Q(pk__in=[])
    for project_id, period in totals:
        q |= Q(project_id=project_id, period=period)
    return q


def plan_import(*, tenant, upload) -> ImportPlan:
    """Read and validate a file; nothing is written. Raises TableError for an unreadable file."""
    columns, rows = read_table(upload)
    return plan_rows(tenant=tenant, columns=columns, rows=rows)


def apply_plan(*, actor, tenant, plan, valid_rows_only=False) -> ImportPlan:
    """Write a plan's valid rows (each project's month: the sum of its rows, replacing what was there)
    in one transaction; with row errors and without `valid_rows_only`, ImportRefused."""
    if not actor.has_perm("projects.manage_portfolio", tenant):
        raise PermissionDenied
    if plan.errors and not valid_rows_only:
        raise ImportRefused(plan)
    totals = _totals(plan.valid_rows)
    projects = {row.project.pk: row.project for row in plan.valid_rows}
    with transaction.atomic():
        current = {(a.project_id, a.period): a for a in Actual.objects.select_for_update(of=("self",)).select_related("project")
                   .filter(tenant=tenant).filter(_keys_filter(totals))} if totals else {}
        new, changed, before = [], [], {}
        for (project_id, period), amount in totals.items():
            row = current.get((project_id, period))
            if row is None:
                new.append(Actual(tenant=tenant, project=projects[project_id], period=period, amount=amount,
                                  imported_by=actor if actor.is_authenticated else None))
            elif row.amount != amount:
                before[row.pk] = row.amount
                row.amount, row.imported_by = amount, actor if actor.is_authenticated else None
                row.updated_at = timezone.now()  # bulk_update does not touch auto_now
                changed.append(row)
        Actual.objects.bulk_create(new)
        Actual.objects.bulk_update(changed, ["amount", "imported_by", "updated_at"])
        audit.record_many(actor=actor, tenant=tenant, objs=new, action=lambda a: audit.code(a, "import_create"),
                          changes=lambda a: {"period": [None, a.period.strftime("%Y-%m")], "amount": [None, str(a.amount)]})
        audit.record_many(actor=actor, tenant=tenant, objs=changed, action=lambda a: audit.code(a, "import_update"),
                          changes=lambda a: {"amount": [str(before[a.pk]), str(a.amount)]})
    plan.counts["written"] = len(new) + len(changed)
    return plan


def apply_import(*, actor, tenant, upload, valid_rows_only=False) -> ImportPlan:
    """Validate the file again and write it (see `apply_plan`)."""
    if not actor.has_perm("projects.manage_portfolio", tenant):
        raise PermissionDenied
    return apply_plan(actor=actor, tenant=tenant, plan=plan_import(tenant=tenant, upload=upload),
                      valid_rows_only=valid_rows_only)


def template_xlsx() -> bytes:
    sample = [["INV-4711", "2026-09", "1 250 000,00", "Rådgivning"], ["INV-4711", "2026-09", "85 400,50", "Prosjektledelse"],
              ["P-000002", "2026-10", "-12 000", "Kreditnota"]]
    return write_xlsx(COLUMN_NAMES, sample, title="Regnskap")

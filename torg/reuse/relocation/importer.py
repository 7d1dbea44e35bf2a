"""Import of a plan's needs from XLSX or CSV: one row per room and category.

`plan_import` reads and validates the whole file and writes nothing; `apply_import` validates again
and adds every row as a need in one transaction, refusing when any row is bad unless
`valid_rows_only` is set. Rooms are found by number in the plan's target building, categories by
key or name, a specific product by manufacturer and model (and colour) within the category.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from torg.core.tabular import ImportRefused, RowError, TableError, parse_number, read_table, write_xlsx
from torg.reuse.models import Category, Product

from . import queries, services
from .models import MAX_NEED_QUANTITY

MAX_DIMENSION_CM = 10000

COLUMNS = [
    ("room", gettext_lazy("Room number in the target building, e.g. 3.012. Required.")),
    ("category", gettext_lazy("Category key or name, e.g. desk or Skrivebord. Required.")),
    ("quantity", gettext_lazy("Number of pieces needed. Required.")),
    ("min_width_cm", gettext_lazy("Smallest acceptable width in cm (optional).")),
    ("max_width_cm", gettext_lazy("Largest acceptable width in cm (optional).")),
    ("min_depth_cm", gettext_lazy("Smallest acceptable depth in cm (optional).")),
    ("max_depth_cm", gettext_lazy("Largest acceptable depth in cm (optional).")),
    ("colour", gettext_lazy("Colour (optional).")),
    ("max_condition", gettext_lazy("Worst acceptable condition, 0 (as new) to 3 (optional).")),
    ("manufacturer", gettext_lazy("With model: only this product (optional).")),
    ("model", gettext_lazy("Model of the specific product (optional).")),
    ("note", gettext_lazy("Note (optional).")),
]
COLUMN_NAMES = [c for c, _h in COLUMNS]
REQUIRED_COLUMNS = {"room", "category", "quantity"}


@dataclass
class NeedPlan:
    rows: list[dict] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    total_rows: int = 0

    @property
    def counts(self):
        return {"rows": self.total_rows, "valid_rows": len(self.rows),
                "error_rows": len({e.line for e in self.errors}), "pieces": sum(r["quantity"] for r in self.rows),
                "rooms": len({r["room"].pk for r in self.rows})}




def plan_import(*, plan, upload) -> NeedPlan:
    """Validate a file of needs for `plan`; nothing is written. Raises TableError for an unreadable file."""
    columns, rows = read_table(upload)
    missing = REQUIRED_COLUMNS - set(columns)
    if missing:
        raise TableError(_("The file is missing the column(s): %(columns)s. Download the template to see the columns.")
                         % {"columns": ", ".join(sorted(missing))})
    unknown = [c for c in columns if c not in COLUMN_NAMES]
    if unknown:
        raise TableError(_("Unknown column(s): %(columns)s.") % {"columns": ", ".join(unknown)})
    rooms = {r.number.lower(): r for r in queries.plan_rooms(plan=plan)}
    categories = {}
    for c in Category.objects.filter(tenant_id=plan.tenant_id, archived=False):
        categories[c.key.lower()] = c
        categories[c.name.lower()] = c
    products = {}
    for p in Product.objects.filter(tenant_id=plan.tenant_id, archived=False).order_by("pk"):
        products.setdefault((p.category_id, p.manufacturer.lower(), p.model_name.lower()), []).append(p)
    result = NeedPlan(total_rows=len(rows))
    errors = result.errors
    for line, cells in rows:
        before = len(errors)
        room = rooms.get(cells.get("room", "").lower())
        if not cells.get("room"):
            errors.append(RowError(line, "room", _("Give the room number.")))
        elif room is None:
            errors.append(RowError(line, "room", _("No room %(room)s in %(building)s.")
                                   % {"room": cells["room"], "building": plan.building.name}))
        category = categories.get(cells.get("category", "").lower())
        if category is None:
            errors.append(RowError(line, "category", _("Unknown category “%(value)s”.")
                                   % {"value": cells.get("category", "")}))
        quantity = parse_number(cells.get("quantity", ""), line, "quantity", errors, whole=True, minimum=1,
                                maximum=MAX_NEED_QUANTITY)
        if quantity is None and not cells.get("quantity"):
            errors.append(RowError(line, "quantity", _("Give the number of pieces.")))
        dims = {c: parse_number(cells.get(c, ""), line, c, errors, whole=True, maximum=MAX_DIMENSION_CM)
                for c in ("min_width_cm", "max_width_cm", "min_depth_cm", "max_depth_cm")}
        for lo, hi in (("min_width_cm", "max_width_cm"), ("min_depth_cm", "max_depth_cm")):
            if dims[lo] is not None and dims[hi] is not None and dims[lo] > dims[hi]:
                errors.append(RowError(line, hi, _("The maximum is less than the minimum.")))
        max_condition = parse_number(cells.get("max_condition", ""), line, "max_condition", errors, whole=True,
                                     maximum=3)
        product = None
        if cells.get("manufacturer") or cells.get("model"):
            if category is not None:
                found = products.get((category.pk, cells.get("manufacturer", "").lower(),
                                      cells.get("model", "").lower()), [])
                colour = cells.get("colour", "").lower()
                if colour and len(found) > 1:
                    found = [p for p in found if p.colour.lower() == colour] or found
                if not found:
                    errors.append(RowError(line, "model", _("No product “%(name)s” in %(category)s.")
                                           % {"name": " ".join(v for v in (cells.get("manufacturer"),
                                                                            cells.get("model")) if v),
                                              "category": category.name}))
                elif len(found) > 1:
                    errors.append(RowError(line, "model", _("%(n)d products match; give the colour too.")
                                           % {"n": len(found)}))
                else:
                    product = found[0]
        if len(errors) == before:
            result.rows.append({"room": room, "category": category, "quantity": quantity, **dims,
                                "colour": cells.get("colour", "")[:60], "max_condition": max_condition,
                                "product": product, "note": cells.get("note", "")[:200]})
            result.lines.append(line)
    return result


def apply_import(*, actor, plan, upload, valid_rows_only=False) -> NeedPlan:
    checked = plan_import(plan=plan, upload=upload)
    if checked.errors and not valid_rows_only:
        raise ImportRefused(checked)
    services.needs_create_rows(actor=actor, plan=plan, rows=checked.rows, comment=_("Imported"))
    return checked


def template_xlsx(plan) -> bytes:
    rooms = [r.number for r in queries.plan_rooms(plan=plan)[:3]] or ["3.012", "3.013", "3.014"]
    while len(rooms) < 3:
        rooms.append(rooms[-1])
    sample = [
        [rooms[0], "desk", "6", "160", "160", "80", "80", "", "2", "", "", "Arbeidsplasser"],
        [rooms[0], "task_chair", "6", "", "", "", "", "", "", "", "", ""],
        [rooms[1], "meeting_table", "1", "240", "", "", "", "", "", "", "", "Møtebord for 8"],
        [rooms[2], "sofa", "1", "", "", "", "", "Grønn", "1", "", "", ""],
    ]
    return write_xlsx(COLUMN_NAMES, sample, title="Behov")

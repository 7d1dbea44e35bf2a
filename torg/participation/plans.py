"""Services for floor and site plans: staff upload a plan image per process (or activity) and name
its areas; participants pin comments on it, and a survey's place question may ask for a pin.

A pin is stored relative to the image (x, y in 0..1 from the top left corner), so it stays in place
at any size. Every pin has its place in words: the named area it falls in (a participant may also
choose the area from a list instead of pointing — the keyboard and screen-reader alternative —
which puts the pin in the area's centre).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from torg.core import audit, photos
from torg.core.services import create_object

from .models import FloorPlan, Input, PlanArea


def _require_manage(actor, obj):
    if not actor.has_perm("participation.manage_processes", obj):
        raise PermissionDenied


@transaction.atomic
def plan_create(*, actor, process, title, description, upload, activity=None) -> FloorPlan:
    """A plan image for the process (re-encoded like every photo; EXIF and anything else dropped)."""
    _require_manage(actor, process)
    if activity is not None and activity.process_id != process.pk:
        raise ValidationError({"activity": _("Choose an activity of this process.")})
    if not (title or "").strip():
        raise ValidationError({"title": _("Give the plan a title.")})
    if not (description or "").strip():
        raise ValidationError({"description": _("Describe the plan for people who cannot see it.")})
    plan = FloorPlan(tenant=process.tenant, process=process, activity=activity, title=title.strip()[:200],
                     description=description.strip()[:500])
    photos.save_photo(plan, upload)
    audit.record(actor=actor, tenant=process.tenant, obj=plan, action="plan_image_add",
                 changes={"title": [None, plan.title]})
    return plan


@transaction.atomic
def plan_set_open(*, actor, plan, open_for_pins: bool) -> FloorPlan:
    _require_manage(actor, plan.process)
    FloorPlan.objects.filter(pk=plan.pk).update(open_for_pins=open_for_pins)
    audit.record(actor=actor, tenant=plan.tenant, obj=plan, action="plan_image_update",
                 changes={"open_for_pins": [plan.open_for_pins, open_for_pins]})
    plan.open_for_pins = open_for_pins
    return plan


def _check_box(x, y, w, h):
    try:
        x, y, w, h = (float(v) for v in (x, y, w, h))
    except (TypeError, ValueError):
        raise ValidationError(_("Give the area's position and size as numbers.")) from None
    if not (0 <= x <= 1 and 0 <= y <= 1 and 0 < w <= 1 and 0 < h <= 1):
        raise ValidationError(_("The area must lie on the plan (0–100 %)."))
    return x, y, min(w, 1 - x) or w, min(h, 1 - y) or h


@transaction.atomic
def area_add(*, actor, plan, name, x, y, w, h) -> PlanArea:
    """A named area of the plan (a rectangle, relative to the image)."""
    _require_manage(actor, plan.process)
    if not (name or "").strip():
        raise ValidationError({"name": _("Name the area.")})
    x, y, w, h = _check_box(x, y, w, h)
    return create_object(PlanArea(tenant=plan.tenant, plan=plan, name=name.strip()[:200], x=x, y=y, w=w, h=h),
                         actor=actor, tenant=plan.tenant)


@transaction.atomic
def area_delete(*, actor, area) -> None:
    _require_manage(actor, area.plan.process)
    audit.record(actor=actor, tenant=area.tenant, obj=area, action="plan_area_delete",
                 changes=audit.diff(audit.snapshot(area), {}))
    area.delete()


def area_at(plan, x, y, areas=None):
    """The smallest named area of the plan that holds the point, or None."""
    found = [a for a in (areas if areas is not None else plan.areas.all()) if a.contains(x, y)]
    return min(found, key=lambda a: a.w * a.h) if found else None


def place_pin(*, plan, x=None, y=None, area=None):
    """Check a pin — a point, or an area chosen from the list — and return (x, y, area).
    A point outside the image, an area of another plan or neither is refused."""
    if area is not None:
        if area.plan_id != plan.pk:
            raise ValidationError({"area": _("Choose an area of this plan.")})
        if x in (None, "") or y in (None, ""):
            x, y = area.centre
    if x in (None, "") or y in (None, ""):
        raise ValidationError({"area": _("Place the pin on the plan, or choose a place from the list.")})
    try:
        x, y = round(float(x), 4), round(float(y), 4)
    except (TypeError, ValueError):
        raise ValidationError({"area": _("Place the pin on the plan, or choose a place from the list.")}) from None
    if not (0 <= x <= 1 and 0 <= y <= 1):
        raise ValidationError({"area": _("The pin must be on the plan.")})
    if area is None:
        area = area_at(plan, x, y)
    return x, y, area


def area_dicts(areas):
    """The areas as plain values, for the page's script that finds the area under a pointed pin."""
    return [{"id": a.pk, "name": a.name, "x": a.x, "y": a.y, "w": a.w, "h": a.h} for a in areas]


def pin_words(pin_x, pin_y, area) -> str:
    """A pin's place in words, for the list and for screen readers: the area, and where in the plan."""
    col = _("left") if pin_x < 1 / 3 else _("middle") if pin_x < 2 / 3 else _("right")
    row = _("top") if pin_y < 1 / 3 else _("centre") if pin_y < 2 / 3 else _("bottom")
    where = _("%(row)s %(col)s of the plan") % {"row": row, "col": col}
    return f"{area.name} ({where})" if area is not None else where[:1].upper() + where[1:]

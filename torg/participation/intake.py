"""Services for input that reaches the municipality outside the web forms: what was said at meetings
and workshops, written down by staff (a bulk entry form or a file, see `importer.py`), and the
photos of flipcharts and post-it walls from those activities.

Staff-recorded input joins the digital input in the same table (`Input`, kind "note", channel
"meeting" or "paper"), tagged with the activity and target group, so the analysis counts both
together. Every row is checked first; a single bad row writes nothing.
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from torg.core import audit, photos
from torg.core.tabular import choice_lookup

from . import privacy
from .models import Activity, ActivityPhoto, Input, Process, TargetGroup

MAX_ROWS = 5000
COLUMN_LABELS = {"text": gettext_lazy("text"), "title": gettext_lazy("title"),
                 "target_group": gettext_lazy("target group"), "age_band": gettext_lazy("age band"),
                 "postal_code": gettext_lazy("postal code")}
TITLE_LENGTH = 80


def _require_manage(actor, obj):
    if not actor.has_perm("participation.manage_processes", obj):
        raise PermissionDenied


def recordable(process) -> bool:
    """Staff may record meeting input for a process that is not archived (a workshop may be held
    before the process is published, and notes may be typed in after it has closed)."""
    return process.status != Process.Status.ARCHIVED


@dataclass
class MeetingRow:
    """One statement as staff wrote it down, before it is checked."""

    line: int
    text: str
    title: str = ""
    target_group: str = ""  # a target group of the process: its id, kind code or name (either language)
    age_band: str = ""
    postal_code: str = ""


@dataclass
class CheckedRows:
    inputs: list = field(default_factory=list)  # unsaved Input rows, in order
    errors: list = field(default_factory=list)  # (line, column, message)


def _group_lookup(process) -> dict:
    """Every way a row may name a target group of the process → the group."""
    kinds = choice_lookup(TargetGroup.Kind)
    for text, code in list(kinds.items()):  # "Naboer" for "Naboer og nærmiljø", "Users" for "Users and relatives"
        kinds.setdefault(text.split()[0], code)
    lookup = {}
    for group in TargetGroup.objects.filter(process=process):
        lookup[str(group.pk)] = group
        if group.name:
            lookup[group.name.strip().lower()] = group
        for text, code in kinds.items():
            if code == group.kind and (text not in lookup or not group.name):
                lookup[text] = group
    return lookup


def check_rows(*, process, activity, rows, channel=Input.Channel.MEETING) -> CheckedRows:
    """Check every row (nothing is written): the text is required and masked for personal data, the
    target group must be on the process's stakeholder map, the age band one of the bands, the
    postal code four digits. Returns the unsaved inputs and every problem as (line, column, message)."""
    if activity is not None and activity.process_id != process.pk:
        raise ValidationError({"activity": _("Choose an activity of this process.")})
    if channel not in (Input.Channel.MEETING, Input.Channel.PAPER):
        raise ValidationError({"channel": _("Choose how the input was given.")})
    groups = _group_lookup(process)
    bands = choice_lookup(Input.AgeBand)
    checked = CheckedRows()
    if len(rows) > MAX_ROWS:
        checked.errors.append((0, "", _("At most %(max)d rows at a time.") % {"max": MAX_ROWS}))
        return checked
    default_group = None
    if activity is not None:
        targets = list(activity.target_groups.all())
        default_group = targets[0] if len(targets) == 1 else None
    for row in rows:
        problems = []
        text, found = privacy.mask((row.text or "").strip())
        title, found_title = privacy.mask((row.title or "").strip())
        if not text:
            problems.append(("text", _("The text is missing.")))
        elif len(text) > 5000:
            problems.append(("text", _("At most %(max)d characters.") % {"max": 5000}))
        if len(title) > 200:
            problems.append(("title", _("At most %(max)d characters.") % {"max": 200}))
        group = default_group
        if (row.target_group or "").strip():
            group = groups.get(row.target_group.strip().lower())
            if group is None:
                problems.append(("target_group", _("“%(value)s” is not a target group of this process.")
                                 % {"value": row.target_group.strip()}))
        band = ""
        if (row.age_band or "").strip():
            band = bands.get(row.age_band.strip().lower().replace("-", "–"), bands.get(row.age_band.strip().lower()))
            if band is None:
                problems.append(("age_band", _("“%(value)s” is not an age band (e.g. 13-19 or 67+).")
                                 % {"value": row.age_band.strip()}))
                band = ""
        postal = (row.postal_code or "").strip()
        if postal and not (len(postal) == 4 and postal.isdigit()):
            problems.append(("postal_code", _("A postal code has four digits.")))
        if problems:
            checked.errors.extend((row.line, column, message) for column, message in problems)
            continue
        masked = sorted(set(found) | set(found_title))
        checked.inputs.append(Input(
            tenant=process.tenant, process=process, kind=Input.Kind.NOTE, channel=channel, activity=activity,
            title=title or _short(text), body=text, masked=masked, needs_review=bool(masked),
            status=Input.Status.PUBLISHED, participant=f"m:{activity.pk if activity else 0}",
            target_group=group, age_band=band, postal_code=postal))
    return checked


def _short(text):
    first = text.splitlines()[0]
    return first if len(first) <= TITLE_LENGTH else first[:TITLE_LENGTH - 1].rstrip() + "…"


def _row_errors(errors):
    return ValidationError([_("Line %(line)d, %(column)s: %(message)s")
                            % {"line": line, "column": COLUMN_LABELS.get(column, column), "message": message}
                            if line else message for line, column, message in errors])


@transaction.atomic
def meeting_inputs_record(*, actor, process, activity, rows, channel=Input.Channel.MEETING) -> list:
    """Record what was said at a meeting or workshop: every row checked first, then all written in
    one transaction — or nothing, with every problem named, when one row is bad."""
    _require_manage(actor, process)
    if not recordable(process):
        raise ValidationError(_("The process is archived."))
    checked = check_rows(process=process, activity=activity, rows=rows, channel=channel)
    if checked.errors:
        raise _row_errors(checked.errors)
    if not checked.inputs:
        raise ValidationError(_("Write at least one statement."))
    created = Input.objects.bulk_create(checked.inputs)
    audit.record_many(actor=actor, tenant=process.tenant, objs=created, action="input_record",
                      changes=lambda o: {"kind": [None, o.kind], "channel": [None, o.channel],
                                         "activity": [None, o.activity_id], "masked": [None, o.masked]})
    return created


# --- Photos from meetings -------------------------------------------------------------------------
@transaction.atomic
def activity_photo_add(*, actor, activity: Activity, upload, alt: str) -> ActivityPhoto:
    """A photo of a flipchart or post-it wall from the activity; re-encoded (EXIF dropped)."""
    _require_manage(actor, activity)
    alt = (alt or "").strip()
    if not alt:
        raise ValidationError({"alt": _("Describe the photo for people who cannot see it.")})
    photo = photos.save_photo(ActivityPhoto(tenant=activity.tenant, activity=activity, alt=alt[:200]), upload)
    audit.record(actor=actor, tenant=activity.tenant, obj=activity, action="activity_photo_add", comment=photo.alt)
    return photo


@transaction.atomic
def activity_photo_delete(*, actor, photo: ActivityPhoto) -> None:
    _require_manage(actor, photo.activity)
    audit.record(actor=actor, tenant=photo.tenant, obj=photo.activity, action="activity_photo_remove",
                 comment=photo.alt)
    name = photo.image.name
    photo.delete()
    photos.release(name)

"""Every write to participation: processes, their phases, stakeholder map and participation plan.

Each service checks the actor's permission itself (the UI and the API call the same ones), validates,
writes in one transaction and records the change in the audit log. Status changes go only through
the state machines in `states.py`.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from torg.core import audit
from torg.core.services import create_object, require_same_tenant, update_object

from .models import Activity, Phase, Process, TargetGroup
from .states import ACTIVITY_MACHINE, PROCESS_MACHINE

PROCESS_FIELDS = ["title", "purpose", "open_for_influence", "already_decided", "responsible_unit", "contact_name",
                  "contact_email"]
PLACE_FIELDS = ["properties", "buildings", "rooms"]
PHASE_FIELDS = ["kind", "name", "starts_on", "ends_on", "description"]
TARGET_GROUP_FIELDS = ["kind", "name", "how_reached", "expected_reach"]
ACTIVITY_FIELDS = ["kind", "title", "starts_at", "ends_at", "room", "location_text", "description"]


def _require_manage(actor, obj):
    if not actor.has_perm("participation.manage_processes", obj):
        raise PermissionDenied


def _unknown(fields, allowed):
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")


def _set_places(process, places):
    for name in PLACE_FIELDS:
        if name in places:
            values = list(places[name] or [])
            require_same_tenant(process.tenant, *values, field=name)
            getattr(process, name).set(values)


def _place_ids(process):
    return {name: sorted(getattr(process, name).values_list("pk", flat=True)) for name in PLACE_FIELDS}


# --- Processes --------------------------------------------------------------------------------
@transaction.atomic
def process_create(*, actor, tenant, title, purpose, **fields) -> Process:
    """A new process, in draft: invisible outside the municipality's staff until published."""
    _require_manage(actor, tenant)
    _unknown(fields, PROCESS_FIELDS + PLACE_FIELDS)
    places = {k: fields.pop(k) for k in PLACE_FIELDS if k in fields}
    require_same_tenant(tenant, fields.get("responsible_unit"), field="responsible_unit")
    process = create_object(Process(tenant=tenant, title=title, purpose=purpose, created_by=actor
                                    if getattr(actor, "is_authenticated", False) else None, **fields),
                            actor=actor, tenant=tenant)
    if places:
        _set_places(process, places)
        audit.record(actor=actor, tenant=tenant, obj=process, action="update",
                     changes={k: [[], v] for k, v in _place_ids(process).items() if v})
    return process


@transaction.atomic
def process_update(*, actor, process, **fields) -> Process:
    _require_manage(actor, process)
    _unknown(fields, PROCESS_FIELDS + PLACE_FIELDS)
    places = {k: fields.pop(k) for k in PLACE_FIELDS if k in fields}
    if "responsible_unit" in fields:
        _same_tenant(process.tenant, [fields["responsible_unit"]], "responsible_unit")
    process = Process.objects.select_for_update().get(pk=process.pk)
    before = _place_ids(process)
    update_object(process, actor=actor, tenant=process.tenant, fields=fields)
    if places:
        _set_places(process, places)
        after = _place_ids(process)
        changes = {k: [before[k], after[k]] for k in PLACE_FIELDS if before[k] != after[k]}
        if changes:
            audit.record(actor=actor, tenant=process.tenant, obj=process, action="update", changes=changes)
    return process


@transaction.atomic
def process_set_status(*, actor, process, status, reason="") -> Process:
    """Publish, open, close, give feedback, archive… — only the changes `PROCESS_MACHINE` declares."""
    process = Process.objects.select_for_update().get(pk=process.pk)
    PROCESS_MACHINE.apply(process, status, actor=actor, reason=reason)
    return process


# --- Phases -----------------------------------------------------------------------------------
def _check_phase(phase):
    if phase.starts_on and phase.ends_on and phase.ends_on < phase.starts_on:
        raise ValidationError({"ends_on": _("A phase cannot end before it starts.")})


@transaction.atomic
def phase_create(*, actor, process, **fields) -> Phase:
    _require_manage(actor, process)
    _unknown(fields, PHASE_FIELDS)
    phase = Phase(tenant=process.tenant, process=process, **fields)
    _check_phase(phase)
    return create_object(phase, actor=actor, tenant=process.tenant)


@transaction.atomic
def phase_update(*, actor, phase, **fields) -> Phase:
    _require_manage(actor, phase)
    _unknown(fields, PHASE_FIELDS)
    _check_phase(Phase(**{**{k: getattr(phase, k) for k in PHASE_FIELDS}, **fields}))
    return update_object(phase, actor=actor, tenant=phase.tenant, fields=fields)


def _delete(actor, obj, action):
    _require_manage(actor, obj)
    audit.record(actor=actor, tenant=obj.tenant, obj=obj, action=action, changes=audit.diff(audit.snapshot(obj), {}))
    obj.delete()


@transaction.atomic
def phase_delete(*, actor, phase) -> None:
    _delete(actor, phase, "phase_delete")


# --- Stakeholder map --------------------------------------------------------------------------
def _check_target_group(group):
    if group.kind == TargetGroup.Kind.OTHER and not (group.name or "").strip():
        raise ValidationError({"name": _("Name the target group.")})
    clash = TargetGroup.objects.filter(process_id=group.process_id, kind=group.kind, name=group.name)
    if group.pk:
        clash = clash.exclude(pk=group.pk)
    if clash.exists():
        raise ValidationError({"kind": _("This target group is already on the stakeholder map.")})


@transaction.atomic
def target_group_create(*, actor, process, **fields) -> TargetGroup:
    _require_manage(actor, process)
    _unknown(fields, TARGET_GROUP_FIELDS)
    group = TargetGroup(tenant=process.tenant, process=process, **fields)
    _check_target_group(group)
    return create_object(group, actor=actor, tenant=process.tenant)


@transaction.atomic
def target_group_update(*, actor, group, **fields) -> TargetGroup:
    _require_manage(actor, group)
    _unknown(fields, TARGET_GROUP_FIELDS)
    probe = TargetGroup(pk=group.pk, process_id=group.process_id, **{**{k: getattr(group, k) for k in
                                                                        TARGET_GROUP_FIELDS}, **fields})
    _check_target_group(probe)
    return update_object(group, actor=actor, tenant=group.tenant, fields=fields)


@transaction.atomic
def target_group_delete(*, actor, group) -> None:
    _delete(actor, group, "target_group_delete")


# --- Participation plan -----------------------------------------------------------------------
def _check_activity(process, fields, target_groups):
    room = fields.get("room")
    require_same_tenant(process.tenant, room, field="room")
    for group in target_groups or []:
        if group.process_id != process.pk:
            raise ValidationError({"target_groups": _("Choose target groups from this process's stakeholder map.")})
    if fields.get("ends_at") and fields.get("starts_at") and fields["ends_at"] <= fields["starts_at"]:
        raise ValidationError({"ends_at": _("The activity must end after it starts.")})


@transaction.atomic
def activity_create(*, actor, process, target_groups=(), **fields) -> Activity:
    _require_manage(actor, process)
    _unknown(fields, ACTIVITY_FIELDS)
    _check_activity(process, fields, target_groups)
    activity = create_object(Activity(tenant=process.tenant, process=process, **fields), actor=actor,
                             tenant=process.tenant)
    if target_groups:
        activity.target_groups.set(target_groups)
    return activity


@transaction.atomic
def activity_update(*, actor, activity, target_groups=None, **fields) -> Activity:
    _require_manage(actor, activity)
    _unknown(fields, ACTIVITY_FIELDS)
    merged = {k: getattr(activity, k) for k in ACTIVITY_FIELDS} | fields
    _check_activity(activity.process, merged, target_groups)
    activity = update_object(activity, actor=actor, tenant=activity.tenant, fields=fields)
    if target_groups is not None:
        before = sorted(activity.target_groups.values_list("pk", flat=True))
        activity.target_groups.set(target_groups)
        after = sorted(g.pk for g in target_groups)
        if before != after:
            audit.record(actor=actor, tenant=activity.tenant, obj=activity, action="update",
                         changes={"target_groups": [before, after]})
    return activity


@transaction.atomic
def activity_set_status(*, actor, activity, status, reason="") -> Activity:
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    ACTIVITY_MACHINE.apply(activity, status, actor=actor, reason=reason)
    return activity

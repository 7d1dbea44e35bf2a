"""Bookable resources, their description and their booking rules (own or the building's), and photos."""

import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from torg.core import audit, photos
from torg.core.ids import new_public_code
from torg.core.services import create_object, require_same_tenant, set_archived, update_object

from .. import queries
from ..models import DETAIL_FIELDS, POLICY_FIELDS, BookingRules, BookingSlot, Resource, ResourcePhoto, default_policy


# --- Resources, their rules and opening calendars -------------------------------------------
@transaction.atomic
def resource_create(*, actor, tenant, name, building, room=None, parent=None, kind=Resource.Kind.ROOM,
                    **rules) -> Resource:
    """Create a bookable resource. Description fields (DETAIL_FIELDS: capacity, equipment, …) are the
    resource's; policy fields (POLICY_FIELDS), when any are given, become its own rules — starting
    from the building's rules for the fields not given. Without them it follows the building's rules."""
    require_same_tenant(tenant, building, field="building")
    require_same_tenant(tenant, room, field="room")
    require_same_tenant(tenant, parent, field="parent")
    if room is not None and room.building_id != building.pk:
        raise ValidationError({"room": _("The room must be in the resource's building.")})
    if parent is not None and parent.building_id != building.pk:
        raise ValidationError({"parent": _("A part must be in the same building as the whole.")})
    if parent is not None and BookingSlot.objects.filter(unit=parent).exists():
        raise ValidationError({"parent": _("The whole already has bookings; it cannot be divided now.")})
    details, policy = _split_rule_fields(rules)
    if room is not None and "capacity" not in details:
        details["capacity"] = room.capacity
    resource = create_object(
        Resource(tenant=tenant, name=name, building=building, room=room, parent=parent, kind=kind,
                 ical_token=secrets.token_urlsafe(24), public_code=new_public_code(), **details),
        actor=actor, tenant=tenant)
    if policy:
        _own_rules_create(actor, resource, policy)
    return resource


def _split_rule_fields(fields, details=DETAIL_FIELDS):
    """(description fields, policy fields) of `fields`; a TypeError names any other field."""
    unknown = set(fields) - set(details) - set(POLICY_FIELDS)
    if unknown:
        raise TypeError(f"unknown rule fields: {sorted(unknown)}")
    return ({f: fields[f] for f in details if f in fields}, {f: fields[f] for f in POLICY_FIELDS if f in fields})


def _own_rules_create(actor, resource, policy):
    start = queries.building_rules(tenant=resource.tenant, building=resource.building_id)
    values = {**(start.policy() if start else default_policy()), **policy}
    rules = create_object(BookingRules(tenant=resource.tenant, resource=resource, **values), actor=actor,
                          tenant=resource.tenant)
    resource.own_rules = rules
    resource.forget_rules()
    return rules


@transaction.atomic
def rules_update(*, actor, resource: Resource, inherit=False, **fields):
    """Change a resource's description and its booking rules.

    With `inherit`, the resource follows its building's rules: its own rules are removed and any
    policy fields given are ignored. Otherwise the policy fields given are saved as the resource's own
    rules (created from the building's rules the first time). Returns the effective rules."""
    details, policy = _split_rule_fields(fields)
    tenant = resource.tenant
    if details:
        update_object(resource, actor=actor, tenant=tenant, fields=details)
    own = BookingRules.objects.filter(resource=resource).first()
    if inherit:
        if own is not None:
            audit.record(actor=actor, tenant=tenant, obj=resource, action="resource_rules_inherit",
                         changes={f: [v, None] for f, v in own.policy().items()})
            own.delete()
        resource.own_rules = None  # forget the own rules read before
    elif own is None:
        _own_rules_create(actor, resource, policy)
    else:
        if policy:
            update_object(own, actor=actor, tenant=tenant, fields=policy)
        resource.own_rules = own
    resource.forget_rules()
    return resource.rules


@transaction.atomic
def building_rules_update(*, actor, tenant, building, **policy) -> BookingRules:
    """Set the booking rules of a building. Every resource of it without its own rules follows them,
    including resources added later."""
    require_same_tenant(tenant, building, field="building")
    _split_rule_fields(policy, details=())
    rules = queries.building_rules(tenant=tenant, building=building)
    if rules is None:
        return create_object(BookingRules(tenant=tenant, building=building, **{**default_policy(), **policy}),
                             actor=actor, tenant=tenant)
    return update_object(rules, actor=actor, tenant=tenant, fields=policy)


@transaction.atomic
def resource_set_archived(*, actor, resource: Resource, archived: bool) -> Resource:
    return set_archived(resource, actor=actor, tenant=resource.tenant, archived=archived)


@transaction.atomic
def resource_photo_add(*, actor, resource: Resource, upload, alt: str) -> ResourcePhoto:
    """Attach a photo; the upload is decoded and re-encoded (EXIF and anything else dropped)."""
    if not alt.strip():
        raise ValidationError({"alt": _("Describe the photo for people who cannot see it.")})
    photo = photos.save_photo(ResourcePhoto(tenant=resource.tenant, resource=resource, alt=alt.strip()[:200]), upload)
    audit.record(actor=actor, tenant=resource.tenant, obj=resource, action="resource_photo_add", comment=photo.alt)
    return photo


@transaction.atomic
def resource_photo_delete(*, actor, photo: ResourcePhoto) -> None:
    audit.record(actor=actor, tenant=photo.tenant, obj=photo.resource, action="resource_photo_remove", comment=photo.alt)
    name = photo.image.name
    photo.delete()
    photos.release(name)

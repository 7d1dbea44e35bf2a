"""Every write to the places register."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from torg.core.services import create_object, require_same_tenant, set_archived, update_object

from .models import Building, Floor, Property, Room


def _not_archived(obj, field):
    # A row under an archived parent would drop out of the register's pages.
    if obj is not None and obj.archived:
        raise ValidationError({field: _("%(place)s is archived; restore it first.") % {"place": obj}})


# --- Property -------------------------------------------------------------------------------
def _cadastre_defaults(fields):
    # fnr/snr are optional (blank) but stored as 0 = "none": an empty form field or a JSON null
    # arrives as None, which full_clean lets through for blank fields and the database refuses.
    for key in ("fnr", "snr"):
        if key in fields and fields[key] is None:
            fields[key] = 0
    return fields


@transaction.atomic
def property_create(*, actor, tenant, **fields) -> Property:
    return create_object(Property(tenant=tenant, **_cadastre_defaults(fields)), actor=actor, tenant=tenant)


@transaction.atomic
def property_update(*, actor, prop: Property, **fields) -> Property:
    return update_object(prop, actor=actor, tenant=prop.tenant, fields=_cadastre_defaults(fields))


@transaction.atomic
def property_set_archived(*, actor, prop: Property, archived: bool) -> Property:
    if archived and prop.buildings.filter(archived=False).exists():
        raise ValidationError(_("Archive the property's buildings first."))
    return set_archived(prop, actor=actor, tenant=prop.tenant, archived=archived)


# --- Building -------------------------------------------------------------------------------
@transaction.atomic
def building_create(*, actor, tenant, property, **fields) -> Building:
    require_same_tenant(tenant, property, field="property")
    _not_archived(property, "property")
    return create_object(Building(tenant=tenant, property=property, **fields), actor=actor, tenant=tenant)


@transaction.atomic
def building_update(*, actor, building: Building, **fields) -> Building:
    new_property = fields.get("property")
    require_same_tenant(building.tenant, new_property, field="property")
    if new_property is not None and new_property.pk != building.property_id:
        _not_archived(new_property, "property")
    return update_object(building, actor=actor, tenant=building.tenant, fields=fields)


@transaction.atomic
def building_set_archived(*, actor, building: Building, archived: bool) -> Building:
    if not archived:
        _not_archived(building.property, "property")
    return set_archived(building, actor=actor, tenant=building.tenant, archived=archived)


# --- Floor ----------------------------------------------------------------------------------
@transaction.atomic
def floor_create(*, actor, tenant, building, **fields) -> Floor:
    require_same_tenant(tenant, building, field="building")
    return create_object(Floor(tenant=tenant, building=building, **fields), actor=actor, tenant=tenant)


@transaction.atomic
def floor_update(*, actor, floor: Floor, **fields) -> Floor:
    fields.pop("building", None)  # a floor never changes building
    return update_object(floor, actor=actor, tenant=floor.tenant, fields=fields)


@transaction.atomic
def floor_set_archived(*, actor, floor: Floor, archived: bool) -> Floor:
    if archived and floor.rooms.filter(archived=False).exists():
        raise ValidationError(_("Archive or move the rooms on this floor first."))
    return set_archived(floor, actor=actor, tenant=floor.tenant, archived=archived)


# --- Room -----------------------------------------------------------------------------------
@transaction.atomic
def room_create(*, actor, tenant, floor, **fields) -> Room:
    require_same_tenant(tenant, floor, field="floor")
    _not_archived(floor, "floor")
    room = Room(tenant=tenant, floor=floor, building_id=floor.building_id, **fields)
    return create_object(room, actor=actor, tenant=tenant)


@transaction.atomic
def room_update(*, actor, room: Room, **fields) -> Room:
    floor = fields.get("floor")
    if floor is not None:
        require_same_tenant(room.tenant, floor, field="floor")
        if floor.pk != room.floor_id:
            _not_archived(floor, "floor")
        fields["building_id"] = floor.building_id
    return update_object(room, actor=actor, tenant=room.tenant, fields=fields)


@transaction.atomic
def room_set_archived(*, actor, room: Room, archived: bool) -> Room:
    if not archived:
        _not_archived(room.floor, "floor")
    return set_archived(room, actor=actor, tenant=room.tenant, archived=archived)

"""Generic write helpers that domain services build on: validate, save, audit — in the caller's
transaction. Domain rules stay in each app's services; these only remove the repetition."""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext as _

from . import audit


def require_same_tenant(tenant, *objs, field=NON_FIELD_ERRORS, message=None):
    """Refuse a reference to another tenant's row: a ValidationError on `field` unless every one of
    `objs` (None is skipped) belongs to `tenant`. Forms limit their choices to the tenant's rows;
    this is the check behind them, so a forged POST cannot link across municipalities."""
    for obj in objs:
        if obj is not None and obj.tenant_id != tenant.pk:
            raise ValidationError({field: message or _("The selected object belongs to another municipality.")})


def create_object(obj, *, actor, tenant, comment=""):
    """full_clean, save and record a `<entity>_create` audit event with every field's value."""
    obj.full_clean()
    obj.save()
    audit.record(actor=actor, tenant=tenant, obj=obj, action=audit.code(obj, "create"), changes=audit.diff({}, audit.snapshot(obj)), comment=comment)
    return obj


def update_object(obj, *, actor, tenant, fields: dict, action=None, comment=""):
    """Apply `fields`, full_clean, save and record the changed fields as {field: [old, new]} under
    `action` (default `<entity>_update`, recorded only when something changed; any other action is
    recorded even without a change)."""
    before = audit.snapshot(obj)
    for key, value in fields.items():
        setattr(obj, key, value)
    obj.full_clean()
    obj.save()
    changes = audit.diff(before, audit.snapshot(obj))
    if changes or action is not None:
        audit.record(actor=actor, tenant=tenant, obj=obj, action=action or audit.code(obj, "update"),
                     changes=changes, comment=comment)
    return obj


def set_archived(obj, *, actor, tenant, archived: bool, comment=""):
    return update_object(
        obj, actor=actor, tenant=tenant, fields={"archived": archived},
        action=audit.code(obj, "archive" if archived else "restore"), comment=comment,
    )

"""A removed resource photo is `resource_photo_remove`, the same verb as every other photo
(`item_photo_remove`, `product_photo_remove`), no longer `resource_photo_delete`."""

from django.db import migrations


def _rename(apps, old, new):
    AuditEvent = apps.get_model("core", "AuditEvent")
    AuditEvent.objects.filter(object_type="booking.resource", action=old).update(action=new)


def forward(apps, schema_editor):
    _rename(apps, "resource_photo_delete", "resource_photo_remove")


def backward(apps, schema_editor):
    _rename(apps, "resource_photo_remove", "resource_photo_delete")


class Migration(migrations.Migration):

    dependencies = [("booking", "0009_action_codes")]

    operations = [migrations.RunPython(forward, backward)]

"""Booking rules per building or per resource.

Before: every resource had one BookingRules row (policy and description together). After: the
description (capacity, step-free access, equipment, description, accessibility) is on the resource,
and BookingRules holds the booking policy of a building (inherited by its resources) or of one
resource (its own rules). Every existing row stays as that resource's own rules, so every
resource keeps exactly the rules it had. Reversing copies inherited rules back into one row per
resource and removes building rules.
"""

import django.db.models.deletion
from django.db import migrations, models


DETAILS = ["capacity", "step_free", "description", "equipment", "accessibility_info"]
POLICY = ["allow_citizens", "allow_associations", "allow_units", "allow_employees", "requires_approval", "window_days",
          "min_minutes", "max_minutes", "step_minutes", "buffer_before", "buffer_after", "cancel_deadline_hours",
          "checkin_minutes", "age_limit"]


def forward(apps, schema_editor):
    Resource = apps.get_model("booking", "Resource")
    BookingRules = apps.get_model("booking", "BookingRules")
    resources = []
    for rules in BookingRules.objects.select_related("resource").filter(resource__isnull=False).iterator():
        r = rules.resource
        for name in DETAILS:
            setattr(r, name, getattr(rules, name))
        resources.append(r)
    Resource.objects.bulk_update(resources, DETAILS, batch_size=500)


def backward(apps, schema_editor):
    Resource = apps.get_model("booking", "Resource")
    BookingRules = apps.get_model("booking", "BookingRules")
    by_building = {r.building_id: r for r in BookingRules.objects.filter(building__isnull=False)}
    defaults = {name: BookingRules._meta.get_field(name).get_default() for name in POLICY}
    own = {r.resource_id: r for r in BookingRules.objects.filter(resource__isnull=False)}
    new, changed = [], []
    for resource in Resource.objects.all().iterator():
        rules = own.get(resource.pk)
        if rules is None:
            source = by_building.get(resource.building_id)
            policy = {n: getattr(source, n) for n in POLICY} if source else defaults
            rules = BookingRules(tenant_id=resource.tenant_id, resource=resource, **policy)
            new.append(rules)
        else:
            changed.append(rules)
        for name in DETAILS:
            setattr(rules, name, getattr(resource, name))
    BookingRules.objects.bulk_update(changed, DETAILS, batch_size=500)
    BookingRules.objects.bulk_create(new, batch_size=500)
    BookingRules.objects.filter(building__isnull=False).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0001_initial'),
        ('booking', '0005_door_rate_limits'),
        ('places', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='bookingrules',
            name='building',
            field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='places.building', verbose_name='building'),
        ),
        migrations.AddField(
            model_name='resource',
            name='accessibility_info',
            field=models.TextField(blank=True, verbose_name='accessibility information'),
        ),
        migrations.AddField(
            model_name='resource',
            name='capacity',
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name='capacity (persons)'),
        ),
        migrations.AddField(
            model_name='resource',
            name='description',
            field=models.TextField(blank=True, verbose_name='description'),
        ),
        migrations.AddField(
            model_name='resource',
            name='equipment',
            field=models.JSONField(blank=True, default=list, verbose_name='equipment'),
        ),
        migrations.AddField(
            model_name='resource',
            name='step_free',
            field=models.BooleanField(default=False, verbose_name='step-free access'),
        ),
        migrations.AlterField(
            model_name='bookingrules',
            name='resource',
            field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='own_rules', to='booking.resource', verbose_name='resource'),
        ),
        migrations.RunPython(forward, backward),
        migrations.RemoveField(
            model_name='bookingrules',
            name='accessibility_info',
        ),
        migrations.RemoveField(
            model_name='bookingrules',
            name='capacity',
        ),
        migrations.RemoveField(
            model_name='bookingrules',
            name='description',
        ),
        migrations.RemoveField(
            model_name='bookingrules',
            name='equipment',
        ),
        migrations.RemoveField(
            model_name='bookingrules',
            name='step_free',
        ),
        migrations.AddConstraint(
            model_name='bookingrules',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('building__isnull', False), ('resource__isnull', True)), models.Q(('building__isnull', True), ('resource__isnull', False)), _connector='OR'), name='booking_rules_building_or_resource'),
        ),
    ]

from django.db import migrations, models

from torg.core.ids import new_public_code


def fill_codes(apps, schema_editor):
    """Every existing resource gets its random public code (for the public room catalogue)."""
    Resource = apps.get_model("booking", "Resource")
    for resource in Resource.objects.filter(public_code="").only("pk"):
        Resource.objects.filter(pk=resource.pk).update(public_code=new_public_code())


class Migration(migrations.Migration):

    dependencies = [
        ("booking", "0011_resource_entrance"),
    ]

    operations = [
        migrations.AddField(
            model_name="resource",
            name="public_code",
            field=models.CharField(blank=True, db_index=True, max_length=16),
        ),
        migrations.RunPython(fill_codes, migrations.RunPython.noop),
    ]

from django.db import migrations, models

from torg.participation import terms


def fill_terms(apps, schema_editor):
    """Stem the existing inputs' texts once (new inputs get their terms when written)."""
    Input = apps.get_model("participation", "Input")
    batch = []
    for item in Input.objects.filter(terms__isnull=True).only("pk", "title", "body").iterator(chunk_size=2000):
        item.terms = terms.encode(f"{item.title} {item.body}")
        batch.append(item)
        if len(batch) >= 2000:
            Input.objects.bulk_update(batch, ["terms"])
            batch = []
    Input.objects.bulk_update(batch, ["terms"])


class Migration(migrations.Migration):

    dependencies = [
        ("participation", "0005_channels"),
    ]

    operations = [
        migrations.AddField(
            model_name="input",
            name="terms",
            field=models.TextField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(fill_terms, migrations.RunPython.noop),
    ]

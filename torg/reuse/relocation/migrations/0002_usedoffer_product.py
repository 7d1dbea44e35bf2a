import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('reuse', '0005_product_photos_own_co2e'),
        ('reuse_relocation', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='usedoffer',
            name='product',
            field=models.ForeignKey(blank=True, help_text='When the offer is a model the catalogue has: delivered pieces get its data and photos.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='reuse.product', verbose_name='product in the catalogue'),
        ),
    ]

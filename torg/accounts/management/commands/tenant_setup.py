"""Run every app's tenant set-up (torg.core.tenancy) for every existing tenant — after adding an
app that gives each municipality defaults of its own. Idempotent: adds only what is missing."""

from django.core.management.base import BaseCommand

from torg.accounts import services
from torg.accounts.models import Tenant


class Command(BaseCommand):
    help = "Give every existing tenant what a new tenant gets (the set-up of every installed app)."

    def handle(self, *args, **options):
        for tenant in Tenant.objects.order_by("slug"):
            results = services.tenant_setup(tenant=tenant)
            added = ", ".join(f"{label}: {result}" for label, result in results.items())
            self.stdout.write(f"{tenant.slug}: {added or 'nothing to set up'}")

"""`manage.py demo`: load the deterministic demo data into an empty database and print the logins."""

from types import SimpleNamespace

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings

from torg.accounts import demo as accounts_demo
from torg.accounts.models import Tenant
from torg.booking import demo as booking_demo
from torg.booking.allocation import demo as allocation_demo
from torg.estate import demo as estate_demo
from torg.participation import demo as participation_demo
from torg.participation import demo_feedback as participation_feedback_demo
from torg.places import demo as places_demo
from torg.projects import demo as projects_demo
from torg.reuse import demo as reuse_demo
from torg.reuse.market import demo as market_demo
from torg.reuse.relocation import demo as relocation_demo

DEMO_EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"

# Each module's demo loader, lowest layer first.
LOADERS = [accounts_demo.load, places_demo.load, reuse_demo.load, market_demo.load, relocation_demo.load,
           booking_demo.load, allocation_demo.load, estate_demo.load, participation_demo.load,
           participation_feedback_demo.load, projects_demo.load]

LOGINS = [
    ("admin", "Storvik kommune", "administrator"),
    ("eiendom", "Storvik kommune", "property manager"),
    ("ansatt", "Storvik kommune", "employee"),
    ("innbygger", "Storvik kommune", "citizen"),
    ("forening", "Storvik kommune", "association representative (Storvik Idrettslag)"),
    ("admin2", "Lillevik kommune", "administrator of the second municipality"),
]


class Command(BaseCommand):
    help = "Load the Torg demo data (two fictional municipalities) into an empty database."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, seed, **options):
        if Tenant.objects.exists():
            self.stdout.write("The database already has data; demo data not loaded again.")
        else:
            ctx = SimpleNamespace(seed=seed, stdout=self.stdout)
            # The demo's bookings, orders and allocations notify fictional people: their tasks run here
            # (nothing is left queued for a worker) and their e-mails go nowhere — not thousands of
            # messages on the console, nor to an SMTP server when the demo is loaded into production.
            with override_settings(TORG_TASKS_INLINE=True, EMAIL_BACKEND=DEMO_EMAIL_BACKEND), transaction.atomic():
                for load in LOADERS:
                    load(ctx)
            self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        self.stdout.write("")
        self.stdout.write("Demo logins (password: %s):" % settings.TORG_DEMO_PASSWORD)
        for username, tenant, role in LOGINS:
            self.stdout.write(f"  {username:<10} {tenant:<17} {role}")

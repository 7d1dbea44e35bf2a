"""Release bookings nobody checked in to (run every few minutes from cron or a systemd timer)."""

from django.core.management.base import BaseCommand

from torg.booking import services


class Command(BaseCommand):
    help = "Cancel confirmed bookings that require check-in when nobody checked in in time."

    def handle(self, *args, **options):
        released = services.release_no_shows()
        self.stdout.write(f"released {released} booking(s)")

"""`manage.py participation_retention`: anonymise or delete input of every process whose retention
time after closing has come. Run daily, e.g. from cron:

    15 3 * * *  cd /srv/torg && .venv/bin/python manage.py participation_retention
"""

from django.core.management.base import BaseCommand

from torg.participation import retention


class Command(BaseCommand):
    help = "Anonymise or delete participation input whose retention time after closing has come."

    def handle(self, *args, **options):
        done = retention.retention_run()
        for process_id, counts in done.items():
            self.stdout.write(f"process {process_id}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
        self.stdout.write(f"{len(done)} process(es) handled.")

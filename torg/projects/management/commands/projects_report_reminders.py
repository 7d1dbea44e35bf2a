"""`manage.py projects_report_reminders`: remind each active project's manager of the monthly status
report, from three days before it is due (the 5th) until the due date — once per project and month,
however often it runs. Run daily, e.g. from cron:

    0 7 * * *  cd /srv/torg && .venv/bin/python manage.py projects_report_reminders

or queue the task `torg.projects.tasks.send_report_reminders` from a scheduler.
"""

import datetime as dt

from django.core.management.base import BaseCommand

from torg.projects import services


class Command(BaseCommand):
    help = "Remind project managers of the monthly status report that is due soon (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--date", type=dt.date.fromisoformat, help="Run as on this day (YYYY-MM-DD).")

    def handle(self, *args, **options):
        sent = services.report_reminders_send(today=options.get("date"))
        for reminder in sent:
            self.stdout.write(f"{reminder.project.number}: {reminder.period:%Y-%m} → {reminder.sent_to or '(no e-mail)'}")
        self.stdout.write(f"{len(sent)} reminder(s).")

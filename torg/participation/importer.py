"""Import of what was said at a meeting or workshop from XLSX or CSV: one statement per row.

Columns (Norwegian headings accepted): `text` (required), `title`, `target_group` (a target group of
the process, by kind or name, in either language), `age_band` (e.g. 13-19), `postal_code`. The
activity and the channel are chosen on the upload form and apply to every row.

`plan_import` reads and checks the whole file and returns a plan with every bad row as
(line, column, reason); nothing is written. `apply_import` checks again and writes every row in one
transaction, or nothing when any row is bad (`ImportRefused`).
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from torg.core.tabular import RowError, TableError, read_table, write_xlsx

from . import intake
from .models import Input

COLUMNS = [
    ("text", gettext_lazy("What was said, one statement per row. Required.")),
    ("title", gettext_lazy("A short title (optional; the start of the text otherwise).")),
    ("target_group", gettext_lazy("A target group of the process, e.g. Employees or Neighbours (optional).")),
    ("age_band", gettext_lazy("Age band, e.g. 13-19 or 67+ (optional).")),
    ("postal_code", gettext_lazy("Postal code, four digits (optional).")),
]
COLUMN_NAMES = [c for c, _help in COLUMNS]
ALIASES = {
    "text": ["tekst", "innspill", "uttalelse", "kommentar"],
    "title": ["tittel", "overskrift"],
    "target_group": ["målgruppe", "malgruppe", "gruppe"],
    "age_band": ["alder", "aldersgruppe"],
    "postal_code": ["postnummer", "postnr", "postnr."],
}
_CANONICAL = {alias: name for name, aliases in ALIASES.items() for alias in aliases} | {c: c for c in COLUMN_NAMES}


@dataclass
class ImportPlan:
    inputs: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    total_rows: int = 0

    @property
    def counts(self):
        bad = len({e.line for e in self.errors})
        return {"rows": self.total_rows, "valid_rows": self.total_rows - bad, "error_rows": bad,
                "created": len(self.inputs)}


class ImportRefused(Exception):
    def __init__(self, plan):
        super().__init__("the file has errors")
        self.plan = plan


def plan_import(*, process, activity, channel, upload) -> ImportPlan:
    """Read and check a file; nothing is written. Raises TableError for a file that cannot be read."""
    columns, rows = read_table(upload, max_rows=intake.MAX_ROWS)
    headings = {}
    for heading in columns:
        name = _CANONICAL.get(heading, heading)
        if name in headings:
            raise TableError(_("The columns %(first)s and %(second)s mean the same; keep one of them.")
                             % {"first": headings[name], "second": heading})
        headings[name] = heading
    if "text" not in headings:
        raise TableError(_("The file is missing the column(s): %(columns)s. Download the template to see the columns.")
                         % {"columns": "text (tekst)"})
    unknown = [h for name, h in headings.items() if name not in COLUMN_NAMES]
    if unknown:
        raise TableError(_("Unknown column(s): %(columns)s.") % {"columns": ", ".join(unknown)})
    meeting_rows = [intake.MeetingRow(line=line, **{name: cells.get(heading, "") for name, heading in headings.items()})
                    for line, cells in rows]
    checked = intake.check_rows(process=process, activity=activity, rows=meeting_rows, channel=channel)
    plan = ImportPlan(total_rows=len(rows), inputs=checked.inputs)
    plan.errors = [RowError(line, headings.get(column, column), message) for line, column, message in checked.errors]
    return plan


def apply_import(*, actor, process, activity, channel, upload) -> ImportPlan:
    """Check the file again and record every row in one transaction; refuse (nothing written) when
    any row is bad."""
    plan = plan_import(process=process, activity=activity, channel=channel, upload=upload)
    if plan.errors or not plan.inputs:
        if not plan.errors:
            plan.errors = [RowError(0, "", _("The file has no rows."))]
        raise ImportRefused(plan)
    rows = [intake.MeetingRow(line=0, text=i.body, title=i.title, target_group=str(i.target_group_id or ""),
                              age_band=i.age_band, postal_code=i.postal_code) for i in plan.inputs]
    plan.inputs = intake.meeting_inputs_record(actor=actor, process=process, activity=activity, rows=rows,
                                               channel=channel)
    return plan


def template_xlsx() -> bytes:
    sample = [["Vi trenger flere stillerom i kontorlandskapet.", "Stillerom", "Ansatte", "35-49", ""],
              ["Innbyggertorget må være åpent på kveldstid for ungdom.", "", "Barn og unge", "13-19", "9008"]]
    return write_xlsx(COLUMN_NAMES, sample, title="Innspill")


CHANNELS = [(Input.Channel.MEETING, Input.Channel.MEETING.label), (Input.Channel.PAPER, Input.Channel.PAPER.label)]

"""Files of a project: the mandate or project plan as PDF (reportlab), and its lists — status
reports, risks, benefits and their measurements, milestones — as XLSX (`torg.core.tabular`), from
the same queries the pages use. Files go out through `torg.core.views.download`."""

import io
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from torg.core.tabular import write_xlsx

from . import queries


def _date(value):
    return date_format(value, "j. F Y") if value else "–"


def _short(value):
    return value.strftime("%d.%m.%Y") if value else ""


def _money(value):
    return "–" if value is None else f"{int(value):,} kr".replace(",", " ")


# --- XLSX lists -------------------------------------------------------------------------------
def _reports(project):
    head = [_("Month"), _("Overall"), _("Schedule"), _("Cost"), _("Scope and quality"), _("Risk"), _("Benefits"),
            _("Comment"), _("Milestones"), _("Spent so far"), _("Forecast of the total cost"), _("Due"),
            pgettext("status report", "Submitted"), _("Late"), _("Submitted by")]
    rows = ([r.period.strftime("%Y-%m"), r.get_overall_display(), r.get_schedule_display(), r.get_cost_display(),
             r.get_scope_display(), r.get_risk_display(), r.get_benefits_display(), r.comment, r.milestones, r.spent,
             r.forecast, _short(r.due_on), _short(r.submitted_on), _("yes") if r.is_late else "",
             str(r.submitted_by or "")] for r in queries.status_reports(project=project))
    return head, rows


def _risks(project):
    head = [_("Risk"), _("Description"), _("Probability"), _("Consequence"), _("Score"),
            _("Probability after measures"), _("Consequence after measures"), _("Score after measures"),
            _("Risk owner"), _("Measures"), _("Next review"), pgettext("risk", "Closed")]
    rows = ([r.title, r.description, r.probability, r.consequence, r.score, r.residual_probability,
             r.residual_consequence, r.residual_score, str(r.owner or ""), r.measures, _short(r.review_on),
             _("yes") if r.closed else ""] for r in queries.risks(project=project))
    return head, rows


def _benefits(project):
    """One row per measurement (and one for an effect goal not measured yet)."""
    head = [_("Effect goal"), _("Indicator"), _("Unit"), _("Baseline"), _("Target"), _("Target date"),
            _("Benefit owner"), _("Unit of the benefit owner"), _("Measured"), _("Value"), _("Reached"), _("Comment")]

    def rows():
        for b in queries.benefits(project=project):
            first = [b.title, b.indicator, b.unit, float(b.baseline), float(b.target), _short(b.target_on),
                     str(b.owner), b.owner_unit.name if b.owner_unit_id else ""]
            measurements = list(b.measurements.all())
            if not measurements:
                yield first + ["", None, "", ""]
            for m in measurements:
                yield first + [_short(m.measured_on), float(m.value), _("yes") if b.reached(m.value) else _("no"),
                               m.comment]
    return head, rows()


def _milestones(project):
    today = timezone.localdate()
    head = [_("Milestone"), _("Planned date"), _("Reached"), _("Overdue"), _("Comment")]
    rows = ([m.title, _short(m.due_on), _short(m.reached_on), _("yes") if m.is_overdue(today) else "", m.comment]
            for m in queries.milestones(project=project))
    return head, rows


def _actuals(project):
    head = [_("Month"), _("Actual cost"), _("Total so far")]
    rows = ([a.period.strftime("%Y-%m"), float(a.amount), float(a.running_total)] for a in queries.actuals(project=project))
    return head, rows


LISTS = {"actuals": (_actuals, "regnskap"), "status-reports": (_reports, "statusrapporter"), "risks": (_risks, "risikoer"),
         "benefits": (_benefits, "gevinster"), "milestones": (_milestones, "milepaeler")}


def project_list_xlsx(project, kind) -> tuple[bytes, str]:
    """(the file, its name) of one of the project's lists; `kind` is a key of LISTS."""
    build, name = LISTS[kind]
    head, rows = build(project)
    return write_xlsx(head, rows, title=name), f"{project.number}-{name}.xlsx"


# --- PDF of the mandate or the project plan ---------------------------------------------------
def _appendix(project):
    """The project's registered milestones, risks and effect goals, as tables after the text."""
    yield _("Milestones"), *_milestones(project)
    head, rows = _risks(project)
    yield _("Risks"), [head[0], head[4], head[7], head[8], head[9], head[10]], (
        [r[0], r[4], r[7], r[8], r[9], r[10]] for r in rows if not r[11])
    yield _("Effect goals"), [_("Effect goal"), _("Indicator"), _("Baseline"), _("Target"), _("Benefit owner")], (
        [b.title, f"{b.indicator} ({b.unit})" if b.unit else b.indicator, b.baseline, b.target, str(b.owner)]
        for b in queries.benefits(project=project))


def document_pdf(document) -> bytes:
    """The document version's sections in the template's order, the project's key facts first and
    its milestones, open risks and effect goals after (as registered when the file is made)."""
    from reportlab.lib import colors  # heavy: loaded on first use
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    project = document.project
    styles = getSampleStyleSheet()
    small = styles["BodyText"].clone("small", fontSize=8, leading=10)

    def para(text, style=styles["BodyText"]):
        return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)

    def table(rows, widths=None):
        t = Table(rows, colWidths=widths, repeatRows=1, hAlign="LEFT")
        t.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.black),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 2)]))
        return t

    title = f"{document.get_kind_display()}: {project.number} {project.name}"
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=15 * mm,
                            bottomMargin=15 * mm, title=title, author=project.tenant.name, pageCompression=0)
    approved = (_("Approved at %(code)s on %(date)s") % {"code": document.approved_by.gate.code,
                                                          "date": _date(document.approved_by.decided_on)}
                if document.approved_by_id else _("Not approved yet"))
    facts = [(_("Municipality"), project.tenant.name), (_("Version"), document.version), (_("Status"), approved),
             (_("Written by"), document.written_by or "–"), (_("Saved"), _date(timezone.localtime(document.created_at))),
             (_("Project model"), project.model), (_("Phase"), project.phase.name), (_("Project owner"), project.owner),
             (_("Project manager"), project.manager), (_("Number in the finance system"), project.finance_number or "–"),
             (_("Cost frame (P85)"), _money(project.cost_frame)), (_("Steering frame (P50)"), _money(project.steering_frame)),
             (_("Period"), f"{_date(project.starts_on)} – {_date(project.ends_on)}")]
    story = [para(title, styles["Title"]),
             table([[para(k, small), para(v, small)] for k, v in facts], widths=[55 * mm, 115 * mm]),
             Spacer(1, 5 * mm)]
    for _key, label, text in document.section_list():
        story += [para(label, styles["Heading2"]), para(text or "–")]
    story.append(para(_("Registered in Torg"), styles["Heading1"]))
    for heading, head, rows in _appendix(project):
        rows = list(rows)
        story.append(para(heading, styles["Heading2"]))
        if not rows:
            story.append(para(_("Nothing registered."), small))
            continue
        story += [table([[para(h, small) for h in head]]
                        + [[para("" if v is None else v, small) for v in row] for row in rows]), Spacer(1, 3 * mm)]
    doc.build(story)
    return buf.getvalue()

"""The report of a whole process for the case document (saksframlegg): plan, reach, themes, quotes,
responses and decisions — as PDF (reportlab) and XLSX (openpyxl), from the same data the pages show.
Quotes are published input only. Files go out through `torg.core.views.download`."""

import io
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from torg.core.tabular import write_xlsx_sheets

from . import analysis_queries
from .models import Activity, Phase, TargetGroup


def report_data(*, process) -> dict:
    story = analysis_queries.feedback_story(process=process, public=True)
    return {
        "process": process,
        "phases": list(Phase.objects.filter(process=process).order_by("starts_on", "id")),
        "groups": list(TargetGroup.objects.filter(process=process).order_by("id")),
        "activities": list(Activity.objects.filter(process=process).select_related("room__building")
                           .prefetch_related("target_groups").order_by("starts_at", "id")),
        "reach": analysis_queries.representation(process=process),
        "counts": analysis_queries.theme_counts(process=process),
        "story": story,
        "made_at": timezone.localtime(),
    }


def _date(value):
    return date_format(value, "j. F Y") if value else "–"


def _place(activity):
    if activity.room_id:
        return f"{activity.room.building.name}, {activity.room.number}"
    return activity.location_text


def _response(theme_or_input):
    response = getattr(theme_or_input, "response", None)
    if response is None:
        return _("No response yet"), "", ""
    decision = response.decision
    decided = (f"{decision.title} ({decision.body}, {_date(decision.decided_on)}"
               f"{', ' + _('case') + ' ' + decision.case_number if decision.case_number else ''})") if decision else ""
    return response.get_outcome_display(), response.text, decided


def _sections(data):
    """The report as (heading, column heads, rows) tables — one shape for both formats."""
    p = data["process"]
    story = data["story"]
    summary = story["summary"]
    yield (_("The process"), [_("Field"), _("Value")], [
        [_("Title"), p.title], [_("Status"), p.get_status_display()], [_("Purpose"), p.purpose],
        [_("Open for influence"), p.open_for_influence or "–"], [_("Already decided"), p.already_decided or "–"],
        [_("Responsible unit"), p.responsible_unit.name if p.responsible_unit_id else "–"],
        [_("Inputs"), summary["inputs"]], [_("People"), summary["people"]],
        [_("First input"), _date(summary["first"])], [_("Last input"), _date(summary["last"])],
        [_("Feedback published"), _date(p.feedback_published_at)],
    ])
    yield (_("Phases"), [_("Phase"), _("Kind"), _("From"), _("To")],
           [[ph.name, ph.get_kind_display(), _date(ph.starts_on), _date(ph.ends_on)] for ph in data["phases"]])
    yield (_("Participation plan"), [_("Activity"), _("Kind"), _("When"), _("Where"), _("Target groups"), _("Status")],
           [[a.title, a.get_kind_display(), _date(a.starts_at), _place(a),
             ", ".join(str(g) for g in a.target_groups.all()), a.get_status_display()] for a in data["activities"]])
    reach = data["reach"]
    channel_labels = [str(label) for _code, label in reach["channels"]]
    yield (_("Reach per target group"),
           [_("Target group"), _("People"), _("Expected reach"), _("Share"), _("Assessment")] + channel_labels,
           [[r["label"], r["people"], r["expected"] if r["expected"] is not None else "–",
             f"{r['percent']} %" if r["percent"] is not None else "–", str(r["state_label"])] + r["channels"]
            for r in reach["rows"]])
    yield (_("Reach by age band"), [_("Age band"), _("People")], [[str(label), n] for label, n in reach["ages"]])
    counts = data["counts"]
    yield (_("Themes"), [_("Theme"), _("Inputs")] + [str(label) for _gid, label in counts["groups"]]
           + [str(label) for _code, label in counts["channels"]],
           [[row["theme"].name, row["total"]] + row["groups"] + row["channels"] for row in counts["rows"]]
           + [[_("Not coded into a theme"), counts["uncoded"]["total"]] + counts["uncoded"]["groups"]
              + counts["uncoded"]["channels"]])
    yield (_("Quotes"), [_("Theme"), _("Title"), _("Text"), _("Date")],
           [[t.name, q["title"], q["body"], _date(q["created_at"])] for t in story["themes"] for q in t.quotes])
    yield (_("Responses to themes"), [_("Theme"), _("What we heard"), _("Outcome"), _("What we did and why"),
                                      _("Decision")],
           [[t.name, t.description, *_response(t)] for t in story["themes"]])
    yield (_("Responses to single inputs"), [_("Input"), _("Outcome"), _("What we did and why"), _("Decision")],
           [[str(r.input), *_response(r.input)] for r in story["inputs"]])
    yield (_("Decisions"), [_("Decision"), _("Date"), _("Decision-making body"), _("Case number"), _("Document"),
                            _("What was decided")],
           [[d.title, _date(d.decided_on), d.body, d.case_number, d.document_url, d.summary]
            for d in story["decisions"]])


def report_xlsx(data) -> bytes:
    """One sheet per part of the report (user text stays text: no formulas)."""
    return write_xlsx_sheets([(heading, head, ([v if isinstance(v, int | float) else str(v) for v in row]
                                                for row in rows)) for heading, head, rows in _sections(data)])


def report_pdf(data) -> bytes:
    from reportlab.lib import colors  # heavy: loaded on first use
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    p = data["process"]
    styles = getSampleStyleSheet()
    small = styles["BodyText"].clone("small", fontSize=8, leading=10)
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=15 * mm,
                            bottomMargin=15 * mm, title=p.title, author=p.tenant.name, pageCompression=0)
    story = [Paragraph(escape(_("Participation report") + ": " + p.title), styles["Title"]),
             Paragraph(escape(_("%(municipality)s, made %(date)s") % {"municipality": p.tenant.name,
                                                                     "date": _date(data["made_at"])}),
                       styles["Normal"]), Spacer(1, 4 * mm)]
    for heading, head, rows in _sections(data):
        story.append(Paragraph(escape(str(heading)), styles["Heading2"]))
        if not rows:
            story.append(Paragraph(escape(_("Nothing recorded.")), styles["Normal"]))
            continue
        table = Table([[Paragraph(f"<b>{escape(str(h))}</b>", small) for h in head]]
                      + [[Paragraph(escape(str(v if v is not None else "")).replace("\n", "<br/>"), small)
                          for v in row] for row in rows], repeatRows=1, hAlign="LEFT")
        table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                                   ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.black),
                                   ("BOTTOMPADDING", (0, 0), (-1, -1), 2)]))
        story += [table, Spacer(1, 3 * mm)]
    doc.build(story)
    return buf.getvalue()

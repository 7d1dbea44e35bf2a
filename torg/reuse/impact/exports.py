"""The report as XLSX (openpyxl) and PDF (reportlab): exactly the figures the page shows."""

import io
from decimal import Decimal
from xml.sax.saxutils import escape

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from torg.core.tabular import write_xlsx


def _num(value, places=0):
    if value is None:
        return "–"
    # The PDF's standard fonts have no narrow no-break space (bokmål's separator): a no-break space there.
    return number_format(Decimal(value), decimal_pos=places, use_l10n=True, force_grouping=True).replace(
        "\u202f", "\xa0")


def _cell(value):
    """Decimals as numbers in the sheet (Excel sums them), None as an empty cell."""
    if isinstance(value, Decimal):
        return float(value) if value == value.quantize(Decimal("0.01")) else float(round(value, 2))
    return value


def figure_columns(with_rate, items=False):
    columns = [("reuses", _("Reuses"))] + ([("items", _("Items"))] if items else []) + [
        ("co2e", _("CO2e avoided kg")),
        ("co2e_low", _("CO2e low kg")), ("co2e_high", _("CO2e high kg")), ("money", _("Money avoided NOK")),
        ("waste", _("Waste avoided kg")), ("missing_co2e", _("Without CO2e")),
        ("missing_weight", _("Without weight")), ("missing_money", _("Without new price")),
    ]
    if with_rate:
        columns += [("disposed", _("Disposed")), ("rate", _("Reuse rate %"))]
    return columns


def report_xlsx(*, tenant, description, dimension_label, summary, rows, with_rate, method_lines,
                factors) -> bytes:
    from openpyxl import Workbook  # heavy libraries, loaded on the first export
    from openpyxl.styles import Font

    bold = Font(bold=True)
    wb = Workbook()
    ws = wb.active
    ws.title = _("Summary")[:31]
    ws.append([_("Impact of reuse"), tenant.name])
    ws["A1"].font = bold
    for line in description:
        ws.append(list(line))
    ws.append([])
    for key, label in figure_columns(summary.get("rate") is not None, items=True):
        ws.append([label, _cell(summary.get(key))])
    ws.append([])
    ws.append([_("Method")])
    ws.cell(ws.max_row, 1).font = bold
    for line in method_lines:
        ws.append([line])

    sheet = wb.create_sheet((_("By %(dimension)s") % {"dimension": str(dimension_label).lower()})[:31])
    columns = figure_columns(with_rate)
    sheet.append([str(dimension_label)] + [label for _k, label in columns])
    for cell in sheet[1]:
        cell.font = bold
    for r in rows:
        sheet.append([str(r["label"])] + [_cell(r.get(key)) for key, _l in columns])
    sheet.append([_("Total")] + [_cell(summary.get(key)) if key not in ("disposed", "rate") or with_rate else None
                                 for key, _l in columns])
    sheet.cell(sheet.max_row, 1).font = bold

    fs = wb.create_sheet(_("Factors")[:31])
    fs.append([_("Category"), _("Basis"), _("CO2e avoided"), _("Low"), _("High"), _("Default weight kg"),
               _("Default new price NOK"), _("Source"), _("Year"), _("System boundary")])
    for cell in fs[1]:
        cell.font = bold
    for c in factors:
        f = c.factor
        fs.append([c.name, f.get_basis_display() if f else "", _cell(f.co2e_kg) if f else None,
                   _cell(f.co2e_low_kg) if f else None, _cell(f.co2e_high_kg) if f else None,
                   _cell(f.default_weight_kg) if f else None, _cell(f.default_new_price_nok) if f else None,
                   f.source if f else _("No factor"), f.source_year if f else None,
                   f.get_boundary_display() if f else ""])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def drilldown_xlsx(rows, columns) -> bytes:
    return write_xlsx([label for label in columns], ([_cell(v) for v in r] for r in rows), title=_("Reuses"))


def report_pdf(*, tenant, description, dimension_label, summary, rows, with_rate, method_lines) -> bytes:
    from reportlab.lib import colors  # heavy library, loaded on the first PDF
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    styles = getSampleStyleSheet()
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=landscape(A4), leftMargin=12 * mm, rightMargin=12 * mm,
                            topMargin=12 * mm, bottomMargin=12 * mm, title=_("Impact of reuse"), pageCompression=0,
                            author=tenant.name)
    story = [Paragraph(escape(_("Impact of reuse") + " – " + tenant.name), styles["Title"])]
    for label, value in description:
        story.append(Paragraph(f"<b>{escape(str(label))}:</b> {escape(str(value))}", styles["Normal"]))
    story.append(Spacer(1, 4 * mm))
    co2e = f"{_num(summary['co2e'])} kg"
    if summary["has_range"]:
        co2e += " (" + _("range %(low)s–%(high)s kg") % {"low": _num(summary["co2e_low"]),
                                                         "high": _num(summary["co2e_high"])} + ")"
    totals = [
        [_("CO2e avoided"), co2e],
        [_("Money avoided"), f"{_num(summary['money'])} NOK"],
        [_("Waste avoided"), f"{_num(summary['waste'])} kg"],
        [_("Reuses"), _num(summary["reuses"])],
        [_("Items"), _num(summary["items"])],
        [_("Reuse rate"), f"{_num(summary['rate'], 1)} %" if summary.get("rate") is not None else "–"],
        [_("Reuses without CO2e / weight / new price"),
         f"{summary['missing_co2e']} / {summary['missing_weight']} / {summary['missing_money']}"],
    ]
    t = Table(totals, hAlign="LEFT")
    t.setStyle(TableStyle([("FONTNAME", (0, 0), (0, -1), "Helvetica-Bold"), ("BOTTOMPADDING", (0, 0), (-1, -1), 2)]))
    story += [t, Spacer(1, 5 * mm)]
    story.append(Paragraph(escape(_("By %(dimension)s") % {"dimension": str(dimension_label).lower()}), styles["Heading2"]))
    head = [str(dimension_label), _("Reuses"), _("CO2e kg"), _("Low–high kg"), _("NOK"), _("Waste kg"),
            _("Gaps")]
    if with_rate:
        head.append(_("Reuse rate"))
    data = [head]
    for r in rows:
        line = [Paragraph(escape(str(r["label"])), styles["Normal"]), _num(r["reuses"]), _num(r["co2e"]),
                f"{_num(r['co2e_low'])}–{_num(r['co2e_high'])}", _num(r["money"]), _num(r["waste"]),
                str(r["missing_co2e"] + r["missing_weight"] + r["missing_money"])]
        if with_rate:
            line.append(f"{_num(r['rate'], 1)} %" if r["rate"] is not None else "–")
        data.append(line)
    total = [_("Total"), _num(summary["reuses"]), _num(summary["co2e"]),
             f"{_num(summary['co2e_low'])}–{_num(summary['co2e_high'])}", _num(summary["money"]),
             _num(summary["waste"]), str(summary["missing_co2e"] + summary["missing_weight"]
                                         + summary["missing_money"])]
    if with_rate:
        total.append(f"{_num(summary['rate'], 1)} %" if summary.get("rate") is not None else "–")
    data.append(total)
    table = Table(data, repeatRows=1, hAlign="LEFT", colWidths=[70 * mm] + [None] * (len(head) - 1))
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"), ("FONTNAME", (0, -1), (-1, -1), "Helvetica-Bold"),
        ("ALIGN", (1, 0), (-1, -1), "RIGHT"), ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.black),
        ("LINEABOVE", (0, -1), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    story += [table, Spacer(1, 5 * mm), Paragraph(escape(_("Method")), styles["Heading2"])]
    for line in method_lines:
        story.append(Paragraph(escape(line), styles["Normal"]))
    doc.build(story)
    return buf.getvalue()

"""Move lists for the moving crew, as PDF (reportlab, with each item's QR code) and XLSX: per source
location (what to pick up, in pick-up order) or per destination room/floor (what arrives where)."""

import io

from django.utils import timezone
from django.utils.translation import gettext as _

from torg.core.tabular import write_xlsx
from torg.reuse.labels import A4, MM, format_code, qr_url

from .models import Line

ROW_H = 24 * MM
QR_SIZE = 22 * MM
TOP = 30 * MM
BOTTOM = 15 * MM
LEFT = 12 * MM


def _product(line):
    if line.source == Line.Source.USED and not line.item_id:
        return f"{line.need.category.name}: {line.offer.description}".strip().rstrip(":")
    p = line.item.product
    name = " ".join(v for v in (p.manufacturer, p.model_name) if v)
    text = f"{p.category.name}: {name}" if name else p.category.name
    if p.dimensions:
        text += f", {p.dimensions}"
    return f"{text} ({p.colour})" if p.colour else text


def _from(line):
    if line.source == Line.Source.USED and not line.item_id:
        return _("Bought used from %(supplier)s") % {"supplier": line.offer.supplier.name}
    it = line.item
    if line.delivered and line.item_id:
        return _("Delivered")
    parts = [it.building.name if it.building_id else _("no location"), it.room.number if it.room_id else "",
             it.placement_text]
    return ", ".join(p for p in parts if p)


def _to(line):
    room = line.need.room
    return " ".join(p for p in (room.number, room.name) if p) + (f" ({room.floor.name})" if room.floor.name else "")


def _draw_qr(canvas, text, x, y, size):
    """The QR for `text` in the square (x, y, size) with its quiet zone, as one filled path.

    Like the label sheets' QR, but built for long lists: a fixed mask (segno does not try all eight)
    and one path per code instead of a fill per run — about five times faster for a list of
    thousands of items, and the PDF is smaller."""
    import segno  # loaded on the first QR code

    matrix = segno.make(text, error="m", micro=False, mask=0).matrix
    unit = size / (len(matrix) + 8)  # 4-module quiet zone on each side
    path = canvas.beginPath()
    for r, row in enumerate(matrix):
        c, n = 0, len(row)
        while c < n:
            if row[c]:
                start = c
                while c < n and row[c]:
                    c += 1
                path.rect(x + (start + 4) * unit, y + size - (r + 5) * unit, (c - start) * unit, unit)
            else:
                c += 1
    canvas.setFillColorRGB(0, 0, 0)
    canvas.drawPath(path, stroke=0, fill=1)


def rows(lines):
    """Table rows (the same columns in PDF and XLSX)."""
    for ln in lines:
        it = ln.item if ln.item_id else None
        yield {
            "number": it.number if it else "", "code": it.code if it else "", "product": _product(ln),
            "from": _from(ln) if not ln.delivered else (_("Delivered") if it else ""),
            "from_building": it.building.name if it and it.building_id else "",
            "from_room": it.room.number if it and it.room_id else "",
            "placement": it.placement_text if it else "",
            "to_floor": ln.need.room.floor.name, "to_room": ln.need.room.number, "to": _to(ln),
            "source": ln.get_source_display(), "delivered": ln.delivered,
        }


XLSX_COLUMNS = ["item_number", "code", "product", "source", "from_location", "from_room", "placement", "to_floor",
                "to_room", "delivered", "qr_url"]


def move_list_xlsx(lines, *, base_url) -> bytes:
    data = [[r["number"], r["code"], r["product"], r["source"], r["from_building"], r["from_room"], r["placement"],
             r["to_floor"], r["to_room"], _("yes") if r["delivered"] else "",
             qr_url(base_url, r["code"]) if r["code"] else ""] for r in rows(lines)]
    return write_xlsx(XLSX_COLUMNS, data, title=_("Move list"))


def _fit(c, text, font, size, width):
    text = str(text)
    if c.stringWidth(text, font, size) <= width:
        return text
    while text and c.stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…"


def move_list_pdf(lines, *, title, subtitle, tenant_name, base_url) -> bytes:
    """A4 pages, one line per piece: QR code (own items), number, product, from, to and a box to tick."""
    from reportlab.pdfgen import canvas as pdfcanvas  # heavy library, loaded on the first PDF

    buf = io.BytesIO()
    c = pdfcanvas.Canvas(buf, pagesize=A4, pageCompression=1)
    c.setTitle(title)
    c.setAuthor(tenant_name)
    width, height = A4
    data = list(rows(lines))
    per_page = int((height - TOP - BOTTOM) // ROW_H)
    pages = max(1, -(-len(data) // per_page))
    stamp = timezone.localtime().strftime("%d.%m.%Y %H:%M")
    text_x = LEFT + QR_SIZE + 4 * MM
    col_w = (width - text_x - LEFT - 12 * MM) / 2

    def header(page_no):
        c.setFillColorRGB(0, 0, 0)
        c.setFont("Helvetica-Bold", 14)
        c.drawString(LEFT, height - 14 * MM, _fit(c, title, "Helvetica-Bold", 14, width - 2 * LEFT))
        c.setFont("Helvetica", 9)
        c.drawString(LEFT, height - 20 * MM, _fit(c, subtitle, "Helvetica", 9, width - 2 * LEFT))
        c.drawRightString(width - LEFT, height - 26 * MM, _("Page %(n)d of %(total)d") % {"n": page_no,
                                                                                          "total": pages})
        c.drawString(LEFT, height - 26 * MM, f"{tenant_name} · {stamp} · " + _("%(n)d pieces") % {"n": len(data)})
        c.line(LEFT, height - TOP + 2 * MM, width - LEFT, height - TOP + 2 * MM)

    header(1)
    if not data:
        c.setFont("Helvetica", 11)
        c.drawString(LEFT, height - TOP - 10 * MM, _("Nothing to move."))
    for index, r in enumerate(data):
        slot = index % per_page
        if index and slot == 0:
            c.showPage()
            header(index // per_page + 1)
        top = height - TOP - slot * ROW_H
        if r["code"]:
            _draw_qr(c, qr_url(base_url, r["code"]), LEFT, top - QR_SIZE, QR_SIZE)
        c.setFillColorRGB(0, 0, 0)
        c.setFont("Helvetica-Bold", 12)
        c.drawString(text_x, top - 6 * MM, r["number"] or r["source"])
        c.setFont("Courier", 8)
        if r["code"]:
            c.drawString(text_x + 32 * MM, top - 6 * MM, format_code(r["code"]))
        c.setFont("Helvetica", 9)
        c.drawString(text_x, top - 11 * MM, _fit(c, r["product"], "Helvetica", 9, 2 * col_w))
        c.setFont("Helvetica", 8)
        c.drawString(text_x, top - 16 * MM, _fit(c, _("From: %(from)s") % {"from": r["from"]}, "Helvetica", 8, col_w))
        c.setFont("Helvetica-Bold", 9)
        c.drawString(text_x + col_w, top - 16 * MM, _fit(c, _("To: %(to)s") % {"to": r["to"]}, "Helvetica-Bold", 9,
                                                         col_w))
        c.setFont("Helvetica", 8)
        if r["placement"] and not r["delivered"]:
            c.drawString(text_x, top - 20 * MM, _fit(c, r["placement"], "Helvetica", 8, col_w))
        box = 6 * MM
        c.rect(width - LEFT - box, top - 8 * MM - box / 2, box, box, stroke=1, fill=0)
        if r["delivered"]:
            c.line(width - LEFT - box, top - 8 * MM - box / 2, width - LEFT, top - 8 * MM + box / 2)
            c.line(width - LEFT - box, top - 8 * MM + box / 2, width - LEFT, top - 8 * MM - box / 2)
        c.setStrokeColorRGB(0.7, 0.7, 0.7)
        c.line(LEFT, top - ROW_H + 1 * MM, width - LEFT, top - ROW_H + 1 * MM)
        c.setStrokeColorRGB(0, 0, 0)
    c.showPage()
    c.save()
    return buf.getvalue()

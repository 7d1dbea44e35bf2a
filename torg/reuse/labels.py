"""QR label sheets as PDF (reportlab), with the QR drawn as vector squares from segno's matrix."""

import io
from dataclasses import dataclass

import segno
from django.conf import settings
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _
from reportlab.pdfgen import canvas as pdfcanvas

MM = 72 / 25.4  # points per millimetre
A4 = (210 * MM, 297 * MM)


@dataclass(frozen=True)
class Layout:
    title: str
    cols: int
    rows: int
    width: float  # mm
    height: float
    left: float
    top: float
    gap_x: float = 0
    gap_y: float = 0

    @property
    def per_sheet(self):
        return self.cols * self.rows


LAYOUTS = {
    "3x8": Layout(_("A4, 3 × 8 labels of 70 × 37 mm"), 3, 8, 70, 37, 0, 4.5),
    "2x7": Layout(_("A4, 2 × 7 labels of 99.1 × 38.1 mm"), 2, 7, 99.1, 38.1, 4.65, 15.15, 2.5, 0),
}


@dataclass(frozen=True)
class LabelData:
    code: str
    number: str = ""  # the item's sequence number; empty for a pre-printed label


def public_base_url(request=None) -> str:
    base = getattr(settings, "TORG_PUBLIC_BASE_URL", "")
    if not base and request is not None:
        base = request.build_absolute_uri("/")
    return (base or "http://localhost").rstrip("/")


def qr_url(base_url: str, code: str) -> str:
    return f"{base_url}/q/{code}"


def qr_svg(text: str, *, label: str, scale: int = 3) -> str:
    """The QR for `text` as an inline SVG image (for the item page), with an accessible name."""
    svg = segno.make(text, error="m", micro=False).svg_inline(scale=scale, svgclass="torg-reuse-qr", title=label)
    return svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1)


def format_code(code: str) -> str:
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


def _draw_qr(canvas, text, x, y, size):
    """Draw the QR for `text` as black squares in the square (x, y, size) in points (incl. quiet zone)."""
    qr = segno.make(text, error="m", micro=False)
    matrix = [list(row) for row in qr.matrix]
    modules = len(matrix) + 8  # 4-module quiet zone on each side
    unit = size / modules
    canvas.setFillColorRGB(0, 0, 0)
    for r, row in enumerate(matrix):
        c = 0
        while c < len(row):
            if row[c]:
                start = c
                while c < len(row) and row[c]:
                    c += 1
                canvas.rect(x + (start + 4) * unit, y + size - (r + 5) * unit, (c - start) * unit, unit,
                            stroke=0, fill=1)
            else:
                c += 1


def label_sheet_pdf(labels: list[LabelData], *, layout_key: str, tenant_name: str, base_url: str,
                    start: int = 1) -> bytes:
    """A PDF with one label per entry, filling A4 sheets of the chosen layout. `start` is the first
    free position on the first sheet (1 = top left, row by row), for a sheet that is partly used."""
    layout = LAYOUTS[layout_key]
    buf = io.BytesIO()
    c = pdfcanvas.Canvas(buf, pagesize=A4, pageCompression=1)
    c.setTitle(str(_("QR labels")))
    c.setAuthor(tenant_name)
    page_h = A4[1]
    offset = min(max(start, 1), layout.per_sheet) - 1
    for index, label in enumerate(labels):
        slot = (index + offset) % layout.per_sheet
        if index and slot == 0:
            c.showPage()
        row, col = divmod(slot, layout.cols)
        x = (layout.left + col * (layout.width + layout.gap_x)) * MM
        top = page_h - (layout.top + row * (layout.height + layout.gap_y)) * MM
        h = layout.height * MM
        pad = 1.5 * MM
        qr_size = h - 2 * pad
        _draw_qr(c, qr_url(base_url, label.code), x + pad, top - h + pad, qr_size)
        text_x = x + pad + qr_size + 1.5 * MM
        max_w = layout.width * MM - (text_x - x) - pad
        c.setFillColorRGB(0, 0, 0)
        if label.number:
            c.setFont("Helvetica-Bold", 13)
            c.drawString(text_x, top - 9 * MM, label.number)
        c.setFont("Helvetica", 7)
        name = tenant_name
        while name and c.stringWidth(name, "Helvetica", 7) > max_w:
            name = name[:-1]
        c.drawString(text_x, top - (14 if label.number else 9) * MM, name)
        c.setFont("Courier", 7)
        c.drawString(text_x, top - h + 4 * MM, format_code(label.code))
    if not labels:
        c.setFont("Helvetica", 10)
        c.drawString(20 * MM, page_h - 20 * MM, str(_("No labels.")))
    c.showPage()
    c.save()
    return buf.getvalue()

"""Label sheets: render the PDF page to pixels (PDFium) and decode every QR (ZBar)."""

import pypdfium2 as pdfium
import pytest
from django.urls import reverse
from pyzbar.pyzbar import decode

from torg.reuse import services
from torg.reuse.labels import LAYOUTS

pytestmark = pytest.mark.django_db
SCALE = 4  # pixels per point


def _decode_labels(pdf_bytes, layout_key):
    """Decoded QR texts in label order, one entry per filled label slot (None if unreadable)."""
    layout = LAYOUTS[layout_key]
    mm = SCALE * 72 / 25.4
    doc = pdfium.PdfDocument(pdf_bytes)
    texts = []
    try:
        for index in range(len(doc)):
            image = doc[index].render(scale=SCALE).to_pil()
            for slot in range(layout.per_sheet):
                row, col = divmod(slot, layout.cols)
                left = (layout.left + col * (layout.width + layout.gap_x)) * mm
                top = (layout.top + row * (layout.height + layout.gap_y)) * mm
                cell = image.crop((int(left), int(top), int(left + layout.width * mm), int(top + layout.height * mm)))
                found = decode(cell)
                texts.append(found[0].data.decode() if found else None)
    finally:
        doc.close()
    return texts, len(texts) // layout.per_sheet


@pytest.mark.parametrize("layout_key", ["3x8", "2x7"])
def test_label_sheet_qr_decodes_and_resolves_to_item(client_for, admin_user, make_items, settings, layout_key):
    settings.TORG_PUBLIC_BASE_URL = "https://torg.storvik.kommune.no"
    items = make_items(count=LAYOUTS[layout_key].per_sheet + 2)  # spills onto a second sheet
    c = client_for(admin_user)
    r = c.post(reverse("reuse:bulk"), {"item": [i.pk for i in items], "action": "labels", "layout": layout_key})
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    texts, pages = _decode_labels(r.content, layout_key)
    assert pages == 2
    decoded = [t for t in texts if t]
    expected = [f"https://torg.storvik.kommune.no/q/{i.code}" for i in sorted(items, key=lambda i: i.number)]
    assert decoded == expected
    # the decoded URL opens the right item
    path = decoded[3].removeprefix("https://torg.storvik.kommune.no")
    resolved = c.get(path)
    item = sorted(items, key=lambda i: i.number)[3]
    assert resolved.status_code == 302 and resolved["Location"] == reverse("reuse:item_detail", args=[item.pk])
    # the human-readable number and municipality are on the label
    doc = pdfium.PdfDocument(r.content)
    try:
        text = doc[0].get_textpage().get_text_range()
    finally:
        doc.close()
    assert item.number in text and "Testvik kommune" in text


def test_pre_printed_batch_codes_decode(client_for, admin_user, tenant):
    from torg.reuse.models import Label

    r = client_for(admin_user).post(reverse("reuse:labels"), {"count": 24, "layout": "3x8"})
    texts, pages = _decode_labels(r.content, "3x8")
    codes = [t.rsplit("/q/", 1)[1] for t in texts if t]
    assert pages == 1 and len(codes) == 24
    assert set(codes) == set(Label.objects.filter(tenant=tenant).values_list("code", flat=True))


def test_single_item_label_requires_permission(client_for, employee, admin_user, make_items):
    item = make_items()[0]
    assert client_for(employee).get(reverse("reuse:item_label", args=[item.pk])).status_code == 403
    r = client_for(admin_user).get(reverse("reuse:item_label", args=[item.pk]))
    assert r.status_code == 200 and r.content.startswith(b"%PDF")


def test_batch_size_limit(admin_user, tenant):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.label_batch_create(actor=admin_user, tenant=tenant, count=0)

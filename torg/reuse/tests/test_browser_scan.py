"""Camera scanning through a real browser: Chromium's fake camera plays a video of a QR label, and
the vendored qr-scanner library reads it — on the scan page (opens the item) and in the
registration form (claims a pre-printed label). axe-core runs on the pages."""

import re

import pytest
from playwright.sync_api import expect

from conftest import CHROMIUM, CHROMIUM_ARGS, PHONE_VIEWPORT
from torg.reuse.models import Item, Label

pytestmark = pytest.mark.browser


def _qr_video(path, text, size=480):
    """A few frames of YUV4MPEG2 video showing the QR for `text` (what the fake camera plays)."""
    import segno
    from PIL import Image

    qr = segno.make(text, error="m", micro=False)
    modules = len(qr.matrix) + 8
    image = Image.new("L", (size, size), 255)
    scale = (size - 40) // modules
    offset = (size - scale * modules) // 2
    pixels = image.load()
    for r, row in enumerate(qr.matrix):
        for c, dark in enumerate(row):
            if dark:
                for y in range(scale):
                    for x in range(scale):
                        pixels[offset + (c + 4) * scale + x, offset + (r + 4) * scale + y] = 0
    luma = image.tobytes()
    chroma = bytes([128]) * (size // 2 * size // 2)
    with open(path, "wb") as f:
        f.write(f"YUV4MPEG2 W{size} H{size} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _frame in range(10):
            f.write(b"FRAME\n" + luma + chroma + chroma)
    return path


@pytest.fixture
def camera_page(browser, tmp_path):
    """A page factory: a Chromium whose camera shows the QR of the given text. It is launched by the
    session's Playwright (the root conftest's `browser`; a second Playwright in one process fails)."""
    opened = []

    def open_page(text, origin, **context_options):
        video = _qr_video(tmp_path / f"qr{len(opened)}.y4m", text)
        camera = browser.browser_type.launch(executable_path=CHROMIUM, headless=True, args=[
            *CHROMIUM_ARGS, "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
            f"--use-file-for-fake-video-capture={video}"])
        context = camera.new_context(locale="nb-NO", **context_options)
        context.grant_permissions(["camera"], origin=origin)
        context.set_default_timeout(15_000)
        page = context.new_page()
        page.torg_js_errors = []
        page.on("pageerror", lambda exc: page.torg_js_errors.append(str(exc)))
        opened.append(camera)
        return page

    yield open_page
    for camera in opened:
        camera.close()


def test_scan_page_reads_the_qr_with_the_camera_and_opens_the_item(camera_page, live_server, login,
                                                                    assert_accessible, admin_user, make_items):
    item = make_items(count=2)[1]
    page = camera_page(f"{live_server.url}/q/{item.code}", live_server.url, viewport=PHONE_VIEWPORT,
                       is_mobile=True, has_touch=True)
    login(page, live_server, "admin")
    page.goto(live_server.url + "/reuse/scan/")
    start = page.get_by_role("button", name="Start kameraet")
    expect(start).to_be_visible()
    assert_accessible(page)
    start.click()
    expect(page).to_have_url(re.compile(rf"/reuse/items/{item.pk}/$"))
    expect(page.locator("h1")).to_contain_text(item.number)
    assert page.torg_js_errors == []


def test_claim_a_pre_printed_label_by_scanning_it_while_registering(camera_page, live_server, login,
                                                                    assert_accessible, admin_user, tenant, building,
                                                                    rooms, category):
    from torg.reuse import services

    label = services.label_batch_create(actor=admin_user, tenant=tenant, count=3)[1]
    page = camera_page(f"{live_server.url}/q/{label.code}", live_server.url, viewport=PHONE_VIEWPORT,
                       is_mobile=True, has_touch=True)
    login(page, live_server, "admin")
    page.goto(live_server.url + "/reuse/register/")
    scan = page.get_by_role("button", name="Skann etiketten")
    expect(scan).to_be_visible()
    assert_accessible(page)
    scan.click()
    expect(page.locator("input[name=claim_code]")).to_have_value(label.code)
    expect(page.locator("[data-testid=claim-scan] [role=status]")).to_contain_text(label.code)
    expect(page.locator("video[data-scan-video]")).to_be_hidden()  # the camera stops once read
    page.select_option("select[name=building]", str(building.pk))
    expect(page.locator("select[name=room] option", has_text="0.01")).to_have_count(1)
    page.select_option("select[name=room]", str(rooms["0.01"].pk))
    page.select_option("select[name=category]", str(category.pk))
    page.fill("input[name=manufacturer]", "Savo")
    page.locator("main form button[type=submit]:not([name])").click()
    expect(page.locator("h1")).to_contain_text("M-000001")
    item = Item.objects.get()
    assert item.code == label.code and Label.objects.get(pk=label.pk).item_id == item.pk
    assert_accessible(page)

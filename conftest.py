"""Shared pytest fixtures: tenants and users named after their roles.

App-specific fixtures live in each app's tests/conftest.py.
"""

import os

import pytest

# Playwright's sync API runs an event loop in the main thread; Django's ORM refuses to run in a
# thread with a running loop unless told that this is intended (tests only).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    """Tests marked `postgres_only` check what only PostgreSQL has (exclusion constraints). On
    another database they are left out — deselected and counted in the summary, never skipped
    silently inside the test; the PostgreSQL run (CI requires it) runs them."""
    from django.db import connection

    if connection.vendor == "postgresql":
        return
    left_out = [item for item in items if item.get_closest_marker("postgres_only")]
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = [item for item in items if not item.get_closest_marker("postgres_only")]
        config._torg_postgres_only = len(left_out)


def pytest_terminal_summary(terminalreporter, config):
    if n := getattr(config, "_torg_postgres_only", 0):
        terminalreporter.write_line(f"{n} test(s) marked postgres_only left out: they run on PostgreSQL "
                                    "(DATABASE_URL=postgres://…)")


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the site's default language (bokmål). A request through the test client
    activates the language of its cookie or header in the thread and leaves it active, so without
    this a test's labels would depend on which test ran before it in the same worker."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def tenant(db):
    from torg.accounts import services

    return services.tenant_create(name="Testvik kommune", slug="testvik")


@pytest.fixture
def other_tenant(db):
    from torg.accounts import services

    return services.tenant_create(name="Andrevik kommune", slug="andrevik")


def _member(tenant, username, role):
    from torg.accounts import services

    return services.user_create(actor=None, tenant=tenant, username=username, role=role,
                                first_name=username.title(), last_name="Test", password="correct-horse-42").user


@pytest.fixture
def make_member():
    return _member


@pytest.fixture
def admin_user(tenant):
    return _member(tenant, "admin", "admin")


@pytest.fixture
def property_manager(tenant):
    return _member(tenant, "eiendom", "property_manager")


@pytest.fixture
def employee(tenant):
    return _member(tenant, "ansatt", "employee")


@pytest.fixture
def citizen(tenant):
    return _member(tenant, "innbygger", "citizen")


@pytest.fixture
def association_rep(tenant):
    return _member(tenant, "forening", "association")


@pytest.fixture
def other_admin(other_tenant):
    return _member(other_tenant, "admin2", "admin")


@pytest.fixture
def client_for(client):
    """client_for(user) → a Django test client logged in as `user`."""

    def login(user):
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return login


@pytest.fixture
def en_client(client_for):
    """client_for(user) with the English UI chosen (the language cookie the switcher sets), so
    messages can be asserted in their source language (the UI default is Norwegian)."""
    from django.conf import settings

    def login(user):
        c = client_for(user)
        c.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return c

    return login


@pytest.fixture
def api_as():
    """api_as(user, tenant) → call(method, url, payload=None): the JSON API (/api/v1/...) with a fresh
    personal API token of `user` in `tenant`, answers in English."""
    import json

    from django.test import Client

    from torg.accounts import services as account_services

    def make(user, tenant):
        _token, secret = account_services.api_token_create(actor=user, tenant=tenant, name="test")
        client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
        client.cookies["django_language"] = "en"

        def call(method, url, payload=None):
            if method in ("get", "delete"):
                return getattr(client, method)(url)
            return getattr(client, method)(url, json.dumps({} if payload is None else payload),
                                           content_type="application/json")

        return call

    return make


@pytest.fixture
def building(tenant, admin_user):
    """A small building: property 1/1, two floors, three rooms."""
    from torg.places import services

    prop = services.property_create(actor=admin_user, tenant=tenant, gnr=1, bnr=1, address="Testgata 1")
    b = services.building_create(actor=admin_user, tenant=tenant, property=prop, name="Testhuset",
                                 building_number="1001", gross_area=1200, use="office", strategic_category="A")
    f0 = services.floor_create(actor=admin_user, tenant=tenant, building=b, level=0)
    f1 = services.floor_create(actor=admin_user, tenant=tenant, building=b, level=1)
    services.room_create(actor=admin_user, tenant=tenant, floor=f0, number="0.01", name="Møterom", net_area=20,
                         capacity=8, function="meeting")
    services.room_create(actor=admin_user, tenant=tenant, floor=f0, number="0.02", name="Kontor", net_area=12,
                         capacity=2, function="office")
    services.room_create(actor=admin_user, tenant=tenant, floor=f1, number="1.01", name="Klasserom", net_area=60,
                         capacity=28, function="classroom")
    return b


# --- Browser tests (Playwright + Debian's Chromium + axe-core) ---------------------------------
#
# Usage in a test marked @pytest.mark.browser:
#
#     def test_x(page, live_server, login, assert_accessible, admin_user):
#         login(page, live_server, "admin")            # through the real login form
#         page.goto(live_server.url + "/places/")
#         assert_accessible(page)                       # axe-core, WCAG 2.1 A/AA, fails on any violation
#
# `phone_page` is the same as `page` with a 390x844 touch viewport. Both get a fresh browser
# context (cookies, storage) per test. `live_server` (pytest-django) runs the app in a thread on
# the same test database, so objects created in the test are visible to the browser; it implies
# a transactional database (tables are flushed after the test).

from pathlib import Path  # noqa: E402

CHROMIUM = os.environ.get("TORG_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_JS = Path(__file__).resolve().parent / "torg" / "web" / "static" / "vendor" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
DESKTOP_VIEWPORT = {"width": 1280, "height": 900}
PHONE_VIEWPORT = {"width": 390, "height": 844}
TEST_PASSWORD = "correct-horse-42"


# --- Uploaded files: the file system, or S3 through a local S3 server (moto in server mode) -----------
@pytest.fixture(scope="session")
def s3_server():
    """One local S3 server per test process (loopback, free port), stopped at the end."""
    from torg.core.testing import S3Double

    server = S3Double().start()
    yield server
    server.stop()


@pytest.fixture(params=["filesystem", "s3"])
def file_storage(request, settings, tmp_path):
    """Run the test once with files on the file system (streamed by Django) and once in a fresh bucket
    of the S3 double (served by a redirect to a signed URL). Returns "filesystem" or "s3"."""
    import uuid

    settings.MEDIA_ROOT = tmp_path / "media"
    if request.param == "filesystem":
        settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
        settings.TORG_STORAGE, settings.TORG_MEDIA_SERVE = "filesystem", "stream"
    else:
        s3 = request.getfixturevalue("s3_server")
        bucket = s3.create_bucket(f"torg-{uuid.uuid4().hex[:12]}")
        settings.STORAGES = {**settings.STORAGES, "default": s3.storage(bucket)}
        settings.TORG_STORAGE, settings.TORG_MEDIA_SERVE = "s3", "redirect"
    return request.param


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import expect, sync_playwright

    # expect() waits 5 s by default; a busy CI machine (two databases, xdist) needs more headroom.
    expect.set_options(timeout=15_000)
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install chromium (or set TORG_CHROMIUM)")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _new_page(browser, **context_options):
    context = browser.new_context(locale="nb-NO", **context_options)
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.torg_js_errors = errors
    return context, page


@pytest.fixture
def page(browser):
    """A desktop-sized page in a fresh browser context."""
    context, page = _new_page(browser, viewport=DESKTOP_VIEWPORT)
    yield page
    context.close()


@pytest.fixture
def phone_page(browser):
    """A phone-sized page (390x844, touch, mobile) in a fresh browser context."""
    context, page = _new_page(browser, viewport=PHONE_VIEWPORT, device_scale_factor=2, is_mobile=True,
                              has_touch=True)
    yield page
    context.close()


@pytest.fixture
def login():
    """login(page, live_server, username, password=...) logs in through the real login form."""

    def do_login(page, live_server, username, password=TEST_PASSWORD):
        page.goto(live_server.url + "/accounts/login/")
        page.locator("input[name=username]").fill(username)
        page.locator("input[name=password]").fill(password)
        with page.expect_navigation():
            page.locator("main form button[type=submit]").click()
        assert "/accounts/login/" not in page.url, f"login as {username!r} failed: still on {page.url}"
        return page

    return do_login


def _axe_source():
    if not AXE_JS.exists():
        pytest.fail(f"{AXE_JS} is missing: run `make assets` (scripts/copy_assets.py)")
    return AXE_JS.read_text(encoding="utf-8")


def run_axe(page):
    """Run axe-core on the current page; returns the list of violations (dicts)."""
    # CSP blocks inline <script>; page.evaluate runs in the page through the DevTools protocol.
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(_axe_source())
    result = page.evaluate(
        """async (tags) => {
            const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
            return r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: n.failureSummary || ''})),
            }));
        }""",
        AXE_TAGS,
    )
    return result


def format_violations(violations, url=""):
    lines = [f"axe-core found {len(violations)} accessibility violation(s) on {url}:"]
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']}")
        for n in v["nodes"][:10]:
            summary = " ".join(n["summary"].split())[:300]
            lines.append(f"    {n['target']}  {summary}")
        if len(v["nodes"]) > 10:
            lines.append(f"    … and {len(v['nodes']) - 10} more")
    return "\n".join(lines)


@pytest.fixture
def assert_accessible():
    """assert_accessible(page) fails the test listing every axe-core WCAG 2.1 A/AA violation."""

    def check(page):
        page.wait_for_load_state("load")
        violations = run_axe(page)
        if violations:
            pytest.fail(format_violations(violations, page.url), pytrace=False)
        js_errors = getattr(page, "torg_js_errors", [])
        assert not js_errors, f"JavaScript errors on {page.url}: {js_errors}"

    return check

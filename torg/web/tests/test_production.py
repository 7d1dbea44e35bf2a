"""The production profile, run for real: `TORG_ENV=production`, collectstatic with the manifest
storage, migrate on a fresh database, gunicorn (2 processes × 4 threads) and a db_worker, started by
`scripts/serve.py` exactly as `make serve` does — then checked over HTTP as a browser behind the
TLS proxy and an API client would use it.

The first test runs on both databases: on SQLite with photos on the file system, on PostgreSQL
(a database of its own next to the test database) with photos in a local S3 server (moto, the
real protocol). The scale-out test adds a second server and a second task worker on the same
PostgreSQL database and bucket: a photo uploaded through one server is served by the other, and
sessions, the login lockout and the task queue hold across them.
"""

import json
import os
import re
import uuid
from collections import Counter

import pytest
import requests

from torg.core.testing import S3Double

from . import production_site as ps


@pytest.fixture(scope="module")
def deployment():
    """A fresh production build: the database, the environment, the world in it, and the first
    server (serve.py with collectstatic + migrate, as `make serve`)."""
    directory = ps.scratch_dir()
    database = ps.Database(os.environ.get("DATABASE_URL", ""), directory)
    env = ps.production_env(directory, database.url)
    sites = []
    s3 = None
    if database.postgres:
        s3 = S3Double().start()
        env.update(s3.env(s3.create_bucket("torg-production")))
    try:
        site = ps.Site(env, log_path=directory / "site-a.log", prepare=True)
        sites.append(site)
        site.wait_ready()
        world = ps.create_world(env)
        yield {"env": env, "database": database, "site": site, "token": world["token"], "sites": sites,
               "directory": directory, "resource": world["resource"]}
    finally:
        for site in sites:
            site.terminate()
        for site in sites:
            site.stop()
        if s3 is not None:
            s3.stop()
        database.drop()
        ps.cleanup(directory)


def test_production_run(deployment):
    site, env, database = deployment["site"], deployment["env"], deployment["database"]
    probe = f"production probe {uuid.uuid4().hex}"
    (task_id,) = ps.enqueue_emails(env, [probe])
    browser = ps.Client(site.base)

    # Health and readiness: no login, no HTTPS needed, nothing but ok/failing per check.
    assert requests.get(site.base + "/healthz", timeout=10).json() == {"status": "ok"}
    ready = requests.get(site.base + "/readyz", timeout=10)
    assert ready.status_code == 200
    assert ready.json() == {"status": "ok", "checks": {"database": "ok", "storage": "ok"}}

    # Plain HTTP is redirected to HTTPS; behind the proxy the login page answers.
    plain = browser.get("/accounts/login/", https=False)
    assert plain.status_code == 301 and plain.headers["Location"].startswith("https://")
    login_page = browser.get("/accounts/login/", headers={"X-Request-ID": "prodtest-login-1"})
    assert login_page.status_code == 200
    headers = login_page.headers
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Request-ID"] == "prodtest-login-1"
    assert "Secure" in headers["Set-Cookie"]  # the CSRF cookie

    # Static files: hashed names from the manifest, compressed, cached for ever.
    static_paths = re.findall(r'"(/static/[^"]+\.[0-9a-f]{12}\.(?:css|js))"', login_page.text)
    assert static_paths, login_page.text[:2000]
    static = browser.get(static_paths[0], headers={"Accept-Encoding": "gzip"})
    assert static.status_code == 200
    assert "max-age=315360000" in static.headers["Cache-Control"]
    assert "immutable" in static.headers["Cache-Control"]
    assert static.headers.get("Content-Encoding") == "gzip"

    # Log in through the form (CSRF, Origin) and use a logged-in page.
    login = browser.login("drift", ps.PASSWORD)
    assert login.status_code == 302, login.text[:2000]
    session = browser.last_set_cookies["sessionid"]
    assert session["secure"] and session["httponly"]
    buildings = browser.get("/places/")
    assert buildings.status_code == 200
    assert "Driftshuset" in buildings.text
    assert browser.get("/").status_code == 200
    assert browser.get("/no/such/page/").status_code == 404  # the error page renders (its static files too)

    # The API with a token.
    api = requests.get(site.base + "/api/v1/places/buildings", timeout=10, headers={
        "Authorization": f"Bearer {deployment['token']}", "X-Forwarded-Proto": "https"})
    assert api.status_code == 200, api.text
    assert [b["name"] for b in api.json()["items"]] == ["Driftshuset"]
    anonymous_api = requests.get(site.base + "/api/v1/places/buildings", timeout=10,
                                 headers={"X-Forwarded-Proto": "https"})
    assert anonymous_api.status_code == 401

    # Metrics only with the token.
    assert requests.get(site.base + "/metrics", timeout=10).status_code == 403
    metrics = requests.get(site.base + "/metrics", timeout=10,
                           headers={"Authorization": f"Bearer {env['TORG_METRICS_TOKEN']}"})
    assert metrics.status_code == 200
    assert "django_http_requests_total_by_method_total" in metrics.text

    # The background task queued before is run by the worker.
    ps.wait_for(lambda: probe in ps.sent_subjects(env), 60, f"the task worker did not send {probe!r}")
    assert database.query("SELECT status FROM django_tasks_database_dbtaskresult WHERE id = %s",
                          (task_id.replace("-", "") if not database.postgres else task_id,)) == [("SUCCESSFUL",)]

    # Logs are JSON, one object per line; requests carry their id.
    lines = [json.loads(line) for line in site.log().splitlines() if line.startswith("{")]
    assert {"gunicorn.error", "gunicorn.access", "django_tasks_db"} <= {line["logger"] for line in lines}
    assert any("prodtest-login-1" in line["message"] for line in lines if line["logger"] == "gunicorn.access")


@pytest.mark.postgres_only
def test_two_servers_and_two_workers_share_one_database(deployment):
    env, site_a = deployment["env"], deployment["site"]
    site_b = ps.Site(env, log_path=deployment["directory"] / "site-b.log")
    deployment["sites"].append(site_b)
    site_b.wait_ready()
    a, b = site_a.base, site_b.base
    # Both servers report the shared database and bucket reachable.
    for base in (a, b):
        assert requests.get(base + "/readyz", timeout=10).json() == {
            "status": "ok", "checks": {"database": "ok", "storage": "ok"}}

    # A session started on A is valid on B, and ending it on B ends it on A.
    browser = ps.Client(a)
    assert browser.login("drift", ps.PASSWORD, base=a).status_code == 302
    on_b = browser.get("/places/", base=b)
    assert on_b.status_code == 200 and "Driftshuset" in on_b.text
    assert browser.post_form("/accounts/logout/", {}, base=b, page="/places/").status_code == 302
    assert browser.get("/places/", base=a).status_code == 302

    # A photo uploaded through A (into the bucket) is served by B, to members only.
    photos = f"/booking/resources/{deployment['resource']}/photos/"
    assert browser.login("drift", ps.PASSWORD, base=a).status_code == 302
    jpeg = ps.small_jpeg()
    upload = browser.post_form(photos, {"alt": "Driftsrommet sett fra døra"}, base=a,
                               files={"photo": ("rom.jpg", jpeg, "image/jpeg")})
    assert upload.status_code == 302, upload.text[:3000]
    file_url = re.search(r'src="(/files/[\w-]+/\d+/)"', browser.get(photos, base=b).text).group(1)
    served = browser.get(file_url, base=b)
    assert served.status_code == 302  # to a short-lived signed URL of the bucket
    assert served.headers["Location"].startswith(env["TORG_S3_ENDPOINT_URL"])
    photo = requests.get(served.headers["Location"], timeout=30)
    assert photo.status_code == 200 and photo.content[:2] == b"\xff\xd8"  # the JPEG, re-encoded
    assert ps.Client(b).get(file_url).status_code == 404  # anonymous: nothing to see
    assert browser.post_form("/accounts/logout/", {}, base=a, page="/places/").status_code == 302

    # Failed logins count across servers: five wrong passwords spread over A and B lock the
    # account on both, even for the right password.
    attacker = ps.Client(a)
    for n, base in enumerate([a, b, a, b]):
        assert attacker.login("laas", f"wrong-{n}", base=base).status_code == 200
    assert attacker.login("laas", "wrong-4", base=b).status_code == 429
    assert attacker.login("laas", ps.PASSWORD, base=a).status_code == 429
    assert attacker.login("laas", ps.PASSWORD, base=b).status_code == 429

    # Tasks queued once are run exactly once, by one of the two workers.
    subjects = [f"scale-out {n} {uuid.uuid4().hex}" for n in range(20)]
    ids = ps.enqueue_emails(env, subjects)
    database = deployment["database"]

    def finished():
        rows = database.query("SELECT status, worker_ids FROM django_tasks_database_dbtaskresult WHERE id = ANY(%s)",
                              ([uuid.UUID(i) for i in ids],))
        return rows if len(rows) == len(ids) and all(status == "SUCCESSFUL" for status, _ in rows) else None

    rows = ps.wait_for(finished, 90, "the 20 tasks were not all run")
    assert all(len(worker_ids) == 1 for _, worker_ids in rows)
    sent = Counter(s for s in ps.sent_subjects(env) if s.startswith("scale-out "))
    assert sent == Counter(subjects)  # every e-mail once: no task ran twice, none was lost
    print("tasks per worker:", Counter(worker_ids[0] for _, worker_ids in rows))

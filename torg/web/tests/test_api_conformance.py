"""API conformance: Schemathesis over the whole OpenAPI of a real, demo-loaded server.

A `runserver` process (development profile, DEBUG on: the profile where a traceback would leak) is
started on a database of its own — SQLite in a temporary directory, or, when the suite runs on
PostgreSQL, a database named after the suite's with `_conformance` — migrated and loaded with
`manage.py demo`. Schemathesis (pinned in requirements-dev.txt, which CI installs) then generates
requests for every operation with a fixed seed and a bounded number of cases (`MAX_EXAMPLES` per
operation, positive and negative), once with an administrator's API token (every kind of write)
and once with a citizen's (mostly refusals), on both databases. Any server error, response that
does not match its schema, undeclared status code or undeclared content type fails the test, and
the figures are printed (`-s` shows them); a failure shows Schemathesis's report of it.

Budget: about two minutes per database on a quiet CI machine (migrate ≈ 25 s and the demo ≈ 30 s
of CPU, then ≈ 450 cases and 20 s per user). Schemathesis's coverage phase (every boundary and
type violation the schema defines, ≈ 5 400 cases and 2 minutes of CPU for the administrator alone)
is left out of CI; run it locally with
`TORG_CONFORMANCE_PHASES=examples,coverage,fuzzing .venv/bin/pytest -s torg/web/tests/test_api_conformance.py`.
"""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections import defaultdict
from pathlib import Path

import pytest

from . import production_site as ps

ROOT = Path(__file__).resolve().parents[3]
CHECKS = "not_a_server_error,status_code_conformance,response_schema_conformance,content_type_conformance"
MAX_EXAMPLES = 5  # cases per operation: keeps both runs to about a minute on a CI machine
SEED = 1
PHASES = os.environ.get("TORG_CONFORMANCE_PHASES", "examples,fuzzing")
USERS = ["admin", "innbygger"]  # Storvik's administrator and a citizen (demo logins)

TOKENS = """
import json
from torg.accounts.models import User
from torg.accounts.services import api_token_create
out = {}
for name in %r:
    user = User.objects.get(username=name)
    _token, out[name] = api_token_create(actor=user, tenant=user.memberships.get(is_active=True).tenant,
                                         name="conformance")
print("TOKENS=" + json.dumps(out))
""" % (USERS,)


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _database_url():
    """SQLite in the temporary directory, or a fresh PostgreSQL database beside the suite's."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        return None
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(url)
    name = f"{config['NAME']}_conformance"
    with psycopg.connect(host=config["HOST"], port=config["PORT"] or 5432, user=config["USER"],
                         password=config["PASSWORD"], dbname="postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return url.rsplit("/", 1)[0] + "/" + name


def _manage(env, *args, **kwargs):
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, text=True,
                          **kwargs)


@pytest.fixture(scope="module")
def server():
    # A directory of its own (in /dev/shm when there is one), not pytest's tmp_path: pytest deletes
    # all but its three newest tmp_path trees, so other pytest sessions on the machine would remove
    # the server's database under it.
    var = ps.scratch_dir("torg-conformance-")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST_"))}
    env.update(TORG_VAR_DIR=str(var), TORG_ENV="development", TORG_DEBUG="1", PYTHONUNBUFFERED="1")
    env.pop("DATABASE_URL", None)
    if database_url := _database_url():
        env["DATABASE_URL"] = database_url
    started = time.monotonic()
    _manage(env, "migrate", "--no-input", "-v0")
    _manage(env, "demo", stdout=subprocess.DEVNULL)
    out = _manage(env, "shell", "-c", TOKENS, capture_output=True).stdout
    tokens = json.loads(out.split("TOKENS=", 1)[1])
    print(f"\nconformance: database migrated and demo loaded in {time.monotonic() - started:.0f} s")
    port = _free_port()
    log = (var / "server.log").open("w")
    proc = subprocess.Popen([sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
                            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{base}/api/v1/openapi.json", timeout=5)
                break
            except OSError:
                if proc.poll() is not None:
                    raise RuntimeError((var / "server.log").read_text()) from None
                time.sleep(0.5)
        else:
            raise RuntimeError("the server did not answer within a minute")
        yield {"base": base, "tokens": tokens, "var": var}
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()
        ps.cleanup(var)


@pytest.mark.parametrize("username", USERS)
def test_the_api_conforms_to_its_openapi(server, username):
    report = server["var"] / f"schemathesis-{username}.json"
    cmd = [str(Path(sys.executable).with_name("st")), "run", f"{server['base']}/api/v1/openapi.json",
           "-H", f"Authorization: Bearer {server['tokens'][username]}", "--checks", CHECKS,
           "--phases", PHASES, "--max-examples", str(MAX_EXAMPLES), "--seed", str(SEED),
           "--workers", "1", "--generation-database", "none", "--no-color", "--report", "json",
           "--report-json-path", str(report), "--request-timeout", "60"]
    result = subprocess.run(cmd, cwd=server["var"], capture_output=True, text=True)
    assert report.exists(), result.stdout[-5000:] + result.stderr[-5000:]
    data = json.loads(report.read_text())
    cases, failures = data["test_cases"], data["failures"]
    print(f"\nconformance ({username}): {data['operations']['tested']} operations, {cases['generated']} cases, "
          f"{cases['unique_failures']} unique failures, {cases['errored']} errored, "
          f"{data['running_time']:.0f} s")
    assert data["operations"]["tested"] == data["operations"]["total"] > 0
    assert result.returncode == 0 and not failures and not data["errors"], result.stdout[-20000:]


def test_every_schema_name_and_operation_id_in_the_openapi_is_unique():
    """django-ninja names a component after its class and a second class of the same name silently
    replaces the first: another app's `ItemOut` made the reuse items' answers look wrong to every
    client (and to Schemathesis). Each name in the OpenAPI must belong to one schema class, and each
operation has its own operationId (its module and function name)."""
    from ninja import Schema

    from torg.api import api

    openapi = api.get_openapi_schema()
    ids = [op["operationId"] for path in openapi["paths"].values() for op in path.values()]
    assert len(ids) == len(set(ids)), "two operations share an operationId"
    names = set(openapi["components"]["schemas"])
    classes, todo = defaultdict(set), [Schema]
    while todo:
        cls = todo.pop()
        todo += cls.__subclasses__()
        if cls.__module__.startswith("torg.") and ".tests" not in cls.__module__ and cls.__name__ in names:
            classes[cls.__name__].add(f"{cls.__module__}.{cls.__qualname__}")
    assert len(classes) > 50
    assert {name: where for name, where in classes.items() if len(where) > 1} == {}

#!/usr/bin/env python
"""Concurrent survey submissions through gunicorn: can Torg take 50 answers a second, sustained?

    .venv/bin/python bench/survey_load.py [--postgres URL | --sqlite] [--rate 50] [--seconds 30]
                                          [--workers 2] [--threads 8]

Builds the production profile as bench/scaleout.py does (a fresh database — PostgreSQL beside
--postgres, default $TORG_TEST_POSTGRES_URL, or SQLite with --sqlite — collectstatic, migrate,
`scripts/serve.py` = gunicorn + db_worker on loopback), creates an open participation process
(anonymous input) with a survey of five questions (single and multiple choice, scale, points,
free text), then sends submissions at a fixed rate (open loop: a new participant starts every
1/rate seconds whatever the server does). Each submission is what a phone does: GET the survey
(session and CSRF cookie), POST the answers, expect the redirect to the process page.

Prints and writes to bench/results/survey-load-<timestamp>.json: submissions started and completed
per second, errors, p50/p95 latency of the POST, how late the generator fell behind its schedule,
and the responses counted in the database afterwards (must equal the successful submissions).
The load generator runs on the same machine and takes CPU from the server.
"""

import argparse
import datetime
import json
import os
import re
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from torg.web.tests import production_site as ps  # noqa: E402

SURVEY = """
import json
from torg.accounts.models import Tenant, User
from torg.participation import services
tenant = Tenant.objects.get(slug="prodvik")
admin = User.objects.get(username="drift")
process = services.process_create(actor=admin, tenant=tenant, title="Last", purpose="Belastningstest",
                                  moderation="post")
process = services.process_set_status(actor=admin, process=process, status="open")
survey = services.survey_create(actor=admin, process=process, title="Åpningstider")
q = [services.question_add(actor=admin, survey=survey, kind="single", text="Hvem?", options=["A", "B", "C"]),
     services.question_add(actor=admin, survey=survey, kind="multiple", text="Når?", options=["Dag", "Kveld", "Helg"]),
     services.question_add(actor=admin, survey=survey, kind="scale", text="Hvor fornøyd?"),
     services.question_add(actor=admin, survey=survey, kind="points", text="Poeng", options=["X", "Y"]),
     services.question_add(actor=admin, survey=survey, kind="text", text="Noe mer?")]
survey = services.survey_set_status(actor=admin, survey=survey, status="open")
print(json.dumps({"path": f"/participation/p/{process.code}/s/{survey.code}/", "q": [x.pk for x in q],
                  "survey": survey.pk}))
"""

COUNT = """
import json
from torg.participation.models import Response
print(json.dumps(Response.objects.filter(survey_id=SURVEY_ID).count()))
"""


def submit(base, path, q, n):
    """One participant: GET the survey, POST the answers. Returns (ok, seconds for the POST)."""
    client = ps.Client(base)
    page = client.get(path)
    if page.status_code != 200:
        return False, 0.0
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    origin = "https://" + base.split("//", 1)[1]
    data = {"csrfmiddlewaretoken": token, f"q{q[0]}": str(n % 3), f"q{q[1]}": ["0", "2"], f"q{q[2]}": str(1 + n % 5),
            f"q{q[3]}_0": "70", f"q{q[3]}_1": "30", f"q{q[4]}": f"Svar nummer {n}"}
    started = time.perf_counter()
    response = client.request("POST", path, data=data, headers={"Origin": origin, "Referer": origin + path})
    return response.status_code == 302, time.perf_counter() - started


def run(base, path, q, rate, seconds, pool_size):
    results, lateness = [], []
    lock = threading.Lock()
    total = int(rate * seconds)

    def one(n, due):
        lateness.append(max(0.0, time.monotonic() - due))
        try:
            outcome = submit(base, path, q, n)
        except Exception:  # noqa: BLE001 — a refused or broken connection is an error of the run
            outcome = (False, 0.0)
        with lock:
            results.append(outcome)

    start = time.monotonic()
    with ThreadPoolExecutor(max_workers=pool_size) as pool:
        for n in range(total):
            due = start + n / rate
            delay = due - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            pool.submit(one, n, due)
        started_for = time.monotonic() - start
    finished_for = time.monotonic() - start
    ok = [s for good, s in results if good]
    post = sorted(ok)
    return {
        "target_per_s": rate, "submissions": total, "ok": len(ok), "errors": total - len(ok),
        "started_per_s": round(total / started_for, 1), "completed_per_s": round(len(ok) / finished_for, 1),
        "seconds": round(finished_for, 1),
        "post_p50_ms": round(statistics.median(post) * 1000) if post else None,
        "post_p95_ms": round(post[int(len(post) * 0.95) - 1] * 1000) if post else None,
        "max_late_ms": round(max(lateness) * 1000) if lateness else None,
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", default=os.environ.get("TORG_TEST_POSTGRES_URL",
                                                             "postgres://torg:torg@127.0.0.1:5432/torg"))
    parser.add_argument("--sqlite", action="store_true", help="SQLite instead of PostgreSQL")
    parser.add_argument("--rate", type=float, default=50)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--pool", type=int, default=64, help="client threads (participants at once)")
    options = parser.parse_args(argv)

    directory = ps.scratch_dir("torg-survey-load-")
    database = None
    if options.sqlite:
        url = f"sqlite:///{directory / 'torg.sqlite3'}"
    else:
        database = ps.Database(options.postgres, directory)
        url = database.url
    env = ps.production_env(directory, url, TORG_LOG_LEVEL="WARNING", TORG_ACCESS_LOG="")
    site = None
    try:
        print(f"building the production profile ({'SQLite' if options.sqlite else database.name}) …", flush=True)
        site = ps.Site(env, log_path=directory / "site.log", workers=options.workers, threads=options.threads,
                       prepare=True)
        site.wait_ready()
        ps.create_world(env)
        world = ps.run_python(env, SURVEY)
        run(site.base, world["path"], world["q"], 5, 2, 8)  # warm-up: templates, connections
        before = ps.run_python(env, f"SURVEY_ID = {world['survey']}\n" + COUNT)
        result = run(site.base, world["path"], world["q"], options.rate, options.seconds, options.pool)
        result["responses_in_database"] = ps.run_python(env, f"SURVEY_ID = {world['survey']}\n" + COUNT) - before
    finally:
        if site is not None:
            site.stop()
        if database is not None:
            database.drop()
        ps.cleanup(directory)

    print(f"\n{options.rate:g} submissions/s for {options.seconds:g} s, gunicorn {options.workers} processes × "
          f"{options.threads} threads, {os.cpu_count()} CPU cores, {'SQLite' if options.sqlite else 'PostgreSQL'}")
    for key, value in result.items():
        print(f"  {key:<24} {value}")
    out = ROOT / "bench" / "results" / f"survey-load-{datetime.datetime.now():%Y%m%d-%H%M%S}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"options": vars(options) | {"postgres": "…"}, "cpu_count": os.cpu_count(),
                               "result": result}, indent=2))
    print(f"\nwritten to {out.relative_to(ROOT)}")
    return 0 if result["errors"] == 0 and result["responses_in_database"] == result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python
"""Requests per second through gunicorn for a read-heavy mix: one app server, then two.

    .venv/bin/python bench/scaleout.py [--postgres URL] [--seconds 20] [--clients 16]
                                       [--workers 2] [--threads 4] [--demo]

Builds the production profile as the production test does (torg/web/tests/production_site.py):
a fresh PostgreSQL database next to the one in --postgres (default $TORG_TEST_POSTGRES_URL or
postgres://torg:torg@127.0.0.1:5432/torg), collectstatic, migrate, a small world (or the demo data
with --demo), then `scripts/serve.py` servers on loopback. `--clients` threads send the mix for
`--seconds` to server A alone, then spread over A and B (two servers × --workers processes ×
--threads threads, each with one db_worker). The mix, per 10 requests: 3 logged-in pages
(building list), 2 dashboards, 2 API lists with a token, 2 static files, 1 login page.

The load comes from `wrk` when it is installed (`apt-get install wrk`; light, so the servers get
most of the CPU: two servers = one wrk per server with half the connections each), else from Python
threads. Prints a table and writes bench/results/scaleout-<timestamp>.json. The load generator runs
on the same machine and takes CPU from the servers: compare the rows, not with other machines.
"""

import argparse
import datetime
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from torg.web.tests import production_site as ps  # noqa: E402

MIX = ["page", "page", "page", "dashboard", "dashboard", "api", "api", "static", "static", "login"]


def prepare_requests(base, token, static_path, session_cookie):
    https = {"X-Forwarded-Proto": "https"}
    logged_in = {**https, "Cookie": f"sessionid={session_cookie}"}
    return {
        "page": (f"{base}/places/", logged_in),
        "dashboard": (f"{base}/", logged_in),
        "api": (f"{base}/api/v1/places/buildings?limit=50", {**https, "Authorization": f"Bearer {token}"}),
        "static": (f"{base}{static_path}", {**https, "Accept-Encoding": "gzip"}),
        "login": (f"{base}/accounts/login/", https),
    }


def run_load(targets, clients, seconds):
    """`clients` threads, each with a keep-alive session, cycle through MIX on the targets (one
    dict per server, taken in turn) until `seconds` have passed."""
    latencies, errors = [], []
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def client(n):
        session = requests.Session()
        mine, bad = [], 0
        i = n
        while time.monotonic() < stop_at:
            url, headers = targets[i % len(targets)][MIX[i % len(MIX)]]
            started = time.perf_counter()
            try:
                response = session.get(url, headers=headers, allow_redirects=False, timeout=30)
                ok = response.status_code == 200
            except requests.RequestException:
                ok = False
            mine.append(time.perf_counter() - started)
            bad += not ok
            i += 1
        with lock:
            latencies.extend(mine)
            errors.append(bad)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    latencies.sort()
    return {
        "requests": len(latencies),
        "errors": sum(errors),
        "seconds": round(elapsed, 1),
        "rps": round(len(latencies) / elapsed, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 1),
        "p95_ms": round(latencies[int(len(latencies) * 0.95) - 1] * 1000, 1),
    }


WRK_SCRIPT = """
local requests = {}
for i, r in ipairs(MIX) do requests[i] = wrk.format("GET", r[1], r[2]) end
local n = 0
request = function()
  n = n + 1
  return requests[(n %% #requests) + 1]
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT %%d %%d %%d %%d %%d\\n", summary.requests, summary.duration,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status + summary.errors.timeout,
    latency:percentile(50), latency:percentile(95)))
end
"""


def wrk_script(target):
    """A Lua script that cycles through MIX with the target's paths and headers."""
    entries = []
    for kind in MIX:
        url, headers = target[kind]
        path = url.split("/", 3)[3]
        lua_headers = ", ".join(f'["{k}"] = "{v}"' for k, v in headers.items())
        entries.append(f'{{"/{path}", {{{lua_headers}}}}}')
    return "MIX = {" + ", ".join(entries) + "}\n" + WRK_SCRIPT % ()


def run_wrk(targets, clients, seconds):
    """One wrk per target with an equal share of the connections, all at once; added up."""
    procs = []
    with tempfile.TemporaryDirectory() as tmp:
        for n, target in enumerate(targets):
            script = Path(tmp) / f"mix{n}.lua"
            script.write_text(wrk_script(target))
            base = target["page"][0].split("/places/")[0]
            procs.append(subprocess.Popen(
                ["wrk", "--threads", "1", "--connections", str(max(1, clients // len(targets))),
                 "--duration", f"{int(seconds)}s", "--timeout", "30s", "--script", str(script), base],
                stdout=subprocess.PIPE, text=True))
        outputs = [proc.communicate()[0] for proc in procs]
    total, errors, p50, p95, duration = 0, 0, [], [], 0
    for out in outputs:
        line = next(line for line in out.splitlines() if line.startswith("RESULT "))
        reqs, micros, errs, lat50, lat95 = map(int, line.split()[1:])
        total += reqs
        errors += errs
        duration = max(duration, micros / 1e6)
        p50.append(lat50 / 1000)
        p95.append(lat95 / 1000)
    return {"requests": total, "errors": errors, "seconds": round(duration, 1), "rps": round(total / duration, 1),
            "p50_ms": round(max(p50), 1), "p95_ms": round(max(p95), 1), "generator": "wrk"}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", default=os.environ.get("TORG_TEST_POSTGRES_URL",
                                                             "postgres://torg:torg@127.0.0.1:5432/torg"))
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--demo", action="store_true", help="load the demo data (slower to build)")
    parser.add_argument("--python", action="store_true", help="Python threads even when wrk is installed")
    options = parser.parse_args(argv)
    load = run_load if options.python or not shutil.which("wrk") else run_wrk

    directory = ps.scratch_dir("torg-scaleout-")
    database = ps.Database(options.postgres, directory)
    env = ps.production_env(directory, database.url, TORG_LOG_LEVEL="WARNING", TORG_ACCESS_LOG="")
    sites = []
    try:
        print(f"building the production profile on {database.name} …", flush=True)
        a = ps.Site(env, log_path=directory / "a.log", workers=options.workers, threads=options.threads,
                    prepare=True)
        sites.append(a)
        a.wait_ready()
        token = ps.create_world(env)["token"]
        user = "drift"
        if options.demo:
            ps.manage(env, "demo", timeout=1800)
        browser = ps.Client(a.base)
        login_page = browser.get("/accounts/login/").text
        assert browser.login(user, ps.PASSWORD).status_code == 302
        static_path = re.findall(r'"(/static/[^"]+\.[0-9a-f]{12}\.css)"', login_page)[0]
        session = browser.cookies["sessionid"]

        results = {}
        target_a = prepare_requests(a.base, token, static_path, session)
        run_load([target_a], options.clients, 3)  # warm-up: templates, connections
        results["one server"] = load([target_a], options.clients, options.seconds)

        b = ps.Site(env, log_path=directory / "b.log", workers=options.workers, threads=options.threads)
        sites.append(b)
        b.wait_ready()
        target_b = prepare_requests(b.base, token, static_path, session)
        run_load([target_b], options.clients, 3)
        results["two servers"] = load([target_a, target_b], options.clients, options.seconds)
    finally:
        for site in sites:
            site.terminate()
        for site in sites:
            site.stop()
        database.drop()
        ps.cleanup(directory)

    print(f"\n{options.clients} clients, {options.seconds:g} s, each server {options.workers} processes × "
          f"{options.threads} threads, {os.cpu_count()} CPU cores")
    print(f"{'':<12} {'req/s':>8} {'requests':>9} {'errors':>7} {'p50 ms':>8} {'p95 ms':>8}")
    for name, r in results.items():
        print(f"{name:<12} {r['rps']:>8} {r['requests']:>9} {r['errors']:>7} {r['p50_ms']:>8} {r['p95_ms']:>8}")
    out = ROOT / "bench" / "results" / f"scaleout-{datetime.datetime.now():%Y%m%d-%H%M%S}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"options": vars(options) | {"postgres": "…"}, "cpu_count": os.cpu_count(),
                               "results": results}, indent=2))
    print(f"\nwritten to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()

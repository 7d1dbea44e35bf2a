#!/usr/bin/env python
"""Torg benchmarks: one command that prints a table and writes JSON.

    .venv/bin/python bench/run.py [--db sqlite|postgres|both] [--scenario NAME] [--quick]

Runs against its own database (never var/torg.sqlite3 or the `torg` PostgreSQL database):
  sqlite    var/bench/torg-bench.sqlite3 (--quick: torg-bench-quick.sqlite3)
  postgres  TORG_BENCH_POSTGRES_URL, default postgres://torg:torg@127.0.0.1:5432/torg_bench
            (--quick: database name + "_quick"); created when missing.
The generated data set is kept between runs and rebuilt when its version or size changes
(or with --fresh). Results: bench/results/<timestamp>-<db>.json and bench/results/latest.json.
See docs/benchmarks.md.
"""

import argparse
import datetime
import importlib
import json
import os
import platform
import subprocess
import sys
import time
import warnings
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
DEFAULT_POSTGRES_URL = "postgres://torg:torg@127.0.0.1:5432/torg_bench"
DATABASES = ("sqlite", "postgres")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=[*DATABASES, "both"], default=os.environ.get("TORG_BENCH_DB", "sqlite"),
                        help="database to run on (default: sqlite, or $TORG_BENCH_DB)")
    parser.add_argument("--scenario", action="append", metavar="NAME",
                        help="run only this scenario (repeatable; default: all registered)")
    parser.add_argument("--quick", action="store_true", help="small data set and fewer iterations (smoke test)")
    parser.add_argument("--iterations", "-n", type=int, help="timed requests per case (default 30, quick 10)")
    parser.add_argument("--warmup", type=int, help="untimed requests before timing (default 5, quick 2)")
    parser.add_argument("--fresh", action="store_true", help="throw away the cached data set and regenerate it")
    parser.add_argument("--reconnect", action="store_true",
                        help="open a new database connection for every timed request, as CONN_MAX_AGE=0 does "
                             "behind a real server (the test client otherwise keeps one open)")
    parser.add_argument("--markdown", action="store_true", help="also print the table as Markdown")
    parser.add_argument("--timestamp", help=argparse.SUPPRESS)
    parser.add_argument("--no-latest", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.iterations is None:
        args.iterations = 10 if args.quick else 30
    if args.warmup is None:
        args.warmup = 2 if args.quick else 5
    if args.iterations < 1 or args.warmup < 0:
        parser.error("--iterations must be ≥ 1 and --warmup ≥ 0")
    return args


def log(message):
    print(message, file=sys.stderr, flush=True)


# --- Databases ------------------------------------------------------------------------------
def sqlite_url(quick, fresh):
    folder = ROOT / "var" / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / ("torg-bench-quick.sqlite3" if quick else "torg-bench.sqlite3")
    if fresh:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{path}"


def postgres_url(quick, fresh):
    """The bench database URL; the database is created on the server when missing."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(os.environ.get("TORG_BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL))
    name = (parts.path.lstrip("/") or "torg_bench") + ("_quick" if quick else "")
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    try:
        conn = psycopg.connect(maintenance, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        raise SystemExit(f"bench: cannot reach PostgreSQL at {parts.hostname}:{parts.port or 5432}: {exc}\n"
                         "Start a server or set TORG_BENCH_POSTGRES_URL.") from exc
    with conn:
        if fresh:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            log(f"  creating database {name}")
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return urlunsplit(parts._replace(path=f"/{name}"))


def _db_version(connection):
    if connection.vendor == "sqlite":
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version}"
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        return cursor.fetchone()[0].split(" on ")[0]


def _git_commit():
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                             timeout=5)
        return out.stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


# --- One database in this process ------------------------------------------------------------
def load_scenarios(names):
    from bench.scenarios import SCENARIOS

    modules = [importlib.import_module(path) for path in SCENARIOS]
    if not names:
        return modules
    by_name = {m.NAME: m for m in modules}
    unknown = [n for n in names if n not in by_name]
    if unknown:
        raise SystemExit(f"bench: unknown scenario {', '.join(unknown)} (available: {', '.join(by_name)})")
    return [by_name[n] for n in names]


def lock_database(db, quick):
    """One bench run per bench database at a time: a second one waits (a generating run holds the
    SQLite write lock far longer than Django's busy timeout). The lock lasts until the process ends."""
    import fcntl

    folder = ROOT / "var" / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{db}{'-quick' if quick else ''}"
    if db == "postgres":  # one lock per server and database, so runs on different databases don't queue
        parts = urlsplit(os.environ.get("TORG_BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL))
        name += "-" + "".join(c if c.isalnum() else "_" for c in f"{parts.hostname}_{parts.port or 5432}{parts.path}")
    handle = open(folder / f".lock-{name}", "w")  # noqa: SIM115 (kept open)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        log("  another bench run is using this database; waiting for it to finish ...")
        fcntl.flock(handle, fcntl.LOCK_EX)
    return handle


def run_database(args, db, timestamp):
    log(f"== {db}{' (quick)' if args.quick else ''}")
    lock = lock_database(db, args.quick)  # noqa: F841 (held until the process exits)
    url = sqlite_url(args.quick, args.fresh) if db == "sqlite" else postgres_url(args.quick, args.fresh)
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "torg.settings"
    os.environ["TORG_DEBUG"] = "0"  # as in production: no query log, no debug toolbar-ish overhead
    sys.path.insert(0, str(ROOT))

    import django

    # WhiteNoise warns when var/static/ (collectstatic output) is missing; the bench never serves static files.
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from bench import core, dataset
    from torg.places.models import Building, Floor, Property, Room

    modules = load_scenarios(args.scenario)
    try:
        call_command("migrate", interactive=False, verbosity=0)
    except Exception as exc:  # e.g. a migration was rewritten after the cached database was built
        log(f"  migrations do not apply to the cached database ({exc.__class__.__name__}: {exc}); rebuilding it")
        connection.close()
        if db == "sqlite":
            sqlite_url(args.quick, fresh=True)
        else:
            postgres_url(args.quick, fresh=True)
        call_command("migrate", interactive=False, verbosity=0)
    size = dataset.sizes(args.quick)
    started = time.perf_counter()
    cached = dataset.is_cached(size)
    main, other, users = dataset.ensure(size, 20260, log)
    log(f"  data set {'reused from cache' if cached else 'generated'} in {time.perf_counter() - started:.1f} s")

    ctx = core.Context(db=db, quick=args.quick, iterations=args.iterations, warmup=args.warmup,
                       tenant=main, other_tenant=other, users=users, reconnect=args.reconnect)
    ctx.sizes = {
        "properties": Property.objects.filter(tenant=main).count(),
        "buildings": Building.objects.filter(tenant=main).count(),
        "floors": Floor.objects.filter(tenant=main).count(),
        "rooms": Room.objects.filter(tenant=main).count(),
        "other_tenant_buildings": Building.objects.filter(tenant=other).count(),
        "other_tenant_rooms": Room.objects.filter(tenant=other).count(),
    }
    for key, user in users.items():
        client = Client()
        client.force_login(user)
        ctx.clients[key] = client

    load_start = list(os.getloadavg())
    results = []
    for module in modules:
        module.setup(ctx)
        for case in module.cases(ctx):
            log(f"  {case.name} ...")
            row = core.measure(ctx, module.NAME, case)
            row["db"] = db
            results.append(row)

    run = {
        "timestamp": timestamp,
        "db": db,
        "database": {"vendor": connection.vendor, "version": _db_version(connection),
                     "name": str(connection.settings_dict["NAME"])},
        "quick": args.quick,
        "iterations": args.iterations,
        "warmup": args.warmup,
        "reconnect": args.reconnect,
        "dataset": {"version": dataset.VERSION, **ctx.sizes},
        "environment": {
            "python": platform.python_version(), "django": django.get_version(), "platform": platform.platform(),
            "cpus": os.cpu_count(), "git_commit": _git_commit(),
            "load_average_start": load_start, "load_average_end": list(os.getloadavg()),
        },
        "results": results,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{timestamp}-{db}.json"
    path.write_text(json.dumps(run, indent=2, ensure_ascii=False) + "\n")
    log(f"  wrote {path.relative_to(ROOT)}")
    return run


# --- Entry point ----------------------------------------------------------------------------
def print_table(runs, markdown=False):
    from bench.core import format_markdown, format_table

    rows = [r for run in runs for r in run["results"]]
    sizes = runs[0]["dataset"]
    print()
    print(f"Torg benchmarks – {sizes['buildings']} buildings / {sizes['rooms']} rooms"
          f"{' (quick)' if runs[0]['quick'] else ''}; median and p95 of {runs[0]['iterations']} requests; "
          "ratio = app median / SQL median")
    print(format_table(rows))
    if markdown:
        print()
        print(format_markdown(rows))


def write_latest(runs):
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps({"runs": runs}, indent=2, ensure_ascii=False) + "\n")


def main(argv=None):
    args = parse_args(argv)
    sys.path.insert(0, str(ROOT))
    timestamp = args.timestamp or datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    if args.db != "both":
        run = run_database(args, args.db, timestamp)
        if not args.no_latest:
            write_latest([run])
            print_table([run], args.markdown)
        return 0

    # Django settings are per process: one child process per database, then one combined table.
    passthrough = ["--iterations", str(args.iterations), "--warmup", str(args.warmup)]
    passthrough += ["--quick"] * args.quick + ["--fresh"] * args.fresh + ["--reconnect"] * args.reconnect
    for name in args.scenario or []:
        passthrough += ["--scenario", name]
    runs = []
    for db in DATABASES:
        cmd = [sys.executable, str(Path(__file__).resolve()), "--db", db, "--timestamp", timestamp, "--no-latest",
               *passthrough]
        code = subprocess.run(cmd, cwd=ROOT).returncode
        if code:
            return code
        runs.append(json.loads((RESULTS / f"{timestamp}-{db}.json").read_text()))
    write_latest(runs)
    print_table(runs, args.markdown)
    return 0


if __name__ == "__main__":
    sys.exit(main())

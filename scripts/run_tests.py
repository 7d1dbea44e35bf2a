"""Run the whole test suite: on SQLite, then on PostgreSQL when TORG_TEST_POSTGRES_URL is set.

    .venv/bin/python scripts/run_tests.py [extra pytest arguments]

- SQLite run: every test, browser tests included (Playwright + Debian's Chromium + axe-core),
  except those marked postgres_only.
- PostgreSQL run (DATABASE_URL=$TORG_TEST_POSTGRES_URL): every test except the browser ones
  (`-m "not browser"`; set TORG_TEST_PG_BROWSER=1 to run those too).
- TORG_TEST_WORKERS: pytest-xdist workers (default 2; 1 = serial).
- Under CI=true nothing may be skipped for lack of a tool: a missing PostgreSQL URL or Chromium
  is an error, and so is any skipped test.

Exits non-zero when any run fails. Extra arguments are passed to every pytest run.
"""

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

CHROMIUM = os.environ.get("TORG_CHROMIUM", "/usr/bin/chromium")
AXE = ROOT / "torg" / "web" / "static" / "vendor" / "axe-core" / "axe.min.js"
# pytest's last line: "3 failed, 120 passed, 2 warnings in 61.2s (0:01:01)" (with "=" around unless -q).
SUMMARY = re.compile(r"^=*\s*(\d+ (passed|failed|errors?|skipped|deselected|warnings?)|no tests ran)\b.* in [\d.]+s")


def fail(message):
    print(f"run_tests: {message}", file=sys.stderr)
    sys.exit(2)


def prepare(ci):
    import compile_messages

    compile_messages.main()
    if not AXE.exists():
        if (ROOT / "node_modules").exists():
            import copy_assets

            copy_assets.main()
        else:
            fail(f"{AXE.relative_to(ROOT)} is missing: run `make install` (npm ci + scripts/copy_assets.py)")
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        message = f"Chromium not found at {CHROMIUM} (apt-get install chromium); browser tests need it"
        if ci:
            fail(message)
        print(f"run_tests: WARNING: {message} – they will fail", file=sys.stderr)


def run(label, extra_env, args):
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    env.update(extra_env)
    env.setdefault("PYTHONUNBUFFERED", "1")
    cmd = [sys.executable, "-m", "pytest", *args]
    print(f"\n=== {label}: {' '.join(cmd)}", flush=True)
    started = time.monotonic()
    summary = ""
    skipped = False
    with subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          bufsize=1) as proc:
        for line in proc.stdout:
            sys.stdout.write(line)
            stripped = line.strip()
            if SUMMARY.match(stripped):
                summary = stripped.strip("= ")
                skipped = skipped or " skipped" in stripped
    code = proc.returncode
    return {"label": label, "code": code, "summary": summary or f"pytest exited with {code}",
            "seconds": time.monotonic() - started, "skipped": skipped}


def main(argv):
    ci = os.environ.get("CI", "").lower() in ("1", "true", "yes")
    pg_url = os.environ.get("TORG_TEST_POSTGRES_URL", "")
    if ci and not pg_url:
        fail("CI=true but TORG_TEST_POSTGRES_URL is not set: the suite must also run on PostgreSQL")
    prepare(ci)

    workers = int(os.environ.get("TORG_TEST_WORKERS", "2"))
    base = ["-q", "-r", "fEs", "--durations=5"]
    if workers > 1:
        base += ["-n", str(workers), "--dist", "loadfile"]
    base += argv

    results = [run("SQLite", {}, [*base, "-m", "not postgres_only"])]
    if pg_url:
        pg_args = list(base)
        if os.environ.get("TORG_TEST_PG_BROWSER") != "1":
            pg_args += ["-m", "not browser"]
        results.append(run("PostgreSQL", {"DATABASE_URL": pg_url}, pg_args))
    else:
        print("\nrun_tests: TORG_TEST_POSTGRES_URL not set – PostgreSQL run left out (CI runs it)")

    print("\n=== Summary")
    ok = True
    for r in results:
        status = "OK" if r["code"] == 0 else "FAILED"
        if ci and r["skipped"]:
            status = "FAILED (tests were skipped; nothing may skip in CI)"
        ok = ok and status == "OK"
        print(f"{r['label']:<11} {status:<7} {r['summary']}  [{r['seconds']:.0f} s]")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Run Torg's production profile on this machine: gunicorn and background task workers.

    .venv/bin/python scripts/serve.py [--bind 127.0.0.1:8000] [--workers N] [--threads N]
                                      [--task-workers N] [--no-prepare]

`make serve` runs this. It is what a deployment runs, in one command:

1. unless --no-prepare: `manage.py collectstatic --no-input` and `manage.py migrate --no-input`;
2. `gunicorn torg.wsgi` (settings in gunicorn.conf.py) on --bind;
3. --task-workers × `manage.py db_worker` (the database task queue).

It stops them all on Ctrl+C or SIGTERM, and when one of them ends it stops the others and exits
non-zero, so a supervisor sees the failure. The environment is passed on unchanged, except for
these defaults when a variable is not set (handy for trying the production profile locally; a
real deployment sets them, see docs/deployment.md):

- `TORG_ENV=production`;
- `TORG_SECRET_KEY`: a random key kept in `$TORG_VAR_DIR/secret_key` (created once, mode 600);
- `TORG_ALLOWED_HOSTS`: `localhost`, `127.0.0.1` and the host of --bind;
- `PROMETHEUS_MULTIPROC_DIR`: `$TORG_VAR_DIR/prometheus/<port>` (one per server).
"""

import argparse
import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def local_defaults(env, bind):
    var_dir = Path(env.get("TORG_VAR_DIR") or ROOT / "var")
    var_dir.mkdir(parents=True, exist_ok=True)
    env.setdefault("TORG_ENV", "production")
    if not env.get("TORG_SECRET_KEY"):
        key_file = var_dir / "secret_key"
        if not key_file.exists():
            key_file.touch(mode=0o600)
            key_file.write_text(secrets.token_urlsafe(50))
            print(f"serve: created a secret key in {key_file} (set TORG_SECRET_KEY in a real deployment)",
                  flush=True)
        env["TORG_SECRET_KEY"] = key_file.read_text().strip()
    host, _, port = bind.rpartition(":")
    host = host.strip("[]")
    if not env.get("TORG_ALLOWED_HOSTS"):
        env["TORG_ALLOWED_HOSTS"] = ",".join(dict.fromkeys(["localhost", "127.0.0.1", host]))
    env.setdefault("PROMETHEUS_MULTIPROC_DIR", str(var_dir / "prometheus" / (port or "default")))
    return env


def without_metrics_dir(env):
    """The task workers serve no /metrics: they keep their metrics to themselves."""
    return {k: v for k, v in env.items() if k != "PROMETHEUS_MULTIPROC_DIR"}


def run_step(args, env):
    print(f"serve: {' '.join(args)}", flush=True)
    subprocess.run([sys.executable, *args], cwd=ROOT, env=env, check=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bind", default=os.environ.get("TORG_BIND", "127.0.0.1:8000"))
    parser.add_argument("--workers", type=int, help="gunicorn worker processes (default: gunicorn.conf.py)")
    parser.add_argument("--threads", type=int, help="threads per gunicorn worker (default: gunicorn.conf.py)")
    parser.add_argument("--task-workers", type=int, default=1, help="db_worker processes (default 1)")
    parser.add_argument("--no-prepare", action="store_true", help="skip collectstatic and migrate")
    options = parser.parse_args(argv)

    env = local_defaults(dict(os.environ), options.bind)
    if not options.no_prepare:
        run_step(["manage.py", "collectstatic", "--no-input", "--verbosity", "0"], without_metrics_dir(env))
        run_step(["manage.py", "migrate", "--no-input", "--verbosity", "0"], without_metrics_dir(env))

    gunicorn = [sys.executable, "-m", "gunicorn", "torg.wsgi", "--config", str(ROOT / "gunicorn.conf.py"),
                "--bind", options.bind]
    if options.workers:
        gunicorn += ["--workers", str(options.workers)]
    if options.threads:
        gunicorn += ["--threads", str(options.threads)]
    commands = {"gunicorn": (gunicorn, env)}
    for n in range(1, options.task_workers + 1):
        commands[f"db_worker {n}"] = ([sys.executable, "manage.py", "db_worker", "--no-reload", "--interval", "0.5"],
                                      without_metrics_dir(env))

    children = {}
    stopping = False

    def stop(signum=None, frame=None):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for name, (command, command_env) in commands.items():
        children[name] = subprocess.Popen(command, cwd=ROOT, env=command_env)
    print(f"serve: Torg ({env['TORG_ENV']}) on http://{options.bind}/ with {options.task_workers} task "
          f"worker(s); stop with Ctrl+C", flush=True)

    code = 0
    while not stopping:
        ended = [(name, c) for name, c in children.items() if c.poll() is not None]
        if ended:
            name, child = ended[0]
            print(f"serve: {name} exited with {child.returncode}; stopping the others", flush=True)
            code = child.returncode or 1
            break
        time.sleep(0.2)

    for child in children.values():
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 30
    for child in children.values():
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
    return code


if __name__ == "__main__":
    sys.exit(main())

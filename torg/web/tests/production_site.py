"""Run Torg's production profile as real processes, for the production and scale-out tests and
bench/scaleout.py: a fresh database, `scripts/serve.py` (gunicorn + db_worker) on a free loopback
port, and a small HTTP client that acts like the TLS-terminating proxy (`X-Forwarded-Proto:
https`) and a browser (cookies, CSRF).

Nothing here uses Django's test client or the test database: every request goes through gunicorn.
"""

import json
import os
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import requests

ROOT = Path(__file__).resolve().parents[3]
HOSTS = "127.0.0.1,localhost"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def scratch_dir(prefix="torg-prod-"):
    """A temporary directory, in memory when the machine has /dev/shm (SQLite writes and
    collectstatic are much faster there than on a busy disk)."""
    shm = Path("/dev/shm")
    base = shm if shm.is_dir() and os.access(shm, os.W_OK) else None
    return Path(tempfile.mkdtemp(prefix=prefix, dir=base))


class Database:
    """A fresh, empty database: a new PostgreSQL database on the server of `base_url` (a postgres
    URL), or an SQLite file in `directory`."""

    def __init__(self, base_url, directory):
        self.postgres = bool(base_url) and base_url.startswith(("postgres://", "postgresql://"))
        if self.postgres:
            import psycopg

            parts = urlsplit(base_url)
            self.name = f"{parts.path.lstrip('/')[:30]}_prodtest_{secrets.token_hex(4)}"
            self.admin_url = base_url
            with psycopg.connect(base_url, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{self.name}"')
            self.url = urlunsplit(parts._replace(path="/" + self.name))
        else:
            self.path = Path(directory) / "torg.sqlite3"
            self.url = f"sqlite:///{self.path}"

    def query(self, sql, params=()):
        """Rows of one query (`%s` placeholders)."""
        if self.postgres:
            import psycopg

            with psycopg.connect(self.url, autocommit=True) as conn:
                return conn.execute(sql, params).fetchall()
        conn = sqlite3.connect(self.path, timeout=20)
        try:
            return conn.execute(sql.replace("%s", "?"), params).fetchall()
        finally:
            conn.close()

    def drop(self):
        if self.postgres:
            import psycopg

            with psycopg.connect(self.admin_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def production_env(directory, database_url, **extra):
    """The environment of a production deployment in `directory`: nothing inherited from the
    test process's TORG_*/DJANGO_* variables, a fresh secret, the database given, e-mail written
    to files (so a test can see what the task worker sent), JSON logs, a metrics token."""
    directory = Path(directory)
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TORG_", "DJANGO_", "PROMETHEUS_")) and k != "DATABASE_URL"}
    env.update({
        "DJANGO_SETTINGS_MODULE": "torg.settings",
        "PYTHONUNBUFFERED": "1",
        "TORG_ENV": "production",
        "TORG_SECRET_KEY": secrets.token_urlsafe(50),
        "TORG_ALLOWED_HOSTS": HOSTS,
        "TORG_VAR_DIR": str(directory / "var"),
        "TORG_STATIC_ROOT": str(directory / "static"),
        "DATABASE_URL": database_url,
        "TORG_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "TORG_EMAIL_FILE_PATH": str(directory / "mail"),
        "TORG_METRICS_TOKEN": secrets.token_urlsafe(24),
        "TORG_LOG_LEVEL": "INFO",
    })
    env.update(extra)
    return env


def manage(env, *args, timeout=300):
    """Run a management command with `env`; fails with its output when it fails."""
    result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=timeout)
    if result.returncode != 0:
        raise AssertionError(f"manage.py {' '.join(args[:1])} failed ({result.returncode}):\n"
                             f"{result.stdout[-4000:]}\n{result.stderr[-4000:]}")
    return result.stdout


def run_python(env, code, timeout=120):
    """Run `code` in Django's shell of the deployment; returns what it printed as JSON, parsed."""
    out = manage(env, "shell", "--no-startup", "-c", code, timeout=timeout)
    return json.loads(out.strip().splitlines()[-1])


class Site:
    """`scripts/serve.py` in a process group of its own: gunicorn on a free loopback port plus
    `task_workers` × db_worker. `prepare` runs collectstatic and migrate first (as `make serve`)."""

    def __init__(self, env, *, log_path, workers=2, threads=4, task_workers=1, prepare=False):
        self.env = env
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = Path(log_path)
        env = dict(env, PROMETHEUS_MULTIPROC_DIR=str(self.log_path.parent / f"prometheus-{self.port}"))
        args = [sys.executable, "scripts/serve.py", "--bind", f"127.0.0.1:{self.port}", "--workers", str(workers),
                "--threads", str(threads), "--task-workers", str(task_workers)]
        if not prepare:
            args.append("--no-prepare")
        self._log = open(self.log_path, "ab")
        self.process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT,
                                        start_new_session=True)

    def log(self):
        return self.log_path.read_text(errors="replace")

    def wait_ready(self, timeout=240):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"serve.py exited with {self.process.returncode}:\n{self.log()[-6000:]}")
            try:
                if requests.get(self.base + "/healthz", timeout=2).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.3)
        raise AssertionError(f"{self.base} not up after {timeout} s:\n{self.log()[-6000:]}")

    def terminate(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # serve.py stops gunicorn and the workers

    def stop(self):
        if self.process.poll() is None:
            self.terminate()
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(self.process.pid, signal.SIGKILL)  # anything left in the group
        except ProcessLookupError:
            pass
        self.process.wait()
        self._log.close()


class Client:
    """A browser behind the TLS proxy: every request carries `X-Forwarded-Proto: https` (unless
    `https=False`) and the cookies it was given, Secure ones included, whatever server it asks."""

    def __init__(self, base):
        self.base = base
        self.cookies = {}
        self.last_set_cookies = {}

    def request(self, method, path, *, https=True, headers=None, base=None, **kwargs):
        base = base or self.base
        headers = dict(headers or {})
        if https:
            headers["X-Forwarded-Proto"] = "https"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        response = requests.request(method, base + path, headers=headers, allow_redirects=False, timeout=60,
                                    **kwargs)
        self.last_set_cookies = {}
        for header in response.raw.headers.getlist("Set-Cookie"):
            cookie = SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                self.last_set_cookies[name] = morsel
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return response

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post_form(self, path, data, *, base=None, page=None, files=None):
        """POST a form the way a browser does: CSRF token from the page with the form (`page`,
        default `path`), Origin of the site."""
        base = base or self.base
        page = self.get(page or path, base=base)
        assert page.status_code == 200, (path, page.status_code)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        origin = "https://" + urlsplit(base).netloc
        return self.request("POST", path, base=base, data={"csrfmiddlewaretoken": token, **data}, files=files,
                            headers={"Origin": origin, "Referer": origin + path})

    def login(self, username, password, *, base=None):
        return self.post_form("/accounts/login/", {"username": username, "password": password}, base=base)


SETUP = """
import json
from django.contrib.auth import get_user_model
from torg.accounts import services
from torg.booking import services as booking
from torg.places import services as places

tenant = services.tenant_create(name="Prodvik kommune", slug="prodvik")
admin = services.user_create(actor=None, tenant=tenant, username="drift", role="admin", first_name="Drift",
                             last_name="Test", password=PASSWORD).user
services.user_create(actor=None, tenant=tenant, username="laas", role="employee", first_name="Laas",
                     last_name="Test", password=PASSWORD)
prop = places.property_create(actor=admin, tenant=tenant, gnr=7, bnr=1, address="Driftsvegen 1")
building = places.building_create(actor=admin, tenant=tenant, property=prop, name="Driftshuset",
                                  building_number="7001", gross_area=900, use="office", strategic_category="A")
resource = booking.resource_create(actor=admin, tenant=tenant, name="Driftsrommet", building=building)
_token, secret = services.api_token_create(actor=admin, tenant=tenant, name="drift")
print(json.dumps({"token": secret, "resource": resource.pk}))
"""

ENQUEUE = """
import json
from torg.booking.tasks import send_booking_email
ids = [str(send_booking_email.enqueue(to="drift@example.no", subject=subject, body="Sent by the task worker.").id)
       for subject in SUBJECTS]
print(json.dumps(ids))
"""

PASSWORD = "correct-horse-battery-42"


def create_world(env):
    """A municipality with an administrator (`drift`), an employee (`laas`), one building with a
    bookable resource and an API token of the administrator. Returns {"token", "resource"}."""
    return run_python(env, f"PASSWORD = {PASSWORD!r}\n" + SETUP)


def enqueue_emails(env, subjects):
    """Queue one `send_booking_email` task per subject; returns the task ids."""
    return run_python(env, f"SUBJECTS = {list(subjects)!r}\n" + ENQUEUE)


def sent_subjects(env):
    """Subjects of every e-mail written by the file backend, one entry per message sent."""
    directory = Path(env["TORG_EMAIL_FILE_PATH"])
    if not directory.exists():
        return []
    return [line[len("Subject: "):].strip() for f in sorted(directory.iterdir())
            for line in f.read_text(errors="replace").splitlines() if line.startswith("Subject: ")]


def small_jpeg(color=(200, 30, 30)):
    from io import BytesIO

    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (64, 48), color).save(out, "JPEG")
    return out.getvalue()


def wait_for(predicate, timeout, message):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.3)
    raise AssertionError(message)


def cleanup(directory):
    shutil.rmtree(directory, ignore_errors=True)

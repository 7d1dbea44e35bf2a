"""Helpers for tests that race real concurrent requests against the database (SQLite and PostgreSQL)."""

import logging
import sqlite3
import threading
import urllib.request
from contextlib import contextmanager

from django.core.exceptions import PermissionDenied
from django.db import connection, connections
from django.test import Client

from torg.core.models import AuditEvent
from torg.core.states import SYSTEM


@contextmanager
def file_database(tmp_path):
    """Let worker threads share a real database.

    Django's SQLite test database lives in memory with a shared cache, where concurrent writers get
    "table is locked" instead of waiting. For SQLite the committed test data is copied to a file and
    new (per-thread) connections open that file with the production settings (WAL, busy timeout,
    BEGIN IMMEDIATE). The file is switched to WAL here, once: WAL is persistent, so the threads'
    own `PRAGMA journal_mode=WAL` is a no-op instead of a race for an exclusive lock (which SQLite
    answers with an immediate "database is locked"). PostgreSQL needs nothing.
    """
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        yield
        return
    path = tmp_path / "race.sqlite3"
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    target.execute("PRAGMA journal_mode=WAL")
    target.close()
    original = connections.settings["default"]
    connections.settings["default"] = {**original, "NAME": str(path)}
    try:
        yield
    finally:
        connections.settings["default"] = original


def race(target, n):
    """Run target(i) for i in range(n) in n threads released together; returns the outcomes in order
    (an exception raised by a thread is returned as its outcome)."""
    barrier = threading.Barrier(n)
    results, lock = [None] * n, threading.Lock()

    def run(i):
        try:
            barrier.wait()
            outcome = target(i)
        except Exception as exc:  # noqa: BLE001 – collected and asserted by the caller
            outcome = exc
        finally:
            connections.close_all()
        with lock:
            results[i] = outcome

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def in_thread(fn):
    """Run `fn` in a fresh thread (with its own connection) and return its result."""
    return race(lambda i: fn(), 1)[0]


class S3Double:
    """A local S3 server that speaks the real protocol: moto in server mode (`ThreadedMotoServer`) on
    loopback, on a free port. Tests point the storage at it; scripts (two app servers) pass `env()`.

        s3 = S3Double().start()
        s3.create_bucket("torg-test")
        settings.STORAGES = {**settings.STORAGES, "default": s3.storage("torg-test")}
    """

    ACCESS_KEY, SECRET_KEY, REGION = "torg-test-key", "torg-test-secret", "us-east-1"

    def __init__(self):
        from moto.server import ThreadedMotoServer  # a test dependency (requirements-dev.txt)

        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self.endpoint = ""

    def start(self):
        logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request in the test output
        self._server.start()
        host, port = self._server.get_host_and_port()
        self.endpoint = f"http://{host}:{port}"
        return self

    def stop(self):
        self._server.stop()

    def client(self):
        import boto3  # slow to import (botocore's data); only the S3 tests need it

        return boto3.client("s3", endpoint_url=self.endpoint, region_name=self.REGION,
                            aws_access_key_id=self.ACCESS_KEY, aws_secret_access_key=self.SECRET_KEY)

    def create_bucket(self, name):
        self.client().create_bucket(Bucket=name)
        return name

    def storage(self, bucket, **options):
        """A STORAGES["default"] entry for the bucket, as `TORG_STORAGE=s3` builds it."""
        return {"BACKEND": "torg.core.storage.S3Storage", "OPTIONS": {
            "bucket_name": bucket, "endpoint_url": self.endpoint, "region_name": self.REGION,
            "access_key": self.ACCESS_KEY, "secret_key": self.SECRET_KEY, "addressing_style": "path",
            "signature_version": "s3v4", "querystring_auth": True, "querystring_expire": 300, "default_acl": None,
            "file_overwrite": False, "object_parameters": {"CacheControl": "private, max-age=86400"}, **options}}

    def env(self, bucket):
        """The environment variables that select this bucket (for a server started as a subprocess)."""
        return {"TORG_STORAGE": "s3", "TORG_S3_BUCKET": bucket, "TORG_S3_ENDPOINT_URL": self.endpoint,
                "TORG_S3_REGION": self.REGION, "TORG_S3_ACCESS_KEY_ID": self.ACCESS_KEY,
                "TORG_S3_SECRET_ACCESS_KEY": self.SECRET_KEY}


def file_body(response) -> bytes:
    """The bytes a browser ends up with for a file response: streamed by Django (200), or fetched over
    real HTTP from the signed URL the view redirected to (302, the S3 double)."""
    if response.status_code == 302:
        with urllib.request.urlopen(response["Location"], timeout=30) as fetched:  # noqa: S310 - local S3 double
            return fetched.read()
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content)


def client_as(user=None):
    """A test client of its own, logged in as `user` (anonymous without one)."""
    client = Client()
    if user is not None:
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def history_count(obj, action) -> int:
    """How many audit events `obj` has with `action`."""
    return AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk), action=action).count()


def exercise_transition(machine, transition, *, make, apply, people, outsiders, reason="Fordi"):
    """The exhaustive machine test of one transition (docs/architecture.md → State machines): for each
    part in `who`, `apply(people[part], make(source), target, reason)` makes the change with exactly
    one new history entry; the system part through `machine.apply(system=True)`; each outsider is
    refused (PermissionDenied) and nothing changes. `make(state)` gives a fresh object in `state`."""
    action = machine.action(transition.verb)
    for part in sorted(transition.who - {SYSTEM}):
        obj = make(transition.source)
        before = history_count(obj, action)
        apply(people[part], obj, transition.target, reason)
        obj.refresh_from_db()
        assert getattr(obj, machine.field) == transition.target, (part, transition)
        assert history_count(obj, action) == before + 1, (part, transition)
    if SYSTEM in transition.who:
        obj = make(transition.source)
        before = history_count(obj, action)
        machine.apply(obj, transition.target, actor=None, system=True, reason=reason)
        assert history_count(obj, action) == before + 1, transition
    for outsider in outsiders:
        obj = make(transition.source)
        before = history_count(obj, action)
        try:
            apply(outsider, obj, transition.target, reason)
        except PermissionDenied:
            pass
        else:
            raise AssertionError(f"{outsider} made {transition.source} → {transition.target}")
        obj.refresh_from_db()
        assert getattr(obj, machine.field) == transition.source
        assert history_count(obj, action) == before

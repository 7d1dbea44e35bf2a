"""Helpers for tests that race real concurrent requests against the database (SQLite and PostgreSQL)."""

import sqlite3
import threading
from contextlib import contextmanager

from django.db import connection, connections


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

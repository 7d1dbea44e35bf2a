"""The common runner: a `Case` is one URL fetched through Django's test client; `measure` times it
and its raw-SQL baseline (the queries the request issued, replayed with a cursor).

Imported only after `django.setup()`.
"""

import math
import statistics
import sys
import time
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext


@dataclass
class Case:
    """One measured request. `check(response)` may raise AssertionError when the page is wrong."""

    name: str
    url: str
    check: object = None  # callable(response) -> None
    client: str = "admin"  # key into ctx.clients
    note: str = ""


@dataclass
class Context:
    """What scenarios get: the data set, logged-in clients and settings of this run."""

    db: str
    quick: bool
    iterations: int
    warmup: int
    seed: int = 20260
    reconnect: bool = False  # open a new database connection for every timed request (CONN_MAX_AGE=0)
    tenant: object = None  # the big tenant
    other_tenant: object = None  # the small one (tenant filtering is real)
    users: dict = field(default_factory=dict)
    clients: dict = field(default_factory=dict)
    data: dict = field(default_factory=dict)  # scenario-specific facts (ids, names, sizes)
    sizes: dict = field(default_factory=dict)

    def once(self, key: str, build):
        """Run `build()` unless this database already holds the marker `key` (cached data set).

        Use a key that changes with your data (e.g. "reuse:v1:5000") so a changed generator rebuilds.
        """
        from torg.core.models import Sequence

        marker = f"bench:{key}"
        if len(marker) > 32:
            raise ValueError(f"bench marker too long (max 32 chars): {marker}")
        if Sequence.objects.filter(tenant=self.tenant, key=marker).exists():
            return False
        with transaction.atomic():
            build()
            Sequence.objects.create(tenant=self.tenant, key=marker, value=1)
        return True


def log(message):
    print(message, file=sys.stderr, flush=True)


def percentile(values, pct):
    """Nearest-rank percentile (p95 of 30 samples = the 29th smallest)."""
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


def _ms(seconds):
    return round(seconds * 1000, 3)


def _is_read(sql):
    head = sql.lstrip().split(None, 1)[0].upper() if sql.strip() else ""
    return head in {"SELECT", "WITH"}


def _fetch(client, case):
    response = client.get(case.url)
    if response.status_code != 200:
        raise AssertionError(f"{case.name}: GET {case.url} returned {response.status_code}")
    return response


def capture(client, case):
    """One request with every query recorded: [(sql, params)] exactly as executed, plus the
    CaptureQueriesContext list (the SQL as the database saw it, for the JSON report)."""
    executed = []

    def recorder(execute, sql, params, many, context):
        executed.append((sql, params, many))
        return execute(sql, params, many, context)

    with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(recorder):
        response = _fetch(client, case)
    if case.check:
        case.check(response)
    return response, executed, [q["sql"] for q in captured.captured_queries]


def replay(statements, timings=None):
    """Execute the captured read queries with a plain cursor and fetch every row.

    With `timings` (a list of lists, one per statement) each statement's duration is appended."""
    with connection.cursor() as cursor:
        for i, (sql, params, many) in enumerate(statements):
            start = time.perf_counter()
            if many:
                cursor.executemany(sql, params)
            else:
                cursor.execute(sql, params)
            if cursor.description is not None:
                cursor.fetchall()
            if timings is not None:
                timings[i].append(time.perf_counter() - start)


def measure(ctx, scenario, case):
    client = ctx.clients[case.client]
    for _ in range(ctx.warmup):
        _fetch(client, case)
    response, executed, sql_text = capture(client, case)
    read_idx = [i for i, s in enumerate(executed) if _is_read(s[0])]
    reads = [executed[i] for i in read_idx]
    aligned = len(sql_text) == len(executed)  # both hooks see the same statements, in order

    for _ in range(ctx.warmup):
        replay(reads)
    # App request and SQL replay alternate, so that both see the same machine load.
    app, cpu, sql, per_statement = [], [], [], [[] for _ in reads]
    for _ in range(ctx.iterations):
        if ctx.reconnect:
            connection.close()
        start, start_cpu = time.perf_counter(), time.process_time()
        _fetch(client, case)
        app.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
        start = time.perf_counter()
        replay(reads, per_statement)
        sql.append(time.perf_counter() - start)
    slowest = sorted(
        ({"median_ms": _ms(statistics.median(t)), "sql": (sql_text[i] if aligned else executed[i][0])[:500]}
         for i, t in zip(read_idx, per_statement)),
        key=lambda q: -q["median_ms"],
    )[:3]

    app_median, sql_median = statistics.median(app), statistics.median(sql)
    return {
        "scenario": scenario,
        "case": case.name,
        "url": case.url,
        "note": case.note,
        "n": ctx.iterations,
        "median_ms": _ms(app_median),
        "p95_ms": _ms(percentile(app, 95)),
        "min_ms": _ms(min(app)),
        "cpu_median_ms": _ms(statistics.median(cpu)),
        "max_ms": _ms(max(app)),
        "sql_median_ms": _ms(sql_median),
        "sql_p95_ms": _ms(percentile(sql, 95)),
        "ratio": round(app_median / sql_median, 2) if sql_median > 0 else None,
        "queries": len(executed),
        "replayed_queries": len(reads),
        "response_bytes": len(response.content),
        "slowest_queries": slowest,
        "sql": sql_text,
    }


COLUMNS = [
    ("scenario", "scenario", "<"),
    ("db", "db", "<"),
    ("n", "n", ">"),
    ("queries", "queries", ">"),
    ("median_ms", "median ms", ">"),
    ("p95_ms", "p95 ms", ">"),
    ("sql_median_ms", "SQL median ms", ">"),
    ("ratio", "ratio", ">"),
]


def _cell(key, row):
    value = row.get(key)
    if key == "scenario":
        return row["case"]
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.1f}" if key != "ratio" else f"{value:.1f}×"
    return str(value)


def format_table(rows):
    """A plain-text table; `rows` are result dicts with an added "db" key."""
    cells = [[label for _, label, _ in COLUMNS]] + [[_cell(key, r) for key, _, _ in COLUMNS] for r in rows]
    widths = [max(len(c[i]) for c in cells) for i in range(len(COLUMNS))]

    def line(values):
        return "  ".join(v.ljust(w) if a == "<" else v.rjust(w) for v, w, (_, _, a) in zip(values, widths, COLUMNS))

    out = [line(cells[0]), "  ".join("-" * w for w in widths)]
    out += [line(c) for c in cells[1:]]
    return "\n".join(out)


def format_markdown(rows):
    """The same table as Markdown (for docs/benchmarks.md)."""
    head = "| " + " | ".join(label for _, label, _ in COLUMNS) + " |"
    sep = "|" + "|".join("---" if a == "<" else "---:" for _, _, a in COLUMNS) + "|"
    body = ["| " + " | ".join(_cell(key, r) for key, _, _ in COLUMNS) + " |" for r in rows]
    return "\n".join([head, sep, *body])

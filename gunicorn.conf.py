"""gunicorn settings for Torg (read from the working directory: `gunicorn torg.wsgi`).

Every value can be changed with an environment variable or gunicorn's own command-line options
(which take precedence), e.g. `gunicorn torg.wsgi --workers 4`. See docs/deployment.md.
"""

import os
import shutil

# Loopback by default: a TLS-terminating reverse proxy in front forwards to it.
bind = [v.strip() for v in os.environ.get("TORG_BIND", "127.0.0.1:8000").split(",") if v.strip()]
# Processes × threads. Torg's requests spend most of their time in the database, so a few threads
# per process pay off; WEB_CONCURRENCY is gunicorn's usual name for the number of processes.
workers = int(os.environ.get("WEB_CONCURRENCY", min(2 * (os.cpu_count() or 1) + 1, 8)))
threads = int(os.environ.get("TORG_WEB_THREADS", "4"))
worker_class = "gthread"
# Imports of large spreadsheets are planned inside the request; allow them time.
timeout = int(os.environ.get("TORG_WEB_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Load Django once in the master process, then fork: faster start, less memory per worker.
preload_app = True
# A worker is replaced after this many requests (± jitter): bounds the effect of any slow leak.
max_requests = int(os.environ.get("TORG_WEB_MAX_REQUESTS", "5000"))
max_requests_jitter = max_requests // 10
# The proxy's address; gunicorn trusts its X-Forwarded-* headers only from there. (Django trusts
# X-Forwarded-Proto from anyone who reaches gunicorn: never expose gunicorn beyond the proxy.)
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
accesslog = os.environ.get("TORG_ACCESS_LOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("TORG_GUNICORN_LOG_LEVEL", "info")
access_log_format = '%(h)s "%(r)s" %(s)s %(B)s %(M)sms "%({x-request-id}o)s" "%(a)s"'

if os.environ.get("TORG_LOG_FORMAT", "json" if os.environ.get("TORG_ENV") == "production" else "text") == "json":
    # gunicorn's own lines (start-up, workers, access log) as JSON too, like Django's.
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "torg.core.logs.JsonFormatter"}},
        "handlers": {
            "error": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"},
            "access": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stdout"},
        },
        "root": {"level": "WARNING", "handlers": ["error"]},  # until Django's LOGGING takes over
        "loggers": {
            "gunicorn.error": {"level": loglevel.upper(), "handlers": ["error"], "propagate": False},
            "gunicorn.access": {"level": "INFO", "handlers": ["access"], "propagate": False},
        },
    }


# --- Prometheus with several worker processes --------------------------------------------------
# With PROMETHEUS_MULTIPROC_DIR set, every process writes its metrics there and /metrics adds them
# up. The directory must exist before Django is loaded and be empty at start: it is emptied here
# (this file is read before the app is loaded). Each server needs its own directory.
if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    shutil.rmtree(os.environ["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)
    os.makedirs(os.environ["PROMETHEUS_MULTIPROC_DIR"], exist_ok=True)


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)

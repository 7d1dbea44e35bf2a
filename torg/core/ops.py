"""Endpoints for operators and their tools: liveness, readiness and Prometheus metrics.

`OpsMiddleware` is the first middleware. It answers three paths before anything else runs — no
host check, HTTPS redirect, session, login or tenant — so that a load balancer, an orchestrator or
Prometheus can reach them on the server's own address:

- `/healthz` — liveness: the process answers (200, `{"status": "ok"}`). Touches nothing else.
- `/readyz` — readiness: the database answers a query and the file storage (`default_storage`,
  the local disk or S3) answers a look-up of a probe key. 200 when both are ok, else 503; the
  body names each check with `ok` or `failing` only — the reason is logged, never answered.
- `/metrics` — Prometheus metrics (django-prometheus; every gunicorn worker's when
  `PROMETHEUS_MULTIPROC_DIR` is set). Open in development. In production only to a request with
  `Authorization: Bearer $TORG_METRICS_TOKEN` or from an address in `TORG_METRICS_ALLOWED_IPS`
  (the connecting address, never a forwarded header); 404 when neither is configured.
"""

import hmac
import ipaddress
import json
import logging

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import connections
from django.http import HttpResponse

logger = logging.getLogger("torg.ops")

READINESS_PROBE_KEY = "torg-readiness-probe"


def _json(status, payload):
    response = HttpResponse(json.dumps(payload), status=status, content_type="application/json")
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def healthz(request):
    return _json(200, {"status": "ok"})


def _check_database():
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _check_storage():
    default_storage.exists(READINESS_PROBE_KEY)


READINESS_CHECKS = {"database": _check_database, "storage": _check_storage}


def readyz(request):
    checks = {}
    for name, check in READINESS_CHECKS.items():
        try:
            check()
        except Exception:
            logger.exception("readiness check %s failed", name)
            checks[name] = "failing"
        else:
            checks[name] = "ok"
    ok = all(state == "ok" for state in checks.values())
    return _json(200 if ok else 503, {"status": "ok" if ok else "failing", "checks": checks})


def _metrics_allowed(request):
    if not settings.PRODUCTION:
        return True
    token = settings.TORG_METRICS_TOKEN
    if token:
        given = request.headers.get("Authorization", "")
        if hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
            return True
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(address in network for network in settings.TORG_METRICS_ALLOWED_NETWORKS)


def metrics(request):
    configured = not settings.PRODUCTION or settings.TORG_METRICS_TOKEN or settings.TORG_METRICS_ALLOWED_NETWORKS
    if not configured:
        return HttpResponse(status=404)
    if not _metrics_allowed(request):
        response = HttpResponse(status=403)
        response["WWW-Authenticate"] = "Bearer"
        return response
    from django_prometheus.exports import ExportToDjangoView  # the exporter loads only when /metrics is asked

    response = ExportToDjangoView(request)
    response["Cache-Control"] = "no-store"
    return response


ENDPOINTS = {"/healthz": healthz, "/readyz": readyz, "/metrics": metrics}


class OpsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        endpoint = ENDPOINTS.get(request.path_info.rstrip("/") or "/")
        if endpoint is not None and request.method in ("GET", "HEAD"):
            return endpoint(request)
        return self.get_response(request)

"""Liveness, readiness and metrics endpoints (torg/core/ops.py), and the JSON log format.

The production run itself (gunicorn, real headers, the metrics token) is tested in
torg/web/tests/test_production.py; here the decisions: what a failing check answers, who may read
the metrics.
"""

import ipaddress
import json
import logging

import pytest
from django.core.files.storage import FileSystemStorage

from torg.core.logs import JsonFormatter

pytestmark = pytest.mark.django_db


class UnreachableStorage(FileSystemStorage):
    """A storage whose server does not answer (as an S3 endpoint that is down)."""

    def exists(self, name):
        raise ConnectionError("storage.example.internal: connection refused (secret detail)")


def test_health_and_readiness_need_no_login_and_no_allowed_host(client):
    # A load balancer asks by the server's address, which is not in ALLOWED_HOSTS.
    assert client.get("/healthz", HTTP_HOST="10.1.2.3:8000").json() == {"status": "ok"}
    ready = client.get("/readyz", HTTP_HOST="10.1.2.3:8000")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ok", "checks": {"database": "ok", "storage": "ok"}}
    assert ready["Cache-Control"] == "no-store"


def test_readiness_fails_without_telling_why(client, settings, caplog):
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": f"{__name__}.UnreachableStorage"}}
    with caplog.at_level(logging.ERROR, logger="torg.ops"):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "failing", "checks": {"database": "ok", "storage": "failing"}}
    assert b"secret detail" not in response.content
    assert "secret detail" in caplog.text  # the reason is in the server's log


def test_metrics_are_open_in_development(client):
    response = client.get("/metrics")
    assert response.status_code == 200
    assert "django_http_requests_total_by_method_total" in response.content.decode()


def test_metrics_in_production_need_the_token_or_an_allowed_address(client, settings):
    settings.PRODUCTION = True
    settings.TORG_METRICS_TOKEN = ""
    settings.TORG_METRICS_ALLOWED_NETWORKS = []
    assert client.get("/metrics").status_code == 404  # not configured: not there

    settings.TORG_METRICS_TOKEN = "s3cret-token-for-prometheus"
    assert client.get("/metrics").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-token-for-prometheus").status_code == 200

    settings.TORG_METRICS_ALLOWED_NETWORKS = [ipaddress.ip_network("10.0.0.0/8")]
    assert client.get("/metrics", REMOTE_ADDR="10.20.30.40").status_code == 200
    # A forwarded address is not the connecting one and is never trusted.
    assert client.get("/metrics", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="10.0.0.1").status_code == 403


def test_request_id_is_answered_and_logged(client):
    response = client.get("/accounts/login/", HTTP_X_REQUEST_ID="abc-123")
    assert response["X-Request-ID"] == "abc-123"
    generated = client.get("/accounts/login/", HTTP_X_REQUEST_ID="not a valid id; drop table")["X-Request-ID"]
    assert len(generated) == 32 and generated.isalnum()


def test_json_log_lines():
    record = logging.LogRecord("torg.x", logging.WARNING, __file__, 1, "moved %s items", (3,), None)
    record.request_id = "abc-123"
    record.building = 7
    line = json.loads(JsonFormatter().format(record))
    assert line["level"] == "WARNING" and line["logger"] == "torg.x" and line["message"] == "moved 3 items"
    assert line["request_id"] == "abc-123" and line["building"] == 7
    try:
        raise ValueError("boom")
    except ValueError:
        import sys

        record = logging.LogRecord("torg.x", logging.ERROR, __file__, 1, "failed", (), sys.exc_info())
    assert "ValueError: boom" in json.loads(JsonFormatter().format(record))["exc"]

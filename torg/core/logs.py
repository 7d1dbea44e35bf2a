"""Structured logs: one JSON object per line (production), with the id of the request.

- `JsonFormatter` writes `{"time", "level", "logger", "message", "request_id", ...}`; an exception
  adds `exc`. Extra fields passed with `logger.info(..., extra={...})` are included when they can
  be written as JSON. Used by `LOGGING` in production (`TORG_LOG_FORMAT=json`) and by gunicorn's
  own loggers (`gunicorn.conf.py`).
- `RequestIdMiddleware` gives every request an id: the proxy's `X-Request-ID` when it looks like
  one, else a new random id. It is answered in `X-Request-ID` and attached to every log record
  written while the request runs (`RequestIdFilter`), so a log line can be matched to a request.
"""

import contextvars
import json
import logging
import re
import uuid
from datetime import UTC, datetime

REQUEST_ID_HEADER = "X-Request-ID"
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
_request_id = contextvars.ContextVar("torg_request_id", default="")

# Attributes every LogRecord has; anything else on a record came from `extra=`.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime", "request_id"}


def current_request_id() -> str:
    return _request_id.get()


class RequestIdFilter(logging.Filter):
    """Adds `request_id` (empty outside a request) to every record."""

    def filter(self, record):
        record.request_id = _request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        extra = {k: v for k, v in vars(record).items() if k not in _STANDARD and not k.startswith("_")}
        # Django's request loggers pass the request itself: keep what identifies it.
        request = extra.pop("request", None)
        request_id = getattr(request, "id", None) or getattr(record, "request_id", None) or _request_id.get()
        if request_id:
            entry["request_id"] = request_id
        if request is not None and hasattr(request, "method"):
            entry["method"] = request.method
            entry["path"] = getattr(request, "path", "")
        for key, value in extra.items():
            entry[key] = value if _is_json(value) else repr(value)
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exc"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False, default=str)


def _is_json(value):
    return value is None or isinstance(value, (str, int, float, bool, list, dict))


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get(REQUEST_ID_HEADER, "")
        request.id = given if _VALID_REQUEST_ID.match(given) else uuid.uuid4().hex
        token = _request_id.set(request.id)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response.headers[REQUEST_ID_HEADER] = request.id
        return response

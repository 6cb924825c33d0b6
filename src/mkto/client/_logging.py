"""Structured attempt records and redaction: no secret ever reaches a log record."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from typing import Any

LOGGER_NAME = "mkto.client"
REDACTED = "<redacted>"
SECRET_HEADERS = frozenset({"authorization", "cookie", "set-cookie", "x-mkto-user-token"})
_SECRET_NAMES = r"(?:access_token|client_secret|refresh_token)"
# name=value (query strings, forms) and "name": "value" (JSON), quoted or not.
_QUERY_SECRET = re.compile(rf"({_SECRET_NAMES}=)[^&\s\"']*", re.IGNORECASE)
_JSON_SECRET = re.compile(rf"(\"{_SECRET_NAMES}\"\s*:\s*)\"(?:[^\"\\]|\\.)*\"", re.IGNORECASE)
_BEARER = re.compile(r"(Bearer\s+)[A-Za-z0-9._~+/:=-]+", re.IGNORECASE)
MAX_LOGGED_BODY = 4096


def redact_text(text: str) -> str:
    text = _QUERY_SECRET.sub(rf"\g<1>{REDACTED}", text)
    text = _JSON_SECRET.sub(rf'\g<1>"{REDACTED}"', text)
    return _BEARER.sub(rf"\g<1>{REDACTED}", text)


def redact_headers(headers: Iterable[tuple[str, str]]) -> dict[str, str]:
    return {k: (REDACTED if k.lower() in SECRET_HEADERS else redact_text(v)) for k, v in headers}


def redact_body(body: bytes | None) -> str:
    if not body:
        return ""
    text = body[:MAX_LOGGED_BODY].decode("utf-8", errors="replace")
    suffix = f"... ({len(body)} bytes)" if len(body) > MAX_LOGGED_BODY else ""
    return redact_text(text) + suffix


def log_attempt(logger: logging.Logger, level: int, fields: Mapping[str, Any]) -> None:
    """One record per attempt; the fields are attributes of the record (`record.requestId`, ...)."""
    if not logger.isEnabledFor(level):
        return
    message = "%s %s attempt=%s status=%s code=%s requestId=%s wait=%.3fs"
    args = (
        fields.get("method"),
        fields.get("path"),
        fields.get("attempt"),
        fields.get("status"),
        fields.get("code"),
        fields.get("requestId"),
        fields.get("wait", 0.0),
    )
    logger.log(level, message, *args, extra={k: v for k, v in fields.items() if k not in _RESERVED})


_RESERVED = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}

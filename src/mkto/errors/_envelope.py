"""Turn one HTTP answer from Marketo into a parsed success or the right exception.

The HTTP status and content type are read before any JSON, so a gateway's HTML 502, 413 or 414 page
becomes the catalogue's error instead of a decode crash.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ._catalogue import Disposition, Level, lookup
from ._codes import CODE_CLASSES
from ._exceptions import (
    BadCredentials,
    MarketoError,
    QuotaExhausted,
    RecordError,
    TransientError,
    base_for,
    next_reset,
)

SUCCESS_STATUSES = frozenset({"created", "updated", "deleted", "added", "removed", "memberof", "notmemberof"})


@dataclass(frozen=True, slots=True)
class RecordOutcome:
    """What happened to one input record of a batch call."""

    index: int
    status: str
    id: Any = None
    reasons: tuple[RecordError, ...] = ()
    raw: Mapping[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status != "skipped" and not self.reasons

    @property
    def skipped(self) -> bool:
        return not self.ok


@dataclass(frozen=True, slots=True)
class MarketoResponse:
    """A successful Marketo answer (HTTP 200, success=true, or an empty search)."""

    request_id: str | None
    result: list[Any]
    warnings: list[Any]
    next_page_token: str | None
    more_result: bool
    http_status: int
    body: Mapping[str, Any]
    empty_search: bool = False

    @property
    def records(self) -> list[RecordOutcome]:
        """Per-record outcomes, for results that carry a `status` (batch calls), in input order."""
        return record_outcomes(self.result)

    @property
    def skipped(self) -> list[RecordOutcome]:
        return [r for r in self.records if r.skipped]


def _as_list(value: Any) -> list[Any]:
    """A field that should be a list, as one: a list as it is, nothing as [], anything else as [value]."""
    if isinstance(value, list):
        return value
    return [] if value is None or value == "" or value is False else [value]


def _seq(value: Any, position: int) -> int:
    """A record's `seq` (its index in the request); its position in the result when it is not a number."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return position


def record_outcomes(result: list[Any]) -> list[RecordOutcome]:
    outcomes = []
    for position, item in enumerate(result):
        if not isinstance(item, Mapping) or "status" not in item:
            continue
        # Custom activity results use "errors" where every other batch uses "reasons".
        raw_reasons = _as_list(item.get("reasons") or item.get("errors"))
        reasons = tuple(
            RecordError(str(r.get("code", "")), str(r.get("message", ""))) for r in raw_reasons if isinstance(r, Mapping)
        )
        index = _seq(item.get("seq"), position)
        # Leads carry "id", custom objects and opportunities "marketoGUID", program members "leadId".
        record_id = next((item[key] for key in ("id", "marketoGUID", "leadId") if key in item), None)
        outcomes.append(RecordOutcome(int(index), str(item["status"]), record_id, reasons, item))
    return outcomes


def _header(headers: Mapping[str, str], name: str) -> str:
    for key, value in headers.items():
        if key.lower() == name:
            return value
    return ""


def _is_json(content_type: str) -> bool:
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "application/json" or media.endswith("+json")


def server_time(headers: Mapping[str, str]) -> dt.datetime:
    """The answer's `Date` header as an aware datetime, or now when it is missing or unreadable."""
    raw = _header(headers, "date")
    if raw:
        try:
            return email.utils.parsedate_to_datetime(raw)
        except (TypeError, ValueError):
            pass
    return dt.datetime.now(dt.UTC)


@functools.cache
def error_class(code: str, disposition: Disposition | None = None) -> type[MarketoError]:
    """The class to raise for `code`; a message variant with its own disposition gets that base instead."""
    cls = CODE_CLASSES.get(code)
    if cls is None:
        return base_for(disposition) if disposition else MarketoError
    if disposition is None or issubclass(cls, base_for(disposition)):
        return cls
    # e.g. 1029 "Export daily quota ..." is a QuotaExhausted although 1029 is usually QueueFull.
    return type(f"Error{code}", (cls, base_for(disposition)), {"__module__": __name__})


def error_from_code(
    code: str,
    message: str,
    *,
    level: Level,
    request_id: str | None,
    http_status: int,
    body: bytes,
    headers: Mapping[str, str],
    errors: tuple[dict[str, Any], ...] = (),
) -> MarketoError:
    """Build the exception for one Marketo code (documented or not)."""
    spec = lookup(code)
    disposition = spec.disposition_for(level, message) if spec else None
    cls = error_class(code, disposition)
    err = cls(
        message,
        code=code,
        request_id=request_id,
        http_status=http_status,
        body=body,
        level=level,
        disposition=disposition,
        errors=errors,
    )
    if isinstance(err, QuotaExhausted):
        err.resets_at = next_reset(server_time(headers))
    return err


def _http_error(status: int, headers: Mapping[str, str], body: bytes) -> MarketoError:
    spec = lookup(str(status))
    if spec is not None and Level.HTTP in spec.levels:
        return error_from_code(
            spec.code, spec.message, level=Level.HTTP, request_id=None, http_status=status, body=body, headers=headers
        )
    if status >= 500:
        return TransientError(f"HTTP {status} from the server", http_status=status, body=body, level=Level.HTTP)
    return MarketoError(f"Unexpected HTTP {status}", http_status=status, body=body, level=Level.HTTP)


def _decode(status: int, body: bytes) -> Any:
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise TransientError(
            f"Unreadable JSON body (HTTP {status}): {exc}", http_status=status, body=body, level=Level.HTTP
        ) from exc


def parse_response(status: int, headers: Mapping[str, str], body: bytes) -> MarketoResponse:
    """Parse one Marketo answer: a `MarketoResponse`, or raise the catalogue's exception.

        resp = parse_response(r.status_code, r.headers, r.content)
        for outcome in resp.records: ...
    """
    content_type = _header(headers, "content-type")
    if not _is_json(content_type) or not body.strip():
        if status == 200:
            raise TransientError(
                f"Expected a JSON body, got {content_type or 'no content type'}", http_status=status, body=body
            )
        raise _http_error(status, headers, body)

    data = _decode(status, body)
    if status == 401 and isinstance(data, Mapping) and "error" in data:
        description = str(data.get("error_description") or data["error"])
        raise BadCredentials(
            description, code="401", http_status=401, body=body, level=Level.HTTP, errors=(dict(data),)
        )
    if not isinstance(data, Mapping) or "success" not in data:
        if status != 200:
            raise _http_error(status, headers, body)
        raise TransientError("JSON body is not a Marketo envelope", http_status=status, body=body)

    request_id = data.get("requestId")
    request_id = str(request_id) if request_id is not None else None
    if not data.get("success"):
        errors = tuple(e for e in _as_list(data.get("errors")) if isinstance(e, Mapping))
        if not errors:
            raise MarketoError("success=false without errors", request_id=request_id, http_status=status, body=body)
        first = errors[0]
        code, message = str(first.get("code", "")), str(first.get("message", ""))
        spec = lookup(code)
        if spec is not None and spec.disposition_for(Level.RESPONSE, message) is Disposition.EMPTY_RESULT:
            return MarketoResponse(request_id, [], [dict(first)], None, False, status, data, empty_search=True)
        raise error_from_code(
            code,
            message,
            level=Level.RESPONSE,
            request_id=request_id,
            http_status=status,
            body=body,
            headers=headers,
            errors=tuple(dict(e) for e in errors),
        )
    if status != 200:
        raise _http_error(status, headers, body)

    result = data.get("result")
    return MarketoResponse(
        request_id=request_id,
        result=list(result) if isinstance(result, list) else [],
        warnings=_as_list(data.get("warnings")),
        next_page_token=token if isinstance(token := data.get("nextPageToken"), str) and token else None,
        more_result=bool(data.get("moreResult", False)),
        http_status=status,
        body=data,
    )

"""How the emulator's answers look on the wire: Marketo envelopes, identity bodies, nginx pages."""

from __future__ import annotations

import datetime as dt
import email.utils
import http
import itertools
import json
import random
from typing import Any

import orjson
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from mkto import errors

from ._api import Call, Envelope, Reply

JSON_CONTENT_TYPE = "application/json;charset=UTF-8"
HTML_CONTENT_TYPE = "text/html"


class RequestIds:
    """`<hex counter>#<hex epoch ms>` like Marketo's nodes; the counter starts at a seeded value."""

    def __init__(self, rng: random.Random) -> None:
        self._counter = itertools.count(rng.randrange(0x100, 0x10000))

    def next(self, epoch: float) -> str:
        """The id of a call made at `epoch` (seconds, on the virtual clock)."""
        n = next(self._counter)  # one C call, so atomic under the GIL: no two threads get the same number
        return f"{n:x}#{int(epoch * 1000):x}"


_last_date: tuple[int, str, bytes] = (0, "", b"")  # the HTTP date of the last whole second asked for


def _date_of(now: dt.datetime) -> tuple[int, str, bytes]:
    """The one-entry cache of HTTP dates: one call in a second formats it, the others reuse it."""
    global _last_date  # noqa: PLW0603  (a tuple swap is atomic)
    second = int(now.timestamp())
    cached = _last_date
    if cached[0] == second:
        return cached
    text = email.utils.format_datetime(now.astimezone(dt.UTC).replace(microsecond=0), usegmt=True)
    _last_date = (second, text, text.encode())
    return _last_date


def http_date(now: dt.datetime) -> str:
    """`Tue, 01 Dec 2026 22:39:17 GMT`."""
    return _date_of(now)[1]


def base_headers(now: dt.datetime) -> dict[str, str]:
    return {"Date": http_date(now), "Server": "nginx"}


class JsonAnswer(Response):
    """A Marketo JSON answer with its headers encoded at once (Starlette's general header handling costs more
    than rendering a short answer): Date, Server, Content-Length, Content-Type, in that order."""

    media_type = JSON_CONTENT_TYPE

    def __init__(self, content: bytes, status: int, now: dt.datetime) -> None:
        self.status_code = status
        self.background = None
        self.body = content
        self.raw_headers = json_headers(_date_of(now)[2], len(content))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """What Starlette's `Response` sends, for HTTP only (a REST answer is never a websocket's)."""
        await send({"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers})
        await send({"type": "http.response.body", "body": self.body})


_JSON_CONTENT_TYPE_BYTES = JSON_CONTENT_TYPE.encode()


def json_headers(date: bytes, length: int) -> list[tuple[bytes, bytes]]:
    """A JSON answer's headers (`JsonAnswer`): Date (`date`, as sent), Server, Content-Length, Content-Type."""
    return [
        (b"date", date),
        (b"server", b"nginx"),
        (b"content-length", str(length).encode()),
        (b"content-type", _JSON_CONTENT_TYPE_BYTES),
    ]


# What orjson leaves to `json` (which then renders it or raises as before): datetimes and dataclasses, which json
# refuses. Whatever else orjson refuses (integers past 64 bits, keys that are not strings) json renders.
_ORJSON_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS


def encode_json(body: Any) -> bytes:
    """Compact UTF-8 JSON, keys in insertion order: what `json.dumps(body, separators=(",", ":"),
    ensure_ascii=False).encode()` gives, at a fifth of the cost (orjson). Floats read back the same, though a
    small one may be written `0.00001` instead of `1e-05`; NaN and infinities (no JSON words) become null."""
    try:
        return orjson.dumps(body, option=_ORJSON_OPTIONS)
    except TypeError:  # orjson.JSONEncodeError: what it cannot render, json can (or refuses the same way)
        return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()


def json_response(body: Any, now: dt.datetime, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    content = encode_json(body)
    if not headers:
        return JsonAnswer(content, status, now)
    return Response(content, status, {**base_headers(now), **headers}, JSON_CONTENT_TYPE)


def success_body(reply: Reply, request_id: str) -> dict[str, Any]:
    if reply.envelope == "asset":
        return {
            "success": True,
            "errors": [],
            "requestId": request_id,
            "warnings": list(reply.warnings),
            "result": reply.result if reply.result is not None else [],
        }
    body: dict[str, Any] = {"requestId": request_id}
    if reply.result is not None:
        body["result"] = reply.result
    body["success"] = True
    if reply.next_page_token is not None:
        body["nextPageToken"] = reply.next_page_token
    if reply.more_result is not None:
        body["moreResult"] = reply.more_result
    if reply.warnings:
        body["warnings"] = list(reply.warnings)
    return body


def error_body(code: str, message: str, request_id: str, envelope: Envelope = "leaddb") -> dict[str, Any]:
    err = [{"code": code, "message": message}]
    if envelope == "asset":
        return {"success": False, "errors": err, "requestId": request_id, "warnings": [], "result": []}
    return {"requestId": request_id, "success": False, "errors": err}


# Where nginx's own reason phrase differs from Python's (nginx src/http/ngx_http_special_response.c).
NGINX_PHRASES = {414: "Request-URI Too Large"}


def status_phrase(status: int) -> str:
    """The reason phrase nginx writes on its own error pages: `500 Internal Server Error`."""
    if status in NGINX_PHRASES:
        return NGINX_PHRASES[status]
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def nginx_page(status: int, now: dt.datetime) -> Response:
    """The HTML page nginx sends for a status it answers itself (413, 414, a gateway's 502)."""
    title = f"{status} {status_phrase(status)}"
    page = (
        f"<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n"
        f"<center><h1>{title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
    )
    return Response(page.encode(), status, base_headers(now), HTML_CONTENT_TYPE)


def asset_stamp(stamp: str) -> str:
    """The Asset API's rendering of a stored timestamp: `2021-11-23T22:57:24Z+0000`."""
    return f"{stamp}+0000"


def asset_result(call: Call, result: list[Any] | None) -> Reply | Response:
    """An Asset API read or write: its records, or `asset_not_found` when there are none."""
    return Reply(result=result, envelope="asset") if result else asset_not_found(call)


def asset_not_found(call: Call) -> Response:
    """An Asset API search that found nothing: success with a warning string and no `result` (recorded:
    `{"success":true,"errors":[],"requestId":"…","warnings":[…]}`); the warning is 702's `no_assets` variant."""
    warning = errors.get("702").format(variant="no_assets")
    body = {"success": True, "errors": [], "requestId": call.request_id, "warnings": [warning]}
    return json_response(body, call.now)

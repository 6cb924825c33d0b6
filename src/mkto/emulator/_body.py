"""A request's body and a response's bytes on the wire: reading the body under its size limit (draining an
oversized one so the caller reads the 413), media types, form and multipart parsing into params and files,
the 612/613/609 verdicts on a body, and a fault plan's truncated answer that drops the connection.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import AsyncGenerator, Iterable, Mapping
from typing import Any

from starlette.datastructures import FormData, Headers, UploadFile
from starlette.formparsers import MultiPartParser
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Message, Receive, Scope, Send

from ._api import Endpoint
from ._common.rows import decode

DRAIN_LIMIT_BYTES = 64 * 1_048_576  # read (and drop) an oversized body up to this before answering 413
JSON_TYPES = frozenset({"application/json"})
FORM_TYPES = frozenset({"application/x-www-form-urlencoded"})
MULTIPART_TYPES = frozenset({"multipart/form-data"})
BODY_TYPES: Mapping[str, frozenset[str]] = {
    "json": JSON_TYPES,
    "form": FORM_TYPES,
    "multipart": MULTIPART_TYPES,
    "json_or_form": JSON_TYPES | FORM_TYPES,
}


def header_fields(scope: Scope) -> dict[bytes, bytes]:
    """A request's header fields by (lowercase, as ASGI servers give them) name, the first of a repeated one:
    one pass where each of Starlette's `Headers` lookups scans the list again."""
    return dict(reversed(scope["headers"]))


def media_type(fields: Mapping[bytes, bytes]) -> str:
    return fields.get(b"content-type", b"").decode("latin-1").split(";", 1)[0].strip().lower()


def multi(pairs: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for key, value in pairs:
        out.setdefault(key, []).append(value)
    return out


def parse_form(body: bytes) -> dict[str, list[str]]:
    return multi(urllib.parse.parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))


def declares_body(fields: Mapping[bytes, bytes]) -> bool:
    """HTTP/1.1: no length (or 0) and no chunking means no body (most GETs): nothing to wait for."""
    length = fields.get(b"content-length")
    return (length is not None and length != b"0") or b"transfer-encoding" in fields


async def read_body(request: Request, limit: int, fields: Mapping[bytes, bytes]) -> bytes | None:
    """The body, or None when it is over `limit` (after draining it, so the client reads our 413);
    `fields`: the request's `header_fields`."""
    if not declares_body(fields):
        return b""
    length = fields.get(b"content-length")
    declared = length.decode("latin-1") if length is not None else None
    too_big = declared is not None and declared.isdigit() and int(declared) > limit
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            too_big = True
        if too_big:
            if size > DRAIN_LIMIT_BYTES:
                break
            continue
        chunks.append(chunk)
    return None if too_big else b"".join(chunks)


async def _replay(body: bytes) -> AsyncGenerator[bytes, None]:
    yield body
    yield b""


def _multipart_complete(headers: Headers, body: bytes) -> bool:
    """A boundary is declared and the body closes it (python-multipart forgives a truncated body)."""
    _, _, params = headers.get("content-type", "").partition(";")
    boundary = ""
    for param in params.split(";"):
        key, _, value = param.strip().partition("=")
        if key.lower() == "boundary":
            boundary = value.strip().strip('"')
    return bool(boundary) and f"--{boundary}--".encode() in body


async def parse_body(
    endpoint: Endpoint,
    *,
    body: bytes,
    media: str,
    overridden: bool,
    params: dict[str, list[str]],
    request: Request,
) -> tuple[Any, dict[str, UploadFile]] | str:
    """(json, files), or the code that refuses the body: 612, 613 or 609."""
    if not body.strip():
        return None, {}
    allowed = JSON_TYPES | FORM_TYPES if overridden else BODY_TYPES.get(endpoint.body)
    if allowed is None:  # the endpoint takes no body: ignore one, as Marketo does
        return None, {}
    if media not in allowed:
        return "612"
    if media in FORM_TYPES:
        if not overridden:
            for key, values in parse_form(body).items():
                params.setdefault(key, []).extend(values)
        return None, {}
    if media in MULTIPART_TYPES:
        headers = request.headers
        if not _multipart_complete(headers, body):
            return "613"
        try:
            form: FormData = await MultiPartParser(headers, _replay(body)).parse()
        except Exception:
            return "613"
        files: dict[str, UploadFile] = {}
        for key, value in form.multi_items():
            if isinstance(value, UploadFile):
                files[key] = value
            else:
                params.setdefault(key, []).append(value)
        return None, files
    try:
        return decode(body), {}
    except (ValueError, UnicodeDecodeError):
        return "609"


class DroppedConnection(Exception):
    """Raised inside a response body to make the server drop the connection (a fault plan's truncation)."""


class _Truncated(Response):
    """A response sent as it would be (status, headers, its own way of sending: a streamed file, a range),
    with its body cut after `limit` bytes and the connection then dropped."""

    def __init__(self, response: Response, limit: int) -> None:
        self.inner = response
        self.limit = limit
        self.status_code = response.status_code
        self.background = None
        self.body = b""
        self.raw_headers = response.raw_headers
        self.media_type = response.media_type

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        sent = 0

        async def cut(message: Message) -> None:
            nonlocal sent
            if message["type"] == "http.response.body":
                chunk: bytes = message.get("body", b"")
                if sent + len(chunk) >= self.limit:
                    await send({"type": "http.response.body", "body": chunk[: self.limit - sent], "more_body": True})
                    raise DroppedConnection(f"fault plan: connection dropped after {self.limit} bytes")
                sent += len(chunk)
            await send(message)

        await self.inner(scope, receive, cut)


def truncated(response: Response, limit: int) -> Response:
    """`response` whose body stops after `limit` bytes, mid-stream, the connection dropped there."""
    return _Truncated(response, limit)


__all__ = [
    "BODY_TYPES",
    "DRAIN_LIMIT_BYTES",
    "FORM_TYPES",
    "JSON_TYPES",
    "MULTIPART_TYPES",
    "DroppedConnection",
    "declares_body",
    "header_fields",
    "media_type",
    "multi",
    "parse_body",
    "parse_form",
    "read_body",
    "truncated",
]

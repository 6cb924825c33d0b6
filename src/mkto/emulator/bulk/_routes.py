"""Bulk routes: parse the call, ask the model, render. No business rules here.

Files (extract files, import failures and warnings) are plain bytes on the wire, not envelopes; a file that is
not there (yet) is "404 Not Found" with a plain-text message, as bulk-extract.md describes.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy.engine import Engine
from starlette.datastructures import Headers
from starlette.responses import PlainTextResponse, Response, StreamingResponse
from starlette.types import Receive, Scope, Send

from mkto import errors
from mkto.emulator import _params as p
from mkto.emulator import customobjects as co
from mkto.emulator._api import ApiError, Call, Reply
from mkto.emulator._common import paging
from mkto.emulator.bulk import _files, _model

PLAIN = "text/plain;charset=UTF-8"
JOBS_TOKEN = "bulkjobs"  # Get Export Jobs: unscoped tokens `bulkjobs:<after>`
MEDIA_TYPES = {"CSV": "text/csv", "TSV": "text/tab-separated-values", "SSV": "text/plain"}


def _media(fmt: str) -> str:
    return f"{MEDIA_TYPES.get(fmt, 'text/plain')};charset=UTF-8"


def _not_found() -> Response:
    return PlainTextResponse(errors.get("610").format(), 404, headers={"Server": "nginx"}, media_type=PLAIN)


def _export_id(call: Call) -> str:
    return str(call.path_params.get("exportId", ""))


def _extracts(call: Call, kind: str) -> _model.Extracts:
    return _model.Extracts(call.db, call.user, call.now, call.instance, kind)


# --- import ---------------------------------------------------------------------------------------------------


def _imports(call: Call) -> _model.Imports:
    name = call.path_params.get("apiName")
    if name is None:
        return _model.Imports(call.db, call.user, call.now, call.instance)
    co.check_enabled(call.settings)
    co.find_type(call.db, str(name))  # 1013 for a type no type has
    return _model.Imports(call.db, call.user, call.now, call.instance, str(name))


def import_file(call: Call) -> Reply:
    """Import Leads and Import Custom Objects: a multipart `file` and the `format` (query or form field)."""
    upload = call.files.get("file")
    data = upload.file.read() if upload is not None else None
    result = _imports(call).create(
        fmt=call.param("format"), data=data, lookup_field=call.param("lookupField") or None,
        partition_name=call.param("partitionName") or None, list_id=call.param("listId") or None,
    )  # fmt: skip
    return Reply(result=[result])


def import_status(call: Call) -> Reply:
    return Reply(result=[_imports(call).status(p.path_id(call, "batchId"))])


def _import_rows_file(call: Call, which: str) -> Response:
    try:
        found = _imports(call).file(p.path_id(call, "batchId"), which)
    except ApiError:
        found = None  # custom objects disabled or the type unknown: no such file either
    if found is None:
        return _not_found()
    data, fmt = found
    return Response(data, 200, headers={"Server": "nginx"}, media_type=_media(fmt))


def import_failures(call: Call) -> Response:
    return _import_rows_file(call, "failures")


def import_warnings(call: Call) -> Response:
    return _import_rows_file(call, "warnings")


# --- extract --------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ExtractRoutes:
    """The six extract handlers of one kind: `ExtractRoutes("leads").create`; "customobjects/" takes the
    type from the path."""

    base_kind: str

    def kind_of(self, call: Call) -> str:
        if self.base_kind != _model.CUSTOM_OBJECTS:
            return self.base_kind
        co.check_enabled(call.settings)
        name = str(call.path_params.get("apiName", ""))
        co.find_type(call.db, name)  # 1013 for a type no type has
        return self.base_kind + name

    def create(self, call: Call) -> Reply:
        return Reply(result=[_extracts(call, self.kind_of(call)).create(call.json, call.settings)])

    def enqueue(self, call: Call) -> Reply:
        return Reply(result=[_extracts(call, self.kind_of(call)).enqueue(_export_id(call))])

    def status(self, call: Call) -> Reply:
        return Reply(result=[_extracts(call, self.kind_of(call)).status(_export_id(call))])

    def cancel(self, call: Call) -> Reply:
        return Reply(result=[_extracts(call, self.kind_of(call)).cancel(_export_id(call))])

    def list(self, call: Call) -> Reply:
        batch_size = p.batch_size(call)
        token = call.param("nextPageToken")
        after = paging.decode(token, JOBS_TOKEN, None) if token else 0
        result, last = _extracts(call, self.kind_of(call)).list(call.param_list("status"), batch_size, after)
        if last is None:
            return Reply(result=result)
        return Reply(result=result, next_page_token=paging.encode(JOBS_TOKEN, last, None), more_result=True)

    def file(self, call: Call) -> Response:
        try:
            kind = self.kind_of(call)
        except ApiError:
            return _not_found()
        job = _extracts(call, kind).completed(_export_id(call))
        if job is None:
            return _not_found()
        return ExportFileResponse(call.db.engine, str(job.id), int(job.file_size), _media(str(job.format)))


class ExportFileResponse(Response):
    """An extract file, whole (200) or the byte range the request's `Range` header asks for (206), streamed
    chunk by chunk. The range is read when the response is sent: a handler sees no request headers."""

    def __init__(self, engine: Engine, export_id: str, size: int, media_type: str) -> None:
        super().__init__(b"", 200, headers={"Server": "nginx", "Accept-Ranges": "bytes"}, media_type=media_type)
        self.engine = engine
        self.export_id = export_id
        self.size = size

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        wanted = _files.parse_range(Headers(scope=scope).get("range"), self.size)
        headers = {k: v for k, v in self.headers.items() if k not in ("content-length", "content-type")}
        if wanted is False:
            headers["Content-Range"] = f"bytes */{self.size}"
            await Response(b"", 416, headers=headers)(scope, receive, send)
            return
        first, last = wanted if isinstance(wanted, tuple) else (0, self.size - 1)
        if isinstance(wanted, tuple):
            headers["Content-Range"] = f"bytes {first}-{last}/{self.size}"
        headers["Content-Length"] = str(max(0, last - first + 1))
        body: Iterator[bytes] = (
            _files.stream_export(self.engine, self.export_id, first, last) if self.size else iter(())
        )
        status = 206 if isinstance(wanted, tuple) else 200
        await StreamingResponse(body, status, headers=headers, media_type=self.media_type)(scope, receive, send)

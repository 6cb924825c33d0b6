# GENERATED FILE, do not edit: made from src/mkto/client/_async/client.py by `python scripts/unasync.py`.
# Change the async source and run the script again (CI fails when this file is stale: --check).
"""`Client`: the shell that performs the core's operations, over httpx.

Everything that decides lives in `_core`; a shell only sends, sleeps, takes and gives back limiter slots
(`_limits.Limiter`), writes files and serialises token fetches. The async shell never blocks its event
loop: it awaits the limiter backend's async variant and writes files in a worker thread.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Generator, Mapping, Sequence
from types import TracebackType
from typing import Any, Self, TypeVar

import httpx

from mkto.errors import MarketoResponse, NetworkError

from .._limits import Limiter
from .._operations import (
    Abandoned,
    Acquire,
    CloseFile,
    CloseStream,
    Emit,
    Flow,
    HttpRequest,
    Op,
    OpenFile,
    OpenStream,
    RawResponse,
    ReadChunk,
    Release,
    Send,
    Sleep,
    StreamHead,
    Truncate,
    WriteChunk,
)
from .._ops.objects import DEDUPE_OBJECTS
from .._shell import (
    CHUNK_BYTES,
    STREAMED,
    ShellBase,
    env_config,
    httpx_limits,
    httpx_timeout,
    network_error,
    open_sink,
    raw,
    truncate_file,
)
from .areas import Activities, Campaigns, Lists
from .bulk import Bulk
from .leads import Leads, Usage
from .objects import Assets, DedupeObjects, ProgramMembers

T = TypeVar("T")


class Client(ShellBase):
    """A Marketo REST client: every call limited, authenticated, retried and logged (the sync and async
    clients are the same code, the sync one generated from the async one).

    with Client(munchkin_id="123-ABC-456", client_id="...", client_secret="...") as mkto:
        outcomes = mkto.leads.sync([{"email": "a@example.com"}])
        for lead in mkto.leads.iter_by_filter("email", emails): ...
    """

    def __init__(
        self,
        *,
        sleep: Callable[[float], None] = time.sleep,
        http_client: httpx.Client | None = None,
        **config: Any,
    ) -> None:
        super().__init__(**config)
        self._sleep = sleep
        self._http = http_client or httpx.Client(timeout=httpx_timeout(self.timeouts), limits=httpx_limits(self.limits))
        self._token_lock = threading.Lock()
        self._limiter = Limiter(self._core.backend)
        self.leads = Leads(self)
        self.usage = Usage(self)
        self.lists = Lists(self)
        self.campaigns = Campaigns(self)
        self.activities = Activities(self)
        self.bulk = Bulk(self)
        self.companies = DedupeObjects(self, DEDUPE_OBJECTS["companies"])
        self.opportunities = DedupeObjects(self, DEDUPE_OBJECTS["opportunities"])
        self.opportunity_roles = DedupeObjects(self, DEDUPE_OBJECTS["opportunity_roles"])
        self.sales_persons = DedupeObjects(self, DEDUPE_OBJECTS["sales_persons"])
        self.named_accounts = DedupeObjects(self, DEDUPE_OBJECTS["named_accounts"])
        self.program_members = ProgramMembers(self)
        self.assets = Assets(self)

    def custom_objects(self, api_name: str) -> DedupeObjects:
        """One custom object type: `client.custom_objects("car_c").sync([...])`."""
        return DedupeObjects(self, f"customobjects/{api_name}")

    @classmethod
    def from_env(cls, **overrides: Any) -> Self:
        """`Client.from_env()` reads MKTO_BASE_URL or MKTO_MUNCHKIN_ID, MKTO_CLIENT_ID, MKTO_CLIENT_SECRET."""
        return cls(**{**env_config(), **overrides})

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | Sequence[tuple[str, Any]] | None = None,
        json: Any = None,
        data: Mapping[str, Any] | None = None,
        files: Any = None,
        idempotent: bool | None = None,
    ) -> MarketoResponse:
        """Any REST call with every protection: `client.request("GET", "/rest/v1/leads/describe.json")`."""
        spec = self._spec(method, path, params=params, json=json, data=data, files=files, idempotent=idempotent)
        return self.run(self._core.call(spec))

    def run(self, flow: Flow[T]) -> T:
        """Drive a core flow to its end, performing its operations."""
        self._release_orphans()
        # An exception from an operation is thrown into the flow: it decides (a failed token fetch is
        # retried like any error), and it gives its limiter slots back on KeyboardInterrupt and
        # cancellation too (as `Release` operations performed here).
        try:
            op = flow.send(None)
            while True:
                try:
                    value = self._perform(op)
                except BaseException as exc:
                    op = flow.throw(exc)
                else:
                    op = flow.send(value)
        except StopIteration as stop:
            result: T = stop.value
            return result

    def iterate(self, flow: Flow[Any]) -> Generator[Any, None]:
        """Drive a flow that emits values (a streamed download), yielding them as they come.

        Stopping early is safe: the flow is told (`Abandoned`), so it closes its stream and frees its slot.
        """
        self._release_orphans()
        try:
            op = flow.send(None)
            while True:
                if isinstance(op, Emit):
                    try:
                        yield op.value
                    except GeneratorExit:
                        self._abandon(flow)
                        raise
                    op = flow.send(None)
                    continue
                try:
                    value = self._perform(op)
                except BaseException as exc:
                    op = flow.throw(exc)
                else:
                    op = flow.send(value)
        except StopIteration:
            return

    def _abandon(self, flow: Flow[Any]) -> None:
        try:
            op = flow.throw(Abandoned())
            while True:
                op = flow.send(None if isinstance(op, Emit) else self._perform(op))
        except (Abandoned, StopIteration):
            pass

    def _release_orphans(self) -> None:
        while self._core.orphaned:
            self._limiter.release(self._core.orphaned.pop())

    def _perform(self, op: Op) -> Any:
        if isinstance(op, Send):
            return self._send(op.request)
        if isinstance(op, Acquire):
            return self._limiter.try_acquire(op.quota)
        if isinstance(op, Release):
            self._limiter.release(op.grant)
            return None
        if isinstance(op, Sleep):
            self._sleep(op.seconds)
            return None
        if isinstance(op, OpenStream):
            return self._open(op.request)
        if isinstance(op, ReadChunk):
            return self._read(op.handle)
        if isinstance(op, CloseStream):
            op.handle[0].close()
            return None
        if isinstance(op, OpenFile):
            return open_sink(op.path)
        if isinstance(op, WriteChunk):
            return op.handle.write(op.data)
        if isinstance(op, Truncate):
            return truncate_file(op.handle)
        if isinstance(op, CloseFile):
            return op.handle.close()
        if isinstance(op, Emit):
            raise TypeError("this flow emits values: drive it with iterate()")
        with self._token_lock:
            return self.run(self._core.token_flow(op.stale))

    def _send(self, request: HttpRequest) -> RawResponse | NetworkError:
        try:
            if request.files is not None:
                response = self._http.request(
                    request.method,
                    request.url,
                    headers=list(request.headers),
                    data=dict(request.form or ()),
                    files=request.files,
                )
            else:
                response = self._http.request(
                    request.method, request.url, headers=list(request.headers), content=request.content
                )
        except httpx.TransportError as exc:
            return network_error(exc)
        return raw(response)

    def _open(self, request: HttpRequest) -> StreamHead | RawResponse | NetworkError:
        wire = self._http.build_request(
            request.method, request.url, headers=list(request.headers), content=request.content
        )
        try:
            response = self._http.send(wire, stream=True)
            if response.status_code not in STREAMED:
                try:
                    response.read()
                finally:
                    response.close()
                return raw(response)
        except httpx.TransportError as exc:
            return network_error(exc)
        return StreamHead(response.status_code, response.headers, (response, response.iter_bytes(CHUNK_BYTES)))

    def _read(self, handle: tuple[httpx.Response, Any]) -> bytes | NetworkError:
        response, chunks = handle
        try:
            chunk: bytes = next(chunks, b"")
        except httpx.TransportError as exc:
            response.close()
            return network_error(exc)
        if not chunk:
            response.close()
        return chunk

    def close(self) -> None:
        self._http.close()
        self._limiter.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

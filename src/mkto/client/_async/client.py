"""`AsyncClient`: the shell that performs the core's operations, over httpx.

Everything that decides lives in `_core`; a shell only sends, sleeps, takes and gives back limiter slots
(`_limits.AsyncLimiter`), writes files and serialises token fetches. The async shell never blocks its event
loop: it awaits the limiter backend's async variant and writes files in a worker thread.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Awaitable, Callable, Mapping, Sequence
from types import TracebackType
from typing import Any, Self, TypeVar

import httpx

from mkto.errors import MarketoResponse, NetworkError

from .._limits import AsyncLimiter
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
from .areas import AsyncActivities, AsyncCampaigns, AsyncLists
from .bulk import AsyncBulk
from .leads import AsyncLeads, AsyncUsage
from .objects import AsyncAssets, AsyncDedupeObjects, AsyncProgramMembers

T = TypeVar("T")


class AsyncClient(ShellBase):
    """A Marketo REST client: every call limited, authenticated, retried and logged (the sync and async
    clients are the same code, the sync one generated from the async one).

    async with AsyncClient(munchkin_id="123-ABC-456", client_id="...", client_secret="...") as mkto:
        outcomes = await mkto.leads.sync([{"email": "a@example.com"}])
        async for lead in mkto.leads.iter_by_filter("email", emails): ...
    """

    def __init__(
        self,
        *,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        http_client: httpx.AsyncClient | None = None,
        **config: Any,
    ) -> None:
        super().__init__(**config)
        self._sleep = sleep
        self._http = http_client or httpx.AsyncClient(
            timeout=httpx_timeout(self.timeouts), limits=httpx_limits(self.limits)
        )
        self._token_lock = asyncio.Lock()
        self._limiter = AsyncLimiter(self._core.backend)
        self.leads = AsyncLeads(self)
        self.usage = AsyncUsage(self)
        self.lists = AsyncLists(self)
        self.campaigns = AsyncCampaigns(self)
        self.activities = AsyncActivities(self)
        self.bulk = AsyncBulk(self)
        self.companies = AsyncDedupeObjects(self, DEDUPE_OBJECTS["companies"])
        self.opportunities = AsyncDedupeObjects(self, DEDUPE_OBJECTS["opportunities"])
        self.opportunity_roles = AsyncDedupeObjects(self, DEDUPE_OBJECTS["opportunity_roles"])
        self.sales_persons = AsyncDedupeObjects(self, DEDUPE_OBJECTS["sales_persons"])
        self.named_accounts = AsyncDedupeObjects(self, DEDUPE_OBJECTS["named_accounts"])
        self.program_members = AsyncProgramMembers(self)
        self.assets = AsyncAssets(self)

    def custom_objects(self, api_name: str) -> AsyncDedupeObjects:
        """One custom object type: `client.custom_objects("car_c").sync([...])`."""
        return AsyncDedupeObjects(self, f"customobjects/{api_name}")

    @classmethod
    def from_env(cls, **overrides: Any) -> Self:
        """`AsyncClient.from_env()` reads MKTO_BASE_URL or MKTO_MUNCHKIN_ID, MKTO_CLIENT_ID, MKTO_CLIENT_SECRET."""
        return cls(**{**env_config(), **overrides})

    async def request(
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
        """Any REST call with every protection: `await client.request("GET", "/rest/v1/leads/describe.json")`."""
        spec = self._spec(method, path, params=params, json=json, data=data, files=files, idempotent=idempotent)
        return await self.run(self._core.call(spec))

    async def run(self, flow: Flow[T]) -> T:
        """Drive a core flow to its end, performing its operations."""
        await self._release_orphans()
        # An exception from an operation is thrown into the flow: it decides (a failed token fetch is
        # retried like any error), and it gives its limiter slots back on KeyboardInterrupt and
        # cancellation too (as `Release` operations performed here).
        try:
            op = flow.send(None)
            while True:
                try:
                    value = await self._perform(op)
                except BaseException as exc:
                    op = flow.throw(exc)
                else:
                    op = flow.send(value)
        except StopIteration as stop:
            result: T = stop.value
            return result

    async def iterate(self, flow: Flow[Any]) -> AsyncGenerator[Any, None]:
        """Drive a flow that emits values (a streamed download), yielding them as they come.

        Stopping early is safe: the flow is told (`Abandoned`), so it closes its stream and frees its slot.
        """
        await self._release_orphans()
        try:
            op = flow.send(None)
            while True:
                if isinstance(op, Emit):
                    try:
                        yield op.value
                    except GeneratorExit:
                        await self._abandon(flow)
                        raise
                    op = flow.send(None)
                    continue
                try:
                    value = await self._perform(op)
                except BaseException as exc:
                    op = flow.throw(exc)
                else:
                    op = flow.send(value)
        except StopIteration:
            return

    async def _abandon(self, flow: Flow[Any]) -> None:
        try:
            op = flow.throw(Abandoned())
            while True:
                op = flow.send(None if isinstance(op, Emit) else await self._perform(op))
        except (Abandoned, StopIteration):
            pass

    async def _release_orphans(self) -> None:
        while self._core.orphaned:
            await self._limiter.release(self._core.orphaned.pop())

    async def _perform(self, op: Op) -> Any:
        if isinstance(op, Send):
            return await self._send(op.request)
        if isinstance(op, Acquire):
            return await self._limiter.try_acquire(op.quota)
        if isinstance(op, Release):
            await self._limiter.release(op.grant)
            return None
        if isinstance(op, Sleep):
            await self._sleep(op.seconds)
            return None
        if isinstance(op, OpenStream):
            return await self._open(op.request)
        if isinstance(op, ReadChunk):
            return await self._read(op.handle)
        if isinstance(op, CloseStream):
            await op.handle[0].aclose()
            return None
        if isinstance(op, OpenFile):
            return await asyncio.to_thread(open_sink, op.path)
        if isinstance(op, WriteChunk):
            return await asyncio.to_thread(op.handle.write, op.data)
        if isinstance(op, Truncate):
            return await asyncio.to_thread(truncate_file, op.handle)
        if isinstance(op, CloseFile):
            return await asyncio.to_thread(op.handle.close)
        if isinstance(op, Emit):
            raise TypeError("this flow emits values: drive it with iterate()")
        async with self._token_lock:
            return await self.run(self._core.token_flow(op.stale))

    async def _send(self, request: HttpRequest) -> RawResponse | NetworkError:
        try:
            if request.files is not None:
                response = await self._http.request(
                    request.method,
                    request.url,
                    headers=list(request.headers),
                    data=dict(request.form or ()),
                    files=request.files,
                )
            else:
                response = await self._http.request(
                    request.method, request.url, headers=list(request.headers), content=request.content
                )
        except httpx.TransportError as exc:
            return network_error(exc)
        return raw(response)

    async def _open(self, request: HttpRequest) -> StreamHead | RawResponse | NetworkError:
        wire = self._http.build_request(
            request.method, request.url, headers=list(request.headers), content=request.content
        )
        try:
            response = await self._http.send(wire, stream=True)
            if response.status_code not in STREAMED:
                try:
                    await response.aread()
                finally:
                    await response.aclose()
                return raw(response)
        except httpx.TransportError as exc:
            return network_error(exc)
        return StreamHead(response.status_code, response.headers, (response, response.aiter_bytes(CHUNK_BYTES)))

    async def _read(self, handle: tuple[httpx.Response, Any]) -> bytes | NetworkError:
        response, chunks = handle
        try:
            chunk: bytes = await anext(chunks, b"")
        except httpx.TransportError as exc:
            await response.aclose()
            return network_error(exc)
        if not chunk:
            await response.aclose()
        return chunk

    async def aclose(self) -> None:
        await self._http.aclose()
        await self._limiter.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

"""`Client` and `AsyncClient`: thin shells that perform the core's operations with httpx.

Everything that decides lives in `_core`; a shell only sends, sleeps, and serialises token fetches
(a `threading.Lock` for threads, an `asyncio.Lock` for tasks).
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import threading
import time
from collections.abc import AsyncGenerator, Awaitable, Callable, Generator, Mapping, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self, TypeVar

import httpx

from mkto.errors import MarketoResponse, NetworkError

from ._config import Limits, RetryPolicy, Timeouts
from ._core import (
    Abandoned,
    CloseStream,
    Core,
    Emit,
    Flow,
    HttpRequest,
    Op,
    OpenStream,
    RawResponse,
    ReadChunk,
    RequestSpec,
    Send,
    Sleep,
    StreamHead,
)
from ._logging import LOGGER_NAME

if TYPE_CHECKING:
    from ._objects import AsyncDedupeObjects, DedupeObjects

T = TypeVar("T")

# Failures where the request certainly never reached the server.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.UnsupportedProtocol)


def _resolve_base_url(base_url: str | None, munchkin_id: str | None) -> str:
    if base_url:
        return base_url.rstrip("/").removesuffix("/rest")
    if munchkin_id:
        return f"https://{munchkin_id}.mktorest.com"
    raise ValueError("Give base_url or munchkin_id (or set MKTO_BASE_URL / MKTO_MUNCHKIN_ID)")


def _env_config() -> dict[str, Any]:
    missing = [name for name in ("MKTO_CLIENT_ID", "MKTO_CLIENT_SECRET") if not os.environ.get(name)]
    if not (os.environ.get("MKTO_BASE_URL") or os.environ.get("MKTO_MUNCHKIN_ID")):
        missing.append("MKTO_BASE_URL or MKTO_MUNCHKIN_ID")
    if missing:
        raise ValueError(f"Missing environment variables: {', '.join(missing)}")
    return {
        "base_url": os.environ.get("MKTO_BASE_URL") or None,
        "munchkin_id": os.environ.get("MKTO_MUNCHKIN_ID") or None,
        "client_id": os.environ["MKTO_CLIENT_ID"],
        "client_secret": os.environ["MKTO_CLIENT_SECRET"],
    }


def _httpx_timeout(t: Timeouts) -> httpx.Timeout:
    return httpx.Timeout(connect=t.connect, read=t.read, write=t.write, pool=t.pool)


def _httpx_limits(limits: Limits) -> httpx.Limits:
    return httpx.Limits(max_connections=max(limits.concurrency, 1) + 2, max_keepalive_connections=limits.concurrency)


def _raw(response: httpx.Response) -> RawResponse:
    return RawResponse(response.status_code, response.headers, response.content)


_CHUNK_BYTES = 65_536
_STREAMED = (200, 206)


def _network_error(exc: httpx.HTTPError) -> NetworkError:
    err = NetworkError(f"{type(exc).__name__}: {exc}", maybe_sent=not isinstance(exc, _NOT_SENT))
    err.__cause__ = exc
    return err


class _Base:
    def __init__(
        self,
        *,
        base_url: str | None = None,
        munchkin_id: str | None = None,
        client_id: str,
        client_secret: str,
        timeouts: Timeouts | None = None,
        retry: RetryPolicy | None = None,
        limits: Limits | None = None,
        logger: logging.Logger | None = None,
        clock: Callable[[], float] = time.monotonic,
        rng: random.Random | None = None,
        token_refresh_margin_s: float = 60.0,
        token_min_life_s: float = 10.0,
    ) -> None:
        self.timeouts = timeouts or Timeouts()
        self._core = Core(
            base_url=_resolve_base_url(base_url, munchkin_id),
            client_id=client_id,
            client_secret=client_secret,
            retry=retry or RetryPolicy(),
            limits=limits or Limits(),
            logger=logger or logging.getLogger(LOGGER_NAME),
            clock=clock,
            rng=rng,
            token_refresh_margin_s=token_refresh_margin_s,
            token_min_life_s=token_min_life_s,
        )

    @property
    def base_url(self) -> str:
        return self._core.base_url

    @property
    def retry(self) -> RetryPolicy:
        return self._core.retry

    @property
    def limits(self) -> Limits:
        return self._core.limits

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r}, client_id={self._core.client_id!r})"

    def _spec(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | Sequence[tuple[str, Any]] | None,
        json: Any,
        data: Mapping[str, Any] | None,
        files: Any,
        idempotent: bool | None,
    ) -> RequestSpec:
        return RequestSpec.build(method, path, params=params, json=json, data=data, files=files, idempotent=idempotent)


class Client(_Base):
    """A Marketo REST client for threads: every call limited, authenticated, retried and logged.

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
        self._http = http_client or httpx.Client(
            timeout=_httpx_timeout(self.timeouts), limits=_httpx_limits(self.limits)
        )
        self._token_lock = threading.Lock()
        from ._areas import Activities, Campaigns, Lists
        from ._bulk import Bulk
        from ._objects import DEDUPE_OBJECTS, Assets, DedupeObjects, ProgramMembers
        from ._resources import Leads, Usage

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
        from ._objects import DedupeObjects

        return DedupeObjects(self, f"customobjects/{api_name}")

    @classmethod
    def from_env(cls, **overrides: Any) -> Client:
        """`Client.from_env()` reads MKTO_BASE_URL or MKTO_MUNCHKIN_ID, MKTO_CLIENT_ID, MKTO_CLIENT_SECRET."""
        return cls(**{**_env_config(), **overrides})

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
        result: MarketoResponse = self.run(
            self._core.call(
                self._spec(method, path, params=params, json=json, data=data, files=files, idempotent=idempotent)
            )
        )
        return result

    def run(self, flow: Flow) -> Any:
        """Drive a core flow to its end with blocking I/O."""
        # An exception from an operation is thrown into the flow: it decides (a failed token fetch is
        # retried like any error), and its finally blocks release limiter slots on KeyboardInterrupt too.
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
            return stop.value

    def iterate(self, flow: Flow) -> Generator[Any, None, None]:
        """Drive a flow that emits values (a streamed download), yielding them as they come.

        Stopping early is safe: the flow is told (`Abandoned`), so it closes its stream and frees its slot.
        """
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

    def _abandon(self, flow: Flow) -> None:
        try:
            op = flow.throw(Abandoned())
            while True:
                op = flow.send(None if isinstance(op, Emit) else self._perform(op))
        except (Abandoned, StopIteration):
            pass

    def _perform(self, op: Op) -> Any:
        if isinstance(op, Send):
            return self._send(op.request)
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
            return _network_error(exc)
        return _raw(response)

    def _open(self, request: HttpRequest) -> StreamHead | RawResponse | NetworkError:
        wire = self._http.build_request(
            request.method, request.url, headers=list(request.headers), content=request.content
        )
        try:
            response = self._http.send(wire, stream=True)
            if response.status_code not in _STREAMED:
                try:
                    response.read()
                finally:
                    response.close()
                return _raw(response)
        except httpx.TransportError as exc:
            return _network_error(exc)
        return StreamHead(response.status_code, response.headers, (response, response.iter_bytes(_CHUNK_BYTES)))

    def _read(self, handle: tuple[httpx.Response, Any]) -> bytes | NetworkError:
        response, chunks = handle
        try:
            chunk: bytes = next(chunks, b"")
        except httpx.TransportError as exc:
            response.close()
            return _network_error(exc)
        if not chunk:
            response.close()
        return chunk

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class AsyncClient(_Base):
    """The same client for asyncio; every rule is the same code as `Client`'s.

    async with AsyncClient.from_env() as mkto:
        outcomes = await mkto.leads.sync(leads)
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
            timeout=_httpx_timeout(self.timeouts), limits=_httpx_limits(self.limits)
        )
        self._token_lock: asyncio.Lock | None = None
        from ._areas import AsyncActivities, AsyncCampaigns, AsyncLists
        from ._bulk import AsyncBulk
        from ._objects import DEDUPE_OBJECTS, AsyncAssets, AsyncDedupeObjects, AsyncProgramMembers
        from ._resources import AsyncLeads, AsyncUsage

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
        from ._objects import AsyncDedupeObjects

        return AsyncDedupeObjects(self, f"customobjects/{api_name}")

    @classmethod
    def from_env(cls, **overrides: Any) -> AsyncClient:
        return cls(**{**_env_config(), **overrides})

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
        """`await client.request("GET", "/rest/v1/leads/describe.json")`."""
        result: MarketoResponse = await self.run(
            self._core.call(
                self._spec(method, path, params=params, json=json, data=data, files=files, idempotent=idempotent)
            )
        )
        return result

    async def run(self, flow: Flow) -> Any:
        try:
            op = flow.send(None)
            while True:
                try:
                    value = await self._perform(op)
                except BaseException as exc:  # CancelledError included: the flow releases its slots
                    op = flow.throw(exc)
                else:
                    op = flow.send(value)
        except StopIteration as stop:
            return stop.value

    async def iterate(self, flow: Flow) -> AsyncGenerator[Any, None]:
        """`Client.iterate` for asyncio: `async for chunk in client.iterate(flow)`."""
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

    async def _abandon(self, flow: Flow) -> None:
        try:
            op = flow.throw(Abandoned())
            while True:
                op = flow.send(None if isinstance(op, Emit) else await self._perform(op))
        except (Abandoned, StopIteration):
            pass

    async def _perform(self, op: Op) -> Any:
        if isinstance(op, Send):
            return await self._send(op.request)
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
        if isinstance(op, Emit):
            raise TypeError("this flow emits values: drive it with iterate()")
        if self._token_lock is None:
            self._token_lock = asyncio.Lock()
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
            return _network_error(exc)
        return _raw(response)

    async def _open(self, request: HttpRequest) -> StreamHead | RawResponse | NetworkError:
        wire = self._http.build_request(
            request.method, request.url, headers=list(request.headers), content=request.content
        )
        try:
            response = await self._http.send(wire, stream=True)
            if response.status_code not in _STREAMED:
                try:
                    await response.aread()
                finally:
                    await response.aclose()
                return _raw(response)
        except httpx.TransportError as exc:
            return _network_error(exc)
        return StreamHead(response.status_code, response.headers, (response, response.aiter_bytes(_CHUNK_BYTES)))

    async def _read(self, handle: tuple[httpx.Response, Any]) -> bytes | NetworkError:
        response, chunks = handle
        try:
            chunk: bytes = await anext(chunks, b"")
        except httpx.TransportError as exc:
            await response.aclose()
            return _network_error(exc)
        if not chunk:
            await response.aclose()
        return chunk

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

"""The emulator's ASGI app: the REST pipeline in DESIGN.md's fixed order, identity, and the admin API.

    app = create_app(db="sqlite:///./emulator.sqlite3", seed=0)
"""

from __future__ import annotations

import asyncio
import collections
import dataclasses
import functools
import importlib
import json
import logging
import random
import time
import urllib.parse
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, Headers, UploadFile
from starlette.formparsers import MultiPartParser
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from mkto import errors

from . import _admin
from ._api import ApiError, ApiUser, Call, Endpoint, Envelope, Reply
from ._auth import Users, has_permission, ip_allowed, user_from_dict
from ._clock import VirtualClock
from ._faults import FaultBook, FaultPlan, fault_message
from ._limits import Counters, Limits
from ._render import JSON_CONTENT_TYPE, RequestIds, error_body, http_date, json_response, nginx_page, success_body
from ._router import AREAS, Router, load_endpoints
from ._store import Store

log = logging.getLogger("mkto.emulator")

ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
OVERRIDABLE_METHODS = frozenset({"GET", "DELETE"})
IDENTITY_PATH = "/identity/oauth/token"
REQUEST_LOG_SIZE = 1000
DRAIN_LIMIT_BYTES = 64 * 1_048_576  # read (and drop) an oversized body up to this before answering 413
DEFAULT_MUNCHKIN_ID = "123-ABC-456"
# Instance settings handlers read as `call.settings`; `PUT /_mkto/settings` changes them, a reset restores these.
DEFAULT_SETTINGS: Mapping[str, Any] = {
    "native_crm_sync": False,  # a native SFDC/Dynamics sync: CRM objects read-only (1018), merge in CRM
    "crm_default_record_type": True,  # False: Merge Leads with mergeInCRM answers 714
    "custom_objects_enabled": True,  # False: custom object calls answer 1026
    "custom_object_metadata_api": True,  # False: the subscription type lacks the metadata API (616)
    "abm_enabled": True,  # False: Account-Based Marketing is not enabled, Named Account APIs answer 703
    "bulk_extract_unsupported_filters": ["updatedAt", "smartListId", "smartListName"],  # lead extract: 1035
}

JSON_TYPES = frozenset({"application/json"})
FORM_TYPES = frozenset({"application/x-www-form-urlencoded"})
MULTIPART_TYPES = frozenset({"multipart/form-data"})
BODY_TYPES: Mapping[str, frozenset[str]] = {
    "json": JSON_TYPES,
    "form": FORM_TYPES,
    "multipart": MULTIPART_TYPES,
    "json_or_form": JSON_TYPES | FORM_TYPES,
}
IDENTITY_HEADERS = {
    "Cache-Control": "no-store",
    "Pragma": "no-cache",
    "X-XSS-Protection": "1; mode=block",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
}


@dataclasses.dataclass(slots=True)
class Answer:
    """A response and the Marketo code it carries (None: success)."""

    response: Response
    code: str | None = None


class Emulation:
    """All state of one emulated Marketo instance."""

    def __init__(
        self,
        *,
        store: Store,
        endpoints: Sequence[Endpoint],
        areas: Sequence[str],
        seed: int,
        limits: Limits,
        munchkin_id: str,
        allow_query_token: bool,
        admin_token: str | None,
    ) -> None:
        self.store = store
        self.seed = seed
        self._rng = random.Random(seed)
        self.clock = VirtualClock()
        self.limits = limits
        self.counters = Counters()
        self.faults = FaultBook(self._rng)
        self.users = Users(store, self._rng)
        self.router = Router(endpoints)
        self.request_ids = RequestIds(self._rng)
        self.munchkin_id = munchkin_id
        self.allow_query_token = allow_query_token
        self.admin_token = admin_token
        self.request_log: collections.deque[dict[str, Any]] = collections.deque(maxlen=REQUEST_LOG_SIZE)
        self.settings: dict[str, Any] = dict(DEFAULT_SETTINGS)
        self._setups = [m.setup for m in (importlib.import_module(a) for a in areas) if hasattr(m, "setup")]
        self.run_setups()

    # -- the Instance protocol (what handlers see as call.instance) --------------------------------
    @property
    def rng(self) -> random.Random:
        return self._rng

    def limit(self, name: str) -> float:
        value = getattr(self.limits, name)
        return float(value)

    def usage_days(self, now: Any, days: int) -> list[dict[str, Any]]:
        return self.counters.usage_days(now, days)

    def error_days(self, now: Any, days: int) -> list[dict[str, Any]]:
        return self.counters.error_days(now, days)

    def export_bytes_today(self, now: Any) -> int:
        return self.counters.snapshot(now, self.limits)["export_bytes_today"]["bytes"]  # type: ignore[no-any-return]

    def add_export_bytes(self, now: Any, count: int) -> None:
        self.counters.add_export_bytes(now, count)

    # -- admin operations --------------------------------------------------------------------------
    def run_setups(self) -> None:
        for setup in self._setups:
            with self.store.transaction() as db:
                setup(db)

    def reset(self) -> None:
        self.store.reset()
        self.counters.reset()
        self.faults.clear()
        self.request_log.clear()
        self.settings = dict(DEFAULT_SETTINGS)
        self.run_setups()

    def log_request(self, method: str, path: str, answer: Answer, request_id: str | None, started: float) -> None:
        self.request_log.appendleft({
            "time": self.clock.now().isoformat(),
            "method": method,
            "path": path,
            "status": answer.response.status_code,
            "code": answer.code,
            "requestId": request_id,
            "latency_ms": round((time.perf_counter() - started) * 1000, 3),
        })


# -- request parsing helpers ---------------------------------------------------------------------
def _media_type(headers: Headers) -> str:
    return headers.get("content-type", "").split(";", 1)[0].strip().lower()


def _multi(pairs: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for key, value in pairs:
        out.setdefault(key, []).append(value)
    return out


def _parse_form(body: bytes) -> dict[str, list[str]]:
    return _multi(urllib.parse.parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))


async def _read_body(request: Request, limit: int) -> bytes | None:
    """The body, or None when it is over `limit` (after draining it, so the client reads our 413)."""
    declared = request.headers.get("content-length")
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


class DroppedConnection(Exception):
    """Raised inside a response body to make the server drop the connection (a fault plan's truncation)."""


def truncated(response: Response, limit: int) -> StreamingResponse:
    """`response` with the same status and headers whose body stops after `limit` bytes, mid-stream."""

    async def body() -> AsyncIterator[bytes]:
        sent = 0
        async for chunk in _body_chunks(response):
            if sent + len(chunk) >= limit:
                yield chunk[: limit - sent]
                raise DroppedConnection(f"fault plan: connection dropped after {limit} bytes")
            sent += len(chunk)
            yield chunk

    headers = dict(response.headers.items())
    return StreamingResponse(body(), status_code=response.status_code, headers=headers, media_type=response.media_type)


async def _body_chunks(response: Response) -> AsyncIterator[bytes]:
    if isinstance(response, StreamingResponse):
        async for chunk in response.body_iterator:
            yield chunk if isinstance(chunk, bytes) else str(chunk).encode()
    else:
        yield bytes(response.body)


def _bearer(headers: Headers) -> str | None:
    value = headers.get("authorization", "")
    scheme, _, token = value.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


class Pipeline:
    """The REST request pipeline and the identity endpoint."""

    def __init__(self, emulation: Emulation) -> None:
        self.emu = emulation

    # -- entry points ------------------------------------------------------------------------------
    async def rest(self, request: Request) -> Response:
        emu = self.emu
        started = time.perf_counter()
        request_id = emu.request_ids.next(emu.clock.now())
        try:
            answer = await self._rest(request, request_id)
        except Exception:
            log.exception("unhandled error in the pipeline for %s %s", request.method, request.url.path)
            answer = self._error("611", request_id)
        if answer.code is not None and errors.Level.RESPONSE in _levels(answer.code):
            emu.counters.record_error(emu.clock.now(), answer.code)
        logged_id = request_id if answer.response.media_type == JSON_CONTENT_TYPE else None
        emu.log_request(request.method, request.url.path, answer, logged_id, started)
        return answer.response

    async def asgi(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            response = await self.rest(Request(scope, receive))
            await response(scope, receive, send)

    async def identity(self, request: Request) -> Response:
        emu = self.emu
        started = time.perf_counter()
        answer = await self._identity(request)
        emu.log_request(request.method, request.url.path, answer, None, started)
        return answer.response

    # -- helpers -----------------------------------------------------------------------------------
    def _error(self, code: str, request_id: str, *args: object, endpoint: Endpoint | None = None) -> Answer:
        message = errors.get(code).format(*args)
        body = error_body(code, message, request_id, _envelope(endpoint))
        return Answer(json_response(body, self.emu.clock.now()), code)

    def _page(self, status: int) -> Answer:
        return Answer(nginx_page(status, self.emu.clock.now()), str(status))

    def _uri_too_long(self, request: Request) -> bool:
        scope = request.scope
        size = len(scope.get("raw_path") or scope["path"].encode()) + 1 + len(scope.get("query_string", b""))
        return size > self.emu.limits.max_uri_bytes

    # -- the REST pipeline ---------------------------------------------------------------------------
    async def _rest(self, request: Request, request_id: str) -> Answer:
        emu = self.emu
        limits = emu.limits
        if self._uri_too_long(request):
            return self._page(414)

        path = request.url.path
        query = _multi(urllib.parse.parse_qsl(request.url.query, keep_blank_values=True))
        method = request.method.upper()
        override = (query.get("_method") or [""])[-1].upper() if method == "POST" else ""
        guess = emu.router.match(override if override in OVERRIDABLE_METHODS else method, path)
        large = guess is not None and guess.endpoint is not None and guess.endpoint.large_body
        body = await _read_body(request, limits.max_import_bytes if large else limits.max_body_bytes)
        if body is None:
            return self._page(413)

        media = _media_type(request.headers)
        params = {k: list(v) for k, v in query.items()}
        form_consumed = False
        if method == "POST" and media in FORM_TYPES and body:
            form = _parse_form(body)
            if not override and "_method" in form:
                override = form["_method"][-1].upper()
            if override in OVERRIDABLE_METHODS:
                for key, values in form.items():
                    params.setdefault(key, []).extend(values)
                form_consumed = True
        effective = override if override in OVERRIDABLE_METHODS else method
        params.pop("_method", None)

        match = emu.router.match(effective, path)
        if match is None:
            return self._error("610", request_id)
        endpoint = match.endpoint
        if endpoint is None:
            return self._error("605", request_id, effective)

        user_or_code = self._authenticate(request, params)
        if isinstance(user_or_code, str):
            return self._error(user_or_code, request_id, endpoint=endpoint)
        user = user_or_code
        now = emu.clock.now()
        client = request.client.host if request.client else None
        if not has_permission(user, endpoint.permission) or not ip_allowed(user, client):
            emu.counters.charge(now, user.email)
            return self._error("603", request_id, endpoint=endpoint)

        slot = emu.counters.admit(now, limits, user.email)
        if isinstance(slot, str):
            return self._limit_answer(slot, request_id, endpoint)
        code: str | None = "611"  # what `rest` answers if the call raises past its handler
        try:
            answer = await self._admitted(
                request,
                request_id=request_id,
                endpoint=endpoint,
                path_params=match.path_params,
                user=user,
                method=effective,
                params=params,
                body=body,
                media=media,
                overridden=form_consumed or override in OVERRIDABLE_METHODS,
            )
            code = answer.code
        finally:
            emu.counters.finish(slot, code.removeprefix("http:") if code else None)
        return answer

    def _limit_answer(self, code: str, request_id: str, endpoint: Endpoint) -> Answer:
        message = fault_message(code, "", self.emu.limits)
        body = error_body(code, message, request_id, _envelope(endpoint))
        return Answer(json_response(body, self.emu.clock.now()), code)

    def _authenticate(self, request: Request, params: dict[str, list[str]]) -> ApiUser | str:
        token = _bearer(request.headers)
        query_token = params.pop("access_token", None)
        if token is None and query_token:
            if not self.emu.allow_query_token:
                return "601"
            token = query_token[-1]
        if token is None:
            return "601"
        return self.emu.users.authenticate(token, self.emu.clock.timestamp())

    async def _admitted(
        self,
        request: Request,
        *,
        request_id: str,
        endpoint: Endpoint,
        path_params: dict[str, Any],
        user: ApiUser,
        method: str,
        params: dict[str, list[str]],
        body: bytes,
        media: str,
        overridden: bool,
    ) -> Answer:
        emu = self.emu
        plan = emu.faults.draw(method, request.url.path)
        if plan is not None and plan.latency_ms:
            await asyncio.sleep(plan.latency_ms / 1000)
        if plan is not None and plan.code and not plan.after_commit:
            return self._fault_answer(plan, method, request_id, endpoint)

        if endpoint.feature and not emu.settings.get(endpoint.feature):
            return self._error("703", request_id, endpoint=endpoint)  # a feature this subscription lacks
        parsed = await self._parse_body(
            endpoint, body=body, media=media, overridden=overridden, params=params, headers=request.headers
        )
        if isinstance(parsed, str):
            return self._error(parsed, request_id, endpoint=endpoint)
        payload, files = parsed
        make_call = functools.partial(
            Call,
            method=endpoint.method.upper(),
            path=request.url.path,
            path_params=path_params,
            params=params,
            json=payload,
            files=files,
            user=user,
            now=emu.clock.now(),
            request_id=request_id,
            settings={**emu.settings, "munchkin_id": emu.munchkin_id},
            instance=emu,
        )
        try:
            answer = await run_in_threadpool(self._run_handler, endpoint, make_call, request_id)
        finally:
            for upload in files.values():
                await upload.close()
        if plan is not None and plan.code and plan.after_commit:
            return self._fault_answer(plan, method, request_id, endpoint)
        if plan is not None and plan.truncate_after_bytes is not None:
            return Answer(truncated(answer.response, plan.truncate_after_bytes), answer.code)
        return answer

    async def _parse_body(
        self,
        endpoint: Endpoint,
        *,
        body: bytes,
        media: str,
        overridden: bool,
        params: dict[str, list[str]],
        headers: Headers,
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
                for key, values in _parse_form(body).items():
                    params.setdefault(key, []).extend(values)
            return None, {}
        if media in MULTIPART_TYPES:
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
            return json.loads(body), {}
        except (ValueError, UnicodeDecodeError):
            return "609"

    def _fault_answer(self, plan: FaultPlan, method: str, request_id: str, endpoint: Endpoint | None) -> Answer:
        status = plan.http_status
        if status is not None:
            return Answer(nginx_page(status, self.emu.clock.now()), f"http:{status}")
        assert plan.code is not None
        message = fault_message(plan.code, method, self.emu.limits, plan.args, plan.variant)
        body = error_body(plan.code, message, request_id, _envelope(endpoint))
        return Answer(json_response(body, self.emu.clock.now()), plan.code)

    def _run_handler(self, endpoint: Endpoint, make_call: Callable[..., Call], request_id: str) -> Answer:
        """Run the handler in one transaction: committed when it returns, rolled back when it raises."""
        now = self.emu.clock.now()
        try:
            with self.emu.store.transaction() as db:
                result = endpoint.handler(make_call(db=db))
        except ApiError as exc:
            body = error_body(exc.code, exc.message, request_id, _envelope(endpoint))
            return Answer(json_response(body, now), exc.code)
        except Exception:
            log.exception("unhandled error in %s %s (%s)", endpoint.method, endpoint.path, request_id)
            body = error_body("611", errors.get("611").format(), request_id, _envelope(endpoint))
            return Answer(json_response(body, now), "611")
        if isinstance(result, Reply):
            return Answer(json_response(success_body(result, request_id), now))
        result.headers.setdefault("date", http_date(now))
        result.headers.setdefault("server", "nginx")
        return Answer(result)

    # -- identity ------------------------------------------------------------------------------------
    async def _identity(self, request: Request) -> Answer:
        emu = self.emu
        if self._uri_too_long(request):
            return self._page(414)
        body = await _read_body(request, emu.limits.max_body_bytes)
        if body is None:
            return self._page(413)
        # Only plans aimed at the identity path apply to it: a bare {"code": "606"} is meant for REST calls.
        plan = emu.faults.draw(request.method.upper(), request.url.path, targeted_only=True)
        if plan is not None and plan.latency_ms:
            await asyncio.sleep(plan.latency_ms / 1000)
        if plan is not None and plan.code:
            return self._fault_answer(plan, request.method.upper(), emu.request_ids.next(emu.clock.now()), None)

        params = _multi(urllib.parse.parse_qsl(request.url.query, keep_blank_values=True))
        if request.method == "POST" and _media_type(request.headers) in FORM_TYPES:
            for key, values in _parse_form(body).items():
                params.setdefault(key, []).extend(values)
        client_id = (params.get("client_id") or [""])[-1]
        secret = (params.get("client_secret") or [""])[-1]
        spec = errors.get("401")
        now = emu.clock.now()
        user = emu.users.get(client_id)
        if user is None:
            description = spec.format(client_id, variant="unknown_client")
            body_401 = {"error": "unauthorized", "error_description": description}
            return Answer(json_response(body_401, now, 401, IDENTITY_HEADERS), "401")
        if secret != user.client_secret:
            description = spec.format(variant="bad_secret")
            body_401 = {"error": "invalid_client", "error_description": description}
            return Answer(json_response(body_401, now, 401, IDENTITY_HEADERS), "401")
        epoch = now.timestamp()
        token = emu.users.issue(user, epoch, emu.limits.token_ttl)
        answer = {
            "access_token": token.value,
            "token_type": "bearer",
            "expires_in": int(token.expires_at - epoch),
            "scope": user.email,
        }
        return Answer(json_response(answer, now, 200, IDENTITY_HEADERS))


def _levels(code: str) -> tuple[errors.Level, ...]:
    spec = errors.lookup(code)  # "http:502" is no catalogue key: a gateway page, never an API error
    return spec.levels if spec is not None else ()


def _envelope(endpoint: Endpoint | None) -> Envelope:
    return endpoint.envelope if endpoint is not None else "leaddb"


def default_db_path() -> Path:
    return Path(".mkto") / "emulator.sqlite3"


def create_app(
    *,
    db: str | Path | None = None,
    seed: int = 0,
    limits: Limits | Mapping[str, Any] | None = None,
    allow_query_token: bool = False,
    admin_token: str | None = None,
    munchkin_id: str = DEFAULT_MUNCHKIN_ID,
    client_id: str | None = None,
    client_secret: str | None = None,
    areas: Sequence[str] = AREAS,
) -> Starlette:
    """The emulator as an ASGI app; `app.state.emulation` is its state, `app.state.default_user` its API user.

        uvicorn.run(create_app(db="sqlite:///./e.sqlite3"), server_header=False, date_header=False)
    """
    if isinstance(limits, Limits):
        the_limits = dataclasses.replace(limits)
    else:
        the_limits = Limits()
        the_limits.update(limits or {})
    endpoints = load_endpoints(areas)  # import the areas first: their tables join `metadata` before create_all
    store = Store.open(db if db is not None else default_db_path())
    emulation = Emulation(
        store=store,
        endpoints=endpoints,
        areas=areas,
        seed=seed,
        limits=the_limits,
        munchkin_id=munchkin_id,
        allow_query_token=allow_query_token,
        admin_token=admin_token,
    )
    default = user_from_dict(
        {"client_id": client_id, "client_secret": client_secret, "email": "api@mkto.local"},
        random.Random(f"default-user-{seed}"),
    )
    emulation.users.add(default)
    pipeline = Pipeline(emulation)
    app = Starlette(
        routes=[
            *_admin.routes(emulation),
            Route(IDENTITY_PATH, pipeline.identity, methods=["GET", "POST"]),
            Route("/{path:path}", pipeline.rest, methods=ALL_METHODS),
        ],
    )
    # Paths Starlette's routes cannot match (a newline in a segment) still get Marketo's answer, not "Not Found".
    app.router.default = pipeline.asgi
    app.state.emulation = emulation
    app.state.default_user = default
    return app


__all__ = ["Answer", "Emulation", "Pipeline", "create_app", "default_db_path"]

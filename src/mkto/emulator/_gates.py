"""The REST request pipeline (`Pipeline`): the gates a call goes through, in their fixed order, each
answering with the catalogue's code and message (docs/architecture.md draws the order):

414 URI too long > 413 body too large > 610 unknown resource > 605 method not supported > scripted scenarios
(`_scenarios.py`, which see the call before its token is checked) > 601/602 token >
603 permission or IP allowlist > 607 daily quota > 606 rate window > 615 concurrency > injected faults >
703 feature not enabled > 612 content type / 613 multipart > 609 JSON > the area's handler, run in one
transaction (611 when it raises). `POST ...?_method=GET` (or `_method` in a form body) is the GET it names.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import re
import time
import urllib.parse
from collections.abc import Mapping
from typing import Any

from sqlalchemy.engine import Connection
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from mkto import errors

from ._answers import Answer, Responder, envelope_of
from ._api import ApiError, ApiUser, Call, Endpoint, Reply
from ._body import (
    FORM_TYPES,
    declares_body,
    header_fields,
    media_type,
    multi,
    parse_body,
    parse_form,
    read_body,
    truncated,
)
from ._faults import FaultPlan, fault_message
from ._identity import authenticate, scripted_step
from ._instance import SCOPE_BODY, SCOPE_USER, Emulation
from ._render import JSON_CONTENT_TYPE, error_body, http_date, json_response, success_body
from ._users import has_permission, ip_allowed

log = logging.getLogger("mkto.emulator")
_NO_FILES: dict[str, UploadFile] = {}  # a call without a body's files (never written to)

OVERRIDABLE_METHODS = frozenset({"GET", "DELETE"})
# What a browser asks a host for on its own (tab icons, its developer tools): no API call, never logged or counted.
BROWSER_PATHS = frozenset({"/favicon.ico", "/.well-known/appspecific/com.chrome.devtools.json"})
_APPLE_TOUCH_ICON = re.compile(r"^/apple-touch-icon(?:-\d+x\d+)?(?:-precomposed)?\.png$")


def is_browser_request(method: str, path: str) -> bool:
    """A request a browser makes by itself when it shows the dashboard, not an API call."""
    if path in BROWSER_PATHS or (path.startswith("/apple-touch-icon") and _APPLE_TOUCH_ICON.match(path)):
        return method in ("GET", "HEAD")
    return False


class Pipeline(Responder):
    """The REST request pipeline."""

    def __init__(self, emulation: Emulation) -> None:
        super().__init__(emulation)
        self._pooled = 0  # handlers running in the thread pool now (changed on the event loop only)

    # -- entry points ------------------------------------------------------------------------------
    async def rest(self, request: Request) -> Response:
        emu = self.emu
        scope = request.scope
        path: str = scope["path"]  # what `request.url` would parse, without building it
        query: str = scope.get("query_string", b"").decode("utf-8", "replace")
        method: str = scope["method"]
        if is_browser_request(method, path):
            return Response(status_code=404)
        started = time.perf_counter()
        now = emu.clock.now()  # the call's one reading of the virtual clock
        epoch = now.timestamp()
        request_id = emu.request_ids.next(epoch)
        try:
            answer = await self._rest(request, request_id, path, query, now=now, epoch=epoch)
        except Exception:
            log.exception("unhandled error in the pipeline for %s %s", method, path)
            answer = self._error("611", request_id)
        if answer.code is not None and errors.Level.RESPONSE in _levels(answer.code):
            emu.counters.record_error(emu.clock.now(), answer.code)
        logged_id = request_id if answer.response.media_type == JSON_CONTENT_TYPE else None
        emu.log_request(method, path, answer, logged_id, started, query=query, scope=scope, now=now)
        return answer.response

    async def asgi(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            response = await self.rest(Request(scope, receive))
            await response(scope, receive, send)

    # -- the REST pipeline ---------------------------------------------------------------------------
    async def _rest(
        self, request: Request, request_id: str, path: str, query_string: str, *, now: dt.datetime, epoch: float
    ) -> Answer:
        emu = self.emu
        limits = emu.limits
        if self._uri_too_long(request):
            return self._page(414)

        query = multi(urllib.parse.parse_qsl(query_string, keep_blank_values=True)) if query_string else {}
        method = request.scope["method"].upper()
        override = (query.get("_method") or [""])[-1].upper() if method == "POST" else ""
        guess_method = override if override in OVERRIDABLE_METHODS else method
        guess = emu.router.match(guess_method, path)
        large = guess is not None and guess.endpoint is not None and guess.endpoint.large_body
        fields = header_fields(request.scope)
        body: bytes | None = b""
        if declares_body(fields):
            body = await read_body(request, limits.max_import_bytes if large else limits.max_body_bytes, fields)
        if body is None:
            return self._page(413)
        request.scope[SCOPE_BODY] = body  # the request log keeps (a cut of) it

        media = media_type(fields) if body else ""
        params = {k: list(v) for k, v in query.items()} if query else {}
        form_consumed = False
        if method == "POST" and media in FORM_TYPES and body:
            form = parse_form(body)
            if not override and "_method" in form:
                override = form["_method"][-1].upper()
            if override in OVERRIDABLE_METHODS:
                for key, values in form.items():
                    params.setdefault(key, []).extend(values)
                form_consumed = True
        effective = override if override in OVERRIDABLE_METHODS else method
        params.pop("_method", None)

        match = guess if effective == guess_method else emu.router.match(effective, path)
        if match is None:
            return self._error("610", request_id)
        endpoint = match.endpoint
        if endpoint is None:
            return self._error("605", request_id, effective)

        step = scripted_step(emu, request, effective, path, params) if emu.scenarios.active else None
        if step is not None and step.code and not step.after_commit:  # a scenario answers before the token gate
            if step.latency_ms:
                await asyncio.sleep(step.latency_ms / 1000)
            return self._fault_answer(step, effective, request_id, endpoint)
        user_or_code = authenticate(emu, fields.get(b"authorization"), params, epoch)
        if isinstance(user_or_code, str):
            return self._error(user_or_code, request_id, endpoint=endpoint)
        user = user_or_code
        scope = request.scope
        scope[SCOPE_USER] = user.client_id
        peer = scope.get("client")
        client = peer[0] if peer else None
        if (user.permissions is not None and not has_permission(user, endpoint.permission)) or (
            user.ip_allowlist is not None and not ip_allowed(user, client)
        ):
            emu.counters.charge(now, user.email)
            return self._error("603", request_id, endpoint=endpoint)

        slot = emu.counters.admit(now, limits, user.email, epoch)
        if isinstance(slot, str):
            return self._limit_answer(slot, request_id, endpoint)
        code: str | None = "611"  # what `rest` answers if the call raises past its handler
        try:
            answer = await self._admitted(
                request,
                path=path,
                request_id=request_id,
                endpoint=endpoint,
                path_params=match.path_params,
                user=user,
                method=effective,
                params=params,
                body=body,
                media=media,
                overridden=form_consumed or override in OVERRIDABLE_METHODS,
                step=step,
                now=now,
            )
            code = answer.code
        finally:
            emu.counters.finish(slot, code.removeprefix("http:") if code else None)
        return answer

    def _limit_answer(self, code: str, request_id: str, endpoint: Endpoint) -> Answer:
        message = fault_message(code, "", self.emu.limits)
        body = error_body(code, message, request_id, envelope_of(endpoint))
        return Answer(json_response(body, self.emu.clock.now()), code)

    async def _admitted(
        self,
        request: Request,
        *,
        path: str,
        request_id: str,
        endpoint: Endpoint,
        path_params: Mapping[str, Any],
        user: ApiUser,
        method: str,
        params: dict[str, list[str]],
        body: bytes,
        media: str,
        overridden: bool,
        step: FaultPlan | None,
        now: dt.datetime,
    ) -> Answer:
        emu = self.emu
        plan = step or emu.faults.draw(method, path)  # a call a scenario's step takes reaches no fault plan
        if plan is not None and plan.latency_ms:
            await asyncio.sleep(plan.latency_ms / 1000)
            now = emu.clock.now()  # the handler runs after the injected latency
        if plan is not None and plan.code and not plan.after_commit:
            return self._fault_answer(plan, method, request_id, endpoint)

        if endpoint.feature and not emu.settings.get(endpoint.feature):
            return self._error("703", request_id, endpoint=endpoint)  # a feature this subscription lacks
        payload: Any = None
        files: dict[str, UploadFile] = _NO_FILES
        if body:  # most calls (GETs) have none: no body parsing at all
            parsed = await parse_body(
                endpoint, body=body, media=media, overridden=overridden, params=params, request=request
            )
            if isinstance(parsed, str):
                return self._error(parsed, request_id, endpoint=endpoint)
            payload, files = parsed
        settings = {**emu.settings, "munchkin_id": emu.munchkin_id}
        # `db` is the handler's transaction, set when it opens (`_run_handler`)
        call = Call(endpoint.method.upper(), path, path_params, params, payload, files, user, now, None, request_id, settings, emu)  # type: ignore[arg-type]  # fmt: skip
        try:
            if self._inline(endpoint, path):
                answer = self._run_handler(endpoint, call, request_id, now)
            else:
                self._pooled += 1
                try:
                    answer = await run_in_threadpool(self._run_handler, endpoint, call, request_id, now)
                finally:
                    self._pooled -= 1
        finally:
            for upload in files.values():
                await upload.close()
        if plan is not None and plan.code and plan.after_commit:
            return self._fault_answer(plan, method, request_id, endpoint)
        if plan is not None and plan.truncate_after_bytes is not None:
            return Answer(truncated(answer.response, plan.truncate_after_bytes), answer.code)
        return answer

    def _inline(self, endpoint: Endpoint, path: str) -> bool:
        """Whether the handler runs on the event loop instead of hopping to the thread pool.

        On SQLite a handler is local work that the store serializes anyway, so a worker thread buys nothing
        but the hop (a quarter of a Get Lead by Id's time). Bulk calls (file writing, import parsing) can take
        seconds and PostgreSQL calls wait on the network: those keep the thread pool, so the loop stays free.
        While any handler runs in the pool, every handler goes there too: the loop never waits on the store.
        """
        if self._pooled or not self.emu.store.is_sqlite:
            return False
        return not endpoint.large_body and not path.startswith("/bulk/")

    def _run_handler(self, endpoint: Endpoint, call: Call, request_id: str, now: dt.datetime) -> Answer:
        """Run the handler on `call` in one transaction: committed when it returns, rolled back when it raises."""
        handler = endpoint.handler
        try:
            if endpoint.reads_only:

                def read(db: Connection) -> Reply | Response:
                    call.db = db
                    return handler(call)

                result = self.emu.store.read(read)
            else:
                with self.emu.store.transaction() as db:
                    call.db = db
                    result = handler(call)
        except ApiError as exc:
            body = error_body(exc.code, exc.message, request_id, envelope_of(endpoint))
            return Answer(json_response(body, now), exc.code)
        except Exception:
            log.exception("unhandled error in %s %s (%s)", endpoint.method, endpoint.path, request_id)
            body = error_body("611", errors.get("611").format(), request_id, envelope_of(endpoint))
            return Answer(json_response(body, now), "611")
        if isinstance(result, Reply):
            return Answer(json_response(success_body(result, request_id), now))
        result.headers.setdefault("date", http_date(now))
        result.headers.setdefault("server", "nginx")
        return Answer(result)


def _levels(code: str) -> tuple[errors.Level, ...]:
    spec = errors.lookup(code)  # "http:502" is no catalogue key: a gateway page, never an API error
    return spec.levels if spec is not None else ()


__all__ = ["BROWSER_PATHS", "OVERRIDABLE_METHODS", "Pipeline", "is_browser_request"]

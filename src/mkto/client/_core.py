"""The sans-IO core: every rule of the client, written once as generators that yield operations.

A call is a flow (`Flow[T]`, see `_operations`): it yields `Send`, `Sleep`, `GetToken`, `Acquire` /
`Release` (the limiter), stream and file operations, and receives their results; `Client` performs them
with blocking I/O, `AsyncClient` with awaits. Nothing here touches a socket, a file or a limiter backend,
sleeps, reads a clock other than the two injected ones, or knows whether it runs in a thread or a task.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import logging
import random
import time
import urllib.parse
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from mkto.errors import (
    AmbiguousOutcome,
    CallerError,
    MarketoError,
    MarketoResponse,
    NetworkError,
    PayloadTooLarge,
    QuotaExhausted,
    RecordOutcome,
    next_reset,
    parse_response,
    server_time,
)
from mkto.errors.limits import MAX_BODY_BYTES, MAX_URI_BYTES

from ._auth import TokenAnswer, TokenState
from ._config import Limits, RetryPolicy
from ._limits import Grant, backend_of, quota_of
from ._logging import log_attempt, redact_body, redact_headers
from ._operations import (
    Acquire,
    CloseStream,
    Emit,
    Flow,
    GetToken,
    HttpRequest,
    OpenStream,
    RawResponse,
    ReadChunk,
    Release,
    RequestSpec,
    Send,
    Sink,
    Sleep,
    StreamHead,
    Truncate,
    WriteChunk,
    override_get,
)
from ._policy import Action, decide, full_jitter
from ._resolve import Resolver, batch_states, resolve
from ._sizing import split_batch

IDENTITY_PATH = "/identity/oauth/token"


class FileNotAvailable(CallerError):
    """A bulk file endpoint answered 404: the job is not complete (yet), unknown, or another user's."""


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class _Progress:
    """How far a download is: the size of its sink, or (no sink) the bytes emitted so far."""

    def __init__(self, sink: Sink | None) -> None:
        self.sink = sink
        self.emitted = 0

    def tell(self) -> int:
        return self.sink.size if self.sink is not None else self.emitted


# --- the core -------------------------------------------------------------------------------------------


class Core:
    """Configuration and shared state of one client; builds the flows the shells drive."""

    def __init__(
        self,
        *,
        base_url: str,
        client_id: str,
        client_secret: str,
        retry: RetryPolicy,
        limits: Limits,
        logger: logging.Logger,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], dt.datetime] = utc_now,
        rng: random.Random | None = None,
        token_refresh_margin_s: float = 60.0,
        token_min_life_s: float = 10.0,
        max_uri_bytes: int = MAX_URI_BYTES,
        user_agent: str = "mkto",
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.client_id = client_id
        self._client_secret = client_secret
        self.retry = retry
        self.limits = limits
        self.backend = backend_of(limits)  # performed by the shells, never called here
        self.quota = quota_of(limits)
        # Grants of flows closed where they could not yield their `Release`: the shell releases them.
        self.orphaned: list[Grant] = []
        self.logger = logger
        self.clock = clock
        self.wall_clock = wall_clock
        self.rng = rng or random.Random()
        self.tokens = TokenState(clock, refresh_margin_s=token_refresh_margin_s, min_life_s=token_min_life_s)
        self.max_uri_bytes = max_uri_bytes
        self.user_agent = user_agent
        # The server's clock (`Date`) of the latest answer: a call sent after it reached the server no earlier.
        self.last_server_time: dt.datetime | None = None

    def __repr__(self) -> str:  # never show the secret
        return f"Core(base_url={self.base_url!r}, client_id={self.client_id!r})"

    def backoff(self, attempt: int) -> float:
        return full_jitter(attempt, base_s=self.retry.base_delay_s, cap_s=self.retry.max_delay_s, rng=self.rng)

    # -- building attempts --

    def url(self, spec: RequestSpec) -> str:
        query = urllib.parse.urlencode(spec.params)
        return f"{self.base_url}{spec.path}" + (f"?{query}" if query else "")

    def http_request(self, spec: RequestSpec, token: str) -> HttpRequest:
        headers: list[tuple[str, str]] = [("Authorization", f"Bearer {token}"), ("User-Agent", self.user_agent)]
        if spec.files is not None:
            return HttpRequest(spec.method, self.url(spec), tuple(headers), None, spec.form, spec.files)
        content: bytes | None = None
        if spec.json_body is not None:
            headers.append(("Content-Type", "application/json"))
            content = spec.json_body
        elif spec.form is not None:
            headers.append(("Content-Type", "application/x-www-form-urlencoded"))
            content = urllib.parse.urlencode(spec.form).encode("ascii")
        return HttpRequest(spec.method, self.url(spec), tuple(headers), content)

    def identity_request(self) -> HttpRequest:
        # Credentials in a form body, never in a URL that a proxy or httpx's own logger could record.
        form = urllib.parse.urlencode(
            {"grant_type": "client_credentials", "client_id": self.client_id, "client_secret": self._client_secret}
        ).encode("ascii")
        headers = (("Content-Type", "application/x-www-form-urlencoded"), ("User-Agent", self.user_agent))
        return HttpRequest("POST", self.base_url + IDENTITY_PATH, headers, form)

    # -- flows --

    def token_flow(self, stale: str | None) -> Flow[str]:
        """Return a usable token, fetching it (shells hold their lock around this: single flight)."""
        if stale is not None:
            self.tokens.invalidate(stale)
        for _ in range(3):
            token = self.tokens.usable()
            if token is not None:
                return token
            raw = yield Send(self.identity_request())
            if isinstance(raw, NetworkError):
                # The REST call itself was not sent yet: whatever it does, this failure is not ambiguous.
                raise NetworkError(f"identity: {raw.message}", maybe_sent=False) from raw
            self.last_server_time = _date_of(raw.headers) or self.last_server_time
            answer = _parse_identity(raw)
            wait = self.tokens.accept(answer)
            self._log(
                logging.DEBUG,
                "POST",
                IDENTITY_PATH,
                attempt=1,
                status=raw.status,
                code=None,
                request_id=None,
                wait=wait,
            )
            if wait:
                yield Sleep(wait)
        raise MarketoError("The identity endpoint keeps handing back tokens about to expire")

    def acquire(self) -> Flow[Grant]:
        while True:
            verdict = yield Acquire(self.quota)
            if isinstance(verdict, Grant):
                return verdict
            if verdict.reason == "daily":
                err = QuotaExhausted(f"The client's daily budget of {self.limits.daily_budget} calls is spent")
                err.resets_at = next_reset(self.wall_clock())
                raise err
            yield Sleep(verdict.wait_s)

    def release(self, grant: Grant, exc: BaseException | None = None) -> Flow[None]:
        """Give the slot back, even when `exc` ends the flow (KeyboardInterrupt, task cancellation)."""
        if isinstance(exc, GeneratorExit):  # closed: this flow may not yield again
            self.orphaned.append(grant)
            return
        yield Release(grant)

    def call(self, spec: RequestSpec, *, can_split: bool = False, raise_lost: bool = False) -> Flow[MarketoResponse]:
        """One call with every protection: sizing, limits, token, classification, retry by disposition.

        `raise_lost`: a non-idempotent call's lost answer, or any transient failure of it, raises
        `AmbiguousOutcome` even when the policy would resend (the caller resolves it by reading back).
        """
        response, _ = yield from self.call_dated(spec, can_split=can_split, raise_lost=raise_lost)
        return response

    def call_dated(
        self, spec: RequestSpec, *, can_split: bool = False, raise_lost: bool = False
    ) -> Flow[tuple[MarketoResponse, dt.datetime | None]]:
        """`call`, with the server's clock: the answer's `Date` header (None without one)."""
        if spec.method == "GET" and len(self.url(spec).encode()) > self.max_uri_bytes:
            spec = override_get(spec)
        started = self.clock()
        attempt = reauths = few = 0
        token: str | None = None
        stale: str | None = None
        while True:
            attempt += 1
            try:
                token = yield GetToken(stale)
                stale = None
                return (yield from self._attempt(spec, token, attempt))
            except MarketoError as err:
                error = err
            few += error.code in self.retry.few_tries_codes
            decision = decide(
                error,
                attempt=attempt,
                few_tries=few,
                elapsed_s=self.clock() - started,
                idempotent=spec.idempotent,
                policy=self.retry,
                backoff=self.backoff,
                reauthentications=reauths,
                rate_window_s=self.limits.rate_seconds,
                can_split=can_split,
                overridden=spec.overridden or spec.method != "GET",
                resolvable=raise_lost,
            )
            resolving = raise_lost and isinstance(decision.error, AmbiguousOutcome)  # the batch reads back
            self._log(
                logging.WARNING if decision.action is Action.RAISE and not resolving else logging.INFO,
                spec.method,
                spec.path,
                attempt=attempt,
                status=error.http_status,
                code=error.code,
                request_id=error.request_id,
                wait=decision.wait_s,
                decision="read back" if resolving else decision.action.value,
            )
            if decision.action is Action.RETRY:
                yield Sleep(decision.wait_s)
            elif decision.action is Action.REAUTHENTICATE:
                reauths += 1
                attempt -= 1
                stale = token
            elif decision.action is Action.OVERRIDE:
                spec = override_get(spec)
                attempt -= 1
            elif decision.action is Action.SPLIT:
                raise error
            else:
                assert decision.error is not None
                raise decision.error

    def _attempt(self, spec: RequestSpec, token: str, attempt: int) -> Flow[tuple[MarketoResponse, dt.datetime | None]]:
        grant = yield from self.acquire()
        request = self.http_request(spec, token)
        try:
            raw = yield Send(request)
        except BaseException as exc:
            yield from self.release(grant, exc)
            raise
        yield from self.release(grant)
        if isinstance(raw, NetworkError):
            raise raw
        answered_at = _date_of(raw.headers)
        self.last_server_time = answered_at or self.last_server_time
        try:
            response = parse_response(raw.status, raw.headers, raw.content)
        except MarketoError as err:
            if err.spec is None:  # an answer the catalogue does not know: log it whole, redacted
                self._log_unexpected(request, raw, err)
            raise
        self._log(
            logging.DEBUG,
            spec.method,
            spec.path,
            attempt=attempt,
            status=raw.status,
            code=None,
            request_id=response.request_id,
            wait=0.0,
        )
        return response, answered_at

    def download(self, spec: RequestSpec, sink: Sink | None, *, size: int | None = None) -> Flow[int]:
        """Stream a non-enveloped file (a bulk file) onto the end of `sink` (`WriteChunk` operations, its
        sha256 updated as each chunk is written), never holding it in memory; with `sink=None` each chunk is
        yielded as `Emit(chunk)` for `client.iterate` instead.

        What `sink` already holds is kept: the request asks `Range: bytes=N-` for the rest, and a dropped
        connection resumes from the bytes written (or emitted) so far. Limits, token and retry are those of
        `call`; returns the file's size.
        """
        position = _Progress(sink)
        started = self.clock()
        attempt = reauths = 0
        stale: str | None = None
        while size is None or position.tell() < size:
            attempt += 1
            before = position.tell()
            try:
                token = yield GetToken(stale)
                stale = None
                yield from self._stream_attempt(spec, token, position, size)
                break
            except MarketoError as err:
                error = err
            if position.tell() > before:  # progress: the next drop gets a full retry budget again
                attempt, started = 1, self.clock()
            decision = decide(
                error,
                attempt=attempt,
                elapsed_s=self.clock() - started,
                idempotent=True,
                policy=self.retry,
                backoff=self.backoff,
                reauthentications=reauths,
                rate_window_s=self.limits.rate_seconds,
                overridden=True,
            )
            self._log(
                logging.WARNING if decision.action is Action.RAISE else logging.INFO,
                spec.method,
                spec.path,
                attempt=attempt,
                status=error.http_status,
                code=error.code,
                request_id=error.request_id,
                wait=decision.wait_s,
                decision=decision.action.value,
                offset=position.tell(),
            )
            if decision.action is Action.RETRY:
                yield Sleep(decision.wait_s)
            elif decision.action is Action.REAUTHENTICATE:
                reauths += 1
                attempt -= 1
                stale = token
            else:
                raise decision.error or error
        return position.tell()

    def _stream_attempt(self, spec: RequestSpec, token: str, position: _Progress, size: int | None) -> Flow[None]:
        offset = position.tell()
        request = self.http_request(spec, token)
        if offset:
            request = dataclasses.replace(request, headers=(*request.headers, ("Range", f"bytes={offset}-")))
        grant = yield from self.acquire()
        try:
            opened = yield OpenStream(request)
            if isinstance(opened, NetworkError):
                raise opened
            if isinstance(opened, RawResponse):
                if opened.status == 416 and offset and size is None:
                    yield from self.release(grant)
                    return  # nothing after what we hold: the file is whole
                raise _file_error(opened)
            try:
                yield from self._copy(opened, position, offset)
            except BaseException as exc:
                if not isinstance(exc, GeneratorExit):
                    yield CloseStream(opened.handle)
                raise
        except BaseException as exc:
            yield from self.release(grant, exc)
            raise
        yield from self.release(grant)
        if size is not None and position.tell() != size:
            raise NetworkError(f"the file ended at byte {position.tell()} of {size}", maybe_sent=True)
        self._log(logging.DEBUG, spec.method, spec.path, attempt=1, status=opened.status, code=None,
                  request_id=None, wait=0.0, offset=offset)  # fmt: skip

    def _copy(self, opened: StreamHead, position: _Progress, offset: int) -> Flow[None]:
        if _header(opened.headers, "content-type").split(";")[0].strip().endswith("json"):
            # A file endpoint answering an envelope is an error (601, 1029, ...): classify it.
            body = bytearray()
            while chunk := (yield from self._read(opened)):
                body += chunk
            parse_response(opened.status, opened.headers, bytes(body))
            raise MarketoError("A JSON answer where a file was expected", http_status=opened.status, body=bytes(body))
        skip = 0
        if offset and opened.status != 206:  # the server sent the whole file again
            if position.sink is not None:
                yield from self.truncate(position.sink)
            else:
                skip = offset  # already emitted: pass over it
        while chunk := (yield from self._read(opened)):
            if skip:
                cut = min(skip, len(chunk))
                chunk, skip = chunk[cut:], skip - cut
                if not chunk:
                    continue
            if position.sink is not None:
                yield from self.write(position.sink, chunk)
            else:
                yield Emit(chunk)
                position.emitted += len(chunk)

    def write(self, sink: Sink, chunk: bytes) -> Flow[None]:
        """Append to the sink, hashing as it goes: the checksum never needs the whole file read again."""
        if sink.handle is None:
            sink.data += chunk
        else:
            yield WriteChunk(sink.handle, chunk)
        sink.size += len(chunk)
        sink.digest.update(chunk)

    def truncate(self, sink: Sink) -> Flow[None]:
        if sink.handle is None:
            sink.data.clear()
        else:
            yield Truncate(sink.handle)
        sink.size = 0
        sink.digest = hashlib.sha256()

    def _read(self, opened: StreamHead) -> Flow[bytes]:
        chunk: bytes | NetworkError = yield ReadChunk(opened.handle)
        if isinstance(chunk, NetworkError):
            raise chunk
        return chunk

    def batch(
        self,
        records: Sequence[Any],
        make_spec: Callable[[list[Any]], RequestSpec],
        *,
        max_records: int,
        max_bytes: int = MAX_BODY_BYTES,
        resolver: Resolver | None = None,
    ) -> Flow[list[RecordOutcome]]:
        """Send `records` in as many calls as the limits need; outcomes in input order, indexes into `records`.

        With a `resolver`, a chunk whose answer is lost is read back and only what it did not write is
        resent (`_resolve`); without one, or where that cannot tell, `AmbiguousOutcome.records` says per
        record what is known.
        """

        def envelope(chunk: list[Any]) -> bytes:
            return make_spec(chunk).json_body or b""

        pending = split_batch(records, max_records=max_records, max_bytes=max_bytes, envelope=envelope)
        pending.reverse()
        outcomes: list[RecordOutcome] = []
        while pending:
            offset, chunk = pending.pop()
            spec = make_spec(chunk)
            sent_at, floor = self.clock(), self.last_server_time
            try:
                response = yield from self.call(spec, can_split=len(chunk) > 1, raise_lost=resolver is not None)
                answered = response.records
            except PayloadTooLarge:
                if len(chunk) <= 1:
                    raise
                half = len(chunk) // 2
                pending.append((offset + half, chunk[half:]))
                pending.append((offset, chunk[:half]))
                continue
            except AmbiguousOutcome as lost:
                if resolver is None:
                    lost.records = batch_states(len(records), outcomes, offset, len(chunk))
                    raise
                try:
                    answered = yield from resolve(self, chunk, make_spec, resolver, sent_at=(sent_at, floor), lost=lost)
                except AmbiguousOutcome as err:
                    err.records = batch_states(len(records), outcomes, offset, err.records or len(chunk))
                    raise
            outcomes.extend(dataclasses.replace(o, index=offset + o.index) for o in answered)
        return outcomes

    # -- logging --

    def _log(
        self,
        level: int,
        method: str,
        path: str,
        *,
        attempt: int,
        status: int | None,
        code: str | None,
        request_id: str | None,
        wait: float,
        **more: Any,
    ) -> None:
        fields = {
            "method": method,
            "path": path,
            "attempt": attempt,
            "status": status,
            "code": code,
            "requestId": request_id,
            "wait": wait,
            **more,
        }
        log_attempt(self.logger, level, fields)

    def _log_unexpected(self, request: HttpRequest, raw: RawResponse, err: MarketoError) -> None:
        self.logger.error(
            "unexpected answer %s: %s %s -> %s",
            err,
            request.method,
            request.url,
            raw.status,
            extra={
                "request_headers": redact_headers(request.headers),
                "request_body": redact_body(request.content),
                "response_headers": redact_headers(raw.headers.items()),
                "response_body": redact_body(raw.content),
                "requestId": err.request_id,
                "code": err.code,
            },
        )


def _header(headers: Mapping[str, str], name: str) -> str:
    return next((v for k, v in headers.items() if k.lower() == name), "")


def _date_of(headers: Mapping[str, str]) -> dt.datetime | None:
    """The server's clock from its `Date` header; None rather than this machine's clock when it has none."""
    return server_time(headers) if _header(headers, "date") else None


def _file_error(raw: RawResponse) -> MarketoError:
    try:
        parse_response(raw.status, raw.headers, raw.content)
    except MarketoError as err:
        if raw.status != 404:
            return err
    text = raw.content.decode("utf-8", "replace").strip()[:200]
    return FileNotAvailable(
        f"No file there (HTTP {raw.status}: {text!r}): the job is not complete, unknown, or another user's",
        http_status=raw.status,
        body=raw.content,
    )


def _parse_identity(raw: RawResponse) -> TokenAnswer:
    if raw.status == 200:
        try:
            data = json.loads(raw.content)
        except ValueError:
            data = None
        if isinstance(data, Mapping) and "access_token" in data:
            return TokenAnswer(str(data["access_token"]), float(data.get("expires_in", 3600)))
    # 401 → BadCredentials; gateway pages and 5xx → TransientError; anything else → MarketoError.
    parse_response(raw.status, raw.headers, raw.content)
    raise MarketoError(f"Unexpected identity answer (HTTP {raw.status})", http_status=raw.status, body=raw.content)

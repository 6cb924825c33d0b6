"""The state of one emulated Marketo instance (`Emulation`): its virtual clock, limits and counters, fault
plans, scripted scenarios, API users, request log, settings, and the areas' setups that a reset runs again. Handlers see it as
`call.instance` (the `Instance` protocol of `_api.py`); the admin API reads and changes it.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import importlib
import itertools
import json
import logging
import os
import random
import re
import time
import urllib.parse
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from starlette.responses import Response

from ._answers import Answer
from ._api import Endpoint
from ._clock import VirtualClock
from ._faults import FaultBook, FaultPlan
from ._limits import Counters, Limits
from ._render import JsonAnswer, RequestIds
from ._requestlog import RequestLog, entry_of
from ._router import Router
from ._scenarios import ScenarioBook, Taken, answered
from ._state._clock import SharedClock
from ._state._counters import SharedCounters
from ._state._log import SharedRequestLog
from ._state._tokens import TOKEN_KEYS, SharedUsers
from ._store import MEMO_VERSION, Store
from ._users import Users

if TYPE_CHECKING:
    from ._state import SharedState

REQUEST_LOG_SIZE = 1000
# A request-log entry keeps at most this much of each body, as the bytes at hand (decoded only when read).
LOGGED_BODY_BYTES = 16 * 1024
# Where the pipeline leaves what a log entry records beside the answer (ASGI scope keys, set once per call).
SCOPE_BODY = "mkto.body"
SCOPE_USER = "mkto.user"
SCOPE_SCENARIO = "mkto.scenario"  # the scenarios' `Taken` for the call, when any scenario matched it
ACCESS_LOGGER = "mkto.emulator.access"
REDACTED = "<redacted>"
# Query, form and JSON names whose values never reach a log line or the dashboard.
SECRET_NAMES = frozenset({"access_token", "client_secret", "refresh_token"})
# Headers whose values never leave the request log (the access log prints no header at all).
SECRET_HEADERS = frozenset({"authorization", "cookie", "set-cookie"})
access_log = logging.getLogger(ACCESS_LOGGER)
# The fault plan whose code answers the request being served (each request runs in its own task and context).
_ANSWERING_FAULT: contextvars.ContextVar[int | None] = contextvars.ContextVar("mkto_answering_fault", default=None)
# A request-log listener: called with each new entry and the response, in the server's thread (test harnesses).
RequestListener = Callable[[dict[str, Any], Response], None]
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


class _MarkingFaultBook(FaultBook):
    """The fault book, remembering for the request's log entry which plan's code answers it."""

    def draw(self, method: str, path: str, *, targeted_only: bool = False) -> FaultPlan | None:
        plan = super().draw(method, path, targeted_only=targeted_only)
        if plan is not None and plan.code:
            _ANSWERING_FAULT.set(plan.id)
        return plan


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
        request_log_size: int = REQUEST_LOG_SIZE,
        shared: SharedState | None = None,
        settings: Mapping[str, Any] | None = None,
    ) -> None:
        self.store = store
        self.seed = seed
        self.shared = shared
        # Every worker of a shared instance has the same seed: ids drawn from it (tokens, request ids, job
        # ids) must differ between them, so each worker draws from its own generator.
        self._rng = random.Random(seed if shared is None else f"{seed}:{os.getpid()}:{time.time_ns()}")
        self.limits = limits
        self.munchkin_id = munchkin_id
        self.allow_query_token = allow_query_token
        self.admin_token = admin_token
        self.router = Router(endpoints)
        self.request_ids = RequestIds(self._rng)
        self.request_listeners: list[RequestListener] = []
        self.settings: dict[str, Any] = dict(DEFAULT_SETTINGS)
        if settings:
            self.check_settings(settings)
            self.settings.update(settings)
        self.access_log = False  # `mkto serve --access-log`: one redacted line per API call on ACCESS_LOGGER
        self.on_reload: list[Callable[[], None]] = []  # shared state: run when another worker changed something
        self._log_ids = itertools.count(1)
        self._setups = [m.setup for m in (importlib.import_module(a) for a in areas) if hasattr(m, "setup")]
        if shared is None:
            self.clock = VirtualClock()
            self.counters: Counters | SharedCounters = Counters()
            self.faults: FaultBook = _MarkingFaultBook(self._rng)
            self.scenarios = ScenarioBook()
            self.users: Users = Users(store, self._rng)
            self.request_log: RequestLog | SharedRequestLog = RequestLog(request_log_size)
        else:
            self.clock = self._shared_clock = SharedClock(shared)
            self.counters = SharedCounters(shared)
            self.faults = _MarkingFaultBook(self._rng, shared)
            self.scenarios = ScenarioBook(shared)
            self.users = SharedUsers(store, self._rng, shared)
            self.request_log = SharedRequestLog(shared, request_log_size)
            shared.seed_config(
                limits=limits.as_dict(), settings=self.settings, neighbours=self.counters.neighbours.as_dict()
            )
            self._seen: tuple[int, float, tuple[int, ...]] = (-1, 0.0, (-1, -1, -1))
            self.sync()
        self.run_setups()

    # -- shared state: what every call reads first -------------------------------------------------------
    def sync(self, token: str | None = None) -> None:
        """With a shared state backend: take the clock's offset, and what another worker changed (limits,
        settings, neighbours, API users, fault plans, scenarios, the memo), and what is known of the call's
        `token`. One round trip; nothing without a shared backend."""
        shared = self.shared
        if shared is None:
            return
        assert isinstance(self.users, SharedUsers)
        shared.begin_call()
        asked = (TOKEN_KEYS[0], token) if token else None
        gen, offset, versions, found = shared.poll(
            (FaultBook.DOCUMENT, ScenarioBook.DOCUMENT, "memo"), hash_field=asked
        )
        if token:
            self.users.prefetched(token, found)
        self._shared_clock.follow(offset)
        seen = (gen, offset, versions)
        before, self._seen = self._seen, seen
        if seen[0] != before[0]:
            config = shared.config()
            for name, value in config.get("limits", {}).items():
                setattr(self.limits, name, value)
            self.settings = dict(config.get("settings", self.settings))
            assert isinstance(self.counters, SharedCounters)
            self.counters.load_neighbours(config.get("neighbours"))
            self.users.load()
            for hook in self.on_reload:
                hook()
        if seen[2][0] != before[2][0]:
            self.faults.follow()
        if seen[2][1] != before[2][1]:
            self.scenarios.follow()
        if seen[2][2] != before[2][2]:
            self.store.drop_memo()

    def change_limits(self, changes: Mapping[str, Any]) -> None:
        """`PUT /_mkto/limits`: ValueError names a bad limit; every worker takes the new ones."""
        self.limits.update(changes)
        if self.shared is not None:
            self.shared.publish(limits=self.limits.as_dict())

    def change_settings(self, changes: Mapping[str, Any]) -> None:
        """`PUT /_mkto/settings`: ValueError names an unknown setting or a value of the wrong type."""
        self.check_settings(changes)
        self.settings.update(changes)
        if self.shared is not None:
            self.shared.publish(settings=self.settings)

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
        """Seed each area's defaults (each setup leaves what is there). With several workers, one at a time:
        workers starting together, or one starting while another resets, would insert the same rows."""
        with self._data_lock():
            self._run_setups()

    def _run_setups(self) -> None:
        for setup in self._setups:
            with self.store.transaction() as db:
                setup(db)

    def _data_lock(self) -> contextlib.AbstractContextManager[None]:
        return self.shared.locked("data") if self.shared is not None else contextlib.nullcontext()

    def check_settings(self, changes: Mapping[str, Any]) -> None:
        """ValueError names a setting this emulator does not have, or a value of the wrong type."""
        for name, value in changes.items():
            if name not in DEFAULT_SETTINGS or type(value) is not type(DEFAULT_SETTINGS[name]):
                raise ValueError(f"unknown setting or wrong type: {name}")

    def reset(self) -> None:
        with self._data_lock():
            self.store.reset()
            self._run_setups()
        self.counters.reset()
        self.faults.clear()
        self.scenarios.clear()
        self.request_log.clear()
        self.settings = dict(DEFAULT_SETTINGS)
        if self.shared is not None:
            self.shared.publish(settings=self.settings)
            self.shared.redis.incr(self.shared.key(MEMO_VERSION))
            self.store.drop_memo()

    def resize_request_log(self, size: int) -> None:
        """Keep at most `size` entries (the newest) from now on."""
        self.request_log.resize(size)

    def log_request(
        self,
        method: str,
        path: str,
        answer: Answer,
        request_id: str | None,
        started: float,
        *,
        query: str = "",
        scope: Mapping[str, Any] | None = None,
        now: dt.datetime | None = None,
    ) -> None:
        """Record an API call in the request log, newest first (`fault`: the id of the fault plan whose code
        answered, `"scenario:ID"` for a scenario's step, None for none; `user`: the API user's client id once
        known), tell the listeners, and with the access log on print its one line. `now`: the call's time on the
        virtual clock (read here when not given), kept as it is: `time` is formatted by whoever shows the entry
        (`entry_time`). The record (`_requestlog.entry_of` reads it) keeps the request's headers packed into one
        bytes object, a JSON answer's headers as its Date, and the first LOGGED_BODY_BYTES of each body as they
        are: the admin API decodes and redacts them when it reads."""
        fault: int | str | None = _ANSWERING_FAULT.get()
        if fault is not None:  # (a set costs a context copy: most calls have none to clear)
            _ANSWERING_FAULT.set(None)
        response = answer.response
        if scope is None:
            scope = _NO_SCOPE
        taken: Taken | None = scope.get(SCOPE_SCENARIO)
        if taken is not None:
            answered(taken, answer.code, response.status_code)
            if taken.plan is not None and taken.plan.code:
                fault = f"scenario:{taken.scenario}"  # an injected answer, like a fault plan's
        # A response that sends itself (an export file, streamed) has no body at hand: it keeps none.
        sent = response.body if type(response).__call__ in _SENDS_ITS_BODY else None
        received = scope.get(SCOPE_BODY, b"")
        headers: list[tuple[bytes, bytes]] | bytes = response.raw_headers
        if type(response) is JsonAnswer and len(response.raw_headers) == 4:
            headers = response.raw_headers[0][1]  # its Date: the rest follow from the body (`json_headers`)
        latency_ms = round((time.perf_counter() - started) * 1000, 3)
        request_headers = scope.get("headers", ())
        if request_headers:  # one bytes object, not a list of pairs (`entry_of` splits it); unless a NUL is in one
            packed = b"\0".join(itertools.chain.from_iterable(request_headers))
            if packed.count(b"\0") == 2 * len(request_headers) - 1:
                request_headers = packed
        record = (
            next(self._log_ids), now or self.clock.now(), method, path, response.status_code, answer.code,
            request_id, latency_ms, fault, scope.get(SCOPE_USER), request_headers, query,
            received if len(received) <= LOGGED_BODY_BYTES else received[:LOGGED_BODY_BYTES], len(received),
            headers, sent if sent is None or len(sent) <= LOGGED_BODY_BYTES else sent[:LOGGED_BODY_BYTES],
            None if sent is None else len(sent),
        )  # fmt: skip
        entry = self.request_log.appendleft(record)
        if self.request_listeners:
            entry = entry or entry_of(record)
            for listener in self.request_listeners:
                listener(entry, response)
        if self.access_log:
            target = f"{path}?{redact_query(query)}" if query else path
            access_log.info(
                "%s %s %s %s code=%s %.3fms requestId=%s",
                record[1].isoformat(), method, target, response.status_code, answer.code or "-", latency_ms,
                request_id or "-",
            )  # fmt: skip


# The responses whose `body` is what they send (a streamed one sends itself and has none at hand).
_SENDS_ITS_BODY = frozenset({Response.__call__, JsonAnswer.__call__})
_NO_SCOPE: Mapping[str, Any] = {}  # what a call logged without its ASGI scope has of one (never written to)


def redact_query(query: str) -> str:
    """`query` with the value of every secret parameter replaced: `client_secret=<redacted>`."""
    pairs = []
    for pair in query.split("&"):
        raw_name = pair.partition("=")[0]
        secret = urllib.parse.unquote_plus(raw_name).strip().lower() in SECRET_NAMES
        pairs.append(f"{raw_name}={REDACTED}" if secret else pair)
    return "&".join(pairs)


_SECRET_NAME = "(?:" + "|".join(sorted(SECRET_NAMES)) + ")"
# A secret's JSON member, whole or cut short by the log's cap: `"access_token": "...` up to its closing quote.
_JSON_SECRET = re.compile(r'("' + _SECRET_NAME + r'"\s*:\s*)"(?:[^"\\]|\\.)*"?', re.IGNORECASE)
# A secret as a name=value pair in text that is neither JSON nor declared a form (a form sent untyped).
_PAIR_SECRET = re.compile(r"((?:^|[&?;\s])" + _SECRET_NAME + r"=)[^&;\s]*", re.IGNORECASE)


def redact_body(body: bytes, content_type: str = "") -> str:
    """A logged body as text with every secret value replaced, whatever its form (JSON, possibly cut short
    by the log's cap, or a form); a body that is not UTF-8 text is described, never shown."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return f"<{len(body)} bytes, not UTF-8 text>"
    if "x-www-form-urlencoded" in content_type.lower():
        return redact_query(text)
    try:
        return json.dumps(_redact_json(json.loads(text)), indent=2, ensure_ascii=False)
    except ValueError:
        text = _JSON_SECRET.sub(lambda m: f'{m.group(1)}"{REDACTED}"', text)
        return _PAIR_SECRET.sub(lambda m: f"{m.group(1)}{REDACTED}", text)


def _redact_json(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: REDACTED if k.lower() in SECRET_NAMES else _redact_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_redact_json(v) for v in value]
    return value


def redact_headers(raw: Sequence[tuple[bytes, bytes]]) -> list[tuple[str, str]]:
    """ASGI headers as text, the value of every secret header replaced (a bearer header keeps its scheme)."""
    out = []
    for name, value in raw:
        key, text = name.decode("latin-1").lower(), value.decode("latin-1")
        if key in SECRET_HEADERS:
            scheme, _, rest = text.partition(" ")
            text = f"{scheme} {REDACTED}" if rest and key == "authorization" else REDACTED
        out.append((key, text))
    return out


__all__ = [
    "ACCESS_LOGGER",
    "DEFAULT_MUNCHKIN_ID",
    "DEFAULT_SETTINGS",
    "LOGGED_BODY_BYTES",
    "REQUEST_LOG_SIZE",
    "SCOPE_BODY",
    "SCOPE_SCENARIO",
    "SCOPE_USER",
    "Emulation",
    "RequestListener",
    "redact_body",
    "redact_headers",
    "redact_query",
]

"""Exceptions raised for Marketo errors, one class per catalogue code, grouped by what a caller does.

    MarketoError                        code, message, request_id, http_status, disposition, body
    ├── AuthError                       601, 602: get a new token and retry
    ├── BadCredentials                  identity 401: wrong client id or secret; never retry
    ├── LimitError
    │   ├── RateLimited                 606: wait out the 20 s window
    │   ├── ConcurrencyLimited          615: wait for a call in flight to finish
    │   └── QuotaExhausted              607, 1020, 1029 "Export daily quota": .resets_at
    ├── QueueFull                       1016, 1019, 1029 "Too many jobs in queue"
    ├── TransientError                  500, 502, 604, 608, 611, 614, 713, 719, unreadable answers
    │   └── NetworkError                no answer at all: refused, reset, timed out (.maybe_sent)
    ├── SizeError
    │   ├── PayloadTooLarge             413: split the batch
    │   └── UriTooLong                  414: resend as POST with _method=GET
    ├── CallerError                     603, 605, 609, 610, 612, 613, 616, 7xx, 1xxx for the call
    └── AmbiguousOutcome                a lost response the client could not resolve: .records

Each documented code has its own subclass, `Error401` ... `Error1080`, under the base its disposition
names: literal classes generated from the catalogue into `_codes.py` (`python scripts/gen_errors.py`),
so `from mkto.errors import Error1029` works and type checkers see them; `error_class(code)` in
`_envelope.py` picks the one to raise. A record-level reason is never an exception: it is a
`RecordError` value on the record's outcome.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from ._catalogue import Disposition, ErrorSpec, Level, lookup

MARKETO_TZ = ZoneInfo("America/Chicago")


class MarketoError(Exception):
    """An error answered by Marketo (or by the road to it).

    `str(err)` starts with the request id, so one log line leads to the call:

        except MarketoError as err:
            log.error("%s", err)   # "[requestId 1a2b#18c0b9833bf] 606 Max rate limit '100' ..."
    """

    disposition: Disposition = Disposition.CALLER_ERROR

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        request_id: str | None = None,
        http_status: int | None = None,
        body: bytes = b"",
        level: Level = Level.RESPONSE,
        disposition: Disposition | None = None,
        errors: tuple[dict[str, Any], ...] = (),
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.request_id = request_id
        self.http_status = http_status
        self.body = body
        self.level = level
        self.errors = errors
        if disposition is not None:
            self.disposition = disposition

    @property
    def spec(self) -> ErrorSpec | None:
        return lookup(self.code) if self.code else None

    def __str__(self) -> str:
        prefix = f"[requestId {self.request_id}] " if self.request_id else "[no requestId] "
        code = f"{self.code} " if self.code else ""
        return f"{prefix}{code}{self.message}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, message={self.message!r}, request_id={self.request_id!r})"


class AuthError(MarketoError):
    disposition = Disposition.REAUTHENTICATE


class BadCredentials(MarketoError):
    disposition = Disposition.BAD_CREDENTIALS


class LimitError(MarketoError):
    pass


class RateLimited(LimitError):
    disposition = Disposition.WAIT_RATE_WINDOW


class ConcurrencyLimited(LimitError):
    disposition = Disposition.WAIT_CONCURRENCY


class QuotaExhausted(LimitError):
    """A daily allotment is spent; `resets_at` (aware, US Central midnight) says when it comes back."""

    disposition = Disposition.QUOTA_EXHAUSTED
    resets_at: dt.datetime | None = None


class QueueFull(MarketoError):
    disposition = Disposition.QUEUE_FULL


class TransientError(MarketoError):
    disposition = Disposition.BACKOFF


class NetworkError(TransientError):
    """The request got no answer: connection refused or reset, a timeout, a broken response.

    `maybe_sent` is False only when the request certainly never left (connect failures): such a call is
    safe to send again whatever it does.
    """

    def __init__(self, message: str, *, maybe_sent: bool) -> None:
        super().__init__(message, level=Level.HTTP)
        self.maybe_sent = maybe_sent


class SizeError(MarketoError):
    pass


class PayloadTooLarge(SizeError):
    disposition = Disposition.SPLIT_PAYLOAD


class UriTooLong(SizeError):
    disposition = Disposition.METHOD_OVERRIDE


class CallerError(MarketoError):
    disposition = Disposition.CALLER_ERROR


@dataclass(frozen=True, slots=True)
class RecordState:
    """What the client could establish about one input record when a lost response stayed ambiguous.

    `state` is "committed" (written: `status` "created" or "updated", `id`), "not_committed" (not
    written: never sent, skipped with a reason, or read back and absent) or "unknown".
    """

    index: int
    state: str
    id: Any = None
    status: str | None = None


class AmbiguousOutcome(MarketoError):
    """The call may or may not have run: its response was lost and it is not safe to send twice.

    Raised for non-idempotent calls (custom activity add, campaign trigger/schedule, a sync whose
    records the client cannot read back) after a timeout, a dropped connection or a 5xx, unless the
    caller opted in to retrying them. `__cause__` holds what was lost; for a batch, `records` holds one
    `RecordState` per input record, in input order (empty for a call without records):

        except AmbiguousOutcome as err:
            unknown = [r.index for r in err.records if r.state == "unknown"]
    """

    disposition = Disposition.BACKOFF
    records: tuple[RecordState, ...] = ()


_BASE_FOR: dict[Disposition, type[MarketoError]] = {
    Disposition.REAUTHENTICATE: AuthError,
    Disposition.BAD_CREDENTIALS: BadCredentials,
    Disposition.WAIT_RATE_WINDOW: RateLimited,
    Disposition.WAIT_CONCURRENCY: ConcurrencyLimited,
    Disposition.QUOTA_EXHAUSTED: QuotaExhausted,
    Disposition.QUEUE_FULL: QueueFull,
    Disposition.BACKOFF: TransientError,
    Disposition.SPLIT_PAYLOAD: PayloadTooLarge,
    Disposition.METHOD_OVERRIDE: UriTooLong,
    Disposition.CALLER_ERROR: CallerError,
    # A record-only code answered for the whole call, or an empty search someone chose to raise.
    Disposition.RECORD_SKIPPED: CallerError,
    Disposition.EMPTY_RESULT: CallerError,
}


def base_for(disposition: Disposition) -> type[MarketoError]:
    return _BASE_FOR[disposition]


def next_reset(now: dt.datetime) -> dt.datetime:
    """The next midnight in US Central time after `now` (aware), when Marketo's daily quotas reset."""
    local = now.astimezone(MARKETO_TZ)
    tomorrow = (local + dt.timedelta(days=1)).date()
    return dt.datetime.combine(tomorrow, dt.time(0), tzinfo=MARKETO_TZ)


@dataclass(frozen=True, slots=True)
class RecordError:
    """Why one record of a batch was skipped: a 1xxx reason with its catalogue entry (None if undocumented)."""

    code: str
    message: str

    @property
    def spec(self) -> ErrorSpec | None:
        return lookup(self.code)

    @property
    def disposition(self) -> Disposition:
        return Disposition.RECORD_SKIPPED

    def __str__(self) -> str:
        return f"{self.code} {self.message}"

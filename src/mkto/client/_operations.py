"""What the core asks its shells to do, and what they answer: every operation a flow yields.

A flow (`Flow[T]`) is a generator that yields these operations and finally returns a `T`. The sync shell
performs each with blocking calls, the async shell with awaits (or a worker thread); neither decides
anything. Requests are frozen values (`RequestSpec` as asked, `HttpRequest` per attempt), so a retry can
never lose its token or its body.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Generator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeAlias, TypeVar

from ._limits import Grant, Quota
from ._sizing import dumps

T = TypeVar("T")
Pairs: TypeAlias = tuple[tuple[str, str], ...]

# Calls whose second sending could do the work twice (a lost response is then ambiguous): custom activity
# add, campaign trigger/schedule, and Submit Form (each sending records one more form fill activity).
NON_IDEMPOTENT_PATH_SUFFIXES = ("/activities/external.json", "/trigger.json", "/schedule.json", "/submitForm.json")


# --- the network ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class HttpRequest:
    """One attempt on the wire, complete and immutable: a retry builds a new one, never edits this."""

    method: str
    url: str
    headers: Pairs
    content: bytes | None = None
    form: Pairs | None = None  # multipart fields beside `files`
    files: Any = None


@dataclass(frozen=True, slots=True)
class Send:
    """Send a request: a `RawResponse`, or a `NetworkError` (returned, not raised)."""

    request: HttpRequest


@dataclass(frozen=True, slots=True)
class RawResponse:
    status: int
    headers: Mapping[str, str]
    content: bytes


@dataclass(frozen=True, slots=True)
class OpenStream:
    """Send a request and keep its body unread: a `StreamHead` for 200/206, else a whole `RawResponse`."""

    request: HttpRequest


@dataclass(frozen=True, slots=True)
class StreamHead:
    status: int
    headers: Mapping[str, str]
    handle: Any  # the shell's own open response


@dataclass(frozen=True, slots=True)
class ReadChunk:
    """The next bytes of an open stream: b"" at its end (the shell then closes it), or a `NetworkError`."""

    handle: Any


@dataclass(frozen=True, slots=True)
class CloseStream:
    handle: Any


# --- time, token, limits --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Sleep:
    seconds: float


@dataclass(frozen=True, slots=True)
class GetToken:
    """A usable token (the shell runs `Core.token_flow` under its single-flight lock)."""

    stale: str | None  # the token Marketo just refused (601/602), to be replaced whatever its expiry


@dataclass(frozen=True, slots=True)
class Acquire:
    """Ask the limiter backend once: a `Grant`, or a `Denied` saying how long to wait (the core waits)."""

    quota: Quota


@dataclass(frozen=True, slots=True)
class Release:
    grant: Grant


# --- files ----------------------------------------------------------------------------------------------


@dataclass(slots=True)
class Sink:
    """Where a download goes, as the core tracks it: a file the shell opened (`handle`; None keeps the bytes
    in `data`, no operation needed), how many bytes it holds, and their sha256 so far."""

    handle: Any = None
    size: int = 0
    digest: Any = field(default_factory=hashlib.sha256)
    data: bytearray = field(default_factory=bytearray)

    def checksum(self) -> str:
        hexdigest: str = self.digest.hexdigest()
        return "sha256:" + hexdigest


@dataclass(frozen=True, slots=True)
class OpenFile:
    """Open `path` for appending: a `Sink` holding its current size and the sha256 of what it holds."""

    path: str


@dataclass(frozen=True, slots=True)
class WriteChunk:
    handle: Any
    data: bytes


@dataclass(frozen=True, slots=True)
class Truncate:
    """Empty the file (the server sent the whole file again, or its bytes were not this file's)."""

    handle: Any


@dataclass(frozen=True, slots=True)
class CloseFile:
    handle: Any


@dataclass(frozen=True, slots=True)
class Emit:
    """A value for whoever iterates the flow (`client.iterate`): a downloaded chunk. `client.run` refuses it."""

    value: Any


Op: TypeAlias = (
    Sleep | Send | GetToken | Acquire | Release | OpenStream | ReadChunk | CloseStream
    | OpenFile | WriteChunk | Truncate | CloseFile | Emit
)  # fmt: skip
Flow: TypeAlias = Generator[Op, Any, T]


class Abandoned(Exception):
    """Thrown into a flow whose consumer stopped iterating: close what is open, free the slot, stop."""


# --- what to send ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RequestSpec:
    """A call as the caller asked for it, before sizing, token and attempt number."""

    method: str
    path: str
    params: Pairs = ()
    json_body: bytes | None = None
    form: Pairs | None = None
    files: Any = None
    idempotent: bool = True
    overridden: bool = False  # already sent as POST with _method=GET

    @classmethod
    def build(
        cls,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | Sequence[tuple[str, Any]] | None = None,
        json: Any = None,
        data: Mapping[str, Any] | None = None,
        files: Any = None,
        idempotent: bool | None = None,
    ) -> RequestSpec:
        method = method.upper()
        if not path.startswith("/"):
            path = "/" + path
        body = dumps(json) if json is not None else None
        if idempotent is None:
            idempotent = guess_idempotent(method, path, json)
        return cls(method, path, _pairs(params), body, _pairs(data) if data is not None else None, files, idempotent)


def guess_idempotent(method: str, path: str, json: Any) -> bool:
    """False for the calls Marketo documents as doing their work again when sent again."""
    if method in {"GET", "HEAD", "OPTIONS", "PUT", "DELETE"}:
        return True
    if path.endswith(NON_IDEMPOTENT_PATH_SUFFIXES):
        return False
    return not (isinstance(json, Mapping) and json.get("action") == "createDuplicate")


def _pairs(values: Mapping[str, Any] | Sequence[tuple[str, Any]] | None) -> Pairs:
    if not values:
        return ()
    items = values.items() if isinstance(values, Mapping) else values
    out: list[tuple[str, str]] = []
    for key, value in items:
        if value is None:
            continue
        if isinstance(value, list | tuple | set | frozenset):
            out.append((key, ",".join(str(v) for v in value)))
        elif isinstance(value, bool):
            out.append((key, "true" if value else "false"))
        else:
            out.append((key, str(value)))
    return tuple(out)


def override_get(spec: RequestSpec) -> RequestSpec:
    """GET with a long query → POST ?_method=GET with the query as a form body (Marketo's documented way)."""
    return dataclasses.replace(spec, method="POST", params=(("_method", "GET"),), form=spec.params, overridden=True)

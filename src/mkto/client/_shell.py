"""What both shells share: configuration, the core they drive, and the httpx conversions.

The shells themselves are `_async/client.py` (`AsyncClient`, the source) and `_sync/client.py`
(`Client`, generated from it by `scripts/unasync.py`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import random
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import httpx

from mkto.errors import NetworkError

from ._config import Limits, RetryPolicy, Timeouts
from ._core import Core, utc_now
from ._logging import LOGGER_NAME
from ._operations import RawResponse, RequestSpec, Sink

# Failures where the request certainly never reached the server.
NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.UnsupportedProtocol)
CHUNK_BYTES = 65_536
STREAMED = (200, 206)


def resolve_base_url(base_url: str | None, munchkin_id: str | None) -> str:
    if base_url:
        return base_url.rstrip("/").removesuffix("/rest")
    if munchkin_id:
        return f"https://{munchkin_id}.mktorest.com"
    raise ValueError("Give base_url or munchkin_id (or set MKTO_BASE_URL / MKTO_MUNCHKIN_ID)")


# The client's settings that the environment may give, and the variable each comes from.
ENV_VARIABLES = {
    "base_url": "MKTO_BASE_URL",
    "munchkin_id": "MKTO_MUNCHKIN_ID",
    "client_id": "MKTO_CLIENT_ID",
    "client_secret": "MKTO_CLIENT_SECRET",
}


def env_config() -> dict[str, Any]:
    found = {key: os.environ.get(name) or None for key, name in ENV_VARIABLES.items()}
    missing = [ENV_VARIABLES[key] for key in ("client_id", "client_secret") if not found[key]]
    if not (found["base_url"] or found["munchkin_id"]):
        missing.append("MKTO_BASE_URL or MKTO_MUNCHKIN_ID")
    if missing:
        raise ValueError(f"Missing environment variables: {', '.join(missing)}")
    return found


def httpx_timeout(t: Timeouts) -> httpx.Timeout:
    return httpx.Timeout(connect=t.connect, read=t.read, write=t.write, pool=t.pool)


def httpx_limits(limits: Limits) -> httpx.Limits:
    return httpx.Limits(max_connections=max(limits.concurrency, 1) + 2, max_keepalive_connections=limits.concurrency)


def raw(response: httpx.Response) -> RawResponse:
    return RawResponse(response.status_code, response.headers, response.content)


def network_error(exc: httpx.HTTPError) -> NetworkError:
    err = NetworkError(f"{type(exc).__name__}: {exc}", maybe_sent=not isinstance(exc, NOT_SENT))
    err.__cause__ = exc
    return err


def open_sink(path: str) -> Sink:
    """Open `path` for appending (an `OpenFile` operation): a resumed download hashes the bytes it finds
    there once, and every later byte as the core writes it."""
    out = open(path, "ab")  # noqa: SIM115 - closed by the flow's CloseFile operation
    try:
        digest = hashlib.sha256()
        with open(path, "rb") as existing:
            while chunk := existing.read(1 << 20):
                digest.update(chunk)
        return Sink(out, out.seek(0, os.SEEK_END), digest)
    except BaseException:
        out.close()
        raise


def truncate_file(out: Any) -> None:
    out.seek(0)
    out.truncate()


class ShellBase:
    """Configuration and the core of one client; `Client` and `AsyncClient` add how operations are performed."""

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
        wall_clock: Callable[[], dt.datetime] = utc_now,
        rng: random.Random | None = None,
        token_refresh_margin_s: float = 60.0,
        token_min_life_s: float = 10.0,
    ) -> None:
        self.timeouts = timeouts or Timeouts()
        self._core = Core(
            base_url=resolve_base_url(base_url, munchkin_id),
            client_id=client_id,
            client_secret=client_secret,
            retry=retry or RetryPolicy(),
            limits=limits or Limits(),
            logger=logger or logging.getLogger(LOGGER_NAME),
            clock=clock,
            wall_clock=wall_clock,
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

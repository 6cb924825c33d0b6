"""Emulator test helpers: one server per session (plus a probe area), reset before every test."""

from __future__ import annotations

import asyncio
import email.utils
import importlib
import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from mkto import errors
from mkto.emulator import Emulator
from mkto.emulator._router import AREAS

PROBE = "tests.emulator._probe"
REQUEST_ID = re.compile(r"^[0-9a-f]+#[0-9a-f]+$")
JSON_TYPE = "application/json;charset=UTF-8"


def areas() -> tuple[str, ...]:
    """Every registered area plus the probe."""
    return (*AREAS, PROBE)


class Api:
    """An httpx client bound to one emulator, with a token and the admin API at hand."""

    def __init__(self, emu: Emulator) -> None:
        self.emu = emu
        self.http = httpx.Client(base_url=emu.base_url, timeout=60)

    def identity(self, **params: str) -> httpx.Response:
        return self.http.get("/identity/oauth/token", params={"grant_type": "client_credentials", **params})

    def token(self, client_id: str | None = None, client_secret: str | None = None) -> str:
        """The user's live token (identity hands back the same one until it expires; never counted)."""
        response = self.identity(
            client_id=client_id or self.emu.client_id, client_secret=client_secret or self.emu.client_secret
        )
        assert response.status_code == 200, response.text
        return str(response.json()["access_token"])

    def call(self, method: str, path: str, *, token: str | None = None, auth: bool = True, **kwargs: Any) -> httpx.Response:
        headers = dict(kwargs.pop("headers", {}) or {})
        if auth:
            headers.setdefault("Authorization", f"Bearer {token or self.token()}")
        return self.http.request(method, path, headers=headers, **kwargs)

    def admin(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        response = self.http.request(method, f"/_mkto{path}", **kwargs)
        assert response.status_code < 300, response.text
        return response

    def limits(self, **values: Any) -> None:
        self.admin("PUT", "/limits", json=values)

    def fault(self, **plan: Any) -> int:
        return int(self.admin("POST", "/faults", json=plan).json()["id"])

    def advance(self, seconds: float) -> None:
        self.admin("POST", "/clock", json={"advance": seconds})

    def at_midday(self) -> None:
        """Set the virtual clock to noon in Marketo's time zone, today: a test that moves it on by hours and
        counts per day (the daily quota, export bytes, "today" filters) must not cross midnight US Central,
        which a run between 05:00 and 06:00 UTC would."""
        import datetime as dt

        today = dt.datetime.now(errors.MARKETO_TZ).date()
        noon = dt.datetime.combine(today, dt.time(12), errors.MARKETO_TZ)
        self.admin("POST", "/clock", json={"set": noon.astimezone(dt.UTC).isoformat()})

    def usage(self) -> dict[str, Any]:
        return dict(self.admin("GET", "/usage").json())

    def close(self) -> None:
        self.http.close()


def assert_marketo_error(
    response: httpx.Response, code: str, message: str | None = None, *args: object, asset: bool = False
) -> dict[str, Any]:
    """An HTTP 200 envelope (Lead Database unless `asset`) with exactly one error and the catalogue's message."""
    expected = message if message is not None else errors.get(code).format(*args)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == JSON_TYPE
    body: dict[str, Any] = response.json()
    keys = ["success", "errors", "requestId", "warnings", "result"] if asset else ["requestId", "success", "errors"]
    assert list(body) == keys, body
    assert REQUEST_ID.match(body["requestId"]), body
    assert body["success"] is False
    assert body["errors"] == [{"code": code, "message": expected}]
    return body


def assert_success(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == JSON_TYPE
    body: dict[str, Any] = response.json()
    assert body.get("success") is True, body
    assert REQUEST_ID.match(body["requestId"]), body
    assert "errors" not in body
    return body


def assert_nginx_page(response: httpx.Response, status: int, phrase: str) -> None:
    assert response.status_code == status
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["server"] == "nginx"
    assert f"<title>{status} {phrase}</title>" in response.text
    assert "<hr><center>nginx</center>" in response.text


def beside_a_slow_call(api: Api, token: str, path: str) -> tuple[httpx.Response, httpx.Response]:
    """Two GETs of `path`: the second sent once the first (held by a latency plan or step) is in flight;
    (the slow one's answer, the second's)."""

    async def two_at_once() -> tuple[httpx.Response, httpx.Response]:
        async with httpx.AsyncClient(base_url=api.emu.base_url, timeout=30) as client:
            headers = {"Authorization": f"Bearer {token}"}
            slow = asyncio.create_task(client.get(path, headers=headers))
            while api.usage()["in_flight"]["calls"] < 1:
                await asyncio.sleep(0.01)
            second = await client.get(path, headers=headers)
            return await slow, second

    return asyncio.run(two_at_once())


def server_date(response: httpx.Response) -> Any:
    return email.utils.parsedate_to_datetime(response.headers["date"])


@pytest.fixture(scope="session")
def emulator() -> Iterator[Emulator]:
    importlib.import_module(PROBE)
    with Emulator(areas=areas()) as emu:
        yield emu


@pytest.fixture
def api(emulator: Emulator) -> Iterator[Api]:
    emulator.reset()
    client = Api(emulator)
    yield client
    client.close()

"""Identity: GET and POST, query or form credentials, one token per user until it expires, the 401 bodies."""

from __future__ import annotations

import re

from .conftest import JSON_TYPE, Api, assert_marketo_error, assert_success

TOKEN = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}:int$")


def test_get_with_query_credentials_returns_a_bearer_token(api: Api) -> None:
    api.advance(3601)  # a token an earlier test fetched (users outlive resets) has expired: this one is fresh
    response = api.identity(client_id=api.emu.client_id, client_secret=api.emu.client_secret)
    assert response.status_code == 200
    assert response.headers["content-type"] == JSON_TYPE
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert list(body) == ["access_token", "token_type", "expires_in", "scope"]
    assert TOKEN.match(body["access_token"])
    assert body["token_type"] == "bearer"
    assert body["scope"] == "api@mkto.local"
    assert 3599 <= body["expires_in"] <= 3600


def test_post_with_form_credentials(api: Api) -> None:
    response = api.http.post(
        "/identity/oauth/token",
        data={"grant_type": "client_credentials", "client_id": api.emu.client_id, "client_secret": api.emu.client_secret},
    )
    assert response.status_code == 200
    assert TOKEN.match(response.json()["access_token"])


def test_same_token_with_decreasing_lifespan_until_expiry(api: Api) -> None:
    first = api.identity(client_id=api.emu.client_id, client_secret=api.emu.client_secret).json()
    api.advance(100)
    second = api.identity(client_id=api.emu.client_id, client_secret=api.emu.client_secret).json()
    assert second["access_token"] == first["access_token"]
    assert second["expires_in"] <= first["expires_in"] - 100
    api.advance(second["expires_in"] - 1)
    last = api.identity(client_id=api.emu.client_id, client_secret=api.emu.client_secret).json()
    assert last["access_token"] == first["access_token"]
    assert last["expires_in"] <= 1
    api.advance(2)
    fresh = api.identity(client_id=api.emu.client_id, client_secret=api.emu.client_secret).json()
    assert fresh["access_token"] != first["access_token"]
    assert fresh["expires_in"] >= 3599


def test_unknown_client_id_is_401_unauthorized(api: Api) -> None:
    response = api.identity(client_id="nobody", client_secret="x")
    assert response.status_code == 401
    assert response.json() == {"error": "unauthorized", "error_description": "No client with requested id: nobody"}


def test_wrong_secret_is_401_invalid_client(api: Api) -> None:
    response = api.identity(client_id=api.emu.client_id, client_secret="wrong")
    assert response.status_code == 401
    assert response.json() == {"error": "invalid_client", "error_description": "Bad client credentials"}


def test_identity_calls_are_never_counted(api: Api) -> None:
    api.limits(rate_calls=1, daily_quota=1)
    for _ in range(5):
        api.identity(client_id=api.emu.client_id, client_secret=api.emu.client_secret)
    usage = api.usage()
    assert usage["rate_window"]["calls"] == 0
    assert usage["daily"]["calls"] == 0
    assert_success(api.call("GET", "/rest/v1/probe/echo.json"))


def test_bearer_header_is_accepted(api: Api) -> None:
    body = assert_success(api.call("GET", "/rest/v1/probe/echo.json"))
    assert body["result"][0]["user"] == "api@mkto.local"


def test_missing_token_is_601(api: Api) -> None:
    assert_marketo_error(api.call("GET", "/rest/v1/probe/echo.json", auth=False), "601")


def test_invalid_token_is_601(api: Api) -> None:
    assert_marketo_error(api.call("GET", "/rest/v1/probe/echo.json", token="not-a-token:int"), "601")


def test_query_token_is_refused_by_default(api: Api) -> None:
    token = api.token()
    response = api.call("GET", "/rest/v1/probe/echo.json", auth=False, params={"access_token": token})
    assert_marketo_error(response, "601")


def test_expired_token_is_602(api: Api) -> None:
    token = api.token()
    api.advance(3601)
    assert_marketo_error(api.call("GET", "/rest/v1/probe/echo.json", token=token), "602")


def test_expiry_follows_the_token_ttl_limit(api: Api) -> None:
    api.limits(token_ttl=60)
    body = api.identity(client_id=api.emu.client_id, client_secret=api.emu.client_secret).json()
    assert 59 <= body["expires_in"] <= 60
    api.advance(61)
    assert_marketo_error(api.call("GET", "/rest/v1/probe/echo.json", token=body["access_token"]), "602")


def test_query_token_is_accepted_with_allow_query_token() -> None:
    from mkto.emulator import Emulator

    from .conftest import areas

    with Emulator(areas=areas(), allow_query_token=True) as emu:
        api = Api(emu)
        token = api.token()
        response = api.call("GET", "/rest/v1/probe/echo.json", auth=False, params={"access_token": token, "a": "1"})
        body = assert_success(response)
        assert body["result"][0]["params"] == {"a": ["1"]}
        assert_marketo_error(api.call("GET", "/rest/v1/probe/echo.json", auth=False, params={"access_token": "x"}), "601")
        api.close()

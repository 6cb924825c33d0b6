"""The stats area reports what the emulator counted: usage per user and errors per code, per day."""

from __future__ import annotations

from .conftest import Api, assert_marketo_error, assert_success

ECHO = "/rest/v1/probe/echo.json"


def test_daily_usage_counts_per_user(api: Api) -> None:
    api.admin("POST", "/clock", json={"set": "2030-05-05T15:00:00Z"})
    other = api.admin("POST", "/users", json={"email": "other@mkto.local"}).json()
    other_token = api.token(other["client_id"], other["client_secret"])
    for _ in range(3):
        assert_success(api.call("GET", ECHO))
    assert_success(api.call("GET", ECHO, token=other_token))
    assert_marketo_error(api.call("GET", ECHO, auth=False), "601")  # not counted
    body = assert_success(api.call("GET", "/rest/v1/stats/usage.json"))
    assert list(body) == ["requestId", "result", "success"]
    assert body["result"] == [{
        "date": "2030-05-05",
        "total": 4,
        "users": [{"userId": "api@mkto.local", "count": 3}, {"userId": "other@mkto.local", "count": 1}],
    }]


def test_daily_errors_count_per_code(api: Api) -> None:
    api.admin("POST", "/clock", json={"set": "2030-05-05T15:00:00Z"})
    assert_marketo_error(api.call("GET", "/rest/v1/nothing.json"), "610")
    assert_marketo_error(api.call("GET", "/rest/v1/nothing.json"), "610")
    assert_marketo_error(api.call("POST", ECHO, content=b"{", headers={"Content-Type": "application/json"}), "609")
    api.fault(code="http:502", times=1)  # a gateway page is no API error
    api.call("GET", ECHO)
    body = assert_success(api.call("GET", "/rest/v1/stats/errors.json"))
    assert body["result"] == [{
        "date": "2030-05-05", "total": 3, "errors": [{"errorCode": "609", "count": 1}, {"errorCode": "610", "count": 2}],
    }]


def test_last_7_days(api: Api) -> None:
    api.admin("POST", "/clock", json={"set": "2030-05-01T15:00:00Z"})
    assert_success(api.call("GET", ECHO))
    assert_marketo_error(api.call("GET", "/rest/v1/nothing.json"), "610")
    api.advance(2 * 86400)
    assert_success(api.call("GET", ECHO))
    usage = assert_success(api.call("GET", "/rest/v1/stats/usage/last7days.json"))["result"]
    assert [d["date"] for d in usage] == [f"2030-05-0{d}" for d in (3, 2, 1)] + ["2030-04-30", "2030-04-29",
                                                                                 "2030-04-28", "2030-04-27"]
    assert [d["total"] for d in usage] == [1, 0, 1, 0, 0, 0, 0]
    errors = assert_success(api.call("GET", "/rest/v1/stats/errors/last7days.json"))["result"]
    assert len(errors) == 7
    assert errors[2] == {"date": "2030-05-01", "total": 1, "errors": [{"errorCode": "610", "count": 1}]}

from __future__ import annotations

from collections.abc import Callable

from .._api import Call, Endpoint, Reply

WEEK_DAYS = 7


def _report(kind: str, days: int) -> Callable[[Call], Reply]:
    def handler(call: Call) -> Reply:
        instance = call.instance
        if instance is None:
            return Reply(result=[])
        rows = instance.usage_days(call.now, days) if kind == "usage" else instance.error_days(call.now, days)
        return Reply(result=rows)

    return handler


def _endpoint(path: str, kind: str, days: int, operation_id: str, summary: str) -> Endpoint:
    return Endpoint("GET", path, _report(kind, days), operation_id=operation_id, summary=summary)


ENDPOINTS = [
    _endpoint("/rest/v1/stats/usage.json", "usage", 1, "getDailyUsageUsingGET", "Get Daily Usage"),
    _endpoint("/rest/v1/stats/usage/last7days.json", "usage", WEEK_DAYS, "getLast7DaysUsageUsingGET",
              "Get Last 7 Days Usage"),
    _endpoint("/rest/v1/stats/errors.json", "errors", 1, "getDailyErrorsUsingGET", "Get Daily Errors"),
    _endpoint("/rest/v1/stats/errors/last7days.json", "errors", WEEK_DAYS, "getLast7DaysErrorsUsingGET",
              "Get Last 7 Days Errors"),
]

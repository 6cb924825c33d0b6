"""Usage area: what the emulator counted, as `/rest/v1/stats/*` reports it (API-NOTES §6.17).

    from mkto.emulator.stats import ENDPOINTS   # registered by the emulator's router
"""

from __future__ import annotations

from sqlalchemy.engine import Connection

from mkto.emulator._api import Endpoint
from mkto.emulator.stats import _routes as r

__all__ = ["ENDPOINTS", "setup"]

WEEK_DAYS = 7


def setup(db: Connection) -> None:
    """Nothing to seed: the counters live in the emulator process, not the database."""
    del db


def _endpoint(path: str, kind: str, days: int, operation_id: str, summary: str) -> Endpoint:
    return Endpoint("GET", path, r.report(kind, days), operation_id=operation_id, summary=summary)


ENDPOINTS = [
    _endpoint("/rest/v1/stats/usage.json", "usage", 1, "getDailyUsageUsingGET", "Get Daily Usage"),
    _endpoint("/rest/v1/stats/usage/last7days.json", "usage", WEEK_DAYS, "getLast7DaysUsageUsingGET",
              "Get Last 7 Days Usage"),
    _endpoint("/rest/v1/stats/errors.json", "errors", 1, "getDailyErrorsUsingGET", "Get Daily Errors"),
    _endpoint("/rest/v1/stats/errors/last7days.json", "errors", WEEK_DAYS, "getLast7DaysErrorsUsingGET",
              "Get Last 7 Days Errors"),
]

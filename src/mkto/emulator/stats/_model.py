"""What the instance counted, per day, as its counters report them: calls ("usage") or errors ("errors")."""

from __future__ import annotations

import datetime as dt
from typing import Any

from mkto.emulator._api import Instance


def days(instance: Instance | None, now: dt.datetime, kind: str, count: int) -> list[dict[str, Any]]:
    """The `kind` rows of the last `count` days; none without an instance (a handler run outside a server)."""
    if instance is None:
        return []
    return instance.usage_days(now, count) if kind == "usage" else instance.error_days(now, count)

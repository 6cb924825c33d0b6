"""The daily export quota: an extract cannot be created or enqueued once today's bytes reach the limit (1029)."""

from __future__ import annotations

import datetime as dt

from mkto.emulator._api import ApiError, Instance
from mkto.emulator.bulk._model._base import BYTES_PER_MB


def quota_text(limit_bytes: float) -> str:
    mb = limit_bytes / BYTES_PER_MB
    return str(int(mb)) if float(mb).is_integer() else f"{mb:g}"


def check_quota(instance: Instance | None, now: dt.datetime) -> None:
    if instance is None:
        return
    limit = instance.limit("export_daily_bytes")
    if instance.export_bytes_today(now) >= limit:
        raise ApiError("1029", quota_text(limit), variant="export_quota")

"""`mkto usage`: today's calls, the quota left and when it resets, and today's errors by code.

The counts come from the instance's stats endpoints (`client.usage`); the quota and its reset rule from the
catalogue (`mkto.errors.limits.DAILY_QUOTA`, `mkto.errors.next_reset`: midnight US Central).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import click
from rich.table import Table

from mkto import errors
from mkto.errors.limits import DAILY_QUOTA

from ._output import print_json, reported, stdout_console
from ._profiles import Source, credential_options, open_client


@click.command("usage")
@click.option(
    "--daily-quota", type=click.IntRange(min=1), default=DAILY_QUOTA, show_default=True,
    help="The instance's daily call quota, if it is not Marketo's default.",
)  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@credential_options
@reported
def usage_command(source: Source, daily_quota: int, as_json: bool) -> None:
    """Calls today, the quota left and its reset time, and today's errors by code."""
    with open_client(source) as client:
        calls = client.usage.stats()
        failures = client.usage.errors()
    record = usage_record(calls, failures, daily_quota, dt.datetime.now(dt.UTC))
    if as_json:
        print_json(record)
        return
    console = stdout_console()
    console.print(
        f"calls today ({record['date']}): {record['calls_today']:,} of {daily_quota:,}; "
        f"{record['quota_left']:,} left; resets at {record['resets_at']}",
        highlight=False,
    )
    if record["users"]:
        users = Table("API user", "calls", box=None)
        for user in record["users"]:
            users.add_row(str(user["user"]), f"{user['calls']:,}")
        console.print(users)
    if not record["errors"]:
        console.print("no errors today", highlight=False)
        return
    table = Table("code", "count", "message", box=None)
    for row in record["errors"]:
        table.add_row(row["code"], f"{row['count']:,}", row["message"])
    console.print(table)


def usage_record(
    calls: list[dict[str, Any]], failures: list[dict[str, Any]], daily_quota: int, now: dt.datetime
) -> dict[str, Any]:
    today = calls[0] if calls else {}
    total = int(today.get("total", 0))
    counted = failures[0].get("errors", []) if failures else []
    by_code = []
    for row in sorted(counted, key=lambda r: (-int(r.get("count", 0)), str(r.get("errorCode")))):
        code = str(row.get("errorCode"))
        spec = errors.lookup(code.removeprefix("http:"))
        by_code.append({"code": code, "count": int(row.get("count", 0)), "message": spec.message if spec else ""})
    return {
        "date": today.get("date") or now.date().isoformat(),
        "calls_today": total,
        "daily_quota": daily_quota,
        "quota_left": max(daily_quota - total, 0),
        "resets_at": errors.next_reset(now).isoformat(),
        "users": [{"user": u.get("userId"), "calls": int(u.get("count", 0))} for u in today.get("users", [])],
        "errors": by_code,
    }

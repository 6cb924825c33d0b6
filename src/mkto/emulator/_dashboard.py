"""The dashboard at `GET /_mkto/`: one server-rendered page, no scripts."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Mapping, Sequence
from typing import Any

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>mkto emulator {munchkin}</title>
<meta http-equiv="refresh" content="5">
<style>
body{{font:14px system-ui,sans-serif;margin:2rem;color:#222}} h1{{font-size:1.4rem}}
table{{border-collapse:collapse;margin:.5rem 0 1.5rem}} td,th{{border:1px solid #ccc;padding:.25rem .6rem;text-align:left}}
th{{background:#f4f4f4}} .err{{color:#b00}} code{{background:#f4f4f4;padding:0 .2rem}}
</style></head><body>
<h1>mkto emulator <code>{munchkin}</code></h1>
<p>Virtual clock: <code>{now}</code> · Database: <code>{db}</code></p>
<h2>Usage</h2>{usage}
<h2>Limits</h2>{limits}
<h2>Faults</h2>{faults}
<h2>Recent requests</h2>{requests}
</body></html>
"""


def _table(headers: Sequence[str], rows: Sequence[Sequence[Any]], empty: str = "none") -> str:
    if not rows:
        return f"<p>{html.escape(empty)}</p>"
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape('' if v is None else str(v))}</td>" for v in row) + "</tr>" for row in rows
    )
    return f"<table><tr>{head}</tr>{body}</table>"


def render_dashboard(
    *,
    now: dt.datetime,
    usage: Mapping[str, Any],
    limits: Mapping[str, Any],
    faults: Sequence[Mapping[str, Any]],
    requests: Sequence[Mapping[str, Any]],
    munchkin_id: str,
    db_url: str,
) -> str:
    usage_rows = [
        ("rate window", f"{usage['rate_window']['calls']} / {usage['rate_window']['limit']}",
         f"trailing {usage['rate_window']['seconds']} s"),
        ("in flight", f"{usage['in_flight']['calls']} / {usage['in_flight']['limit']}", ""),
        ("daily quota", f"{usage['daily']['calls']} / {usage['daily']['quota']}", f"resets {usage['daily']['resets_at']}"),
        ("export bytes today", f"{usage['export_bytes_today']['bytes']} / {usage['export_bytes_today']['limit']}", ""),
    ]
    fault_keys = ["id", "code", "times", "probability", "method", "path", "latency_ms", "after_commit", "fired"]
    request_keys = ["time", "method", "path", "status", "code", "requestId", "latency_ms"]
    return PAGE.format(
        munchkin=html.escape(munchkin_id),
        now=html.escape(now.isoformat()),
        db=html.escape(db_url),
        usage=_table(["what", "used", "note"], usage_rows),
        limits=_table(["limit", "value"], sorted(limits.items())),
        faults=_table(fault_keys, [[f.get(k) for k in fault_keys] for f in faults], "no active fault plans"),
        requests=_table(request_keys, [[r.get(k) for k in request_keys] for r in requests], "no requests yet"),
    )

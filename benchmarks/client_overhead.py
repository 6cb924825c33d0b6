"""Median time per call: mkto's Client against plain httpx with keep-alive, same emulator, alternating.

    .venv/bin/python benchmarks/client_overhead.py [--rounds 30] [--calls 50] [--quick] [--json]

Both sides make the same authenticated GET and decode the JSON; mkto adds sizing, its limiter (limits
raised so it never waits), token handling, envelope classification and attempt logging. Target ratio <= 1.10.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time
from collections.abc import Callable

import httpx
from _servers import measure, parse_args, print_contract

from mkto.client import Client, Limits
from mkto.emulator import Emulator

PATH = "/rest/v1/stats/usage.json"
TARGET = "<= 1.10"  # the issue's: mkto's Client at most 10 % slower per call than plain httpx
QUICK = {"rounds": 6, "calls": 20}
RAISED = {"rate_calls": 1_000_000, "rate_seconds": 20, "concurrency": 1_000, "daily_quota": 10_000_000}


def per_call(call: Callable[[], None], calls: int) -> float:
    start = time.perf_counter()
    for _ in range(calls):
        call()
    return (time.perf_counter() - start) / calls


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--calls", type=int, default=50)
    args = parse_args(parser, QUICK, argv)

    with Emulator(limits=RAISED) as emu:
        limits = Limits(rate_calls=1_000_000, rate_seconds=20, concurrency=1_000)
        mkto = Client(base_url=emu.base_url, client_id=emu.client_id, client_secret=emu.client_secret, limits=limits)
        plain = httpx.Client(base_url=emu.base_url, headers={"Authorization": f"Bearer {emu.token()}"})

        def plain_call() -> None:
            response = plain.get(PATH)
            response.raise_for_status()
            assert response.json()["success"] is True

        def mkto_call() -> None:
            assert mkto.request("GET", PATH).result is not None

        for _ in range(args.calls):  # warm both connections, the token and the emulator
            plain_call()
            mkto_call()
        plain_times: list[float] = []
        mkto_times: list[float] = []
        for round_no in range(args.rounds):
            order = [(plain_times, plain_call), (mkto_times, mkto_call)]
            if round_no % 2:
                order.reverse()
            for times, fn in order:
                times.append(per_call(fn, args.calls))
        mkto.close()
        plain.close()

    plain_median = statistics.median(plain_times)
    mkto_median = statistics.median(mkto_times)
    print(f"machine: {platform.machine()} {platform.python_implementation()} {platform.python_version()}")
    print(f"rounds: {args.rounds} x {args.calls} calls, alternating")
    print(f"plain httpx (keep-alive): {plain_median * 1000:.3f} ms/call (median)")
    print(f"mkto Client:              {mkto_median * 1000:.3f} ms/call (median)")
    print(f"ratio mkto/httpx:         {mkto_median / plain_median:.3f} (target {TARGET})")
    if args.json:
        row = measure("mkto Client / plain httpx, per call", mkto_median * 1000, "ms", baseline=plain_median * 1000,
                      target=TARGET, on_ratio=True)  # fmt: skip
        print_contract("client_overhead", [row])


if __name__ == "__main__":
    main()

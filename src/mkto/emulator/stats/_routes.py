"""Usage handlers: one per report and window, answering the model's rows."""

from __future__ import annotations

from collections.abc import Callable

from mkto.emulator._api import Call, Reply
from mkto.emulator.stats import _model as m


def report(kind: str, days: int) -> Callable[[Call], Reply]:
    """The handler of the `kind` report ("usage" or "errors") over the last `days` days."""

    def handler(call: Call) -> Reply:
        return Reply(result=m.days(call.instance, call.now, kind, days))

    return handler

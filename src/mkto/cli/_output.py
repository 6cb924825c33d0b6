"""What the commands show: JSON for scripts, rich tables and progress on a terminal, plain lines elsewhere, and
one clear line (never a traceback) when something goes wrong.

Exit status of the commands that call an instance: 0 done, 1 Marketo or the network said no (or a record was
skipped, or nothing matched), 2 input the command cannot use, 130 interrupted.
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from types import TracebackType
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn

from mkto import errors
from mkto.errors import BadCredentials, Disposition, MarketoError, NetworkError, QuotaExhausted

FAILED, BAD_INPUT, INTERRUPTED = 1, 2, 130

F = TypeVar("F", bound=Callable[..., Any])


class CliError(click.ClickException):
    """A one-line message and an exit status; click prints it as `Error: ...` on stderr."""

    def __init__(self, message: str, exit_code: int = FAILED) -> None:
        super().__init__(message)
        self.exit_code = exit_code  # type: ignore[misc]  # click reads it from the instance too


def print_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def stdout_console() -> Console:
    return Console(soft_wrap=not sys.stdout.isatty())


def explain_error(err: MarketoError, base_url: str | None = None) -> CliError:
    """A Marketo error as one line: what it was and what to do about it."""
    if isinstance(err, BadCredentials):
        where = f" of {base_url}" if base_url else ""
        return CliError(
            f"{err.code or 401}: the identity endpoint{where} refused the client id or secret; check --client-id "
            "and --client-secret (or MKTO_CLIENT_ID / MKTO_CLIENT_SECRET, or the profile)"
        )
    if isinstance(err, QuotaExhausted):
        when = f"; it resets at {err.resets_at.isoformat()}" if err.resets_at else ""
        return CliError(f"{err.code} {err.message}: the quota is spent{when}; run the same command again then")
    if isinstance(err, NetworkError):
        where = f"{base_url}: " if base_url else ""
        return CliError(f"cannot reach {where}{err.message}")
    spec = errors.lookup(err.code) if err.code else None
    advice = f" ({errors.ADVICE_EN[err.disposition]})" if spec is not None else ""
    request = f" [requestId {err.request_id}]" if err.request_id else ""
    return CliError(f"{err.code or err.http_status or 'error'} {err.message}{advice}{request}")


def reported(command: F) -> F:
    """Turn what can go wrong in a command into one line and an exit status."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except click.ClickException:
            raise
        except MarketoError as err:
            raise explain_error(err) from None
        except OSError as err:
            name = f"{err.filename}: " if err.filename else ""
            raise CliError(f"{name}{err.strerror or err}", BAD_INPUT) from None
        except KeyboardInterrupt:
            raise CliError("interrupted", INTERRUPTED) from None

    return wrapper  # type: ignore[return-value]


class Reporter:
    """Progress for long work: a rich bar on a terminal (stderr), plain lines on stderr otherwise.

    It is also the client's `sleep`, so every wait shows why it happens (a full bulk queue answered 1029, a
    rate window, a job still running), and a logging handler on the client's attempt records, which say why.
    """

    def __init__(self, *, stages: Mapping[str, str] | None = None) -> None:
        self.stages = dict(stages or {})  # a successful call whose path ends so starts that stage
        self.console = Console(stderr=True)
        self.live = self.console.is_terminal
        self.console.soft_wrap = not self.live  # lines for a log or a pipe are never cut
        self._bar: Progress | None = None
        self._task: TaskID | None = None
        self._reason: str | None = None
        self._lock = threading.Lock()
        self._stage = ""
        self._shown_fraction = -1
        self._last_wait = ""

    def __enter__(self) -> Reporter:
        if self.live:
            self._bar = Progress(
                SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TextColumn("{task.fields[count]}"),
                TimeElapsedColumn(), console=self.console,
            )  # fmt: skip
            self._bar.start()
            self._task = self._bar.add_task("", total=None, count="")
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._bar is not None:
            self._bar.stop()

    def stage(self, text: str, total: float | None = None) -> None:
        """A new step of the work (create, enqueue, poll, download, ...)."""
        with self._lock:
            self._stage, self._shown_fraction, self._last_wait = text, -1, ""
            if self._bar is not None and self._task is not None:
                self._bar.update(self._task, description=text, total=total, completed=0, count="")
                return
        self.console.print(text, highlight=False)

    def update(self, completed: float, total: float | None = None, unit: str = "") -> None:
        with self._lock:
            count = f"{completed:,.0f}" + (f" of {total:,.0f}" if total else "") + (f" {unit}" if unit else "")
            if self._bar is not None and self._task is not None:
                self._bar.update(self._task, completed=completed, total=total, count=count)
                return
            fraction = int(4 * completed / total) if total else 0  # a line each quarter
            if fraction <= self._shown_fraction:
                return
            self._shown_fraction = fraction
        self.console.print(f"{self._stage}: {count}", highlight=False)

    def note(self, text: str) -> None:
        """A line that stays (above the bar on a terminal)."""
        self.console.print(text, highlight=False)

    def because(self, reason: str | None) -> None:
        self._reason = reason

    def sleep(self, seconds: float) -> None:
        """The client's sleep: say how long and why, then wait."""
        reason, self._reason = self._reason, None
        text = f"waiting {seconds:.1f} s" + (f": {reason}" if reason else "")
        if text != self._last_wait and (seconds >= 0.05 or reason):
            self.note(text)  # a run of the same wait (polling a job) is shown once
        self._last_wait = text
        time.sleep(max(seconds, 0.0))

    def handler(self) -> logging.Handler:
        return _AttemptEvents(self)

    @contextlib.contextmanager
    def watching(self, sample: Callable[[], float], total: float, unit: str) -> Iterator[None]:
        """Update the bar from `sample()` (a file's size, say) a few times a second while the block runs."""
        done = threading.Event()

        def loop() -> None:
            while not done.wait(0.2):
                with contextlib.suppress(OSError):
                    self.update(sample(), total, unit)

        thread = threading.Thread(target=loop, daemon=True)
        thread.start()
        try:
            yield
        finally:
            done.set()
            thread.join()
        with contextlib.suppress(OSError):
            self.update(sample(), total, unit)


class _AttemptEvents(logging.Handler):
    """Reads the client's one record per attempt (`code`, `path`, `decision`, `wait`) to tell the reporter why
    the next wait happens: the client surfaces every answer it acts on this way."""

    def __init__(self, reporter: Reporter) -> None:
        super().__init__(logging.DEBUG)
        self.reporter = reporter

    def emit(self, record: logging.LogRecord) -> None:
        code = getattr(record, "code", None)
        path = str(getattr(record, "path", ""))
        if code is None:
            for suffix, stage in self.reporter.stages.items():
                if path.endswith(suffix):
                    self.reporter.stage(stage)
            busy = path.endswith("/status.json") or "/batch/" in path
            self.reporter.because("the job is still running" if busy else None)
            return
        spec = errors.lookup(str(code))
        text = spec.message if spec is not None else f"HTTP {getattr(record, 'status', '?')}"
        if spec is not None and spec.disposition is Disposition.QUEUE_FULL:
            self.reporter.note(f"{code} {text}: the bulk queue is full ({path})")
            self.reporter.because(f"{code} the bulk queue is full, then trying again")
            return
        if getattr(record, "decision", None) == "raise":
            return
        self.reporter.because(f"{code} {spec.summary_en if spec is not None else text}")

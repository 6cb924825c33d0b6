"""Run-time code coverage: the proof behind the table of `tests/test_every_code_is_tested.py`.

While the suite runs, every answer of every harness emulator (`mkto.emulator._server.watch`: the session
fixtures and the emulators tests make) is read for the Marketo codes it carries (the request log's `code`, and
every `{"code", "message"}` in a JSON body: response-level errors, record-level reasons) and its fault mark (the
id of the fault plan whose code answered, or None), and put down to the test running at the time. Emulators run
in a subprocess (`mkto serve`) are read through their `/_mkto/requests` with `record_served` before they stop.

At the end of the session, for every code whose named tests were all collected (a `-k` or path selection that
leaves one out skips the code; an entry without `[id]` names every collected parametrization), the run fails when

- a named test did not run and pass (failed, skipped, xfailed): "1005: tests/...::test_x did not pass (skipped)";
- a named test never received its code from an emulator: "1005: tests/...::test_x never received 1005";
- a code outside the transient set was received only from fault plans: "1005: only fault plans produced it";
- any answer of the run carried a code with a message that is none of the English literals pinned for it
  (`english`, whatever the selection): "1005: tests/...::test_x got the message '...', none of the English ...".

Codes the table marks "parse only" never travel over HTTP; their named tests must pass, nothing more.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import re
import threading
from collections import defaultdict
from collections.abc import Iterator, Mapping
from typing import Any

import httpx
import pytest
from starlette.responses import Response

from mkto.emulator import _server

HEADING = "run-time code coverage"
_ACTIVE: list[CodeProof] = []  # the plugin of this session, for `record_served`


@dataclasses.dataclass
class Received:
    """What one test received: each code, and whether any answer carried it without a fault plan."""

    by_fault: set[str] = dataclasses.field(default_factory=set)
    natural: set[str] = dataclasses.field(default_factory=set)

    def add(self, code: str, fault: bool) -> None:
        (self.by_fault if fault else self.natural).add(code)

    def codes(self) -> set[str]:
        return self.by_fault | self.natural


def codes_of(entry: Mapping[str, Any], body: bytes) -> set[str]:
    """The codes one answer carries: the logged code (HTTP pages as their status) and those in its JSON body."""
    found = {code for code, _ in messages_of(body)}
    if entry.get("code"):
        found.add(str(entry["code"]).removeprefix("http:"))
    return found


def messages_of(body: bytes) -> set[tuple[str, str]]:
    """Every `{"code", "message"}` of a JSON body: response-level errors, record-level reasons."""
    if b'"code"' not in body[:1_000_000]:
        return set()
    with contextlib.suppress(ValueError):  # a body cut short by a truncate plan
        return set(_walk(json.loads(body)))
    return set()


def matches(message: str, literal: str) -> bool:
    """`message` is `literal`, each `%s` standing for one value (empty when the caller sent an empty one)."""
    pattern = ".*?".join(re.escape(part) for part in literal.split("%s"))
    return re.fullmatch(pattern, message, re.S) is not None


def _walk(value: Any) -> Iterator[tuple[str, str]]:
    if isinstance(value, dict):
        code = value.get("code")
        if isinstance(code, str | int) and isinstance(value.get("message"), str) and str(code).isdigit():
            yield str(code), value["message"]
        for item in value.values():
            yield from _walk(item)
    elif isinstance(value, list):
        for item in value:
            yield from _walk(item)


class CodeProof:
    """The pytest plugin: records per test, checks at the session's end."""

    def __init__(
        self,
        table: Mapping[str, tuple[str, ...]],
        transient: set[str],
        parse_only: set[str] | None = None,
        english: Mapping[str, tuple[str, ...]] | None = None,
    ) -> None:
        self.table = table
        self.english = english or {}
        self.wrong_messages: dict[tuple[str, str], str] = {}  # (code, message) -> the first test that got it
        self.transient = transient
        self.parse_only = parse_only or set()
        self.received: dict[str, Received] = defaultdict(Received)
        self.outcomes: dict[str, str] = {}
        self.collected: set[str] = set()
        self.current: str | None = None
        self.problems: list[str] = []
        self.checked: list[str] = []
        self.skipped_reason: str | None = None
        self._lock = threading.Lock()

    # -- recording -------------------------------------------------------------------------------------
    def listen(self, entry: dict[str, Any], response: Response) -> None:
        test = self.current
        if test is None:
            return
        body = getattr(response, "body", b"") or b""
        body = body if isinstance(body, bytes) else b""
        codes = codes_of(entry, body)
        with self._lock:
            for code in codes:
                self.received[test].add(code, entry.get("fault") is not None)
            for code, message in messages_of(body):
                literals = self.english.get(code)
                if literals is not None and not any(matches(message, literal) for literal in literals):
                    self.wrong_messages.setdefault((code, message), test)

    def record_served(self, base_url: str) -> None:
        """Read a subprocess emulator's request log (codes and fault marks) for the running test."""
        entries = httpx.get(f"{base_url}/_mkto/requests", params={"limit": 100_000}, timeout=30).json()["requests"]
        test = self.current
        if test is None:
            return
        with self._lock:
            for entry in entries:
                for code in codes_of(entry, b""):
                    self.received[test].add(code, entry.get("fault") is not None)

    def pytest_configure(self, config: pytest.Config) -> None:
        _ACTIVE[:] = [self]
        _server.watch(self.listen)

    def pytest_unconfigure(self, config: pytest.Config) -> None:
        _ACTIVE.clear()
        _server.unwatch(self.listen)

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        self.collected = {item.nodeid for item in items}  # after -k / -m deselection

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_logstart(self, nodeid: str) -> None:
        self.current = nodeid

    def pytest_runtest_logfinish(self, nodeid: str) -> None:
        self.current = None

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        known = self.outcomes.get(report.nodeid)
        if report.when == "call" or report.outcome != "passed":
            outcome = "xfail" if hasattr(report, "wasxfail") else report.outcome
            if known in (None, "passed"):
                self.outcomes[report.nodeid] = outcome

    # -- the check -----------------------------------------------------------------------------------------
    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        if session.config.option.collectonly:
            return
        if session.shouldfail or session.shouldstop:
            self.skipped_reason = "the session stopped early (-x / --maxfail): not checked"
            return
        self.problems = self.check()
        if self.problems and session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def instances(self, entry: str) -> list[str]:
        """The collected tests a table entry names: itself, or every collected parametrization of it, an entry's
        own parameter id parametrized further included (`test[604]` names `test[604-sqlite]`, the client's
        end-to-end tests run against each server)."""
        further = entry[:-1] + "-" if entry.endswith("]") else None
        return sorted(
            n
            for n in self.collected
            if n == entry or n.startswith(entry + "[") or (further is not None and n.startswith(further))
        )

    def check(self) -> list[str]:
        problems = [
            f"{code}: {test} got the message {message!r}, none of the English texts documented for {code}"
            for (code, message), test in sorted(self.wrong_messages.items())
        ]
        for code, entries in self.table.items():
            named = [self.instances(entry) for entry in entries]
            if not entries or not all(named):
                continue  # some named test was not selected (or does not exist: the static table test says so)
            self.checked.append(code)
            natural = False
            for test in (t for tests in named for t in tests):
                outcome = self.outcomes.get(test, "not run")
                if outcome != "passed":
                    problems.append(f"{code}: {test} did not pass ({outcome})")
                    continue
                if code in self.parse_only:
                    continue
                got = self.received.get(test, Received())
                if code not in got.codes():
                    problems.append(f"{code}: {test} never received {code} from an emulator")
                natural = natural or code in got.natural
            if code in self.parse_only or code in self.transient or any(p.startswith(f"{code}: ") for p in problems):
                continue
            if not natural:
                problems.append(f"{code}: only fault plans produced it (no named test reached it by its condition)")
        return problems

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if self.skipped_reason:
            terminalreporter.write_sep("-", f"{HEADING}: {self.skipped_reason}")
        elif self.problems:
            terminalreporter.write_sep("=", f"{HEADING}: {len(self.problems)} problem(s)", red=True)
            for problem in self.problems:
                terminalreporter.write_line(f"CODE PROOF {problem}")
        elif self.checked:
            terminalreporter.write_sep(
                "-", f"{HEADING}: {len(self.checked)} of {len(self.table)} code(s) proved at run time"
            )


def record_served(base_url: str) -> None:
    """For tests of `mkto serve`: hand the subprocess's request log to the check before the process stops."""
    for plugin in _ACTIVE:
        plugin.record_served(base_url)

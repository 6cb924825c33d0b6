"""A run's verdicts as JSON (for scripts) and as the Markdown table of the report card (docs/conformance.md)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ._runner import Verdict


def as_json(client: str, verdicts: Sequence[Verdict]) -> dict[str, Any]:
    return {
        "client": client,
        "passed": sum(v.passed for v in verdicts),
        "total": len(verdicts),
        "scenarios": [
            {
                "id": v.scenario.id,
                "title": v.scenario.title,
                "codes": list(v.scenario.codes),
                "passed": v.passed,
                "evidence": v.evidence,
                "checks": [{"check": name, "passed": ok, "evidence": line} for name, ok, line in v.checks],
                "calls": v.calls,
                "seconds": round(v.seconds, 2),
            }
            for v in verdicts
        ],
    }


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def as_markdown(client: str, verdicts: Sequence[Verdict]) -> str:
    passed = sum(v.passed for v in verdicts)
    lines = [
        f"### `{client}`: {passed} of {len(verdicts)} scenarios pass",
        "",
        "| scenario | codes | verdict | evidence |",
        "| --- | --- | --- | --- |",
    ]
    for v in verdicts:
        verdict = "pass" if v.passed else "**FAIL**"
        codes = ", ".join(v.scenario.codes)
        lines.append(f"| `{v.scenario.id}` {_cell(v.scenario.title)} | {codes} | {verdict} | {_cell(v.evidence)} |")
    return "\n".join(lines) + "\n"

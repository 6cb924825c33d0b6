"""The public surface of mkto.errors is pinned: nothing leaks in or vanishes by accident."""

from __future__ import annotations

import mkto.errors

EXPECTED = {
    "ADVICE_EN", "ADVICE_ZH", "CATALOGUE", "CODE_CLASSES", "MARKETO_TZ", "AmbiguousOutcome", "AuthError",
    "BadCredentials", "CallerError", "ConcurrencyLimited", "Disposition", "ErrorSpec", "Level", "LimitError",
    "MarketoError", "MarketoResponse", "NetworkError", "PayloadTooLarge", "QueueFull", "QuotaExhausted", "RateLimited",
    "RecordError", "RecordOutcome", "RecordState", "SizeError", "TransientError", "UriTooLong", "Variant", "all_specs",
    "base_for", "error_class", "error_from_code", "get", "limits", "lookup", "next_reset", "parse_response",
    "record_outcomes", "server_time",
} | {f"Error{code}" for code in mkto.errors.CATALOGUE}  # one class per catalogue code, by name


def test_errors_all_is_pinned() -> None:
    assert set(mkto.errors.__all__) == EXPECTED
    for name in EXPECTED:
        assert hasattr(mkto.errors, name), name


def test_errors_imports_nothing_else_of_mkto() -> None:
    import ast
    from pathlib import Path

    package = Path(mkto.errors.__file__).parent
    for source in package.glob("*.py"):
        tree = ast.parse(source.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                assert not node.module.startswith("mkto"), f"{source.name} imports {node.module}"
            if isinstance(node, ast.Import):
                assert not any(a.name.startswith("mkto") for a in node.names), source.name

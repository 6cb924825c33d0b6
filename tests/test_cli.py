"""The `mkto` command as a user runs it: a real process, real files, real exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from mkto import errors
from tests.conftest import DATA

RESPONSES = DATA / "responses"


def mkto(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mkto.cli", *args],
        input=stdin.decode() if stdin is not None else None,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        check=False,
    )


def test_console_script_is_installed() -> None:
    script = Path(sysconfig.get_path("scripts")) / "mkto"
    done = subprocess.run([str(script), "errors", "606"], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert "Max rate limit '%s' exceeded with in '%s' secs" in done.stdout


def test_errors_json_lists_every_code_with_chinese_and_disposition() -> None:
    done = mkto("errors", "--json")
    assert done.returncode == 0, done.stderr
    records = json.loads(done.stdout)
    assert {r["code"] for r in records} == set(errors.CATALOGUE)
    for record in records:
        assert {"code", "levels", "message", "disposition", "summary_zh", "counts_against_limits"} <= record.keys()
        assert record["summary_zh"]
        assert record["disposition"] in {d.value for d in errors.Disposition}
    by_code = {r["code"]: r for r in records}
    assert by_code["601"]["counts_against_limits"] is False
    assert by_code["1029"]["variants"][0]["disposition"] == "quota_exhausted"


def test_errors_level_filter_and_one_code() -> None:
    records = json.loads(mkto("errors", "--json", "--level", "http").stdout)
    assert {r["code"] for r in records} == {"401", "413", "414", "500", "502"}
    one = json.loads(mkto("errors", "1005", "--json").stdout)
    assert one["code"] == "1005"
    assert one["message"] == "Lead already exists"


def test_errors_table_in_chinese_and_english() -> None:
    zh = mkto("errors", "--lang", "zh")
    assert zh.returncode == 0
    assert "访问令牌无效" in zh.stdout
    assert "1078" in zh.stdout
    en = mkto("errors", "615")
    assert "wait_concurrency" in en.stdout
    assert "Ten calls were already in flight" in en.stdout
    zh_one = mkto("errors", "615", "--lang", "zh")
    assert "一次最多由任何订阅10处理请求" in zh_one.stdout


def test_errors_unknown_code_is_a_clear_error() -> None:
    done = mkto("errors", "600")
    assert done.returncode != 0
    assert "600 is not a code Marketo documents" in done.stderr


def explained(name: str) -> tuple[int, dict[str, object]]:
    done = mkto("explain", str(RESPONSES / name), "--json")
    return done.returncode, json.loads(done.stdout)


def test_explain_seed_response_level_example() -> None:
    code, out = explained("seed-601.json")
    assert code == 1
    assert out["findings"] == [
        {"level": "response", "code": "601", "message": "Unauthorized", "disposition": "reauthenticate", "index": None, "status": None}
    ]


def test_explain_seed_record_level_example() -> None:
    code, out = explained("seed-record-level.json")
    assert code == 1
    assert out["success"] is True
    assert out["findings"] == [
        {"level": "record", "code": "1005", "message": "Lead already exists", "disposition": "record_skipped", "index": 2, "status": "skipped"}
    ]


def test_explain_seed_http_level_example() -> None:
    code, out = explained("seed-413.http")
    assert code == 1
    assert out["http_status"] == 413
    assert out["findings"][0]["disposition"] == "split_payload"


def test_explain_606() -> None:
    code, out = explained("606.json")
    assert code == 1
    assert out["request_id"] == "5576#16523a39ed7"
    assert out["findings"][0]["disposition"] == "wait_rate_window"


def test_explain_nginx_502_page() -> None:
    code, out = explained("nginx-502.http")
    assert code == 1
    assert out["findings"][0] == {
        "level": "http", "code": "502", "message": "Bad Gateway", "disposition": "backoff", "index": None, "status": None
    }


def test_explain_bare_414_page() -> None:
    code, out = explained("nginx-414.html")
    assert code == 1
    assert out["http_status"] == 414
    assert out["findings"][0]["disposition"] == "method_override"


def test_explain_mixed_records_per_record() -> None:
    code, out = explained("mixed-records.json")
    assert code == 1
    assert [(f["index"], f["code"]) for f in out["findings"]] == [(2, "1003"), (3, "1004")]
    assert [r["status"] for r in out["records"]] == ["created", "updated", "skipped", "skipped"]
    text = mkto("explain", str(RESPONSES / "mixed-records.json")).stdout
    assert "2 of 4 records went through" in text
    assert "record 3: level record, code 1004: Lead not found" in text


def test_explain_clean_success_exits_zero() -> None:
    done = mkto("explain", str(RESPONSES / "all-created.json"))
    assert done.returncode == 0
    assert "success: 1 created, 1 updated" in done.stdout


@pytest.mark.parametrize(
    ("name", "disposition"),
    [("1029-quota.json", "quota_exhausted"), ("identity-401.json", "bad_credentials"), ("607.http", "quota_exhausted"), ("702.json", "empty_result")],
)
def test_explain_other_shapes(name: str, disposition: str) -> None:
    code, out = explained(name)
    assert code == 1
    assert out["findings"][0]["disposition"] == disposition


def test_explain_reads_stdin_and_advises_in_chinese() -> None:
    done = mkto("explain", "-", "--lang", "zh", stdin=(RESPONSES / "606.json").read_bytes())
    assert done.returncode == 1
    assert "等待 20 秒窗口腾出名额后重发请求" in done.stdout


@pytest.mark.parametrize("payload", [b"this is not a marketo answer\n", b"", b'{"requestId": "a#1", "succ'])
def test_explain_unreadable_input_exits_2(payload: bytes) -> None:
    done = mkto("explain", "-", stdin=payload)
    assert done.returncode == 2
    assert "mkto explain: cannot read" in done.stderr


def test_explain_missing_file_is_a_usage_error() -> None:
    done = mkto("explain", "/nonexistent/response.json")
    assert done.returncode == 2
    assert "No such file or directory" in done.stderr

"""Bad configuration of `mkto serve`: one line on stderr naming the problem, exit status 2, never a traceback.
Off loopback with the default credentials it starts, and warns once how to set others."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import urllib.parse
from pathlib import Path

import pytest

from tests.conftest import skip_or_fail

from .test_durability import _free_port, _wait_healthy

TIMEOUT_S = 120


def _mkto() -> list[str]:
    mkto = Path(sys.executable).with_name("mkto")
    return [str(mkto)] if mkto.exists() else [sys.executable, "-m", "mkto.cli"]


def _refused(args: list[str], cwd: Path, **env: str) -> str:
    """Run `mkto serve ARGS` (with these environment variables), which must refuse to start: its one stderr line."""
    done = subprocess.run([*_mkto(), "serve", *args], cwd=cwd, capture_output=True, text=True, timeout=TIMEOUT_S,
                          env={**os.environ, **env}, check=False)  # fmt: skip
    assert done.returncode == 2, (done.returncode, done.stdout, done.stderr)
    assert "Traceback" not in done.stderr + done.stdout, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("mkto serve: "), lines
    return lines[0]


def test_port_out_of_range(tmp_path: Path) -> None:
    line = _refused(["--port", "80801"], tmp_path)
    assert "--port" in line and "80801" in line


def test_unknown_option_value(tmp_path: Path) -> None:
    line = _refused(["--port", str(_free_port()), "--log-level", "loud"], tmp_path)
    assert "--log-level" in line and "loud" in line


def test_not_a_number(tmp_path: Path) -> None:
    line = _refused(["--port", "http"], tmp_path)
    assert "--port" in line


def test_unknown_option(tmp_path: Path) -> None:
    line = _refused(["--colour"], tmp_path)
    assert "--colour" in line


def test_busy_port(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        line = _refused(["--port", str(port), "--db", str(tmp_path / "e.sqlite3")], tmp_path)
    assert f"127.0.0.1:{port}" in line and "in use" in line
    assert not (tmp_path / "e.sqlite3").exists()  # refused before the database is touched


def test_sqlite_directory_cannot_be_created(tmp_path: Path) -> None:
    (tmp_path / "plain-file").write_text("not a directory")
    db = tmp_path / "plain-file" / "sub" / "emulator.sqlite3"
    line = _refused(["--port", str(_free_port()), "--db", str(db)], tmp_path)
    assert "database" in line and "plain-file" in line


def test_unreachable_postgres(tmp_path: Path) -> None:
    with socket.socket() as closed:  # a port nothing listens on
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    line = _refused(["--port", str(_free_port()), "--db", f"postgresql://postgres:pw@127.0.0.1:{port}/x"], tmp_path)
    assert "database" in line and f"127.0.0.1:{port}" in line
    assert "pw" not in line.replace(f"{port}", "")  # the password is not echoed


def test_missing_postgres_database(tmp_path: Path) -> None:
    url = os.environ.get("MKTO_TEST_POSTGRES_URL")
    if not url:
        skip_or_fail("MKTO_TEST_POSTGRES_URL is not set (e.g. postgresql://postgres@127.0.0.1:5432/test)")
    assert url is not None
    missing = urllib.parse.urlsplit(url)._replace(path="/mkto_no_such_db").geturl()
    line = _refused(["--port", str(_free_port()), "--db", missing], tmp_path)
    assert "mkto_no_such_db" in line and "does not exist" in line


def _closed_port() -> int:
    with socket.socket() as closed:  # a port nothing listens on
        closed.bind(("127.0.0.1", 0))
        return int(closed.getsockname()[1])


def test_several_workers_without_shared_state(tmp_path: Path) -> None:
    line = _refused(["--port", str(_free_port()), "--workers", "2", "--db", str(tmp_path / "e.sqlite3")], tmp_path)
    assert "--workers 2" in line and "--state redis://" in line
    assert not (tmp_path / "e.sqlite3").exists()  # refused before the database is touched


def test_no_workers(tmp_path: Path) -> None:
    line = _refused(["--port", str(_free_port()), "--workers", "0"], tmp_path)
    assert "--workers" in line and "0" in line


def test_unreachable_redis(tmp_path: Path) -> None:
    port = _closed_port()
    line = _refused(["--port", str(_free_port()), "--db", str(tmp_path / "e.sqlite3"), "--workers", "2",
                     "--state", f"redis://:pw@127.0.0.1:{port}/0"], tmp_path)  # fmt: skip
    assert "state" in line and f"127.0.0.1:{port}" in line
    assert "pw" not in line.replace(f"{port}", "")  # the password is not echoed


def test_unsupported_state_url(tmp_path: Path) -> None:
    line = _refused(["--port", str(_free_port()), "--db", str(tmp_path / "e.sqlite3"), "--state", "memcached://x"],
                    tmp_path)  # fmt: skip
    assert "state" in line and "memcached://x" in line


def test_the_state_variable_is_read(tmp_path: Path) -> None:
    port = _closed_port()
    line = _refused(["--port", str(_free_port()), "--db", str(tmp_path / "e.sqlite3")], tmp_path,
                    MKTO_STATE_URL=f"redis://127.0.0.1:{port}/0")  # fmt: skip
    assert "state" in line and f"127.0.0.1:{port}" in line


def test_the_database_variable_is_read(tmp_path: Path) -> None:
    (tmp_path / "plain-file").write_text("not a directory")
    line = _refused(["--port", str(_free_port())], tmp_path, MKTO_DB_URL=str(tmp_path / "plain-file" / "e.sqlite3"))
    assert "database" in line and "plain-file" in line


def test_off_loopback_with_default_credentials_warns(tmp_path: Path) -> None:
    port = _free_port()
    process = subprocess.Popen([*_mkto(), "serve", "--host", "0.0.0.0", "--port", str(port), "--log-level", "warning"],
                               cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip
    try:
        _wait_healthy(f"http://127.0.0.1:{port}", process)
    finally:
        os.kill(process.pid, signal.SIGINT)
        _, err = process.communicate(timeout=TIMEOUT_S)
    warnings = [line for line in err.decode().splitlines() if "warning" in line]
    assert len(warnings) == 1, err
    assert "0.0.0.0" in warnings[0] and "--client-id" in warnings[0] and "--client-secret" in warnings[0]


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_loopback_does_not_warn(tmp_path: Path, host: str) -> None:
    port = _free_port()
    process = subprocess.Popen([*_mkto(), "serve", "--host", host, "--port", str(port), "--log-level", "warning"],
                               cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip
    try:
        _wait_healthy(f"http://127.0.0.1:{port}", process)
    finally:
        os.kill(process.pid, signal.SIGINT)
        _, err = process.communicate(timeout=TIMEOUT_S)
    assert "warning" not in err.decode(), err

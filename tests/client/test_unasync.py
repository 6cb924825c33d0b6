"""The sync client is generated from the async source: CI fails when the generated files are stale."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "unasync.py"


def load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("unasync_script", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_generated_sync_client_is_up_to_date() -> None:
    done = subprocess.run([sys.executable, str(SCRIPT), "--check"], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


def test_check_fails_naming_each_stale_file(tmp_path: Path) -> None:
    unasync = load_script()
    source, target = tmp_path / "_async", tmp_path / "_sync"
    shutil.copytree(unasync.SOURCE, source)
    shutil.copytree(unasync.TARGET, target)
    assert unasync.stale(source, target) == []

    edited = target / "leads.py"
    edited.write_text(edited.read_text(encoding="utf-8").replace("def sync(", "def sync_by_hand("), encoding="utf-8")
    (target / "client.py").unlink()
    (target / "leftover.py").write_text("# no source any more\n", encoding="utf-8")
    assert unasync.stale(source, target) == [target / "client.py", edited, target / "leftover.py"]

    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--check", "--source", str(source), "--target", str(target)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 1
    for name in ("leads.py", "client.py", "leftover.py"):
        assert f"stale: {target / name}" in done.stderr
    assert "run `python scripts/unasync.py`" in done.stderr

    unasync.write(source, target)  # regenerating makes it fresh again
    assert unasync.stale(source, target) == []


def test_generated_files_say_so_and_are_plain_sync_code() -> None:
    unasync = load_script()
    for path in sorted(unasync.TARGET.glob("*.py")):
        text = path.read_text(encoding="utf-8")
        assert text.startswith("# GENERATED FILE, do not edit: made from src/mkto/client/_async/" + path.name)
        for word in ("async def", "await ", "async with", "async for", "asyncio", "AsyncClient"):
            assert word not in text, f"{path.name} still says {word!r}"


def test_the_mapping_table() -> None:
    unasync = load_script()
    source = (
        "import asyncio\n"
        "async def f(self, sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> AsyncIterator[int]:\n"
        "    async with self._lock:\n"
        "        await asyncio.to_thread(op.handle.write, data)\n"
        "        await asyncio.to_thread(op.handle.close)\n"
        "    async for x in contextlib.aclosing(anext(it)):\n"
        "        raise StopAsyncIteration\n"
        "    await response.aclose()\n"
    )
    assert unasync.unasync_text(source) == (
        "import threading\nimport time\n"
        "def f(self, sleep: Callable[[float], None] = time.sleep) -> Iterator[int]:\n"
        "    with self._lock:\n"
        "        op.handle.write(data)\n"
        "        op.handle.close()\n"
        "    for x in contextlib.closing(next(it)):\n"
        "        raise StopIteration\n"
        "    response.close()\n"
    )

"""Generate the sync client from its async source: `src/mkto/client/_async/*.py` → `src/mkto/client/_sync/*.py`.

    python scripts/unasync.py           # rewrite the generated files
    python scripts/unasync.py --check   # exit 1, naming each stale file, if they differ from what would be generated

Plain token replacement (the table below, applied in order), then ruff's own fixes and formatter (so that the
imports stay sorted and a loop that only yields becomes `yield from`), with the project's ruff settings.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "src/mkto/client/_async"
TARGET = ROOT / "src/mkto/client/_sync"
RUFF_CONFIG = ROOT / "pyproject.toml"

# (pattern, replacement), applied in this order to every line of every source file.
REPLACEMENTS: list[tuple[str, str]] = [
    (r"^import asyncio$", "import threading\nimport time"),
    (r"\basyncio\.sleep\b", "time.sleep"),
    (r"\basyncio\.Lock\b", "threading.Lock"),
    (r"\basyncio\.to_thread\(([\w.]+)\)", r"\1()"),  # a worker thread → the call itself
    (r"\basyncio\.to_thread\(([\w.]+), ", r"\1("),
    (r"\basync def\b", "def"),
    (r"\basync with\b", "with"),
    (r"\basync for\b", "for"),
    (r"\bawait ", ""),
    (r"\b__aenter__\b", "__enter__"),
    (r"\b__aexit__\b", "__exit__"),
    (r"\b__aiter__\b", "__iter__"),
    (r"\b__anext__\b", "__next__"),
    (r"\bStopAsyncIteration\b", "StopIteration"),
    (r"\baclosing\b", "closing"),
    (r"\baclose\b", "close"),
    (r"\baread\b", "read"),
    (r"\baiter_bytes\b", "iter_bytes"),
    (r"\banext\(", "next("),
    (r"\bAwaitable\[([^\[\]]+)\]", r"\1"),  # Callable[[float], Awaitable[None]] → Callable[[float], None]
    (r"\bAsync([A-Z]\w*)", r"\1"),  # AsyncClient → Client, AsyncIterator → Iterator, AsyncLimiter → Limiter
]
COMPILED = [(re.compile(pattern), replacement) for pattern, replacement in REPLACEMENTS]


def header(source: Path) -> str:
    return (
        f"# GENERATED FILE, do not edit: made from src/mkto/client/_async/{source.name} by `python scripts/unasync.py`.\n"
        "# Change the async source and run the script again (CI fails when this file is stale: --check).\n"
    )


def unasync_text(text: str) -> str:
    lines = []
    for original in text.splitlines(keepends=True):
        line = original
        for pattern, replacement in COMPILED:
            line = pattern.sub(replacement, line)
        lines.append(line)
    return "".join(lines)


def _ruff(args: list[str], text: str, filename: Path) -> str:
    command = [
        sys.executable,
        "-m",
        "ruff",
        *args,
        "--config",
        str(RUFF_CONFIG),
        "--stdin-filename",
        str(filename),
        "-",
    ]
    done = subprocess.run(command, input=text, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"unasync: ruff {args[0]} failed on {filename}:\n{done.stderr}")
    return done.stdout


def generate(source: Path, target: Path) -> str:
    """The text `target` must hold: `source` unasynced, ruff-fixed and formatted."""
    text = header(source) + unasync_text(source.read_text(encoding="utf-8"))
    text = _ruff(["check", "--fix", "--unsafe-fixes", "--exit-zero", "--quiet"], text, target)
    return _ruff(["format", "--quiet"], text, target)


def plan(source_dir: Path = SOURCE, target_dir: Path = TARGET) -> dict[Path, str]:
    return {target_dir / src.name: generate(src, target_dir / src.name) for src in sorted(source_dir.glob("*.py"))}


def stale(source_dir: Path = SOURCE, target_dir: Path = TARGET) -> list[Path]:
    """Generated files that differ from what the sources give, are missing, or have no source any more."""
    wanted = plan(source_dir, target_dir)
    found = [path for path, text in wanted.items() if not path.exists() or path.read_text(encoding="utf-8") != text]
    orphans = [path for path in sorted(target_dir.glob("*.py")) if path not in wanted]
    return found + orphans


def write(source_dir: Path = SOURCE, target_dir: Path = TARGET) -> list[Path]:
    target_dir.mkdir(parents=True, exist_ok=True)
    wanted = plan(source_dir, target_dir)
    changed = []
    for path, text in wanted.items():
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            changed.append(path)
    for path in sorted(target_dir.glob("*.py")):
        if path not in wanted:
            path.unlink()
            changed.append(path)
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if a generated file is stale; write nothing")
    parser.add_argument("--source", type=Path, default=SOURCE, help=argparse.SUPPRESS)  # for the script's own tests
    parser.add_argument("--target", type=Path, default=TARGET, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.check:
        bad = stale(args.source, args.target)
        for path in bad:
            print(f"stale: {_shown(path)}", file=sys.stderr)
        if bad:
            print("unasync: the generated sync client is out of date: run `python scripts/unasync.py`", file=sys.stderr)
            return 1
        print(f"unasync: {_shown(args.target)} is up to date")
        return 0
    for path in write(args.source, args.target):
        print(f"wrote {_shown(path)}")
    return 0


def _shown(path: Path) -> str:
    return path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else str(path)


if __name__ == "__main__":
    sys.exit(main())

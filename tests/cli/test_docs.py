"""docs/cli.md as a user reads it: every `sh` block runs as written (bash, in a fresh directory, the
emulator's credentials in the environment), and the profile example is a config the command accepts."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

from mkto.cli._profiles import SETTINGS

from .conftest import Emu, cli_env, mkto

DOC = Path(__file__).resolve().parents[2] / "docs" / "cli.md"
COMMANDS = ("leads import", "leads export", "leads sync", "leads get", "mkto usage", "mkto call")


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.DOTALL)


def test_every_command_has_an_example() -> None:
    text = "\n".join(blocks("sh"))
    for command in COMMANDS:
        assert command in text, command


def test_the_examples_run_as_written(emu: Emu, tmp_path: Path) -> None:
    env = cli_env(emu.env())
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    with emu.clock_running():
        for block in blocks("sh"):
            done = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", block], cwd=tmp_path, env=env,
                                  capture_output=True, text=True, timeout=300, check=False)  # fmt: skip
            assert done.returncode == 0, f"{block}\n{done.stdout}\n{done.stderr}"
            assert "Traceback" not in done.stderr
    assert (tmp_path / "export.csv").read_text(encoding="utf-8").startswith("id,email,firstName\n")
    assert (tmp_path / "people.report.csv").read_text(encoding="utf-8").startswith("line,email,status,id,reasons\n")
    assert "NoEmail" in (tmp_path / "import.failures.csv").read_text(encoding="utf-8")
    assert '"lastName"' in (tmp_path / "describe.json").read_text(encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".") or p.suffix in {".part", ".tmp"}) == []


def test_the_profile_example_is_a_config_the_command_takes(emu: Emu, tmp_path: Path) -> None:
    (example,) = blocks("toml")
    profiles = tomllib.loads(example)["profiles"]
    assert set(profiles) == {"emulator", "prod"}
    for profile in profiles.values():
        assert set(profile) <= set(SETTINGS)
    real = example.replace("http://127.0.0.1:8080", emu.base_url)
    real = real.replace("the id mkto serve printed", emu.client_id).replace(
        "the secret mkto serve printed", emu.client_secret
    )
    config = tmp_path / "config.toml"
    config.write_text(real, encoding="utf-8")
    done = mkto("usage", "--profile", "emulator", env=cli_env(config=config))
    assert done.returncode == 0, done.stderr
    home = tmp_path / "home"
    (home / ".config" / "mkto").mkdir(parents=True)
    (home / ".config" / "mkto" / "config.toml").write_text(real, encoding="utf-8")
    env = cli_env({"HOME": str(home)})
    del env["MKTO_CONFIG"]
    env.pop("XDG_CONFIG_HOME", None)
    default_place = mkto("usage", "--profile", "emulator", env=env)
    assert default_place.returncode == 0, default_place.stderr

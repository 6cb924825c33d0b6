"""Where a command's credentials come from (flags > environment > profile), and what a user sees when they
are missing, unknown or wrong: one line, a non-zero exit, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

from .conftest import Emu, cli_env, mkto, no_traceback


def profile_file(tmp_path: Path, emu: Emu, *, secret: str | None = None, name: str = "emu") -> Path:
    config = tmp_path / "config.toml"
    config.write_text(
        f'[profiles.{name}]\nbase_url = "{emu.base_url}"\nclient_id = "{emu.client_id}"\n'
        f'client_secret = "{secret or emu.client_secret}"\n',
        encoding="utf-8",
    )
    return config


def test_a_profile_alone_is_enough(emu: Emu, tmp_path: Path) -> None:
    env = cli_env(config=profile_file(tmp_path, emu))
    done = mkto("usage", "--json", "--profile", "emu", env=env)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["daily_quota"] == 50_000
    chosen_by_env = mkto("usage", "--json", env={**env, "MKTO_PROFILE": "emu"})
    assert chosen_by_env.returncode == 0, chosen_by_env.stderr


def test_the_environment_overrides_the_profile_and_a_flag_overrides_both(emu: Emu, tmp_path: Path) -> None:
    env = cli_env(config=profile_file(tmp_path, emu, secret="wrong-in-profile"))
    assert mkto("usage", "--profile", "emu", env=env).returncode == 1  # the profile's secret alone is refused
    with_env = mkto("usage", "--json", "--profile", "emu", env={**env, "MKTO_CLIENT_SECRET": emu.client_secret})
    assert with_env.returncode == 0, with_env.stderr
    flag_wins = mkto(
        "usage", "--profile", "emu", "--client-secret", "wrong-by-flag",
        env={**env, "MKTO_CLIENT_SECRET": emu.client_secret},
    )  # fmt: skip
    assert flag_wins.returncode == 1
    assert "refused the client id or secret" in flag_wins.stderr
    flag_fixes = mkto("usage", "--json", "--profile", "emu", "--client-secret", emu.client_secret, env=env)
    assert flag_fixes.returncode == 0, flag_fixes.stderr


def test_flags_alone_are_enough(emu: Emu) -> None:
    done = mkto(
        "usage", "--json", "--base-url", emu.base_url, "--client-id", emu.client_id,
        "--client-secret", emu.client_secret, env=cli_env(),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr


def test_bad_credentials_are_a_401_explained_in_one_line(emu: Emu) -> None:
    done = mkto(
        "leads", "get", "--filter", "email=a@example.com", env=cli_env({**emu.env(), "MKTO_CLIENT_SECRET": "nope"})
    )
    assert done.returncode == 1
    no_traceback(done)
    assert f"401: the identity endpoint of {emu.base_url} refused the client id or secret" in done.stderr
    assert "--client-secret" in done.stderr


def test_an_unknown_profile_names_the_known_ones(emu: Emu, tmp_path: Path) -> None:
    env = cli_env(config=profile_file(tmp_path, emu, name="staging"))
    done = mkto("usage", "--profile", "prod", env=env)
    assert done.returncode == 2
    no_traceback(done)
    assert "no profile 'prod'" in done.stderr
    assert "staging" in done.stderr


def test_a_missing_config_file_or_a_broken_one_is_one_line(tmp_path: Path) -> None:
    missing = mkto("usage", "--profile", "prod", env=cli_env(config=tmp_path / "absent.toml"))
    assert missing.returncode == 2
    no_traceback(missing)
    assert "does not exist" in missing.stderr
    broken = tmp_path / "broken.toml"
    broken.write_text("[profiles.prod\n", encoding="utf-8")
    done = mkto("usage", "--profile", "prod", env=cli_env(config=broken))
    assert done.returncode == 2
    no_traceback(done)
    assert "cannot read the config file" in done.stderr


def test_no_credentials_at_all_says_what_to_give() -> None:
    done = mkto("usage", env=cli_env())
    assert done.returncode == 2
    no_traceback(done)
    assert "--base-url / MKTO_BASE_URL" in done.stderr
    assert "MKTO_CLIENT_ID" in done.stderr


def test_an_unreachable_instance_is_one_line(tmp_path: Path) -> None:
    done = mkto(
        "call", "GET", "/rest/v1/leads/describe.json", "--base-url", "http://127.0.0.1:9", "--client-id", "x",
        "--client-secret", "y", env=cli_env(), timeout=300,
    )  # fmt: skip
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "cannot reach http://127.0.0.1:9" in done.stderr

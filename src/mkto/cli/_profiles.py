"""Where a command's credentials come from: flags, then the environment, then a named profile.

    mkto usage --base-url http://127.0.0.1:8080 --client-id ID --client-secret SECRET
    MKTO_BASE_URL=... MKTO_CLIENT_ID=... MKTO_CLIENT_SECRET=... mkto usage
    mkto usage --profile prod          # [profiles.prod] in ~/.config/mkto/config.toml, or $MKTO_CONFIG

Each setting is taken from the first place that has it, so a flag can override one value of a profile. The
environment variables are the client's own (`mkto.client` reads the same names in `Client.from_env`).
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from mkto.client._shell import ENV_VARIABLES
from mkto.errors import MarketoError

from ._output import BAD_INPUT, CliError, Reporter, explain_error

if TYPE_CHECKING:
    from mkto.client import Client

CONFIG_ENV = "MKTO_CONFIG"
PROFILE_ENV = "MKTO_PROFILE"
SETTINGS = tuple(ENV_VARIABLES)  # base_url, munchkin_id, client_id, client_secret

F = TypeVar("F", bound=Callable[..., Any])


def config_path() -> Path:
    """`$MKTO_CONFIG`, else `~/.config/mkto/config.toml` (under `$XDG_CONFIG_HOME` when that is set)."""
    if os.environ.get(CONFIG_ENV):
        return Path(os.environ[CONFIG_ENV])
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "mkto" / "config.toml"


def load_profile(name: str) -> dict[str, str]:
    path = config_path()
    try:
        with path.open("rb") as f:
            config = tomllib.load(f)
    except FileNotFoundError:
        raise CliError(f"no profile {name!r}: the config file {path} does not exist", BAD_INPUT) from None
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise CliError(f"cannot read the config file {path}: {exc}", BAD_INPUT) from None
    profiles = config.get("profiles", {})
    profile = profiles.get(name) if isinstance(profiles, dict) else None
    if not isinstance(profile, dict):
        known = ", ".join(sorted(profiles)) if isinstance(profiles, dict) and profiles else "none"
        raise CliError(f"no profile {name!r} in {path} (profiles there: {known})", BAD_INPUT)
    unknown = sorted(set(profile) - set(SETTINGS))
    if unknown:
        raise CliError(f"profile {name!r} in {path} has unknown keys {unknown}; it may set {list(SETTINGS)}", BAD_INPUT)
    return {key: str(value) for key, value in profile.items()}


@dataclass(frozen=True, slots=True)
class Credentials:
    base_url: str | None
    munchkin_id: str | None
    client_id: str
    client_secret: str

    def client_config(self) -> dict[str, Any]:
        return {
            "base_url": self.base_url,
            "munchkin_id": self.munchkin_id,
            "client_id": self.client_id,
            "client_secret": self.client_secret,
        }


def resolve(flags: dict[str, str | None], profile: str | None) -> Credentials:
    """flags > environment > profile, setting by setting; a clear error naming what is missing."""
    name = profile or os.environ.get(PROFILE_ENV) or None
    from_profile = load_profile(name) if name else {}
    chosen: dict[str, str | None] = {}
    for key in SETTINGS:
        chosen[key] = flags.get(key) or os.environ.get(ENV_VARIABLES[key]) or from_profile.get(key) or None
    missing = [key for key in ("client_id", "client_secret") if not chosen[key]]
    if not (chosen["base_url"] or chosen["munchkin_id"]):
        missing.insert(0, "base_url")
    if missing:
        where = " or ".join(f"--{k.replace('_', '-')} / {ENV_VARIABLES[k]}" for k in missing)
        raise CliError(f"no {', '.join(missing)}: give {where}, or --profile NAME", BAD_INPUT)
    return Credentials(
        chosen["base_url"], chosen["munchkin_id"], str(chosen["client_id"]), str(chosen["client_secret"])
    )


@dataclass(frozen=True, slots=True)
class Source:
    """The credential flags as given; `resolve()` happens inside the command, where errors are reported."""

    flags: dict[str, str | None]
    profile: str | None

    def resolve(self) -> Credentials:
        return resolve(self.flags, self.profile)


def credential_options(command: F) -> F:
    """The flags every command that calls an instance takes; the command receives them as `source: Source`."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        flags = {key: kwargs.pop(key, None) for key in SETTINGS}
        return command(*args, source=Source(flags, kwargs.pop("profile", None)), **kwargs)

    options = [
        click.option(
            "--profile", help=f"A profile of the config file (${CONFIG_ENV}, default ~/.config/mkto/config.toml)."
        ),
        click.option("--client-secret", help=f"API client secret (else ${ENV_VARIABLES['client_secret']})."),
        click.option("--client-id", help=f"API client id (else ${ENV_VARIABLES['client_id']})."),
        click.option("--munchkin-id", help=f"Munchkin id, e.g. 123-ABC-456 (else ${ENV_VARIABLES['munchkin_id']})."),
        click.option("--base-url", help=f"REST base URL, e.g. an emulator's (else ${ENV_VARIABLES['base_url']})."),
    ]
    decorated: Any = wrapper
    for option in options:
        decorated = option(decorated)
    return decorated  # type: ignore[no-any-return]


@contextlib.contextmanager
def open_client(source: Source, reporter: Reporter | None = None) -> Iterator[Client]:
    """A `mkto.Client` for the resolved credentials, with every protection; its waits and the answers that
    cause them go to `reporter`. A Marketo error inside the block becomes one line naming the instance."""
    from mkto.client import Client

    credentials = source.resolve()
    logger = logging.Logger("mkto.cli.attempts", logging.DEBUG)  # this command's own, never the root's
    extra: dict[str, Any] = {}
    if reporter is not None:
        logger.addHandler(reporter.handler())
        extra["sleep"] = reporter.sleep
    else:
        logger.addHandler(logging.NullHandler())
    client = Client(**credentials.client_config(), logger=logger, **extra)
    try:
        with client:
            yield client
    except MarketoError as err:
        raise explain_error(err, client.base_url) from None

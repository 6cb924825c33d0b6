"""`mkto serve`: the emulator on uvicorn, printing where it is and how to log in.

Bad configuration (an option value click refuses, a port out of range or already taken, a database that
cannot be opened) answers one line on stderr and exit status 2, never a traceback. With `--access-log`, one
line per API call on stdout, secrets redacted (`_instance.redact_query`); uvicorn's own access log stays off.
"""

from __future__ import annotations

import contextlib
import ipaddress
import logging
import socket
import sys
from pathlib import Path
from typing import Any, NoReturn

import click
import sqlalchemy.exc
import uvicorn
from sqlalchemy.engine import make_url

from ._app import create_app, default_db_path
from ._instance import ACCESS_LOGGER, DEFAULT_MUNCHKIN_ID
from ._server import share_interpreter_fairly, uvicorn_config

CONFIG_ERROR = 2
PROG = "mkto serve"


def _fail(message: str) -> NoReturn:
    click.echo(f"{PROG}: {message}", err=True)
    sys.exit(CONFIG_ERROR)


class _ServeCommand(click.Command):
    """Answers a refused option (unknown name, bad value, out of range) with one line and exit status 2."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as exc:
            _fail(" ".join(exc.format_message().split()))


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _listen(host: str, port: int) -> socket.socket:
    """The bound server socket (uvicorn listens on it), or one line naming why it cannot be had."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        reason = exc.strerror or str(exc)
        _fail(f"cannot listen on {host}:{port}: {reason.lower()}")
    return sock


def _database_problem(exc: Exception) -> str:
    """The first line of what the driver said, without SQLAlchemy's statement and background link."""
    cause: Any = getattr(exc, "orig", None) or exc
    text = str(cause).strip() or type(cause).__name__
    return " ".join(text.splitlines()[0].split())


def _shown_database(db: str | Path) -> str:
    try:
        return make_url(str(db)).render_as_string(hide_password=True)
    except sqlalchemy.exc.ArgumentError:
        return str(db)


def _enable_access_log() -> None:
    logger = logging.getLogger(ACCESS_LOGGER)
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False


@click.command("serve", cls=_ServeCommand)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port", default=8080, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on (1-65535)."
)
@click.option(
    "--db",
    default=None,
    help="PATH, sqlite:///PATH or postgresql://... (default: ./.mkto/emulator.sqlite3).",
)
@click.option("--munchkin-id", default=DEFAULT_MUNCHKIN_ID, show_default=True)
@click.option("--client-id", default=None, help="Client id of the default API user (default: derived from --seed).")
@click.option("--client-secret", default=None, help="Client secret of the default API user.")
@click.option("--seed", default=0, show_default=True, type=int, help="Seed of the one random generator.")
@click.option("--allow-query-token", is_flag=True, help="Accept the deprecated access_token query parameter.")
@click.option("--admin-token", default=None, help="Require this bearer token on /_mkto/* (and allow remote admin).")
@click.option("--log-level", default="info", show_default=True, type=click.Choice(["debug", "info", "warning", "error"]))
@click.option("--access-log", is_flag=True, help="Print one line per API call (secrets redacted).")
def serve_command(
    *,
    host: str,
    port: int,
    db: str | None,
    munchkin_id: str,
    client_id: str | None,
    client_secret: str | None,
    seed: int,
    allow_query_token: bool,
    admin_token: str | None,
    log_level: str,
    access_log: bool,
) -> None:
    """Run the Marketo emulator."""
    sock = _listen(host, port)
    database = db if db is not None else default_db_path()
    try:
        app = create_app(
            db=database,
            seed=seed,
            allow_query_token=allow_query_token,
            admin_token=admin_token,
            munchkin_id=munchkin_id,
            client_id=client_id,
            client_secret=client_secret,
        )
    except (sqlalchemy.exc.SQLAlchemyError, OSError, ValueError) as exc:
        sock.close()
        _fail(f"cannot open the database {_shown_database(database)}: {_database_problem(exc)}")
    user = app.state.default_user
    base = f"http://{host}:{port}"
    shown_db = app.state.emulation.store.url
    if shown_db.startswith("sqlite:///"):
        shown_db = str(Path(shown_db.removeprefix("sqlite:///")))
    # A secret given on the command line is known to whoever gave it: it is not echoed back.
    secret = "(as given with --client-secret)" if client_secret is not None else user.client_secret
    secret_param = "..." if client_secret is not None else user.client_secret
    lines = [
        f"mkto emulator for Munchkin {munchkin_id}",
        f"  REST base URL   {base}/rest",
        f"  Bulk base URL   {base}/bulk",
        f"  Identity URL    {base}/identity",
        f"  Dashboard       {base}/_mkto/",
        f"  client_id       {user.client_id}",
        f"  client_secret   {secret}",
        f"  database        {shown_db}",
        "",
        "  token: curl "
        f"'{base}/identity/oauth/token?grant_type=client_credentials&client_id={user.client_id}"
        f"&client_secret={secret_param}'",
    ]
    click.echo("\n".join(lines), nl=True)
    if not _is_loopback(host) and (client_id is None or client_secret is None):
        click.echo(
            f"{PROG}: warning: listening on {host}, off loopback, with the well-known default credentials "
            f"of --seed {seed}; set others with --client-id ID --client-secret SECRET",
            err=True,
        )
    if access_log:
        _enable_access_log()
        app.state.emulation.access_log = True
    share_interpreter_fairly()
    server = uvicorn.Server(uvicorn_config(app, host=host, port=port, log_level=log_level, access_log=False))
    with contextlib.suppress(KeyboardInterrupt):  # uvicorn re-raises the Ctrl+C it already handled
        server.run(sockets=[sock])

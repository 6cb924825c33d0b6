"""`mkto serve`: the emulator on uvicorn, printing where it is and how to log in.

Bad configuration (an option value click refuses, a port out of range or already taken, a database or a state
backend that cannot be opened, `--workers` above 1 without a shared state backend) answers one line on stderr and
exit status 2, never a traceback. With `--access-log`, one line per API call on stdout, secrets redacted
(`_instance.redact_query`); uvicorn's own access log stays off. `--workers N` above 1 runs N processes
(`_workers.py`); one worker is served in this process.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import sys
from pathlib import Path
from typing import Any, NoReturn

import click
import sqlalchemy.exc
import uvicorn
from sqlalchemy.engine import make_url

from . import _workers
from ._app import default_db_path
from ._instance import DEFAULT_MUNCHKIN_ID
from ._server import share_interpreter_fairly, uvicorn_config
from ._state import StateUnavailable
from ._workers import AppArguments

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


def _shown_url(url: str | Path) -> str:
    """A database or state URL without its password."""
    try:
        return make_url(str(url)).render_as_string(hide_password=True)
    except sqlalchemy.exc.ArgumentError:
        return str(url)


@click.command("serve", cls=_ServeCommand)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port", default=8080, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on (1-65535)."
)
@click.option(
    "--db",
    default=None,
    envvar="MKTO_DB_URL",
    help="PATH, sqlite:///PATH or postgresql://... (default: $MKTO_DB_URL, else ./.mkto/emulator.sqlite3).",
)
@click.option(
    "--state",
    default=None,
    envvar="MKTO_STATE_URL",
    help="redis://HOST:PORT/DB: keep instance state there, shared by workers and hosts (default: $MKTO_STATE_URL, "
    "else in-process).",
)
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(min=1),
    help="Worker processes on the one port (above 1 needs --state redis://...).",
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
    state: str | None,
    workers: int,
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
    if workers > 1 and state is None:
        _fail(
            f"--workers {workers} needs instance state the workers share: add --state redis://HOST:PORT/DB "
            "(or set MKTO_STATE_URL)"
        )
    sock = _listen(host, port)
    database = db if db is not None else str(default_db_path())
    arguments = AppArguments(
        db=database,
        state=state,
        seed=seed,
        allow_query_token=allow_query_token,
        admin_token=admin_token,
        munchkin_id=munchkin_id,
        client_id=client_id,
        client_secret=client_secret,
        access_log=access_log,
    )
    try:
        app = arguments.build(reset_state=True)  # what an earlier run left in the state backend goes
    except StateUnavailable as exc:
        sock.close()
        _fail(f"cannot use the state backend: {exc}")
    except (sqlalchemy.exc.SQLAlchemyError, OSError, ValueError) as exc:
        sock.close()
        _fail(f"cannot open the database {_shown_url(database)}: {_database_problem(exc)}")
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
        f"  state           {_shown_url(state) if state is not None else 'in-process'}",
        f"  workers         {workers}",
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
    if workers > 1:
        _workers.close(app)  # each worker builds its own; this one only made the tables and seeded them
        _workers.run(arguments, sock, workers=workers, log_level=log_level)
        return
    if access_log:
        _workers.log_access(app)
    share_interpreter_fairly()
    server = uvicorn.Server(uvicorn_config(app, host=host, port=port, log_level=log_level, access_log=False))
    with contextlib.suppress(KeyboardInterrupt):  # uvicorn re-raises the Ctrl+C it already handled
        server.run(sockets=[sock])

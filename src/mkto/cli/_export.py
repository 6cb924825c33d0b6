"""`mkto leads export`: a bulk extract of the leads created (or updated) in a date range, resumable.

The job's id is saved in a small state file beside the output (`OUT.state.json`) as soon as the job is
created, and the file is downloaded into `OUT.part`. Run the same command again after an interruption and it
carries on with the same job and the bytes already there (the client asks for the rest with `Range`); the
client checks the whole file's sha256 against the job's, and only then is `OUT.part` renamed to `OUT` and the
state file removed. `OUT` itself is therefore never half-written.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from mkto.errors import MarketoError

from ._files import atomic, bulk_format
from ._output import BAD_INPUT, CliError, Reporter, print_json, reported
from ._profiles import Source, credential_options, open_client

if TYPE_CHECKING:
    from mkto.client import BulkWait, Client

DEFAULT_FIELDS = ("id", "email", "firstName", "lastName", "createdAt", "updatedAt")
MAX_RANGE = dt.timedelta(days=31)  # Marketo's longest date range for one extract
DATE_FIELDS = ("createdAt", "updatedAt")
EXPORT_STAGES = {
    "/create.json": "export job created",
    "/enqueue.json": "export job enqueued",
}
GONE_CODES = frozenset({"1013"})  # the saved job is no longer there (expired, or another instance)


def split_fields(fields: tuple[str, ...]) -> list[str]:
    return [name.strip() for group in fields for name in group.split(",") if name.strip()]


def fields_option(default: tuple[str, ...] | None) -> Callable[[Any], Any]:
    shown = f" (default: {','.join(default)})" if default else ""
    return click.option(
        "--fields", multiple=True, default=default or (), show_default=False, metavar="NAME[,NAME...]",
        help=f"The lead fields, comma-separated or repeated{shown}.",
    )  # fmt: skip


poll_option = click.option(
    "--poll", type=click.FloatRange(min=0.0, min_open=True), metavar="SECONDS",
    help="Check the job, and retry a full queue, every SECONDS (default: 5 s growing to 60 s, 60 s on a full queue).",
)  # fmt: skip


def fixed_wait(seconds: float) -> BulkWait:
    from mkto.client import BulkWait

    return BulkWait(poll_first_s=seconds, poll_max_s=seconds, poll_factor=1.0, queue_wait_s=seconds)


def parse_date(text: str, option: str) -> dt.datetime:
    """An ISO date or date-time; one without a time zone is UTC."""
    try:
        when = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise CliError(f"{option} {text!r} is not a date (use e.g. 2026-11-30 or 2026-11-30T08:00:00+01:00)",
                       BAD_INPUT) from None  # fmt: skip
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


def state_path(out: Path) -> Path:
    return out.with_name(out.name + ".state.json")


def part_path(out: Path) -> Path:
    return out.with_name(out.name + ".part")


def load_state(out: Path) -> dict[str, Any] | None:
    try:
        state = json.loads(state_path(out).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise CliError(f"cannot read {state_path(out)}: {exc}; delete it to start again", BAD_INPUT) from None
    return state if isinstance(state, dict) and isinstance(state.get("export_id"), str) else None


def save_state(out: Path, export_id: str, body: dict[str, Any]) -> None:
    with atomic(state_path(out)) as f:
        json.dump({"export_id": export_id, "request": body}, f, indent=2)
        f.write("\n")


@click.command("export")
@click.option("--since", required=True, metavar="DATE", help="The start of the range (ISO date or date-time).")
@click.option("--until", metavar="DATE", help="The end of the range (default: 31 days after --since, the longest).")
@click.option("--on", "date_field", type=click.Choice(DATE_FIELDS), default="createdAt", show_default=True,
              help="Which date the range is on (updatedAt needs a subscription that allows it).")  # fmt: skip
@fields_option(default=DEFAULT_FIELDS)
@click.option("-o", "--output", "out", required=True, type=click.Path(path_type=Path, dir_okay=False),
              help="The file to write (CSV, or TSV for a .tsv name).")  # fmt: skip
@poll_option
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@credential_options
@reported
def export_command(
    *, source: Source, since: str, until: str | None, date_field: str, fields: tuple[str, ...], out: Path,
    poll: float | None, as_json: bool,
) -> None:  # fmt: skip
    """Bulk-extract leads into OUT, with progress; run it again after an interruption to resume."""
    start = parse_date(since, "--since")
    end = parse_date(until, "--until") if until else start + MAX_RANGE
    if end <= start:
        raise CliError("--until must be after --since", BAD_INPUT)
    chosen = split_fields(fields)
    if not chosen:
        raise CliError("--fields names no field", BAD_INPUT)
    body = {
        "format": bulk_format(out),
        "fields": chosen,
        "filter": {date_field: {"startAt": start.isoformat(), "endAt": end.isoformat()}},
    }
    if not out.parent.is_dir():
        raise CliError(f"cannot write {out}: {out.parent} is not a directory", BAD_INPUT)
    with Reporter(stages=EXPORT_STAGES) as reporter, open_client(source, reporter) as client:
        if poll is not None:
            client.bulk.wait = fixed_wait(poll)
        export_id, status = _job(client, reporter, out, body)
        size = int(status.get("fileSize", 0))
        part = part_path(out)
        reporter.stage(f"downloading export {export_id} ({int(status.get('numberOfRecords', 0)):,} records)", size)
        with reporter.watching(lambda: part.stat().st_size, size, "bytes"):
            result = client.bulk.resume_extract(export_id, path=part)
    os.replace(part, out)
    state_path(out).unlink(missing_ok=True)
    record = {"file": str(out), "export_id": export_id, "records": result.records, "bytes": size,
              "checksum": status.get("fileChecksum")}  # fmt: skip
    if as_json:
        print_json(record)
    else:
        click.echo(f"exported {record['records']:,} leads to {out} ({size:,} bytes, export {export_id})")


def _job(client: Client, reporter: Reporter, out: Path, body: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The export to download and its Completed status: the saved one if it asked for the same, else a new one."""
    from mkto.client import BulkJobFailed

    state = load_state(out)
    part = part_path(out)
    if state is not None and state.get("request") == body:
        export_id = state["export_id"]
        held = part.stat().st_size if part.exists() else 0
        reporter.note(f"resuming export {export_id} ({held:,} bytes already in {part.name})")
        reporter.stage(f"waiting for export {export_id}")
        try:
            return export_id, client.bulk.wait_extract(export_id)
        except BulkJobFailed as err:
            reporter.note(f"export {export_id} ended {err.status.get('status')}: starting a new one")
        except MarketoError as err:
            if err.code not in GONE_CODES:
                raise
            reporter.note(f"export {export_id} is gone ({err.code} {err.message}): starting a new one")
    elif state is not None:
        reporter.note(f"{state_path(out).name} is for another export: starting a new one")
    part.unlink(missing_ok=True)
    reporter.stage("creating the export job")
    export_id = client.bulk.create_extract("leads", body)
    save_state(out, export_id, body)
    reporter.stage(f"waiting for export {export_id}")
    return export_id, client.bulk.wait_extract(export_id)

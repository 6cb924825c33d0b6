"""`mkto leads import|sync|get` (and `export`, in `_export.py`): lead work through `client.bulk` and
`client.leads`, with progress on long work and `--json` for scripts."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rich.table import Table

from mkto.errors.limits import MAX_BATCH_RECORDS

from ._export import export_command, fields_option, fixed_wait, poll_option, split_fields
from ._files import (
    bulk_format,
    count_rows,
    csv_header,
    read_records,
    require_column,
    sibling,
    write_report,
    write_rows,
)
from ._output import BAD_INPUT, FAILED, CliError, Reporter, print_json, reported, stdout_console
from ._profiles import Source, credential_options, open_client

if TYPE_CHECKING:
    from mkto.errors import RecordOutcome

ACTIONS = ("createOrUpdate", "createOnly", "updateOnly", "createDuplicate")
IMPORT_STAGES = {
    "/bulk/v1/leads.json": "import submitted: waiting for the batch",
    "/failures.json": "reading the failed rows",
    "/warnings.json": "reading the rows with warnings",
}


@click.group("leads")
def leads_group() -> None:
    """Import, export, sync and find leads."""


leads_group.add_command(export_command)


@leads_group.command("import")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--lookup-field", default="email", show_default=True, help="The field that finds existing leads.")
@click.option("--list-id", type=int, help="Also add the imported leads to this static list.")
@click.option("--partition", "partition_name", help="The lead partition to import into.")
@poll_option
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@credential_options
@reported
def import_command(
    *, source: Source, file: Path, lookup_field: str, list_id: int | None, partition_name: str | None,
    poll: float | None, as_json: bool,
) -> None:  # fmt: skip
    """Bulk-import FILE (CSV or TSV, a header line first); failed and warned rows are saved beside it as
    FILE.failures.csv and FILE.warnings.csv. Exit status 1 when a row failed."""
    require_column(file, csv_header(file), lookup_field, "the lookup field")
    rows = count_rows(file)
    failures_path, warnings_path = sibling(file, "failures"), sibling(file, "warnings")
    with Reporter(stages=IMPORT_STAGES) as reporter, open_client(source, reporter) as client:
        if poll is not None:
            client.bulk.wait = fixed_wait(poll)
        reporter.stage(f"importing {rows:,} rows of {file.name}")
        result = client.bulk.import_leads(
            file, format=bulk_format(file), lookup_field=lookup_field, list_id=list_id, partition_name=partition_name
        )
    saved: dict[str, str] = {}
    for path, found in ((failures_path, result.failures), (warnings_path, result.warnings)):
        if found:
            write_rows(path, found)
            saved[path.stem.rsplit(".", 1)[-1]] = str(path)
        else:
            path.unlink(missing_ok=True)  # an older run's file would describe rows this run imported
    record = {
        "file": str(file),
        "batches": [b.get("batchId") for b in result.batches],
        "rows": rows,
        "processed": result.rows_processed,
        "failed": result.rows_failed,
        "warnings": len(result.warnings),
        "failures_file": saved.get("failures"),
        "warnings_file": saved.get("warnings"),
    }
    if as_json:
        print_json(record)
    else:
        click.echo(f"imported {file.name}: {record['processed']:,} rows processed, {record['failed']:,} failed, "
                   f"{record['warnings']:,} with warnings")  # fmt: skip
        for kind, path_text in saved.items():
            click.echo(f"{kind}: {path_text}")
    if result.rows_failed:
        raise SystemExit(FAILED)


def _require_lookup(file: Path, records: list[tuple[int, dict[str, Any]]], lookup_field: str) -> None:
    """The lookup field must be a column (CSV) or appear in some record (JSON lines); a record that lacks a
    value is sent all the same, and Marketo's reason for skipping it goes into the report."""
    if file.suffix.lower() not in {".jsonl", ".ndjson"}:
        require_column(file, csv_header(file), lookup_field, "the lookup field")
    elif records and not any(lookup_field in record for _, record in records):
        raise CliError(f"{file}: no record has {lookup_field!r} (the lookup field)", BAD_INPUT)


def outcome_row(line: int, record: dict[str, Any], lookup_field: str, outcome: RecordOutcome) -> dict[str, Any]:
    return {
        "line": line,
        lookup_field: record.get(lookup_field, ""),
        "status": "skipped" if outcome.skipped else outcome.status,
        "id": outcome.id,
        "reasons": "; ".join(str(r) for r in outcome.reasons),
    }


@leads_group.command("sync")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--action", type=click.Choice(ACTIONS), default="createOrUpdate", show_default=True)
@click.option("--lookup-field", default="email", show_default=True, help="The field that finds existing leads.")
@click.option("--partition", "partition_name", help="The lead partition to write to.")
@click.option("--report", "report_path", type=click.Path(path_type=Path, dir_okay=False),
              help="Write the per-record report here (.csv, .json or .jsonl).")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print the summary and every record's outcome as JSON.")
@credential_options
@reported
def sync_command(
    *, source: Source, file: Path, action: str, lookup_field: str, partition_name: str | None,
    report_path: Path | None, as_json: bool,
) -> None:  # fmt: skip
    """Sync the leads of FILE (CSV, TSV or JSON lines) in batches; report each record: created, updated or
    skipped with its reasons. Exit status 1 when a record was skipped."""
    records = read_records(file)
    if action != "createDuplicate":
        _require_lookup(file, records, lookup_field)
    report: list[dict[str, Any]] = []
    with Reporter() as reporter, open_client(source, reporter) as client:
        reporter.stage(f"syncing {len(records):,} leads of {file.name}", total=len(records))
        for start in range(0, len(records), MAX_BATCH_RECORDS):
            batch = records[start : start + MAX_BATCH_RECORDS]
            outcomes = client.leads.sync(
                [record for _, record in batch], action=action, lookup_field=lookup_field,
                partition_name=partition_name,
            )  # fmt: skip
            for (line, record), outcome in zip(batch, outcomes, strict=True):
                report.append(outcome_row(line, record, lookup_field, outcome))
            reporter.update(start + len(batch), len(records), "leads")
    counts = Counter(row["status"] for row in report)
    summary = {
        "file": str(file),
        "records": len(report),
        **{s: counts.get(s, 0) for s in ("created", "updated", "skipped")},
    }
    if report_path is not None:
        write_report(report_path, report)
        summary["report"] = str(report_path)
    if as_json:
        print_json({"summary": summary, "records": report})
    else:
        _print_sync(summary, report, lookup_field)
    if counts.get("skipped"):
        raise SystemExit(FAILED)


def _print_sync(summary: dict[str, Any], report: list[dict[str, Any]], lookup_field: str) -> None:
    console = stdout_console()
    console.print(
        f"{summary['records']:,} records: {summary['created']:,} created, {summary['updated']:,} updated, "
        f"{summary['skipped']:,} skipped" + (f"; report: {summary['report']}" if "report" in summary else ""),
        highlight=False,
    )
    skipped = [row for row in report if row["status"] == "skipped"]
    if skipped:
        table = Table("line", lookup_field, "reasons", box=None, title="skipped")
        for row in skipped:
            table.add_row(str(row["line"]), str(row[lookup_field]), row["reasons"])
        console.print(table)


@leads_group.command("get")
@click.option("--filter", "filter_", required=True, metavar="FIELD=VALUE[,VALUE...]",
              help="The filter field and the values to find, e.g. email=ada@example.com.")  # fmt: skip
@fields_option(default=None)
@click.option("--json", "as_json", is_flag=True, help="Print the leads as JSON.")
@credential_options
@reported
def get_command(source: Source, filter_: str, fields: tuple[str, ...], as_json: bool) -> None:
    """Find leads by a filter field. Exit status 1 when none matches."""
    name, sep, values = filter_.partition("=")
    wanted = [v.strip() for v in values.split(",") if v.strip()]
    if not sep or not name or not wanted:
        raise CliError(f"--filter {filter_!r}: expected FIELD=VALUE[,VALUE...]", BAD_INPUT)
    chosen = split_fields(fields) or None
    with open_client(source, Reporter()) as client:
        leads = client.leads.get_by_filter(name.strip(), wanted, fields=chosen)
    if as_json:
        print_json(leads)
    elif leads:
        columns = chosen or list(dict.fromkeys(k for lead in leads for k in lead))
        table = Table(*columns, box=None)
        for lead in leads:
            table.add_row(*("" if lead.get(c) is None else str(lead.get(c)) for c in columns))
        stdout_console().print(table)
    else:
        click.echo(f"no lead has {name} in {wanted}", err=True)
    if not leads:
        raise SystemExit(FAILED)

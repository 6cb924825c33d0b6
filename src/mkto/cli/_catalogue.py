"""`mkto errors` and `mkto explain`: the catalogue in a terminal, and a saved Marketo answer classified."""

from __future__ import annotations

import json
import sys
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from mkto import errors
from mkto._explain import Explanation, UnreadableInput, explain
from mkto.errors import ADVICE_EN, ADVICE_ZH, Disposition, ErrorSpec, Level

LANGS = ("en", "zh")


def spec_record(spec: ErrorSpec) -> dict[str, Any]:
    return {
        "code": spec.code,
        "levels": [level.value for level in spec.levels],
        "http_status": spec.http_status,
        "message": spec.message,
        "summary_en": spec.summary_en,
        "note_en": spec.note_en,
        "summary_zh": spec.summary_zh,
        "note_zh": spec.note_zh,
        "disposition": spec.disposition.value,
        "counts_against_limits": spec.counts_against_limits,
        "maybe_executed": spec.maybe_executed,
        "few_tries": spec.few_tries,
        "variants": [
            {"name": v.name, "message": v.message, "disposition": (v.disposition or spec.disposition).value}
            for v in spec.variants
        ],
    }


def _advice(disposition: Disposition, lang: str) -> str:
    return (ADVICE_ZH if lang == "zh" else ADVICE_EN)[disposition]


@click.command("errors")
@click.argument("code", required=False)
@click.option("--lang", type=click.Choice(LANGS), default="en", show_default=True, help="Language of the descriptions.")
@click.option("--level", type=click.Choice([lv.value for lv in Level]), help="Only codes seen at this level.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output: a JSON list of every record.")
def errors_command(code: str | None, lang: str, level: str | None, as_json: bool) -> None:
    """List every documented Marketo error, or show one CODE in full."""
    specs = list(errors.all_specs())
    if level:
        specs = [s for s in specs if Level(level) in s.levels]
    if code:
        spec = errors.lookup(code)
        if spec is None:
            raise click.ClickException(f"{code} is not a code Marketo documents; `mkto errors` lists them all")
        specs = [spec]
    if as_json:
        payload: Any = spec_record(specs[0]) if code else [spec_record(s) for s in specs]
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    console = Console(soft_wrap=not sys.stdout.isatty())
    if code:
        _print_one(console, specs[0], lang)
        return
    table = Table("code", "level", "message" if lang == "en" else "描述", "disposition", "counts", box=None)
    for spec in specs:
        summary = spec.message if lang == "en" else spec.summary_zh
        levels = ",".join(lv.value for lv in spec.levels)
        table.add_row(spec.code, levels, summary, spec.disposition.value, "yes" if spec.counts_against_limits else "no")
    console.print(table)


def _print_one(console: Console, spec: ErrorSpec, lang: str) -> None:
    zh = lang == "zh"
    lines = [
        f"[bold]{spec.code}[/bold]  {spec.summary_zh if zh else spec.summary_en}",
        f"levels: {', '.join(lv.value for lv in spec.levels)}"
        + (f" (HTTP {spec.http_status})" if spec.http_status != 200 else ""),
        f"message: {spec.message}",
        f"disposition: {spec.disposition.value} — {_advice(spec.disposition, lang)}",
        f"counts against limits: {'yes' if spec.counts_against_limits else 'no'}",
        "",
        (spec.note_zh or spec.summary_zh) if zh else spec.note_en,
    ]
    for variant in spec.variants:
        disposition = (variant.disposition or spec.disposition).value
        lines.append(f"variant {variant.name}: {variant.message} ({disposition})")
    console.print("\n".join(lines), highlight=False)


@click.command("explain")
@click.argument("source", type=click.File("rb"))
@click.option("--lang", type=click.Choice(LANGS), default="en", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def explain_command(source: Any, lang: str, as_json: bool) -> None:
    """Classify a saved Marketo answer: SOURCE is a file, or - for standard input.

    Exit status: 0 for a success with no skipped record, 1 otherwise, 2 for input that cannot be read.
    """
    try:
        found = explain(source.read())
    except UnreadableInput as exc:
        click.echo(f"mkto explain: cannot read {source.name}: {exc}", err=True)
        sys.exit(2)
    if as_json:
        click.echo(json.dumps(_explanation_record(found), ensure_ascii=False, indent=2))
    else:
        _print_explanation(found, lang)
    sys.exit(0 if found.clean else 1)


def _explanation_record(found: Explanation) -> dict[str, Any]:
    return {
        "http_status": found.http_status,
        "request_id": found.request_id,
        "success": found.success,
        "findings": [
            {
                "level": f.level.value,
                "code": f.code,
                "message": f.message,
                "disposition": f.disposition.value,
                "index": f.index,
                "status": f.status,
            }
            for f in found.findings
        ],
        "records": [{"index": r.index, "id": r.id, "status": r.status} for r in found.records],
    }


def _print_explanation(found: Explanation, lang: str) -> None:
    click.echo(f"HTTP {found.http_status}  requestId {found.request_id or '-'}")
    if found.clean:
        counts: dict[str, int] = {}
        for record in found.records:
            counts[record.status] = counts.get(record.status, 0) + 1
        summary = ", ".join(f"{n} {status}" for status, n in counts.items())
        click.echo("success" + (f": {summary}" if summary else ""))
        return
    ok = sum(1 for r in found.records if r.ok)
    if found.records:
        click.echo(f"success with skipped records: {ok} of {len(found.records)} records went through")
    for finding in found.findings:
        where = f"record {finding.index}" if finding.index is not None else "call"
        click.echo(f"{where}: level {finding.level.value}, code {finding.code or '-'}: {finding.message}")
        spec = errors.lookup(finding.code)
        if spec is not None:
            click.echo(f"  meaning: {spec.summary_zh if lang == 'zh' else spec.note_en}")
        click.echo(f"  disposition: {finding.disposition.value} — {_advice(finding.disposition, lang)}")

"""Write the error guides `docs/errors.md` (English) and `docs/errors.zh-hans.md` (Chinese).

    python scripts/gen_guides.py                 # rewrite both guides from the catalogue and the recipes
    python scripts/gen_guides.py --check         # exit 1 (naming the file) when one is stale or missing
    python scripts/gen_guides.py --docs DIR      # write or check the guides in DIR instead of docs/

Every code of the catalogue (`mkto.errors`), grouped by the first level its `Level` names: its exact message
and named variants, its meaning, what to do about it (the disposition and the catalogue's advice, per level and
per variant where they differ), whether it counts against the limits, and how to produce it on the emulator:
the recipe of `mkto.emulator.recipes`, its condition in words and its calls in order. The words around them
(headings, labels, how a call is written) are this script's, in both languages: `EN` and `ZH`.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mkto.emulator.recipes import API, MADE_UP_TOKEN, NO_TOKEN, RECIPES, Call
from mkto.errors import ADVICE_EN, ADVICE_ZH, CATALOGUE, Disposition, ErrorSpec, Level

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
COMMAND = "python scripts/gen_guides.py"
LONG_RUN = 40  # a string of one repeated character longer than this is written as ("x" × N)


@dataclass(frozen=True)
class Words:
    """Everything a guide says that is not a catalogue or recipe fact, in one language."""

    zh: bool
    file: str
    colon: str
    comma: str
    title: str
    intro: str
    levels: Mapping[Level, str]
    level_names: Mapping[Level, str]
    index_head: str
    message: str
    variants: str
    levels_label: str
    status: str
    meaning: str
    to_do: str
    at_level: str
    with_message: str
    counts: str
    yes: str
    no: str
    emulator: str
    fault_plan: str
    no_token: str
    made_up_token: str
    user_token: str
    times: str
    at_once: str
    form: str
    file_part: str
    content_type: str


EN = Words(
    zh=False,
    file="errors.md",
    colon=": ",
    comma=", ",
    title="Marketo error codes",
    intro="""\
Every error code Marketo documents, as the catalogue (`mkto.errors`) holds it: where it shows up, its exact
message, what it means, what a caller does about it, whether the call still counts against the limits, and
how to make the emulator answer it. [中文版](errors.zh-hans.md). In a terminal the same catalogue is
`mkto errors` (`mkto errors CODE` for one code, `mkto errors --lang zh` with the Chinese descriptions); see
[error-handling.md](error-handling.md) for the three levels and the dispositions, and
[emulator.md](emulator.md) for the emulator.

**Producing a code.** Each recipe runs on a fresh emulator (`mkto serve`, default limits and settings), in
order; the answer to its last call carries the code. Calls under `/_mkto/` (the admin API) and `/identity/`
need no token; every other call carries `Authorization: Bearer <token>` with a token of the credentials
`mkto serve` prints, unless the recipe says otherwise. `{n}` counts a repeated call from 1; another `{name}`
stands for the field of that name in the first `result` of the latest answer that had it (an `exportId`, a
program's `id`). `("x" × 256)` stands for a string of 256 x's, and a raw body or file with a line break is
written as a JSON string. The test suite runs every recipe against a real emulator and checks the code comes
back.""",
    levels={
        Level.HTTP: "HTTP level: a status other than 200",
        Level.RESPONSE: "Response level: `success: false`, the code in `errors[]`",
        Level.RECORD: "Record level: a skipped record, the code in `result[i].reasons[]`",
    },
    level_names={Level.HTTP: "HTTP", Level.RESPONSE: "response", Level.RECORD: "record"},
    index_head="| code | level | message | disposition | counts |\n| --- | --- | --- | --- | --- |",
    message="Message",
    variants="also",
    levels_label="Level",
    status="HTTP status",
    meaning="Meaning",
    to_do="What to do",
    at_level="at {level} level",
    with_message="with the message `{message}`",
    counts="Counts against the limits",
    yes="yes",
    no="no",
    emulator="On the emulator",
    fault_plan="a fault plan: Marketo answers it for reasons outside the caller's reach",
    no_token="without a token",
    made_up_token="with a token the instance never issued",
    user_token="with the token of `{user}`",
    times="{times} times",
    at_once="{times} at once",
    form="form",
    file_part="multipart, the file",
    content_type="as `{content_type}`",
)

ZH = Words(
    zh=True,
    file="errors.zh-hans.md",
    colon="：",
    comma="、",
    title="Marketo 错误代码",
    intro="""\
Marketo 文档列出的每个错误代码，内容来自错误目录（`mkto.errors`）：出现在哪一级、准确的错误消息、含义、调用方
应如何处理、该调用是否仍计入限额，以及如何让模拟器返回它。[English](errors.md)。在终端中，同一目录可用
`mkto errors --lang zh` 查看中文说明（`mkto errors CODE` 查看单个代码）；三个级别与处置方式见
[error-handling.md](error-handling.md)（英文），模拟器见 [emulator.md](emulator.md)（英文）。

**复现方法。** 每个复现步骤都在全新的模拟器（`mkto serve`，默认限额与设置）上依次执行，最后一个调用的应答带有该
代码。`/_mkto/`（管理 API）与 `/identity/` 下的调用无需令牌；其余调用除非另有说明，都带上
`Authorization: Bearer <token>`，令牌用 `mkto serve` 打印的凭据获取。`{n}` 表示重复调用的序号（从 1 开始）；
其他 `{name}` 表示最近一个含有该字段的应答中第一个 `result` 的同名字段（如 `exportId`、项目的 `id`）。
`("x" × 256)` 表示由 256 个 x 组成的字符串；含换行的原始请求体或文件内容以 JSON 字符串的形式写出。测试套件会
在真实的模拟器上执行每个复现步骤，并检查返回了该代码。""",
    levels={
        Level.HTTP: "HTTP 级别：状态码不是 200",
        Level.RESPONSE: "响应级别：`success: false`，代码在 `errors[]` 中",
        Level.RECORD: "记录级别：记录被跳过，代码在 `result[i].reasons[]` 中",
    },
    level_names={Level.HTTP: "HTTP", Level.RESPONSE: "响应", Level.RECORD: "记录"},
    index_head="| 代码 | 级别 | 描述 | 处置 | 计入限额 |\n| --- | --- | --- | --- | --- |",
    message="消息",
    variants="另有",
    levels_label="级别",
    status="HTTP 状态码",
    meaning="含义",
    to_do="处理方式",
    at_level="在{level}级别",
    with_message="消息为 `{message}` 时",
    counts="计入限额",
    yes="是",
    no="否",
    emulator="在模拟器上",
    fault_plan="故障计划：Marketo 因调用方无法控制的原因返回此代码",
    no_token="不带令牌",
    made_up_token="带一个本实例从未签发的令牌",
    user_token="使用 `{user}` 的令牌",
    times="{times} 次",
    at_once="{times} 次，同时发出",
    form="表单",
    file_part="multipart，文件内容",
    content_type="以 `{content_type}` 发送",
)

GUIDES = (EN, ZH)


def _advice(disposition: Disposition, words: Words) -> str:
    advice = ADVICE_ZH if words.zh else ADVICE_EN
    return f"`{disposition.value}`{words.colon}{advice[disposition]}"


def _long_run(value: str) -> str | None:
    """A long run of one character, as the guide writes it: `("x" × 70000)`; None for any other string."""
    return f'("{value[0]}" × {len(value)})' if len(value) > LONG_RUN and len(set(value)) == 1 else None


def _value(value: Any) -> str:
    """A JSON value as the guide writes it: compact, with a long run of one character shortened."""
    if isinstance(value, str) and (run := _long_run(value)):
        return run
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(k)}: {_value(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


def render_call(call: Call, words: Words) -> str:
    """One call of a recipe as a line of the guide."""
    text = f"`{call.method} {call.path}"
    notes: list[str] = []
    if call.json is not None:
        text += f" {_value(call.json)}"
    elif call.form is not None:
        notes.append(f"{words.form} `" + "&".join(f"{k}={_long_run(v) or v}" for k, v in call.form.items()) + "`")
    elif call.file is not None:
        notes.append(f"{words.file_part} `{_value(call.file)}`")
    elif call.body is not None:
        text += f" {call.body}" if call.body.isprintable() else f" {json.dumps(call.body)}"
        notes.append(words.content_type.format(content_type=call.content_type))
    text += "`"
    if call.token == NO_TOKEN:
        notes.append(words.no_token)
    elif call.token == MADE_UP_TOKEN:
        notes.append(words.made_up_token)
    elif call.token != API:
        notes.append(words.user_token.format(user=call.token))
    if call.times > 1:
        notes.append((words.at_once if call.at_once else words.times).format(times=call.times))
    return text + (_aside(("；" if words.zh else "; ").join(notes), words) if notes else "")


def _aside(text: str, words: Words) -> str:
    """`text` in parentheses after what precedes it: ` (text)`, or `（text）` in Chinese."""
    return f"（{text}）" if words.zh else f" ({text})"


def _plain(text: str) -> str:
    """Catalogue text with its links to pages of Adobe's documentation (relative there, broken here) unlinked."""
    return re.sub(r"\[([^\]]+)\]\((?![a-z]+://)[^)]*\)", r"\1", text)


def _label(name: str, words: Words) -> str:
    """The start of a list item: `- **Message:** ` (`- **消息：**` in Chinese)."""
    colon = words.colon.strip()
    return f"- **{name}{colon}**" + ("" if words.zh else " ")


def _dispositions(spec: ErrorSpec, words: Words) -> Iterator[str]:
    """What to do: per level when the levels differ, then per variant whose message changes it."""
    by_level = {level: spec.disposition_for(level) for level in spec.levels}
    if len(set(by_level.values())) == 1:
        yield _advice(spec.disposition_for(spec.levels[0]), words)
    else:
        for level, disposition in by_level.items():
            yield f"{words.at_level.format(level=words.level_names[level])}{words.colon}{_advice(disposition, words)}"
    for variant in spec.variants:
        if variant.disposition is not None:
            yield f"{words.with_message.format(message=variant.message)}{words.colon}{_advice(variant.disposition, words)}"


def _entry(spec: ErrorSpec, words: Words) -> list[str]:
    zh = words.zh
    recipe = RECIPES[spec.code]
    summary = spec.summary_zh if zh else spec.summary_en
    meaning = _plain((spec.note_zh or spec.summary_zh) if zh else spec.note_en)
    levels = words.comma.join(words.level_names[level] for level in spec.levels)
    if spec.http_status != 200:
        levels += _aside(f"{words.status} {spec.http_status}", words)
    message = f"`{spec.message}`"
    if spec.variants:
        message += (
            ("；" if words.zh else "; ")
            + f"{words.variants} "
            + words.comma.join(f"`{v.message}`{_aside(v.name, words)}" for v in spec.variants)
        )
    dispositions = list(_dispositions(spec, words))
    condition = recipe.condition_zh if zh else recipe.condition_en
    if recipe.fault_plan:
        condition += _aside(words.fault_plan, words)
    lines = [
        f'<a id="{spec.code}"></a>',
        f"### {spec.code} {summary}",
        "",
        f"{_label(words.message, words)}{message}",
        f"{_label(words.levels_label, words)}{levels}",
        f"{_label(words.meaning, words)}{meaning}",
    ]
    if len(dispositions) == 1:
        lines.append(f"{_label(words.to_do, words)}{dispositions[0]}")
    else:
        lines.append(_label(words.to_do, words).rstrip())
        lines.extend(f"  - {line}" for line in dispositions)
    lines.append(f"{_label(words.counts, words)}{words.yes if spec.counts_against_limits else words.no}")
    lines.append(f"{_label(words.emulator, words)}{condition}")
    lines.extend(f"  {i}. {render_call(call, words)}" for i, call in enumerate(recipe.calls, 1))
    return [*lines, ""]


def render(words: Words) -> str:
    """The text of one guide."""
    out = [
        f"<!-- Generated from the error catalogue (src/mkto/errors) and the emulator's recipes "
        f"(src/mkto/emulator/recipes.py) by `{COMMAND}`. Do not edit: change those, then run the script "
        f"again; `{COMMAND} --check` fails while this file is stale. -->",
        f"# {words.title}",
        "",
        words.intro,
        "",
        words.index_head,
    ]
    for spec in CATALOGUE.values():
        summary = spec.summary_zh if words.zh else spec.message
        levels = words.comma.join(words.level_names[level] for level in spec.levels)
        counts = words.yes if spec.counts_against_limits else words.no
        out.append(f"| [{spec.code}](#{spec.code}) | {levels} | {summary} | `{spec.disposition.value}` | {counts} |")
    for level in Level:
        out.extend(["", f"## {words.levels[level]}", ""])
        for spec in (s for s in CATALOGUE.values() if s.levels[0] is level):
            out.extend(_entry(spec, words))
    return "\n".join(out).rstrip("\n") + "\n"


def stale(docs: Path) -> list[Path]:
    """The guides under `docs` that are missing or differ from what `render` writes."""
    found = []
    for words in GUIDES:
        target = docs / words.file
        if not target.is_file() or target.read_text(encoding="utf-8") != render(words):
            found.append(target)
    return found


def _shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="exit 1 when a guide is stale or missing")
    parser.add_argument("--docs", type=Path, default=DOCS, help=f"the directory of the guides ({_shown(DOCS)})")
    args = parser.parse_args(argv)
    docs: Path = args.docs
    if args.check:
        for target in stale(docs):
            state = "stale" if target.is_file() else "missing"
            print(f"{_shown(target)} is {state}: run `{COMMAND}`", file=sys.stderr)
        return 1 if stale(docs) else 0
    for words in GUIDES:
        target = docs / words.file
        text = render(words)
        if not target.is_file() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8")
            print(f"wrote {_shown(target)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

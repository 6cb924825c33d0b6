"""The generated error guides (docs/errors.md, docs/errors.zh-hans.md) and the recipes behind them.

The checked-in guides are the generator's output, and `--check` fails on an edited or a missing copy; every
catalogue code is in both guides with its message; the Chinese README starts the same way as the English one;
and every recipe of `mkto.emulator.recipes` really produces its code: its calls run, in order, against a fresh
emulator over real HTTP, and the answer to the last one carries the code (the run-time code proof of
tests/_code_proof.py also checks every message those answers carry).
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import importlib.util
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

from mkto import errors
from mkto.emulator import Emulator
from mkto.emulator.recipes import API, MADE_UP_TOKEN, NO_TOKEN, RECIPES, Call, Recipe
from tests.conftest import ROOT
from tests.test_every_code_is_tested import CODE_TESTS, FAULT_ONLY

SCRIPT = ROOT / "scripts" / "gen_guides.py"
GUIDES = ("errors.md", "errors.zh-hans.md")


def _generator() -> ModuleType:
    """scripts/gen_guides.py, imported by path (scripts/ is no package)."""
    module = sys.modules.get("gen_guides")
    if module is None:
        spec = importlib.util.spec_from_file_location("gen_guides", SCRIPT)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules["gen_guides"] = module
        spec.loader.exec_module(module)
    return module


GEN = _generator()


def run_script(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True, check=False)


# -- the guides are the generator's output ------------------------------------------------------------------
@pytest.mark.parametrize("words", GEN.GUIDES, ids=lambda words: words.file)
def test_the_checked_in_guide_is_the_generators_output(words: Any) -> None:
    assert (ROOT / "docs" / words.file).read_text(encoding="utf-8") == GEN.render(words)


def test_check_passes_on_the_docs_and_fails_naming_an_edited_or_missing_guide(tmp_path: Path) -> None:
    assert run_script("--check").returncode == 0
    for name in GUIDES:
        shutil.copy(ROOT / "docs" / name, tmp_path / name)
    assert run_script("--check", "--docs", str(tmp_path)).returncode == 0

    edited = tmp_path / "errors.md"
    edited.write_text(edited.read_text(encoding="utf-8").replace("Lead already exists", "Lead exists"), "utf-8")
    result = run_script("--check", "--docs", str(tmp_path))
    assert result.returncode == 1
    assert f"{edited} is stale" in result.stderr and "errors.zh-hans.md" not in result.stderr

    (tmp_path / "errors.zh-hans.md").unlink()
    result = run_script("--check", "--docs", str(tmp_path))
    assert result.returncode == 1 and f"{tmp_path / 'errors.zh-hans.md'} is missing" in result.stderr

    assert run_script("--docs", str(tmp_path)).returncode == 0  # writing repairs both
    assert run_script("--check", "--docs", str(tmp_path)).returncode == 0
    assert [(tmp_path / n).read_bytes() for n in GUIDES] == [(ROOT / "docs" / n).read_bytes() for n in GUIDES]


@pytest.mark.parametrize("name", GUIDES)
def test_every_code_is_in_the_guide_with_its_message_and_its_recipe(name: str) -> None:
    text = (ROOT / "docs" / name).read_text(encoding="utf-8")
    headings = re.findall(r"^### (\d{3,4}) ", text, flags=re.MULTILINE)
    assert headings == [code for level in errors.Level for code, s in errors.CATALOGUE.items() if s.levels[0] is level]
    assert sorted(headings, key=int) == sorted(errors.CATALOGUE, key=int)
    for code, spec in errors.CATALOGUE.items():
        entry = text.split(f"\n### {code} ", 1)[1].split("\n### ", 1)[0]
        assert f"`{spec.message}`" in entry, code
        assert all(f"`{variant.message}`" in entry for variant in spec.variants), code
        assert f"`{spec.disposition_for(spec.levels[0]).value}`" in entry, code
        assert all(f"`{call.method} {call.path}" in entry for call in RECIPES[code].calls), code


@pytest.mark.parametrize("name", [*(f"docs/{n}" for n in GUIDES), "README.zh-hans.md"])
def test_every_link_resolves(name: str) -> None:
    path = ROOT / name
    text = path.read_text(encoding="utf-8")
    anchors = set(re.findall(r'<a id="([^"]+)"></a>', text))
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if target.startswith("#"):
            assert target[1:] in anchors, f"{name}: no anchor {target}"
        else:
            assert "://" not in target and (path.parent / target).is_file(), f"{name}: {target} is not a file here"


def test_both_guides_name_the_terminal_form() -> None:
    for name in GUIDES:
        assert "`mkto errors --lang zh`" in (ROOT / "docs" / name).read_text(encoding="utf-8")


def quick_start(readme: str) -> list[str]:
    return re.findall(r"```sh\n(.*?)\n```", readme, flags=re.S)[:2]


def test_the_chinese_readme_has_the_english_quick_start_and_links_the_guides() -> None:
    english = (ROOT / "README.md").read_text(encoding="utf-8")
    chinese = (ROOT / "README.zh-hans.md").read_text(encoding="utf-8")
    assert quick_start(chinese) == quick_start(english)
    assert quick_start(english) == ["pip install -e . && mkto serve", 'pip install -e ".[dev]" && pytest']
    assert "(docs/errors.zh-hans.md)" in chinese and "(README.md)" in chinese
    head = english.split("\n## ", 1)[0]
    assert "(README.zh-hans.md)" in head and "(docs/errors.md)" in head


# -- the recipes ---------------------------------------------------------------------------------------------
def test_every_code_has_a_recipe_and_only_the_fault_only_codes_need_a_fault_plan() -> None:
    assert list(RECIPES) == list(errors.CATALOGUE)
    assert {code for code, recipe in RECIPES.items() if recipe.fault_plan} == FAULT_ONLY
    assert set(RECIPES) <= set(CODE_TESTS)  # every recipe's code is one the run-time code proof proves
    for recipe in RECIPES.values():
        assert recipe.condition_en and recipe.condition_zh and recipe.calls, recipe.code


def codes_in(answer: httpx.Response) -> set[str]:
    """The codes an answer carries: a status other than 200, and every `{"code", "message"}` in its JSON."""
    found = {str(answer.status_code)} if answer.status_code != 200 else set()
    try:
        stack: list[Any] = [answer.json()]
    except ValueError:
        return found
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            if "code" in value and "message" in value:
                found.add(str(value["code"]))
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return found


class RecipeRunner:
    """Sends a recipe's calls as the guide describes them: tokens, placeholders, repeats."""

    def __init__(self, emu: Emulator, http: httpx.Client) -> None:
        self.emu = emu
        self.http = http
        self.secrets = {emu.client_id: emu.client_secret}
        self.tokens: dict[str, str] = {}
        self.kept: dict[str, Any] = {}  # the fields of the latest answers' first result

    def token(self, who: str) -> str | None:
        if who == NO_TOKEN:
            return None
        if who == MADE_UP_TOKEN:
            return "not-a-token-this-instance-issued"
        client_id = self.emu.client_id if who == API else who
        if client_id not in self.tokens:
            params = {
                "grant_type": "client_credentials",
                "client_id": client_id,
                "client_secret": self.secrets[client_id],
            }
            answer = self.http.get("/identity/oauth/token", params=params)
            assert answer.status_code == 200, answer.text
            self.tokens[client_id] = answer.json()["access_token"]
        return self.tokens[client_id]

    def fill(self, text: str, n: int) -> str:
        for name, value in {**self.kept, "n": n}.items():
            text = text.replace("{" + name + "}", str(value))
        assert not re.search(r"\{[A-Za-z]\w*\}", text), f"a placeholder no answer filled: {text[:200]}"
        return text

    def send(self, call: Call, n: int) -> httpx.Response:
        headers: dict[str, str] = {}
        token = None if call.path.startswith(("/_mkto/", "/identity/")) else self.token(call.token)
        if token:
            headers["Authorization"] = f"Bearer {token}"
        request: dict[str, Any] = {}
        if call.json is not None:
            request["content"] = self.fill(json.dumps(call.json), n).encode()
            headers["Content-Type"] = "application/json"
        elif call.form is not None:
            request["data"] = {key: self.fill(value, n) for key, value in call.form.items()}
        elif call.file is not None:
            request["files"] = {"file": ("leads.csv", self.fill(call.file, n).encode(), "text/csv")}
        elif call.body is not None:
            request["content"] = self.fill(call.body, n).encode()
            headers["Content-Type"] = call.content_type or ""
        if call.method == "POST" and call.path == "/_mkto/users":
            self.secrets[call.json["client_id"]] = call.json["client_secret"]
        answer = self.http.request(call.method, self.fill(call.path, n), headers=headers, **request)
        self.keep(answer)
        return answer

    def keep(self, answer: httpx.Response) -> None:
        try:
            body = answer.json()
        except ValueError:  # an nginx page, an OAuth body is JSON but has no result
            return
        result = body.get("result") if isinstance(body, dict) else None
        if isinstance(result, list) and result and isinstance(result[0], dict):
            self.kept.update({k: v for k, v in result[0].items() if isinstance(v, str | int)})

    def run(self, call: Call) -> list[httpx.Response]:
        if call.at_once:
            with concurrent.futures.ThreadPoolExecutor(call.times) as pool:
                return list(pool.map(lambda n: self.send(call, n), range(1, call.times + 1)))
        return [self.send(call, n) for n in range(1, call.times + 1)]


@dataclasses.dataclass
class Produced:
    """What a recipe's run got: the codes its last call's answers carry (any of them, for calls sent at once),
    those answers, and the codes of the request log's entries a fault plan answered."""

    codes: set[str]
    last: list[httpx.Response]
    by_fault: set[str]


def produce(recipe: Recipe) -> Produced:
    """Run `recipe` on a fresh emulator."""
    with Emulator() as emu, httpx.Client(base_url=emu.base_url.removesuffix("/rest"), timeout=30) as http:
        runner = RecipeRunner(emu, http)
        runner.token(API)  # a caller's first step; a recipe may then lower the URI cap below the token call's
        answers: list[httpx.Response] = []
        for call in recipe.calls:
            answers = runner.run(call)
        last = answers if recipe.calls[-1].at_once else answers[-1:]
        log = http.get("/_mkto/requests", params={"limit": 1000}).json()["requests"]
        by_fault = {str(e["code"]).removeprefix("http:") for e in log if e.get("fault") is not None and e.get("code")}
        return Produced(set().union(*(codes_in(answer) for answer in last)), last, by_fault)


@pytest.mark.parametrize("code", list(RECIPES))
def test_the_recipe_produces_its_code_on_a_fresh_emulator(code: str) -> None:
    recipe = RECIPES[code]
    produced = produce(recipe)
    last = produced.last
    assert code in produced.codes, (
        f"{code}: the last call answered {[a.status_code for a in last]} {last[-1].text[:300]}"
    )
    assert (code in produced.by_fault) is recipe.fault_plan  # only a fault-plan recipe gets its code from a plan


def test_a_recipe_that_does_not_set_up_its_condition_fails_the_check() -> None:
    without_limit = Recipe("606", "", "", RECIPES["606"].calls[1:])  # four calls, but the default window of 100
    assert "606" not in produce(without_limit).codes

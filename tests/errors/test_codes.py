"""The per-code exception classes: literal, importable by name, generated from the catalogue and kept fresh."""

from __future__ import annotations

import ast
import importlib.util
import json
import shutil
import sys
from pathlib import Path
from types import ModuleType

import pytest

import mkto.errors
from mkto import errors
from mkto.errors import Error606, Error1029, Error1080, Level, parse_response

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src"
GENERATED = SRC / "mkto" / "errors" / "_codes.py"
JSON = {"Content-Type": "application/json;charset=UTF-8"}


def gen_errors() -> ModuleType:
    """scripts/gen_errors.py, imported by path (scripts/ is no package)."""
    module = sys.modules.get("gen_errors")
    if module is None:
        spec = importlib.util.spec_from_file_location("gen_errors", ROOT / "scripts" / "gen_errors.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules["gen_errors"] = module
        spec.loader.exec_module(module)
    return module


def failure(code: str, message: str) -> bytes:
    body = {"requestId": "e42b#14272d07d78", "success": False, "errors": [{"code": code, "message": message}]}
    return json.dumps(body).encode()


@pytest.mark.parametrize(
    ("cls", "code", "message"),
    [
        (Error606, "606", "Max rate limit '100' exceeded with in '20' secs"),
        (Error1029, "1029", "Too many jobs in queue"),
        (Error1080, "1080", "Merge Leads call exceeded the limit of 25 ids in leadIds"),
    ],
)
def test_classes_import_by_name_and_are_what_parse_response_raises(
    cls: type[errors.MarketoError], code: str, message: str
) -> None:
    assert cls is errors.CODE_CLASSES[code] is errors.error_class(code)
    with pytest.raises(cls) as caught:
        parse_response(200, JSON, failure(code, message))
    assert type(caught.value) is cls
    assert caught.value.code == code
    assert str(caught.value) == f"[requestId e42b#14272d07d78] {code} {message}"
    assert caught.value.spec is errors.get(code)


def test_a_variant_with_its_own_disposition_is_still_caught_by_its_code_class() -> None:
    with pytest.raises(Error1029) as caught:
        parse_response(200, JSON, failure("1029", "Export daily quota 500MB exceeded."))
    assert isinstance(caught.value, errors.QuotaExhausted)
    assert caught.value.resets_at is not None


def test_every_catalogue_code_has_a_literal_class_exported_by_name() -> None:
    tree = ast.parse(GENERATED.read_text(encoding="utf-8"))
    literal = {node.name for node in tree.body if isinstance(node, ast.ClassDef)}
    assert literal == {f"Error{code}" for code in errors.CATALOGUE}
    assert list(errors.CODE_CLASSES) == list(errors.CATALOGUE)
    for code, spec in errors.CATALOGUE.items():
        cls = getattr(mkto.errors, f"Error{code}")
        assert cls.__name__ in mkto.errors.__all__
        assert cls is errors.CODE_CLASSES[code]
        assert cls.__module__ == "mkto.errors._codes"
        assert cls.__doc__ == f"{code}: {spec.summary_en}. {spec.note_en}"
        level = spec.levels[0] if spec.levels[0] is not Level.RECORD else Level.RESPONSE
        assert cls.__bases__ == (errors.base_for(spec.disposition_for(level)),), code


def test_generated_module_says_what_made_it_and_is_fresh() -> None:
    head = GENERATED.read_text(encoding="utf-8").splitlines()[:3]
    assert head[0].startswith("# Generated from the error catalogue")
    assert "python scripts/gen_errors.py" in " ".join(head)
    assert "Do not edit" in " ".join(head)
    gen = gen_errors()
    assert gen.is_fresh()
    assert gen.main(["--check"]) == 0


def test_check_fails_on_a_stale_or_missing_copy_and_a_run_repairs_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gen = gen_errors()
    stale = tmp_path / "_codes.py"
    stale.write_text(GENERATED.read_text(encoding="utf-8").replace("class Error606(RateLimited)", "class Error606(CallerError)"))
    assert not gen.is_fresh(stale)
    assert gen.main(["--check", "--output", str(stale)]) == 1
    assert str(stale) in capsys.readouterr().err
    missing = tmp_path / "absent.py"
    assert gen.main(["--check", "--output", str(missing)]) == 1
    assert gen.main(["--output", str(stale)]) == 0
    assert stale.read_text(encoding="utf-8") == GENERATED.read_text(encoding="utf-8")
    assert gen.main(["--check", "--output", str(stale)]) == 0


def test_the_generator_reads_the_catalogue(tmp_path: Path) -> None:
    gen = gen_errors()
    copy = tmp_path / "errors"
    shutil.copytree(GENERATED.parent, copy, ignore=shutil.ignore_patterns("__pycache__"))
    entries = copy / "_entries.py"
    original = "split larger merges into several calls."
    assert original in entries.read_text(encoding="utf-8")
    entries.write_text(entries.read_text(encoding="utf-8").replace(original, "split them."))
    (copy / "_codes.py").write_text("this is not python\n")  # a broken generated module never stops the script
    text = gen.render(copy)
    assert "split them." in text
    assert text != gen.render()
    assert not gen.is_fresh(GENERATED, copy)


def test_mypy_sees_the_classes_by_name(tmp_path: Path) -> None:
    api = pytest.importorskip("mypy.api")
    good = tmp_path / "uses_codes.py"
    good.write_text(
        "import datetime as dt\n"
        "from mkto.errors import Error607, Error1029, QuotaExhausted\n"
        "\n"
        "def on_queue(err: Error1029) -> dt.datetime | None:\n"
        "    code: str | None = err.code\n"
        "    assert code == '1029'\n"
        "    if isinstance(err, QuotaExhausted):\n"
        "        return err.resets_at\n"
        "    return None\n"
        "\n"
        "def on_quota(err: Error607) -> dt.datetime | None:\n"
        "    return err.resets_at\n"
        "\n"
        "try:\n"
        "    pass\n"
        "except Error1029 as caught:\n"
        "    when: dt.datetime | None = on_queue(caught)\n"
    )
    bad = tmp_path / "misspelled.py"
    bad.write_text("from mkto.errors import Error9999\n")
    config = tmp_path / "mypy.ini"
    # mkto/__init__ names the client for type checkers only; skip it, this is about mkto.errors.
    config.write_text(
        f"[mypy]\nstrict = True\nmypy_path = {SRC}\n\n"
        "[mypy-mkto.client]\nfollow_imports = skip\n\n[mypy-mkto.client.*]\nfollow_imports = skip\n"
    )
    out, err, status = api.run(
        ["--config-file", str(config), "--cache-dir", str(tmp_path / "cache"), "--no-error-summary", str(good), str(bad)]
    )
    lines = [line for line in out.splitlines() if line.strip()]
    assert [line for line in lines if line.startswith(str(good))] == [], out + err
    assert any(line.startswith(str(bad)) and "Error9999" in line for line in lines), out + err
    assert status == 1

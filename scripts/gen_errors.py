"""Write `src/mkto/errors/_codes.py`: one literal exception class per catalogue code.

    python scripts/gen_errors.py           # rewrite the module from the catalogue
    python scripts/gen_errors.py --check   # exit 1 (naming the file) when it is stale, 0 when fresh

Each code gets `class ErrorNNN(<base>)`, the base being the one `base_for` names for the code's disposition
at its first non-record level, and the docstring "NNN: <summary>. <note>" from the catalogue. The classes
are literal (not built at import time) so `from mkto.errors import Error1029` works and mypy and IDEs see
them.

The catalogue and the bases are loaded from their source files under a private package name, without
running `mkto/errors/__init__.py` (which imports the generated module): a stale or broken `_codes.py`
never stops this script from rewriting it.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.machinery
import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
ERRORS_DIR = ROOT / "src" / "mkto" / "errors"
TARGET = ERRORS_DIR / "_codes.py"
COMMAND = "python scripts/gen_errors.py"
_PACKAGE = "_mkto_errors_for_gen"

HEADER = f'''\
# Generated from the error catalogue (src/mkto/errors/_entries.py) and the exception bases
# (src/mkto/errors/_exceptions.py) by `{COMMAND}`. Do not edit: change the catalogue,
# then run the script again. `{COMMAND} --check` fails while this file is stale.
"""One exception class per catalogue code, each under the base its disposition names.

Literal classes, so `from mkto.errors import Error606` works and type checkers see every code;
`CODE_CLASSES` maps each code to its class, in catalogue order.
"""

from __future__ import annotations

'''


def _load(errors_dir: Path) -> tuple[ModuleType, ModuleType]:
    """The `_catalogue` and `_exceptions` modules of `errors_dir`, imported without the package's `__init__`."""
    package = sys.modules.get(_PACKAGE)
    if package is None or list(package.__path__) != [str(errors_dir)]:
        for name in [n for n in sys.modules if n == _PACKAGE or n.startswith(_PACKAGE + ".")]:
            del sys.modules[name]
        spec = importlib.machinery.ModuleSpec(_PACKAGE, None, is_package=True)
        spec.submodule_search_locations = [str(errors_dir)]
        package = importlib.util.module_from_spec(spec)
        sys.modules[_PACKAGE] = package
    return importlib.import_module(f"{_PACKAGE}._catalogue"), importlib.import_module(f"{_PACKAGE}._exceptions")


def _docstring(text: str) -> str:
    """`text` as a docstring literal: triple-quoted when that is exact, else its repr."""
    if "\\" in text or '"""' in text or text.endswith('"') or "\n" in text:
        return repr(text)
    return f'"""{text}"""'


def render(errors_dir: Path = ERRORS_DIR) -> str:
    """The text `_codes.py` must have for the catalogue in `errors_dir`."""
    catalogue, exceptions = _load(errors_dir)
    level_cls: Any = catalogue.Level
    classes: list[tuple[str, str, str, str]] = []  # (code, class name, base name, docstring)
    for code, spec in catalogue.CATALOGUE.items():
        level = spec.levels[0] if spec.levels[0] is not level_cls.RECORD else level_cls.RESPONSE
        base = exceptions.base_for(spec.disposition_for(level)).__name__
        classes.append((code, f"Error{code}", base, f"{code}: {spec.summary_en}. {spec.note_en}"))

    bases = sorted({base for _, _, base, _ in classes} | {"MarketoError"}, key=str.lower)
    out = [HEADER, "from ._exceptions import (\n", *(f"    {b},\n" for b in bases), ")\n\n"]
    out.append("__all__ = [\n")
    out.extend(f'    "{name}",\n' for _, name, _, _ in classes)
    out.append("]\n")
    for _, name, base, doc in classes:
        out.append(f"\n\nclass {name}({base}):\n    {_docstring(doc)}\n")
    out.append("\n\nCODE_CLASSES: dict[str, type[MarketoError]] = {\n")
    out.extend(f'    "{code}": {name},\n' for code, name, _, _ in classes)
    out.append("}\n")
    return "".join(out)


def is_fresh(target: Path = TARGET, errors_dir: Path = ERRORS_DIR) -> bool:
    """Whether `target` holds exactly what `render` writes."""
    try:
        return target.read_text(encoding="utf-8") == render(errors_dir)
    except FileNotFoundError:
        return False


def _shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="exit 1 when the generated file is stale")
    parser.add_argument("--output", type=Path, default=TARGET, help=f"the file to write or check ({_shown(TARGET)})")
    args = parser.parse_args(argv)
    target: Path = args.output
    if args.check:
        if is_fresh(target):
            return 0
        print(f"{_shown(target)} is stale: run `{COMMAND}`", file=sys.stderr)
        return 1
    text = render()
    if not target.is_file() or target.read_text(encoding="utf-8") != text:
        target.write_text(text, encoding="utf-8")
        print(f"wrote {_shown(target)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

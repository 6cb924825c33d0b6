"""Rules of the house: errors depends on nothing; client and emulator never import each other; an emulator area
imports the core and `_common`, never another area's private modules, and `_common` imports no area; the core's
own packages (`_state`) import no area and no area imports them; areas do not import each other in a cycle; every area has the same files; no source file grows past MAX_LINES.

Each rule is a function over a source tree, so the tests below also run it on a small tree built to break it.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "mkto"

MAX_LINES = 600


def module_name(source: Path, root: Path) -> str:
    """The dotted name of `source` in the tree whose top package is the directory `root` (`mkto`)."""
    parts = [root.name, *source.relative_to(root).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(source: Path, root: Path) -> Iterator[str]:
    """Every module `source` imports, relative imports resolved against its package. `from a import b` yields
    `a` and `a.b` (b may be a module), so `from . import _model` is seen as the module it names."""
    name = module_name(source, root)
    package = name.split(".") if source.name == "__init__.py" else name.split(".")[:-1]
    for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            yield module
            yield from (f"{module}.{alias.name}" for alias in node.names if alias.name != "*")


def imported_modules(package: Path, root: Path = SRC) -> list[tuple[Path, str]]:
    return [(source, module) for source in sorted(package.rglob("*.py")) for module in imports_of(source, root)]


def _is_within(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def cross_imports(package: Path, forbidden: str, root: Path = SRC) -> list[str]:
    """`package`'s imports of `forbidden` (absolute or relative), as "path imports module"."""
    found = imported_modules(package, root)
    return [f"{p.relative_to(root).as_posix()} imports {m}" for p, m in found if _is_within(m, forbidden)]


@pytest.mark.parametrize(("package", "forbidden"), [("client", "mkto.emulator"), ("emulator", "mkto.client")])
def test_client_and_emulator_never_import_each_other(package: str, forbidden: str) -> None:
    root = SRC / package
    assert root.is_dir()
    assert cross_imports(root, forbidden) == []


# --- the emulator's areas -------------------------------------------------------------------------------------

COMMON = "_common"
CORE_PACKAGES = frozenset({"_state"})  # packages of the core itself (the state backend), not areas


def areas(emulator: Path) -> list[str]:
    """The area packages of an emulator tree: every subpackage but the shared floor and the core's own."""
    return sorted(
        p.name
        for p in emulator.iterdir()
        if (p / "__init__.py").is_file() and p.name != COMMON and p.name not in CORE_PACKAGES
    )


def area_import_offences(emulator: Path, root: Path) -> list[str]:
    """Imports of another area's private module (`<emulator>.<area>._x` from outside `<area>`), and any import
    of an area from `_common`."""
    prefix = module_name(emulator / "__init__.py", root)
    names = areas(emulator)
    offences = []
    for source, module in imported_modules(emulator, root):
        if not _is_within(module, prefix) or module == prefix:
            continue
        target = module[len(prefix) + 1 :].split(".")
        inside = source.relative_to(emulator).parts
        home = inside[0] if len(inside) > 1 else None  # None: a core module (`_params.py`, ...)
        where = source.relative_to(root.parent)
        if home in (COMMON, *CORE_PACKAGES) and target[0] in names:
            offences.append(f"{where} ({home}) imports the area module {module}")
        elif home in names and target[0] in CORE_PACKAGES:
            offences.append(f"{where} imports {module}, the core's {target[0]} (areas reach state through the call)")
        elif target[0] in names and target[0] != home and any(part.startswith("_") for part in target[1:]):
            offences.append(f"{where} imports {module}, private to the {target[0]} area")
    return sorted(set(offences))


def area_cycles(emulator: Path, root: Path) -> list[list[str]]:
    """Cycles in the graph "area A imports area B" (any module of B, public or not)."""
    prefix = module_name(emulator / "__init__.py", root)
    names = set(areas(emulator))
    edges: dict[str, set[str]] = {name: set() for name in names}
    for source, module in imported_modules(emulator, root):
        inside = source.relative_to(emulator).parts
        if len(inside) < 2 or inside[0] not in names or not _is_within(module, prefix) or module == prefix:
            continue
        target = module[len(prefix) + 1 :].split(".")[0]
        if target in names and target != inside[0]:
            edges[inside[0]].add(target)
    cycles: list[list[str]] = []

    def visit(node: str, path: list[str]) -> None:
        for nxt in sorted(edges[node]):
            if nxt in path:
                cycles.append([*path[path.index(nxt) :], nxt])
            elif nxt > path[0]:  # each cycle once, from its smallest area
                visit(nxt, [*path, nxt])

    for name in sorted(names):
        visit(name, [name])
    return [c for c in cycles if c[0] == min(c)]


def test_no_area_imports_another_areas_private_modules() -> None:
    assert area_import_offences(SRC / "emulator", SRC) == []


def test_areas_do_not_import_each_other_in_a_cycle() -> None:
    assert area_cycles(SRC / "emulator", SRC) == []


def test_the_emulator_has_areas_and_a_shared_floor() -> None:
    assert {"leads", "bulk", "crm", "customobjects"} <= set(areas(SRC / "emulator"))
    assert (SRC / "emulator" / COMMON / "__init__.py").is_file()


AREA_FILES = ("__init__.py", "_routes.py", "_model.py", "_tables.py")  # `_model` may be a package


def missing_area_files(emulator: Path) -> list[str]:
    """Every area has an endpoint table and setup (`__init__`), routes, a model and its own tables module."""
    missing = []
    for area in areas(emulator):
        for name in AREA_FILES:
            package = emulator / area / name.removesuffix(".py") / "__init__.py"
            if not (emulator / area / name).is_file() and not (name == "_model.py" and package.is_file()):
                missing.append(f"{area}/{name}")
    return missing


def test_every_area_has_the_same_files() -> None:
    assert missing_area_files(SRC / "emulator") == []


def test_every_shared_module_says_what_it_is_for() -> None:
    for source in sorted((SRC / "emulator" / COMMON).rglob("*.py")):
        assert ast.get_docstring(ast.parse(source.read_text(encoding="utf-8"))), source.relative_to(SRC)


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "pkg"
    for name, text in {"__init__.py": "", "emu/__init__.py": "", **files}.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"emu/b/__init__.py": "from ..a import _model\n"}, "pkg/emu/b/__init__.py imports pkg.emu.a._model, private"),
        ({"emu/b/_x.py": "from ..a._model import Thing\n"}, "pkg/emu/b/_x.py imports pkg.emu.a._model, private"),
        ({"emu/b/_x.py": "from pkg.emu.a import _model\n"}, "pkg/emu/b/_x.py imports pkg.emu.a._model, private"),
        ({"emu/b/_x.py": "import pkg.emu.a._model\n"}, "pkg/emu/b/_x.py imports pkg.emu.a._model, private"),
        ({"emu/_core.py": "from .a._model import Thing\n"}, "pkg/emu/_core.py imports pkg.emu.a._model, private"),
        ({"emu/_common/v.py": "from ..a import Thing\n"}, "pkg/emu/_common/v.py (_common) imports the area module"),
        ({"emu/_state/v.py": "from ..a import Thing\n"}, "pkg/emu/_state/v.py (_state) imports the area module"),
        ({"emu/b/_x.py": "from .._state import v\n"}, "pkg/emu/b/_x.py imports pkg.emu._state, the core's _state"),
    ],
)
def test_the_area_rule_catches_absolute_and_relative_imports(
    tmp_path: Path, files: dict[str, str], expected: str
) -> None:
    root = _tree(tmp_path, {"emu/a/__init__.py": "from ._model import Thing\n", "emu/a/_model.py": "Thing = 1\n",
                            "emu/b/__init__.py": "", "emu/_common/__init__.py": "", **files})  # fmt: skip
    offences = area_import_offences(root / "emu", root)
    assert offences, "the rule missed the import"
    assert offences[0].startswith(expected), offences


def test_the_area_rule_allows_public_names_own_modules_and_common(tmp_path: Path) -> None:
    root = _tree(tmp_path, {
        "emu/a/__init__.py": "from ._model import Thing\nfrom pkg.emu.a import _routes\n",
        "emu/a/_model.py": "from .._common import values\nfrom ..b import Public\n", "emu/a/_routes.py": "",
        "emu/b/__init__.py": "Public = 1\n", "emu/_common/__init__.py": "", "emu/_common/values.py": "from .. import _x\n",
        "emu/_x.py": "",
    })  # fmt: skip
    assert area_import_offences(root / "emu", root) == []


def test_the_same_files_rule_finds_a_missing_file(tmp_path: Path) -> None:
    files = {f"emu/a/{name}": "" for name in AREA_FILES} | {"emu/b/__init__.py": "", "emu/b/_model/__init__.py": ""}
    root = _tree(tmp_path, {**files, "emu/b/_routes.py": "", "emu/_common/__init__.py": ""})
    assert missing_area_files(root / "emu") == ["b/_tables.py"]


def test_the_cycle_rule_finds_a_cycle(tmp_path: Path) -> None:
    root = _tree(tmp_path, {"emu/a/__init__.py": "from ..b import x\n", "emu/b/__init__.py": "from ..c import y\n",
                            "emu/c/__init__.py": "from pkg.emu.a import z\n", "emu/d/__init__.py": "from ..a import z\n"})  # fmt: skip
    assert area_cycles(root / "emu", root) == [["a", "b", "c", "a"]]


def test_relative_imports_are_resolved_against_the_importing_package(tmp_path: Path) -> None:
    root = _tree(tmp_path, {"emu/a/_m.py": "from ..b import c\nfrom . import d\nfrom .e import f\nimport g\n"})
    found = set(imports_of(root / "emu" / "a" / "_m.py", root))
    assert {"pkg.emu.b", "pkg.emu.b.c", "pkg.emu.a", "pkg.emu.a.d", "pkg.emu.a.e", "pkg.emu.a.e.f", "g"} == found
    client = _tree(tmp_path / "x", {"client/__init__.py": "", "client/_m.py": "from ..emu import Thing\n"})
    assert cross_imports(client / "client", "pkg.emu", client) == [
        "client/_m.py imports pkg.emu", "client/_m.py imports pkg.emu.Thing",
    ]  # fmt: skip


def test_the_client_emulator_rule_catches_a_relative_import_from_inside_the_emulator(tmp_path: Path) -> None:
    root = _tree(tmp_path, {"emu/__init__.py": "", "emu/leads/_x.py": "from ...client import Client\n",
                            "emu/_y.py": "from .. import client\n", "client/__init__.py": ""})  # fmt: skip
    assert cross_imports(root / "emu", "pkg.client", root) == [
        "emu/_y.py imports pkg.client", "emu/leads/_x.py imports pkg.client",
        "emu/leads/_x.py imports pkg.client.Client",
    ]  # fmt: skip


# --- file size ------------------------------------------------------------------------------------------------


def oversized(root: Path, limit: int = MAX_LINES) -> list[str]:
    """Source files over `limit` lines (none is allowed: a model that grows is split by concern)."""
    found = []
    for source in sorted(root.rglob("*.py")):
        name = source.relative_to(root).as_posix()
        lines = len(source.read_text(encoding="utf-8").splitlines())
        if lines > limit:
            found.append(f"{name}: {lines} lines")
    return found


def test_no_source_file_is_over_max_lines() -> None:
    assert oversized(SRC) == []


def test_the_size_rule_catches_a_long_file(tmp_path: Path) -> None:
    root = _tree(tmp_path, {"emu/a/_model.py": "x = 1\n" * (MAX_LINES + 1), "emu/a/_ok.py": "x = 1\n" * MAX_LINES})
    assert oversized(root) == [f"emu/a/_model.py: {MAX_LINES + 1} lines"]


# --- messages and lazy exports ---------------------------------------------------------------------------------


def string_literals(source: Path) -> list[str]:
    """Every string constant of a module that is not a docstring."""
    tree = ast.parse(source.read_text(encoding="utf-8"))
    docstrings = {
        id(node.value) for node in ast.walk(tree) if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
    }
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
    ]


def test_error_messages_live_only_in_the_catalogue() -> None:
    # A handful of distinctive runtime messages: no code outside the catalogue may spell them.
    messages = ["Access token invalid", "Max rate limit", "Concurrent access limit", "Daily quota reached",
                "Lead already exists", "Too many results match the filter", "Requested resource not found"]
    for source in SRC.rglob("*.py"):
        if source.parent.name == "errors":
            continue
        for literal in string_literals(source):
            for message in messages:
                assert message not in literal, f"{source.relative_to(SRC)} spells the catalogue message {message!r}"


def test_top_level_exports_the_clients_lazily() -> None:
    import subprocess
    import sys

    import mkto
    from mkto.client import AsyncClient, Client

    assert mkto.Client is Client
    assert mkto.AsyncClient is AsyncClient
    probe = "import sys, mkto.emulator; print('mkto.client' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.strip() == "False"

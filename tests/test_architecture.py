"""The layering, read from the source with `ast`: extract/ is the pure pipeline (never bot/, telegram or
sqlalchemy, not even inside a function), no import cycle between the packages of the layering nor
between any two modules (an import inside a function counts: it hides a cycle, it does not break it), and
no module past 400 lines in extract/ bot/ bench/ scripts/ (tests and generated data, which are not .py
files there, are not counted)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT

MAX_LINES = 400
FORBIDDEN_IN_EXTRACT = ("bot", "telegram", "sqlalchemy")
SIZE_CHECKED = ("extract", "bot", "bench", "scripts")


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path, root: Path) -> Iterator[tuple[str, int]]:
    """(absolute module name, line) of every import in the file, at any depth; relative ones resolved."""
    name = module_name(path, root)
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            yield module, node.lineno
            for alias in node.names:  # `from extract import places` imports extract.places
                yield f"{module}.{alias.name}", node.lineno


def layer(module: str) -> str:
    """The unit of the layering: a subpackage (extract.places, bot.render) or a top-level module
    (extract.models, bot.service)."""
    return ".".join(module.split(".")[:2])


def package_graph(root: Path, packages: tuple[str, ...]) -> dict[str, set[str]]:
    modules = {module_name(p, root): p for pkg in packages for p in (root / pkg).rglob("*.py")}
    known = {layer(m) for m in modules}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        for target, _line in imports_of(path, root):
            a, b = layer(name), layer(target)
            if target.split(".")[0] in packages and b in known and a != b:
                graph.setdefault(a, set()).add(b)
    return graph


def module_graph(root: Path, packages: tuple[str, ...]) -> dict[str, set[str]]:
    """Module -> the project's modules it imports (a package's __init__ is a module of its own)."""
    modules = {module_name(p, root): p for pkg in packages for p in (root / pkg).rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        for target, _line in imports_of(path, root):
            if target in modules and target != name:
                graph.setdefault(name, set()).add(target)
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle as [a, b, ..., a], or None (depth-first search with colours)."""
    state: dict[str, int] = {}  # 1 on the stack, 2 done
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def forbidden_imports(root: Path, package: str, forbidden: tuple[str, ...]) -> list[str]:
    return [
        f"{path.relative_to(root)}:{line} imports {target}"
        for path in sorted((root / package).rglob("*.py"))
        for target, line in imports_of(path, root)
        if target.split(".")[0] in forbidden
    ]


def oversized(root: Path, folders: tuple[str, ...], limit: int = MAX_LINES) -> list[str]:
    found = []
    for folder in folders:
        for path in sorted((root / folder).rglob("*.py")):
            lines = len(path.read_text(encoding="utf-8").splitlines())
            if lines > limit:
                found.append(f"{path.relative_to(root)}: {lines} lines")
    return found


# -- the project ---------------------------------------------------------------------------------------
def test_extract_never_imports_bot_telegram_or_sqlalchemy() -> None:
    assert forbidden_imports(ROOT, "extract", FORBIDDEN_IN_EXTRACT) == []


def test_no_import_cycle_between_the_packages_of_the_layering() -> None:
    graph = package_graph(ROOT, ("extract", "bot"))
    assert "extract.pipeline" in graph and "bot.service" in graph  # the graph really was read
    assert find_cycle(graph) is None
    assert not any(
        b.startswith("bot") for a, targets in graph.items() if a.startswith("extract") for b in targets
    )


def test_no_import_cycle_between_modules() -> None:
    graph = module_graph(ROOT, ("extract", "bot"))
    assert "extract.figures.cues" in graph["extract.figures.kinds"]  # the graph really was read
    assert find_cycle(graph) is None


def test_no_module_grows_past_400_lines() -> None:
    assert oversized(ROOT, SIZE_CHECKED) == []


# -- the checks themselves catch what they are meant to catch ------------------------------------------
@pytest.fixture
def toy(tmp_path: Path) -> Path:
    files = {
        "extract/__init__.py": "",
        "extract/models.py": "X = 1\n",
        "extract/text/__init__.py": "",
        "extract/text/a.py": "from ..models import X\n\ndef f():\n    import sqlalchemy.orm\n    return X\n",
        "extract/places/__init__.py": "from . import b\n",
        "extract/places/b.py": "def g():\n    from extract.text import a\n    return a\n",
        "bot/__init__.py": "",
        "bot/service.py": "from extract.places import b\nfrom telegram import Bot\n",
        "bot/render/__init__.py": "from bot import service\n",
    }
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    return tmp_path


def test_function_level_and_relative_imports_are_seen(toy: Path) -> None:
    assert forbidden_imports(toy, "extract", FORBIDDEN_IN_EXTRACT) == [
        "extract/text/a.py:4 imports sqlalchemy.orm"
    ]
    assert ("extract.models", 1) in list(imports_of(toy / "extract/text/a.py", toy))
    assert ("extract.places.b", 1) in list(imports_of(toy / "extract/places/__init__.py", toy))


def test_a_cycle_is_found(toy: Path) -> None:
    graph = package_graph(toy, ("extract", "bot"))
    assert graph["bot.render"] == {"bot", "bot.service"}  # `from bot import service` runs bot/__init__ too
    assert find_cycle(graph) is None
    (toy / "extract/text/a.py").write_text("from extract.places import b\n", encoding="utf-8")
    assert find_cycle(package_graph(toy, ("extract", "bot"))) == [
        "extract.places",
        "extract.text",
        "extract.places",
    ]


def test_a_cycle_between_modules_of_one_package_is_found(toy: Path) -> None:
    (toy / "extract/text/c.py").write_text("def h():\n    from extract.text.a import f\n", encoding="utf-8")
    assert find_cycle(module_graph(toy, ("extract", "bot"))) is None
    # a.py imports c.py, which imports a.py back inside a function: the packages see no cycle, the modules do
    (toy / "extract/text/a.py").write_text("from extract.text import c\n", encoding="utf-8")
    assert find_cycle(package_graph(toy, ("extract", "bot"))) is None
    cycle = find_cycle(module_graph(toy, ("extract", "bot")))
    assert cycle == ["extract.text.a", "extract.text.c", "extract.text.a"]


def test_a_long_module_is_found(toy: Path) -> None:
    (toy / "bot/service.py").write_text("x = 1\n" * 401, encoding="utf-8")
    (toy / "bot/render/__init__.py").write_text("x = 1\n" * 400, encoding="utf-8")
    assert oversized(toy, ("extract", "bot")) == ["bot/service.py: 401 lines"]

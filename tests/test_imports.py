"""No import cycle between deckgen's modules (issue 13, "Done when"), lazy ones included.

deckgen imports most of its modules inside functions, so that ``deckgen --help`` stays cheap;
such an import still makes one module depend on the other, and a cycle through it is a
cycle in the design (and an ImportError the day someone moves the import to the top). The
graph is read with ``ast`` from every ``import`` in a module, at any depth, except those
under ``if TYPE_CHECKING:``, which never run.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "deckgen"

# Edges that make a cycle today and are someone else's to remove, each with the cycle it
# closes. Remove an entry when its import goes: the test fails for a stale entry.
KNOWN: dict[tuple[str, str], str] = {}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    """Every import statement that can run: at any depth, not under ``if TYPE_CHECKING``."""
    found: list[ast.Import | ast.ImportFrom] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            found.append(node)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def _graph() -> dict[str, set[str]]:
    """module → the deckgen modules it imports (a ``from pkg import name`` names the
    submodule ``pkg.name`` when there is one, else ``pkg`` itself)."""
    modules = _modules()
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        is_package = path.name == "__init__.py"
        for node in _imports(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                if node.level:
                    base = name.split(".")
                    base = base[: len(base) - node.level + (1 if is_package else 0)]
                    source = ".".join(base + ([node.module] if node.module else []))
                else:
                    source = node.module or ""
                for alias in node.names:
                    sub = f"{source}.{alias.name}"
                    targets.append(sub if sub in modules else source)
            for target in targets:
                while target and target not in modules:  # import deckgen.x.y.Name
                    target = target.rpartition(".")[0]
                if target and target != name:
                    graph[name].add(target)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def connect(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            connect(v)
    return out


def _path(graph: dict[str, set[str]], start: str, members: set[str]) -> list[str]:
    """One cycle through ``start`` inside a component, for the failure message."""
    paths = {start: [start]}
    queue = [start]
    while queue:
        v = queue.pop(0)
        for w in sorted(graph[v] & members):
            if w == start:
                return paths[v] + [start]
            if w not in paths:
                paths[w] = paths[v] + [w]
                queue.append(w)
    return [start]


def test_the_graph_sees_lazy_imports_and_skips_type_checking_ones() -> None:
    graph = _graph()
    assert "deckgen.api" in graph["deckgen"]  # inside __getattr__
    assert "deckgen.render.reader" in graph["deckgen.render"]
    assert "deckgen.render.writer" in graph["deckgen.render"]
    # the writer's recipe types come from their own module, not from the reader
    assert "deckgen.render.recipe" in graph["deckgen.render.writer"]
    assert "deckgen.render.writer" not in graph["deckgen.render._prepare"]


def test_no_import_cycle_between_deckgen_modules() -> None:
    graph = _graph()
    stale = [edge for edge in KNOWN if edge[1] not in graph.get(edge[0], set())]
    assert not stale, f"known cycle edges that are gone (remove them from KNOWN): {stale}"
    for a, b in KNOWN:
        graph[a].discard(b)
    cycles = [" → ".join(_path(graph, c[0], set(c))) for c in _cycles(graph)]
    assert not cycles, "import cycles:\n" + "\n".join(cycles)


# What a build of a plain summary (no front matter, pictures, fenced divs or attributes) from
# a template read before never imports: the command's start counts (README, "Performance").
NOT_FOR_A_PLAIN_BUILD = (
    "pptx",  # the template comes from deckgen's cache
    "lxml",
    "deckgen.render.reader",
    "deckgen.render._prepare",
    "yaml",  # front matter only
    "mdit_py_plugins",  # fenced divs and attributes only
    "deckgen.media",  # pictures only (--resource-path's check included)
    "deckgen.office",
    "deckgen.pdf",
)


def test_a_plain_build_imports_only_what_it_needs(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    code = (
        "import atexit, sys\n"
        "atexit.register(lambda: print(' '.join(sorted(sys.modules))))\n"
        "from deckgen.cli import main\n"
        "sys.argv = ['deckgen', 'build', sys.argv[1], '-o', sys.argv[2], '-q']\n"
        "main()\n"
    )
    env = {**os.environ, "DECKGEN_CACHE_DIR": str(tmp_path / "cache")}
    env.pop("DECKGEN_NO_CACHE", None)
    content = PACKAGE.parent / "content.md"
    for _ in range(2):  # the first reads the template into the cache
        proc = subprocess.run(
            [sys.executable, "-c", code, str(content), str(tmp_path / "deck.pptx")],
            capture_output=True,
            text=True,
            env=env,
        )
        assert proc.returncode == 0, proc.stderr
    imported = set(proc.stdout.split())
    assert "deckgen.render.writer" in imported  # (the list is the build's)
    assert not imported & set(NOT_FOR_A_PLAIN_BUILD)

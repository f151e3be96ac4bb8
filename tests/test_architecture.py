"""The shape of the code: no import cycle between the product's modules, and no module too long to read.

`lint-imports` (pyproject.toml, [tool.importlinter]) checks which package may import which; a layers contract
cannot see a cycle inside one layer, nor one hidden by an import inside a function or under TYPE_CHECKING. The
graph here is grimp's (import-linter's own), with every import: module level, inside functions, TYPE_CHECKING.
"""

from __future__ import annotations

from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("gfmd", "ingest", "assistant", "evals", "ui", "bench")
MAX_LINES = 400


def strongly_connected(graph: grimp.ImportGraph) -> list[list[str]]:
    """The groups of two or more modules that import one another, directly or not (Tarjan's algorithm, without
    recursion)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    for start in sorted(graph.modules):
        if start in index:
            continue
        work = [(start, iter(sorted(graph.find_modules_directly_imported_by(start))))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            module, imported = work[-1]
            for other in imported:
                if other not in index:
                    index[other] = low[other] = len(index)
                    stack.append(other)
                    on_stack.add(other)
                    work.append((other, iter(sorted(graph.find_modules_directly_imported_by(other)))))
                    break
                if other in on_stack:
                    low[module] = min(low[module], index[other])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[module])
                if low[module] == index[module]:
                    group = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.append(member)
                        if member == module:
                            break
                    if len(group) > 1:
                        groups.append(sorted(group))
    return groups


def test_the_modules_import_one_another_without_a_cycle() -> None:
    graph = grimp.build_graph(*PACKAGES, cache_dir=None)  # exclude_type_checking_imports=False: those count too
    assert graph.find_modules_directly_imported_by("assistant.api"), "the graph was not built from the source"
    cycles = []
    for group in strongly_connected(graph):
        # One cycle through the group's first module, to show where to cut it: from that module to one of the
        # group's modules that imports it, and back.
        first = group[0]
        last = next(m for m in group[1:] if graph.direct_import_exists(importer=m, imported=first))
        cycles.append(" -> ".join([*(graph.find_shortest_chain(first, last) or (first, "...", last)), first]))
    assert not cycles, "import cycles:\n" + "\n".join(cycles)


def test_the_cycle_finder_finds_a_cycle_hidden_inside_a_function() -> None:
    graph = grimp.ImportGraph()
    for module in ("a", "b", "c", "d"):
        graph.add_module(module)
    graph.add_import(importer="a", imported="b")
    graph.add_import(importer="b", imported="c")
    graph.add_import(importer="c", imported="a")  # e.g. an import inside a function of c
    graph.add_import(importer="c", imported="d")
    assert strongly_connected(graph) == [["a", "b", "c"]]


def test_no_product_module_is_longer_than_the_limit() -> None:
    long = {
        str(path.relative_to(ROOT)): lines
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert not long, f"modules over {MAX_LINES} lines (split them by what they do): {long}"

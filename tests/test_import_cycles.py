"""No package of renown imports itself in a circle.

import-linter's layers order the packages; inside a package, a cycle among its modules is
what made `jobs/` hard to read (ten modules that all needed each other). This test keeps
every package free of them: it finds the strongly connected groups of the module import
graph, package by package.
"""

from __future__ import annotations

import grimp
import networkx as nx


def _package(module: str) -> str:
    return ".".join(module.split(".")[:2])


def test_no_package_has_an_import_cycle_among_its_modules() -> None:
    imports = grimp.build_graph("renown")
    graph = nx.DiGraph()
    for module in imports.modules:
        for imported in imports.find_modules_directly_imported_by(module):
            if _package(imported) == _package(module):
                graph.add_edge(module, imported)
    cycles = [sorted(group) for group in nx.strongly_connected_components(graph) if len(group) > 1]
    assert cycles == []

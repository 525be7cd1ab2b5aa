"""The import contracts of pyproject.toml hold: layers inside every domain, no cycle between modules."""
import subprocess
import sys
from pathlib import Path

import grimp

from scripts.import_contracts import cycle_path, module_cycles

ROOT = Path(__file__).resolve().parent.parent


def test_the_import_contracts_are_kept():
    """`lint-imports` passes; its report names the broken contract and the imports to cut."""
    lint_imports = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run([str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True, text=True,
                            timeout=300, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_module_of_sociallab_is_part_of_an_import_cycle():
    graph = grimp.build_graph("sociallab", cache_dir=None)
    cycles = module_cycles(graph, "sociallab")
    assert cycles == [], "\n".join("\n".join(cycle_path(graph, cycle)) for cycle in cycles)


def _graph(*imports):
    graph = grimp.ImportGraph()
    for line, (importer, imported) in enumerate(imports, start=1):
        graph.add_import(importer=importer, imported=imported, line_number=line, line_contents=f"import {imported}")
    return graph


def test_a_cycle_is_found_and_shown_with_its_import_lines():
    """Three modules importing each other in a ring (one import inside a function counts the same)."""
    graph = _graph(("app.room", "app.hosts"), ("app.hosts", "app.minutes"), ("app.minutes", "app.room"),
                   ("app.minutes", "app.models"), ("app.room", "app.models"))
    assert module_cycles(graph, "app") == [["app.hosts", "app.minutes", "app.room"]]
    assert cycle_path(graph, ["app.hosts", "app.minutes", "app.room"]) == [
        "app.hosts -> app.minutes (l. 2)", "app.minutes -> app.room (l. 3)", "app.room -> app.hosts (l. 1)"]


def test_modules_importing_one_way_are_no_cycle():
    graph = _graph(("app.views", "app.services"), ("app.services", "app.models"), ("app.views", "app.models"))
    assert module_cycles(graph, "app") == []


def test_a_package_and_its_own_module_importing_each_other_are_a_cycle():
    """An __init__ that imports its views while the views import from the package."""
    graph = _graph(("app.search", "app.search.views"), ("app.search.views", "app.search"))
    assert module_cycles(graph, "app") == [["app.search", "app.search.views"]]

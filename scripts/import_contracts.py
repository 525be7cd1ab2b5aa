"""An import-linter contract type that fails on any import cycle between modules of a package.

The built-in `acyclic_siblings` compares sibling packages as wholes, so a domain package and
`sociallab.permissions` would count as a cycle as soon as any module of the domain uses a rule
and the rule loads any model of the domain; what must never happen is a cycle between modules.
Registered in pyproject.toml (`contract_types`) and run by `lint-imports`; tests/test_architecture.py
runs it as part of the test suite too.
"""
from importlinter import Contract, ContractCheck, fields, output


def module_cycles(graph, package):
    """The import cycles among the modules of `package`, each as the sorted names of a strongly
    connected component of two or more modules, in name order. Imports inside functions count:
    grimp reads them as it reads the others."""
    modules = sorted(m for m in graph.modules if m == package or m.startswith(package + "."))
    inside = set(modules)
    imports = {m: sorted(graph.find_modules_directly_imported_by(m) & inside) for m in modules}
    # Tarjan's algorithm, iterative so that a long import chain cannot exhaust Python's stack.
    order, low, stack, on_stack, components = {}, {}, [], set(), []
    for root in modules:
        if root in order:
            continue
        work = [(root, iter(imports[root]))]
        order[root] = low[root] = len(order)
        stack.append(root)
        on_stack.add(root)
        while work:
            module, pending = work[-1]
            child = next(pending, None)
            if child is not None:
                if child not in order:
                    order[child] = low[child] = len(order)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(imports[child])))
                elif child in on_stack:
                    low[module] = min(low[module], order[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[module])
            if low[module] == order[module]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == module:
                        break
                if len(component) > 1:
                    components.append(sorted(component))
    return sorted(components)


def cycle_path(graph, component):
    """One closed path through a cycle's modules (first module, …, first module again), with the
    line numbers of each import, so the reader sees where to cut."""
    members = set(component)
    start = component[0]
    # The shortest way back to `start` from each module it imports inside the component.
    best = None
    for first in sorted(graph.find_modules_directly_imported_by(start) & members):
        chain = graph.find_shortest_chain(importer=first, imported=start)
        if chain is not None and set(chain) <= members and (best is None or len(chain) < len(best)):
            best = chain
    path = [start, *(best or ())]
    steps = []
    for importer, imported in zip(path, path[1:], strict=False):
        lines = sorted({d["line_number"] for d in graph.get_import_details(importer=importer, imported=imported)})
        steps.append(f"{importer} -> {imported} (l. {', '.join(map(str, lines))})")
    return steps


class AcyclicModulesContract(Contract):
    """No module of `package` imports, directly or through others, a module that imports it back.

    Options: package (the package whose modules are checked).
    """

    package = fields.StringField()

    def check(self, graph, verbose):
        cycles = module_cycles(graph, self.package)
        return ContractCheck(kept=not cycles, metadata={
            "cycles": [{"modules": cycle, "path": cycle_path(graph, cycle)} for cycle in cycles]})

    def render_broken_contract(self, check):
        for cycle in check.metadata["cycles"]:
            output.print_error(f"Import cycle between {len(cycle['modules'])} modules: "
                               + ", ".join(cycle["modules"]), bold=True)
            for step in cycle["path"]:
                output.print_error("  " + step, bold=False)
            output.new_line()

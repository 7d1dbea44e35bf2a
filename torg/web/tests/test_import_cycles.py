"""No import circles between modules of torg (docs/architecture.md, "Imports point one way").

Two modules that import each other — even from inside a function, which only hides the circle —
mean neither can be understood, tested or moved alone. The usual circle is services ↔ tasks: tasks
call services, and services start tasks through `torg.core.tasks.enqueue_on_commit` by dotted path
instead of importing them. The graph is grimp's (the library import-linter is built on); it sees
every import statement, at module level or inside a function. Tests and migrations are left out.
"""

import warnings

import grimp


def import_cycles(package: str) -> list[list[str]]:
    """The import circles of `package`: each a sorted list of the modules that reach each other
    (strongly connected components of the import graph with two or more modules)."""
    graph = grimp.build_graph(package, cache_dir=None)
    modules = {m for m in graph.modules if not {"tests", "migrations"} & set(m.split("."))}
    edges = {m: sorted(graph.find_modules_directly_imported_by(m) & modules) for m in modules}
    index, low, on_stack, stack, cycles = {}, {}, set(), [], []

    def visit(v):  # Tarjan's algorithm
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while not component or component[-1] != v:
                component.append(stack.pop())
                on_stack.discard(component[-1])
            if len(component) > 1:
                cycles.append(sorted(component))

    for module in sorted(modules):
        if module not in index:
            visit(module)
    return sorted(cycles)


# Circles not broken yet, each with the work it belongs to. This list only shrinks: a circle that is
# not listed fails at once; when a listed one is broken, the test warns until its entry is removed.
KNOWN_CYCLES: dict[tuple[str, ...], str] = {}


def test_no_import_cycles_in_torg():
    found = {tuple(cycle) for cycle in import_cycles("torg")}
    new = sorted(found - set(KNOWN_CYCLES))
    assert new == [], f"import circles (break them by direction, see docs/architecture.md): {new}"
    if gone := sorted(set(KNOWN_CYCLES) - found):
        warnings.warn(f"these circles are broken now, remove them from KNOWN_CYCLES: {gone}", stacklevel=1)


def test_a_cycle_hidden_in_a_function_is_found(tmp_path, monkeypatch):
    package = tmp_path / "fakecycle"
    (package / "shop").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "shop" / "__init__.py").write_text("")
    (package / "shop" / "services.py").write_text(
        "def order_create():\n    from .tasks import send_mail\n\n    send_mail()\n")
    (package / "shop" / "tasks.py").write_text("from . import services\n\n\ndef send_mail():\n    pass\n")
    (package / "shop" / "models.py").write_text("")
    (package / "shop" / "tests").mkdir()
    (package / "shop" / "tests" / "__init__.py").write_text("")
    (package / "shop" / "tests" / "test_x.py").write_text("from .. import services\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert import_cycles("fakecycle") == [["fakecycle.shop.services", "fakecycle.shop.tasks"]]


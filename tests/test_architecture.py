"""The import direction of docs/ARCHITECTURE.md: every module imports only the layers below its own.

Layers, bottom up: the shared library (povertyboard/, minus the site's wiring), accounts and idempotency (users only),
the domain apps as a stack (villages < cadres < households < assessments), the feature apps (dashboards < imports,
work, search < demo), and the wiring on top (settings, the root URLconf, the API router, wsgi). The shared library may
import an app only inside a function (a late lookup of a model), never at module level; everything else is checked
at any depth.
"""

import ast
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
LIBRARY = "povertyboard"
WIRING = {"povertyboard.settings", "povertyboard.urls", "povertyboard.api.urls", "povertyboard.wsgi"}
# package → its rank; a module may import packages of a lower rank (and its own package)
RANKS = {
    LIBRARY: 0,
    "accounts": 1, "idempotency": 1,  # peers: API tokens; the table of povertyboard/once.py (looked up late)
    "villages": 2, "cadres": 3, "households": 4, "assessments": 5,
    "dashboards": 6, "imports": 7, "work": 7, "search": 7, "demo": 8,  # imports, work, search: peers
}
WIRING_RANK = 9


def modules():
    for package in RANKS:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                yield package, path


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


def imported(tree: ast.Module):
    """(line, imported package, at module level) of every absolute import of a project package."""
    top_level = {id(node) for node in tree.body}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        for name in names:
            package = name.split(".")[0]
            if package in RANKS:
                yield node.lineno, name, id(node) in top_level


def rank_of(module: str) -> int:
    return WIRING_RANK if module in WIRING else RANKS[module.split(".")[0]]


def wrong_way_imports() -> list[str]:
    """`path:line: statement` of every import of a layer that is not below the importing module's own."""
    found = []
    for package, path in modules():
        name = module_name(path)
        rank = rank_of(name)
        source = path.read_text(encoding="utf-8")
        for line, target, module_level in imported(ast.parse(source)):
            if target.split(".")[0] == package and target not in WIRING:
                continue  # within its own package
            if rank == RANKS[LIBRARY] and not module_level:
                continue  # the library may look a model up late, inside a function
            if rank_of(target) >= rank:
                found.append(f"{path.relative_to(ROOT)}:{line}: {source.splitlines()[line - 1].strip()}")
    return found


def test_every_app_has_a_rank():
    apps = {app.split(".")[0] for app in settings.INSTALLED_APPS if (ROOT / app.split(".")[0]).is_dir()}
    assert apps - set(RANKS) == set(), "a project app without a layer: add it to RANKS and docs/ARCHITECTURE.md"


def test_imports_run_only_downward():
    found = wrong_way_imports()
    assert not found, "imports that run the wrong way:\n" + "\n".join(found)


@pytest.mark.parametrize(("source", "expected"), [
    ("from households.models import Household\n", ["households.models"]),
    ("def f():\n    from assessments import services\n", ["assessments"]),
    ("from . import models\nimport json\n", []),
])
def test_the_walk_finds_absolute_imports_at_any_depth(source, expected):
    assert [target for _line, target, _top in imported(ast.parse(source))] == expected

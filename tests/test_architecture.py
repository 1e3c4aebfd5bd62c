"""The package's architecture: its public names, its layers, no import cycles, private names kept at home."""

import ast
import shutil
import subprocess
from pathlib import Path

import grimp
import pytest

import eligibility

PACKAGE = Path(eligibility.__file__).parent


def test_public_api_is_small_and_pinned():
    assert eligibility.__all__ == [
        "CriterionResult", "Decider", "Decision", "DecisionLog", "DurableRulesDecider", "EligibilityError", "Employee",
        "Evaluator", "LoadedRulebook", "OracleDecider", "PathResult", "Position", "Proposal", "Roster", "assess",
        "load_proposal", "load_roster", "load_rules_dir", "open_log",
    ]
    for name in eligibility.__all__:  # each resolves, from the module the table names
        assert getattr(eligibility, name).__name__ == name


def test_unknown_public_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'generate'"):
        eligibility.generate  # noqa: B018


def test_no_import_cycles_including_function_level_imports():
    graph = grimp.build_graph("eligibility")
    cycles = sorted({tuple(sorted((a, b))) for a in graph.modules for b in graph.find_modules_directly_imported_by(a)
                     if graph.find_shortest_chain(importer=b, imported=a)})
    assert cycles == []


def test_layers_contract_is_kept():
    lint_imports = shutil.which("lint-imports") or str(Path(PACKAGE.parent, ".venv/bin/lint-imports"))
    done = subprocess.run([lint_imports], capture_output=True, text=True, cwd=PACKAGE.parent)
    assert done.returncode == 0, done.stdout[-2000:]
    assert "Layers import downward only KEPT" in done.stdout


def _subpackage(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 2 else ""


def test_private_names_stay_inside_their_subpackage():
    crossings = []
    for path in sorted(PACKAGE.rglob("*.py")):
        here = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("eligibility."):
                for alias in node.names:
                    if alias.name.startswith("_") and _subpackage(node.module) != _subpackage(here):
                        crossings.append(f"{here} imports {node.module}.{alias.name}")
    assert crossings == []


def test_modules_stay_small():
    long = {str(p.relative_to(PACKAGE)): n for p in PACKAGE.rglob("*.py") if (n := len(p.read_text().splitlines())) > 420}
    assert long == {}


def _module_name(path: Path, package: Path) -> str:
    parts = path.relative_to(package.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _absolute(here: str, is_package: bool, node: ast.ImportFrom) -> str:
    """The module an ImportFrom names, relative imports resolved against ``here``."""
    if not node.level:
        return node.module or ""
    base = here.split(".")[: len(here.split(".")) - node.level + (1 if is_package else 0)]
    return ".".join(base + ([node.module] if node.module else []))


def private_crossings(package: Path = PACKAGE) -> list[str]:
    """Every ``from X import _name`` and ``X._name`` in the package where X is another module of it."""
    modules = {_module_name(p, package) for p in package.rglob("*.py")}
    found = []
    for path in sorted(package.rglob("*.py")):
        here, tree = _module_name(path, package), ast.parse(path.read_text(), str(path))
        bound: dict[str, str] = {}  # a local name -> the module of the package it is
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                source = _absolute(here, path.name == "__init__.py", node)
                for alias in node.names:
                    if f"{source}.{alias.name}" in modules:
                        bound[alias.asname or alias.name] = f"{source}.{alias.name}"
                    elif alias.name.startswith("_") and not alias.name.startswith("__") and source in modules \
                            and source != here:
                        found.append(f"{here}:{node.lineno} imports {source}.{alias.name}")
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname and alias.name in modules:
                        bound[alias.asname] = alias.name
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in bound \
                    and node.attr.startswith("_") and not node.attr.startswith("__") and bound[node.value.id] != here:
                found.append(f"{here}:{node.lineno} uses {bound[node.value.id]}.{node.attr}")
    return found


def test_no_module_imports_or_uses_another_modules_private_name():
    assert private_crossings() == []


def test_the_private_name_check_finds_both_forms_and_relative_imports(tmp_path):
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "sub" / "__init__.py").write_text("")
    (package / "sub" / "core.py").write_text("_hidden = 1\ndef _helper():\n    return _hidden\n")
    (package / "sub" / "reader.py").write_text("from .core import _helper\nfrom . import core\nx = core._hidden\n")
    (package / "user.py").write_text("import pkg.sub.core as c\nfrom pkg.sub import core\n"
                                     "y = c._hidden + core._helper()\n")
    assert private_crossings(package) == [
        "pkg.sub.reader:1 imports pkg.sub.core._helper", "pkg.sub.reader:3 uses pkg.sub.core._hidden",
        "pkg.user:3 uses pkg.sub.core._hidden", "pkg.user:3 uses pkg.sub.core._helper"]

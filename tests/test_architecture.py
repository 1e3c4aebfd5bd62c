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


def test_no_private_name_is_imported_from_another_module():
    """A name with a leading underscore is its module's own: another module that needs it gets a public name."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                found += [f"{path.relative_to(PACKAGE)}:{node.lineno}: {node.module}.{a.name}" for a in node.names
                          if a.name.startswith("_") and not a.name.startswith("__")]
    assert [f for f in found if "/records/" not in f and not f.startswith("records/")] == [], found

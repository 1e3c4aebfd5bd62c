"""The service reaches the rest of eligibility through one module, eligibility/service/core.py, so that moving the
engine's modules touches that file only; and no agency's words are written in its Python."""

from __future__ import annotations

import ast
from pathlib import Path

import eligibility.service

SERVICE = Path(eligibility.service.__file__).parent


def test_only_core_imports_the_rest_of_eligibility():
    for path in sorted(SERVICE.rglob("*.py")):
        if path.name == "core.py" and path.parent == SERVICE:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                outside = node.level >= 2 + len(path.relative_to(SERVICE).parts) - 1 or (
                    node.level == 0 and (node.module or "").startswith("eligibility")
                    and not (node.module or "").startswith("eligibility.service"))
                assert not outside, f"{path.relative_to(SERVICE)}:{node.lineno} imports {node.module!r}"
            if isinstance(node, ast.Import):
                for alias in node.names:
                    assert not (alias.name.startswith("eligibility") and not alias.name.startswith(
                        "eligibility.service")), f"{path.relative_to(SERVICE)}:{node.lineno} imports {alias.name}"


def test_no_agency_role_or_agency_is_named_in_the_service_code():
    import yaml

    from factories import RULES

    words = set()
    for rule_file in RULES.glob("*.yaml"):
        book = yaml.safe_load(rule_file.read_text())
        words.add(book["agency"])
        words |= set((book.get("vocabulary") or {}).get("roles", {}))
    for path in sorted(SERVICE.rglob("*.py")):
        text = path.read_text()
        assert not [w for w in words if f'"{w}"' in text or f"'{w}'" in text], path

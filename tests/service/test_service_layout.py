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


# -- the use-case layer finished (issue 25 item 2) -------------------------------------------------------------------
def _modules(prefix: str) -> list[Path]:
    return sorted(p for p in SERVICE.glob(f"{prefix}*.py"))


def test_no_page_module_imports_a_route_module():
    pages = _modules("pages") + [SERVICE / "web.py"]
    assert len(pages) > 5
    for path in pages:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""] + [f"{node.module or ''}.{a.name}" for a in node.names]
                assert not any(n.split(".")[-1].startswith("routes") or ".routes" in f".{n}" for n in names), \
                    f"{path.name}:{node.lineno} imports a route module ({node.module})"


def test_the_date_of_today_is_read_once_in_the_service_in_its_clock():
    found = [(p.relative_to(SERVICE).as_posix(), n) for p in SERVICE.rglob("*.py")
             for n, line in enumerate(p.read_text().splitlines(), 1) if "date.today()" in line]
    assert [name for name, _ in found] == ["clock.py"], found


def test_the_instant_is_read_once_in_the_service_in_its_clock():
    found = [(p.relative_to(SERVICE).as_posix(), n) for p in SERVICE.rglob("*.py")
             for n, line in enumerate(p.read_text().splitlines(), 1) if "datetime.now(" in line]
    assert [name for name, _ in found] == ["clock.py"], found


def _endpoints():
    import importlib

    for path in _modules("routes") + _modules("pages"):
        module = importlib.import_module(f"eligibility.service.{path.stem}")
        for route in getattr(getattr(module, "router", None), "routes", []):
            yield path.name, route


def test_every_route_and_page_that_takes_an_as_of_date_reads_it_through_the_one_typed_dependency():
    import typing

    from eligibility.service.params import AsOf, Since

    seen = 0
    for name, route in _endpoints():
        hints = typing.get_type_hints(route.endpoint, include_extras=True)
        for parameter, wanted in (("as_of", AsOf), ("since", Since)):
            if parameter in hints:
                seen += 1
                assert hints[parameter] == wanted, f"{name}: {route.name} reads {parameter} by hand"
    assert seen >= 8
    for path in _modules("routes") + _modules("pages"):
        text = path.read_text()
        assert "fromisoformat" not in text and "def parse_as_of" not in text, path.name


def test_core_exports_exactly_what_the_service_uses_from_it():
    import eligibility.service.core as core

    used = set()
    for path in SERVICE.rglob("*.py"):
        if path == SERVICE / "core.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level >= 1 and (node.module or "").split(".")[-1] == "core":
                used |= {alias.name for alias in node.names}
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "core":
                used.add(node.attr)
    assert used - set(core.__all__) == set(), "imported from core but not exported"
    assert set(core.__all__) - used == set(), "exported by core but used nowhere in the service"
    assert all(hasattr(core, name) for name in core.__all__)


def test_every_action_the_service_logs_has_its_words():
    """The Activity page, the employee page and the replay sentences say every logged action in words, never as
    'endorsement withdraw': each action literal passed to ``activity.append`` (and the ones built from a choice of
    two) is a row of ACTION_WORDS."""
    from eligibility.service.action_words import ACTION_WORDS

    logged = set()
    for path in SERVICE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call):
                for kw in node.keywords:
                    if kw.arg == "action" and isinstance(kw.value, ast.Constant) and isinstance(kw.value.value, str):
                        logged.add(kw.value.value)
    built = {"endorsement.declined", "endorsement.sent_back", "rules.withdraw", "rules.reject"}  # f-strings, choices
    assert {"endorsement.withdraw", "roster.import", "employee.restore"} <= logged  # the scan sees the calls
    assert sorted((logged | built) - set(ACTION_WORDS)) == []

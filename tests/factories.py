"""Test data helpers shared by the test modules (import as ``from factories import d, employee``)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from eligibility.records.models import Employee
from eligibility.scale import generate

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rules"
SAMPLES = ROOT / "employees_sample"
SPECS = ROOT.parent / "shared" / "specs"


def d(text: str) -> dt.date:
    """ISO date literal for tests."""
    return dt.date.fromisoformat(text)


def employee(**fields) -> Employee:
    """An Employee from keyword fields (``class`` may be given as ``class_`` inside assignments)."""
    fields.setdefault("id", "E1")
    return Employee.model_validate(fields)


def generated_employees(book, count: int, seed: int) -> tuple[dict, list[Employee]]:
    """A generated roster's header and its employees that the record model takes, less those with an education off
    the agency's scale (the model refused them while the scale was a Python enum, when the digests of
    tests/decide/test_decision_digests.py were pinned). Other malformed records stay in: deciding them is an error."""
    header, records = generate.generate(book, count, seed)
    scale = book.rulebook.vocabulary.education
    employees = []
    for raw in records:
        try:
            employee = Employee.model_validate(raw)
        except Exception:  # malformed on purpose
            continue
        if employee.education is None or employee.education in scale:
            employees.append(employee)
    return header, employees


def tamper_table(header: str) -> dict[str, tuple[str | None, ...]]:
    """A tamper table of docs/audit.md, found by its header line: case -> the reason each verify mode reports
    (None for "**missed**")."""
    import re

    lines = (ROOT / "docs" / "audit.md").read_text().splitlines()
    start = lines.index(header)
    table = {}
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        case, *cells = [c.strip() for c in line.strip("|").split("|")]
        table[case] = tuple(None if c == "**missed**" else re.fullmatch(r"caught \(`(\w+)`\)", c).group(1)
                            for c in cells)
    return table

"""Column mappings for single-file HR exports: the mapping file's model, and its reading (docs/csv-records.md).

A mapping says which export column holds which record field (``Job Title: assignment.title``), how the
export's words translate into the rule file's terms (a role's display name to its id) and its dates'
format (``%m/%d/%Y``). eligibility.records.mapped_export applies it; ``eligibility import-map`` proposes one.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from eligibility.errors import RecordError
from eligibility.records.tabular import RECORD_TYPES
from eligibility.rules.documents import Document, load_yaml, validate_document

EMPLOYEE_FIELDS = ("id", "name", "education", "supervisor")
TITLE = "title"  # assignment.title: a job title, mapped to SERIES:LEVEL (its class and level)
_TARGET = re.compile(r"^(?P<kind>[a-z]+)(?:\[(?P<n>[1-9][0-9]*)\])?\.(?P<field>[a-z_]+)$")


def entry_fields(kind: str) -> tuple[str, ...]:
    """The fields an entry of ``kind`` (assignment, license, ...) may take from a column."""
    columns = RECORD_TYPES[kind][1]
    return columns + (TITLE,) if kind == "assignment" else columns


def parse_target(target: str) -> tuple[str, int, str] | None:
    """``evaluation[2].date`` -> ('evaluation', 2, 'date'); an employee field -> ('', 0, field); None if invalid."""
    if target in EMPLOYEE_FIELDS:
        return "", 0, target
    match = _TARGET.match(target)
    if not match or match["kind"] not in RECORD_TYPES or match["field"] not in entry_fields(match["kind"]):
        return None
    return match["kind"], int(match["n"] or 1), match["field"]


def value_key(target: str) -> str:
    """The key of a target's value map: the target without its entry number (``endorsement.by``)."""
    kind, _, name = parse_target(target) or ("", 0, target)
    return f"{kind}.{name}" if kind else name


class ColumnMap(BaseModel):
    """A mapping file: export columns to record fields, export values to terms, the date format."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    agency: str = Field(min_length=1)
    date_format: str = Field(default="%Y-%m-%d", min_length=2, description="strptime format of every date cell")
    columns: dict[str, str | None] = Field(min_length=1, description="export column -> field (null: ignored)")
    values: dict[str, dict[str, str]] = Field(default_factory=dict, description="field -> export value -> term")
    defaults: dict[str, str] = Field(default_factory=dict, description="field -> value when the export has none")
    positions: list[Any] = Field(default_factory=list, description="budgeted positions, as in a YAML roster")

    def translate(self, target: str, text: str) -> str:
        """``text`` through the target's value map (exact, then case-insensitive); unmapped text unchanged."""
        table = self.values.get(value_key(target), {})
        if text in table:
            return table[text]
        folded = {k.casefold(): v for k, v in table.items()}
        return folded.get(text.casefold(), text)


def load_map(path: str | Path) -> tuple[ColumnMap, Document]:
    """Read and validate a mapping file; every problem is a positioned RecordError."""
    doc = load_yaml(path, RecordError)
    mapping = validate_document(doc, ColumnMap, RecordError, "a mapping file",
                                "agency, date_format, columns, values, defaults, positions")
    for section, keys in (("columns", mapping.columns), ("values", mapping.values), ("defaults", mapping.defaults)):
        for key, target in keys.items():
            problem = _problem(section, key, target)
            if problem:
                line, column = doc.position((section, key))
                raise RecordError(problem, file=doc.path, line=line, column=column, field=f"{section}.{key}")
    targets = [t for t in mapping.columns.values() if t is not None]
    for target in targets:
        if targets.count(target) > 1:
            line, column = doc.position(("columns",))
            raise RecordError(f"two columns are mapped to {target!r}", file=doc.path, line=line, column=column,
                              field="columns")
    if "id" not in targets:
        line, column = doc.position(("columns",))
        raise RecordError("no column is mapped to id (the employee id)", file=doc.path, line=line, column=column,
                          field="columns")
    return mapping, doc


def _problem(section: str, key: str, target: str | None) -> str | None:
    """What is wrong with one line of a mapping's columns, values or defaults, or None."""
    name = target if section == "columns" else key
    if name is None:
        return None
    if parse_target(name) is None:
        kinds = ", ".join(f"{k}.FIELD" for k in RECORD_TYPES)
        return (f"unknown field {name!r}; expected {', '.join(EMPLOYEE_FIELDS)} or one of {kinds} (FIELD as in "
                f"docs/csv-records.md; KIND[2].FIELD for a second entry in the same row)")
    if section == "defaults" and not parse_target(name)[0]:
        return f"a default is for an entry field (KIND.FIELD), not {name!r}"
    return None

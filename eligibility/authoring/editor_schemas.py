"""JSON Schemas for editors, generated from the pydantic models of rule files, rosters and rule tests."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from eligibility.authoring.scenarios import CaseFile
from eligibility.records.models import Employee, Position, RosterHeader
from eligibility.rules.schema import Rulebook


class RosterFile(RosterHeader):
    """A roster file: the agency, its positions (with vacancies) and its employee records."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="Roster")

    positions: list[Position] = Field(default_factory=list)
    employees: list[Employee] = Field(default_factory=list)


MODELS: dict[str, tuple[type[BaseModel], str, str]] = {
    # kind: (model, file name, title)
    "rules": (Rulebook, "rules.schema.json", "eligibility rule file (rules/<agency>.yaml)"),
    "roster": (RosterFile, "roster.schema.json", "eligibility roster of employee records"),
    "tests": (CaseFile, "rule-tests.schema.json", "eligibility rule tests (rules/tests/<agency>/*.yaml)"),
}


def _draft7(node):
    """pydantic writes draft 2020-12 ``$defs``; editors' YAML support (yaml-language-server) reads draft-07."""
    if isinstance(node, dict):
        return {("definitions" if k == "$defs" else k): _draft7(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_draft7(v) for v in node]
    if isinstance(node, str) and node.startswith("#/$defs/"):  # $ref, and discriminator mappings
        return "#/definitions/" + node.removeprefix("#/$defs/")
    return node


def json_schema(kind: str) -> dict:
    """The JSON Schema (draft-07) of one kind of file: 'rules', 'roster' or 'tests'."""
    model, _, title = MODELS[kind]
    schema = model.model_json_schema(by_alias=True, mode="validation")
    for name in ("Employee", "Position"):  # their ids accept a bare number too (turned into text on loading)
        ident = schema.get("$defs", {}).get(name, {}).get("properties", {}).get("id")
        if ident is not None:
            schema["$defs"][name]["properties"]["id"] = {"anyOf": [{k: v for k, v in ident.items() if k != "title"},
                                                                   {"type": "integer"}], "title": "Id"}
    return _draft7({"$schema": "http://json-schema.org/draft-07/schema#", "title": title, **{
        k: v for k, v in schema.items() if k != "title"}})


def schema_text(kind: str) -> str:
    """The schema as stable, indented JSON text (same models, same bytes)."""
    return json.dumps(json_schema(kind), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_schemas(folder: str | Path) -> list[Path]:
    """Write every schema into ``folder`` (created if needed); returns the files written."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for kind, (_, name, _) in MODELS.items():
        path = folder / name
        path.write_text(schema_text(kind), encoding="utf-8")
        written.append(path)
    return written


__all__ = ["MODELS", "RosterFile", "json_schema", "schema_text", "write_schemas"]

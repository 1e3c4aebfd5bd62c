"""JSON Schemas for editors: generated from the models, accept every shipped file, flag what the loader rejects."""

from __future__ import annotations

import json

import jsonschema
import pytest
from click.testing import CliRunner
from factories import RULES, SAMPLES

from eligibility.authoring.editor_schemas import json_schema, schema_text
from eligibility.cli import main
from eligibility.errors import RecordError, RuleFileError
from eligibility.rules.documents import load_yaml, parse_yaml


def validator(kind: str) -> jsonschema.Draft7Validator:
    schema = json_schema(kind)
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())


def errors(kind: str, data) -> list[str]:
    return sorted(f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator(kind).iter_errors(data))


# Files are read as an editor's YAML support reads them (YAML 1.2: dates stay text).
@pytest.mark.parametrize("path", sorted(RULES.glob("*.yaml")), ids=lambda p: p.name)
def test_shipped_rule_files_are_valid_against_the_rules_schema(path):
    assert errors("rules", load_yaml(path, RuleFileError).data) == []


@pytest.mark.parametrize("path", sorted(SAMPLES.glob("*.yaml")), ids=lambda p: p.name)
def test_sample_rosters_are_valid_against_the_roster_schema(path):
    assert errors("roster", load_yaml(path, RecordError).data) == []


@pytest.mark.parametrize("path", sorted((RULES / "tests").rglob("*.yaml")), ids=lambda p: p.parent.name + "/" + p.name)
def test_shipped_rule_tests_are_valid_against_the_tests_schema(path):
    assert errors("tests", load_yaml(path, RuleFileError).data) == []


def test_rules_schema_flags_a_misspelled_key_and_an_unknown_criterion_kind():
    data = load_yaml(RULES / "jbwd.yaml", RuleFileError).data
    criterion = data["series"][0]["versions"][0]["levels"][1]["paths"][0]["criteria"][1]
    criterion["minimun"] = criterion.pop("minimum")
    [error] = validator("rules").iter_errors(data)
    assert list(error.absolute_path) == ["series", 0, "versions", 0, "levels", 1, "paths", 0, "criteria", 1]
    # an editor reports the alternative whose `kind` matches (here: education) and its complaints
    by_kind: dict[int, list[str]] = {}
    for sub in error.context:
        by_kind.setdefault(sub.schema_path[0], []).append(sub.message)
    matching = [sorted(m) for m in by_kind.values() if not any(x.endswith("was expected") for x in m)]
    assert matching == [["'minimum' is a required property",
                         "Additional properties are not allowed ('minimun' was unexpected)"]]
    criterion["minimum"] = criterion.pop("minimun")
    criterion["kind"] = "educaton"
    [error] = validator("rules").iter_errors(data)
    assert len({sub.schema_path[0] for sub in error.context if sub.message.endswith("was expected")}) == 8


def test_roster_schema_accepts_numeric_ids_and_flags_a_bad_date():
    doc = parse_yaml("agency: ccwd\nemployees:\n  - id: 1001\n    assignments:\n"
                     "      - {class: customer-service-specialist, level: I, start: 2019-02-30}\n", "r.yaml", RecordError)
    assert errors("roster", doc.data) == [
        "employees/0/assignments/0/start: '2019-02-30' is not a 'date'"]


def test_schemas_are_generated_from_the_models():
    rules = json_schema("rules")
    assert rules["$schema"] == "http://json-schema.org/draft-07/schema#"  # what yaml-language-server reads
    assert "$defs" not in json.dumps(rules)
    criteria = rules["definitions"]["PathDef"]["properties"]["criteria"]["items"]
    assert criteria["discriminator"]["propertyName"] == "kind"
    assert sorted(criteria["discriminator"]["mapping"]) == [
        "certification", "education", "endorsement", "experience", "license", "performance", "service_time", "vacancy"]
    # roles are the agency's terms (declared in each rule file's vocabulary), not a list fixed in the package
    assert rules["definitions"]["EndorsementCriterion"]["properties"]["by"]["pattern"] == "^[a-z0-9][a-z0-9_]*$"
    assert "enum" not in rules["definitions"]["EndorsementCriterion"]["properties"]["by"]
    assert rules["definitions"]["Citation"]["additionalProperties"] is False
    roster = json_schema("roster")
    assert roster["properties"]["employees"]["items"] == {"$ref": "#/definitions/Employee"}
    assert "class" in roster["definitions"]["Assignment"]["required"]


def test_cli_schema_prints_one_kind_or_writes_all(tmp_path):
    runner = CliRunner()
    default = runner.invoke(main, ["schema"])
    assert default.exit_code == 0
    assert default.output == schema_text("rules")
    roster = runner.invoke(main, ["schema", "roster"])
    assert json.loads(roster.output)["title"] == "eligibility roster of employee records"
    written = runner.invoke(main, ["schema", "--out", str(tmp_path / "schemas")])
    assert written.exit_code == 0
    names = ["rules.schema.json", "roster.schema.json", "rule-tests.schema.json"]
    assert written.output.splitlines() == [str(tmp_path / "schemas" / n) for n in names]
    assert (tmp_path / "schemas" / "rule-tests.schema.json").read_text() == schema_text("tests")
    bad = runner.invoke(main, ["schema", "rulez"])
    assert bad.exit_code == 2
    assert "'rulez' is not one of 'roster', 'rules', 'tests'" in bad.output

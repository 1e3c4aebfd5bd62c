"""Fuzzing the rule loader: any text either loads or fails with RuleFileError and a line, never a library traceback."""

from __future__ import annotations

import copy
import datetime as dt
import string

import pytest
import yaml
from factories import RULES
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from eligibility.decide.compiler import CompiledRules
from eligibility.errors import EligibilityError, RuleFileError
from eligibility.records.models import Employee
from eligibility.rules.documents import parse_yaml
from eligibility.rules.rulebook import (
    LoadedRulebook,
    load_rules_dir,
    rulebook_from_document,
)
from eligibility.rules.schema import CRITERION_KINDS

PATH = "rules/fuzz.yaml"
FUZZ = settings(max_examples=150, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
SHIPPED = {path.name: path.read_text(encoding="utf-8") for path in sorted(RULES.glob("*.yaml"))}
TREES = {name: yaml.safe_load(text) for name, text in SHIPPED.items()}
KEYS = sorted({"agency", "name", "rules_version", "documents", "file", "title", "date", "series", "id",
               "experience_kinds", "former_titles", "versions", "effective", "source", "document", "section",
               "quote", "levels", "pay", "scale", "value", "same_as", "note", "single_position", "paths", "notes",
               "kind", "description", "from_level", "criteria", "years", "level", "review_by_years", "kinds",
               "public_utility_only", "minimum", "license", "certification", "endorsement", "by", "during",
               "interpretation"})


def load_or_positioned_error(text: str) -> LoadedRulebook | None:
    """The property: a loaded rulebook, or RuleFileError naming this file and a line. Anything else propagates."""
    try:
        loaded = rulebook_from_document(parse_yaml(text, PATH, RuleFileError))
        event("loaded")
        return loaded
    except RuleFileError as exc:
        event("invalid YAML" if exc.message.startswith("invalid YAML") else "schema or cross-reference error")
        assert exc.file == PATH
        assert exc.line is not None and exc.line >= 1, exc.render()
        assert exc.render().startswith(f"{PATH}:{exc.line}")
        assert "\n" not in exc.render()
        return None


# -- arbitrary YAML ----------------------------------------------------------------------------------
scalars = (st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats(allow_nan=False)
           | st.text(max_size=20) | st.dates(dt.date(1900, 1, 1), dt.date(2100, 1, 1))
           | st.sampled_from(KEYS + CRITERION_KINDS + ["I", "II", "2017-09-12", "2017-13-45", "null", "~", ""]))
keys = st.sampled_from(KEYS) | st.text(string.ascii_lowercase + "_", min_size=1, max_size=12)
documents = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                         | st.dictionaries(keys, inner, max_size=6), max_leaves=40)


@FUZZ
@given(documents, st.booleans())
def test_arbitrary_yaml_documents(data, flow):
    load_or_positioned_error(yaml.safe_dump(data, default_flow_style=flow, allow_unicode=True, sort_keys=False))


yaml_text = st.text(alphabet=st.sampled_from(list("abc:-[]{},&*!|>'\"#?% \t\n0123456789.~@`\\") + ["\x00", "\u2028",
                                                                                                   "\ufeff", "é"]),
                    max_size=120)


@FUZZ
@given(yaml_text)
@example("&a [*a]")
@example("a: &a {b: *a}")
@example("agency: x\nname: y\nrules_version: z\nseries: &s [*s]")
@example("series:\n  - &m {id: a, versions: [{x: *m}]}")
@example("- !!timestamp 2020-13-45")
@example("\x00")
@example("\ud800")
@example("a: " + "[" * 3000 + "]" * 3000)
@example("--- a\n--- b")
@example("!!float abc")
@example("? !!python/name:os.system\n")
@example("a: !!set {1, 2}")
def test_arbitrary_text(text):
    load_or_positioned_error(text)


# -- mutated copies of the shipped rule files --------------------------------------------------------
def _slots(node, out, parent=None, key=None):
    """Every (container, key) in the tree, depth first."""
    if parent is not None:
        out.append((parent, key))
    if isinstance(node, dict):
        for k in list(node):
            _slots(node[k], out, node, k)
    elif isinstance(node, list):
        for i in range(len(node)):
            _slots(node[i], out, node, i)
    return out


replacements = scalars | st.lists(scalars, max_size=3) | st.dictionaries(keys, scalars, max_size=3)


@st.composite
def mutated_trees(draw):
    name = draw(st.sampled_from(sorted(TREES)))
    tree = copy.deepcopy(TREES[name])
    for _ in range(draw(st.integers(1, 3))):
        slots = _slots(tree, [])
        parent, key = slots[draw(st.integers(0, len(slots) - 1))]
        action = draw(st.sampled_from(["delete", "replace", "rename", "duplicate", "typo"]))
        if action == "delete":
            del parent[key]
        elif action == "replace":
            parent[key] = draw(replacements)
        elif action == "rename" and isinstance(parent, dict):
            parent[draw(keys)] = parent.pop(key)
        elif action == "duplicate" and isinstance(parent, list):
            parent.insert(key, copy.deepcopy(parent[key]))
        elif action == "typo" and isinstance(parent[key], str) and parent[key]:
            value = parent[key]
            at = draw(st.integers(0, len(value) - 1))
            parent[key] = value[:at] + draw(st.sampled_from(["", "x", "_", " ", "-"])) + value[at + 1:]
    return tree


@settings(FUZZ, max_examples=100)
@given(mutated_trees())
def test_mutated_shipped_rule_trees(tree):
    load_or_positioned_error(yaml.safe_dump(tree, allow_unicode=True, sort_keys=False))


@st.composite
def mutated_texts(draw):
    """Line-level edits of the shipped files as written (comments and flow style kept)."""
    lines = SHIPPED[draw(st.sampled_from(sorted(SHIPPED)))].splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 3))):
        i = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["delete", "duplicate", "indent", "dedent", "insert", "cut"]))
        if action == "delete":
            del lines[i]
        elif action == "duplicate":
            lines.insert(i, lines[i])
        elif action == "indent":
            lines[i] = "  " + lines[i]
        elif action == "dedent":
            lines[i] = lines[i][2:] if lines[i].startswith("  ") else lines[i]
        elif action == "insert":
            at = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:at] + draw(yaml_text) + lines[i][at:]
        else:
            lines[i] = lines[i][:draw(st.integers(0, len(lines[i])))] + "\n"
        if not lines:
            lines = ["\n"]
    return "".join(lines)


@FUZZ
@given(mutated_texts())
def test_mutated_shipped_rule_texts(text):
    load_or_positioned_error(text)


# -- what loads also compiles and evaluates without a durable_rules traceback -------------------------
WORKER = Employee.model_validate({
    "id": "F1", "education": "high_school",
    "licenses": [{"kind": "ca_driver_class_c", "expires": "2030-01-01"}],
    "experience": [{"employer": "X", "kinds": ["customer_service", "clerical"], "start": "2010-01-01",
                    "end": "2015-12-31"}],
})


@settings(FUZZ, max_examples=40)
@given(mutated_trees())
def test_mutated_rules_that_load_compile_and_evaluate(tree):
    loaded = load_or_positioned_error(yaml.safe_dump(tree, allow_unicode=True, sort_keys=False))
    if loaded is None:
        return
    from eligibility.decide.evaluator import Evaluator

    with Evaluator({loaded.agency: loaded}) as evaluator:
        for series in loaded.rulebook.series:
            for version in series.versions:
                for level in version.levels:
                    try:
                        evaluator.evaluate(WORKER, dt.date(2024, 6, 1), agency=loaded.agency,
                                           to=f"{series.id}:{level.id}")
                    except EligibilityError:
                        pass  # the project's own error (e.g. no path into a level): acceptable


def test_shipped_rule_files_load_and_compile():
    books = load_rules_dir(RULES)
    assert sorted(books) == ["cas-district", "ccwd", "csr-district", "jbwd"]
    for book in books.values():
        with CompiledRules(book) as compiled:
            assert compiled.book is book


@pytest.mark.parametrize("text, expected", [
    ("&a [*a]", f"{PATH}:1: a rule file must be a mapping (agency, name, rules_version, series)"),
    ("\x00", f"{PATH}:1:1: invalid YAML: special characters are not allowed (character U+0000)"),
    ("- !!timestamp 2020-13-45", f"{PATH}:1:3: invalid YAML: invalid value: month must be in 1..12"),
    ("a: " + "[" * 3000 + "]" * 3000, None),
    ("agency: x\nname: y\nrules_version: z\nseries: &s [*s]",
     f"{PATH}:4:9: series[0]: Input should be a valid dictionary or instance of Series"),
])
def test_regressions_found_by_fuzzing(text, expected):
    with pytest.raises(RuleFileError) as info:
        rulebook_from_document(parse_yaml(text, PATH, RuleFileError))
    if expected is None:
        assert info.value.render().startswith(f"{PATH}:1:") and "nested too deeply" in info.value.render()
    else:
        assert info.value.render() == expected

"""libyaml reads what PyYAML's pure-Python parser reads: the same data, positions and source texts, or the same error."""

from __future__ import annotations

from pathlib import Path
from unittest import mock

import pytest
from factories import RULES
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from eligibility.errors import RecordError, RuleFileError
from eligibility.rules import documents
from eligibility.rules.documents import parse_yaml
from eligibility.rules.loaders import PYTHON_ONLY, FastLoader

SAMPLES = Path(__file__).resolve().parents[2] / "employees_sample"
SHIPPED = sorted(RULES.glob("*.yaml")) + sorted(SAMPLES.glob("*.yaml"))

# Pieces of YAML that exercise what the two parsers could read differently: indentation, flow and block
# collections, anchors and aliases, tags, comments, document markers, implicit types, quoting, line breaks.
PIECES = ["a", "b", "key", "1", "-1", "0x1F", "0o17", "1_000", "1.5", "1e5", "+.inf", ".NaN", "true", "no", "On",
          "~", "null", "2020-01-01", "2020-13-45", "99999999999999999999", ":", ": ", "- ", "-", "\n", "\n  ",
          "\n    ", "\n- ", "\n  - ", " ", "{", "}", "[", "]", ",", " #c", "'x'", '"y"', "'", '"', "\\", "&a ", "*a",
          "<<: *a", "!!str ", "!!int ", "!!bool ", "!!float ", "!!timestamp ", "!!binary ", "!!set ", "!tag ", "|", "|\n  t", ">",
          "x: |\n  l1\n  l2\n", "\n---\n", "...", "%", "%YAML 1.1\n---\n", "@", "`", "=", "é", "\u00a0", "\U0001F600",
          "\r\n", "\t", "?", "\ufeff", "\x85"]
texts = st.lists(st.sampled_from(PIECES), min_size=1, max_size=25).map("".join)


def read(text: str, python_only: bool) -> tuple:
    """What a caller of parse_yaml sees: the document's data, positions and texts, or the error as rendered."""
    with mock.patch.object(documents, "FastLoader", None if python_only else FastLoader):
        try:
            doc = parse_yaml(text, "f.yaml", RecordError)
        except RecordError as exc:
            return ("error", exc.render())
    return ("document", repr(doc.data), sorted(doc.positions.items(), key=repr), sorted(doc.texts.items(), key=repr))


@pytest.mark.skipif(FastLoader is None, reason="PyYAML built without libyaml")
@settings(max_examples=3000, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(texts)
@example("a:\t1\n")  # libyaml takes a tab as a separator; PyYAML refuses it
@example("{~?}")  # libyaml takes "?" inside a flow scalar; PyYAML refuses it
@example("\n---\n ")  # a lone empty scalar: the parsers place it on different lines
@example("a: !!bool maybe\n")  # PyYAML fails with KeyError: reported as an invalid value
@example("[" * 1200 + "]" * 1200)  # libyaml stops at 1,000 levels, PyYAML at its recursion limit
@example("a: 1\nb: {x: 2, x: 3}\n")  # a duplicate key, found by our walk of the nodes
def test_libyaml_reads_as_pyyaml_does(text: str) -> None:
    assert read(text, python_only=False) == read(text, python_only=True)


@pytest.mark.skipif(FastLoader is None, reason="PyYAML built without libyaml")
@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_shipped_files_are_read_by_libyaml_as_pyyaml_reads_them(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert not PYTHON_ONLY.search(text)
    with mock.patch.object(documents, "_parse_python", side_effect=AssertionError("read by PyYAML")):
        parse_yaml(text, str(path), RuleFileError)  # libyaml read it: the pure-Python parser was not called
    assert read(text, python_only=False) == read(text, python_only=True)


def test_a_tab_is_refused_with_pyyaml_s_message_and_position() -> None:
    with pytest.raises(RuleFileError) as caught:
        parse_yaml("agency: x\nname:\tY\n", "rules/x.yaml", RuleFileError)
    assert caught.value.render() == (
        "rules/x.yaml:2:6: invalid YAML: found character '\\t' that cannot start any token")


@pytest.mark.parametrize(("text", "message"), [
    ("a: 1\nb: !!int\n", "f.yaml:2:4: invalid YAML: invalid value: '' is not a valid int"),
    ("a: !!float\n", "f.yaml:1:4: invalid YAML: invalid value: '' is not a valid float"),
    ("a: !!bool maybe\n", "f.yaml:1:4: invalid YAML: invalid value: 'maybe' is not a valid bool"),
])
def test_an_explicit_tag_on_a_value_that_is_not_one_is_a_positioned_error(text: str, message: str) -> None:
    with pytest.raises(RecordError) as caught:
        parse_yaml(text, "f.yaml", RecordError)
    assert caught.value.render() == message


def test_an_error_libyaml_finds_is_worded_by_pyyaml() -> None:
    with pytest.raises(RuleFileError) as caught:
        parse_yaml("agency: x\nseries: [a, b\nname: y\n", "rules/x.yaml", RuleFileError)
    assert caught.value.render() == "rules/x.yaml:3:5: invalid YAML: expected ',' or ']', but got ':'"

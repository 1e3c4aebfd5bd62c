"""YAML aliases (``*name``) that expand a small file into millions of values (a "billion laughs") are refused with a
one-line error naming the file and the line, by the whole-file parser (rule files, mappings, the service's roster
bodies) and by the streaming roster reader alike, before anything walks the expanded values; an ordinary alias is
read as before."""

from __future__ import annotations

from click.testing import CliRunner
from factories import RULES

from eligibility.cli import main
from eligibility.errors import RecordError
from eligibility.rules.documents import parse_yaml

LEVELS = "abcdefg"  # 9 ** 7 = 4,782,969 values from a 1 kB file


def _laughs(indent: str) -> str:
    rows = [f'{indent}- &a ["x","x","x","x","x","x","x","x","x"]']
    for before, name in zip(LEVELS, LEVELS[1:]):
        rows.append(f"{indent}- &{name} [{','.join(['*' + before] * 9)}]")
    return "\n".join(rows) + "\n"


BOMB = "agency: ccwd\npositions: []\nemployees:\n  - id: E1\n    assignments: []\n    notes:\n" + _laughs("      ")
BOMB_LINE = 6  # the key whose value holds the aliases


def test_the_whole_file_parser_refuses_an_alias_bomb_naming_the_line():
    try:
        parse_yaml(BOMB, "roster.yaml", RecordError)
    except RecordError as exc:
        assert exc.render() == (f"roster.yaml:{BOMB_LINE}:5: employees[0].notes: invalid YAML: aliases (*name) "
                                f"expand it to more than 100000 values")
    else:
        raise AssertionError("an alias bomb was read")


def test_the_streaming_reader_refuses_it_with_a_one_line_error(tmp_path):
    path = tmp_path / "roster.yaml"
    path.write_text(BOMB, encoding="utf-8")
    result = CliRunner().invoke(main, ["roster", str(path), "--rules", str(RULES), "--as-of", "2026-11-24"])
    assert result.exit_code in (1, 2), result.stderr
    assert f"{path}:{BOMB_LINE}:5: employees[0].notes: invalid YAML: aliases (*name) expand it to more than " \
           f"100000 values" in result.stderr
    assert "unknown field" not in result.stderr


def test_ordinary_aliases_are_read_as_written():
    text = "defaults: &d {a: 1, b: [x, y]}\none: *d\ntwo: {<<: *d, a: 2}\n"
    document = parse_yaml(text, "f.yaml", RecordError)
    assert document.data == {"defaults": {"a": 1, "b": ["x", "y"]}, "one": {"a": 1, "b": ["x", "y"]},
                             "two": {"a": 2, "b": ["x", "y"]}}

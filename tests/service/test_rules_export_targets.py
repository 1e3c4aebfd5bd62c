"""``eligibility db rules export -o DIR`` where DIR cannot be a folder (a file is there, or under a file): a one-line
error naming it, exit 2 (was an internal error, exit 3), and nothing written beside it."""

from __future__ import annotations

from click.testing import CliRunner
from factories import RULES

from eligibility.cli import main


def test_an_output_that_is_a_file_is_a_one_line_error(tmp_path):
    db = tmp_path / "s.sqlite3"
    runner = CliRunner()
    assert runner.invoke(main, ["db", "rules", "import", str(RULES), "--db", str(db)]).exit_code == 0
    taken = tmp_path / "rules.yaml"
    taken.write_text("kept\n", encoding="utf-8")
    for out in (taken, taken / "sub"):
        result = runner.invoke(main, ["db", "rules", "export", "-o", str(out), "--db", str(db)])
        assert result.exit_code == 2, result.output
        assert result.stderr.startswith(f"eligibility: error: {out}: cannot write the rule files: ")
        assert len(result.stderr.strip().splitlines()) == 1
    assert taken.read_text(encoding="utf-8") == "kept\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rules.yaml", "s.sqlite3"]

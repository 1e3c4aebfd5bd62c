"""``roster --within N`` whose window reaches past the calendar's last day (9999-12-31) is a window to the end of
time, the same as ``--until 9999-12-31``: never an internal error."""

from __future__ import annotations

from click.testing import CliRunner
from factories import RULES, SAMPLES

from eligibility.cli import main

SAMPLE = str(SAMPLES / "ccwd.yaml")


def _roster(*args: str):
    return CliRunner().invoke(main, ["roster", SAMPLE, "--rules", str(RULES), *args])


def test_a_window_past_the_last_day_of_the_calendar_reaches_to_it():
    whole = _roster("--as-of", "2026-11-24", "--until", "9999-12-31")
    assert whole.exit_code == 0, whole.stderr
    assert "CCWD-005" in whole.stdout  # time met on 2028-09-03: inside the window
    for within in ("99999999w", "999999999999999999999d"):
        result = _roster("--as-of", "2026-11-24", "--within", within)
        assert result.exit_code == 0, result.stderr
        assert result.stdout == whole.stdout
    last_day = _roster("--as-of", "9999-12-31", "--within", "1d")
    assert last_day.exit_code == 0, last_day.stderr
    assert last_day.stdout == _roster("--as-of", "9999-12-31", "--until", "9999-12-31").stdout

"""A time requirement whose anniversary falls past 9999-12-31 (service starting in 9998, say) is a requirement not
reachable, counted in the same number of days as any other N years: never an internal error."""

from __future__ import annotations

from click.testing import CliRunner
from factories import RULES

from eligibility.cli import main
from eligibility.decide.timeline import Period, ServiceView

LATE = """\
agency: ccwd
positions: []
employees:
  - id: E1
    education: high_school
    licenses: [{kind: ca_driver_class_c, expires: 9999-12-31}]
    assignments:
      - {class: customer-service-specialist, level: I, start: 9998-01-01}
"""


def test_four_years_from_9998_are_1461_days_and_never_reached():
    from datetime import date

    view = ServiceView.of_periods([Period(date(9998, 1, 1), None, 1)], [], date(9999, 6, 1))
    credit = view.credit(4)
    assert (credit.first_day, credit.required_days, credit.met_on) == (date(9998, 1, 1), 1461, None)


def test_the_command_line_decides_such_a_record(tmp_path):
    roster = tmp_path / "late.yaml"
    roster.write_text(LATE, encoding="utf-8")
    result = CliRunner().invoke(main, ["roster", str(roster), "--rules", str(RULES), "--as-of", "9999-06-01"])
    assert result.exit_code == 0, result.stderr
    [row] = [line for line in result.stdout.splitlines() if line.startswith("E1 ")]
    assert "not_yet" in row
    assert "4 years of service as Customer Service Specialist I: not reachable from the current assignments" in row

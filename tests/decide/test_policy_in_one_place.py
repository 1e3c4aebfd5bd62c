"""Status policy is written once, in decide/policy.py: no other module lists status names, the key date has one rule
for decisions and flat report rows alike, and the no-target advice is one string read through the error's reason."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest

from eligibility.decide import policy
from eligibility.decide.decision import Decision
from eligibility.errors import NoTargetError
from eligibility.output.report import in_window, row, when_text
from eligibility.rules.schema import WhenNotHeld

PACKAGE = Path(policy.__file__).resolve().parents[1]
NAMES = frozenset(policy.ROW_STATUSES)
# The rule file's own vocabulary for an unmet condition ("when_not_held: needs_review"): rules/ sits below decide/
# and cannot import the policy; test_the_rule_files_when_not_held_is_the_blocked_grouping ties it to POLICY.
VOCABULARY = {("rules/schema.py", frozenset(WhenNotHeld.__args__))}


def status_collections(path: Path) -> list[tuple[int, list[str]]]:
    """(line, names) of every literal list, tuple or set (a ``Literal[...]`` subscript included) in a module that
    holds two or more status names. A dict keyed by status (a label or colour table) is a table, not a grouping."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
            names = [e.value for e in node.elts if isinstance(e, ast.Constant) and e.value in NAMES]
            if len(names) >= 2:
                found.append((node.lineno, names))
    return found


def test_the_scan_finds_a_status_list_written_out(tmp_path):
    module = tmp_path / "m.py"
    module.write_text('X = 1\nif s in ("not_yet", "awaiting_vacancy"):\n    pass\nT = Literal["error", "eligible"]\n'
                      'LABELS = {"eligible": "a", "not_yet": "b"}\nONE = ("eligible", "met")\n')
    assert status_collections(module) == [(2, ["not_yet", "awaiting_vacancy"]), (4, ["error", "eligible"])]


def test_no_module_but_the_policy_writes_out_a_list_of_status_names():
    offences = []
    for path in sorted(PACKAGE.rglob("*.py")):
        where = path.relative_to(PACKAGE).as_posix()
        if where == "decide/policy.py":
            continue
        for line, names in status_collections(path):
            if (where, frozenset(names)) not in VOCABULARY:
                offences.append(f"eligibility/{where}:{line}: {', '.join(names)}")
    assert offences == [], "status groupings belong in decide/policy.py:\n" + "\n".join(offences)


def test_the_rule_files_when_not_held_is_the_blocked_grouping():
    assert frozenset(WhenNotHeld.__args__) == policy.BLOCKED == {"ineligible", "needs_review"}


def test_the_groupings_read_from_the_table():
    assert policy.WAITING == {"not_yet", "awaiting_approval", "awaiting_vacancy"}
    assert policy.TIME_MET == {"eligible", "awaiting_approval", "awaiting_vacancy"}
    assert policy.AWAITING == {"awaiting_approval", "awaiting_vacancy"}
    assert policy.FOR_HR == {"needs_review", "error"}
    assert policy.ROW_STATUSES == ("eligible", "awaiting_approval", "awaiting_vacancy", "not_yet", "needs_review",
                                   "ineligible", "error", "not_applicable")
    assert set(policy.STATUSES) == policy.WAITING | policy.BLOCKED | {policy.ELIGIBLE}


DAY, LATER, OVERDUE = dt.date(2026, 3, 16), dt.date(2027, 5, 1), dt.date(2025, 8, 17)


@pytest.mark.parametrize("status, overdue, expected, dated", [
    ("eligible", None, ("eligible_on", DAY), DAY),
    ("awaiting_approval", None, ("time_met_on", LATER), LATER),
    ("awaiting_vacancy", None, ("time_met_on", LATER), LATER),
    ("not_yet", None, ("time_met_on", LATER), LATER),
    ("ineligible", None, None, None),
    ("needs_review", None, None, None),
    ("error", None, None, None),
    ("awaiting_approval", OVERDUE, ("review_overdue_since", OVERDUE), LATER),  # the review first; --within aside
])
def test_one_key_date_rule(status, overdue, expected, dated):
    assert policy.key_date(status, DAY, LATER, overdue) == expected
    assert policy.dated_day(status, DAY, LATER) == dated


def test_a_status_dated_by_a_missing_day_has_no_key_date():
    assert policy.key_date("eligible", None, LATER, None) is None
    assert policy.key_date("not_yet", DAY, "", "") is None


def decision(status: str, eligible_on=None, time_met_on=None, overdue=None) -> Decision:
    path = {"id": "p", "kind": "advancement", "status": status, "criteria": []}
    review = {"opens": dt.date(2020, 8, 17), "closes": overdue - dt.timedelta(days=1), "overdue_since": overdue} \
        if overdue else None
    return Decision.model_validate({
        "employee_id": "E-1", "as_of": dt.date(2026, 11, 24), "agency": "x", "current": None,
        "target": {"series": "s", "level": "II", "title": "Specialist II", "version": "1",
                   "version_effective": dt.date(2000, 1, 1), "pay": {}},
        "rules_version": "1", "status": status, "eligible_on": eligible_on, "time_met_on": time_met_on,
        "review": review, "best_path": "p", "paths": [path], "notes": [], "engine": "test"})


@pytest.mark.parametrize("d, words, table, dated", [
    (decision("eligible", DAY, DAY), ("eligible since", DAY), "eligible since 2026-03-16", DAY),
    (decision("awaiting_vacancy", None, DAY), ("time requirement met on", DAY), "time met on 2026-03-16", DAY),
    (decision("not_yet", LATER, LATER), ("time requirement met on", LATER), "time met on 2027-05-01", LATER),
    (decision("awaiting_approval", None, DAY, OVERDUE), ("review overdue since", OVERDUE),
     "review overdue since 2025-08-17", DAY),
    (decision("ineligible", None, DAY), None, "", None),
])
def test_decisions_and_their_flat_rows_agree_on_the_key_date(d, words, table, dated):
    assert d.key_date() == words
    flat = row(d)
    assert when_text(flat) == table
    assert flat["eligible_on"] == ("2026-03-16" if d.status == "eligible" else "")  # never 'eligible on' ahead
    for day in (DAY, LATER, OVERDUE):  # roster --within keeps the row by the day its status is dated by
        assert in_window(flat, day, day) is (day == dated)


def test_the_no_target_advice_is_written_once_and_read_through_reason():
    hits = [f"{p.relative_to(PACKAGE)}" for p in sorted(PACKAGE.rglob("*")) if p.is_file()
            and p.suffix in (".py", ".html", ".txt", ".yaml", ".md") for _ in
            range(p.read_text(encoding="utf-8").count("give another target"))]
    assert hits == ["errors.py"]
    error = NoTargetError("CCWD-009 holds the top level", employee_id="CCWD-009")
    assert error.reason == "CCWD-009 holds the top level"
    assert str(error) == f"CCWD-009 holds the top level; {NoTargetError.ADVICE}"

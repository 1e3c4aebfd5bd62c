"""Readings, round 3 (issue 23; docs/decisions.md, readings 11-17): each case as the issue writes it, decided by hand
(dates worked in the comments) and then by both deciders."""

from __future__ import annotations

import json

import pytest
from cli_world import SAMPLE
from cli_world import run_script as run
from factories import RULES, d, employee

from eligibility.decide.deciders import decider_named
from eligibility.decide.decision import Decision
from eligibility.decide.evaluator import Evaluator

CSS = "customer-service-specialist"
CSR = "customer-service-representative"
JB = "customer-support-specialist"


@pytest.fixture(scope="module", params=["durable_rules", "python"])
def ev(request):
    with Evaluator.from_dir(RULES, decider=decider_named(request.param)) as evaluator:
        yield evaluator


def decide(ev, agency: str, as_of: str, to: str | None = None, positions=(), **fields) -> Decision:
    return ev.evaluate(employee(**fields), d(as_of), agency=agency, to=to, positions=positions)


def crit(decision: Decision, path_id: str, cid: str):
    return next(c for c in next(p for p in decision.paths if p.id == path_id).criteria if c.id == cid)


# -- item 3: check at the top of a series -------------------------------------------------------------------------
def test_check_at_the_top_of_the_series_is_not_applicable_as_roster_says():
    done = run("check", SAMPLE, "CCWD-008", "--as-of", "2026-11-24", "--format", "json")
    assert done.returncode == 0, done.stderr
    row = next(r for r in json.loads(run("roster", SAMPLE, "--as-of", "2026-11-24", "--format", "json").stdout)
               if r["employee_id"] == "CCWD-008")
    assert json.loads(done.stdout) == row
    assert row["kind"] == "not_applicable" and row["reason"] == (
        "already at the top level (II), Customer Service Specialist II, of the Customer Service Specialist series")
    text = run("check", SAMPLE, "CCWD-008", "--as-of", "2026-11-24")
    assert text.returncode == 0 and text.stderr == ""
    assert text.stdout.splitlines()[1] == f"  Status:    not_applicable: {row['reason']}"

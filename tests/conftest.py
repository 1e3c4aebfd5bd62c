"""Shared fixtures: the shipped rules, one evaluator per test session, and an employee-record factory."""

from __future__ import annotations

import pytest

from eligibility.decide.evaluator import Evaluator

from factories import RULES, SAMPLES, SPECS, ROOT, d, employee  # noqa: F401  (re-exported for older imports)

pytest_plugins = ["pytester"]  # tests/authoring/test_scenarios.py runs the rule-test plugin in a pytest of its own


@pytest.fixture(scope="session")
def evaluator():
    with Evaluator.from_dir(RULES) as ev:
        yield ev

"""The decide tests' evaluator over the shipped rules, once per decider: durable_rules and the plain-Python oracle
(a reading is right only when both give it)."""

from __future__ import annotations

import pytest
from factories import RULES

from eligibility.decide.deciders import decider_named
from eligibility.decide.evaluator import Evaluator


@pytest.fixture(scope="module", params=["durable_rules", "python"])
def ev(request):
    with Evaluator.from_dir(RULES, decider=decider_named(request.param)) as evaluator:
        yield evaluator

"""Decisions stay byte-identical: SHA-256 digests of every decision's JSON, pinned from the code before the engine
derived criteria itself (main at f3dbbc6), on the four samples and on generated rosters, for several as-of dates; and
the durable_rules decider gives the same bytes as the plain-Python oracle (but for the engine's name)."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

import pytest
from factories import RULES, SAMPLES, generated_employees

from eligibility.decide.deciders import OracleDecider
from eligibility.decide.decision import Decision, DecisionError
from eligibility.decide.evaluator import Evaluator
from eligibility.records.models import Position

AGENCIES = ["ccwd", "csr-district", "jbwd", "cas-district"]
SAMPLE_DATES = ["2018-03-01", "2021-06-30", "2024-02-29", "2026-11-24", "2029-01-15"]
GENERATED_DATES = ["2022-07-01", "2026-11-24", "2031-03-01"]

# Computed with the code of f3dbbc6 (durable_rules deciding path statuses only, criteria in criteria.py), by the
# functions below run on that tree (``git archive f3dbbc6``; OracleDecider did not exist: its import left out); the
# sample digests with record lines written as N, on the samples of f3dbbc6 (the same digests as on today's samples,
# whose records name their supervisors since):
PINNED = {
    "sample ccwd": "10094451ce93a92addfb2d3c6742d8a2dbdf42d85f505fae1b86e652c07b8af6",
    "generated ccwd": "31406e725b94e69e509a1c2769f0dd256121e851b6db1ec04c57093cefad891b",
    "sample csr-district": "b3244ee843093424de718def4b7137aaadfc27aee9b2a7e709739951edc1b043",
    "generated csr-district": "98525453651d52180f716573d63674c263bc4c49ce8e5ff8cc7359365b85f512",
    "sample jbwd": "1969453ad83f198697a89d3b4a4706c073fabb5ec85a57a59b46249cfe5397f7",
    "generated jbwd": "3ba2ab5bf8f8b00f74fb996acf89b4a35d1903b6564b2cb190831863ed7fe534",
    "sample cas-district": "d8dc7eef9ce758bb62076d941c748d08c49c0720cca003fa716668d98ff71125",
    "generated cas-district": "9b5b51b9d153a6cae2015434295b15a3f9437f9035caa432dbb1aaefc93f6846",
}


def _text(item, engine_name: str | None = None) -> str:
    if isinstance(item, Decision):
        text = item.to_json()
        return text if engine_name is None else text.replace(f'"engine": "{item.engine}"', f'"engine": "{engine_name}"')
    if isinstance(item, DecisionError):
        return item.model_dump_json()
    return f"error: {item}"


def sample_digest(ev: Evaluator, agency: str, engine_name: str | None = None, samples=SAMPLES) -> str:
    roster = ev.load_roster(samples / f"{agency}.yaml")
    digest = hashlib.sha256()
    for day in SAMPLE_DATES:
        for item in ev.evaluate_roster(roster, dt.date.fromisoformat(day)):
            # a record error names the roster's path: the digest does not depend on where the checkout is
            # nor on the record's line (the samples gained supervisor lines after f3dbbc6; the decisions did not change)
            text = re.sub(r"\.yaml:\d+: ", ".yaml:N: ", _text(item, engine_name).replace(f"{samples}/", ""))
            digest.update(text.encode() + b"\n")
    return digest.hexdigest()


def generated_digest(ev: Evaluator, agency: str, count: int = 600, seed: int = 13,
                     engine_name: str | None = None) -> str:
    header, employees = generated_employees(ev.books[agency], count, seed)
    positions = [Position.model_validate(p) for p in header.get("positions", [])]
    digest = hashlib.sha256()
    for day in GENERATED_DATES:
        for item in ev.evaluate_many(employees, dt.date.fromisoformat(day), agency=agency, positions=positions):
            digest.update(_text(item, engine_name).encode() + b"\n")
    return digest.hexdigest()


@pytest.fixture(scope="module")
def oracle():
    with Evaluator.from_dir(RULES, decider=OracleDecider()) as ev:
        yield ev


@pytest.mark.parametrize("agency", AGENCIES)
def test_sample_decisions_are_byte_identical_to_before(evaluator, agency):
    assert sample_digest(evaluator, agency) == PINNED[f"sample {agency}"]


@pytest.mark.parametrize("agency", AGENCIES)
def test_generated_decisions_are_byte_identical_to_before(evaluator, agency):
    assert generated_digest(evaluator, agency) == PINNED[f"generated {agency}"]


@pytest.mark.parametrize("agency", AGENCIES)
def test_the_oracle_gives_the_same_bytes_but_for_its_name(oracle, agency):
    name = "durable_rules 2.0.28"
    assert sample_digest(oracle, agency, engine_name=name) == PINNED[f"sample {agency}"]
    assert generated_digest(oracle, agency, engine_name=name) == PINNED[f"generated {agency}"]
    # and on a roster of another seed and size, which no digest above pinned
    with Evaluator.from_dir(RULES) as durable:
        assert generated_digest(oracle, agency, 800, 77, engine_name=name) == generated_digest(durable, agency, 800, 77)

"""The plain-Python oracle against durable_rules, two separate implementations of the same readings: the same
decision, byte for byte but for the engine's name, on generated employees of every agency; and the grading rules."""

from __future__ import annotations

import datetime as dt

import pytest
from factories import RULES
from factories import generated_employees
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eligibility.decide.compiler import grading_table
from eligibility.decide.deciders import DurableRulesDecider, OracleDecider
from eligibility.decide.decision import CriterionResult
from eligibility.decide.engine import InferenceEngine
from eligibility.decide.evaluator import Evaluator
from eligibility.decide.oracle import decide, path_status
from eligibility.decide.policy import PREFERENCE, SEVERITY
from eligibility.errors import EvaluationError
from eligibility.records.models import Employee, Position
from eligibility.scale import generate

AGENCIES = ["ccwd", "csr-district", "jbwd", "cas-district"]


@pytest.fixture(scope="module")
def pair():
    with Evaluator.from_dir(RULES, decider=DurableRulesDecider()) as rules_engine, \
            Evaluator.from_dir(RULES, decider=OracleDecider()) as oracle:
        yield rules_engine, oracle


@pytest.fixture(scope="module")
def grading(pair):
    """The grading and best-path rules alone (criterion outcomes given as facts), with ccwd's grading table."""
    with InferenceEngine(grading_table(pair[0].books["ccwd"]), PREFERENCE, label="oracle-test") as engine:
        yield engine


def _valid(book, seed: int, count: int) -> list[Employee]:
    return generated_employees(book, count, seed)[1]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(agency=st.sampled_from(AGENCIES), seed=st.integers(0, 10**6),
       as_of=st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31)), vacant=st.booleans())
def test_durable_rules_and_the_oracle_agree(pair, agency, seed, as_of, vacant):
    rules_engine, oracle = pair
    header, _ = generate.generate(rules_engine.books[agency], 1, seed)
    positions = [Position.model_validate({**p, "vacant": p["vacant"] or vacant}) for p in header.get("positions", [])]
    employees = _valid(rules_engine.books[agency], seed, 12)
    by_rules = rules_engine.evaluate_many(employees, as_of, agency=agency, positions=positions)
    by_oracle = oracle.evaluate_many(employees, as_of, agency=agency, positions=positions)
    for employee, a, b in zip(employees, by_rules, by_oracle):
        if isinstance(a, EvaluationError):
            assert isinstance(b, EvaluationError) and str(a) == str(b)
            continue
        assert a.engine == "durable_rules 2.0.28" and b.engine == "python oracle"
        # every field: statuses, dates, best path, each criterion's met flag, date, evidence, missing phrase, notes
        assert a.model_dump(exclude={"engine"}) == b.model_dump(exclude={"engine"}), employee.id


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(agency=st.sampled_from(AGENCIES), seed=st.integers(0, 10**6),
       as_of=st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31)), data=st.data())
def test_they_agree_on_every_level_as_a_target(pair, agency, seed, as_of, data):
    """Not only the next level: every level of the series with a path into it, including levels of older versions."""
    rules_engine, oracle = pair
    book = rules_engine.books[agency]
    targets = sorted({f"{s.id}:{lv.id}" for s in book.rulebook.series for v in s.versions for lv in v.levels if lv.paths})
    to = data.draw(st.sampled_from(targets))
    employees = _valid(book, seed, 8)
    by_rules = rules_engine.evaluate_many(employees, as_of, agency=agency, to=to)
    by_oracle = oracle.evaluate_many(employees, as_of, agency=agency, to=to)
    for employee, a, b in zip(employees, by_rules, by_oracle):
        if isinstance(a, EvaluationError):
            assert isinstance(b, EvaluationError) and str(a) == str(b)
            continue
        assert a.model_dump(exclude={"engine"}) == b.model_dump(exclude={"engine"}), (employee.id, to)


def _crit(category: str, met, met_on=None) -> CriterionResult:
    return CriterionResult(id=f"{category}-{met}", kind="education", category=category, description="x", met=met,
                           met_on=met_on, source={"document": "d", "section": "s", "quote": "q"})


@pytest.mark.parametrize("criteria, expected", [
    ([_crit("time", True), _crit("hard", True)], "eligible"),
    ([_crit("endorsement", False), _crit("time", True)], "awaiting_approval"),
    ([_crit("vacancy", False), _crit("endorsement", False)], "awaiting_vacancy"),
    ([_crit("time", False), _crit("vacancy", False)], "not_yet"),
    ([_crit("time", False), _crit("hard", False)], "ineligible"),
    ([_crit("hard", False), _crit("time", None)], "needs_review"),
])
def test_status_precedence(criteria, expected):
    assert path_status(criteria) == expected


def test_best_path_prefers_status_then_earlier_date_then_order():
    soon, late = dt.date(2027, 1, 1), dt.date(2028, 1, 1)
    outcome = decide([("a", [_crit("time", False, late)]), ("b", [_crit("time", False, soon)]),
                      ("c", [_crit("hard", None)])])
    assert outcome.best_path == "b"
    assert outcome.path_severity == {"a": SEVERITY["not_yet"], "b": SEVERITY["not_yet"], "c": SEVERITY["needs_review"]}
    never = decide([("a", [_crit("time", False, None)]), ("b", [_crit("time", False, late)])])
    assert never.best_path == "b"  # a time requirement that can never be met sorts last
    tie = decide([("a", [_crit("hard", False)]), ("b", [_crit("hard", False)])])
    assert tie.best_path == "a"


# -- the engine alone: random paths, batches across session boundaries ----------------------------
CATEGORIES = ("time", "hard", "vacancy", "endorsement")
criterion = st.tuples(st.sampled_from(CATEGORIES), st.sampled_from([True, False, None]),
                      st.one_of(st.none(), st.dates(dt.date(2000, 1, 1), dt.date(2040, 1, 1))))
employee_paths = st.lists(st.lists(criterion, min_size=1, max_size=9), min_size=1, max_size=4)


def _inputs(paths):
    from eligibility.decide.engine import UNREACHABLE, PathInput

    out = []
    for i, crits in enumerate(paths):
        if any(cat == "time" and met is not True and on is None for cat, met, on in crits):
            projected = UNREACHABLE
        else:
            projected = max((on.toordinal() for _, _, on in crits if on is not None), default=0)
        out.append(PathInput(f"p{i}", tuple((cat, "null" if met is None else str(met).lower())
                                            for cat, met, _ in crits), projected))
    return out


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(batch=st.lists(employee_paths, min_size=1, max_size=30))
def test_batched_sessions_decide_like_the_oracle_and_like_one_session_each(grading, batch, monkeypatch):
    import eligibility.decide.engine as engine_module

    engine = grading
    monkeypatch.setattr(engine_module, "MAX_BATCH", 7)  # several sessions per call, boundaries included
    together = engine.evaluate_many([_inputs(paths) for paths in batch])
    alone = [engine.evaluate(_inputs(paths)) for paths in batch]
    for paths, a, b in zip(batch, together, alone):
        expected = decide([(f"p{i}", [_crit(cat, met, on) for cat, met, on in crits]) for i, crits in enumerate(paths)])
        assert (a.path_severity, a.best_path) == (b.path_severity, b.best_path)
        assert (a.path_severity, a.best_path) == (expected.path_severity, expected.best_path)


def test_fact_ids_never_share_a_hash_within_a_session(grading, monkeypatch):
    # durable_rules keys a session's facts by the 32-bit FNV-1a hash of their ids: two ids with the same
    # hash (such as these two) make it refuse the second fact, so the engine hands out ids that never collide
    import eligibility.decide.engine as engine_module
    from eligibility.decide.engine import _IDS, _Batch, fnv1a32

    assert fnv1a32("f6059") == fnv1a32("f264602")
    assert fnv1a32("1aa9") == fnv1a32("25054")  # the first collision among the hex counters
    ids = _IDS.upto(200_000)
    assert "1aa9" in ids and "25054" not in ids  # the later of two colliding ids is never handed out
    assert len({fnv1a32(i) for i in ids}) == len(ids)
    batch = _Batch("1", [])
    batch._skip = 1  # as if the session's state fact hashed like the second id
    assert [f["id"] for f in batch.identify([{}, {}])] == [ids[0], ids[2]]
    assert [f["sid"] for f in batch.identify([{}])] == ["1"]

    engine = grading
    seen: dict[str, list[str]] = {}
    original = engine._rules.assert_facts  # every batch and every derived fact goes through it

    def spy(facts):
        for fact in facts:
            seen.setdefault(fact["sid"], []).append(fact["id"])
        return original(facts)
    monkeypatch.setattr(engine._rules, "assert_facts", spy)
    monkeypatch.setattr(engine_module, "MAX_BATCH", 50)
    batch_inputs = [_inputs([[("time", True, None), ("hard", False, None)], [("endorsement", None, None)]])] * 120
    assert len(engine.evaluate_many(batch_inputs)) == 120
    assert len(seen) == 3  # 50 + 50 + 20 employees
    for sid, ids in seen.items():
        hashes = [fnv1a32(i) for i in ids] + [fnv1a32(f"sid-{sid}")]
        assert len(set(hashes)) == len(hashes)
        assert len(ids) > 50 * 4 or sid == max(seen, key=int)  # the derived facts were given ids too

"""The order facts reach durable_rules in does not change what it derives.

Absence is derived by counting (eligibility.decide.ruleset): every candidate of a criterion falls in exactly one class,
and the criterion is decided when all of its candidates are counted. This test makes the facts of a session arrive
shuffled, in several pieces, with the engine run to quiescence between pieces (so rules fire before later facts
exist, as ``$not`` would need them not to), the employees of the batch in another order, and every action's derived
facts shuffled; every derived outcome (met, day, the rule that fired, the facts that support it), every path status
and the best path must be what the ordinary session derives. A second test runs the same harness on the design the
counting replaces -- one rule counting every candidate "seen", others only recording matches -- and finds the
orders in which it decides wrongly: the harness does catch order dependence.
"""

from __future__ import annotations

import copy
import datetime as dt
import random

from factories import d, employee
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eligibility.decide import tallies
from eligibility.decide.engine import InferenceEngine, _Batch
from eligibility.decide.facts import ask
from eligibility.decide.ruleset import CompiledRuleset
from eligibility.records.models import Employee, Position
from eligibility.scale import generate

AGENCIES = ["ccwd", "csr-district", "jbwd", "cas-district"]


def _cases(evaluator, agency: str, seed: int, as_of: dt.date, count: int = 10):
    """Generated employees of the agency (the malformed ones left out), prepared for the durable_rules decider."""
    header, records = generate.generate(evaluator.books[agency], count, seed)
    positions = tuple(Position.model_validate(p) for p in header.get("positions", []))
    cases = []
    for raw in records:
        try:
            cases.append(evaluator._prepare(Employee.model_validate(raw), as_of, agency, positions, None).case)
        except Exception:  # malformed on purpose, or no target (top of the series)
            continue
    return cases


def _asked(evaluator, agency: str, cases):
    compiled = evaluator.compiled(agency)
    shared: dict = {}
    return [ask(compiled.ruleset.plan(c.target.series_id, c.target.version, c.target.level), c.employee, c.as_of,
                c.positions, compiled.series_kinds, shared) for c in cases]


def _signature(outcome) -> tuple:
    """What the engine derived for one employee, without the fact ids (which depend on the order facts get them)."""
    criteria = sorted((code, o.met, o.m, o.reason, sorted((cls, s[1], s[2]) for cls, ss in o.supports.items() for s in ss))
                      for code, o in outcome.criteria.items())
    return criteria, sorted(outcome.opens.items()), sorted(outcome.path_severity.items()), outcome.best_path


def _in_pieces(engine: InferenceEngine, asked, rng: random.Random, pieces: int) -> list:
    """One session whose facts arrive shuffled, in ``pieces`` asserts, each run to quiescence before the next; the
    facts each action derives are shuffled too."""
    state = _Batch(f"shuffled-{rng.random()}", [a.paths for a in asked], engine._fields.values(), asked)
    facts = state.identify(engine._asked_facts(asked))
    rng.shuffle(facts)
    cuts = sorted(rng.sample(range(1, len(facts)), min(pieces - 1, len(facts) - 1)))
    original = engine._assert

    def shuffled(batch, derived):
        rng.shuffle(derived)
        original(batch, derived)
    engine._assert = shuffled
    try:
        for start, end in zip([0, *cuts], [*cuts, len(facts)]):
            handle = engine._rules.assert_facts(facts[start:end])
            if handle is not None:
                engine._rules.run(handle, state)
    finally:
        engine._assert = original
        engine._rules.delete_state(state.sid)
    return state.outcomes


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(agency=st.sampled_from(AGENCIES), seed=st.integers(0, 10**6), as_of=st.dates(d("2019-01-01"), d("2031-12-31")),
       order=st.randoms(use_true_random=False), pieces=st.integers(1, 12))
def test_fact_order_does_not_change_what_the_engine_derives(evaluator, agency, seed, as_of, order, pieces):
    cases = _cases(evaluator, agency, seed, as_of)
    if not cases:
        return
    engine = evaluator.decider.engine(evaluator.compiled(agency))
    expected = [_signature(o) for o in engine.decide(_asked(evaluator, agency, cases))]
    permutation = list(range(len(cases)))
    order.shuffle(permutation)  # the employees of the batch in another order, so their facts carry other indexes
    got = _in_pieces(engine, _asked(evaluator, agency, [cases[k] for k in permutation]), order, pieces)
    for place, k in enumerate(permutation):
        assert _signature(got[place]) == expected[k], cases[k].employee.id
    # and alone in a session of its own: what others in the batch are does not matter either
    alone = order.randrange(len(cases))
    assert _signature(engine.decide(_asked(evaluator, agency, [cases[alone]]))[0]) == expected[alone]


def test_a_session_in_one_piece_matches_the_ordinary_one(evaluator):
    # the harness itself: with one piece and no shuffling it is the engine's own session
    cases = _cases(evaluator, "ccwd", 7, d("2026-11-24"))
    engine = evaluator.decider.engine(evaluator.compiled("ccwd"))
    expected = [_signature(o) for o in engine.decide(_asked(evaluator, "ccwd", cases))]

    class Unshuffled(random.Random):
        def shuffle(self, x, *args):  # keep every order as it is
            return None
    got = _in_pieces(engine, _asked(evaluator, "ccwd", cases), Unshuffled(1), 1)
    assert [_signature(o) for o in got] == expected


# -- the design counting replaces, to show the harness catches order dependence --------------------------------------
def _seen_and_match(ruleset: CompiledRuleset) -> CompiledRuleset:
    """The license criteria rewritten as 'one rule counts every candidate seen, the others record matches': the
    criterion closes when the seen count reaches n, whether or not the match rules have fired yet."""
    mutant = copy.deepcopy(ruleset)
    for name, spec in list(mutant.rules.items()):
        action = spec["action"]
        if action["do"] != "count" or mutant.questions[action["c"]].kind != "license":
            continue
        if action["as"] == "other":  # now: every license, whatever its kind or dates
            conds = spec["all"][0]["x"]["$and"]
            spec["all"][0]["x"]["$and"] = [conds[0], conds[1]]
        else:
            spec["action"] = {**action, "do": "note"}
    return mutant


def _note(questions, **action):
    """Record a match without counting it (the mutant's match rules)."""
    cls, code = action["as"], action["c"]

    def derive(batch, frames):
        for frame in frames:
            x = frame["x"]
            tally = batch.tallies.setdefault((x.get("e"), code), tallies.Tally())
            tally.supports.setdefault(cls, []).append((x["id"], x["j"], x.get("d")))
        return []
    return derive


def test_the_harness_catches_the_seen_and_match_design(evaluator, monkeypatch):
    monkeypatch.setitem(tallies.ACTIONS, "note", _note)
    compiled = evaluator.compiled("csr-district")
    lic = [{"kind": "ca_driver_class_c", "expires": "2020-01-01"}, {"kind": "ca_driver_class_c", "expires": "2031-01-01"}]
    worker = employee(id="W", education="high_school", licenses=lic,
                      assignments=[{"class": "customer-service-representative", "level": "I", "start": "2015-01-05"}])
    case = evaluator._prepare(worker, d("2026-11-24"), "csr-district", (), None).case
    licence_codes = [code for code, q in compiled.ruleset.questions.items() if q.kind == "license"
                     and q.uid.startswith(f"{case.target.series_id}/{case.target.version.id}/{case.target.level.id}/")]
    with InferenceEngine.for_ruleset(compiled.ruleset) as sound, \
            InferenceEngine.for_ruleset(_seen_and_match(compiled.ruleset)) as mutant:
        outcomes = {}
        for name, engine in (("sound", sound), ("mutant", mutant)):
            seen = set()
            for seed in range(40):
                got = _in_pieces(engine, _asked(evaluator, "csr-district", [case]), random.Random(seed), 3)[0]
                seen.add(tuple(got.criteria[code].met for code in licence_codes))
            outcomes[name] = seen
    assert outcomes["sound"] == {("true",) * len(licence_codes)}  # held: one licence is valid, in every order
    assert len(outcomes["mutant"]) > 1, outcomes  # the mutant decides differently as the order changes
    assert ("true",) * len(licence_codes) in outcomes["mutant"]  # right in some orders, wrong in others

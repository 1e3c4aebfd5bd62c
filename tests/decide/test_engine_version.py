"""The engine version recorded in the decision log moves with the readings (issue 23): replaying an entry written by
the engine before them reports a change of engine, not an altered entry."""

from __future__ import annotations

import datetime as dt

from factories import RULES, SAMPLES

import eligibility
from eligibility.audit import log as audit_log
from eligibility.audit.log import DecisionLog, engine_version
from eligibility.audit.replay import replay
from eligibility.decide.evaluator import Evaluator

OLD = "eligibility 0.1.0; durable_rules 2.0.28"


def test_the_recorded_engine_version_is_the_package_s():
    assert eligibility.__version__ == "0.2.0"
    assert engine_version() == "eligibility 0.2.0; durable_rules 2.0.28"


def test_replaying_an_entry_of_the_previous_engine_reports_the_engine_change(tmp_path, monkeypatch):
    with Evaluator.from_dir(RULES) as ev:
        roster = ev.load_roster(SAMPLES / "ccwd.yaml")
        decision = next(d for d in ev.evaluate_roster(roster, dt.date(2026, 11, 24)) if d.employee_id == "CCWD-005")
        # what the engine of 0.1.0 decided for CCWD-005, a CSS I meeting CSS II's minimum qualifications, before
        # reading 14: awaiting a vacancy by open entry (the JSON it logged, bytes its own)
        before = decision.model_copy(update={"status": "awaiting_vacancy", "best_path": "open_entry",
                                             "eligible_on": None})
        monkeypatch.setattr(audit_log, "engine_version", lambda: OLD)
        with DecisionLog.open(str(tmp_path / "log.db"), create=True) as logged:
            [entry] = logged.record([before], roster, ev.books, actor="test")
        monkeypatch.undo()
        assert entry.engine_version == OLD
        with DecisionLog.open(str(tmp_path / "log.db")) as logged:
            assert logged.verify().intact  # the entry is as it was written: not altered
            [outcome] = replay(logged, ev, [roster]).outcomes
    assert outcome.result == "differs" and outcome.message.startswith(
        f"same inputs, different decision (recorded by {OLD}, replayed by eligibility 0.2.0; durable_rules 2.0.28): ")

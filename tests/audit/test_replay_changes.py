"""Issue 25 item 1, below the service: the criteria whose result differs between a logged and a replayed decision,
each in words, its JSON path kept apart (``audit.replay.criterion_changes``)."""

from __future__ import annotations

import datetime as dt

from eligibility.audit.replay import criterion_changes
from eligibility.records.models import Endorsement

from factories import SAMPLES

AS_OF = dt.date(2026, 11, 24)


def _decided(evaluator, employee):
    return evaluator.evaluate(employee, AS_OF, agency="ccwd").to_json()


def test_an_approval_added_is_one_change_in_words_with_its_json_path(evaluator):
    roster = evaluator.load_roster(str(SAMPLES / "ccwd.yaml"))
    before = roster.find("CCWD-002")
    given = [Endorsement(kind="recommendation", by="office_manager", date=dt.date(2026, 11, 2),
                         toward="customer-service-specialist:II"),
             Endorsement(kind="approval", by="general_manager", date=dt.date(2026, 11, 5),
                         toward="customer-service-specialist:II")]
    after = before.model_copy(update={"endorsements": [*before.endorsements, *given]})
    changes = criterion_changes(_decided(evaluator, before), _decided(evaluator, after))
    assert [(c.criterion, c.met_before, c.met_after, c.field) for c in changes] == [
        ("recommendation_office_manager", False, True, "paths[0].criteria[3]"),
        ("approval_general_manager", False, True, "paths[0].criteria[4]")]
    assert changes[1].sentence == "Approval by the General Manager: not met when logged, met on 2026-11-05 now."
    assert changes[1].by == "general_manager" and changes[1].toward == "customer-service-specialist:II"
    assert criterion_changes(_decided(evaluator, before), _decided(evaluator, before)) == []
    assert criterion_changes("not json", _decided(evaluator, before)) == []

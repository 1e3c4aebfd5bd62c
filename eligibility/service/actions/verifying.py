"""Verifying both logs of the store, for the auditor's JSON route and page alike: the decision log and the activity
log, each against the anchors given for it and the store's log key."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .. import activity
from ..core import Anchor, AuditError, Verification, parse_anchor
from ..db import Database

MAX_ANCHORS = 20
SEPARATORS = re.compile(r"[\s,]+")


def parse_anchors(text: str | None) -> list[Anchor]:
    """Anchors as ``audit verify`` prints them (``SEQ:SHA256``, ``activity:SEQ:SHA256``), separated by spaces,
    commas or line breaks; AuditError names the first that is not one."""
    found = [parse_anchor(part) for part in SEPARATORS.split(text or "") if part]
    if len(found) > MAX_ANCHORS:
        raise AuditError(f"give at most {MAX_ANCHORS} anchors at a time")
    return found


@dataclass(frozen=True)
class LogsVerified:
    """Both logs as verified; ``intact`` only when both hold."""

    decisions: Verification
    activity: Verification

    @property
    def intact(self) -> bool:
        return self.decisions.intact and self.activity.intact


def verify_logs(db: Database, anchors: list[Anchor]) -> LogsVerified:
    """Each log walked and checked against its own anchors and, when the service has one, the log key."""
    with db.decision_log() as log:
        decisions = log.verify(anchors=[(a.seq, a.digest) for a in anchors if a.kind == "decision"])
    actions = activity.verify(db, anchors=[(a.seq, a.digest) for a in anchors if a.kind == "activity"], key=db.key)
    return LogsVerified(decisions, actions)


__all__ = ["LogsVerified", "parse_anchors", "verify_logs"]

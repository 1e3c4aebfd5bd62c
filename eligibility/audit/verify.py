"""Verifying a decision log: the chain, its recorded head, an anchor, the head's signature and the triggers."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from eligibility.audit.key import LogKey
from eligibility.audit.store import (
    COLUMNS,
    GENESIS,
    HEAD_HMAC,
    META,
    NULLABLE,
    Store,
    describe,
    entry_hash,
)
from eligibility.errors import AuditError

Reason = Literal["edited", "link_broken", "missing", "truncated", "appended", "anchor_mismatch", "head_missing",
                 "head_malformed", "signature_missing", "signature_mismatch", "triggers"]
HEX = frozenset("0123456789abcdef")


class Break(BaseModel):
    """One finding: where (the entry, when the finding is about one) and why the log does not hold."""

    seq: int | None
    decision_id: str | None
    reason: Reason
    message: str


class Verification(BaseModel):
    """What ``verify`` found: ``first_break`` is the first of ``findings`` (chain breaks come first)."""

    log: str
    entries: int
    intact: bool
    head_seq: int
    head_hash: str
    key_checked: bool = False
    first_break: Break | None = None
    findings: list[Break] = []

    @property
    def intact_through(self) -> int | None:
        """Entries 1 to this one are known good (None when no finding names an entry)."""
        known = [f.seq for f in self.findings if f.seq is not None]
        return max(min(known) - 1, 0) if known else None


def _malformed_column(row: dict) -> str | None:
    for column in COLUMNS:
        value = row[column]
        expected = int if column == "seq" else str
        if not (isinstance(value, expected) or (value is None and column in NULLABLE)):
            return f"column {column} holds {type(value).__name__}, not {expected.__name__}"
    return None


def _check_row(row: dict, expected_seq: int, prev_hash: str) -> Break | None:
    seq, did = row["seq"], row["decision_id"]
    did = did if isinstance(did, str) else None
    if seq != expected_seq:
        if seq > expected_seq:
            gone = f"entry {expected_seq}" if seq == expected_seq + 1 else f"entries {expected_seq} to {seq - 1}"
            where = (f"the chain starts at entry {seq}" if expected_seq == 1 else
                     f"the chain goes from entry {expected_seq - 1} to entry {seq}")
            return Break(seq=expected_seq, decision_id=None, reason="missing",
                         message=f"{gone} missing: {where} (deleted rows)")
        return Break(seq=seq, decision_id=did, reason="link_broken",
                     message=f"entry {seq} appears where entry {expected_seq} should be (reordered rows)")
    if row["prev_hash"] != prev_hash:
        return Break(seq=seq, decision_id=did, reason="link_broken",
                     message=f"entry {seq} does not follow entry {seq - 1}: its previous-entry hash does not match "
                             f"(an earlier row was replaced, deleted or reordered)")
    malformed = _malformed_column(row)
    if malformed or entry_hash(row) != row["entry_hash"]:
        detail = f" ({malformed})" if malformed else ""
        return Break(seq=seq, decision_id=did, reason="edited",
                     message=f"entry {seq} does not match its hash: the row was edited after it was recorded{detail}")
    return None


def _shown(value: str) -> str:
    return repr(value if len(value) <= 40 else value[:40] + "...")


def recorded_head(meta: dict[str, str]) -> tuple[tuple[int, str] | None, Break | None]:
    """The head (seq, hash) the meta table records, or the finding that says why there is none."""
    absent = [k for k in ("head_seq", "head_hash") if k not in meta]
    if absent:
        return None, Break(seq=None, decision_id=None, reason="head_missing",
                           message=f"the recorded head is missing: {' and '.join(absent)} deleted from {META} "
                                   f"(truncation and appended rows cannot be checked)")
    seq, digest = meta["head_seq"], meta["head_hash"]
    problem = (f"head_seq {_shown(seq)} is not a number" if not (seq.isascii() and seq.isdigit()) else
               f"head_hash {_shown(digest)} is not a SHA-256 hex digest" if len(digest) != 64 or set(digest) - HEX
               else "head 0 (an empty log) must have the hash of 64 zeros" if int(seq) == 0 and digest != GENESIS
               else None)
    if problem:
        return None, Break(seq=None, decision_id=None, reason="head_malformed",
                           message=f"the recorded head is malformed: {problem}")
    return (int(seq), digest), None


def _head_findings(head: tuple[int, str], last_seq: int, seen: dict[int, str]) -> list[Break]:
    """The rows against the recorded head: cut off after it, replaced at it, or appended beyond it."""
    head_seq, head_hash = head
    if head_seq > last_seq:
        return [Break(seq=last_seq + 1, decision_id=None, reason="truncated",
                      message=f"the log ends at entry {last_seq} but {head_seq} entries were recorded "
                              f"(entries {last_seq + 1} to {head_seq} deleted)")]
    if seen.get(head_seq, GENESIS) != head_hash:
        return [Break(seq=head_seq, decision_id=None, reason="link_broken",
                      message=f"entry {head_seq} differs from the head recorded with it (rows replaced)")]
    if last_seq > head_seq:
        rows = (f"entry {last_seq} was", "a forged row") if last_seq == head_seq + 1 else (
            f"entries {head_seq + 1} to {last_seq} were", "forged rows")
        return [Break(seq=head_seq + 1, decision_id=None, reason="appended",
                      message=f"{rows[0]} added after the recorded head (entry {head_seq}) without updating it "
                              f"({rows[1]})")]
    return []


def _anchor_finding(anchor: tuple[int, str], last_seq: int, seen: dict[int, str]) -> list[Break]:
    seq, digest = anchor
    if seq > last_seq:
        return [Break(seq=seq, decision_id=None, reason="truncated",
                      message=f"anchor entry {seq} is not in the log (it ends at entry {last_seq})")]
    if seen.get(seq) != digest.lower():
        return [Break(seq=seq, decision_id=None, reason="anchor_mismatch",
                      message=f"entry {seq} hash is {seen.get(seq)}, not the anchored {digest}: the log up to "
                              f"entry {seq} was rewritten")]
    return []


def _signature_finding(key: LogKey, head: tuple[int, str], signature: str | None) -> list[Break]:
    if signature is None:
        return [Break(seq=None, decision_id=None, reason="signature_missing",
                      message=f"the recorded head is not signed ({HEAD_HMAC} missing from {META}): it was written "
                              f"without a key, or its signature was deleted")]
    if not key.verify(*head, signature):
        return [Break(seq=None, decision_id=None, reason="signature_mismatch",
                      message="the head signature does not match the key: the log and its head were rewritten "
                              "without the key, or the key is not the one the log was written with")]
    return []


def verify_store(store: Store, anchor: tuple[int, str] | None = None, key: LogKey | None = None) -> Verification:
    """Walk the chain from the first entry and check it against the recorded head, an anchor and the key."""
    with store.snapshot():  # the head and the rows as of one moment, even while another process appends
        meta = store.meta()
        head, head_problem = recorded_head(meta)
        expected, prev, count, problem = 1, GENESIS, 0, None
        seen: dict[int, str] = {}
        checkpoints = {s for s in (head[0] if head else 0, anchor[0] if anchor else 0) if s}
        for row in store.rows():
            count += 1
            problem = _check_row(row, expected, prev)
            if problem:
                break
            if row["seq"] in checkpoints:
                seen[row["seq"]] = row["entry_hash"]
            expected, prev = row["seq"] + 1, row["entry_hash"]
        triggers = store.trigger_problems()
    last_seq = expected - 1
    findings = [problem] if problem else []
    if head_problem:
        findings.append(head_problem)
    elif not problem:
        findings += _head_findings(head, last_seq, seen)
    if anchor and not problem:
        findings += _anchor_finding(anchor, last_seq, seen)
    if key is not None and head is not None:
        findings += _signature_finding(key, head, meta.get(HEAD_HMAC))
    findings += [Break(seq=None, decision_id=None, reason="triggers", message=text) for text in triggers]
    return Verification(log=describe(store.location), entries=count, intact=not findings, head_seq=last_seq,
                        head_hash=prev, key_checked=key is not None, first_break=findings[0] if findings else None,
                        findings=findings)


def parse_anchor(text: str) -> tuple[int, str]:
    """``SEQ:SHA256`` as printed by ``audit verify``."""
    seq, sep, digest = text.partition(":")
    if not sep or not seq.isdigit() or len(digest) != 64 or any(c not in "0123456789abcdefABCDEF" for c in digest):
        raise AuditError(f"anchor {text!r} must be SEQ:SHA256 (as printed by 'eligibility audit verify')")
    return int(seq), digest.lower()


__all__ = ["Break", "Verification", "verify_store", "recorded_head", "parse_anchor"]

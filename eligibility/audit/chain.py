"""The one hash chain both logs are built on: the decision log (eligibility.audit.log) and the service's activity
log (eligibility.service.activity).

It owns how an entry is hashed and linked to the one before it, the recorded head and its HMAC signature, anchors
(``SEQ:SHA256`` for the decision log, ``activity:SEQ:SHA256`` for the activity log), and the verification of a
chain against all of them. Each log supplies a ``Chain`` (its hashed fields, where its head is kept), its rows and
its trigger checks; everything else is here, so the two logs are verified alike.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Callable, Iterable, Literal, NamedTuple, Protocol, Sequence

from pydantic import BaseModel

from eligibility.errors import AuditError

GENESIS = "0" * 64  # the "previous hash" of the first entry
HEX = frozenset("0123456789abcdef")
Kind = Literal["decision", "activity"]
Reason = Literal["edited", "link_broken", "missing", "truncated", "appended", "anchor_mismatch", "head_missing",
                 "head_malformed", "signature_missing", "signature_mismatch", "triggers"]


def utc_now() -> str:
    """The time an entry is recorded: UTC, to the microsecond, ``YYYY-MM-DDTHH:MM:SS.ffffffZ``."""
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class HeadSigner(Protocol):
    """What a chain needs of a log key (eligibility.audit.key.LogKey)."""

    def sign(self, seq: int, digest: str, log_format: str = ...) -> str: ...

    def verify(self, seq: int, digest: str, signature: str, log_format: str = ...) -> bool: ...


@dataclass(frozen=True)
class Chain:
    """One log's chain: the fields its entry hash covers, how its JSON is written, and where its head is kept."""

    kind: Kind  # which log an anchor names
    name: str  # in messages: "decision log", "activity log"
    format: str  # named in the signed head, so one log's signature never fits the other's head
    hashed: tuple[str, ...]  # every stored column but entry_hash (seq and prev_hash included)
    ascii: bool  # True: non-ASCII escaped as \\uXXXX (the activity log); False: written as UTF-8 (the decision log)
    meta: str  # the table of key/value rows holding the head
    head_keys: tuple[str, str, str]  # the meta keys of the head's seq, hash and signature

    def entry_hash(self, fields: dict) -> str:
        """SHA-256 of the canonical JSON (sorted keys, no spaces) of the hashed fields, as docs/audit.md defines."""
        text = json.dumps({k: fields[k] for k in self.hashed}, sort_keys=True, separators=(",", ":"),
                          ensure_ascii=self.ascii)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def anchor(self, seq: int, digest: str) -> str:
        """The anchor of entry ``seq``, as ``audit verify`` prints it and ``--anchor`` takes it."""
        return f"{'activity:' if self.kind == 'activity' else ''}{seq}:{digest}"

    def head_rows(self, seq: int, digest: str, key: HeadSigner | None) -> list[tuple[str, str]]:
        """The meta rows that record a new head (and its signature, with a key)."""
        seq_key, hash_key, hmac_key = self.head_keys
        rows = [(seq_key, str(seq)), (hash_key, digest)]
        if key is not None:
            rows.append((hmac_key, key.sign(seq, digest, self.format)))
        return rows

    def append_refusal(self, meta: dict[str, str], last_seq: int, last_hash: str, key: HeadSigner | None
                       ) -> str | None:
        """Why nothing may be chained onto these rows (None: go ahead): rows the recorded head does not cover, a
        signed head and no key, or a key that did not sign it."""
        seq_key, hash_key, hmac_key = self.head_keys
        if (meta.get(seq_key), meta.get(hash_key)) != (str(last_seq), last_hash):
            return f"its last entry ({last_seq}) is not its recorded head; run 'eligibility audit verify'"
        signature = meta.get(hmac_key)
        if signature is not None and key is None:
            return "its head is signed; give the log key (--key-file or ELIGIBILITY_LOG_KEY_FILE)"
        if signature is not None and key is not None and not key.verify(last_seq, last_hash, signature, self.format):
            return ("its head signature does not match the key given (wrong key, or the head was rewritten); "
                    "run 'eligibility audit verify'")
        return None


class Anchor(NamedTuple):
    """An entry's hash, copied somewhere the log's writers cannot change, to prove the log up to it later."""

    kind: Kind
    seq: int
    digest: str

    def __str__(self) -> str:
        return f"{'activity:' if self.kind == 'activity' else ''}{self.seq}:{self.digest}"


def parse_anchor(text: str) -> Anchor:
    """``SEQ:SHA256`` (the decision log's) or ``activity:SEQ:SHA256`` (the activity log's), as ``audit verify``
    prints them."""
    body = text.strip()
    kind: Kind = "decision"
    if body.lower().startswith("activity:"):
        kind, body = "activity", body[len("activity:"):]
    seq, sep, digest = body.partition(":")
    if not sep or not seq.isascii() or not seq.isdigit() or len(digest) != 64 or set(digest.lower()) - HEX:
        raise AuditError(f"anchor {text!r} must be SEQ:SHA256 or activity:SEQ:SHA256 (as printed by "
                         f"'eligibility audit verify')")
    return Anchor(kind, int(seq), digest.lower())


class Break(BaseModel):
    """One finding: where (the entry, when the finding is about one) and why the log does not hold."""

    seq: int | None
    decision_id: str | None  # the decision log's entry id; None in the activity log
    reason: Reason
    message: str


class Verification(BaseModel):
    """What verifying a chain found: ``first_break`` is the first of ``findings`` (chain breaks come first)."""

    log: str
    entries: int
    intact: bool
    head_seq: int
    head_hash: str
    key_checked: bool = False
    first_break: Break | None = None
    findings: list[Break] = []
    kind: Kind = "decision"
    anchor: str | None = None  # the head as an anchor, when intact and not empty

    @property
    def intact_through(self) -> int | None:
        """Entries 1 to this one are known good (None when no finding names an entry)."""
        known = [f.seq for f in self.findings if f.seq is not None]
        return max(min(known) - 1, 0) if known else None

    def lines(self) -> list[str]:
        """What ``audit verify`` prints for this log."""
        count = f"{self.entries} entr{'y' if self.entries == 1 else 'ies'}"
        signed = "; head signature valid" if self.key_checked else ""
        if self.kind == "activity":
            if self.intact:
                return [f"{self.log}: activity log intact, {count}{signed}"] + (
                    [f"activity anchor: {self.anchor}"] if self.anchor else [])
            lines = [f"{self.log}: activity log TAMPERED: {f.message}" for f in self.findings]
        else:
            if self.intact:
                return [f"{self.log}: chain intact, {count}{signed}"] + (
                    [f"anchor: {self.anchor}"] if self.anchor else [])
            lines = [f"{self.log}: TAMPERED: {f.message}" + (f" (decision {f.decision_id})" if f.decision_id else "")
                     for f in self.findings]
        intact = self.intact_through
        if intact is not None:
            lines.append(f"entries 1 to {intact} are intact" if intact else "no entry before it")
        return lines


# -- verification --------------------------------------------------------------------------------------------
def _check_row(chain: Chain, row: dict, expected_seq: int, prev_hash: str,
               malformed: Callable[[dict], str | None] | None) -> Break | None:
    seq, did = row["seq"], row.get("decision_id")
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
    problem = malformed(row) if malformed else None
    if problem or chain.entry_hash(row) != row["entry_hash"]:
        detail = f" ({problem})" if problem else ""
        return Break(seq=seq, decision_id=did, reason="edited",
                     message=f"entry {seq} does not match its hash: the row was edited after it was recorded{detail}")
    return None


def _shown(value: str) -> str:
    return repr(value if len(value) <= 40 else value[:40] + "...")


def recorded_head(chain: Chain, meta: dict[str, str]) -> tuple[tuple[int, str] | None, Break | None]:
    """The head (seq, hash) the meta table records, or the finding that says why there is none."""
    seq_key, hash_key, _ = chain.head_keys
    absent = [k for k in (seq_key, hash_key) if k not in meta]
    if absent:
        return None, Break(seq=None, decision_id=None, reason="head_missing",
                           message=f"the recorded head is missing: {' and '.join(absent)} deleted from {chain.meta} "
                                   f"(truncation and appended rows cannot be checked)")
    seq, digest = meta[seq_key], meta[hash_key]
    problem = (f"{seq_key} {_shown(seq)} is not a number" if not (seq.isascii() and seq.isdigit()) else
               f"{hash_key} {_shown(digest)} is not a SHA-256 hex digest" if len(digest) != 64 or set(digest) - HEX
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


def _signature_finding(chain: Chain, key: HeadSigner, head: tuple[int, str], signature: str | None) -> list[Break]:
    if signature is None:
        return [Break(seq=None, decision_id=None, reason="signature_missing",
                      message=f"the recorded head is not signed ({chain.head_keys[2]} missing from {chain.meta}): it "
                              f"was written without a key, or its signature was deleted")]
    if not key.verify(*head, signature, chain.format):
        return [Break(seq=None, decision_id=None, reason="signature_mismatch",
                      message="the head signature does not match the key: the log and its head were rewritten "
                              "without the key, or the key is not the one the log was written with")]
    return []


def verify_chain(chain: Chain, *, log: str, meta: dict[str, str], rows: Iterable[dict],
                 anchors: Sequence[tuple[int, str]] = (), key: HeadSigner | None = None,
                 triggers: Callable[[], list[str]] = list,
                 malformed: Callable[[dict], str | None] | None = None) -> Verification:
    """Walk the rows from the first entry (in seq order) and check them against the recorded head in ``meta``,
    the anchors and the key; ``triggers`` names what is wrong with the append-only triggers. The caller reads
    ``meta`` and ``rows`` as of one moment (one snapshot)."""
    head, head_problem = recorded_head(chain, meta)
    expected, prev, count, problem = 1, GENESIS, 0, None
    seen: dict[int, str] = {}
    checkpoints = {s for s in [head[0] if head else 0, *(a[0] for a in anchors)] if s}
    for row in rows:
        count += 1
        problem = _check_row(chain, row, expected, prev, malformed)
        if problem:
            break
        if row["seq"] in checkpoints:
            seen[row["seq"]] = row["entry_hash"]
        expected, prev = row["seq"] + 1, row["entry_hash"]
    trigger_problems = triggers()
    last_seq = expected - 1
    findings = [problem] if problem else []
    if head_problem:
        findings.append(head_problem)
    elif not problem:
        findings += _head_findings(head, last_seq, seen)
    if not problem:
        for anchor in anchors:
            findings += _anchor_finding(anchor, last_seq, seen)
    if key is not None and head is not None:
        findings += _signature_finding(chain, key, head, meta.get(chain.head_keys[2]))
    findings += [Break(seq=None, decision_id=None, reason="triggers", message=text) for text in trigger_problems]
    return Verification(log=log, entries=count, intact=not findings, head_seq=last_seq, head_hash=prev,
                        key_checked=key is not None, first_break=findings[0] if findings else None,
                        findings=findings, kind=chain.kind,
                        anchor=chain.anchor(last_seq, prev) if last_seq and not findings else None)


__all__ = ["Anchor", "Break", "Chain", "GENESIS", "HeadSigner", "Verification", "parse_anchor", "recorded_head",
           "utc_now", "verify_chain"]

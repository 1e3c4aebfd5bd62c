"""Verifying a decision log: its rows, recorded head and triggers read in one snapshot and checked by the chain
(eligibility.audit.chain), with each column's type checked too."""

from __future__ import annotations

from typing import Sequence

from eligibility.audit.chain import Break, HeadSigner, Verification, parse_anchor, verify_chain
from eligibility.audit.store import COLUMNS, DECISIONS, NULLABLE, Store, describe


def _malformed_column(row: dict) -> str | None:
    for column in COLUMNS:
        value = row[column]
        expected = int if column == "seq" else str
        if not (isinstance(value, expected) or (value is None and column in NULLABLE)):
            return f"column {column} holds {type(value).__name__}, not {expected.__name__}"
    return None


def verify_store(store: Store, anchor: tuple[int, str] | None = None, key: HeadSigner | None = None, *,
                 anchors: Sequence[tuple[int, str]] = ()) -> Verification:
    """Walk the chain from the first entry and check it against the recorded head, the anchors and the key."""
    with store.snapshot():  # the head and the rows as of one moment, even while another process appends
        return verify_chain(DECISIONS, log=describe(store.location), meta=store.meta(), rows=store.rows(),
                            anchors=[*([anchor] if anchor else []), *anchors], key=key,
                            triggers=store.trigger_problems, malformed=_malformed_column)


__all__ = ["Break", "Verification", "verify_store", "parse_anchor"]

"""The streaming core every roster reader shares: records checked one at a time, ids seen, the header validated."""

from __future__ import annotations

import hashlib
from array import array
from dataclasses import dataclass, field
from typing import Any, Iterator

from eligibility.errors import RecordError
from eligibility.records.models import Position, check_record, roster_from_document
from eligibility.rules.documents import Document

Item = tuple[int, Any]  # (line, Employee | RecordError)


class SeenIds:
    """A compact set of employee ids (64-bit BLAKE2 hashes, open addressing) remembering each id's line.

    12 bytes a slot, at most 3 slots in 4 used: about 16 MB per million employees (24 MB while growing).
    """

    def __init__(self) -> None:
        self._keys = array("Q", bytes(8 * 1024))
        self._lines = array("I", bytes(4 * 1024))
        self._count = 0

    @staticmethod
    def _hash(text: str) -> int:
        return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "little") or 1

    def _slot(self, key: int) -> int:
        mask = len(self._keys) - 1
        slot = key & mask
        while self._keys[slot] and self._keys[slot] != key:
            slot = (slot + 1) & mask
        return slot

    def find(self, employee_id: str) -> int | None:
        """The line ``employee_id`` was first seen on, or None."""
        slot = self._slot(self._hash(employee_id))
        return self._lines[slot] if self._keys[slot] else None

    def add(self, employee_id: str, line: int) -> int | None:
        """Remember ``employee_id``; return the line it was first seen on if it was already there."""
        if 4 * (self._count + 1) > 3 * len(self._keys):
            self._grow()
        key = self._hash(employee_id)
        slot = self._slot(key)
        if self._keys[slot]:
            return self._lines[slot]
        self._keys[slot], self._lines[slot] = key, min(line, 0xFFFFFFFF)
        self._count += 1
        return None

    def _grow(self) -> None:
        """Double the table, moving entries one by one (no list of them is ever built)."""
        old_keys, old_lines = self._keys, self._lines
        size = 2 * len(old_keys)
        self._keys = array("Q", bytes(8 * size))
        self._lines = array("I", bytes(4 * size))
        mask = size - 1
        for index, key in enumerate(old_keys):
            if key:
                slot = key & mask
                while self._keys[slot]:
                    slot = (slot + 1) & mask
                self._keys[slot], self._lines[slot] = key, old_lines[index]

    def __len__(self) -> int:
        return self._count


@dataclass
class RosterStream:
    """A roster being read: its header now, its records (``(line, Employee | RecordError)``) as they come."""

    path: str
    agency: str
    positions: list[Position]
    items: Iterator[Item]
    more_errors: list[RecordError] = field(default_factory=list)  # a record's further problems, once read


class RecordChecker:
    """Per-record validation shared by every format: the same checks and messages as records.roster_from_document."""

    def __init__(self, path: str, series: set[str] | None, duplicates: dict[int, int] | None = None) -> None:
        self.path = path
        self.series = series
        self.seen = SeenIds()
        self.duplicates = duplicates  # precomputed (Parquet partitions): record index -> line of the first

    def check(self, raw: Any, index: int, doc: Document, line: int) -> Any:
        """The Employee of record ``index`` (on ``line``), or its RecordError; a valid record's id is then seen."""
        if self.duplicates is None:
            first_line_of = self.seen.find
        else:
            first_line_of = lambda _id: self.duplicates.get(index)  # noqa: E731
        item = check_record(raw, index, doc, line, self.series, first_line_of, path=self.path)
        if not isinstance(item, RecordError):
            self.seen.add(item.id, line)  # like the whole-file loader: only valid records count as seen
        return item


def check_header(data: Any, doc: Document, known_series: dict[str, set[str]] | None) -> tuple[str, list[Position]]:
    """Validate agency and positions exactly as the whole-file loader does."""
    if not isinstance(data, dict):
        raise RecordError("a roster must be a mapping with agency, positions and employees", file=doc.path, line=1)
    roster = roster_from_document(Document(doc.path, {**data, "employees": []}, doc.positions, doc.texts),
                                  known_series)
    return roster.agency, roster.positions


def series_of(agency: str, known_series: dict[str, set[str]] | None) -> set[str] | None:
    """The class series the rules know for ``agency`` (None when no rules are given: nothing is cross-checked)."""
    return known_series.get(agency) if known_series is not None else None

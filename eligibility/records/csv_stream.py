"""CSV rosters read one employee at a time: the three-file layout of docs/csv-records.md, streamed.

The history file must list each employee's rows together, in the order of the employees file (as
``write_roster_csv`` and ``eligibility generate`` write them). Files, rows and cells are read and checked by
eligibility.records.tabular, the code of the whole-file loader (header, cell counts, the agency, UTF-8, each
employee from its rows): a file the whole-file loader refuses is refused here too, in a first pass before
anything is decided.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Iterator

from eligibility.errors import RecordError
from eligibility.records import tabular
from eligibility.records.stream_core import Item, RecordChecker, RosterStream, series_of


def csv_stream(path: str, known_series: dict[str, set[str]] | None) -> RosterStream:
    """Open a CSV roster (its employees file; the history and positions files beside it) for streaming."""
    people_path = Path(path)
    tabular.refuse_companion(people_path)
    history_path, positions_path = tabular.companions(path)
    people, rows = tabular.open_people(people_path)
    agency = tabular.agency_of(people, rows, known_series)
    series = series_of(agency, known_series)
    positions = tabular.load_positions(positions_path, series)
    for _ in _grouped(people_path, history_path):  # the whole history file, checked before any decision
        pass
    checker = RecordChecker(path, series)

    def items() -> Iterator[Item]:
        for people, row, history, rows in _grouped(people_path, history_path):
            if isinstance(rows, RecordError):  # a history row whose employee_id is empty or not UTF-8
                yield row.line, rows
                continue
            error = tabular.id_error(people, row, lambda emp_id: checker.seen.add(emp_id, row.line))
            yield row.line, error or tabular.employee_from_rows(people, row, history, rows, checker.series)

    return RosterStream(path, agency, positions, items())


def _grouped(people_path: Path, history_path: Path) -> Iterator[tuple]:
    """(people table, employee row, history table, that employee's history rows) in file order, and (..., row,
    ..., RecordError) for a history row that belongs to no one; a history row that does not follow its
    employee's order is refused with its line."""
    people, people_rows = tabular.open_people(people_path)
    history, history_rows = tabular.open_history(history_path)
    pending = next(history_rows, None)
    for row in itertools.chain(people_rows, [None]):
        mine = []
        while pending is not None:
            error = tabular.orphan(history, pending)
            if error:
                yield people, pending, history, error
            elif row is not None and pending.cells["employee_id"] == row.cells["id"]:
                mine.append(pending)
            else:
                break
            pending = next(history_rows, None)
        if row is not None:
            yield people, row, history, mine
    if pending is not None:
        raise RecordError(f"history row for employee {pending.cells['employee_id']!r} is out of order: streaming a "
                          f"CSV roster needs each employee's history rows together, in the order of "
                          f"{people_path.name} (sort the history file by that order), and every employee_id in "
                          f"{people_path.name}", file=history_path, line=pending.line, field="employee_id")

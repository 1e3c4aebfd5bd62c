"""Fuzzing what test_fuzz_readers.py does not reach (issue 22, item 10): Parquet rosters, decision logs, proposals and
salary schedules; and, in process and so by the thousand, mutated YAML, CSV and JSONL rosters read and decided.

The property everywhere: the only way out is the project's own — a result, or an ``EligibilityError`` (the CLI's
exit 1 or 2) — never another exception (the CLI's exit 3, an internal error), and no input takes 10 s or more.
An input is read as the commands read it: ``roster`` (streamed, then decided and rendered), ``check`` and
``report`` (read whole, by records.streaming.read_roster); a log by ``audit verify`` and ``audit show``; a
proposal and a schedule by ``reclass``. The default suite tries a small sample of each; ``pytest -m fuzz_long``
tries 20,500 inputs (docs/reliability.md has the figures and the command).
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import tempfile
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from factories import ROOT, RULES, SAMPLES
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from eligibility.cli import main
from eligibility.decide.evaluator import Evaluator
from eligibility.errors import EligibilityError
from eligibility.output.writers import render
from eligibility.reclass.impact import assess
from eligibility.reclass.proposal import load_proposal
from eligibility.reclass.salary import load_schedule
from eligibility.records.models import load_roster
from eligibility.records.streaming import open_roster, read_roster
from eligibility.scale import generate
from test_fuzz_readers import mutated, mutated_rosters

pa = pytest.importorskip("pyarrow", reason="Parquet needs pyarrow (pip install '.[scale]')")
import pyarrow.parquet as pq  # noqa: E402

AS_OF = dt.date(2026, 11, 24)
BASE = settings(deadline=None, database=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture])
LONG = settings(BASE, derandomize=False)
SLOW = 10.0  # seconds: an input taking longer is a hang
EVALUATOR = Evaluator.from_dir(RULES)
KNOWN = EVALUATOR.known_series()

# -- the inputs mutated ---------------------------------------------------------------------------------------------
_header, _records = generate.generate(EVALUATOR.books["ccwd"], 6, 7)
_folder = Path(tempfile.mkdtemp(prefix="fuzz-parquet-"))
generate.write(_folder / "r.parquet", _header, iter(list(_records)), row_group=2)
PARQUET = (_folder / "r.parquet").read_bytes()
PROPOSALS = {name: (ROOT / "proposals" / name).read_bytes() for name in ("ccwd-2017-css.yaml", "jbwd-css-range.yaml")}
SCHEDULE = (ROOT / "proposals" / "salary-schedule-illustrative.yaml").read_bytes()
ROSTER_OF = {"ccwd-2017-css.yaml": load_roster(SAMPLES / "ccwd.yaml"), "jbwd-css-range.yaml":
             load_roster(SAMPLES / "jbwd.yaml")}


def _log() -> bytes:
    folder = Path(tempfile.mkdtemp(prefix="fuzz-log-"))
    log = folder / "log.db"
    result = CliRunner().invoke(main, ["roster", str(SAMPLES / "ccwd.yaml"), "--rules", str(RULES), "--as-of",
                                       AS_OF.isoformat(), "--record", "--log", str(log)])
    assert result.exit_code == 0, result.output
    sqlite3.connect(log).execute("PRAGMA wal_checkpoint(TRUNCATE)").close()
    return log.read_bytes()


LOG = _log()


class Timed:
    """Fails the test when the block takes SLOW seconds or more (a hang); counts what the block ended in."""

    def __enter__(self) -> "Timed":
        self.start = time.monotonic()
        return self

    def __exit__(self, kind, exc, tb) -> bool:
        took = time.monotonic() - self.start
        assert took < SLOW, f"took {took:.1f} s"
        if kind is None:
            event("done")
            return False
        if issubclass(kind, EligibilityError):
            event(f"refused: {type(exc).__name__}")
            return True
        return False  # anything else is an internal error: the test fails with it


# -- rosters, read and decided as the commands do -------------------------------------------------------------------
def decide_as_the_commands_do(path: Path) -> None:
    with Timed():  # roster: the stream, decided and rendered
        stream = open_roster(path, KNOWN)
        for item in EVALUATOR.evaluate_items(stream.items, AS_OF, agency=stream.agency, positions=stream.positions,
                                             path=stream.path):
            render(item)
    with Timed():  # check and report: the whole roster
        read_roster(path, KNOWN)


@st.composite
def damaged_parquet(draw) -> bytes:
    """A valid Parquet roster with bytes flipped, cut, inserted or zeroed anywhere (pages, footer, metadata)."""
    data = bytearray(PARQUET)
    for _ in range(draw(st.integers(1, 4))):
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        action = draw(st.sampled_from(["flip", "flip", "zero", "cut", "insert", "tail"]))
        if action == "flip" and data:
            data[at] ^= draw(st.integers(1, 255))
        elif action == "zero":
            data[at:at + draw(st.integers(1, 64))] = bytes(min(64, len(data) - at))
        elif action == "cut":
            del data[at:at + draw(st.integers(1, 200))]
        elif action == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=16))
        else:  # the footer: its length, its magic, the schema and the header metadata live there
            tail = len(data) - draw(st.integers(1, min(600, len(data))))
            data[tail] ^= draw(st.integers(1, 255))
    return bytes(data)


JSON_TEXT = st.sampled_from([json.dumps(r) for r in _records if isinstance(r, dict)] + [
    "", "null", "[]", "{}", "1", '"x"', "{", '{"id": 1}', '{"id": "A", "id": "B"}', '{"id": "\\ud800"}',
    '{"id": "E", "assignments": [{"class": "customer-service-specialist", "level": "I", "start": 0}]}',
    '{"id": "E", "assignments": [{"class": "customer-service-specialist", "level": "I", "start": "2020-01-01", '
    '"fte": 1e999}]}', "[" * 200, "9" * 5000])


@st.composite
def odd_parquet(draw) -> bytes:
    """A Parquet file built with pyarrow from odd parts: columns missing, renamed or of other types, nulls, any
    record text, a header that is not a roster header, row groups of any size."""
    rows = draw(st.integers(0, 6))
    ids = draw(st.lists(st.one_of(st.none(), st.sampled_from(["E1", "E2", " E1", "E\u0301", "1"]), st.text(max_size=5)),
                        min_size=rows, max_size=rows))
    records = draw(st.lists(st.one_of(st.none(), JSON_TEXT), min_size=rows, max_size=rows))
    columns = {"id": pa.array(ids, pa.string()), "record": pa.array(records, pa.string())}
    for name in draw(st.lists(st.sampled_from(["id", "record"]), max_size=2, unique=True)):
        change = draw(st.sampled_from(["drop", "int", "binary", "rename", "list"]))
        if change == "drop":
            columns.pop(name)
        elif change == "int":
            columns[name] = pa.array(list(range(rows)), pa.int64())
        elif change == "binary":
            columns[name] = pa.array([(x or "").encode() for x in records], pa.binary())
        elif change == "rename":
            columns[name.upper()] = columns.pop(name)
        else:
            columns[name] = pa.array([[x] for x in ids], pa.list_(pa.string()))
    header = draw(st.one_of(st.just(json.dumps({"agency": "ccwd", "positions": _header["positions"]})),
                            st.sampled_from(["", "{}", "[]", "not json", '{"agency": "nope"}', '{"agency": "ccwd", '
                                             '"positions": [{"id": 1}]}', '{"agency": "ccwd", "employees": []}']),
                            st.text(max_size=20)))
    metadata = {} if draw(st.integers(0, 9)) == 0 else {b"eligibility.header": header.encode("utf-8", "surrogatepass")}
    table = pa.table(columns).replace_schema_metadata(metadata)
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, row_group_size=draw(st.integers(1, 4)))
    return sink.getvalue().to_pybytes()


def _parquet_prop(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "r.parquet"
        path.write_bytes(data)
        decide_as_the_commands_do(path)


PARQUET_INPUTS = st.one_of(damaged_parquet(), odd_parquet())
test_parquet_rosters = settings(BASE, max_examples=30)(given(PARQUET_INPUTS)(_parquet_prop))
test_parquet_rosters_long = pytest.mark.fuzz_long(settings(LONG, max_examples=2000)(given(PARQUET_INPUTS)(
    _parquet_prop)))


def _roster_prop(fmt: str):
    def prop(files: dict[str, bytes]) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            for name, data in files.items():
                (Path(tmp) / name).write_bytes(data)
            decide_as_the_commands_do(Path(tmp) / f"r.{fmt}")

    return prop


def _in_process(fmt: str, fast: int, long: int):
    strategy = mutated_rosters(fmt)
    return (settings(BASE, max_examples=fast)(given(strategy)(_roster_prop(fmt))),
            pytest.mark.fuzz_long(settings(LONG, max_examples=long)(given(strategy)(_roster_prop(fmt)))))


test_yaml_rosters_in_process, test_yaml_rosters_in_process_long = _in_process("yaml", 20, 5000)
test_csv_rosters_in_process, test_csv_rosters_in_process_long = _in_process("csv", 20, 5000)
test_jsonl_rosters_in_process, test_jsonl_rosters_in_process_long = _in_process("jsonl", 20, 5000)


# -- decision logs ------------------------------------------------------------------------------------------------
@st.composite
def damaged_log(draw) -> bytes:
    data = bytearray(LOG)
    for _ in range(draw(st.integers(1, 3))):
        if not data:  # cut to nothing: an empty file
            break
        at = draw(st.integers(0, len(data) - 1))
        action = draw(st.sampled_from(["flip", "flip", "bad-utf8", "zero", "cut"]))
        if action == "flip":
            data[at] ^= draw(st.integers(1, 255))
        elif action == "bad-utf8":
            data[at] = draw(st.sampled_from([0xFF, 0xC3, 0x80, 0xED]))
        elif action == "zero":
            data[at:at + 512] = bytes(min(512, len(data) - at))
        else:
            del data[at:]
    return bytes(data)


def _log_prop(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "log.db"
        log.write_bytes(data)
        for command in ("verify", "show"):
            start = time.monotonic()
            result = CliRunner().invoke(main, ["audit", command, str(log)])
            assert time.monotonic() - start < SLOW
            if result.exception is not None and not isinstance(result.exception, SystemExit):
                raise AssertionError(f"audit {command}: an exception escaped") from result.exception
            assert result.exit_code in (0, 1, 2), (command, result.output)
            event(f"audit {command} exit {result.exit_code}")


test_decision_logs = settings(BASE, max_examples=20)(given(damaged_log())(_log_prop))
test_decision_logs_long = pytest.mark.fuzz_long(settings(LONG, max_examples=1500)(given(damaged_log())(_log_prop)))


# -- proposals and salary schedules ---------------------------------------------------------------------------------
@st.composite
def mutated_proposal(draw) -> tuple[str, bytes]:
    name = draw(st.sampled_from(sorted(PROPOSALS)))
    return name, draw(mutated(PROPOSALS[name]))


def _proposal_prop(case: tuple[str, bytes]) -> None:
    name, data = case
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        with Timed():
            assess(load_proposal(path), EVALUATOR.books, ROSTER_OF[name], as_of=AS_OF)


def _schedule_prop(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "schedule.yaml"
        path.write_bytes(data)
        with Timed():
            schedule = load_schedule(path)
            assess(load_proposal(ROOT / "proposals" / "jbwd-css-range.yaml"), EVALUATOR.books,
                   ROSTER_OF["jbwd-css-range.yaml"], as_of=AS_OF, schedule=schedule)


AMOUNTS = [b"1e29", b"1.0e+308", b".inf", b".nan", b"-1", b"0.001", b"1_000.00", b"99999999999999999999.99", b"0x10"]
SCHEDULES = st.one_of(mutated(SCHEDULE), st.sampled_from(AMOUNTS).map(
    lambda amount: SCHEDULE.replace(b"8: [4179.00,", b"8: [" + amount + b",")))
test_proposals = settings(BASE, max_examples=10)(given(mutated_proposal())(_proposal_prop))
test_proposals_long = pytest.mark.fuzz_long(settings(LONG, max_examples=1000)(given(mutated_proposal())(
    _proposal_prop)))
test_salary_schedules = settings(BASE, max_examples=15)(given(SCHEDULES)(_schedule_prop))
test_salary_schedules_long = pytest.mark.fuzz_long(settings(LONG, max_examples=1000)(given(SCHEDULES)(
    _schedule_prop)))

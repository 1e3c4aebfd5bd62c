"""Streaming rosters: records read lazily in every format, the same decisions as whole-file loading, results written as they come."""

from __future__ import annotations

import datetime as dt
import inspect
import io
import itertools
import json
import subprocess
import sys
from pathlib import Path

import pytest
from factories import RULES, SAMPLES

from eligibility.decide.decision import DecisionError
from eligibility.errors import RecordError
from eligibility.output import report, writers
from eligibility.output.writers import ResultWriter
from eligibility.records.streaming import SeenIds, open_roster
from eligibility.scale import generate

AS_OF = dt.date(2026, 11, 24)
SCRIPT = Path(sys.executable).parent / "eligibility"


@pytest.fixture(scope="module")
def generated(evaluator, tmp_path_factory):
    """One generated csr-district roster in every format (with its malformed records)."""
    folder = tmp_path_factory.mktemp("rosters")
    header, records = generate.generate(evaluator.books["csr-district"], 400, 9)
    records = list(records)
    formats = ["yaml", "jsonl", "csv"] + (["parquet"] if _has("pyarrow") else [])
    for fmt in formats:
        generate.write(folder / f"r.{fmt}", header, iter(records), row_group=100)
    return folder, formats


def _has(module: str) -> bool:
    try:
        __import__(module)
    except ImportError:
        return False
    return True


def _decide(evaluator, path):
    stream = open_roster(path, evaluator.known_series())
    return list(evaluator.evaluate_items(stream.items, AS_OF, agency=stream.agency, positions=stream.positions,
                                  path=stream.path))


def test_every_format_gives_the_same_decisions(evaluator, generated):
    folder, formats = generated
    results = {fmt: _decide(evaluator, folder / f"r.{fmt}") for fmt in formats}
    decided = {fmt: [i.model_dump_json() for i in items if not isinstance(i, DecisionError)]
               for fmt, items in results.items()}
    assert len(results["yaml"]) == 400
    for fmt in formats:
        if fmt != "csv":  # in CSV a duplicated id also takes the history rows of its duplicate (as whole-file)
            assert decided[fmt] == decided["yaml"], fmt
        assert [i for i in results[fmt] if isinstance(i, DecisionError) and i.kind == "record_error"] != []
    whole_csv = list(evaluator.evaluate_roster(evaluator.load_roster(folder / "r.csv"), AS_OF))
    assert writers.roster_jsonl(results["csv"]) == writers.roster_jsonl(whole_csv)


def test_streamed_yaml_matches_the_whole_file_loader_byte_for_byte(evaluator, generated):
    folder, _ = generated
    whole = list(evaluator.evaluate_roster(evaluator.load_roster(folder / "r.yaml"), AS_OF))
    streamed = _decide(evaluator, folder / "r.yaml")
    assert writers.roster_jsonl(streamed) == writers.roster_jsonl(whole)


@pytest.mark.parametrize("name", ["ccwd.yaml", "csr-district.yaml", "jbwd.yaml", "cas-district.yaml"])
def test_sample_rosters_stream_to_the_same_bytes(evaluator, name):
    whole = list(evaluator.evaluate_roster(evaluator.load_roster(SAMPLES / name), AS_OF))
    assert writers.roster_json(_decide(evaluator, SAMPLES / name)) == writers.roster_json(whole)


def test_readers_are_lazy_generators(evaluator, tmp_path):
    # structure, not timing: the reader is a generator, and records before a broken line come out first
    path = tmp_path / "r.jsonl"
    header, records = generate.generate(evaluator.books["jbwd"], 3, 1)
    generate.write(path, header, records)
    with path.open("a") as out:
        out.write("{not json\n")
    stream = open_roster(path, evaluator.known_series())
    assert inspect.isgenerator(stream.items)
    first = next(stream.items)
    assert first[0] == 2 and first[1].id == "JBWD-000001"
    rest = list(stream.items)
    assert isinstance(rest[-1][1], RecordError)
    assert rest[-1][1].render() == f"{path}:5:2: invalid JSON: Expecting property name enclosed in double quotes"


def test_yaml_stream_reads_employees_one_at_a_time(evaluator, tmp_path):
    # a YAML syntax error after the second employee: the first two are decided before the error surfaces
    text = (SAMPLES / "jbwd.yaml").read_text()
    path = tmp_path / "broken.yaml"
    path.write_text(text + "  - id: [unclosed\n")
    stream = open_roster(path, evaluator.known_series())
    got = [next(stream.items)[1].id, next(stream.items)[1].id]
    assert got[0].startswith("JBWD-") and got[1].startswith("JBWD-")
    # the error that stops the parser is the last item (the records before it are still decided and written)
    rest = list(stream.items)
    assert all(not isinstance(item, RecordError) for _, item in rest[:-1])
    line, last = rest[-1]
    assert isinstance(last, RecordError) and line == last.line == text.count("\n") + 2
    assert last.render().startswith(f"{path}:{line}:") and "invalid YAML" in last.render()
    assert last.employee_id == f"line {line}"


def test_evaluation_pulls_records_lazily_from_an_endless_stream(evaluator):
    employee = evaluator.load_roster(SAMPLES / "jbwd.yaml").employees[0]
    endless = ((n, employee) for n in itertools.count(1))  # would never end if it were materialized
    firsts = list(itertools.islice(evaluator.evaluate_items(endless, AS_OF, agency="jbwd", chunk=50), 3))
    assert [d.employee_id for d in firsts] == [employee.id] * 3


def test_seen_ids_finds_duplicates_with_their_first_line():
    seen = SeenIds()
    for n in range(5000):
        assert seen.add(f"E-{n}", n + 2) is None
    assert seen.add("E-4321", 9999) == 4323
    assert seen.find("E-0") == 2 and seen.find("nobody") is None
    assert len(seen) == 5000


def test_duplicate_id_is_reported_with_the_first_line(evaluator, tmp_path):
    path = tmp_path / "r.jsonl"
    header, records = generate.generate(evaluator.books["jbwd"], 2, 1)
    one = next(records)
    generate.write(path, header, iter([one, one]))
    items = [i for _, i in open_roster(path, evaluator.known_series()).items]
    assert items[1].render() == f"{path}:3:1: employees[1].id: duplicate employee id 'JBWD-000001' (first on line 2)"


def test_csv_history_out_of_order_is_refused_before_any_decision(evaluator, generated, tmp_path):
    folder, _ = generated
    for name in ("r.csv", "r.positions.csv"):
        (tmp_path / name).write_bytes((folder / name).read_bytes())
    lines = (folder / "r.history.csv").read_text().splitlines(keepends=True)
    (tmp_path / "r.history.csv").write_text(lines[0] + "".join(reversed(lines[1:])))
    with pytest.raises(RecordError, match=r"r.history.csv:\d+: employee_id: history row for employee .* is out of order"):
        open_roster(tmp_path / "r.csv", evaluator.known_series())


@pytest.mark.parametrize("fmt, render", [("json", writers.roster_json), ("csv", writers.roster_csv),
                                         ("jsonl", writers.roster_jsonl), ("text", writers.roster_text)])
def test_result_writer_is_byte_identical_to_the_whole_list_renderers(evaluator, fmt, render):
    items = list(evaluator.evaluate_roster(evaluator.load_roster(SAMPLES / "ccwd.yaml"), AS_OF))
    out = io.StringIO(newline="")
    writer = ResultWriter(out, fmt)
    for item in items:
        writer.write(item)
    writer.close()
    assert out.getvalue() == render(items)
    empty = io.StringIO()
    ResultWriter(empty, "json").close()
    assert empty.getvalue() == writers.roster_json([])


def test_roster_command_streams_to_a_file(generated, tmp_path):
    folder, _ = generated
    out = tmp_path / "out.csv"
    done = subprocess.run([str(SCRIPT), "roster", str(folder / "r.jsonl"), "--rules", str(RULES), "--as-of",
                           "2026-11-24", "-o", str(out)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 1  # the generated roster has malformed records
    errors = [line for line in done.stderr.splitlines() if line.startswith("eligibility: record error: ")]
    assert errors and all(str(folder / "r.jsonl") in line for line in errors)
    assert done.stderr.splitlines()[-1] == f"Wrote {out}: 400 results, {len(errors)} records not decided."
    rows = out.read_text().splitlines()
    assert rows[0].startswith("employee_id,name,current,target") and len(rows) == 401


def test_python_engine_is_selectable_and_named(generated, tmp_path):
    folder, _ = generated
    done = subprocess.run([str(SCRIPT), "roster", str(SAMPLES / "jbwd.yaml"), "--rules", str(RULES), "--as-of",
                           "2026-11-24", "--format", "jsonl", "--engine", "python"], capture_output=True, text=True,
                          timeout=120)
    engines = {json.loads(line).get("engine") for line in done.stdout.splitlines()}
    assert engines - {None} == {"python oracle"}


def test_recording_needs_the_whole_roster(tmp_path):
    done = subprocess.run([str(SCRIPT), "roster", str(SAMPLES / "jbwd.yaml"), "--rules", str(RULES), "--record",
                           "--log", str(tmp_path / "log.sqlite3"), "-o", str(tmp_path / "out.jsonl")],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert "--record needs the whole roster in memory" in done.stderr
    assert not (tmp_path / "out.jsonl").exists()


def test_scheduler_without_the_dask_backend_is_refused():
    done = subprocess.run([str(SCRIPT), "roster", str(SAMPLES / "jbwd.yaml"), "--rules", str(RULES),
                           "--scheduler", "tcp://127.0.0.1:1"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert done.stderr.strip().endswith("Error: --scheduler and --workers only apply with --backend dask")


def test_deciding_a_roster_leaves_no_reference_cycles(evaluator, generated):
    # memory stays flat because reference counting frees each record's objects as soon as it is written;
    # a cycle (an error kept with its traceback, whose frame holds the chunk) would keep whole chunks alive
    # until a full collection. The generated roster has malformed and not-applicable records.
    import gc

    folder, _ = generated
    # objects an earlier test's unfinished roster stream froze out of the collector's view (the evaluator's
    # _bulk_collection) are let back and collected first, so that only this run's garbage is counted
    gc.unfreeze()
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        decided = [report.item_line(item) for item in _decide(evaluator, folder / "r.jsonl")]
        gc.collect()
        cyclic = [type(o).__name__ for o in gc.garbage]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    assert len(decided) == 400 and sum('"kind":"record_error"' in line for line in decided) >= 1
    assert cyclic == []

"""Synthetic rosters: deterministic per seed, loadable for every shipped agency, realistic mix, a few bad records."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest
from factories import RULES

from eligibility.decide.decision import DecisionError
from eligibility.decide.evaluator import Evaluator
from eligibility.records.streaming import open_roster
from eligibility.scale import generate

AS_OF = dt.date(2026, 11, 24)


def _jsonl(book, count, seed, tmp_path, name="r.jsonl"):
    header, records = generate.generate(book, count, seed)
    path = tmp_path / name
    generate.write(path, header, records)
    return path


@pytest.mark.parametrize("agency", ["ccwd", "csr-district", "jbwd", "cas-district"])
def test_same_seed_same_bytes_other_seed_other_bytes(books, agency, tmp_path):
    a = _jsonl(books[agency], 200, 11, tmp_path, "a.jsonl").read_bytes()
    b = _jsonl(books[agency], 200, 11, tmp_path, "b.jsonl").read_bytes()
    c = _jsonl(books[agency], 200, 12, tmp_path, "c.jsonl").read_bytes()
    assert a == b
    assert a != c
    assert json.loads(a.splitlines()[0])["agency"] == agency


@pytest.mark.parametrize("agency", ["ccwd", "csr-district", "jbwd", "cas-district"])
def test_every_agency_gets_a_realistic_mix_that_loads_and_decides(books, agency, tmp_path):
    header, records = generate.generate(books[agency], 1000, 5)
    records = list(records)
    good = [r for r in records if isinstance(r, dict) and "assignments" in r]
    assert any(a.get("fte") for r in good for a in r["assignments"]), "part-time assignments"
    assert any(r.get("leaves") for r in good), "leaves"
    assert any(lv.get("end") is None for r in good for lv in r.get("leaves", [])), "an open leave"
    assert any(r.get("experience") for r in good), "outside experience"
    assert any(lic.get("expires", "9999") < AS_OF.isoformat() for r in good for lic in r.get("licenses", [])), \
        "an expired license"
    assert any("education" not in r for r in good), "unknown education"
    path = tmp_path / "r.jsonl"
    generate.write(path, header, iter(records))
    with Evaluator.from_dir(RULES) as ev:
        stream = open_roster(path, ev.known_series())
        items = list(ev.evaluate_items(stream.items, AS_OF, agency=stream.agency, positions=stream.positions,
                                       path=stream.path))
    assert len(items) == 1000
    errors = [i for i in items if isinstance(i, DecisionError) and i.kind == "record_error"]
    assert 1 <= len(errors) <= 20  # about 1 in 200 records is malformed, and only those fail
    statuses = {i.status for i in items if not isinstance(i, DecisionError)}
    assert len(statuses) >= 3


def test_malformed_records_are_rejected_one_by_one_with_their_line(books, tmp_path):
    header, records = generate.generate(books["ccwd"], 3, 1)
    records = list(records)
    broken = generate._malform(json.loads(json.dumps(records[1])), "fte_over_one", None, [])
    path = tmp_path / "r.jsonl"
    generate.write(path, header, iter([records[0], broken, records[2]]))
    with Evaluator.from_dir(RULES) as ev:
        stream = open_roster(path, ev.known_series())
        items = list(stream.items)
    assert [type(i).__name__ for _, i in items] == ["Employee", "RecordError", "Employee"]
    assert items[1][1].render() == f"{path}:3:1: employees[1].assignments[0].fte: Input should be less than or equal to 1, got 1.5"


def test_yaml_and_jsonl_rosters_hold_the_same_records(books, tmp_path):
    header, records = generate.generate(books["jbwd"], 50, 2)
    records = list(records)
    generate.write(tmp_path / "r.yaml", header, iter(records))
    generate.write(tmp_path / "r.jsonl", header, iter(records))
    with Evaluator.from_dir(RULES) as ev:
        whole = ev.load_roster(tmp_path / "r.yaml")
        streamed = [i for _, i in open_roster(tmp_path / "r.jsonl", ev.known_series()).items]
    assert [e.id for e in whole.employees] == [e.id for e in streamed if not isinstance(e, Exception)]
    assert whole.employees[0] == streamed[0]


def test_generate_command_and_unknown_agency(tmp_path):
    out = tmp_path / "x.yaml"
    cmd = [str(Path(sys.executable).with_name("eligibility")), "generate", "--rules", str(RULES), "--agency", "ccwd",
           "--count", "5", "--seed", "3", "-o", str(out)]
    done = subprocess.run(cmd, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip() == f"Wrote {out}: 5 employees of ccwd (seed 3)."
    assert out.read_text().count("\n- id: CCWD-0") == 5
    bad = subprocess.run(cmd[:5] + ["ccdw"] + cmd[6:], capture_output=True, text=True)
    assert bad.returncode == 2
    assert "Invalid value for --agency: no rule file for agency 'ccdw' (did you mean 'ccwd'?); have: " in bad.stderr
